import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openDatabase, sql } from '@earshot/db';
import { createTestDb, describeEachDb, type TestDb } from '../../../test/support/db';
import { TEST_SECRET_KEY } from '../../../test/support/core';

const BIN = fileURLToPath(new URL('../bin/earshot.mjs', import.meta.url));
const AIRLINE_DEV = fileURLToPath(new URL('../../../data/airline-sentiment/dev.csv', import.meta.url));

/** `npx earshot import …` as a user runs it, against a test database (the embedded one is opened by the child alone). */
describeEachDb('earshot import (command line)', (kind) => {
  let db: TestDb;
  let dir: string;

  beforeAll(async () => {
    db = await createTestDb(kind);
    await db.handle.close(); // the embedded database allows one process at a time
    dir = mkdtempSync(join(tmpdir(), 'earshot-import-cli-'));
    // The header and the first 25 tweets (no quoted newline among them: 26 lines).
    writeFileSync(join(dir, 'airline.csv'), `${readFileSync(AIRLINE_DEV, 'utf8').split('\n').slice(0, 26).join('\n')}\n`);
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await db?.drop();
  });

  const run = (...args: string[]) => new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const env: NodeJS.ProcessEnv = { ...process.env, EARSHOT_SECRET_KEY: TEST_SECRET_KEY, EARSHOT_LOG_LEVEL: 'silent', EARSHOT_DATA_DIR: db.home ?? dir };
    delete env.DATABASE_URL;
    if (db.url) env.DATABASE_URL = db.url;
    const p = spawn(process.execPath, [BIN, 'import', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    p.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    p.on('exit', (status) => resolve({ status, stdout, stderr }));
  });
  const summary = (stdout: string) => JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;

  it('imports the airline CSV with progress, processes it, and stores nothing on a second run', async () => {
    const first = await run('airline', join(dir, 'airline.csv'), '--brand', 'airline-cli');
    expect(first.stderr).toContain('Storing events: 25/25 (100%)');
    expect(first.stderr).toContain('Processing:');
    expect([first.status, summary(first.stdout)]).toEqual([0, expect.objectContaining({ rows: 25, accepted: 25, duplicates: 0, skipped: 0, failed: 0 })]);
    const second = await run('airline', join(dir, 'airline.csv'), '--brand', 'airline-cli');
    expect([second.status, summary(second.stdout)]).toEqual([0, expect.objectContaining({ rows: 25, accepted: 0, duplicates: 25 })]);

    const h = await openDatabase(db.url ? { url: db.url } : { dataDir: join(db.home ?? '', 'db') });
    try {
      const n = await sql<{ n: string }>`select count(*) as n from messages m join brands b on b.id = m.brand_id where b.slug = 'airline-cli' and m.direction = 'inbound'`.execute(h.db);
      expect(Number(n.rows[0]?.n)).toBe(25);
    } finally {
      await h.close();
    }
  }, 180_000);

  it('reports bad rows with their line and a count, and refuses a mapping naming a missing column', async () => {
    writeFileSync(join(dir, 'export.csv'), 'ref,who,msg,when\nA-1,ann,My parcel is late,2024-05-01 10:00:00\nA-2,bob,Broken date,someday\nA-3,cat,,2024-05-01 11:00:00\n');
    writeFileSync(join(dir, 'map.json'), JSON.stringify({ name: 'Shop export', fields: { id: 'ref', authorHandle: 'who', text: 'msg', createdAt: 'when' }, defaults: { channelKind: 'email' } }));
    const ok = await run('csv', join(dir, 'export.csv'), '--map', join(dir, 'map.json'), '--brand', 'airline-cli');
    expect(ok.stderr).toContain('Skipped 2 row(s) that could not be imported:');
    expect(ok.stderr).toMatch(/line 3: createdAt \("when"\) is not a readable time/);
    expect(ok.stderr).toMatch(/line 4: text \("msg"\) is empty/);
    expect([ok.status, summary(ok.stdout)]).toEqual([0, expect.objectContaining({ rows: 3, accepted: 1, skipped: 2 })]);

    writeFileSync(join(dir, 'bad-map.json'), JSON.stringify({ name: 'Shop export', fields: { id: 'ref', text: 'message', createdAt: 'when' } }));
    const bad = await run('csv', join(dir, 'export.csv'), '--map', join(dir, 'bad-map.json'), '--brand', 'airline-cli');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('fields.text: column "message" is not in the file');
  }, 180_000);
});
