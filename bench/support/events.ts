import { signApiBody } from '@earshot/core';
import type { MetaFakeServer, XFakeServer } from '../../packages/core/src/channels/index';
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
 */
export function deliveryFactory(b: BenchBrand, x: XFakeServer, meta: MetaFakeServer, nextText: () => string): (i: number) => BenchDelivery {
  const xUsers = Array.from({ length: 500 }, (_, i) => x.addCustomer({ username: `storm_${i}`, followers: (i * 37) % 5000 }));
  const fbPeople = Array.from({ length: 300 }, (_, i) => meta.addPerson({ name: `Person ${i}`, platform: 'facebook' }));
  const post = meta.addPost('facebook');
  return (i) => {
    const text = nextText();
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
