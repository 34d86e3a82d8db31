import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EarshotError } from '@earshot/domain';
import type { ChannelContext, ChannelDriver, OutboundMessage } from '../../src/channels/driver';
import { LimitsStore } from '../../src/channels/shared/limits-store';
import { startXFakeServer, type XFakeServer } from '../../src/channels/testing/x-fake.server';
import { createXDriver } from '../../src/channels/x/x.driver';
import { xWeightedLength } from '@earshot/domain';
import { xContext } from './x-test-context';

let fake: XFakeServer;
let driver: ChannelDriver;
let ctx: ChannelContext;
const NOW = Date.parse('2026-11-25T12:00:00Z');

beforeEach(async () => {
  fake = await startXFakeServer({ now: () => NOW });
  driver = createXDriver({ limits: new LimitsStore(), now: () => new Date(NOW) });
  ctx = xContext(fake);
});
afterEach(() => fake.close());

function reply(text: string, replyTo: string | null, extra: Partial<OutboundMessage> = {}): OutboundMessage {
  return { messageId: 'm1', idempotencyKey: 'm1', text, visibility: 'public', replyToProviderId: replyTo, threadKey: null, recipient: { externalId: '1' }, ...extra };
}

async function failure(p: Promise<unknown>): Promise<EarshotError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof EarshotError) return e;
    throw e;
  }
  throw new Error('expected the send to fail');
}

const send = (msg: OutboundMessage) => {
  if (!driver.send) throw new Error('X driver must send');
  return driver.send(msg, ctx);
};

describe('X sends', () => {
  it('posts a public reply under the customer’s post', async () => {
    const ann = fake.addCustomer({ username: 'ann' });
    const { tweet } = fake.mention({ from: ann, text: 'where is my bag' });
    const res = await send(reply('Hi Ann, it is on the next flight.', tweet.id));
    expect(fake.sent).toEqual([{ kind: 'post', id: res.providerMessageIds[0], text: 'Hi Ann, it is on the next flight.', inReplyToTweetId: tweet.id }]);
  });

  it('splits a long public reply into a numbered thread, each part replying to the previous', async () => {
    const ann = fake.addCustomer({ username: 'ann' });
    const { tweet } = fake.mention({ from: ann, text: 'explain the fee' });
    const sentence = 'The change fee applies because the fare class you booked is non-refundable, see https://example.com/fares/basic-economy-terms-and-conditions for details. ';
    const res = await send(reply(sentence.repeat(4).trim(), tweet.id));

    expect(res.providerMessageIds.length).toBeGreaterThan(1);
    const posts = fake.sent.filter((s) => s.kind === 'post');
    expect(posts.map((p) => p.id)).toEqual(res.providerMessageIds);
    expect(posts.map((p) => p.inReplyToTweetId)).toEqual([tweet.id, ...res.providerMessageIds.slice(0, -1)]);
    posts.forEach((p, i) => {
      expect(xWeightedLength(p.text)).toBeLessThanOrEqual(280);
      expect(p.text.endsWith(`(${i + 1}/${posts.length})`)).toBe(true);
    });
  });

  it('sends a private reply as a DM to the participant', async () => {
    const bob = fake.addCustomer({ username: 'bob' });
    const res = await send(reply('Please share your booking reference.', null, { visibility: 'private', recipient: { externalId: bob.id } }));
    expect(fake.sent).toEqual([expect.objectContaining({ kind: 'dm', participantId: bob.id, id: res.providerMessageIds[0], text: 'Please share your booking reference.' })]);
  });

  it('turns a 429 into RATE_LIMITED with retryAt from x-rate-limit-reset, then waits without calling X', async () => {
    const ann = fake.addCustomer({ username: 'ann' });
    const { tweet } = fake.mention({ from: ann, text: 'hello' });
    fake.failNext(1, { status: 429, resetInSeconds: 600 });
    const err = await failure(send(reply('Hello Ann', tweet.id)));
    expect(err.code).toBe('EARSHOT_PROVIDER_RATE_LIMITED');
    expect(err.details?.retryAt).toBe(new Date(NOW + 600_000).toISOString());
    expect(driver.limits?.(ctx)).toMatchObject({ remaining: 0, resetAt: new Date(NOW + 600_000).toISOString() });

    // The window is known to be empty: the driver refuses before spending a request.
    const again = await failure(send(reply('Hello Ann', tweet.id)));
    expect(again.code).toBe('EARSHOT_PROVIDER_RATE_LIMITED');
    expect(again.details?.preflight).toBe(true);
    expect(fake.sent).toHaveLength(0);
  });

  it('follows the provider’s own window: the request after the last allowed one is refused', async () => {
    fake.setRateLimit('tweets', 2);
    await send(reply('one', null));
    const second = await send(reply('two', null));
    expect(driver.limits?.(ctx)).toMatchObject({ limit: 2, remaining: 0 });
    expect(second.providerMessageIds).toHaveLength(1);
    expect((await failure(send(reply('three', null)))).code).toBe('EARSHOT_PROVIDER_RATE_LIMITED');
    expect(fake.sent.map((s) => s.text)).toEqual(['one', 'two']);
  });

  it('reports an outage as UNAVAILABLE and delivers on the retry after recovery', async () => {
    const ann = fake.addCustomer({ username: 'ann' });
    const { tweet } = fake.mention({ from: ann, text: 'hello' });
    fake.setOutage(true);
    const err = await failure(send(reply('We are on it', tweet.id)));
    expect(err.code).toBe('EARSHOT_PROVIDER_UNAVAILABLE');
    expect(err.details?.providerStatus).toBe(503);
    fake.setOutage(false);
    const res = await send(reply('We are on it', tweet.id));
    expect(fake.sent).toEqual([expect.objectContaining({ id: res.providerMessageIds[0], inReplyToTweetId: tweet.id })]);
  });

  it('resumes a thread that failed half-way without posting any part twice', async () => {
    const ann = fake.addCustomer({ username: 'ann' });
    const { tweet } = fake.mention({ from: ann, text: 'explain' });
    const text = 'This is a long explanation that has to be split into several posts to fit. '.repeat(10).trim();
    fake.failNext(1, { status: 503 }, 1);
    const err = await failure(send(reply(text, tweet.id)));
    expect(err.code).toBe('EARSHOT_PROVIDER_UNAVAILABLE');
    const delivered = err.details?.deliveredPartIds as string[];
    expect(delivered).toHaveLength(1);

    const res = await send(reply(text, tweet.id, { deliveredPartIds: delivered }));
    const posts = fake.sent.filter((s) => s.kind === 'post');
    expect(posts.map((p) => p.id)).toEqual(res.providerMessageIds);
    expect(new Set(posts.map((p) => p.text)).size).toBe(posts.length);
    expect(posts[1]?.inReplyToTweetId).toBe(delivered[0]);
  });

  it('reports a refused request as REJECTED with X’s error body', async () => {
    const err = await failure(send(reply('Replying to a deleted post', '1999999999999999999')));
    expect(err.code).toBe('EARSHOT_PROVIDER_REJECTED');
    expect(err.details?.providerStatus).toBe(400);
    expect(err.details?.providerError).toMatchObject({ title: 'Invalid Request', errors: [expect.objectContaining({ message: expect.stringContaining('deleted') })] });
  });

  it('reports an unreachable API as UNAVAILABLE', async () => {
    await fake.close();
    const err = await failure(send(reply('hello', null)));
    expect(err.code).toBe('EARSHOT_PROVIDER_UNAVAILABLE');
    fake = await startXFakeServer();
  });

  it('refuses a long reply when thread splitting is off for the channel', async () => {
    ctx = xContext(fake, { splitLongReplies: false });
    const err = await failure(send(reply('x'.repeat(281), null)));
    expect(err.code).toBe('EARSHOT_CHANNEL_RULE');
    expect(fake.sent).toHaveLength(0);
  });
});

describe('X post length', () => {
  it('counts URLs as 23, CJK and emoji as 2', () => {
    expect(xWeightedLength('see https://example.com/a/very/long/path/that/is/longer/than/23')).toBe(4 + 23);
    expect(xWeightedLength('日本')).toBe(4);
    expect(xWeightedLength('ok 👍🏽')).toBe(5);
    expect(xWeightedLength('a'.repeat(280))).toBe(280);
  });
});
