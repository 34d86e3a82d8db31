import { afterAll, beforeAll, expect, it } from 'vitest';
import { analyzeStaleTables, openDatabase, sql, type DbHandle } from '@earshot/db';
import { createTestDb, describeEachDb } from '../../../test/support/db';

describeEachDb('analyzeStaleTables: planner statistics for the embedded database, which has no autovacuum', (kind) => {
  // The embedded one without its own background rounds, so only the calls below analyze.
  let t: { handle: DbHandle; drop(): Promise<void> };
  beforeAll(async () => {
    if (kind === 'postgres') t = await createTestDb(kind);
    else { const handle = await openDatabase({ dataDir: 'memory://', autoAnalyze: false }); t = { handle, drop: () => handle.close() }; }
  });
  afterAll(async () => { await t?.drop(); });

  const reltuples = async (table: string) =>
    Number((await sql<{ n: number }>`select reltuples as n from pg_class where oid = ${table}::regclass`.execute(t.handle.db)).rows[0]?.n);

  it('analyzes a table that grew since its last ANALYZE, then leaves it alone until it changes again', async () => {
    // autovacuum off for this table, so the server's own autoanalyze cannot step in between.
    await sql`create table analyze_probe (id int primary key, v text) with (autovacuum_enabled = false)`.execute(t.handle.db);
    await sql`insert into analyze_probe select g, repeat('row ', 10) || g from generate_series(1, 20000) g`.execute(t.handle.db);
    expect(await reltuples('analyze_probe')).toBeLessThanOrEqual(0); // never analyzed

    expect(await analyzeStaleTables(t.handle.db)).toContain('public.analyze_probe');
    expect(await reltuples('analyze_probe')).toBe(20000);
    expect(await analyzeStaleTables(t.handle.db)).not.toContain('public.analyze_probe');

    // 5% more rows is under the threshold (50 + 10%); 15% more is over it.
    await sql`insert into analyze_probe select g, repeat('row ', 10) || g from generate_series(20001, 21000) g`.execute(t.handle.db);
    expect(await analyzeStaleTables(t.handle.db)).not.toContain('public.analyze_probe');
    await sql`insert into analyze_probe select g, repeat('row ', 10) || g from generate_series(21001, 24000) g`.execute(t.handle.db);
    expect(await analyzeStaleTables(t.handle.db)).toContain('public.analyze_probe');
    expect(await reltuples('analyze_probe')).toBe(24000);
  });

  it('leaves a table under 1 MB unanalyzed, so plans cached while it is small still look keys up by index', async () => {
    await sql`create table small_probe (id int primary key, v text) with (autovacuum_enabled = false)`.execute(t.handle.db);
    await sql`insert into small_probe select g, 'row ' || g from generate_series(1, 500) g`.execute(t.handle.db);
    expect(await analyzeStaleTables(t.handle.db)).not.toContain('public.small_probe');
    expect(await reltuples('small_probe')).toBeLessThanOrEqual(0);
    const plan = (await sql<{ 'QUERY PLAN': string }>`explain select 1 from small_probe where id = 42`.execute(t.handle.db)).rows.map((r) => r['QUERY PLAN']).join('\n');
    expect(plan).toMatch(/Index (Only )?Scan using small_probe_pkey/);
  });
});
