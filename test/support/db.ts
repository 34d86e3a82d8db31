import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { describe } from 'vitest';
import { openDatabase, type DbHandle, type DbKind } from '@earshot/db';

export interface TestDb { kind: DbKind; handle: DbHandle; url: string | null; dataDir: string | null; home?: string; drop(): Promise<void> }

/** The databases storage tests run on: embedded always, the PostgreSQL server when TEST_DATABASE_URL is set. */
export function testDbKinds(): DbKind[] {
  return process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
}

/** describe() once per database kind. */
export function describeEachDb(name: string, fn: (kind: DbKind) => void): void {
  for (const kind of testDbKinds()) describe(`${name} [${kind}]`, () => fn(kind));
}

function withDatabase(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

/** A fresh, migrated database of its own for one test file (or one test). */
export async function createTestDb(kind: DbKind, opts: { poolSize?: number } = {}): Promise<TestDb> {
  if (kind === 'pglite') {
    const template = process.env.EARSHOT_TEST_PGLITE_TEMPLATE;
    const root = process.env.EARSHOT_TEST_ROOT;
    if (!template || !root) throw new Error('test/global-setup.ts did not run');
    // <home>/db, so that EARSHOT_DATA_DIR=<home> points a child earshot process at the same database.
    const home = mkdtempSync(join(root, 'home-'));
    const dataDir = join(home, 'db');
    cpSync(template, dataDir, { recursive: true });
    const handle = await openDatabase({ dataDir });
    return { kind, handle, url: null, dataDir, home, async drop() { await handle.close().catch(() => undefined); rmSync(home, { recursive: true, force: true }); } };
  }
  const base = process.env.TEST_DATABASE_URL;
  const template = process.env.EARSHOT_TEST_PG_TEMPLATE;
  if (!base || !template) throw new Error('TEST_DATABASE_URL is not set');
  const name = `earshot_t_${randomBytes(6).toString('hex')}`;
  await adminQuery(base, `create database ${name} template ${template}`);
  const url = withDatabase(base, name);
  const handle = await openDatabase({ url, poolSize: opts.poolSize ?? 5 });
  return {
    kind, handle, url, dataDir: null,
    async drop() {
      await handle.close().catch(() => undefined);
      await adminQuery(base, `drop database if exists ${name} with (force)`);
    },
  };
}

async function adminQuery(url: string, q: string): Promise<void> {
  // CREATE DATABASE … TEMPLATE fails while another session is connected to the template; retry briefly.
  for (let i = 0; ; i++) {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      await c.query(q);
      return;
    } catch (err) {
      if (i >= 20 || !/being accessed by other users/.test(String(err))) throw err;
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      await c.end();
    }
  }
}
