import type { CanonicalMessage } from '@earshot/domain';
import { epochToIso } from '../shared/time';
import type { MetaPlatform } from './meta.platform';
import type { MetaMessagingEvent } from './meta.webhook-schemas';

/** A Messenger or Instagram DM → canonical message, threaded by (account, person). Pure. */
export function normalizeMetaMessage(platform: MetaPlatform, accountId: string, event: MetaMessagingEvent): CanonicalMessage | null {
  const message = event.message;
  if (!message) return null;
  // An echo is a message the Page/account itself sent: the person is the recipient.
  const outbound = message.is_echo === true || event.sender.id === accountId;
  const person = outbound ? event.recipient.id : event.sender.id;
  const attachments = (message.attachments ?? []).flatMap((a) => (a.payload?.url ? [{ url: a.payload.url, contentType: contentTypeOf(a.type) }] : []));
  return {
    providerMessageId: message.mid,
    threadKey: `${platform.prefix}:dm:${accountId}:${person}`,
    replyToProviderId: message.reply_to?.mid ?? null,
    direction: outbound ? 'outbound' : 'inbound',
    visibility: 'private',
    author: { externalId: event.sender.id, followers: null },
    text: message.text ?? '',
    sentAt: epochToIso(event.timestamp),
    attachments: attachments.length > 0 ? attachments : undefined,
  };
}

function contentTypeOf(type: string | undefined): string | undefined {
  if (type === 'image') return 'image/*';
  if (type === 'video') return 'video/*';
  if (type === 'audio') return 'audio/*';
  return undefined;
}
