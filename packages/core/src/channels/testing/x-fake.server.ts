import { randomBytes } from 'node:crypto';
import { xSignature, X_SIGNATURE_HEADER } from '../x/x.verification';
import { FaultPlan } from './fake-faults';
import { startFakeHttp } from './fake-http';
import { dmUser, v1Tweet } from './x-fake.payloads';
import { handleXApi } from './x-fake.routes';
import { XFakeState, type XFakeTweet, type XFakeUser, type XRateBucket, type XSentRecord } from './x-fake.state';
import { postDeliveries, postDelivery, type DeliveryOrder, type DeliveryOutcome, type SignedDelivery } from './webhook-post';
import { textPicker, type SampleText } from './sample-texts';

export interface XFakeOptions {
  consumerSecret?: string;
  accessToken?: string;
  bearerToken?: string;
  brand?: { id?: string; username?: string; name?: string; followers?: number };
  now?: () => number;
  /** Loopback port (default: ephemeral). */
  port?: number;
}

export interface XFakeServer {
  /** Use as the channel's apiBaseUrl. */
  url: string;
  brand: XFakeUser;
  credentials: { consumerSecret: string; accessToken: string; bearerToken: string };
  /** Everything the brand sent through the API, in order. */
  sent: XSentRecord[];
  tweets: Map<string, XFakeTweet>;
  addCustomer(u: { username: string; name?: string; followers?: number; id?: string }): XFakeUser;
  /** A customer post mentioning the brand (visible to polling) and its Account Activity delivery. */
  mention(opts: { from: XFakeUser; text: string; inReplyTo?: string; quoteOf?: string }): { tweet: XFakeTweet; payload: Record<string, unknown> };
  /** The delivery X sends when the brand itself posted (an echo of our own reply). */
  echo(tweetId: string): Record<string, unknown>;
  /** A DM from a customer to the brand as an Account Activity delivery. */
  dm(opts: { from: XFakeUser; text: string }): { eventId: string; payload: Record<string, unknown> };
  sign(payload: unknown, opts?: { secret?: string }): SignedDelivery;
  deliver(url: string, payload: unknown, opts?: { times?: number; secret?: string }): Promise<DeliveryOutcome[]>;
  deliverMany(url: string, payloads: unknown[], order?: DeliveryOrder): Promise<DeliveryOutcome[]>;
  /** Runs a Challenge-Response Check against url, as X does at registration and hourly. */
  crc(url: string): Promise<{ ok: boolean; status: number }>;
  /** A realistic mix of mentions, replies and DMs with real customer texts, POSTed to url. */
  stream(url: string, opts: { texts: SampleText[]; count: number; seed?: number }): Promise<DeliveryOutcome[]>;
  /** The next `count` API requests (after `after` good ones) fail: 429 with a reset header, or another status. */
  failNext(count: number, fault: { status: 429; resetInSeconds?: number } | { status: number }, after?: number): void;
  setOutage(on: boolean): void;
  setRateLimit(bucket: XRateBucket, limit: number): void;
  close(): Promise<void>;
}

/** A local X: API v2 (posts, DMs, mentions) over HTTP, plus the Account Activity webhook sender. */
export async function startXFakeServer(opts: XFakeOptions = {}): Promise<XFakeServer> {
  const now = opts.now ?? (() => Date.now());
  const credentials = {
    consumerSecret: opts.consumerSecret ?? randomBytes(24).toString('base64url'),
    accessToken: opts.accessToken ?? randomBytes(24).toString('base64url'),
    bearerToken: opts.bearerToken ?? randomBytes(24).toString('base64url'),
  };
  const state = new XFakeState(now);
  const brand = state.addUser({ id: opts.brand?.id ?? '783214', username: opts.brand?.username ?? 'EarshotAir', name: opts.brand?.name ?? 'Earshot Air', followers: opts.brand?.followers ?? 250_000 });
  const faults = new FaultPlan();
  const http = await startFakeHttp((req) => handleXApi(req, state, faults, { ...credentials, brandUserId: brand.id }), opts.port);

  const sign = (payload: unknown, o: { secret?: string } = {}): SignedDelivery => {
    const body = Buffer.from(JSON.stringify(payload));
    return { body, headers: { [X_SIGNATURE_HEADER]: xSignature(o.secret ?? credentials.consumerSecret, body) } };
  };
  const tweetDelivery = (t: XFakeTweet) => ({ for_user_id: brand.id, tweet_create_events: [v1Tweet(t, state.users)] });

  const mention: XFakeServer['mention'] = ({ from, text, inReplyTo, quoteOf }) => {
    const full = text.includes(`@${brand.username}`) ? text : `@${brand.username} ${text}`;
    const tweet = state.addTweet({ text: full, authorId: from.id, inReplyToTweetId: inReplyTo ?? null, quotedTweetId: quoteOf ?? null, mentionsBrand: true });
    return { tweet, payload: tweetDelivery(tweet) };
  };
  const dm: XFakeServer['dm'] = ({ from, text }) => {
    const eventId = state.nextId();
    const event = {
      type: 'message_create',
      id: eventId,
      created_timestamp: String(now()),
      message_create: {
        target: { recipient_id: brand.id },
        sender_id: from.id,
        message_data: { text: text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'), entities: { hashtags: [], symbols: [], user_mentions: [], urls: [] } },
      },
    };
    return { eventId, payload: { for_user_id: brand.id, direct_message_events: [event], users: { [from.id]: dmUser(from), [brand.id]: dmUser(brand) } } };
  };

  return {
    url: http.url,
    brand,
    credentials,
    sent: state.sent,
    tweets: state.tweets,
    addCustomer: (u) => state.addUser({ name: u.name ?? u.username, followers: u.followers ?? 150, username: u.username, id: u.id }),
    mention,
    echo: (tweetId) => {
      const t = state.tweets.get(tweetId);
      if (!t) throw new Error(`unknown tweet ${tweetId}`);
      return tweetDelivery(t);
    },
    dm,
    sign,
    deliver: (url, payload, o = {}) => postDelivery(url, sign(payload, o), o.times ?? 1),
    deliverMany: (url, payloads, order) => postDeliveries(url, payloads.map((p) => sign(p)), order),
    crc: async (url) => {
      const token = randomBytes(16).toString('hex');
      const target = new URL(url);
      target.searchParams.set('crc_token', token);
      const res = await fetch(target, { method: 'GET' });
      const body = (await res.json().catch(() => null)) as { response_token?: unknown } | null;
      return { ok: res.status === 200 && body?.response_token === xSignature(credentials.consumerSecret, token), status: res.status };
    },
    stream: async (url, { texts, count, seed = 1 }) => {
      const pick = textPicker(texts, seed);
      const customers = Array.from({ length: Math.max(3, Math.ceil(count / 3)) }, (_, i) =>
        state.addUser({ username: `customer_${seed}_${i}`, name: `Customer ${i + 1}`, followers: (i * 7919) % 40_000 }),
      );
      const payloads: unknown[] = [];
      const roots: string[] = [];
      for (let i = 0; i < count; i++) {
        const from = customers[i % customers.length] as XFakeUser;
        if (i % 5 === 4) {
          payloads.push(dm({ from, text: pick() }).payload);
          continue;
        }
        const replyTo = i % 3 === 2 ? roots.at(-1) : undefined;
        const m = mention({ from, text: pick(), inReplyTo: replyTo });
        roots.push(m.tweet.id);
        payloads.push(m.payload);
      }
      return postDeliveries(url, payloads.map((p) => sign(p)));
    },
    failNext: (count, fault, after) =>
      faults.failNext(count, fault.status === 429 ? { kind: 'rate-limit', resetInSeconds: 'resetInSeconds' in fault ? (fault.resetInSeconds ?? 900) : 900 } : { kind: 'status', status: fault.status }, after),
    setOutage: (on) => faults.setOutage(on),
    setRateLimit: (bucket, limit) => state.setRateLimit(bucket, limit),
    close: () => http.close(),
  };
}
