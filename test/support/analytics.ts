import { expect } from 'vitest';
import type { Kysely } from 'kysely';
import { sql, type DB } from '@earshot/db';
import { accumulate, computeFacts, isZero, COUNTER_COLUMNS, HIST_COLUMNS, type RollupMetrics } from '@earshot/core';
import { loadConversations, loadMessages } from '../../packages/core/src/analytics/analytics.repository';

/**
 * Recomputes a brand's rollups from scratch — every conversation and message, straight from the raw
 * rows — and expects the incrementally kept tables to hold exactly that (rows that sum to zero aside).
 * Also checks plain counts against SQL over the raw tables, independently of the facts code.
 */
export async function expectRollupsMatchRecomputation(db: Kysely<DB>, brandId: string): Promise<void> {
  const ids = (await db.selectFrom('conversations').select('id').where('brand_id', '=', brandId).execute()).map((c) => c.id);
  const convs = await loadConversations(db, brandId, ids);
  const messages = await loadMessages(db, brandId, ids);
  const expected = new Map<string, RollupMetrics>();
  const expectedTerms = new Map<string, number>();
  for (const c of convs) accumulate(expected, expectedTerms, computeFacts(c, messages.get(c.id) ?? []), 1);

  const rows = (await sql<Record<string, unknown> & { dim: string; key: string; hour: Date | string }>`select * from analytics_hourly where brand_id = ${brandId}`.execute(db)).rows;
  const actual = new Map<string, RollupMetrics>();
  for (const r of rows) {
    const m = Object.fromEntries([...COUNTER_COLUMNS.map((c) => [c, Number(r[c])]), ...HIST_COLUMNS.map((c) => [c, (r[c] as number[]).map(Number)])]) as unknown as RollupMetrics;
    if (!isZero(m)) actual.set(`${r.dim}\u0000${r.key}\u0000${new Date(r.hour).toISOString()}`, m);
  }
  const norm = (m: Map<string, RollupMetrics>) => Object.fromEntries([...m].filter(([, v]) => !isZero(v)).map(([k, v]) => [k, { ...v, ...Object.fromEntries(HIST_COLUMNS.map((c) => [c, trimZeros(v[c])])) }]).sort((x, y) => ((x[0] ?? '') < (y[0] ?? '') ? -1 : 1)));
  expect(norm(actual)).toEqual(norm(expected));

  const terms = (await sql<{ hour: Date | string; term: string; conversations: number }>`select hour, term, conversations from analytics_terms where brand_id = ${brandId} and conversations <> 0`.execute(db)).rows;
  expect(Object.fromEntries(terms.map((x) => [`${new Date(x.hour).toISOString()}\u0000${x.term}`, Number(x.conversations)] as [string, number]).sort((x, y) => (x[0] < y[0] ? -1 : 1))))
    .toEqual(Object.fromEntries([...expectedTerms].filter(([, n]) => n !== 0).sort((x, y) => (x[0] < y[0] ? -1 : 1))));

  // Independent of the facts code: conversations and inbound messages counted by SQL over the raw rows.
  const raw = (await sql<{ conversations: number; inbound: number; resolved: number }>`
    select (select count(*)::int from conversations where brand_id = ${brandId}) as conversations,
           (select count(*)::int from messages where brand_id = ${brandId} and direction = 'inbound' and kind = 'message') as inbound,
           (select count(*)::int from conversations where brand_id = ${brandId} and status = 'resolved') as resolved`.execute(db)).rows[0];
  const rolled = (await sql<{ conversations: number; inbound: number; resolved: number }>`
    select coalesce(sum(conversations), 0)::int as conversations, coalesce(sum(inbound), 0)::int as inbound, coalesce(sum(resolved), 0)::int as resolved
    from analytics_hourly where brand_id = ${brandId} and dim = 'all'`.execute(db)).rows[0];
  expect(rolled).toEqual(raw);
}

function trimZeros(h: number[]): number[] {
  const out = [...h];
  while (out.length > 0 && out[out.length - 1] === 0) out.pop();
  return out;
}
