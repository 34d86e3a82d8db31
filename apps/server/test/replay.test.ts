import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../bin/earshot.mjs', import.meta.url));
const SAMPLE = fileURLToPath(new URL('../../../data/twcs/twcs.csv', import.meta.url));

/**
 * The TWCS sample through the whole pipeline (ingest, routing with the default rules, assignment,
 * SLA jobs on the simulated clock), exactly as other tools call it.
 */
it('replays the TWCS sample: every conversation routed, assigned within capacity, deadlines set, breaches raised where due', () => {
  const r = spawnSync(process.execPath, [BIN, 'replay', 'twcs', SAMPLE, '--teams', '3', '--agents', '5', '--json'], { encoding: 'utf8', env: { ...process.env, EARSHOT_LOG_LEVEL: 'silent' }, timeout: 1_500_000 });
  expect(r.status, r.stderr).toBe(0);
  const lines = r.stdout.trim().split('\n');
  expect(lines).toHaveLength(1);
  const s = JSON.parse(lines[0] ?? '{}') as Record<string, number | null>;
  for (const k of ['conversations', 'routed', 'assigned', 'over_capacity', 'sla_deadlines_set', 'sla_breaches', 'first_response_p50_min', 'first_response_p90_min']) expect(s).toHaveProperty(k);
  const n = (k: string) => Number(s[k]);
  expect(n('conversations')).toBeGreaterThan(100);
  expect(n('routed')).toBe(n('conversations'));
  expect(n('over_capacity')).toBe(0);
  expect(n('max_agent_load')).toBeLessThanOrEqual(10);
  // Five agents of capacity 10 and far more conversations than that: every slot is used, none overfilled.
  expect(n('assigned')).toBe(50);
  // Deadlines on every conversation that needs a response (and on those the brand answered anyway).
  expect(n('needs_response_without_deadline')).toBe(0);
  expect(n('sla_deadlines_set')).toBeGreaterThanOrEqual(n('needs_response'));
  expect(n('sla_breach_due')).toBeGreaterThan(0);
  expect(n('sla_breached_conversations')).toBe(n('sla_breach_due'));
  expect(n('sla_breaches')).toBeGreaterThanOrEqual(n('sla_breach_due'));
  expect(n('first_response_p50_min')).toBeGreaterThan(0);
  expect(n('first_response_p90_min')).toBeGreaterThanOrEqual(n('first_response_p50_min'));
}, 1_600_000);
