import { afterAll, beforeAll, expect, it } from 'vitest';
import { advanceSimulatedTime, systemActor, type Actor, type DeskEvent, type Worker } from '@earshot/core';
import { describeEachDb } from '../../../test/support/db';
import { apiDelivery, createTestCore, ManualClock, seedBrand, type ApiMessageInput, type SeededBrand, type TestCore } from '../../../test/support/core';

function req(body: string, signature: string) {
  return { method: 'POST', headers: { 'x-earshot-signature': signature }, query: {}, rawBody: Buffer.from(body) };
}

const T0 = new Date('2026-03-02T09:00:00Z'); // a Monday
const min = (n: number) => new Date(T0.getTime() + n * 60_000);

const POLICY = {
  id: 'test', name: 'Test',
  targets: {
    low: { first_response: 240 }, high: { first_response: 30, next_response: 60, resolution: 300 }, urgent: { first_response: 15, next_response: 30, resolution: 120 },
    normal: { first_response: 60, next_response: 120, resolution: 600 },
  },
  warningAt: 0.75,
  escalations: [
    { metric: 'any', on: 'warning', actions: [{ type: 'notify_supervisor' }] },
    { metric: 'first_response', on: 'breach', actions: [{ type: 'notify_supervisor' }, { type: 'raise_priority' }, { type: 'send_update', templateId: 'still-on-it' }] },
  ],
};
const SLA_COLUMNS = ['sla_policy', 'sla_state', 'sla_first_response_due_at', 'sla_next_response_due_at', 'sla_resolution_due_at', 'sla_next_evaluation_at', 'sla_first_response_breached', 'sla_next_response_breached', 'sla_resolution_breached'] as const;

describeEachDb('SLA clocks, the sla.evaluate job, pause and recompute', (kind) => {
  let t: TestCore;
  let b: SeededBrand;
  let worker: Worker;
  let agent: Actor;
  const clock = new ManualClock(T0);
  const events: DeskEvent[] = [];

  beforeAll(async () => {
    t = await createTestCore(kind, { clock });
    b = await seedBrand(t.core, 'sla');
    worker = t.core.worker();
    const admin: Actor = { ...systemActor(b.brandId), type: 'user', id: b.adminId, userId: b.adminId, role: 'admin' };
    agent = { ...systemActor(b.brandId), type: 'user', id: b.agentId, userId: b.agentId, role: 'agent' };
    await t.core.sla.putPolicy(admin, null, POLICY);
    await t.core.sla.putHours(admin, null, { timeZone: 'Europe/Berlin', alwaysOpen: true });
    // No auto-assignment noise: one rule that only tags.
    await t.core.routing.putRules(admin, [{ id: 'tag', name: 'Tag all', when: { type: 'always' }, then: [{ type: 'add_tags', tags: ['seen'] }] }]);
    t.core.bus.subscribe((e) => events.push(e));
  });
  afterAll(async () => { await t?.drop(); });

  async function deliver(e: ApiMessageInput) {
    const d = apiDelivery(b.apiSecret, [{ sentAt: clock.now().toISOString(), ...e }]);
    await t.core.ingest.receive(b.apiChannelId, req(d.body, d.signature), JSON.parse(d.body));
    await worker.drain();
    const m = await t.core.db.selectFrom('messages').select('conversation_id').where('provider_message_id', '=', e.id).executeTakeFirstOrThrow();
    return m.conversation_id;
  }
  const row = (id: string) => t.core.db.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const auditOf = async (id: string, action: string) => t.core.db.selectFrom('audit_events').select(['created_at', 'after']).where('subject_id', '=', id).where('action', '=', action).orderBy('seq').execute();

  let late = '';
  it('sets the due times on ingest and schedules the job at the warning time', async () => {
    late = await deliver({ id: 'late-1', author: 'wendy', text: 'Where is my order?' });
    const c = await row(late);
    expect(c.sla_policy).toBe('test@v1');
    expect(c.sla_state).toBe('ok');
    expect(c.sla_first_response_due_at?.toISOString()).toBe(min(60).toISOString());
    expect(c.sla_resolution_due_at?.toISOString()).toBe(min(600).toISOString());
    expect(c.sla_next_evaluation_at?.toISOString()).toBe(min(45).toISOString());
    const job = await t.core.db.selectFrom('jobs').select(['payload', 'state']).where('key', '=', `sla:${late}`).executeTakeFirstOrThrow();
    expect(job).toMatchObject({ state: 'queued', payload: { conversationId: late, dueAt: min(45).toISOString() } });
  });

  it('raises the warning and then the breach at their simulated times, with escalations exactly once', async () => {
    await advanceSimulatedTime(t.core.db, worker, clock, min(44));
    expect(await auditOf(late, 'sla.warning')).toHaveLength(0);
    await advanceSimulatedTime(t.core.db, worker, clock, min(50));
    const warned = await auditOf(late, 'sla.warning');
    expect(warned.map((w) => w.created_at.toISOString())).toEqual([min(45).toISOString()]);
    expect((await row(late)).sla_state).toBe('warning');
    expect(events.filter((e) => e.type === 'sla.warning' && e.conversationId === late)).toHaveLength(1);

    await advanceSimulatedTime(t.core.db, worker, clock, min(90));
    const breached = await auditOf(late, 'sla.breached');
    expect(breached.map((x) => [x.created_at.toISOString(), (x.after as { metric: string }).metric])).toEqual([[min(60).toISOString(), 'first_response']]);
    const c = await row(late);
    expect(c.priority).toBe('high'); // raised once by the breach escalation
    expect(c.sla_first_response_breached).toBe(true);
    expect(c.sla_state).toBe('breached');
    const escalated = (await auditOf(late, 'sla.escalated')).map((x) => (x.after as { action: string; level: string }));
    expect(escalated.map((x) => `${x.level}:${x.action}`).sort()).toEqual(['breach:notify_supervisor', 'breach:raise_priority', 'breach:send_update', 'warning:notify_supervisor']);
    const updates = await t.core.db.selectFrom('messages').select(['text', 'delivery_status']).where('conversation_id', '=', late).where('direction', '=', 'outbound').execute();
    expect(updates).toHaveLength(1);
    expect(updates[0]?.text).toMatch(/still on it/);
    // The automatic update is not an agent's reply: first response stays breached and unanswered.
    expect(c.first_reply_at).toBeNull();
    expect(events.filter((e) => e.type === 'sla.breached' && e.conversationId === late)).toHaveLength(1);
  });

  let paused = '';
  it('pauses while pending and resumes where it stopped', async () => {
    clock.set(min(100));
    paused = await deliver({ id: 'p-1', author: 'pat', text: 'Can you check my invoice?' });
    clock.set(min(110));
    await t.core.conversations.reply(agent, paused, { text: 'Sure, which one?', visibility: 'public' });
    clock.set(min(120));
    await deliver({ id: 'p-2', author: 'pat', text: 'The one from May', replyTo: 'p-1' });
    expect((await row(paused)).sla_next_response_due_at?.toISOString()).toBe(min(240).toISOString());
    clock.set(min(130));
    await t.core.conversations.setStatus(agent, paused, 'pending');
    const p = await row(paused);
    expect(p.sla_state).toBe('paused');
    expect(p.sla_next_response_due_at).toBeNull();
    await advanceSimulatedTime(t.core.db, worker, clock, min(600));
    expect(await auditOf(paused, 'sla.breached')).toHaveLength(0);
    await t.core.conversations.setStatus(agent, paused, 'open');
    // 10 of 120 minutes were used before the pause.
    expect((await row(paused)).sla_next_response_due_at?.toISOString()).toBe(min(600 + 110).toISOString());
  });

  it('recomputes every clock from the log to exactly the live result, and follows a policy change', async () => {
    await advanceSimulatedTime(t.core.db, worker, clock, min(700));
    const ids = [late, paused];
    const live = await Promise.all(ids.map(row));
    const r = await t.core.sla.recompute(b.brandId);
    expect(r).toEqual({ conversations: 2, changed: 0 });
    const again = await Promise.all(ids.map(row));
    for (const [i, c] of again.entries()) for (const k of SLA_COLUMNS) expect([k, c[k]]).toEqual([k, live[i]?.[k]]);

    const admin: Actor = { ...systemActor(b.brandId), type: 'user', id: b.adminId, userId: b.adminId, role: 'admin' };
    await t.core.sla.putPolicy(admin, null, { ...POLICY, targets: { ...POLICY.targets, normal: { first_response: 60, next_response: 240, resolution: 600 } } });
    const changed = await t.core.sla.recompute(b.brandId);
    expect(changed.changed).toBe(2); // both now name policy v2
    // 10 of the new 240 minutes were used before the pause: due 230 minutes after reopening.
    expect((await row(paused))).toMatchObject({ sla_policy: 'test@v2', sla_next_response_due_at: min(600 + 230) });
    // The breached high-priority conversation keeps its breach: history is not rewritten by a new target.
    expect((await row(late))).toMatchObject({ sla_policy: 'test@v2', sla_first_response_breached: true });
  });

  it('stops the clock outside business hours: Friday 16:30 in Berlin with one hour to answer is due Monday 09:30', async () => {
    const admin: Actor = { ...systemActor(b.brandId), type: 'user', id: b.adminId, userId: b.adminId, role: 'admin' };
    const w = [{ start: '09:00', end: '17:00' }];
    await t.core.sla.putHours(admin, null, { timeZone: 'Europe/Berlin', weekly: { mon: w, tue: w, wed: w, thu: w, fri: w } });
    clock.set('2026-03-06T15:30:00Z'); // Friday 16:30 CET
    const id = await deliver({ id: 'fri-1', author: 'fritz', text: 'Anyone there?' });
    const c = await row(id);
    expect(c.sla_first_response_due_at?.toISOString()).toBe('2026-03-09T08:30:00.000Z');
    expect(c.sla_next_evaluation_at?.toISOString()).toBe('2026-03-09T08:15:00.000Z'); // 75 % of the hour
  });
});
