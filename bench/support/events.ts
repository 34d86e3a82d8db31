import { signApiBody } from '@earshot/core';
import type { MetaFakeServer, XFakeServer } from '../../packages/core/src/channels/index';
import type { HistoryTarget } from './history';
import type { BenchBrand } from './seed';

/** One signed provider delivery carrying one customer message, and the id the desk will know it by. */
export interface BenchDelivery {
  kind: 'x' | 'facebook' | 'messenger' | 'api';
  channelId: string;
  body: Buffer;
  headers: Record<string, string>;
  providerMessageId: string;
}

/**
 * Builds deliveries in the providers' own formats with the local fakes' signers: X Account Activity
 * tweet_create_events, Meta Page feed comments and Messenger messages, and the generic API. Customers
 * repeat (a storm has regulars), so some messages thread into existing conversations.
 *
 * With `history` (the conversations `--history` seeded), one message in `historyEvery` comes from a
 * seeded customer replying into their seeded conversation, as the provider would send it: an X
 * reply to their latest tweet, a reply to their Facebook comment, a Messenger message in their
 * thread, an API message with their thread key. The others are as without history.
 */
export function deliveryFactory(b: BenchBrand, x: XFakeServer, meta: MetaFakeServer, nextText: () => string, history: HistoryTarget[] = [], historyEvery = 5): (i: number) => BenchDelivery {
  const xUsers = Array.from({ length: 500 }, (_, i) => x.addCustomer({ username: `storm_${i}`, followers: (i * 37) % 5000 }));
  const fbPeople = Array.from({ length: 300 }, (_, i) => meta.addPerson({ name: `Person ${i}`, platform: 'facebook' }));
  const post = meta.addPost('facebook');
  // The fakes learn a seeded customer the first time they write.
  const seededX = new Map<string, ReturnType<XFakeServer['addCustomer']>>();
  const seededMeta = new Map<string, Parameters<MetaFakeServer['messengerMessage']>[0]['from']>();
  const reply = (i: number, t: HistoryTarget, text: string): BenchDelivery => {
    switch (t.kind) {
      case 'x': {
        const from = seededX.get(t.externalId) ?? x.addCustomer({ id: t.externalId, username: t.handle ?? `hist_${t.externalId}`, name: t.name, followers: t.followers ?? 0 });
        seededX.set(t.externalId, from);
        const { tweet, payload } = x.mention({ from, text, inReplyTo: t.replyTo });
        const s = x.sign(payload);
        return { kind: 'x', channelId: b.x.channelId, body: s.body, headers: s.headers, providerMessageId: tweet.id };
      }
      case 'facebook': case 'messenger': {
        // The fake's addPerson picks the id itself; a seeded customer keeps theirs (nothing is sent back to them in this bench).
        const from = seededMeta.get(t.externalId) ?? { id: t.externalId, name: t.name, username: `hist_${t.externalId}`, platform: 'facebook' as const, lastMessageAt: null };
        seededMeta.set(t.externalId, from);
        if (t.kind === 'messenger') {
          const { mid, payload } = meta.messengerMessage({ from, text });
          const s = meta.sign(payload);
          return { kind: 'messenger', channelId: b.facebook.channelId, body: s.body, headers: s.headers, providerMessageId: mid };
        }
        const { comment, payload } = meta.facebookComment({ from, text, postId: post, parentCommentId: t.replyTo });
        const s = meta.sign(payload);
        return { kind: 'facebook', channelId: b.facebook.channelId, body: s.body, headers: s.headers, providerMessageId: comment.id };
      }
      default: {
        const id = `api-${i}`;
        const body = JSON.stringify({ events: [{ id: `evt-${id}`, message: { providerMessageId: id, threadKey: t.threadKey, replyToProviderId: t.replyTo, visibility: t.visibility, author: { externalId: t.externalId, handle: t.handle, followers: t.followers ?? 0 }, text, sentAt: new Date().toISOString() } }] });
        return { kind: 'api', channelId: b.api.channelId, body: Buffer.from(body), headers: { 'x-earshot-signature': signApiBody(b.api.secret, body) }, providerMessageId: id };
      }
    }
  };
  return (i) => {
    const text = nextText();
    if (history.length > 0 && i % historyEvery === 0) {
      const t = history[(Math.floor(i / historyEvery) * 7919) % history.length];
      if (t) return reply(i, t, text);
    }
    switch (i % 4) {
      case 0: case 1: {
        const { tweet, payload } = x.mention({ from: xUsers[i % xUsers.length] ?? xUsers[0]!, text });
        const s = x.sign(payload);
        return { kind: 'x', channelId: b.x.channelId, body: s.body, headers: s.headers, providerMessageId: tweet.id };
      }
      case 2: {
        if (i % 8 === 2) {
          const { mid, payload } = meta.messengerMessage({ from: fbPeople[i % fbPeople.length] ?? fbPeople[0]!, text });
          const s = meta.sign(payload);
          return { kind: 'messenger', channelId: b.facebook.channelId, body: s.body, headers: s.headers, providerMessageId: mid };
        }
        const { comment, payload } = meta.facebookComment({ from: fbPeople[i % fbPeople.length] ?? fbPeople[0]!, text, postId: post });
        const s = meta.sign(payload);
        return { kind: 'facebook', channelId: b.facebook.channelId, body: s.body, headers: s.headers, providerMessageId: comment.id };
      }
      default: {
        const id = `api-${i}`;
        const body = JSON.stringify({ events: [{ id: `evt-${id}`, message: { providerMessageId: id, visibility: 'public', author: { externalId: `web-${i % 400}`, handle: `@web${i % 400}`, followers: i % 900 }, text, sentAt: new Date().toISOString() } }] });
        return { kind: 'api', channelId: b.api.channelId, body: Buffer.from(body), headers: { 'x-earshot-signature': signApiBody(b.api.secret, body) }, providerMessageId: id };
      }
    }
  };
}
