import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChannelContext, ChannelDriver, OutboundMessage } from '../../src/channels/driver';
import { createInstagramDriver } from '../../src/channels/meta/instagram.driver';
import { LimitsStore } from '../../src/channels/shared/limits-store';
import { startDriverWebhookReceiver, type DriverWebhookReceiver } from '../../src/channels/testing/driver-webhook.receiver';
import { startMetaFakeServer, type MetaFakeServer } from '../../src/channels/testing/meta-fake.server';
import type { MetaFakePerson } from '../../src/channels/testing/meta-fake.state';
import { failure, metaContext, outbound, thrownCode } from './meta-test-support';

const HOUR = 3_600_000;
let clock: number;
let fake: MetaFakeServer;
let driver: ChannelDriver;
let ctx: ChannelContext;
let receiver: DriverWebhookReceiver;
let cleo: MetaFakePerson;

beforeEach(async () => {
  clock = Date.parse('2026-11-25T12:00:00Z');
  fake = await startMetaFakeServer({ now: () => clock });
  driver = createInstagramDriver({ now: () => new Date(clock), limits: new LimitsStore() });
  ctx = metaContext(fake);
  receiver = await startDriverWebhookReceiver(driver, ctx);
  cleo = fake.addPerson({ name: 'Cleo', username: 'cleo.travels', platform: 'instagram' });
});
afterEach(async () => {
  await receiver.close();
  await fake.close();
});

const send = (msg: OutboundMessage) => {
  if (!driver.send) throw new Error('Instagram driver must send');
  return driver.send(msg, ctx);
};

describe('Instagram webhooks', () => {
  it('answers the subscription check and refuses bad signatures', async () => {
    expect(await fake.verifySubscription(receiver.url)).toEqual({ ok: true, status: 200 });
    expect((await fake.verifySubscription(receiver.url, { verifyToken: 'nope' })).ok).toBe(false);
    const { payload } = fake.instagramComment({ from: cleo, text: 'lost my luggage' });
    expect((await fake.deliver(receiver.url, payload, { secret: 'someone-else' })).map((o) => o.status)).toEqual([401]);
    expect(receiver.refused).toEqual(['EARSHOT_SIGNATURE_INVALID']);
    expect(thrownCode(() => driver.verify({ method: 'POST', headers: {}, query: {}, rawBody: fake.sign(payload).body }, ctx))).toBe('EARSHOT_SIGNATURE_INVALID');
  });

  it('gives duplicate deliveries the same ids and normalizes comments, replies and DMs', async () => {
    const media = fake.addPost('instagram');
    const top = fake.instagramComment({ from: cleo, text: 'Is the lounge open?', mediaId: media });
    const reply = fake.instagramComment({ from: cleo, text: 'Anyone?', parentCommentId: top.comment.id });
    const dm = fake.instagramMessage({ from: cleo, text: 'DMing you my booking code' });
    await fake.deliver(receiver.url, top.payload, { times: 2 });
    await fake.deliverMany(receiver.url, [dm.payload, reply.payload], { shuffleSeed: 7 });

    const ids = receiver.accepted.map((events) => events[0]?.providerEventId);
    expect(ids.slice(0, 2)).toEqual([`ig:comment:${top.comment.id}`, `ig:comment:${top.comment.id}`]);
    expect(new Set(ids.slice(2))).toEqual(new Set([`ig:mid:${dm.mid}`, `ig:comment:${reply.comment.id}`]));

    const messages = receiver.accepted.slice(1).flatMap((events) => driver.normalize(events[0]?.payload, ctx));
    const byId = new Map(messages.map((m) => [m.providerMessageId, m]));
    expect(byId.get(top.comment.id)).toMatchObject({ threadKey: `ig:comment:${top.comment.id}`, replyToProviderId: media, visibility: 'public', author: { externalId: cleo.id, handle: 'cleo.travels' } });
    expect(byId.get(reply.comment.id)).toMatchObject({ threadKey: `ig:comment:${top.comment.id}`, replyToProviderId: top.comment.id });
    expect(byId.get(dm.mid)).toMatchObject({ visibility: 'private', threadKey: `ig:dm:${fake.igUserId}:${cleo.id}`, text: 'DMing you my booking code' });
  });
});

describe('Instagram sends', () => {
  it('replies to a comment through the /replies edge', async () => {
    const { comment } = fake.instagramComment({ from: cleo, text: 'Is the lounge open?' });
    const res = await send(outbound('Yes, until 22:00!', { replyToProviderId: comment.id }));
    expect(fake.sent).toEqual([{ kind: 'comment-reply', platform: 'instagram', id: res.providerMessageIds[0], parentCommentId: comment.id, text: 'Yes, until 22:00!' }]);
  });

  it('sends DMs inside the window and refuses outside it unless a person answers (HUMAN_AGENT)', async () => {
    fake.instagramMessage({ from: cleo, text: 'hello' });
    const lastInboundAt = new Date(clock).toISOString();
    await send(outbound('Hi Cleo!', { visibility: 'private', recipient: { externalId: cleo.id }, lastInboundAt }));
    clock += 26 * HOUR;
    expect((await failure(send(outbound('Update', { visibility: 'private', recipient: { externalId: cleo.id }, lastInboundAt })))).code).toBe('EARSHOT_CHANNEL_RULE');
    // Instagram knows no other tags.
    expect((await failure(send(outbound('Update', { visibility: 'private', recipient: { externalId: cleo.id }, lastInboundAt, messageTag: 'ACCOUNT_UPDATE' })))).code).toBe('EARSHOT_CHANNEL_RULE');
    await send(outbound('Update from Sam', { visibility: 'private', recipient: { externalId: cleo.id }, lastInboundAt, messageTag: 'HUMAN_AGENT' }));
    expect(fake.sent.map((s) => (s.kind === 'message' ? [s.messagingType, s.tag, s.recipientId] : null))).toEqual([
      ['RESPONSE', null, cleo.id],
      ['MESSAGE_TAG', 'HUMAN_AGENT', cleo.id],
    ]);
  });

  it('handles a rate limit and an outage, then delivers', async () => {
    const { comment } = fake.instagramComment({ from: cleo, text: 'hello' });
    fake.failNext(1, { rateLimit: true, code: 80002, resetInSeconds: 120 });
    const limited = await failure(send(outbound('Hi', { replyToProviderId: comment.id })));
    expect(limited.code).toBe('EARSHOT_PROVIDER_RATE_LIMITED');
    expect(limited.details?.retryAt).toBe(new Date(clock + 2 * 60_000).toISOString());

    clock += 3 * 60_000;
    fake.setOutage(true);
    expect((await failure(send(outbound('Hi', { replyToProviderId: comment.id })))).code).toBe('EARSHOT_PROVIDER_UNAVAILABLE');
    fake.setOutage(false);
    await send(outbound('Hi', { replyToProviderId: comment.id }));
    expect(fake.sent).toHaveLength(1);
  });

  it('refuses a comment reply longer than Instagram allows', async () => {
    const { comment } = fake.instagramComment({ from: cleo, text: 'hello' });
    expect((await failure(send(outbound('a'.repeat(2201), { replyToProviderId: comment.id })))).code).toBe('EARSHOT_CHANNEL_RULE');
    expect(fake.sent).toHaveLength(0);
  });
});
