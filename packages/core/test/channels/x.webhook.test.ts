import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EarshotError } from '@earshot/domain';
import type { ChannelContext, ChannelDriver } from '../../src/channels/driver';
import { LimitsStore } from '../../src/channels/shared/limits-store';
import { startDriverWebhookReceiver, type DriverWebhookReceiver } from '../../src/channels/testing/driver-webhook.receiver';
import { startXFakeServer, type XFakeServer } from '../../src/channels/testing/x-fake.server';
import { createXDriver } from '../../src/channels/x/x.driver';
import { xContext } from './x-test-context';

let fake: XFakeServer;
let driver: ChannelDriver;
let ctx: ChannelContext;
let receiver: DriverWebhookReceiver;

beforeEach(async () => {
  fake = await startXFakeServer();
  driver = createXDriver({ limits: new LimitsStore() });
  ctx = xContext(fake);
  receiver = await startDriverWebhookReceiver(driver, ctx);
});
afterEach(async () => {
  await receiver.close();
  await fake.close();
});

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return e instanceof EarshotError ? e.code : 'not an EarshotError';
  }
  return 'did not throw';
}

describe('X Account Activity webhooks', () => {
  it('answers the CRC challenge with the HMAC of the crc_token', async () => {
    expect(await fake.crc(receiver.url)).toEqual({ ok: true, status: 200 });

    const other = await startDriverWebhookReceiver(driver, { ...ctx, credentials: { consumerSecret: 'another-app' } });
    expect((await fake.crc(other.url)).ok).toBe(false);
    await other.close();
  });

  it('refuses deliveries with a bad or missing signature', async () => {
    const ann = fake.addCustomer({ username: 'ann' });
    const { payload } = fake.mention({ from: ann, text: 'my bag never arrived' });

    const forged = await fake.deliver(receiver.url, payload, { secret: 'not-the-consumer-secret' });
    expect(forged.map((o) => o.status)).toEqual([401]);
    expect(receiver.refused).toEqual(['EARSHOT_SIGNATURE_INVALID']);
    expect(receiver.accepted).toHaveLength(0);

    const signed = fake.sign(payload);
    const tampered = Buffer.from(signed.body.toString('utf8').replace('never arrived', 'arrived fine'));
    expect(codeOf(() => driver.verify({ method: 'POST', headers: signed.headers, query: {}, rawBody: tampered }, ctx))).toBe('EARSHOT_SIGNATURE_INVALID');
    expect(codeOf(() => driver.verify({ method: 'POST', headers: {}, query: {}, rawBody: signed.body }, ctx))).toBe('EARSHOT_SIGNATURE_INVALID');
    expect(codeOf(() => driver.verify({ method: 'POST', headers: signed.headers, query: {}, rawBody: signed.body }, ctx))).toBe('did not throw');
  });

  it('gives a duplicate delivery the same event ids', async () => {
    const ann = fake.addCustomer({ username: 'ann' });
    const { tweet, payload } = fake.mention({ from: ann, text: 'still waiting on my refund' });
    const dm = fake.dm({ from: ann, text: 'order 1234' });

    expect((await fake.deliver(receiver.url, payload, { times: 2 })).map((o) => o.status)).toEqual([200, 200]);
    await fake.deliver(receiver.url, dm.payload, { times: 2 });

    const ids = receiver.accepted.map((events) => events.map((e) => e.providerEventId));
    expect(ids).toEqual([[`x:tweet:${tweet.id}`], [`x:tweet:${tweet.id}`], [`x:dm:${dm.eventId}`], [`x:dm:${dm.eventId}`]]);
  });

  it('normalizes mentions and replies with threading, reach and decoded text', async () => {
    const ann = fake.addCustomer({ username: 'ann', name: 'Ann Lee', followers: 48_210 });
    const root = fake.mention({ from: ann, text: 'Fees & charges <again> on my card' });
    const brandReply = fake.mention({ from: fake.brand, text: 'Sorry Ann, looking into it', inReplyTo: root.tweet.id });
    const followUp = fake.mention({ from: ann, text: `${'It is still not fixed. '.repeat(8)}Please call me.`, inReplyTo: brandReply.tweet.id });
    await fake.deliverMany(receiver.url, [root.payload, followUp.payload]);

    const [first, second] = receiver.accepted.map((events) => driver.normalize(events[0]?.payload, ctx)[0]);
    expect(first).toMatchObject({
      providerMessageId: root.tweet.id,
      threadKey: `x:conv:${root.tweet.id}`,
      replyToProviderId: null,
      direction: 'inbound',
      visibility: 'public',
      author: { externalId: ann.id, handle: 'ann', displayName: 'Ann Lee', followers: 48_210 },
      text: `@${fake.brand.username} Fees & charges <again> on my card`,
    });
    expect(second?.replyToProviderId).toBe(brandReply.tweet.id);
    // v1.1 reply objects do not name their conversation: ingest threads them through the reply chain.
    expect(second?.threadKey).toBeNull();
    expect(second?.text).toContain('Please call me.');
    expect(second?.text.length).toBeGreaterThan(140);
  });

  it('records the brand’s own posts as outbound echoes and skips nothing else', async () => {
    const ann = fake.addCustomer({ username: 'ann' });
    const root = fake.mention({ from: ann, text: 'hello?' });
    const ours = fake.mention({ from: fake.brand, text: 'Hi Ann, we are here', inReplyTo: root.tweet.id });
    await fake.deliver(receiver.url, fake.echo(ours.tweet.id));
    const [msg] = driver.normalize(receiver.accepted[0]?.[0]?.payload, ctx);
    expect(msg).toMatchObject({ direction: 'outbound', replyToProviderId: root.tweet.id, author: { externalId: fake.brand.id } });
  });

  it('normalizes DMs as private, threaded by the pair of participants', async () => {
    const bob = fake.addCustomer({ username: 'bob', followers: 12 });
    const { eventId, payload } = fake.dm({ from: bob, text: 'Booking ref is AB&C <123>' });
    await fake.deliver(receiver.url, payload);
    const [msg] = driver.normalize(receiver.accepted[0]?.[0]?.payload, ctx);
    const [lo, hi] = [bob.id, fake.brand.id].sort((a, b) => Number(BigInt(a) - BigInt(b)));
    expect(msg).toMatchObject({
      providerMessageId: eventId,
      visibility: 'private',
      threadKey: `x:dm:${lo}-${hi}`,
      author: { externalId: bob.id, handle: 'bob', followers: 12 },
      text: 'Booking ref is AB&C <123>',
    });
  });

  it('accepts deliveries out of order and yields the same messages', async () => {
    const ann = fake.addCustomer({ username: 'ann' });
    const a = fake.mention({ from: ann, text: 'first' });
    const b = fake.mention({ from: ann, text: 'second', inReplyTo: a.tweet.id });
    const c = fake.dm({ from: ann, text: 'third' });
    await fake.deliverMany(receiver.url, [a.payload, b.payload, c.payload], 'reverse');
    const ids = receiver.accepted.flat().map((e) => e.providerEventId);
    expect(ids).toEqual([`x:dm:${c.eventId}`, `x:tweet:${b.tweet.id}`, `x:tweet:${a.tweet.id}`]);
    const reply = driver.normalize(receiver.accepted[1]?.[0]?.payload, ctx)[0];
    expect(reply?.replyToProviderId).toBe(a.tweet.id);
  });

  it('rejects a delivery that is not an Account Activity payload', () => {
    expect(codeOf(() => driver.split({ hello: 'world' }, ctx))).toBe('EARSHOT_VALIDATION');
    expect(driver.split({ for_user_id: fake.brand.id, favorite_events: [{}] }, ctx)).toEqual([]);
  });
});
