import { sql, type Kysely } from 'kysely';
import type { DB } from './schema';

/**
 * The embedded database runs PostgreSQL in single-user mode: no autovacuum worker ever collects
 * planner statistics, and without them the planner takes a 100k-conversation table for a few rows
 * and joins all of it before sorting (the inbox list: 2.5 s before the first ANALYZE, 20 ms after).
 * This analyzes the tables that changed or grew since their last ANALYZE, with autovacuum's
 * default threshold (50 rows + 10%). The change counters start at zero on every open, so growth
 * in pages since the last ANALYZE counts too. Tables under 1 MB are left alone: statistics of a
 * tiny table make the planner choose sequential scans, and a plan cached with them (a foreign-key
 * check, a prepared statement) stays in the one long-lived session while the table grows — a bulk
 * insert then scanned the whole table once per row. Without statistics the planner assumes a
 * table of some size and looks keys up by index. Returns the tables analyzed.
 */
export async function analyzeStaleTables(db: Kysely<DB>): Promise<string[]> {
  const stale = (await sql<{ name: string }>`
    select format('%I.%I', n.nspname, c.relname) as name
    from pg_class c
    join pg_namespace n on n.oid = c.relnamespace
    left join pg_stat_user_tables s on s.relid = c.oid
    where c.relkind = 'r' and n.nspname = 'public'
      and pg_relation_size(c.oid) >= 1024 * 1024
      and (coalesce(s.n_mod_since_analyze, 0) > 50 + 0.1 * greatest(c.reltuples, 0)
        or pg_relation_size(c.oid) / current_setting('block_size')::int > 8 + 1.1 * c.relpages)
    order by c.relname`.execute(db)).rows;
  for (const t of stale) await sql`analyze ${sql.raw(t.name)}`.execute(db);
  return stale.map((t) => t.name);
}

export interface AutoAnalyze { stop(): Promise<void> }

/** Runs analyzeStaleTables shortly after opening and then every `everyMs`, as autovacuum would. */
export function startAutoAnalyze(db: Kysely<DB>, opts: { firstAfterMs?: number; everyMs?: number } = {}): AutoAnalyze {
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const tick = () => {
    if (stopped) return;
    // A failed round (database closing, a lock) is retried on the next one.
    running = running.then(() => (stopped ? undefined : analyzeStaleTables(db))).catch(() => undefined);
  };
  const first = setTimeout(tick, opts.firstAfterMs ?? 10_000);
  const every = setInterval(tick, opts.everyMs ?? 60_000);
  first.unref();
  every.unref();
  return {
    async stop() {
      stopped = true;
      clearTimeout(first);
      clearInterval(every);
      await running;
    },
  };
}
