import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Core } from '@earshot/core';
import { openDatabase } from '@earshot/db';
import { createTestDb, describeEachDb, type TestDb } from '../../../test/support/db';
import { TEST_SECRET_KEY } from '../../../test/support/core';

const BIN = fileURLToPath(new URL('../bin/earshot.mjs', import.meta.url));
const PASSWORD = 'correct horse battery staple';

/** `npx earshot brand create|list` as an operator runs them, against a test database. */
describeEachDb('earshot brand (command line)', (kind) => {
  let db: TestDb;

  beforeAll(async () => {
    db = await createTestDb(kind);
    await db.handle.close(); // the embedded database allows one process at a time
  });
  afterAll(async () => { await db?.drop(); });

  const run = (args: string[], extraEnv: Record<string, string> = {}) => new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const env: NodeJS.ProcessEnv = { ...process.env, EARSHOT_SECRET_KEY: TEST_SECRET_KEY, EARSHOT_LOG_LEVEL: 'silent' };
    delete env.DATABASE_URL;
    delete env.EARSHOT_USER_PASSWORD;
    Object.assign(env, extraEnv);
    if (db.url) env.DATABASE_URL = db.url;
    else env.EARSHOT_DATA_DIR = db.home;
    const p = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    p.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    p.on('exit', (status) => resolve({ status, stdout, stderr }));
  });

  it('creates brands with their first admin, lists them, and refuses bad input with a clear message', async () => {
    const first = await run(['brand', 'create', '--slug', 'acme', '--name', 'Acme Care', '--timezone', 'Europe/Berlin', '--admin-email', 'lead@acme.test', '--admin-name', 'Lead'], { EARSHOT_USER_PASSWORD: PASSWORD });
    expect([first.status, first.stderr]).toEqual([0, '']);
    expect(JSON.parse(first.stdout)).toMatchObject({ slug: 'acme', name: 'Acme Care', timezone: 'Europe/Berlin', admin: { email: 'lead@acme.test', created: true } });
    // The same person becomes admin of a second brand (an agency): no password needed, theirs is kept.
    const second = await run(['brand', 'create', '--slug', 'bolt', '--name', 'Bolt Bikes', '--admin-email', 'lead@acme.test'], { EARSHOT_USER_PASSWORD: 'a different password 42' });
    expect([second.status, second.stderr]).toEqual([0, '']);
    expect(JSON.parse(second.stdout)).toMatchObject({ slug: 'bolt', timezone: 'UTC', admin: { email: 'lead@acme.test', created: false } });

    const taken = await run(['brand', 'create', '--slug', 'acme', '--name', 'Again', '--admin-email', 'x@acme.test', '--admin-password', PASSWORD]);
    expect(taken.status).toBe(1);
    expect(taken.stderr).toContain('a brand with the slug "acme" exists');
    const bad = await run(['brand', 'create', '--slug', 'Not A Slug', '--name', 'X', '--timezone', 'Mars/Base', '--admin-email', 'x@x.test', '--admin-password', PASSWORD]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/slug: .*lowercase/);
    expect(bad.stderr).toContain('timezone: not a known IANA time zone');

    const list = await run(['brand', 'list']);
    expect(list.status).toBe(0);
    const rows = list.stdout.trim().split('\n').map((l) => JSON.parse(l) as { slug: string; admins: string[]; members: number });
    expect(rows.map((r) => [r.slug, r.admins, r.members])).toEqual([['acme', ['lead@acme.test'], 1], ['bolt', ['lead@acme.test'], 1]]);

    // The admin signs in with the first password, to either brand.
    const handle = await openDatabase(db.url ? { url: db.url } : { dataDir: `${db.home}/db` });
    const core = await Core.create({ handle, secretKey: TEST_SECRET_KEY });
    try {
      expect((await core.auth.login('lead@acme.test', PASSWORD, 'bolt')).principal.role).toBe('admin');
      await expect(core.auth.login('lead@acme.test', 'a different password 42')).rejects.toMatchObject({ code: 'EARSHOT_BAD_CREDENTIALS' });
    } finally {
      await core.close();
    }
  }, 180_000);
});
