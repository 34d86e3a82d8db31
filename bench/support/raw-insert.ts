import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';

export interface RawRow { providerEventId: string; payload: string }

export interface RawInsertResult { perRowCommit: number; batched100: number }

/**
 * The ceiling Earshot is compared with: the same raw rows inserted into a bare table (no index but
 * the primary key, no job, no audit) on the same kind of database — one row per commit from as
 * many connections as the load generator uses (what a durable per-request acknowledgement costs),
 * and 100 rows per commit (what batching could reach).
 */
export async function rawInsertCeiling(target: { url: string } | { dataDir: string }, rows: RawRow[], opts: { seconds: number; concurrency: number }): Promise<RawInsertResult> {
  const ddl = 'create table if not exists bench_raw (id bigserial primary key, provider_event_id text not null, payload jsonb not null)';
  if ('url' in target) {
    const pool = new pg.Pool({ connectionString: target.url, max: opts.concurrency });
    try {
      await pool.query(ddl);
      const perRowCommit = await timed(opts.seconds, opts.concurrency, async (i) => {
        const r = rows[i % rows.length]!;
        await pool.query('insert into bench_raw (provider_event_id, payload) values ($1, $2::jsonb)', [r.providerEventId, r.payload]);
        return 1;
      });
      const batched100 = await timed(opts.seconds, opts.concurrency, async (i) => {
        const batch = Array.from({ length: 100 }, (_, k) => rows[(i * 100 + k) % rows.length]!);
        await pool.query('insert into bench_raw (provider_event_id, payload) select * from unnest($1::text[], $2::jsonb[])', [batch.map((b) => b.providerEventId), batch.map((b) => b.payload)]);
        return 100;
      });
      await pool.query('drop table bench_raw');
      return { perRowCommit, batched100 };
    } finally {
      await pool.end();
    }
  }
  const db = await PGlite.create(target.dataDir);
  try {
    await db.query(ddl);
    const perRowCommit = await timed(opts.seconds, 1, async (i) => {
      const r = rows[i % rows.length]!;
      await db.query('insert into bench_raw (provider_event_id, payload) values ($1, $2::jsonb)', [r.providerEventId, r.payload]);
      return 1;
    });
    const batched100 = await timed(opts.seconds, 1, async (i) => {
      const batch = Array.from({ length: 100 }, (_, k) => rows[(i * 100 + k) % rows.length]!);
      await db.query('insert into bench_raw (provider_event_id, payload) select * from unnest($1::text[], $2::jsonb[])', [batch.map((b) => b.providerEventId), batch.map((b) => b.payload)]);
      return 100;
    });
    await db.query('drop table bench_raw');
    return { perRowCommit, batched100 };
  } finally {
    await db.close();
  }
}

async function timed(seconds: number, lanes: number, op: (i: number) => Promise<number>): Promise<number> {
  let next = 0;
  let rows = 0;
  const start = performance.now();
  const until = start + seconds * 1000;
  await Promise.all(Array.from({ length: lanes }, async () => {
    while (performance.now() < until) rows += await op(next++);
  }));
  return rows / ((performance.now() - start) / 1000);
}
