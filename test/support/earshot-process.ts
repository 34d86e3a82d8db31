import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { TEST_SECRET_KEY } from './core';
import type { TestDb } from './db';

const BIN = fileURLToPath(new URL('../../apps/server/bin/earshot.mjs', import.meta.url));

/** A TCP port on 127.0.0.1 that was free a moment ago (for a child process to listen on). */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const addr = s.address();
      s.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

export interface EarshotChild { child: ChildProcess; exited: Promise<void> }

/**
 * Runs the real CLI (`earshot start`, API and workers in one process) on a test database and
 * waits until /healthz answers; `exited` settles when the process is gone (after a kill -9 too).
 */
export async function startEarshot(db: TestDb, port: number, extraEnv: NodeJS.ProcessEnv = {}): Promise<EarshotChild> {
  const env: NodeJS.ProcessEnv = {
    ...process.env, PORT: String(port), EARSHOT_SECRET_KEY: TEST_SECRET_KEY, EARSHOT_LOG_LEVEL: 'silent', EARSHOT_DEMO: '0',
    EARSHOT_DATA_DIR: db.home ?? `/tmp/earshot-child-${process.pid}`, ...extraEnv,
  };
  delete env.DATABASE_URL;
  if (db.url) env.DATABASE_URL = db.url;
  const child = spawn(process.execPath, [BIN, 'start', '--no-demo'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  let err = '';
  child.stderr?.on('data', (d: Buffer) => { err += d.toString(); });
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`earshot exited early: ${err}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return { child, exited };
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`earshot did not come up: ${err}`);
}
