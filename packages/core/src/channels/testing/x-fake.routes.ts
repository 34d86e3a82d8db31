import { xWeightedLength, X_MAX_POST_LENGTH } from '@earshot/domain';
import type { FaultPlan } from './fake-faults';
import { bearerToken, jsonBody, type FakeRequest, type FakeResponse } from './fake-http';
import { problem, v2Tweet, v2User } from './x-fake.payloads';
import type { XFakeState, XRateBucket } from './x-fake.state';

export interface XFakeAuth {
  accessToken: string;
  bearerToken: string;
  brandUserId: string;
}

const MENTIONS_PATH = /^\/2\/users\/([^/]+)\/mentions$/;
const DM_PATH = /^\/2\/dm_conversations\/with\/([^/]+)\/messages$/;

/** The X API v2 endpoints Earshot uses, as documented: auth, validation, rate windows, errors. */
export function handleXApi(req: FakeRequest, state: XFakeState, faults: FaultPlan, auth: XFakeAuth): FakeResponse {
  const bucket = bucketOf(req);
  if (!bucket) return { status: 404, body: problem(404, 'Not Found Error', `No route for ${req.method} ${req.path}`) };
  const token = bearerToken(req.headers);
  const allowed = bucket === 'mentions' ? [auth.accessToken, auth.bearerToken] : [auth.accessToken];
  if (!token || !allowed.includes(token)) return { status: 401, body: problem(401, 'Unauthorized', 'Unauthorized') };

  const fault = faults.take();
  if (fault === 'outage') return { status: 503, body: problem(503, 'Service Unavailable', 'Service Unavailable') };
  if (fault?.kind === 'rate-limit') return tooMany(state.exhausted(bucket, fault.resetInSeconds));
  if (fault?.kind === 'status') return { status: fault.status, body: problem(fault.status, 'Error', `Injected ${fault.status}`) };

  const window = state.consume(bucket);
  if (!window.allowed) return tooMany(window.headers);
  const res = bucket === 'tweets' ? createPost(req, state) : bucket === 'dm' ? createDm(req, state) : mentions(req, state, auth);
  return { ...res, headers: { ...window.headers, ...res.headers } };
}

function bucketOf(req: FakeRequest): XRateBucket | null {
  if (req.method === 'POST' && req.path === '/2/tweets') return 'tweets';
  if (req.method === 'POST' && DM_PATH.test(req.path)) return 'dm';
  if (req.method === 'GET' && MENTIONS_PATH.test(req.path)) return 'mentions';
  return null;
}

function tooMany(headers: Record<string, string>): FakeResponse {
  return { status: 429, headers, body: problem(429, 'Too Many Requests', 'Too Many Requests') };
}

function invalid(message: string, parameter?: string): FakeResponse {
  return {
    status: 400,
    body: {
      errors: [{ parameters: parameter ? { [parameter]: [] } : {}, message }],
      title: 'Invalid Request',
      detail: 'One or more parameters to your request was invalid.',
      type: 'https://api.twitter.com/2/problems/invalid-request',
    },
  };
}

function createPost(req: FakeRequest, state: XFakeState): FakeResponse {
  const body = jsonBody(req) as { text?: unknown; reply?: { in_reply_to_tweet_id?: unknown } } | undefined;
  if (!body || typeof body.text !== 'string' || body.text.trim() === '') return invalid('text is required', 'text');
  if (xWeightedLength(body.text) > X_MAX_POST_LENGTH) {
    return { status: 403, body: problem(403, 'Forbidden', 'Your Tweet text is too long. For more information on how Twitter determines text length see https://github.com/twitter/twitter-text.') };
  }
  let replyTo: string | null = null;
  if (body.reply !== undefined) {
    const id = body.reply.in_reply_to_tweet_id;
    if (typeof id !== 'string' || !/^\d+$/.test(id)) return invalid('reply.in_reply_to_tweet_id must be a numeric string', 'reply.in_reply_to_tweet_id');
    if (!state.tweets.has(id)) return invalid('The Tweet you are replying to has been deleted or is not visible to you.', 'reply.in_reply_to_tweet_id');
    replyTo = id;
  }
  const brand = [...state.users.values()][0];
  const text = body.text;
  const duplicate = [...state.tweets.values()].some((t) => t.authorId === brand?.id && t.text === text);
  if (duplicate) return { status: 403, body: problem(403, 'Forbidden', 'You are not allowed to create a Tweet with duplicate content.') };
  const tweet = state.addTweet({ text, authorId: brand?.id ?? '0', inReplyToTweetId: replyTo, quotedTweetId: null, mentionsBrand: false });
  state.sent.push({ kind: 'post', id: tweet.id, text, inReplyToTweetId: replyTo });
  return { status: 201, body: { data: { id: tweet.id, text, edit_history_tweet_ids: [tweet.id] } } };
}

function createDm(req: FakeRequest, state: XFakeState): FakeResponse {
  const participantId = decodeURIComponent(DM_PATH.exec(req.path)?.[1] ?? '');
  const body = jsonBody(req) as { text?: unknown } | undefined;
  if (!body || typeof body.text !== 'string' || body.text === '') return invalid('text or attachments is required', 'text');
  if (!state.users.has(participantId)) return invalid(`Could not find user with participant_id: [${participantId}].`, 'participant_id');
  const record = state.recordDm(participantId, body.text);
  const conversationId = record.kind === 'dm' ? record.conversationId : '';
  return { status: 201, body: { data: { dm_conversation_id: conversationId, dm_event_id: record.id } } };
}

interface PageCursor {
  untilId: string;
}

function mentions(req: FakeRequest, state: XFakeState, auth: XFakeAuth): FakeResponse {
  const userId = decodeURIComponent(MENTIONS_PATH.exec(req.path)?.[1] ?? '');
  if (userId !== auth.brandUserId) return invalid(`The user id ${userId} is not the authenticated user`, 'id');
  const max = Number(req.query.get('max_results') ?? '10');
  if (!Number.isInteger(max) || max < 5 || max > 100) return invalid('The `max_results` query parameter value is not between 5 and 100', 'max_results');
  const sinceId = req.query.get('since_id');
  const token = req.query.get('pagination_token');
  let cursor: PageCursor | null = null;
  if (token) {
    try {
      cursor = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as PageCursor;
    } catch {
      return invalid('The `pagination_token` query parameter value is not valid', 'pagination_token');
    }
  }
  const all = [...state.tweets.values()]
    .filter((t) => t.mentionsBrand && t.authorId !== auth.brandUserId)
    .filter((t) => !sinceId || BigInt(t.id) > BigInt(sinceId))
    .filter((t) => !cursor || BigInt(t.id) < BigInt(cursor.untilId))
    .sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : -1));
  const page = all.slice(0, max);
  const tweetFields = new Set((req.query.get('tweet.fields') ?? '').split(',').filter(Boolean));
  const userFields = new Set((req.query.get('user.fields') ?? '').split(',').filter(Boolean));
  const expansions = new Set((req.query.get('expansions') ?? '').split(',').filter(Boolean));
  if (expansions.has('author_id')) tweetFields.add('author_id');
  const last = page.at(-1);
  const meta: Record<string, unknown> = { result_count: page.length };
  if (page[0] && last) {
    meta.newest_id = page[0].id;
    meta.oldest_id = last.id;
  }
  if (last && all.length > page.length) meta.next_token = Buffer.from(JSON.stringify({ untilId: last.id })).toString('base64url');
  if (page.length === 0) return { status: 200, body: { meta } };
  const authors = [...new Set(page.map((t) => t.authorId))].flatMap((id) => {
    const u = state.users.get(id);
    return u ? [v2User(u, userFields)] : [];
  });
  return {
    status: 200,
    body: {
      data: page.map((t) => v2Tweet(t, tweetFields)),
      ...(expansions.has('author_id') ? { includes: { users: authors } } : {}),
      meta,
    },
  };
}
