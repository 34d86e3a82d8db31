import type { Attachment, CanonicalMessage } from '@earshot/domain';
import { decodeHtmlEntities } from '../shared/html-entities';
import { parsePayload } from '../shared/parse';
import { epochToIso } from '../shared/time';
import { conversationThreadKey, dmThreadKey, snowflakeTime } from './x.ids';
import { XPolledMention } from './x.v2-schemas';
import { XActivityDelivery, type XDmEvent, type XDmUser, type XV1Tweet } from './x.webhook-schemas';
import { normalizePolledMention } from './x.normalize-v2';

type UrlEntities = { urls?: Array<{ url: string; expanded_url?: string | null | undefined }> | undefined } | undefined;

/** A stored X event (from split or from polling) → canonical messages. Pure. */
export function normalizeXEvent(payload: unknown): CanonicalMessage[] {
  if (typeof payload === 'object' && payload !== null && 'data' in payload) {
    return [normalizePolledMention(parsePayload(XPolledMention, payload, 'X polled mention'))];
  }
  const delivery = parsePayload(XActivityDelivery, payload, 'X activity event');
  const out: CanonicalMessage[] = [];
  for (const tweet of delivery.tweet_create_events ?? []) {
    const msg = normalizeTweet(tweet, delivery.for_user_id);
    if (msg) out.push(msg);
  }
  for (const dm of delivery.direct_message_events ?? []) {
    const msg = normalizeDm(dm, delivery.for_user_id, delivery.users ?? {});
    if (msg) out.push(msg);
  }
  return out;
}

/** Replaces t.co links with the links the author wrote, then decodes X's HTML escaping. */
export function readableText(text: string, entities: UrlEntities): string {
  let result = text;
  for (const u of entities?.urls ?? []) {
    if (u.expanded_url) result = result.split(u.url).join(u.expanded_url);
  }
  return decodeHtmlEntities(result);
}

function normalizeTweet(tweet: XV1Tweet, brandUserId: string): CanonicalMessage | null {
  if (tweet.retweeted_status !== undefined) return null; // a repost says nothing new to answer
  const extended = tweet.extended_tweet;
  const text = readableText(extended?.full_text ?? tweet.full_text ?? tweet.text ?? '', extended?.entities ?? tweet.entities);
  const replyTo = tweet.in_reply_to_status_id_str ?? null;
  // The root of a conversation is its own conversation id; for replies X's v1.1 objects do not say.
  const conversationId = tweet.conversation_id_str ?? (replyTo === null ? tweet.id_str : null);
  const media = (extended?.extended_entities ?? tweet.extended_entities)?.media ?? [];
  return {
    providerMessageId: tweet.id_str,
    threadKey: conversationId === null ? null : conversationThreadKey(conversationId),
    replyToProviderId: replyTo,
    references: tweet.quoted_status_id_str ? [tweet.quoted_status_id_str] : undefined,
    direction: tweet.user.id_str === brandUserId ? 'outbound' : 'inbound',
    visibility: 'public',
    author: {
      externalId: tweet.user.id_str,
      handle: tweet.user.screen_name ?? null,
      displayName: tweet.user.name ?? null,
      followers: tweet.user.followers_count ?? null,
    },
    text,
    sentAt: tweetTime(tweet),
    attachments: media.length > 0 ? media.map(toAttachment) : undefined,
  };
}

function tweetTime(tweet: XV1Tweet): string {
  if (tweet.timestamp_ms) return epochToIso(tweet.timestamp_ms);
  const parsed = tweet.created_at ? Date.parse(tweet.created_at) : Number.NaN;
  if (Number.isFinite(parsed)) return new Date(parsed).toISOString();
  return snowflakeTime(tweet.id_str) ?? new Date(0).toISOString();
}

function normalizeDm(dm: XDmEvent, brandUserId: string, users: Record<string, XDmUser>): CanonicalMessage | null {
  const create = dm.message_create;
  if (dm.type !== 'message_create' || !create) return null;
  const sender = users[create.sender_id];
  const media = create.message_data.attachment?.media;
  return {
    providerMessageId: dm.id,
    threadKey: dmThreadKey(create.sender_id, create.target.recipient_id),
    replyToProviderId: null,
    direction: create.sender_id === brandUserId ? 'outbound' : 'inbound',
    visibility: 'private',
    author: {
      externalId: create.sender_id,
      handle: sender?.screen_name ?? null,
      displayName: sender?.name ?? null,
      followers: sender?.followers_count ?? null,
    },
    text: readableText(create.message_data.text, create.message_data.entities),
    sentAt: epochToIso(dm.created_timestamp),
    attachments: media ? [toAttachment(media)] : undefined,
  };
}

function toAttachment(media: { media_url_https?: string | undefined; type?: string | undefined }): Attachment {
  const contentType = media.type === 'photo' ? 'image/jpeg' : media.type === 'video' || media.type === 'animated_gif' ? 'video/mp4' : undefined;
  return { url: media.media_url_https, contentType };
}
