import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const EARSHOT_BIN = fileURLToPath(new URL('../../apps/server/bin/earshot.mjs', import.meta.url));

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const addr = s.address();
      s.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

export interface EarshotProcess { role: string; child: ChildProcess; stderr: () => string; exited: Promise<void> }

/** Runs the real CLI (`earshot start|serve|work`) as a child process on a database. */
export function spawnEarshot(cmd: 'start' | 'serve' | 'work', env: { port?: number; home: string; url: string | null; secretKey: string; extra?: NodeJS.ProcessEnv }): EarshotProcess {
  const e: NodeJS.ProcessEnv = { ...process.env, EARSHOT_SECRET_KEY: env.secretKey, EARSHOT_LOG_LEVEL: 'silent', EARSHOT_DEMO: '0', EARSHOT_DATA_DIR: env.home, ...env.extra };
  delete e.DATABASE_URL;
  if (env.url) e.DATABASE_URL = env.url;
  if (env.port) e.PORT = String(env.port);
  // BENCH_CPU_PROF_DIR=dir: each Earshot process writes a V8 CPU profile there when it stops.
  const prof = process.env.BENCH_CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF_DIR}`] : [];
  const args = [...prof, EARSHOT_BIN, cmd, ...(cmd === 'start' ? ['--no-demo'] : [])];
  const child = spawn(process.execPath, args, { env: e, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => { err = (err + d.toString()).slice(-20_000); });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return { role: cmd, child, stderr: () => err, exited };
}

export async function waitHealthy(port: number, p: EarshotProcess, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (p.child.exitCode !== null) throw new Error(`earshot ${p.role} exited early:\n${p.stderr()}`);
    try {
      const r = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (r.ok) return;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`earshot ${p.role} did not come up:\n${p.stderr()}`);
}

/** Waits until a worker process says it runs (it has no HTTP port). */
export async function waitWorker(p: EarshotProcess, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (p.child.exitCode !== null) throw new Error(`earshot ${p.role} exited early:\n${p.stderr()}`);
    if (/worker .* running/i.test(p.stderr())) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`earshot worker did not start:\n${p.stderr()}`);
}

export async function stopEarshot(p: EarshotProcess): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill('SIGTERM');
  const t = setTimeout(() => p.child.kill('SIGKILL'), 15_000);
  await p.exited;
  clearTimeout(t);
}
