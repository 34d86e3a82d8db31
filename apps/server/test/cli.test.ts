import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../bin/earshot.mjs', import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, EARSHOT_LOG_LEVEL: 'silent' }, timeout: 60_000 });

it('loads every module of the CLI and shows help for every command', () => {
  const top = run('--help');
  expect(top.stderr).toBe('');
  expect(top.status).toBe(0);
  const commands = [...top.stdout.matchAll(/^ {2}([a-z][\w-]*)(?: \[options\])?/gm)].map((m) => m[1]).filter((c): c is string => !!c && c !== 'help');
  expect(commands).toEqual(expect.arrayContaining(['start', 'serve', 'work', 'migrate', 'user', 'import', 'audit', 'triage']));
  // Each run loads the whole CLI; a few representative sub-commands keep this test short.
  for (const c of [['start'], ['import', 'twcs'], ['audit', 'verify']]) {
    const r = run(...c, '--help');
    expect([c, r.status]).toEqual([c, 0]);
    expect(r.stdout).toContain(`Usage: earshot ${c.join(' ')}`);
  }
}, 300_000);

it('stops with a clear message when the configuration is invalid', () => {
  const r = spawnSync(process.execPath, [BIN, 'migrate'], { encoding: 'utf8', env: { ...process.env, PORT: 'eighty', EARSHOT_SECRET_KEY: 'short' }, timeout: 60_000 });
  expect(r.status).toBe(2);
  expect(r.stderr).toContain('PORT');
  expect(r.stderr).toContain('EARSHOT_SECRET_KEY must be at least 32 characters');
}, 120_000);
