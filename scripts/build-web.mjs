#!/usr/bin/env node
// Builds the agent desk (apps/web → apps/web/dist) when it is missing or older than its sources;
// a fast no-op otherwise, so `npm start` stays quick after the first run.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../apps/web/', import.meta.url));
const dist = join(root, 'dist');
const stamp = join(dist, 'index.html');
// The desk also bundles pure rules from packages/domain (the personal-data guard): a change there rebuilds it.
const SOURCES = ['src', 'public', 'index.html', 'vite.config.ts', 'package.json', '../../packages/domain/src'];

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

export function deskIsStale() {
  if (!existsSync(stamp)) return true;
  const built = statSync(stamp).mtimeMs;
  return SOURCES.some((s) => newestMtime(join(root, s)) > built);
}

export async function buildDesk({ force = false, quiet = false } = {}) {
  const say = quiet ? () => undefined : (m) => process.stdout.write(`${m}\n`);
  if (!force && !deskIsStale()) { say('Desk is up to date (apps/web/dist).'); return false; }
  say('Building the agent desk (apps/web → apps/web/dist)…');
  const started = Date.now();
  const { build } = await import('vite');
  await build({ configFile: join(root, 'vite.config.ts'), root, logLevel: quiet ? 'error' : 'warn', mode: 'production' });
  say(`Desk built in ${((Date.now() - started) / 1000).toFixed(1)} s → ${relative(process.cwd(), dist) || dist}`);
  return true;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  buildDesk({ force: process.argv.includes('--force') }).catch((err) => {
    console.error(`Desk build failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
