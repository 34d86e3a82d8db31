import { mkdirSync } from 'node:fs';
import pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import type { DB } from './schema';
import { startAutoAnalyze } from './auto-analyze';

// bigint (int8) stays a string by default; counts come back as strings too: callers convert.
// timestamptz → Date is pg's default.

export type DbKind = 'pglite' | 'postgres';

export interface DbHandle {
  readonly kind: DbKind;
  readonly db: Kysely<DB>;
  /** A dedicated connection for LISTEN (server only; the embedded database uses an in-process bus). */
  listen?(channel: string, onMessage: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** postgres://… — a PostgreSQL server. Without it, the embedded database in dataDir. */
  url?: string | undefined;
  /** Folder of the embedded database; "memory://" keeps it in memory. */
  dataDir?: string | undefined;
  poolSize?: number;
  /** Embedded database only: analyze changed tables in the background (default on; see auto-analyze.ts). */
  autoAnalyze?: boolean;
  /** Server only: connect once at open and fail with a clear error when unreachable (default true; a read replica opens without). */
  failFast?: boolean;
}

export async function openDatabase(opts: OpenOptions): Promise<DbHandle> {
  return opts.url ? openServer(opts.url, opts.poolSize ?? 10, opts.failFast ?? true) : openEmbedded(opts.dataDir ?? 'memory://', opts.autoAnalyze ?? true);
}

async function openServer(url: string, poolSize: number, failFast: boolean): Promise<DbHandle> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, idleTimeoutMillis: 30_000, connectionTimeoutMillis: 10_000 });
  // A dropped connection must not crash the process; the pool replaces it on next use.
  pool.on('error', () => undefined);
  // The pool listens for errors only on idle clients. A connection that dies while checked out but
  // between statements (a transaction doing JS work) would emit an unhandled 'error' and kill the
  // process; with this listener the next statement fails instead, and the pool drops the client
  // when it is released (it is no longer queryable).
  pool.on('connect', (client) => { client.on('error', () => undefined); });
  if (failFast) {
    const client = await pool.connect(); // fail fast with a clear error when the server is unreachable
    client.release();
  }
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return {
    kind: 'postgres',
    db,
    async listen(channel, onMessage) {
      // The LISTEN connection is re-opened when the server drops it (restart, failover,
      // pg_terminate_backend), so an API process keeps hearing workers without a restart.
      let closed = false;
      let current: pg.Client | null = null;
      let timer: NodeJS.Timeout | null = null;
      const schedule = (): void => {
        if (closed || timer) return;
        timer = setTimeout(() => { timer = null; void open().catch(schedule); }, 1000);
        timer.unref();
      };
      const open = async (): Promise<void> => {
        const c = new pg.Client({ connectionString: url });
        let dead = false;
        const onDead = () => {
          if (dead) return;
          dead = true;
          if (current === c) current = null;
          void c.end().catch(() => undefined);
          schedule();
        };
        c.on('error', onDead);
        c.on('end', onDead);
        c.on('notification', (n) => { if (n.channel === channel && n.payload !== undefined) onMessage(n.payload); });
        await c.connect();
        await c.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
        current = c;
      };
      await open().catch((err: unknown) => { closed = true; throw err; });
      return async () => {
        closed = true;
        if (timer) clearTimeout(timer);
        await current?.end().catch(() => undefined);
      };
    },
    async close() { await db.destroy(); },
  };
}

async function openEmbedded(dataDir: string, autoAnalyze: boolean): Promise<DbHandle> {
  if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
  const pglite = await PGlite.create(dataDir);
  // node-postgres over PGlite: one connection, so queries queue; the same SQL runs on both databases.
  const pool = new pg.Pool(createPgConfig(pglite) as unknown as pg.PoolConfig);
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  // No autovacuum in single-user mode: keep the planner's statistics fresh ourselves.
  const analyze = autoAnalyze ? startAutoAnalyze(db) : null;
  return {
    kind: 'pglite',
    db,
    async close() {
      await analyze?.stop();
      await db.destroy();
      await pglite.close();
    },
  };
}
