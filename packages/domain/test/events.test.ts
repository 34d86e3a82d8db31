import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { DESK_EVENT_TYPES, isDeskEventType } from '../src/events';

// The desk-event contract between the server and the desk. The server's DeskEvent.type is the
// DESK_EVENT_TYPES union (publishing another name does not compile); these checks cover what the
// compiler cannot: names the server publishes through literals, names on the list that nothing
// sends any more, and the desk listening to the shared list rather than a copy of its own.

const root = fileURLToPath(new URL('../../../', import.meta.url));
const sources = (dir: string): string[] => readdirSync(dir).flatMap((f) => {
  const p = join(dir, f);
  if (statSync(p).isDirectory()) return f === 'testing' || f === 'node_modules' ? [] : sources(p);
  return p.endsWith('.ts') ? [p] : [];
});
const server = [...sources(join(root, 'packages/core/src')), ...sources(join(root, 'apps/server/src'))].map((p) => readFileSync(p, 'utf8')).join('\n');

it('lists every event name the server publishes as a literal', () => {
  const published = [...server.matchAll(/publish\(\{\s*type:\s*'([^']+)'/g)].map((m) => m[1] ?? '');
  expect(published.length).toBeGreaterThan(15);
  expect(published.filter((t) => !isDeskEventType(t))).toEqual([]);
});

it('has no name the server never uses', () => {
  expect(DESK_EVENT_TYPES.filter((t) => !server.includes(`'${t}'`))).toEqual([]);
});

it('is the list the desk listens to', () => {
  const live = readFileSync(join(root, 'apps/web/src/app/live.ts'), 'utf8');
  expect(live).toMatch(/for \(const t of DESK_EVENT_TYPES\) es\.addEventListener\(t, onEvent\)/);
  expect(live).not.toMatch(/addEventListener\('[a-z_]+\.[a-z_.]+'/);
  expect(live).not.toMatch(/'conversation\.sla_changed'|'conversation\.sla_breached'/);
});
