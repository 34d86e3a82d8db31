import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { z } from 'zod';
import { migrate, openDatabase, sql } from '@earshot/db';
import { percentile } from '@earshot/domain';
import { Core, ManualClock, advanceSimulatedTime, parseTwcsCsv, sortChronologically, systemActor, type MessageClassifier } from '@earshot/core';
import { loadClassifier } from '../triage-classifier';

/** The summary other tools read: keep these keys and their meaning stable. */
export interface ReplayResult {
  conversations: number;
  routed: number;
  assigned: number;
  over_capacity: number;
  sla_deadlines_set: number;
  sla_breaches: number;
  first_response_p50_min: number | null;
  first_response_p90_min: number | null;
  rows: number;
  teams: number;
  agents: number;
  capacity: number;
  needs_response: number;
  /** Conversations that need a response but have no first-response deadline: 0 when SLA covers all. */
  needs_response_without_deadline: number;
  sla_warnings: number;
  /** Breach events per metric (first_response, next_response, resolution). */
  sla_breaches_by_metric: Record<string, number>;
  /** Conversations whose clock (recomputed from the log at the end) says a target was missed … */
  sla_breach_due: number;
  /** … and those for which the sla.evaluate job raised a breach: equal when every breach was raised. */
  sla_breached_conversations: number;
  escalated: number;
  max_agent_load: number;
}

export interface ReplayOptions { file: string; teams: number; agents: number; capacity: number; classifier?: MessageClassifier | null }

const TEAM_SKILLS = ['billing', 'technical', 'general', 'product', 'r&d', 'social', 'retention', 'logistics'];
const Count = z.coerce.number().int().min(1).max(1000);

/**
 * Replays a TWCS file through the whole pipeline (ingest → resolve → triage → routing → SLA jobs)
 * on a fresh embedded database, on a simulated clock that walks the file's timestamps and stops at
 * every SLA evaluation due in between. The brand's real replies in the file are imported as its
 * outbound messages, so first-response times are the brand's own.
 */
export async function replayTwcs(o: ReplayOptions): Promise<ReplayResult> {
  const rows = sortChronologically(parseTwcsCsv(readFileSync(o.file, 'utf8')));
  const first = rows[0];
  if (!first) throw new Error(`${o.file} has no TWCS rows`);
  const dir = mkdtempSync(join(tmpdir(), 'earshot-replay-'));
  const handle = await openDatabase({ dataDir: dir });
  const clock = new ManualClock(first.message.sentAt);
  let core: Core | null = null;
  try {
    await migrate(handle);
    core = await Core.create({ handle, secretKey: randomBytes(32).toString('base64'), clock, classifier: o.classifier === undefined ? await loadClassifier() : o.classifier });
    const { brand } = await core.admin.ensureBrand({ slug: 'replay', name: 'Replay', timezone: 'UTC' });
    const actor = systemActor(brand.id, 'replay');
    const teams = [];
    for (let i = 0; i < o.teams; i++) {
      teams.push(await core.admin.createTeam(actor, { name: `Team ${i + 1}`, skills: [TEAM_SKILLS[i % TEAM_SKILLS.length] ?? 'general'], memberIds: [] }));
    }
    const members = new Map<string, string[]>();
    for (let i = 0; i < o.agents; i++) {
      const u = await core.admin.upsertUser(actor, { email: `agent${i + 1}@replay.test`, name: `Agent ${i + 1}`, role: 'agent' });
      await core.admin.updateMembership(actor, u.id, { availability: 'online', capacity: { default: o.capacity } });
      const team = teams[i % Math.max(1, teams.length)];
      if (team) members.set(team.id, [...(members.get(team.id) ?? []), u.id]);
    }
    for (const t of teams) await core.admin.updateTeam(actor, t.id, { memberIds: members.get(t.id) ?? [] });
    const channelId = await core.imports.importChannel(actor, 'X archive (TWCS replay)', 'x');

    const worker = core.worker();
    // Tweets of the same second go in together; the clock stops at every SLA evaluation in between.
    for (let i = 0; i < rows.length;) {
      const at = rows[i]?.message.sentAt ?? '';
      const batch = [];
      while (i < rows.length && rows[i]?.message.sentAt === at) batch.push(rows[i++]);
      await advanceSimulatedTime(core.db, worker, clock, new Date(at));
      await core.ingest.store(brand.id, channelId, batch.flatMap((r) => (r ? [{ providerEventId: `twcs:${r.message.providerMessageId}`, payload: { id: `twcs:${r.message.providerMessageId}`, message: r.message } }] : [])));
      await worker.drain();
    }
    // Brand replies seen on the provider are not routed; settle every clock from the log once.
    await core.sla.recompute(brand.id);
    await advanceSimulatedTime(core.db, worker, clock, clock.now());
    return { ...(await summarise(core, brand.id)), rows: rows.length, teams: o.teams, agents: o.agents, capacity: o.capacity };
  } finally {
    if (core) await core.close();
    else await handle.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function summarise(core: Core, brandId: string): Promise<Omit<ReplayResult, 'rows' | 'teams' | 'agents' | 'capacity'>> {
  const n = async (q: ReturnType<typeof sql<{ n: string }>>) => Number((await q.execute(core.db)).rows[0]?.n ?? 0);
  const conversations = await n(sql`select count(*) as n from conversations where brand_id = ${brandId}`);
  const routed = await n(sql`select count(*) as n from conversations where brand_id = ${brandId} and routing is not null`);
  const assigned = await n(sql`select count(*) as n from conversations where brand_id = ${brandId} and assignee_id is not null`);
  const needsResponse = await n(sql`select count(*) as n from conversations where brand_id = ${brandId} and needs_response`);
  const deadlines = await n(sql`select count(*) as n from conversations where brand_id = ${brandId} and sla_clock -> 'metrics' -> 'first_response' ->> 'dueAt' is not null`);
  const uncovered = await n(sql`select count(*) as n from conversations where brand_id = ${brandId} and needs_response and (sla_clock -> 'metrics' -> 'first_response' ->> 'dueAt') is null`);
  const breaches = await n(sql`select count(*) as n from audit_events where brand_id = ${brandId} and action = 'sla.breached'`);
  const breachDue = await n(sql`select count(*) as n from conversations where brand_id = ${brandId} and (sla_first_response_breached or sla_next_response_breached or sla_resolution_breached)`);
  const breachedConvs = await n(sql`select count(distinct subject_id) as n from audit_events where brand_id = ${brandId} and action = 'sla.breached'`);
  const byMetric = Object.fromEntries((await sql<{ metric: string; n: string }>`
    select after ->> 'metric' as metric, count(*) as n from audit_events where brand_id = ${brandId} and action = 'sla.breached' group by 1 order by 1`.execute(core.db)).rows.map((r) => [r.metric, Number(r.n)]));
  const warnings = await n(sql`select count(*) as n from audit_events where brand_id = ${brandId} and action = 'sla.warning'`);
  const escalated = await n(sql`select count(*) as n from conversations where brand_id = ${brandId} and 'escalated' = any(tags)`);
  const loads = (await sql<{ load: string; cap: number }>`
    select count(c.id) as load, coalesce((m.capacity ->> 'default')::int, 10) as cap
    from memberships m left join conversations c on c.brand_id = m.brand_id and c.assignee_id = m.user_id and c.status in ('open', 'pending')
    where m.brand_id = ${brandId} group by m.user_id, m.capacity`.execute(core.db)).rows.map((r) => ({ load: Number(r.load), cap: Number(r.cap) }));
  const firsts = (await sql<{ minutes: number }>`
    select extract(epoch from (min(m.sent_at) - c.created_at)) / 60.0 as minutes
    from conversations c join messages m on m.conversation_id = c.id and m.direction = 'outbound' and m.kind = 'message'
      and (m.idempotency_key is null or m.idempotency_key not like 'auto:%')
    where c.brand_id = ${brandId} group by c.id, c.created_at`.execute(core.db)).rows.map((r) => Number(r.minutes));
  const round = (x: number | null) => (x === null ? null : Math.round(x * 10) / 10);
  return {
    conversations, routed, assigned, over_capacity: loads.reduce((a, l) => a + Math.max(0, l.load - l.cap), 0), sla_deadlines_set: deadlines, sla_breaches: breaches,
    first_response_p50_min: round(percentile(firsts, 50)), first_response_p90_min: round(percentile(firsts, 90)),
    needs_response: needsResponse, needs_response_without_deadline: uncovered, sla_warnings: warnings, sla_breaches_by_metric: byMetric, sla_breach_due: breachDue, sla_breached_conversations: breachedConvs, escalated, max_agent_load: Math.max(0, ...loads.map((l) => l.load)),
  };
}

export function registerReplayCommands(program: Command): void {
  const replay = program.command('replay').description('replay archives through the full pipeline on a simulated clock');
  replay.command('twcs <file>').description('replay a TWCS CSV on a fresh embedded database with the default rules; print routing and SLA results')
    .option('--teams <n>', 'teams to create', '3')
    .option('--agents <n>', 'online agents to create (spread over the teams)', '5')
    .option('--capacity <n>', 'open conversations each agent may hold', '10')
    .option('--json', 'print one JSON object')
    .action(async (file: string, o: { teams: string; agents: string; capacity: string; json?: boolean }) => {
      const r = await replayTwcs({ file, teams: Count.parse(o.teams), agents: Count.parse(o.agents), capacity: Count.parse(o.capacity) });
      if (o.json) process.stdout.write(`${JSON.stringify(r)}\n`);
      else for (const [k, v] of Object.entries(r)) process.stdout.write(`${k.padEnd(28)} ${typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)}\n`);
    });
}
