import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from '@earshot/db';
import { signApiBody, systemActor, type Actor, type MessageClassifier, type Worker } from '@earshot/core';
import { describeEachDb } from '../../../test/support/db';
import { apiDelivery, createTestCore, seedBrand, type ApiMessageInput, type SeededBrand, type TestCore } from '../../../test/support/core';

// One worker batch holds many messages; what the batch read up front must stay true as its own
// messages change things (packages/core/src/ingest/prefetch.ts, routing/auto-assign.ts).

function req(body: string, signature: string) {
  return { method: 'POST', headers: { 'x-earshot-signature': signature }, query: {}, rawBody: Buffer.from(body) };
}

const classifier: MessageClassifier = {
  classify: ({ text }) => ({
    labels: /refund/i.test(text) ? { topic: { value: 'billing', confidence: 0.9, reasons: ['refund'] } } : {},
    needsResponse: true,
  }),
};

describeEachDb('ingest: many messages in one batch', (kind) => {
  let t: TestCore;
  let b: SeededBrand;
  let worker: Worker;
  let admin: Actor;

  beforeAll(async () => {
    t = await createTestCore(kind, { classifier });
    b = await seedBrand(t.core, 'batch');
    worker = t.core.worker();
    admin = { ...systemActor(b.brandId), type: 'user', id: b.adminId, userId: b.adminId, role: 'admin' };
  });
  afterAll(async () => { await t?.drop(); });

  /** Stores every event first and only then runs the worker, so they are processed in one batch. */
  async function deliverAsOneBatch(events: ApiMessageInput[]) {
    const d = apiDelivery(b.apiSecret, events);
    await t.core.ingest.receive(b.apiChannelId, req(d.body, d.signature), JSON.parse(d.body));
    const before = worker.stats.batches;
    await worker.drain();
    return worker.stats.batches - before;
  }
  const conversationOf = async (providerId: string) =>
    (await t.core.db.selectFrom('messages').select('conversation_id').where('provider_message_id', '=', providerId).executeTakeFirstOrThrow()).conversation_id;

  it('keeps a team pool and the brand pool from giving one agent more than their capacity in the same batch', async () => {
    const agents: string[] = [];
    for (let i = 0; i < 2; i++) {
      const u = await t.core.admin.upsertUser(admin, { email: `p${i}@batch.test`, name: `P${i}`, role: 'agent' });
      await t.core.admin.updateMembership(admin, u.id, { availability: 'online', capacity: { default: 3 } });
      agents.push(u.id);
    }
    const billing = (await t.core.admin.createTeam(admin, { name: 'Billing', skills: ['billing'], memberIds: [agents[0] ?? ''] })).id;
    await t.core.routing.putRules(admin, [
      { id: 'billing', name: 'Billing', when: { type: 'label', label: 'topic', in: ['billing'] }, then: [{ type: 'set_team', teamId: billing }, { type: 'assign', mode: 'auto' }, { type: 'stop' }] },
      { id: 'auto', name: 'Auto', when: { type: 'always' }, then: [{ type: 'assign', mode: 'auto' }] },
    ]);
    // Interleaved: agent 0 is in both pools, so each pool must see what the other gave them.
    const events = Array.from({ length: 12 }, (_, i) => ({ id: `pool-${i}`, author: `pool-cust-${i}`, text: i % 2 === 0 ? `where is my refund ${i}` : `question ${i}` }));
    expect(await deliverAsOneBatch(events)).toBe(1);
    const load = (await sql<{ assignee_id: string; n: string }>`
      select assignee_id, count(*) as n from conversations where brand_id = ${b.brandId} and assignee_id is not null and status = 'open' group by assignee_id`.execute(t.core.db)).rows;
    expect(load.map((l) => Number(l.n)).sort()).toEqual([3, 3]);
    const teamRows = await t.core.db.selectFrom('conversations').select(['assignee_id']).where('brand_id', '=', b.brandId).where('team_id', '=', billing).execute();
    expect(teamRows).toHaveLength(6);
    for (const r of teamRows) expect([agents[0], null]).toContain(r.assignee_id);
    // The round-robin cursor written once at the end of the batch is the last pick's.
    const cursors = await t.core.db.selectFrom('routing_cursors').select(['scope', 'last_agent_id']).where('brand_id', '=', b.brandId).execute();
    expect(cursors.find((c) => c.scope === 'brand')?.last_agent_id).toBeTruthy();
    await t.core.routing.putRules(admin, [{ id: 'none', name: 'None', when: { type: 'always' }, then: [{ type: 'stop' }] }]);
  });

  it('threads a reply to a message stored earlier in the same batch, dedupes a repeat within it, and joins a customer\'s second post', async () => {
    expect(await deliverAsOneBatch([
      { id: 'b-1', author: 'bea', text: 'My order never arrived' },
      { id: 'b-2', author: 'bea', text: 'Hello?', replyTo: 'b-1' },
      { id: 'b-3', author: 'bea', text: 'Also the app crashes' },
      { id: 'b-4', author: 'ben', text: 'Reply into bea\'s thread', replyTo: 'b-2' },
    ])).toBe(1);
    const c = await conversationOf('b-1');
    for (const id of ['b-2', 'b-3', 'b-4']) expect(await conversationOf(id)).toBe(c);
    const conv = await t.core.db.selectFrom('conversations').select(['message_count', 'preview']).where('id', '=', c).executeTakeFirstOrThrow();
    expect(conv.message_count).toBe(4);
    // The same provider message in two events of one batch: stored once.
    const d = apiDelivery(b.apiSecret, [{ id: 'dup-1', author: 'dora', text: 'once' }]);
    const d2 = apiDelivery(b.apiSecret, [{ id: 'dup-1', author: 'dora', text: 'once' }]);
    const body2 = JSON.parse(d2.body) as { events: { id: string }[] };
    for (const e of body2.events) e.id = `${e.id}-again`;
    const again = JSON.stringify(body2);
    await t.core.ingest.receive(b.apiChannelId, req(d.body, d.signature), JSON.parse(d.body));
    await t.core.ingest.receive(b.apiChannelId, req(again, signApiBody(b.apiSecret, again)), JSON.parse(again));
    await worker.drain();
    const stored = await t.core.db.selectFrom('messages').select('id').where('provider_message_id', '=', 'dup-1').execute();
    expect(stored).toHaveLength(1);
    const dead = await t.core.db.selectFrom('jobs').select('id').where('state', '=', 'dead').execute();
    expect(dead).toHaveLength(0);
  });

  it('puts two identities of one merged customer into one conversation when both write in the same batch', async () => {
    await deliverAsOneBatch([{ id: 'm-a1', author: 'mia-a', text: 'first' }, { id: 'm-b1', author: 'mia-b', text: 'second' }]);
    const [ca, cb] = [await conversationOf('m-a1'), await conversationOf('m-b1')];
    const contactOf = async (conversationId: string) => (await t.core.db.selectFrom('conversations').select('contact_id').where('id', '=', conversationId).executeTakeFirstOrThrow()).contact_id;
    const target = await contactOf(ca);
    await t.core.contacts.merge(admin, target, await contactOf(cb));
    await t.core.conversations.setStatus(admin, ca, 'resolved');
    await t.core.conversations.setStatus(admin, cb, 'resolved');
    expect(await deliverAsOneBatch([{ id: 'm-a2', author: 'mia-a', text: 'it broke again' }, { id: 'm-b2', author: 'mia-b', text: 'same here, from my other account' }])).toBe(1);
    const [na, nb] = [await conversationOf('m-a2'), await conversationOf('m-b2')];
    expect(na).toBe(nb);
    expect(await contactOf(na)).toBe(target);
  });

  it('runs batches side by side (several loops, one brand) without going over capacity, losing or doubling a message', async () => {
    // Earlier tests left conversations waiting in the queue, which agents coming online would take: closed, so these start empty.
    const left = await t.core.db.selectFrom('conversations').select('id').where('brand_id', '=', b.brandId).where('status', '!=', 'resolved').execute();
    for (const c of left) await t.core.conversations.setStatus(admin, c.id, 'resolved');
    const agents: string[] = [];
    for (let i = 0; i < 3; i++) {
      const u = await t.core.admin.upsertUser(admin, { email: `c${i}@batch.test`, name: `C${i}`, role: 'agent' });
      await t.core.admin.updateMembership(admin, u.id, { availability: 'online', capacity: { default: 5 } });
      agents.push(u.id);
    }
    const busy = (await sql<{ assignee_id: string; n: string }>`
      select assignee_id, count(*) as n from conversations where brand_id = ${b.brandId} and assignee_id is not null and status in ('open', 'pending') group by assignee_id`.execute(t.core.db)).rows;
    await t.core.routing.putRules(admin, [{ id: 'auto', name: 'Auto', when: { type: 'always' }, then: [{ type: 'assign', mode: 'auto' }] }]);
    // Several deliveries, so the loops find several batches' worth queued.
    for (let d = 0; d < 6; d++) {
      const events = Array.from({ length: 10 }, (_, i) => ({ id: `side-${d}-${i}`, author: `side-${(d * 10 + i) % 45}`, text: `side by side ${d} ${i}` }));
      const body = apiDelivery(b.apiSecret, events);
      await t.core.ingest.receive(b.apiChannelId, req(body.body, body.signature), JSON.parse(body.body));
    }
    const side = t.core.worker({ concurrency: 3, maxBatch: 7, pollMs: 20 });
    side.start();
    try {
      for (;;) {
        const left = await sql<{ n: string }>`select count(*) as n from jobs where name = 'ingest.process' and state = 'queued'`.execute(t.core.db);
        if (Number(left.rows[0]?.n) === 0) break;
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      await side.stop();
    }
    const stored = await sql<{ n: string; d: string }>`select count(*) as n, count(distinct provider_message_id) as d from messages where provider_message_id like 'side-%'`.execute(t.core.db);
    expect(stored.rows[0]).toEqual({ n: '60', d: '60' });
    const load = (await sql<{ assignee_id: string; n: string }>`
      select assignee_id, count(*) as n from conversations where brand_id = ${b.brandId} and assignee_id = any(${agents}::uuid[]) and status in ('open', 'pending') group by assignee_id`.execute(t.core.db)).rows;
    expect(busy.filter((r) => agents.includes(r.assignee_id))).toEqual([]);
    expect(load.map((l) => Number(l.n))).toEqual([5, 5, 5]);
    const dead = await t.core.db.selectFrom('jobs').select(['name', 'last_error']).where('state', '=', 'dead').execute();
    expect(dead).toEqual([]);
  });
});
