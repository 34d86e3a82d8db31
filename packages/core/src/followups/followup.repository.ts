import { sql, type FollowupPoliciesTable, type Selectable } from '@earshot/db';
import type { FollowupPolicyView, FollowupView } from '@earshot/domain';
import type { Executor } from '../shared/unit-of-work';

export type PolicyRow = Selectable<FollowupPoliciesTable>;

/** The team's policy when it has one, else the brand's. */
export async function policyFor(ex: Executor, brandId: string, teamId: string | null): Promise<PolicyRow | undefined> {
  const rows = await ex.selectFrom('followup_policies').selectAll().where('brand_id', '=', brandId)
    .where((eb) => (teamId ? eb.or([eb('team_id', '=', teamId), eb('team_id', 'is', null)]) : eb('team_id', 'is', null))).execute();
  return rows.find((r) => r.team_id !== null) ?? rows.find((r) => r.team_id === null);
}

export async function policyViews(ex: Executor, brandId: string): Promise<FollowupPolicyView[]> {
  const rows = await ex.selectFrom('followup_policies as p').leftJoin('teams as t', (j) => j.onRef('t.id', '=', 'p.team_id').on('t.brand_id', '=', brandId))
    .select(['p.id', 'p.team_id', 't.name as team_name', 'p.enabled', 'p.wait_hours', 'p.business_hours', 'p.template', 'p.survey', 'p.updated_at'])
    .where('p.brand_id', '=', brandId).orderBy(sql`p.team_id is not null`).orderBy('t.name').execute();
  return rows.map((r) => ({ id: r.id, teamId: r.team_id, teamName: r.team_name ?? null, enabled: r.enabled, waitHours: r.wait_hours, businessHours: r.business_hours, template: r.template, survey: r.survey, updatedAt: r.updated_at.toISOString() }));
}

export async function followupViews(ex: Executor, brandId: string, conversationId: string): Promise<FollowupView[]> {
  const rows = await ex.selectFrom('followups').selectAll().where('brand_id', '=', brandId).where('conversation_id', '=', conversationId).orderBy('created_at', 'desc').limit(50).execute();
  return rows.map((r) => ({
    id: r.id, conversationId: r.conversation_id, status: r.status, dueAt: r.due_at.toISOString(), agentId: r.agent_id, messageId: r.message_id, taskId: r.task_id,
    skipReason: r.skip_reason, doneAt: r.done_at?.toISOString() ?? null,
  }));
}
