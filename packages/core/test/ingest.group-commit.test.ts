import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '@earshot/db';
import { describeEachDb } from '../../../test/support/db';
import { apiDelivery, createTestCore, seedBrand, type SeededBrand, type TestCore } from '../../../test/support/core';
import { AckGroup } from '../src/ingest/ack-group';

// Concurrent acknowledgements share one transaction (packages/core/src/ingest/ack-group.ts,
// docs/adr/0015-group-commit-acks.md). Transactions are counted by the distinct xmin of the rows
// they inserted: every row a transaction writes carries its id.

function req(body: string, signature: string) {
  return { method: 'POST', headers: { 'x-earshot-signature': signature }, query: {}, rawBody: Buffer.from(body) };
}

const ev = (id: string, payload: unknown = { id }) => ({ providerEventId: id, payload });

describeEachDb('ingest: group commit of acknowledgements', (kind) => {
  let t: TestCore;
  let b: SeededBrand;
  let other: SeededBrand;

  beforeAll(async () => {
    t = await createTestCore(kind);
    b = await seedBrand(t.core, 'group');
    other = await seedBrand(t.core, 'group-other');
  });
  afterAll(async () => { await t?.drop(); });

  /** How many transactions inserted the inbound events whose provider ids match. */
  const transactionsOf = async (like: string) =>
    Number((await sql<{ n: string }>`select count(distinct xmin::text) as n from inbound_events where provider_event_id like ${like}`.execute(t.core.db)).rows[0]?.n);
  const storedIds = async (like: string) =>
    (await sql<{ provider_event_id: string }>`select provider_event_id from inbound_events where provider_event_id like ${like} order by provider_event_id`.execute(t.core.db)).rows.map((r) => r.provider_event_id);

  it('answers many concurrent webhook deliveries with fewer transactions than deliveries', async () => {
    const n = 30;
    const before = t.core.ingest.groupCommitStats.groups;
    const answers = await Promise.all(Array.from({ length: n }, (_, i) => {
      const d = apiDelivery(b.apiSecret, [{ id: `storm-${i}`, author: `storm-${i}` }]);
      return t.core.ingest.receive(b.apiChannelId, req(d.body, d.signature), JSON.parse(d.body));
    }));
    for (const [i, a] of answers.entries()) expect(a).toEqual({ channelId: b.apiChannelId, accepted: 1, duplicates: 0, eventIds: [`evt-storm-${i}`] });
    expect(await storedIds('evt-storm-%')).toHaveLength(n);
    const transactions = await transactionsOf('evt-storm-%');
    expect(transactions).toBeLessThan(n);
    expect(t.core.ingest.groupCommitStats.groups - before).toBe(transactions);
  });

  it('stores calls made in the same turn in one transaction, each answer with its own counts, a shared event id stored once for the earlier call', async () => {
    expect(await t.core.ingest.store(b.brandId, b.apiChannelId, [ev('gx-old')])).toMatchObject({ accepted: 1 });
    const answers = await Promise.all([
      t.core.ingest.store(b.brandId, b.apiChannelId, [ev('gx-a'), ev('gx-b')]),
      t.core.ingest.store(b.brandId, b.apiChannelId, [ev('gx-b'), ev('gx-c')]),
      t.core.ingest.store(b.brandId, b.apiChannelId, [ev('gx-c'), ev('gx-c'), ev('gx-d')]),
      t.core.ingest.store(b.brandId, b.apiChannelId, [ev('gx-old'), ev('gx-e')]),
      t.core.ingest.store(b.brandId, b.apiChannelId, [ev('gx-a')]),
      // Another brand's channel with the same provider id: not a duplicate, and stored as that brand's.
      t.core.ingest.store(other.brandId, other.apiChannelId, [ev('gx-a')]),
    ]);
    expect(answers.map(({ accepted, duplicates, eventIds }) => ({ accepted, duplicates, eventIds }))).toEqual([
      { accepted: 2, duplicates: 0, eventIds: ['gx-a', 'gx-b'] },
      { accepted: 1, duplicates: 1, eventIds: ['gx-b', 'gx-c'] },
      { accepted: 1, duplicates: 2, eventIds: ['gx-c', 'gx-d'] },
      { accepted: 1, duplicates: 1, eventIds: ['gx-old', 'gx-e'] },
      { accepted: 0, duplicates: 1, eventIds: ['gx-a'] },
      { accepted: 1, duplicates: 0, eventIds: ['gx-a'] },
    ]);
    expect(answers[5]?.channelId).toBe(other.apiChannelId);
    const rows = (await sql<{ provider_event_id: string; brand_id: string; channel_id: string; payload: unknown }>`
      select provider_event_id, brand_id, channel_id, payload from inbound_events where provider_event_id like 'gx-%' and provider_event_id <> 'gx-old'
      order by provider_event_id, brand_id = ${b.brandId} desc`.execute(t.core.db)).rows;
    expect(rows.map((r) => [r.provider_event_id, r.brand_id, r.channel_id])).toEqual([
      ['gx-a', b.brandId, b.apiChannelId], ['gx-a', other.brandId, other.apiChannelId],
      ['gx-b', b.brandId, b.apiChannelId], ['gx-c', b.brandId, b.apiChannelId], ['gx-d', b.brandId, b.apiChannelId], ['gx-e', b.brandId, b.apiChannelId],
    ]);
    expect(rows[0]?.payload).toEqual({ id: 'gx-a' });
    // The six calls were one commit (gx-old came earlier, in a transaction of its own).
    expect(await transactionsOf('gx-%')).toBe(2);
    const jobBrands = (await sql<{ brand_id: string }>`
      select j.brand_id from jobs j join inbound_events e on e.id = (j.payload->>'eventId')::bigint
      where j.name = 'ingest.process' and e.provider_event_id = 'gx-a' order by j.brand_id = ${b.brandId} desc`.execute(t.core.db)).rows;
    expect(jobBrands.map((r) => r.brand_id)).toEqual([b.brandId, other.brandId]);
  });

  it('fails only the delivery PostgreSQL refuses when it shares a group, storing none of it', async () => {
    const retriedBefore = t.core.ingest.groupCommitStats.retried;
    // A lone UTF-16 surrogate: JSON.stringify writes it as \ud800, which jsonb refuses.
    const poison = [ev('px-ok'), ev('px-shared'), ev('px-bad', { text: `broken \ud800 text` })];
    const settled = await Promise.allSettled([
      t.core.ingest.store(b.brandId, b.apiChannelId, [ev('px-1')]),
      t.core.ingest.store(b.brandId, b.apiChannelId, poison),
      t.core.ingest.store(b.brandId, b.apiChannelId, [ev('px-shared'), ev('px-2')]),
    ]);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(settled[0]).toMatchObject({ value: { accepted: 1, duplicates: 0 } });
    // The poison call owned px-shared in the group; rolled back, it is the later call's to store.
    expect(settled[2]).toMatchObject({ value: { accepted: 2, duplicates: 0 } });
    expect(await storedIds('px-%')).toEqual(['px-1', 'px-2', 'px-shared']);
    expect(t.core.ingest.groupCommitStats.retried).toBe(retriedBefore + 1);
    // Alone it fails the same way and still stores nothing.
    await expect(t.core.ingest.store(b.brandId, b.apiChannelId, poison)).rejects.toThrow();
    expect(await storedIds('px-%')).toEqual(['px-1', 'px-2', 'px-shared']);
  });

  it('stores a call larger than the group limit (an import) as a group of its own beside small calls', async () => {
    const big = Array.from({ length: 250 }, (_, i) => ev(`big-${String(i).padStart(3, '0')}`));
    const [bigAnswer, ...small] = await Promise.all([
      t.core.ingest.store(b.brandId, b.apiChannelId, big),
      ...Array.from({ length: 5 }, (_, i) => t.core.ingest.store(b.brandId, b.apiChannelId, [ev(`small-${i}`)])),
    ]);
    expect(bigAnswer).toMatchObject({ accepted: 250, duplicates: 0 });
    expect(bigAnswer?.eventIds).toHaveLength(250);
    for (const s of small) expect(s).toMatchObject({ accepted: 1, duplicates: 0 });
    expect(await transactionsOf('big-%')).toBe(1);
    expect(await transactionsOf('small-%')).toBe(1);
    const shared = await sql<{ n: string }>`
      select count(*) as n from inbound_events a join inbound_events s on a.xmin::text = s.xmin::text
      where a.provider_event_id like 'big-%' and s.provider_event_id like 'small-%'`.execute(t.core.db);
    expect(Number(shared.rows[0]?.n)).toBe(0);
  });

  it('gives every accepted event exactly one ingest job, of its own brand', async () => {
    const wrong = await sql<{ id: string; jobs: string }>`
      select e.id, count(j.id) as jobs from inbound_events e
      left join jobs j on j.name = 'ingest.process' and (j.payload->>'eventId')::bigint = e.id and j.brand_id = e.brand_id
      group by e.id having count(j.id) <> 1`.execute(t.core.db);
    expect(wrong.rows).toEqual([]);
    const events = Number((await sql<{ n: string }>`select count(*) as n from inbound_events`.execute(t.core.db)).rows[0]?.n);
    const jobs = Number((await sql<{ n: string }>`select count(*) as n from jobs where name = 'ingest.process'`.execute(t.core.db)).rows[0]?.n);
    // storm 30 + gx 7 + px 3 + big 250 + small 5: nothing of the poison delivery.
    expect(events).toBe(295);
    expect(jobs).toBe(events);
  });
});

/** A commit the test releases by hand, recording the groups it was given. */
function controlledCommit(fail: (items: string[]) => unknown = () => null) {
  const groups: string[][] = [];
  const gates: (() => void)[] = [];
  const commit = async (items: string[]) => {
    groups.push(items);
    await new Promise<void>((r) => gates.push(r));
    const err = fail(items);
    if (err) throw err;
    return items.map((i) => `ok:${i}`);
  };
  const release = async () => {
    for (let i = 0; i < 20 && gates.length === 0; i++) await new Promise((r) => setImmediate(r));
    gates.shift()?.();
  };
  return { groups, commit, release };
}

const turn = () => new Promise((r) => setImmediate(r));

describe('AckGroup', () => {
  it('starts a lone call on the next turn instead of waiting out the window', async () => {
    // A window longer than the test timeout: waiting it out would fail the test.
    const g = new AckGroup(async (items: string[]) => items.map((i) => `ok:${i}`), () => 1, { windowMs: 120_000 });
    expect(await g.submit('a')).toBe('ok:a');
  });

  it('settles nobody before the commit, and groups the calls that arrived while a flush was in flight', async () => {
    const c = controlledCommit();
    const g = new AckGroup(c.commit, () => 1, { windowMs: 120_000 });
    const settled: string[] = [];
    const a = g.submit('a').then((r) => settled.push(r));
    await turn();
    const rest = ['b', 'c', 'd'].map((x) => g.submit(x).then((r) => settled.push(r)));
    await turn();
    expect(settled).toEqual([]);
    await c.release();
    await a;
    expect(settled).toEqual(['ok:a']);
    await c.release();
    await Promise.all(rest);
    expect(c.groups).toEqual([['a'], ['b', 'c', 'd']]);
    expect(settled).toEqual(['ok:a', 'ok:b', 'ok:c', 'ok:d']);
  });

  it('closes a group at maxEvents and gives a call that big a group of its own', async () => {
    const commit = async (items: string[]) => items.map((i) => `ok:${i}`);
    const groups: string[][] = [];
    const g = new AckGroup(async (items: string[]) => (groups.push(items), commit(items)), (s) => s.length, { maxEvents: 4, windowMs: 120_000 });
    await Promise.all(['a', 'bb', 'c', 'dddd', 'ee', 'f', 'g'].map((x) => g.submit(x)));
    // a+bb+c reach 4 and close; dddd is a group of its own; ee+f+g reach 4 again.
    expect(groups).toEqual([['a', 'bb', 'c'], ['dddd'], ['ee', 'f', 'g']]);
  });

  it('retries each call of a failed group alone, so only the poison one fails', async () => {
    const calls: string[][] = [];
    const g = new AckGroup(async (items: string[]) => {
      calls.push(items);
      if (items.includes('bad')) throw new Error('refused');
      return items.map((i) => `ok:${i}`);
    }, () => 1);
    const settled = await Promise.allSettled(['a', 'bad', 'b'].map((x) => g.submit(x)));
    expect(settled).toEqual([
      { status: 'fulfilled', value: 'ok:a' },
      { status: 'rejected', reason: new Error('refused') },
      { status: 'fulfilled', value: 'ok:b' },
    ]);
    expect(calls).toEqual([['a', 'bad', 'b'], ['a'], ['bad'], ['b']]);
    expect(g.stats).toEqual({ groups: 1, calls: 3, retried: 1 });
  });

  it('fails every call of the group without retrying while the database is unreachable', async () => {
    const down = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const c = controlledCommit(() => down);
    const g = new AckGroup(c.commit, () => 1);
    const all = Promise.allSettled(['a', 'b', 'c'].map((x) => g.submit(x)));
    await c.release();
    const settled = await all;
    expect(settled.map((s) => (s.status === 'rejected' ? s.reason : s.value))).toEqual([down, down, down]);
    expect(c.groups).toEqual([['a', 'b', 'c']]);
  });
});
