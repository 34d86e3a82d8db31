import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChannelContext, ChannelDriver } from '../../src/channels/driver';
import { createFacebookDriver } from '../../src/channels/meta/facebook.driver';
import { startDriverWebhookReceiver, type DriverWebhookReceiver } from '../../src/channels/testing/driver-webhook.receiver';
import { startMetaFakeServer, type MetaFakeServer } from '../../src/channels/testing/meta-fake.server';
import { metaContext, thrownCode } from './meta-test-support';

let fake: MetaFakeServer;
let driver: ChannelDriver;
let ctx: ChannelContext;
let receiver: DriverWebhookReceiver;

beforeEach(async () => {
  fake = await startMetaFakeServer();
  driver = createFacebookDriver();
  ctx = metaContext(fake);
  receiver = await startDriverWebhookReceiver(driver, ctx);
});
afterEach(async () => {
  await receiver.close();
  await fake.close();
});

describe('Facebook Page webhooks', () => {
  it('echoes hub.challenge only for the right verify token', async () => {
    expect(await fake.verifySubscription(receiver.url)).toEqual({ ok: true, status: 200 });
    expect(await fake.verifySubscription(receiver.url, { verifyToken: 'guessed' })).toEqual({ ok: false, status: 403 });
  });

  it('refuses deliveries whose X-Hub-Signature-256 does not match the raw body', async () => {
    const ann = fake.addPerson({ name: 'Ann Lee', platform: 'facebook' });
    const { payload } = fake.facebookComment({ from: ann, text: 'My order never came' });
    expect((await fake.deliver(receiver.url, payload, { secret: 'wrong-app-secret' })).map((o) => o.status)).toEqual([401]);
    expect(receiver.refused).toEqual(['EARSHOT_SIGNATURE_INVALID']);
    expect(receiver.accepted).toHaveLength(0);

    const signed = fake.sign(payload);
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(signed.body.toString('utf8')), null, 1));
    expect(thrownCode(() => driver.verify({ method: 'POST', headers: signed.headers, query: {}, rawBody: reserialised }, ctx))).toBe('EARSHOT_SIGNATURE_INVALID');
    expect(thrownCode(() => driver.verify({ method: 'POST', headers: { 'X-Hub-Signature-256': 'sha256=zz' }, query: {}, rawBody: signed.body }, ctx))).toBe('EARSHOT_SIGNATURE_INVALID');
    expect(thrownCode(() => driver.verify({ method: 'POST', headers: signed.headers, query: {}, rawBody: signed.body }, ctx))).toBe('did not throw');
  });

  it('gives a duplicate delivery the same event ids (comment id, message mid)', async () => {
    const ann = fake.addPerson({ name: 'Ann', platform: 'facebook' });
    const c = fake.facebookComment({ from: ann, text: 'hello?' });
    const m = fake.messengerMessage({ from: ann, text: 'order 42' });
    await fake.deliver(receiver.url, c.payload, { times: 2 });
    await fake.deliver(receiver.url, m.payload, { times: 2 });
    expect(receiver.accepted.map((events) => events.map((e) => e.providerEventId))).toEqual([
      [`fb:comment:${c.comment.id}`],
      [`fb:comment:${c.comment.id}`],
      [`fb:mid:${m.mid}`],
      [`fb:mid:${m.mid}`],
    ]);
  });

  it('splits a batched delivery into one event per comment and ignores other feed activity', async () => {
    const ann = fake.addPerson({ name: 'Ann', platform: 'facebook' });
    const a = fake.facebookComment({ from: ann, text: 'one' });
    const b = fake.facebookComment({ from: ann, text: 'two' });
    const reaction = { object: 'page', entry: [{ id: fake.pageId, time: 1, changes: [{ field: 'feed', value: { item: 'reaction', verb: 'add', reaction_type: 'like', post_id: 'p', from: { id: ann.id } } }] }] };
    await fake.deliver(receiver.url, fake.batch([a.payload, b.payload, reaction]));
    const events = receiver.accepted[0] ?? [];
    expect(events.map((e) => e.providerEventId)).toEqual([`fb:comment:${a.comment.id}`, `fb:comment:${b.comment.id}`]);
    expect(driver.normalize(events[1]?.payload, ctx).map((m) => m.text)).toEqual(['two']);
    expect(thrownCode(() => driver.split({ object: 'instagram', entry: [] }, ctx))).toBe('EARSHOT_VALIDATION');
  });

  it('normalizes comments and replies with threading under the top-level comment', async () => {
    const ann = fake.addPerson({ name: 'Ann Lee', platform: 'facebook' });
    const bob = fake.addPerson({ name: 'Bob', platform: 'facebook' });
    const post = fake.addPost('facebook');
    const top = fake.facebookComment({ from: ann, text: 'Flight cancelled again!', postId: post });
    const reply = fake.facebookComment({ from: bob, text: 'Same here', parentCommentId: top.comment.id });
    await fake.deliverMany(receiver.url, [reply.payload, top.payload]);
    const [r, t] = receiver.accepted.map((events) => driver.normalize(events[0]?.payload, ctx)[0]);
    expect(t).toMatchObject({
      providerMessageId: top.comment.id,
      threadKey: `fb:comment:${top.comment.id}`,
      replyToProviderId: post,
      direction: 'inbound',
      visibility: 'public',
      author: { externalId: ann.id, displayName: 'Ann Lee', followers: null },
      text: 'Flight cancelled again!',
    });
    expect(r).toMatchObject({ threadKey: `fb:comment:${top.comment.id}`, replyToProviderId: top.comment.id, author: { externalId: bob.id } });
  });

  it('normalizes Messenger messages as private, threaded by page and person', async () => {
    const ann = fake.addPerson({ name: 'Ann', platform: 'facebook' });
    const m = fake.messengerMessage({ from: ann, text: 'Can you check booking XY7?' });
    await fake.deliver(receiver.url, m.payload);
    expect(driver.normalize(receiver.accepted[0]?.[0]?.payload, ctx)).toEqual([
      expect.objectContaining({ providerMessageId: m.mid, visibility: 'private', threadKey: `fb:dm:${fake.pageId}:${ann.id}`, direction: 'inbound', text: 'Can you check booking XY7?' }),
    ]);
  });
});
