import { encodeHtmlEntities } from '../shared/html-entities';
import type { XFakeTweet, XFakeUser } from './x-fake.state';

// Provider-shaped objects the fake X sends and serves: v1.1 objects for Account Activity deliveries,
// v2 objects for the mentions timeline.

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number): string => String(n).padStart(2, '0');

/** v1.1 created_at, e.g. "Wed Oct 10 20:19:24 +0000 2018". */
export function v1Date(d: Date): string {
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000 ${d.getUTCFullYear()}`;
}

export function v1User(u: XFakeUser): Record<string, unknown> {
  return {
    id: Number(u.id),
    id_str: u.id,
    name: u.name,
    screen_name: u.username,
    protected: false,
    verified: false,
    followers_count: u.followers,
    friends_count: 120,
    statuses_count: 2048,
    created_at: 'Mon Jan 03 09:00:00 +0000 2011',
  };
}

export function v1Tweet(t: XFakeTweet, users: Map<string, XFakeUser>): Record<string, unknown> {
  const author = users.get(t.authorId);
  const parent = t.inReplyToTweetId;
  const escaped = encodeHtmlEntities(t.text);
  // Classic objects carry the first 140 characters; the whole text is in extended_tweet.
  const long = [...t.text].length > 140;
  return {
    created_at: v1Date(t.createdAt),
    id: Number(t.id),
    id_str: t.id,
    text: long ? `${[...escaped].slice(0, 139).join('')}…` : escaped,
    source: '<a href="https://mobile.x.com" rel="nofollow">X Web App</a>',
    truncated: long,
    ...(long ? { extended_tweet: { full_text: escaped, display_text_range: [0, [...escaped].length], entities: { hashtags: [], urls: [], user_mentions: [], symbols: [] } } } : {}),
    in_reply_to_status_id: parent ? Number(parent) : null,
    in_reply_to_status_id_str: parent,
    in_reply_to_user_id_str: t.inReplyToUserId,
    in_reply_to_screen_name: t.inReplyToUserId ? (users.get(t.inReplyToUserId)?.username ?? null) : null,
    user: author ? v1User(author) : { id_str: t.authorId },
    is_quote_status: t.quotedTweetId !== null,
    ...(t.quotedTweetId ? { quoted_status_id: Number(t.quotedTweetId), quoted_status_id_str: t.quotedTweetId } : {}),
    entities: { hashtags: [], urls: [], user_mentions: [], symbols: [] },
    lang: 'en',
    timestamp_ms: String(t.createdAt.getTime()),
  };
}

export function v2Tweet(t: XFakeTweet, fields: Set<string>): Record<string, unknown> {
  const out: Record<string, unknown> = { id: t.id, text: encodeHtmlEntities(t.text), edit_history_tweet_ids: [t.id] };
  if (fields.has('author_id')) out.author_id = t.authorId;
  if (fields.has('created_at')) out.created_at = t.createdAt.toISOString();
  if (fields.has('conversation_id')) out.conversation_id = t.conversationId;
  if (fields.has('referenced_tweets')) {
    const refs = [
      ...(t.inReplyToTweetId ? [{ type: 'replied_to', id: t.inReplyToTweetId }] : []),
      ...(t.quotedTweetId ? [{ type: 'quoted', id: t.quotedTweetId }] : []),
    ];
    if (refs.length > 0) out.referenced_tweets = refs;
  }
  return out;
}

export function v2User(u: XFakeUser, fields: Set<string>): Record<string, unknown> {
  const out: Record<string, unknown> = { id: u.id, name: u.name, username: u.username };
  if (fields.has('public_metrics')) out.public_metrics = { followers_count: u.followers, following_count: 120, tweet_count: 2048, listed_count: 3 };
  return out;
}

/** X's problem-details error body (RFC 7807 style) used by the v2 API. */
export function problem(status: number, title: string, detail: string, type = 'about:blank'): Record<string, unknown> {
  return { title, detail, type, status };
}

/** Users as listed in a direct_message_events delivery's `users` map (ids as strings). */
export function dmUser(u: XFakeUser): Record<string, unknown> {
  return {
    id: u.id,
    created_timestamp: '1294045200000',
    name: u.name,
    screen_name: u.username,
    protected: false,
    verified: false,
    followers_count: u.followers,
    friends_count: 120,
    statuses_count: 2048,
    profile_image_url_https: `https://pbs.twimg.com/profile_images/${u.id}/avatar_normal.jpg`,
  };
}
