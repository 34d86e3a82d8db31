import type { CanonicalMessage } from '@earshot/domain';
import { epochToIso } from '../shared/time';
import type { FacebookFeedValue } from './meta.webhook-schemas';

/**
 * A Page comment → canonical message. A top-level comment's parent is the post; a reply's parent
 * is the comment it answers. The thread is the top-level comment, so each commenter on a busy post
 * gets their own conversation. Pure.
 */
export function normalizeFacebookComment(pageId: string, entryTime: number, v: FacebookFeedValue): CanonicalMessage | null {
  if (v.item !== 'comment' || v.verb !== 'add' || !v.comment_id || !v.from) return null;
  const isReply = v.parent_id !== undefined && v.parent_id !== v.post_id;
  return {
    providerMessageId: v.comment_id,
    threadKey: `fb:comment:${isReply ? v.parent_id : v.comment_id}`,
    replyToProviderId: v.parent_id ?? v.post_id ?? null,
    references: v.post_id ? [v.post_id] : undefined,
    direction: v.from.id === pageId ? 'outbound' : 'inbound',
    visibility: 'public',
    author: { externalId: v.from.id, displayName: v.from.name ?? null, followers: null },
    text: v.message ?? '',
    sentAt: epochToIso(v.created_time ?? entryTime),
    attachments: v.photo ? [{ url: v.photo, contentType: 'image/*' }] : undefined,
  };
}
