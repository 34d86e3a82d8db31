import { sql } from '@earshot/db';
import { AgentCapacity, RoutingRules, type AgentCandidate, type ChannelKind, type RoutingRule } from '@earshot/domain';
import type { ConversationRow } from '../conversations/conversation.repository';
import type { Executor } from '../shared/unit-of-work';
import { effectiveChannelKind } from './channel-kind';

export interface StoredRuleSet { version: number; rules: RoutingRule[]; createdAt: Date | null; createdBy: string | null }

/** The rule set in force: the highest version, or null when the brand has none of its own. */
export async function latestRuleSet(ex: Executor, brandId: string): Promise<StoredRuleSet | null> {
  const r = await ex.selectFrom('routing_rule_sets').selectAll().where('brand_id', '=', brandId).orderBy('version', 'desc').limit(1).executeTakeFirst();
  if (!r) return null;
  // Stored rules were validated on the way in; parsing again fills defaults and guards old rows.
  return { version: r.version, rules: RoutingRules.parse(r.rules), createdAt: r.created_at, createdBy: r.created_by };
}

export async function insertRuleSet(ex: Executor, brandId: string, version: number, rules: RoutingRule[], createdBy: string | null): Promise<void> {
  await ex.insertInto('routing_rule_sets').values({ brand_id: brandId, version, rules: JSON.stringify(rules), created_by: createdBy }).execute();
}

/** Locks (creating if needed) the round-robin cursor of one pool; assignments in a pool are serialised by it. */
export async function lockCursor(ex: Executor, brandId: string, scope: string): Promise<string | null> {
  const existing = await ex.selectFrom('routing_cursors').select('last_agent_id').where('brand_id', '=', brandId).where('scope', '=', scope).forUpdate().executeTakeFirst();
  if (existing) return existing.last_agent_id;
  await ex.insertInto('routing_cursors').values({ brand_id: brandId, scope, last_agent_id: null }).onConflict((oc) => oc.columns(['brand_id', 'scope']).doNothing()).execute();
  const r = await ex.selectFrom('routing_cursors').select('last_agent_id').where('brand_id', '=', brandId).where('scope', '=', scope).forUpdate().executeTakeFirstOrThrow();
  return r.last_agent_id;
}

export async function saveCursor(ex: Executor, brandId: string, scope: string, lastAgentId: string | null): Promise<void> {
  await ex.updateTable('routing_cursors').set({ last_agent_id: lastAgentId, updated_at: new Date() }).where('brand_id', '=', brandId).where('scope', '=', scope).execute();
}

/**
 * Agents who may take work in a pool (a team's members, or every working member of the brand),
 * with availability, skills, capacity and current open load per channel kind. Only online agents
 * can take work, so only their load is counted (an offline agent's is left empty). With `lock`,
 * the members' rows are locked in user id order first, so two transactions assigning in the same
 * pool see each other's load and never both fill an agent's last slot.
 */
export async function loadCandidates(ex: Executor, brandId: string, teamId: string | null, opts: { lock?: boolean } = {}): Promise<AgentCandidate[]> {
  let q = ex.selectFrom('memberships as m').select(['m.user_id', 'm.availability', 'm.skills', 'm.capacity'])
    .where('m.brand_id', '=', brandId).where('m.role', '!=', 'viewer');
  if (teamId) q = q.where('m.user_id', 'in', ex.selectFrom('team_members').select('user_id').where('brand_id', '=', brandId).where('team_id', '=', teamId));
  q = q.orderBy('m.user_id');
  const members = await (opts.lock ? q.forUpdate() : q).execute();
  const ids = members.filter((m) => m.availability === 'online').map((m) => m.user_id);
  const load = ids.length === 0 ? [] : (await sql<{ assignee_id: string; kind: string; settings: Record<string, unknown>; n: string }>`
    select c.assignee_id, ch.kind, ch.settings, count(*) as n
    from conversations c join channels ch on ch.id = c.channel_id
    where c.brand_id = ${brandId} and c.assignee_id = any(${ids}::uuid[]) and c.status in ('open', 'pending')
    group by c.assignee_id, ch.kind, ch.settings`.execute(ex)).rows;
  return members.map((m) => {
    const openByChannel: Partial<Record<ChannelKind, number>> = {};
    for (const l of load) {
      if (l.assignee_id !== m.user_id) continue;
      const k = effectiveChannelKind(l.kind, l.settings);
      openByChannel[k] = (openByChannel[k] ?? 0) + Number(l.n);
    }
    const cap = AgentCapacity.safeParse(m.capacity);
    return { id: m.user_id, availability: m.availability, skills: m.skills, capacity: cap.success ? cap.data : { default: 10 }, openByChannel };
  });
}

/** The agent who last handled another conversation of this contact (for sticky assignment). */
export async function previousAgentOf(ex: Executor, brandId: string, contactId: string, exceptConversationId: string): Promise<string | null> {
  const r = await ex.selectFrom('conversations').select('assignee_id').where('brand_id', '=', brandId).where('contact_id', '=', contactId)
    .where('id', '!=', exceptConversationId).where('assignee_id', 'is not', null).orderBy('last_activity_at', 'desc').limit(1).executeTakeFirst();
  return r?.assignee_id ?? null;
}

export async function teamsOf(ex: Executor, brandId: string): Promise<{ id: string; name: string; skills: string[] }[]> {
  return ex.selectFrom('teams').select(['id', 'name', 'skills']).where('brand_id', '=', brandId).orderBy('name').orderBy('id').execute();
}

/** Conversations of this contact opened before this one in the last `days` (repeat contact). */
export async function countPriorConversations(ex: Executor, brandId: string, contactId: string, exceptId: string, since: Date): Promise<number> {
  const r = await ex.selectFrom('conversations').select(sql<string>`count(*)`.as('n')).where('brand_id', '=', brandId).where('contact_id', '=', contactId)
    .where('id', '!=', exceptId).where('created_at', '>=', since).executeTakeFirst();
  return Number(r?.n ?? 0);
}

/** The rules of one stored version (the version a routing record names), or null when the brand has no such version. */
export async function ruleSetAt(ex: Executor, brandId: string, version: number): Promise<RoutingRule[] | null> {
  const r = await ex.selectFrom('routing_rule_sets').select('rules').where('brand_id', '=', brandId).where('version', '=', version).executeTakeFirst();
  return r ? RoutingRules.parse(r.rules) : null;
}

/** The teams an agent belongs to in the brand. */
export async function teamIdsOfAgent(ex: Executor, brandId: string, userId: string): Promise<string[]> {
  return (await ex.selectFrom('team_members').select('team_id').where('brand_id', '=', brandId).where('user_id', '=', userId).orderBy('team_id').execute()).map((r) => r.team_id);
}

/** The pool key of the brand's own pool in conversations_queue_waiting_idx (conversations without a team). */
const BRAND_POOL = '00000000-0000-0000-0000-000000000000';

export interface WaitingConversation { conversation: ConversationRow; channelKind: ChannelKind }

/**
 * The head of each pool's queue (null: the brand's pool, conversations without a team), at most
 * `perPool` each: open, unassigned conversations whose routing asked for an assignment, most
 * urgent then longest waiting first. One statement, each pool read in the order of
 * conversations_queue_waiting_idx (migration 0016; the expressions here match it). The rows are
 * locked; rows another transaction holds (being changed right now) are skipped, not waited for,
 * so this never waits on a conversation lock while holding the pools' locks.
 */
export async function lockWaitingConversations(ex: Executor, brandId: string, pools: readonly (string | null)[], perPool: number, excludeIds: readonly string[] = []): Promise<WaitingConversation[]> {
  const keys = [...new Set(pools.map((p) => p ?? BRAND_POOL))];
  if (keys.length === 0 || perPool <= 0) return [];
  const rows = (await sql<ConversationRow & { channel_kind: string; channel_settings: Record<string, unknown> }>`
    select w.*, ch.kind as channel_kind, ch.settings as channel_settings
    from unnest(${keys}::uuid[]) as p(pool)
    cross join lateral (
      select c.* from conversations c
      where c.brand_id = ${brandId} and coalesce(c.team_id, ${BRAND_POOL}::uuid) = p.pool
        and c.status = 'open' and c.assignee_id is null and (c.routing -> 'assignment') <> 'null'::jsonb
        and c.id <> all(${[...excludeIds]}::uuid[])
      order by (case c.priority when 'urgent' then 3 when 'high' then 2 when 'normal' then 1 else 0 end) desc, coalesce(c.waiting_since, c.created_at), c.id
      limit ${perPool}
      for update of c skip locked
    ) w
    join channels ch on ch.id = w.channel_id`.execute(ex)).rows;
  return rows.map(({ channel_kind: kind, channel_settings: settings, ...conversation }) => ({ conversation, channelKind: effectiveChannelKind(kind, settings) }));
}
