import type { CanonicalMessage } from '@earshot/domain';
import { epochToIso } from '../shared/time';
import type { InstagramCommentValue } from './meta.webhook-schemas';

/**
 * An Instagram comment → canonical message. Replies carry parent_id (Instagram threads one level
 * deep); the thread is the top-level comment. The webhook has no comment time, so the entry time is used. Pure.
 */
export function normalizeInstagramComment(accountId: string, entryTime: number, v: InstagramCommentValue): CanonicalMessage | null {
  if (!v.from) return null;
  return {
    providerMessageId: v.id,
    threadKey: `ig:comment:${v.parent_id ?? v.id}`,
    replyToProviderId: v.parent_id ?? v.media?.id ?? null,
    references: v.media ? [v.media.id] : undefined,
    direction: v.from.id === accountId ? 'outbound' : 'inbound',
    visibility: 'public',
    author: { externalId: v.from.id, handle: v.from.username ?? null, followers: null },
    text: v.text ?? '',
    sentAt: epochToIso(entryTime),
  };
}
