import { sql } from '@earshot/db';
import { ALWAYS_OPEN, BusinessHours, DEFAULT_SLA_POLICY, SlaPolicy } from '@earshot/domain';
import type { Executor } from '../shared/unit-of-work';

export interface PolicyInForce { policy: SlaPolicy; version: number; teamId: string | null; label: string }
export interface HoursInForce { hours: BusinessHours; teamId: string | null; configured: boolean }

const scope = (teamId: string | null) => (teamId ? sql`team_id = ${teamId}::uuid` : sql`team_id is null`);

/** The team's policy when it has one, else the brand's, else the default policy. */
export async function policyFor(ex: Executor, brandId: string, teamId: string | null): Promise<PolicyInForce> {
  const rows = await ex.selectFrom('sla_policies').select(['team_id', 'version', 'policy']).where('brand_id', '=', brandId)
    .where((eb) => (teamId ? eb.or([eb('team_id', '=', teamId), eb('team_id', 'is', null)]) : eb('team_id', 'is', null))).execute();
  const row = rows.find((r) => r.team_id !== null) ?? rows.find((r) => r.team_id === null);
  if (!row) return { policy: DEFAULT_SLA_POLICY, version: 0, teamId: null, label: `${DEFAULT_SLA_POLICY.id}@default` };
  const policy = SlaPolicy.parse(row.policy);
  return { policy, version: row.version, teamId: row.team_id, label: `${policy.id}@v${row.version}${row.team_id ? `:team:${row.team_id}` : ''}` };
}

/** The team's hours when set, else the brand's; a brand without hours runs its clocks around the clock. */
export async function hoursFor(ex: Executor, brandId: string, teamId: string | null): Promise<HoursInForce> {
  const rows = await ex.selectFrom('business_hours').select(['team_id', 'hours']).where('brand_id', '=', brandId)
    .where((eb) => (teamId ? eb.or([eb('team_id', '=', teamId), eb('team_id', 'is', null)]) : eb('team_id', 'is', null))).execute();
  const row = rows.find((r) => r.team_id !== null) ?? rows.find((r) => r.team_id === null);
  if (!row) return { hours: ALWAYS_OPEN, teamId: null, configured: false };
  return { hours: BusinessHours.parse(row.hours), teamId: row.team_id, configured: true };
}

/** Exactly the row of one scope (no fallback), for the admin API. */
export async function ownPolicy(ex: Executor, brandId: string, teamId: string | null): Promise<{ policy: SlaPolicy; version: number } | null> {
  const r = (await sql<{ policy: unknown; version: number }>`select policy, version from sla_policies where brand_id = ${brandId} and ${scope(teamId)}`.execute(ex)).rows[0];
  return r ? { policy: SlaPolicy.parse(r.policy), version: r.version } : null;
}

export async function ownHours(ex: Executor, brandId: string, teamId: string | null): Promise<BusinessHours | null> {
  const r = (await sql<{ hours: unknown }>`select hours from business_hours where brand_id = ${brandId} and ${scope(teamId)}`.execute(ex)).rows[0];
  return r ? BusinessHours.parse(r.hours) : null;
}

export async function savePolicy(ex: Executor, brandId: string, teamId: string | null, policy: SlaPolicy): Promise<number> {
  const prior = (await sql<{ id: string; version: number }>`select id, version from sla_policies where brand_id = ${brandId} and ${scope(teamId)} for update`.execute(ex)).rows[0];
  if (prior) {
    await ex.updateTable('sla_policies').set({ policy: JSON.stringify(policy), version: prior.version + 1, updated_at: new Date() }).where('id', '=', prior.id).execute();
    return prior.version + 1;
  }
  await ex.insertInto('sla_policies').values({ brand_id: brandId, team_id: teamId, policy: JSON.stringify(policy), version: 1 }).execute();
  return 1;
}

export async function saveHours(ex: Executor, brandId: string, teamId: string | null, hours: BusinessHours): Promise<void> {
  const prior = (await sql<{ id: string }>`select id from business_hours where brand_id = ${brandId} and ${scope(teamId)} for update`.execute(ex)).rows[0];
  if (prior) await ex.updateTable('business_hours').set({ hours: JSON.stringify(hours), updated_at: new Date() }).where('id', '=', prior.id).execute();
  else await ex.insertInto('business_hours').values({ brand_id: brandId, team_id: teamId, hours: JSON.stringify(hours) }).execute();
}

export async function teamExists(ex: Executor, brandId: string, teamId: string): Promise<boolean> {
  return !!(await ex.selectFrom('teams').select('id').where('brand_id', '=', brandId).where('id', '=', teamId).executeTakeFirst());
}
