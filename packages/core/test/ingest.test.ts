import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from '@earshot/db';
import { EarshotError } from '@earshot/domain';
import { systemActor, type Worker } from '@earshot/core';
import { describeEachDb } from '../../../test/support/db';
import { apiDelivery, createTestCore, seedBrand, type SeededBrand, type TestCore } from '../../../test/support/core';

function req(body: string, signature: string) {
  return { method: 'POST', headers: { 'x-earshot-signature': signature }, query: {}, rawBody: Buffer.from(body) };
}

describeEachDb('ingest pipeline', (kind) => {
  let t: TestCore;
  let b: SeededBrand;
  let worker: Worker;

  beforeAll(async () => {
    t = await createTestCore(kind);
    b = await seedBrand(t.core, 'acme');
    worker = t.core.worker();
  });
  afterAll(async () => { await t?.drop(); });

  async function deliver(events: Parameters<typeof apiDelivery>[1]) {
    const d = apiDelivery(b.apiSecret, events);
    return t.core.ingest.receive(b.apiChannelId, req(d.body, d.signature), JSON.parse(d.body));
  }
  const count = async (table: 'messages' | 'inbound_events' | 'conversations' | 'contacts') =>
    Number((await sql<{ n: string }>`select count(*) as n from ${sql.table(table)} where brand_id = ${b.brandId}`.execute(t.core.db)).rows[0]?.n);

  it('stores a signed event, processes it into a conversation, and answers a duplicate delivery without storing it again', async () => {
    const first = await deliver([{ id: 't1', author: 'ann', text: 'My flight was cancelled and nobody answers the phone' }]);
    expect(first).toMatchObject({ accepted: 1, duplicates: 0 });
    const again = await deliver([{ id: 't1', author: 'ann', text: 'My flight was cancelled and nobody answers the phone' }]);
    expect(again).toMatchObject({ accepted: 0, duplicates: 1 });
    expect(await count('inbound_events')).toBe(1);
    await worker.drain();
    expect(await count('messages')).toBe(1);
    const page = await t.core.conversations.list(systemActor(b.brandId), {});
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({ status: 'open', preview: 'My flight was cancelled and nobody answers the phone', contact: { handle: '@ann', followers: 10 } });
  });

  it('rejects a bad signature and stores nothing', async () => {
    const before = await count('inbound_events');
    const d = apiDelivery(b.apiSecret, [{ id: 'forged' }]);
    const forged = d.signature.replace(/.$/, (c) => (c === '0' ? '1' : '0'));
    await expect(t.core.ingest.receive(b.apiChannelId, req(d.body, forged), JSON.parse(d.body))).rejects.toMatchObject({ code: 'EARSHOT_SIGNATURE_INVALID' });
    await expect(t.core.ingest.receive(b.apiChannelId, req(d.body, ''), JSON.parse(d.body))).rejects.toBeInstanceOf(EarshotError);
    expect(await count('inbound_events')).toBe(before);
  });

  it('threads by reply-to, by DM thread, and by the contact\'s open conversation; a new customer gets a new conversation', async () => {
    await deliver([
      { id: 'r1', author: 'bob', text: 'Where is my bag?' },
      { id: 'r2', author: 'bob', text: 'Still waiting', replyTo: 'r1' },
      { id: 'd1', author: 'bob', text: 'DM: my booking is ABC123', visibility: 'private', threadKey: 'dm:bob' },
      { id: 'c1', author: 'carol', text: 'Love the new app' },
    ]);
    await worker.drain();
    const actor = systemActor(b.brandId);
    const bobConvs = await t.core.db.selectFrom('messages').select(['conversation_id']).where('provider_message_id', 'in', ['r1', 'r2', 'd1']).execute();
    expect(new Set(bobConvs.map((r) => r.conversation_id)).size).toBe(1);
    const carol = await t.core.db.selectFrom('messages').select('conversation_id').where('provider_message_id', '=', 'c1').executeTakeFirstOrThrow();
    expect(bobConvs[0]?.conversation_id).not.toBe(carol.conversation_id);
    const detail = await t.core.conversations.get(actor, bobConvs[0]?.conversation_id ?? '');
    expect(detail.messages.map((m) => m.providerMessageId)).toEqual(['r1', 'r2', 'd1']);
  });

  it('reopens a resolved conversation when the customer writes again, and audits it', async () => {
    const actor = systemActor(b.brandId);
    const carol = await t.core.db.selectFrom('messages').select('conversation_id').where('provider_message_id', '=', 'c1').executeTakeFirstOrThrow();
    await t.core.conversations.setStatus(actor, carol.conversation_id, 'resolved');
    await deliver([{ id: 'c2', author: 'carol', text: 'Actually it crashes now', replyTo: 'c1' }]);
    await worker.drain();
    const c = await t.core.conversations.get(actor, carol.conversation_id);
    expect(c.conversation.status).toBe('open');
    expect(c.conversation.resolvedAt).toBeNull();
    const audit = await t.core.db.selectFrom('audit_events').select('action').where('brand_id', '=', b.brandId).where('subject_id', '=', carol.conversation_id).orderBy('seq').execute();
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['conversation.resolved', 'conversation.reopened']));
  });

  it('processes out-of-order deliveries into one message each', async () => {
    const before = await count('messages');
    await deliver([{ id: 'o2', author: 'dan', text: 'second', replyTo: 'o1' }]);
    await deliver([{ id: 'o1', author: 'dan', text: 'first' }, { id: 'o2', author: 'dan', text: 'second', replyTo: 'o1' }]);
    await worker.drain();
    expect(await count('messages')).toBe(before + 2);
    const convs = await t.core.db.selectFrom('messages').select('conversation_id').where('provider_message_id', 'in', ['o1', 'o2']).execute();
    expect(new Set(convs.map((c) => c.conversation_id)).size).toBe(1);
  });

  it('rejects malformed events with a field, storing nothing', async () => {
    const before = await count('inbound_events');
    const body = JSON.stringify({ events: [{ id: 'x', message: { providerMessageId: 'x', visibility: 'loud', author: { externalId: 'a' }, text: 'hi', sentAt: 'yesterday' } }] });
    const signature = apiDelivery(b.apiSecret, []).signature.slice(0, 0) + (await import('@earshot/core')).signApiBody(b.apiSecret, body);
    await expect(t.core.ingest.receive(b.apiChannelId, req(body, signature), JSON.parse(body))).rejects.toMatchObject({ code: 'EARSHOT_VALIDATION' });
    expect(await count('inbound_events')).toBe(before);
  });

  it('marks every processed event and leaves no job behind', async () => {
    const pending = await sql<{ n: string }>`select count(*) as n from inbound_events where processed_at is null`.execute(t.core.db);
    expect(Number(pending.rows[0]?.n)).toBe(0);
    // SLA evaluations wait, by design, for the time a warning or breach falls due.
    const jobs = await sql<{ state: string; n: string }>`select state, count(*) as n from jobs where name <> 'sla.evaluate' or run_at <= now() group by state`.execute(t.core.db);
    expect(jobs.rows.filter((r) => r.state !== 'done')).toEqual([]);
  });
});
