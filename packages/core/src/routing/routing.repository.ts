import { sql } from '@earshot/db';
import { AgentCapacity, RoutingRules, type AgentCandidate, type ChannelKind, type RoutingRule } from '@earshot/domain';
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
