const META_KINDS = new Set(['facebook', 'instagram']);
/** Meta lets a business message a customer privately for 24 hours after the customer last wrote. */
const MESSAGING_WINDOW_MS = 86_400_000;

export type CustomerForm = { kind: 'message'; visibility: 'public' | 'private' } | { kind: 'phone' } | { kind: 'closed'; reason: string };

/**
 * How Earshot may reach a customer after the fact, in the form their channel allows: a private message
 * where they wrote privately (inside the messaging window on Messenger/Instagram), a public reply where
 * they wrote in public, a call for phone customers. Email, web chat, X and API channels have no window.
 */
export function customerForm(channelKind: string, conv: { last_inbound_public: boolean; last_inbound_at: Date | null }, now: Date): CustomerForm {
  if (channelKind === 'phone') return { kind: 'phone' };
  const visibility = conv.last_inbound_public ? 'public' : 'private';
  if (META_KINDS.has(channelKind) && visibility === 'private' && (!conv.last_inbound_at || now.getTime() - conv.last_inbound_at.getTime() > MESSAGING_WINDOW_MS)) {
    return { kind: 'closed', reason: 'The messaging window is closed (more than 24 hours since the customer last wrote): the platform forbids a business message now.' };
  }
  return { kind: 'message', visibility };
}
