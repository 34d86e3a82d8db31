import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import type { DbHandle } from './handle';

const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations/', import.meta.url));
// Any constant works; it only has to be the same for every Earshot process on one database.
const MIGRATION_LOCK = 7_358_201_004;

export interface Migration { version: number; name: string; sql: string; checksum: string }

/** A migration file's fingerprint: SHA-256 of its text with line endings made uniform. */
export function migrationChecksum(text: string): string {
  return createHash('sha256').update(text.replace(/\r\n?/g, '\n')).digest('hex');
}

/**
 * A migration was edited after a database applied it: that database and a fresh one would now
 * have different schemas, silently. Refused at start; add a new migration instead.
 */
export class MigrationChangedError extends Error {
  readonly code = 'EARSHOT_MIGRATION_CHANGED';
  constructor(readonly changed: { version: number; name: string }[]) {
    super(`migration${changed.length > 1 ? 's' : ''} ${changed.map((m) => m.name).join(', ')} changed after this database applied ${changed.length > 1 ? 'them' : 'it'}; `
      + 'restore the file(s) as they were and put the change in a new migration');
    this.name = 'MigrationChangedError';
  }
}

export function listMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((f) => {
      const text = readFileSync(`${dir}/${f}`, 'utf8');
      return { version: Number(f.slice(0, 4)), name: f.replace(/\.sql$/, ''), sql: text, checksum: migrationChecksum(text) };
    });
}

/**
 * Applies pending migrations in order, each in its own transaction, under an advisory lock so
 * that several processes starting at once apply each migration exactly once. Each applied
 * migration's checksum is kept; one whose file has changed since is refused (MigrationChangedError)
 * before anything is applied. Rows applied before checksums were kept get theirs on the first run.
 */
export async function migrate(h: DbHandle, onProgress?: (m: Migration, i: number, total: number) => void, dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const applied: Migration[] = [];
  await h.db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK})`.execute(conn);
    try {
      await sql`create table if not exists schema_migrations (version integer primary key, name text not null, applied_at timestamptz not null default now())`.execute(conn);
      await sql`alter table schema_migrations add column if not exists checksum text`.execute(conn);
      const rows = (await sql<{ version: number; checksum: string | null }>`select version, checksum from schema_migrations`.execute(conn)).rows;
      const done = new Map(rows.map((r) => [r.version, r.checksum]));
      const all = listMigrations(dir);
      const changed = all.filter((m) => { const c = done.get(m.version); return c !== undefined && c !== null && c !== m.checksum; });
      if (changed.length > 0) throw new MigrationChangedError(changed.map((m) => ({ version: m.version, name: m.name })));
      const unrecorded = all.filter((m) => done.has(m.version) && done.get(m.version) === null);
      if (unrecorded.length > 0) {
        await sql`update schema_migrations s set checksum = u.checksum
          from unnest(${unrecorded.map((m) => m.version)}::int[], ${unrecorded.map((m) => m.checksum)}::text[]) as u(version, checksum)
          where s.version = u.version and s.checksum is null`.execute(conn);
      }
      const pending = all.filter((m) => !done.has(m.version));
      for (const [i, m] of pending.entries()) {
        onProgress?.(m, i, pending.length);
        await conn.transaction().execute(async (tx) => {
          await sql.raw(m.sql).execute(tx);
          await sql`insert into schema_migrations (version, name, checksum) values (${m.version}, ${m.name}, ${m.checksum})`.execute(tx);
        });
        applied.push(m);
      }
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK})`.execute(conn);
    }
  });
  return applied;
}
