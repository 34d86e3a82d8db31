import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { migrate, openDatabase } from '@earshot/db';

/**
 * Prepares migrated template databases once per run: a PGlite data folder that each test copies,
 * and (when TEST_DATABASE_URL is set) a PostgreSQL template database that each test clones.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const root = mkdtempSync(join(tmpdir(), 'earshot-test-'));
  const templateDir = join(root, 'template');
  const h = await openDatabase({ dataDir: templateDir });
  await migrate(h);
  await h.close();
  process.env.EARSHOT_TEST_PGLITE_TEMPLATE = templateDir;
  process.env.EARSHOT_TEST_ROOT = root;

  let pgTemplate: string | null = null;
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    pgTemplate = `earshot_tpl_${process.pid}_${Date.now()}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`create database ${pgTemplate}`);
    await admin.end();
    const t = await openDatabase({ url: withDatabase(url, pgTemplate), poolSize: 1 });
    await migrate(t);
    await t.close();
    process.env.EARSHOT_TEST_PG_TEMPLATE = pgTemplate;
  }
  // Keep a pristine copy check cheap: copying must work before any test relies on it.
  cpSync(templateDir, join(root, 'probe'), { recursive: true });
  rmSync(join(root, 'probe'), { recursive: true, force: true });

  return async () => {
    rmSync(root, { recursive: true, force: true });
    if (url && pgTemplate) {
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      await admin.query(`drop database if exists ${pgTemplate} with (force)`);
      await admin.end();
    }
  };
}

export function withDatabase(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}
