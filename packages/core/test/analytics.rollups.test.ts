import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from '@earshot/db';
import { ManualClock, systemActor, type Actor, type MessageClassifier, type Worker } from '@earshot/core';
import { describeEachDb } from '../../../test/support/db';
import { apiDelivery, createTestCore, seedBrand, type SeededBrand, type TestCore } from '../../../test/support/core';
import { expectRollupsMatchRecomputation } from '../../../test/support/analytics';

function req(body: string, signature: string) {
  return { method: 'POST', headers: { 'x-earshot-signature': signature }, query: {}, rawBody: Buffer.from(body) };
}

/** A stand-in for the triage model: sentiment and topic from a few words. */
const classifier: MessageClassifier = {
  classify: ({ text }) => {
    const sentiment = /broken|refund|late|awful/.test(text) ? 'negative' : /thanks|great/.test(text) ? 'positive' : 'neutral';
    const topic = /refund/.test(text) ? 'billing' : /late|parcel/.test(text) ? 'delivery' : null;
    return { labels: { sentiment: { value: sentiment, confidence: 0.8, reasons: [] }, topic: { value: topic, confidence: 0.6, reasons: [] } }, needsResponse: true };
  },
};

const TEXTS = ['my parcel is late again', 'refund please, the app is broken', 'thanks, great service', 'where is my order', 'awful wait on the refund line'];

type Op =
  | { t: 'in'; cust: number; text: number; dm: boolean }
  | { t: 'reply'; conv: number; priv: boolean }
  | { t: 'assign'; conv: number; who: 0 | 1 | 2 }
  | { t: 'resolve'; conv: number }
  | { t: 'reopen'; conv: number }
  | { t: 'tag'; conv: number; tags: string[] }
  | { t: 'note'; conv: number }
  | { t: 'catchup' }
  | { t: 'drain' };

const conv = fc.nat(50);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ t: fc.constant('in' as const), cust: fc.nat(4), text: fc.nat(TEXTS.length - 1), dm: fc.boolean() }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('reply' as const), conv, priv: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('assign' as const), conv, who: fc.constantFrom(0 as const, 1 as const, 2 as const) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('resolve' as const), conv }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('reopen' as const), conv }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('tag' as const), conv, tags: fc.subarray(['vip', 'outage', 'press']) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('note' as const), conv }) },
  { weight: 1, arbitrary: fc.constant({ t: 'catchup' as const }) },
  { weight: 1, arbitrary: fc.constant({ t: 'drain' as const }) },
);

describeEachDb('analytics rollups equal a recomputation from raw rows', (kind) => {
  let t: TestCore;
  let worker: Worker;
  const clock = new ManualClock('2026-05-04T08:00:00Z');
  let run = 0;

  beforeAll(async () => {
    t = await createTestCore(kind, { classifier, clock });
    worker = t.core.worker();
  });
  afterAll(async () => { await t?.drop(); });

  async function play(b: SeededBrand, ops: Op[], gaps: number[]): Promise<void> {
    const agent: Actor = { ...systemActor(b.brandId), type: 'user', id: b.agentId, userId: b.agentId, role: 'agent' };
    let n = 0;
    const conversations = async () => (await t.core.db.selectFrom('conversations').select('id').where('brand_id', '=', b.brandId).orderBy('created_at').orderBy('id').execute()).map((c) => c.id);
    for (const [i, op] of ops.entries()) {
      clock.advance((gaps[i % gaps.length] ?? 1) * 60_000);
      const ids = op.t === 'in' || op.t === 'catchup' || op.t === 'drain' ? [] : await conversations();
      const id = 'conv' in op ? ids[op.conv % Math.max(1, ids.length)] : undefined;
      switch (op.t) {
        case 'in': {
          n += 1;
          const d = apiDelivery(b.apiSecret, [{ id: `${b.slug}-${n}`, author: `cust-${op.cust}`, text: TEXTS[op.text], sentAt: clock.now().toISOString(), ...(op.dm ? { visibility: 'private' as const, threadKey: `dm:${op.cust}` } : {}) }]);
          await t.core.ingest.receive(b.apiChannelId, req(d.body, d.signature), JSON.parse(d.body));
          await worker.drain();
          break;
        }
        case 'reply': if (id) await t.core.conversations.reply(agent, id, { text: 'On it', visibility: op.priv ? 'private' : 'public' }); break;
        case 'assign': if (id) await t.core.conversations.assign(agent, id, [b.agentId, b.adminId, null][op.who] ?? null); break;
        case 'resolve': if (id) await t.core.conversations.setStatus(agent, id, 'resolved'); break;
        case 'reopen': if (id) await t.core.conversations.setStatus(agent, id, 'open'); break;
        case 'tag': if (id) await t.core.conversations.setTags(agent, id, op.tags); break;
        case 'note': if (id) await t.core.conversations.addNote(agent, id, 'internal'); break;
        case 'catchup': await t.core.analytics.catchUp(b.brandId); break;
        case 'drain': await worker.drain(); break;
      }
    }
    await worker.drain();
    await t.core.analytics.catchUp(b.brandId);
  }

  it('after any mixed sequence of ingest, replies, reassignment, resolve and reopen', async () => {
    await fc.assert(fc.asyncProperty(fc.array(opArb, { minLength: 5, maxLength: 30 }), fc.array(fc.constantFrom(0, 1, 7, 45, 90, 600), { minLength: 1, maxLength: 6 }), async (ops, gaps) => {
      run += 1;
      const b = await seedBrand(t.core, `roll-${kind}-${run}`);
      await play(b, ops, gaps);
      await expectRollupsMatchRecomputation(t.core.db, b.brandId);
    }), { numRuns: kind === 'pglite' ? 8 : 10 });
  });

  it('counts what a user would count: conversations, inbound messages and first responses', async () => {
    const b = await seedBrand(t.core, `roll-${kind}-fixed`);
    clock.set('2026-05-05T09:10:00Z');
    await play(b, [
      { t: 'in', cust: 0, text: 0, dm: false }, { t: 'reply', conv: 0, priv: false },
      { t: 'in', cust: 1, text: 1, dm: false }, { t: 'in', cust: 0, text: 3, dm: false }, { t: 'reply', conv: 0, priv: false },
      { t: 'resolve', conv: 1 },
    ], [5]);
    const rows = (await sql<{ conversations: number; inbound: number; replies: number; negative: number; first_response_n: number; first_response_sum: string; next_response_sum: string; resolved: number }>`
      select sum(conversations)::int as conversations, sum(inbound)::int as inbound, sum(replies)::int as replies, sum(negative)::int as negative,
        sum(first_response_n)::int as first_response_n, sum(first_response_sum)::text as first_response_sum, sum(next_response_sum)::text as next_response_sum, sum(resolved)::int as resolved
      from analytics_hourly where brand_id = ${b.brandId} and dim = 'all'`.execute(t.core.db)).rows[0];
    // cust-0: in 09:15, reply 09:20 (5 min), in 09:30, reply 09:35 (next: 5 min); cust-1: in 09:25, never answered, resolved.
    expect(rows).toEqual({ conversations: 2, inbound: 3, replies: 2, negative: 1, first_response_n: 1, first_response_sum: '300', next_response_sum: '300', resolved: 1 });
    await expectRollupsMatchRecomputation(t.core.db, b.brandId);
  });
});

describeEachDb('analytics rollups kept current by the catch-up job', (kind) => {
  let t: TestCore;
  let worker: Worker;
  beforeAll(async () => {
    t = await createTestCore(kind, { classifier, analytics: { live: true, debounceMs: 0 } });
    worker = t.core.worker();
  });
  afterAll(async () => { await t?.drop(); });

  it('desk events enqueue the brand\'s catch-up; the worker alone brings the rollups up to date', async () => {
    const b = await seedBrand(t.core, `live-${kind}`);
    const agent: Actor = { ...systemActor(b.brandId), type: 'user', id: b.agentId, userId: b.agentId, role: 'agent' };
    const d = apiDelivery(b.apiSecret, [{ id: 'l1', author: 'ann', text: 'refund please', sentAt: new Date(Date.now() - 600_000).toISOString() }, { id: 'l2', author: 'bob', text: 'thanks' }]);
    await t.core.ingest.receive(b.apiChannelId, req(d.body, d.signature), JSON.parse(d.body));
    await worker.drain();
    const [c] = await t.core.db.selectFrom('conversations').select('id').where('brand_id', '=', b.brandId).orderBy('created_at').execute();
    if (!c) throw new Error('no conversation');
    await t.core.conversations.reply(agent, c.id, { text: 'Sorry about that', visibility: 'public' });
    await t.core.conversations.setStatus(agent, c.id, 'resolved');
    const rolled = async () => (await sql<{ n: number; resolved: number }>`select coalesce(sum(conversations), 0)::int as n, coalesce(sum(resolved), 0)::int as resolved from analytics_hourly where brand_id = ${b.brandId} and dim = 'all'`.execute(t.core.db)).rows[0];
    const end = Date.now() + 15_000;
    while (Date.now() < end) {
      await worker.drain();
      const r = await rolled();
      if (r?.n === 2 && r.resolved === 1) break;
      await new Promise((res) => setTimeout(res, 100));
    }
    expect(await rolled()).toEqual({ n: 2, resolved: 1 });
    await expectRollupsMatchRecomputation(t.core.db, b.brandId);
  });
});
