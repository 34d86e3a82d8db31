import type { JobName } from '@earshot/domain';
import { sql, type DB, type Kysely } from '@earshot/db';
import { addBusinessMinutes, EarshotError, type FollowupPolicyInput, type FollowupPolicyView, type FollowupView } from '@earshot/domain';
import type { EventBus } from '../events/event-bus';
import { enqueueJob } from '../jobs/job.queue';
import { jobPayload, PermanentJobError, RetryAt, type JobDefinition } from '../jobs/job.types';
import type { Actor } from '../shared/actor';
import type { Clock } from '../shared/clock';
import { transact, type UnitOfWork } from '../shared/unit-of-work';
import { JOB_DELIVER } from '../conversations/conversation.service';
import { lockConversation } from '../conversations/conversation.repository';
import { hoursFor } from '../sla/sla.repository';
import { fillTemplate } from '../csat/csat.template';
import { customerForm } from './channel-form';
import { followupViews, policyViews, type PolicyRow } from './followup.repository';

export const JOB_FOLLOWUP_SEND = 'followup.send' satisfies JobName;
const HOUR_MS = 3_600_000;

/**
 * After a resolution, the brand's (or the team's) follow-up policy: wait N hours (business hours or
 * around the clock), then ask the customer whether it is really fixed, in the form their channel
 * allows, signed by the agent who resolved it — or, for phone customers, a call-back task for that
 * agent. One follow-up per resolution (resolution_key); none when the conversation was reopened or
 * resolved again within the wait, was marked no-response-needed, or is spam. The customer's reply
 * reopens the conversation for its assignee with a next-response SLA (the ingest path's reopen).
 */
export class FollowupService {
  constructor(private readonly db: Kysely<DB>, private readonly bus: EventBus, private readonly clock: Clock) {}

  policies(actor: Actor): Promise<FollowupPolicyView[]> {
    return policyViews(this.db, actor.brandId);
  }

  async setPolicy(actor: Actor, input: FollowupPolicyInput): Promise<FollowupPolicyView[]> {
    await transact(this.db, async (uow) => {
      const { tx } = uow;
      if (input.teamId) {
        const team = await tx.selectFrom('teams').select('id').where('brand_id', '=', actor.brandId).where('id', '=', input.teamId).executeTakeFirst();
        if (!team) throw new EarshotError('EARSHOT_TEAM_NOT_FOUND', 'no team with that id in this brand', { field: 'body.teamId' });
      }
      const now = this.clock.now();
      const scope = input.teamId ? sql`team_id = ${input.teamId}` : sql`team_id is null`;
      const prior = (await sql<{ id: string; enabled: boolean; wait_hours: number; business_hours: boolean; template: string; survey: boolean }>`
        select id, enabled, wait_hours, business_hours, template, survey from followup_policies where brand_id = ${actor.brandId} and ${scope} for update`.execute(tx)).rows[0];
      const values = { enabled: input.enabled, wait_hours: input.waitHours, business_hours: input.businessHours, template: input.template, survey: input.survey, updated_by: actor.userId ?? null, updated_at: now };
      if (prior) await tx.updateTable('followup_policies').set(values).where('id', '=', prior.id).where('brand_id', '=', actor.brandId).execute();
      else await tx.insertInto('followup_policies').values({ brand_id: actor.brandId, team_id: input.teamId, ...values }).execute();
      uow.record({
        brandId: actor.brandId, actorType: actor.type, actorId: actor.id, action: 'followup.policy_updated', subjectType: 'followup_policy', subjectId: input.teamId ?? 'brand',
        before: prior ? { enabled: prior.enabled, waitHours: prior.wait_hours, businessHours: prior.business_hours, template: prior.template, survey: prior.survey } : undefined,
        after: { enabled: input.enabled, waitHours: input.waitHours, businessHours: input.businessHours, template: input.template, survey: input.survey }, at: now,
      });
    });
    return this.policies(actor);
  }

  /** In the resolving transaction: schedule this resolution's follow-up, if a policy asks for one. */
  async onResolved(uow: UnitOfWork, brandId: string, conversationId: string, resolvedBy: string | null, resolvedAt: Date, teamId: string | null, policy: PolicyRow | undefined): Promise<void> {
    if (!policy?.enabled) return;
    const due = policy.business_hours
      ? addBusinessMinutes(resolvedAt, policy.wait_hours * 60, (await hoursFor(uow.tx, brandId, teamId)).hours)
      : new Date(resolvedAt.getTime() + policy.wait_hours * HOUR_MS);
    const row = await uow.tx.insertInto('followups').values({
      brand_id: brandId, conversation_id: conversationId, resolution_key: `${conversationId}:${resolvedAt.getTime()}`, policy_id: policy.id, due_at: due, agent_id: resolvedBy,
    }).onConflict((oc) => oc.column('resolution_key').doNothing()).returning('id').executeTakeFirst();
    if (!row) return;
    await enqueueJob(uow.tx, JOB_FOLLOWUP_SEND, { followupId: row.id }, { brandId, key: `followup:${row.id}`, runAt: due, maxAttempts: 50 });
  }

  followups(actor: Actor, conversationId: string): Promise<FollowupView[]> {
    return followupViews(this.db, actor.brandId, conversationId);
  }

  job(): JobDefinition {
    return {
      name: JOB_FOLLOWUP_SEND,
      mode: 'transactional',
      handle: async (job, uow) => {
        const { followupId } = jobPayload(job, JOB_FOLLOWUP_SEND);
        if (!job.brand_id) throw new PermanentJobError('followup.send needs a brand');
        await this.#run(uow, job.brand_id, followupId);
      },
    };
  }

  async #run(uow: UnitOfWork, brandId: string, followupId: string): Promise<void> {
    const { tx } = uow;
    const f = await tx.selectFrom('followups').selectAll().where('brand_id', '=', brandId).where('id', '=', followupId).forUpdate().executeTakeFirst();
    if (!f || f.status !== 'scheduled') return; // done already: never twice
    const now = this.clock.now();
    // The queue runs on the database's clock, the rule on Earshot's (simulated in replays and tests).
    if (now < f.due_at) throw new RetryAt(f.due_at, 'follow-up not due yet');
    const c = await lockConversation(tx, brandId, f.conversation_id);
    const skip = async (reason: string) => {
      await tx.updateTable('followups').set({ status: 'skipped', skip_reason: reason, done_at: now }).where('id', '=', f.id).execute();
      uow.record({ brandId, actorType: 'system', actorId: JOB_FOLLOWUP_SEND, action: 'followup.skipped', subjectType: 'conversation', subjectId: f.conversation_id, after: { followupId: f.id, reason }, at: now });
    };
    if (!c) return;
    const resolvedAt = Number(f.resolution_key.slice(f.resolution_key.lastIndexOf(':') + 1));
    if (c.status !== 'resolved' || c.resolved_at?.getTime() !== resolvedAt) return skip(c.status === 'resolved' ? 'resolved again since: that resolution has its own follow-up' : `the conversation is ${c.status} again`);
    if (!c.needs_response) return skip('marked no response needed');
    if (c.tags.includes('spam')) return skip('spam');
    const channel = await tx.selectFrom('channels').select('kind').where('brand_id', '=', brandId).where('id', '=', c.channel_id).executeTakeFirstOrThrow();
    const form = customerForm(channel.kind, c, now);
    const [brand, contact, agent] = await Promise.all([
      tx.selectFrom('brands').select('name').where('id', '=', brandId).executeTakeFirstOrThrow(),
      tx.selectFrom('contacts').select('name').where('brand_id', '=', brandId).where('id', '=', c.contact_id).executeTakeFirst(),
      f.agent_id ? tx.selectFrom('users').select('name').where('id', '=', f.agent_id).executeTakeFirst() : Promise.resolve(undefined),
    ]);
    const customer = contact?.name?.trim() || 'the customer';
    let messageId: string;
    let action: string;
    if (form.kind === 'closed') {
      await skip(form.reason);
      messageId = await this.#event(uow, c, `Follow-up not sent: ${form.reason}`, now);
      uow.onCommit(() => this.bus.publish({ type: 'conversation.updated', brandId, conversationId: c.id, messageId, at: now.toISOString() }));
      return;
    }
    if (form.kind === 'phone') {
      const task = await tx.insertInto('care_tasks').values({
        brand_id: brandId, conversation_id: c.id, kind: 'call_back', source_key: `followup:${f.id}`, title: `Call ${customer} back: is it really fixed?`,
        assignee_id: f.agent_id ?? c.assignee_id, team_id: c.team_id, due_at: now, created_at: now,
      }).onConflict((oc) => oc.column('source_key').doNothing()).returning('id').executeTakeFirst();
      await tx.updateTable('followups').set({ status: 'task', task_id: task?.id ?? null, done_at: now }).where('id', '=', f.id).execute();
      messageId = await this.#event(uow, c, `Follow-up call due: call ${customer} to check it is really fixed (task for ${agent?.name ?? 'the team'}).`, now);
      action = 'followup.call_back_created';
    } else {
      const signature = agent?.name ?? `The ${brand.name} team`;
      let text = fillTemplate(f.policy_id ? (await tx.selectFrom('followup_policies').select('template').where('id', '=', f.policy_id).executeTakeFirst())?.template ?? '' : '', {
        first_name: contact?.name?.split(/\s+/)[0] || 'there', agent_name: signature, brand_name: brand.name,
      }).trim();
      if (!text) return skip('the policy has no template');
      // Signed by the person who resolved it, even when the template does not say so.
      if (!text.includes(signature)) text = `${text}\n— ${signature}`;
      messageId = (await tx.insertInto('messages').values({
        brand_id: brandId, conversation_id: c.id, channel_id: c.channel_id, direction: 'outbound', visibility: form.visibility, kind: 'message', author_user_id: f.agent_id,
        text, idempotency_key: `followup:${f.id}`, sent_at: now, delivery_status: 'queued',
      }).returning('id').executeTakeFirstOrThrow()).id;
      await enqueueJob(tx, JOB_DELIVER, { messageId }, { brandId, key: `deliver:${messageId}` });
      await tx.updateTable('followups').set({ status: 'sent', message_id: messageId, done_at: now }).where('id', '=', f.id).execute();
      await tx.updateTable('conversations').set({ message_count: sql<number>`message_count + 1`, last_activity_at: now, updated_at: now }).where('brand_id', '=', brandId).where('id', '=', c.id).execute();
      action = 'followup.sent';
    }
    uow.record({ brandId, actorType: 'system', actorId: JOB_FOLLOWUP_SEND, action, subjectType: 'conversation', subjectId: c.id, after: { followupId: f.id, messageId, agentId: f.agent_id, form: form.kind === 'message' ? form.visibility : 'phone' }, at: now });
    uow.onCommit(() => this.bus.publish({ type: 'message.created', brandId, conversationId: c.id, messageId, at: now.toISOString() }));
  }

  async #event(uow: UnitOfWork, c: { id: string; brand_id: string; channel_id: string }, text: string, now: Date): Promise<string> {
    const m = await uow.tx.insertInto('messages').values({ brand_id: c.brand_id, conversation_id: c.id, channel_id: c.channel_id, direction: 'outbound', visibility: 'private', kind: 'event', text, sent_at: now })
      .returning('id').executeTakeFirstOrThrow();
    await uow.tx.updateTable('conversations').set({ message_count: sql<number>`message_count + 1`, updated_at: now }).where('brand_id', '=', c.brand_id).where('id', '=', c.id).execute();
    return m.id;
  }
}
