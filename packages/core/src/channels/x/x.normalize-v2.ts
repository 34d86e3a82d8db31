import type { CanonicalMessage } from '@earshot/domain';
import { decodeHtmlEntities } from '../shared/html-entities';
import { conversationThreadKey, snowflakeTime } from './x.ids';
import type { XPolledMention } from './x.v2-schemas';

/** A mention read from GET /2/users/:id/mentions → a canonical message. Pure. */
export function normalizePolledMention(event: XPolledMention): CanonicalMessage {
  const [tweet] = event.data;
  if (!tweet) throw new Error('unreachable: schema requires one tweet');
  const author = event.includes?.users?.find((u) => u.id === tweet.author_id);
  const repliedTo = tweet.referenced_tweets?.find((r) => r.type === 'replied_to')?.id ?? null;
  const quoted = tweet.referenced_tweets?.find((r) => r.type === 'quoted')?.id;
  const conversationId = tweet.conversation_id ?? (repliedTo === null ? tweet.id : null);
  const authorId = tweet.author_id ?? author?.id ?? 'unknown';
  return {
    providerMessageId: tweet.id,
    threadKey: conversationId === null ? null : conversationThreadKey(conversationId),
    replyToProviderId: repliedTo,
    references: quoted ? [quoted] : undefined,
    direction: authorId === event.for_user_id ? 'outbound' : 'inbound',
    visibility: 'public',
    author: {
      externalId: authorId,
      handle: author?.username ?? null,
      displayName: author?.name ?? null,
      followers: author?.public_metrics?.followers_count ?? null,
    },
    text: decodeHtmlEntities(tweet.text),
    sentAt: tweet.created_at ? new Date(tweet.created_at).toISOString() : (snowflakeTime(tweet.id) ?? new Date(0).toISOString()),
  };
}
