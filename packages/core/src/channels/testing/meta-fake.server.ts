import { createHmac, randomBytes } from 'node:crypto';
import { metaSignature, META_SIGNATURE_HEADER } from '../meta/meta.verification';
import { FaultPlan } from './fake-faults';
import { startFakeHttp } from './fake-http';
import { batchDeliveries, feedCommentDelivery, igCommentDelivery, messagingDelivery } from './meta-fake.payloads';
import { handleGraph } from './meta-fake.routes';
import { MetaFakeState, type MetaFakeComment, type MetaFakePerson, type MetaFakePlatform, type MetaSentRecord } from './meta-fake.state';
import { textPicker, type SampleText } from './sample-texts';
import { postDeliveries, postDelivery, type DeliveryOrder, type DeliveryOutcome, type SignedDelivery } from './webhook-post';

export interface MetaFakeOptions {
  appSecret?: string;
  verifyToken?: string;
  pageAccessToken?: string;
  pageId?: string;
  igUserId?: string;
  now?: () => number;
  /** Loopback port (default: ephemeral). */
  port?: number;
}

type Delivery = Record<string, unknown>;

export interface MetaFakeServer {
  /** Use as the channel's apiBaseUrl. */
  url: string;
  pageId: string;
  igUserId: string;
  credentials: { appSecret: string; verifyToken: string; pageAccessToken: string };
  /** Everything the brand sent through the Graph API, in order. */
  sent: MetaSentRecord[];
  comments: Map<string, MetaFakeComment>;
  addPerson(p: { name: string; platform: MetaFakePlatform; username?: string }): MetaFakePerson;
  /** A brand post (Facebook) or media (Instagram) to comment on. */
  addPost(platform: MetaFakePlatform): string;
  /** A Page feed comment (or reply, with parentCommentId) and its webhook delivery. */
  facebookComment(o: { from: MetaFakePerson; text: string; postId?: string; parentCommentId?: string }): { comment: MetaFakeComment; payload: Delivery };
  /** A Messenger message to the Page; opens the person's 24-hour window. */
  messengerMessage(o: { from: MetaFakePerson; text: string }): { mid: string; payload: Delivery };
  instagramComment(o: { from: MetaFakePerson; text: string; mediaId?: string; parentCommentId?: string }): { comment: MetaFakeComment; payload: Delivery };
  instagramMessage(o: { from: MetaFakePerson; text: string }): { mid: string; payload: Delivery };
  /** Several deliveries of one object type batched into one POST, as Meta does. */
  batch(payloads: Delivery[]): Delivery;
  sign(payload: unknown, opts?: { secret?: string }): SignedDelivery;
  deliver(url: string, payload: unknown, opts?: { times?: number; secret?: string }): Promise<DeliveryOutcome[]>;
  deliverMany(url: string, payloads: unknown[], order?: DeliveryOrder): Promise<DeliveryOutcome[]>;
  /** Runs the subscription verification GET (hub.mode/hub.verify_token/hub.challenge) against url. */
  verifySubscription(url: string, opts?: { verifyToken?: string }): Promise<{ ok: boolean; status: number }>;
  /** A realistic mix of comments, replies and DMs on one platform with real customer texts, POSTed to url. */
  stream(url: string, opts: { platform: MetaFakePlatform; texts: SampleText[]; count: number; seed?: number }): Promise<DeliveryOutcome[]>;
  /** The next `count` Graph calls (after `after` good ones) fail: rate limit (code 32 by default) with usage headers, or a status. */
  failNext(count: number, fault: { rateLimit: true; code?: number; resetInSeconds?: number } | { status: number }, after?: number): void;
  setOutage(on: boolean): void;
  close(): Promise<void>;
}

/** A local Meta Graph API (comment replies, Send API) plus the Pages/Instagram webhook sender. */
export async function startMetaFakeServer(opts: MetaFakeOptions = {}): Promise<MetaFakeServer> {
  const now = opts.now ?? (() => Date.now());
  const credentials = {
    appSecret: opts.appSecret ?? randomBytes(16).toString('hex'),
    verifyToken: opts.verifyToken ?? randomBytes(12).toString('base64url'),
    pageAccessToken: opts.pageAccessToken ?? `EAAG${randomBytes(32).toString('base64url')}`,
  };
  const state = new MetaFakeState(now, opts.pageId ?? '104857600123456', opts.igUserId ?? '17841400000000001');
  const faults = new FaultPlan();
  let rateLimitCode = 32;
  const http = await startFakeHttp((req) => handleGraph(req, state, faults, credentials, () => rateLimitCode), opts.port);

  const sign = (payload: unknown, o: { secret?: string } = {}): SignedDelivery => {
    const body = Buffer.from(JSON.stringify(payload));
    const secret = o.secret ?? credentials.appSecret;
    return { body, headers: { [META_SIGNATURE_HEADER]: metaSignature(secret, body), 'x-hub-signature': `sha1=${createHmac('sha1', secret).update(body).digest('hex')}` } };
  };
  const mid = () => `m_${randomBytes(18).toString('base64url')}`;

  const server: MetaFakeServer = {
    url: http.url,
    pageId: state.pageId,
    igUserId: state.igUserId,
    credentials,
    sent: state.sent,
    comments: state.comments,
    addPerson: (p) => state.addPerson(p),
    addPost: (platform) => state.addObject(platform),
    facebookComment: ({ from, text, postId, parentCommentId }) => {
      const parent = parentCommentId ? state.comments.get(parentCommentId) : undefined;
      const objectId = parent?.objectId ?? postId ?? state.addObject('facebook');
      const comment = state.addComment({ platform: 'facebook', objectId, parentId: parentCommentId ?? null, fromId: from.id, text });
      return { comment, payload: feedCommentDelivery(state.pageId, comment, from, now()) };
    },
    messengerMessage: ({ from, text }) => {
      const id = mid();
      from.lastMessageAt = now();
      return { mid: id, payload: messagingDelivery('page', state.pageId, from, id, text, now()) };
    },
    instagramComment: ({ from, text, mediaId, parentCommentId }) => {
      const parent = parentCommentId ? state.comments.get(parentCommentId) : undefined;
      const objectId = parent?.objectId ?? mediaId ?? state.addObject('instagram');
      const comment = state.addComment({ platform: 'instagram', objectId, parentId: parentCommentId ?? null, fromId: from.id, text });
      return { comment, payload: igCommentDelivery(state.igUserId, comment, from, now()) };
    },
    instagramMessage: ({ from, text }) => {
      const id = mid();
      from.lastMessageAt = now();
      return { mid: id, payload: messagingDelivery('instagram', state.igUserId, from, id, text, now()) };
    },
    batch: batchDeliveries,
    sign,
    deliver: (url, payload, o = {}) => postDelivery(url, sign(payload, o), o.times ?? 1),
    deliverMany: (url, payloads, order) => postDeliveries(url, payloads.map((p) => sign(p)), order),
    verifySubscription: async (url, o = {}) => {
      const challenge = String(Math.floor(Math.random() * 1e9));
      const target = new URL(url);
      target.searchParams.set('hub.mode', 'subscribe');
      target.searchParams.set('hub.challenge', challenge);
      target.searchParams.set('hub.verify_token', o.verifyToken ?? credentials.verifyToken);
      const res = await fetch(target);
      return { ok: res.status === 200 && (await res.text()) === challenge, status: res.status };
    },
    stream: async (url, { platform, texts, count, seed = 1 }) => {
      const pick = textPicker(texts, seed);
      const people = Array.from({ length: Math.max(3, Math.ceil(count / 3)) }, (_, i) => state.addPerson({ name: `Customer ${seed}-${i + 1}`, platform }));
      const post = state.addObject(platform);
      const payloads: Delivery[] = [];
      let lastTop: string | undefined;
      for (let i = 0; i < count; i++) {
        const from = people[i % people.length] as MetaFakePerson;
        const text = pick();
        if (i % 4 === 3) {
          payloads.push((platform === 'facebook' ? server.messengerMessage : server.instagramMessage)({ from, text }).payload);
          continue;
        }
        const parentCommentId = i % 3 === 2 ? lastTop : undefined;
        const c = platform === 'facebook' ? server.facebookComment({ from, text, postId: post, parentCommentId }) : server.instagramComment({ from, text, mediaId: post, parentCommentId });
        if (!parentCommentId) lastTop = c.comment.id;
        payloads.push(c.payload);
      }
      return postDeliveries(url, payloads.map((p) => sign(p)));
    },
    failNext: (count, fault, after) => {
      if ('rateLimit' in fault) {
        rateLimitCode = fault.code ?? 32;
        faults.failNext(count, { kind: 'rate-limit', resetInSeconds: fault.resetInSeconds ?? 600 }, after);
      } else {
        faults.failNext(count, { kind: 'status', status: fault.status }, after);
      }
    },
    setOutage: (on) => faults.setOutage(on),
    close: () => http.close(),
  };
  return server;
}
