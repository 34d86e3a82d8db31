import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChannelContext, ChannelDriver, OutboundMessage } from '../../src/channels/driver';
import { createFacebookDriver } from '../../src/channels/meta/facebook.driver';
import { LimitsStore } from '../../src/channels/shared/limits-store';
import { startMetaFakeServer, type MetaFakeServer } from '../../src/channels/testing/meta-fake.server';
import type { MetaFakePerson } from '../../src/channels/testing/meta-fake.state';
import { failure, metaContext, outbound } from './meta-test-support';

const HOUR = 3_600_000;
let clock: number;
let fake: MetaFakeServer;
let driver: ChannelDriver;
let ctx: ChannelContext;
let ann: MetaFakePerson;

beforeEach(async () => {
  clock = Date.parse('2026-11-25T12:00:00Z');
  fake = await startMetaFakeServer({ now: () => clock });
  driver = createFacebookDriver({ now: () => new Date(clock), limits: new LimitsStore() });
  ctx = metaContext(fake);
  ann = fake.addPerson({ name: 'Ann', platform: 'facebook' });
});
afterEach(() => fake.close());

const send = (msg: OutboundMessage) => {
  if (!driver.send) throw new Error('Facebook driver must send');
  return driver.send(msg, ctx);
};

/** Ann writes to the Page now; returns when (ISO), as ingest would record it. */
function annWrites(): string {
  fake.messengerMessage({ from: ann, text: 'hi, any update?' });
  return new Date(clock).toISOString();
}

describe('Facebook sends', () => {
  it('replies publicly under the customer’s comment', async () => {
    const { comment } = fake.facebookComment({ from: ann, text: 'Where is my refund?' });
    const res = await send(outbound('Hi Ann, it was issued today.', { replyToProviderId: comment.id }));
    expect(fake.sent).toEqual([{ kind: 'comment-reply', platform: 'facebook', id: res.providerMessageIds[0], parentCommentId: comment.id, text: 'Hi Ann, it was issued today.' }]);
  });

  it('sends a private reply with the Send API inside the 24-hour window', async () => {
    const lastInboundAt = annWrites();
    clock += 23 * HOUR;
    const res = await send(outbound('Checking now.', { visibility: 'private', recipient: { externalId: ann.id }, lastInboundAt }));
    expect(fake.sent).toEqual([{ kind: 'message', id: res.providerMessageIds[0], recipientId: ann.id, messagingType: 'RESPONSE', tag: null, text: 'Checking now.' }]);
  });

  it('enforces the 24-hour window: closed without a tag, HUMAN_AGENT up to 7 days, never without an inbound message', async () => {
    const lastInboundAt = annWrites();
    clock += 25 * HOUR;
    const closed = await failure(send(outbound('Sorry for the wait', { visibility: 'private', recipient: { externalId: ann.id }, lastInboundAt })));
    expect(closed.code).toBe('EARSHOT_CHANNEL_RULE');
    expect(closed.details).toMatchObject({ rule: 'meta.messaging_window', windowClosedAt: new Date(Date.parse(lastInboundAt) + 24 * HOUR).toISOString() });
    expect(fake.sent).toHaveLength(0);

    await send(outbound('Sorry for the wait', { visibility: 'private', recipient: { externalId: ann.id }, lastInboundAt, messageTag: 'HUMAN_AGENT' }));
    expect(fake.sent).toEqual([expect.objectContaining({ kind: 'message', messagingType: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' })]);

    clock += 7 * 24 * HOUR;
    const tooLate = await failure(send(outbound('Still there?', { visibility: 'private', recipient: { externalId: ann.id }, lastInboundAt, messageTag: 'HUMAN_AGENT' })));
    expect(tooLate.code).toBe('EARSHOT_CHANNEL_RULE');
    const never = await failure(send(outbound('Hello', { visibility: 'private', recipient: { externalId: ann.id }, lastInboundAt: null })));
    expect(never.code).toBe('EARSHOT_CHANNEL_RULE');
    expect(fake.sent).toHaveLength(1);
  });

  it('maps Meta’s own outside-window refusal (#10 / 2018278) to a channel rule', async () => {
    annWrites();
    clock += 30 * HOUR;
    // The caller believes the person wrote recently; Meta knows better.
    const err = await failure(send(outbound('Hello', { visibility: 'private', recipient: { externalId: ann.id }, lastInboundAt: new Date(clock - HOUR).toISOString() })));
    expect(err.code).toBe('EARSHOT_CHANNEL_RULE');
    expect(err.details?.providerError).toMatchObject({ error: { code: 10, error_subcode: 2018278, fbtrace_id: expect.any(String) } });
  });

  it('turns Graph rate-limit codes into RATE_LIMITED with retryAt from the usage header', async () => {
    const { comment } = fake.facebookComment({ from: ann, text: 'hello' });
    fake.failNext(1, { rateLimit: true, code: 32, resetInSeconds: 600 });
    const err = await failure(send(outbound('Hi', { replyToProviderId: comment.id })));
    expect(err.code).toBe('EARSHOT_PROVIDER_RATE_LIMITED');
    expect(err.details?.retryAt).toBe(new Date(clock + 10 * 60_000).toISOString());
    expect(driver.limits?.(ctx)).toMatchObject({ remaining: 0, unit: 'percent' });
    // Until then the driver does not spend calls.
    expect((await failure(send(outbound('Hi', { replyToProviderId: comment.id })))).details?.preflight).toBe(true);

    for (const code of [4, 17, 613, 80001]) {
      driver = createFacebookDriver({ now: () => new Date(clock), limits: new LimitsStore() });
      fake.failNext(1, { rateLimit: true, code });
      expect((await failure(send(outbound('Hi', { replyToProviderId: comment.id })))).code).toBe('EARSHOT_PROVIDER_RATE_LIMITED');
    }
    expect(fake.sent).toHaveLength(0);
  });

  it('reports an outage as UNAVAILABLE and delivers on the retry after recovery', async () => {
    const { comment } = fake.facebookComment({ from: ann, text: 'hello' });
    fake.setOutage(true);
    expect((await failure(send(outbound('We are on it', { replyToProviderId: comment.id })))).code).toBe('EARSHOT_PROVIDER_UNAVAILABLE');
    fake.setOutage(false);
    const res = await send(outbound('We are on it', { replyToProviderId: comment.id }));
    expect(fake.sent).toEqual([expect.objectContaining({ id: res.providerMessageIds[0], parentCommentId: comment.id })]);
  });

  it('reports a refused request as REJECTED with the Graph error body, and reads usage headers into limits', async () => {
    const { comment } = fake.facebookComment({ from: ann, text: 'hello' });
    await send(outbound('First answer', { replyToProviderId: comment.id }));
    expect(driver.limits?.(ctx)).toMatchObject({ limit: 100, remaining: 100 - 1, unit: 'percent' });

    ctx = metaContext(fake);
    ctx.credentials.pageAccessToken = 'EAAG-expired';
    const err = await failure(send(outbound('Second answer', { replyToProviderId: comment.id })));
    expect(err.code).toBe('EARSHOT_PROVIDER_REJECTED');
    expect(err.details?.providerError).toMatchObject({ error: { type: 'OAuthException', code: 190 } });
    expect(JSON.stringify(err.details)).not.toContain('EAAG-expired');
  });

  it('splits a long Messenger reply into several messages and resumes without repeats', async () => {
    const lastInboundAt = annWrites();
    const text = 'Here is everything about your rebooking and the voucher. '.repeat(60).trim();
    fake.failNext(1, { status: 503 }, 1);
    const err = await failure(send(outbound(text, { visibility: 'private', recipient: { externalId: ann.id }, lastInboundAt })));
    expect(err.code).toBe('EARSHOT_PROVIDER_UNAVAILABLE');
    const deliveredPartIds = err.details?.deliveredPartIds as string[];
    const res = await send(outbound(text, { visibility: 'private', recipient: { externalId: ann.id }, lastInboundAt, deliveredPartIds }));
    expect(res.providerMessageIds.length).toBeGreaterThan(1);
    expect(fake.sent.map((s) => s.id)).toEqual(res.providerMessageIds);
    fake.sent.forEach((s) => expect(s.text.length).toBeLessThanOrEqual(2000));
  });
});
