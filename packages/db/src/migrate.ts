import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import type { DbHandle } from './handle';

const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations/', import.meta.url));
// Any constant works; it only has to be the same for every Earshot process on one database.
const MIGRATION_LOCK = 7_358_201_004;

export interface Migration { version: number; name: string; sql: string }

export function listMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((f) => ({ version: Number(f.slice(0, 4)), name: f.replace(/\.sql$/, ''), sql: readFileSync(`${dir}/${f}`, 'utf8') }));
}

/**
 * Applies pending migrations in order, each in its own transaction, under an advisory lock so
 * that several processes starting at once apply each migration exactly once.
 */
export async function migrate(h: DbHandle, onProgress?: (m: Migration, i: number, total: number) => void): Promise<Migration[]> {
  const applied: Migration[] = [];
  await h.db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK})`.execute(conn);
    try {
      await sql`create table if not exists schema_migrations (version integer primary key, name text not null, applied_at timestamptz not null default now())`.execute(conn);
      const done = new Set((await sql<{ version: number }>`select version from schema_migrations`.execute(conn)).rows.map((r) => r.version));
      const pending = listMigrations().filter((m) => !done.has(m.version));
      for (const [i, m] of pending.entries()) {
        onProgress?.(m, i, pending.length);
        await conn.transaction().execute(async (tx) => {
          await sql.raw(m.sql).execute(tx);
          await sql`insert into schema_migrations (version, name) values (${m.version}, ${m.name})`.execute(tx);
        });
        applied.push(m);
      }
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK})`.execute(conn);
    }
  });
  return applied;
}
