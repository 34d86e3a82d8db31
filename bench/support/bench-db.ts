import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrate, openDatabase, type DbHandle } from '@earshot/db';

export type BenchDbKind = 'pglite' | 'postgres';

/** A fresh database for one benchmark run: an embedded data dir, or a database on the local server that is dropped afterwards. */
export interface BenchDb {
  kind: BenchDbKind;
  /** EARSHOT_DATA_DIR for child processes (embedded database in <home>/db). */
  home: string;
  url: string | null;
  open(opts?: { poolSize?: number }): Promise<DbHandle>;
  drop(): Promise<void>;
}

export const DEFAULT_SERVER_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

function withDatabase(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

export async function adminQuery(url: string, q: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try { await c.query(q); } finally { await c.end(); }
}

export async function createBenchDb(kind: BenchDbKind, serverUrl = process.env.EARSHOT_BENCH_DATABASE_URL ?? DEFAULT_SERVER_URL): Promise<BenchDb> {
  const home = mkdtempSync(join(tmpdir(), 'earshot-bench-'));
  if (kind === 'pglite') {
    const dataDir = join(home, 'db');
    const h = await openDatabase({ dataDir });
    await migrate(h);
    await h.close();
    return {
      kind, home, url: null,
      open: () => openDatabase({ dataDir }),
      async drop() { rmSync(home, { recursive: true, force: true }); },
    };
  }
  const name = `earshot_bench_${randomBytes(5).toString('hex')}`;
  await adminQuery(serverUrl, `create database ${name}`);
  const url = withDatabase(serverUrl, name);
  const h = await openDatabase({ url });
  await migrate(h);
  await h.close();
  return {
    kind, home, url,
    open: (o = {}) => openDatabase({ url, ...(o.poolSize ? { poolSize: o.poolSize } : {}) }),
    async drop() {
      rmSync(home, { recursive: true, force: true });
      await adminQuery(serverUrl, `drop database if exists ${name} with (force)`);
    },
  };
}
