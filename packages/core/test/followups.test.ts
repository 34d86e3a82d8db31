import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from '@earshot/db';
import { weekdayHours } from '@earshot/domain';
import { systemActor, type Actor, type Worker } from '@earshot/core';
import { describeEachDb } from '../../../test/support/db';
import { apiDelivery, createTestCore, ManualClock, seedBrand, type ApiMessageInput, type SeededBrand, type TestCore } from '../../../test/support/core';

// Friday 5 March 2027, 16:00 in Berlin (CET, UTC+1): one business hour left in the week.
const FRIDAY_4PM = '2027-03-05T15:00:00Z';

function req(body: string, signature: string) {
  return { method: 'POST', headers: { 'x-earshot-signature': signature }, query: {}, rawBody: Buffer.from(body) };
}

describeEachDb('follow-up after resolution', (kind) => {
  let t: TestCore;
  let a: SeededBrand;
  let worker: Worker;
  let agent: Actor;
  let admin: Actor;
  const clock = new ManualClock(FRIDAY_4PM);

  beforeAll(async () => {
    t = await createTestCore(kind, { clock });
    a = await seedBrand(t.core, 'fua');
    agent = { ...systemActor(a.brandId), type: 'user', id: a.agentId, userId: a.agentId, role: 'agent' };
    admin = { ...systemActor(a.brandId), type: 'user', id: a.adminId, userId: a.adminId, role: 'admin' };
    worker = t.core.worker();
    await t.core.sla.putHours(admin, null, weekdayHours('Europe/Berlin'));
    await t.core.followups.setPolicy(admin, { teamId: null, enabled: true, waitHours: 2, businessHours: true, template: 'Hi {{first_name}}, is your {{brand_name}} connection working again?', survey: false });
  });
  afterAll(async () => { await t?.drop(); });

  /**
   * Simulated time: the clock moves, and queued jobs whose time (on that clock) has come become due
   * for the queue, which runs on the database's own clock.
   */
  async function advanceTo(at: string): Promise<void> {
    clock.set(at);
    await sql`update jobs set run_at = now() where state = 'queued' and run_at <= ${clock.now()}`.execute(t.core.db);
    await worker.drain();
  }

  let seq = 0;
  async function say(input: Omit<ApiMessageInput, 'id'>): Promise<{ conversationId: string; providerId: string }> {
    seq += 1;
    const id = `fua-${seq}`;
    const d = apiDelivery(a.apiSecret, [{ id, visibility: 'private', sentAt: clock.now().toISOString(), ...input }]);
    await t.core.ingest.receive(a.apiChannelId, req(d.body, d.signature), JSON.parse(d.body));
    await worker.drain();
    const m = await t.core.db.selectFrom('messages').select('conversation_id').where('provider_message_id', '=', id).executeTakeFirstOrThrow();
    return { conversationId: m.conversation_id, providerId: id };
  }
  const followupsOf = (id: string) => t.core.db.selectFrom('followups').selectAll().where('conversation_id', '=', id).orderBy('created_at').execute();
  const outbound = (id: string) => t.core.db.selectFrom('messages').selectAll().where('conversation_id', '=', id).where('direction', '=', 'outbound').where('kind', '=', 'message').execute();

  it('schedules one follow-up in business hours, sends it once when due, signed by the resolving agent; a reply reopens for that agent with a next-response SLA', async () => {
    clock.set(FRIDAY_4PM);
    await t.core.db.updateTable('contacts').set({ name: 'Ann Example' }).where('brand_id', '=', a.brandId).execute();
    const first = await say({ author: 'ann', text: 'Internet is down since this morning' });
    await t.core.db.updateTable('contacts').set({ name: 'Ann Example' }).where('brand_id', '=', a.brandId).execute();
    const c = first.conversationId;
    await t.core.conversations.assign(admin, c, a.agentId);
    await t.core.conversations.reply(agent, c, { text: 'Fixed on our side, please restart the router.', visibility: 'private' });
    await t.core.conversations.setStatus(agent, c, 'resolved');
    await worker.drain();
    const [f, ...more] = await followupsOf(c);
    expect(more).toHaveLength(0);
    // 1 business hour on Friday, then Monday 09:00–10:00 Berlin = 09:00Z.
    expect(f).toMatchObject({ status: 'scheduled', agent_id: a.agentId });
    expect(f!.due_at.toISOString()).toBe('2027-03-08T09:00:00.000Z');

    await advanceTo('2027-03-08T08:59:00Z');
    expect((await followupsOf(c))[0]!.status).toBe('scheduled');
    expect(await outbound(c)).toHaveLength(1);

    await advanceTo('2027-03-08T09:00:00Z');
    await advanceTo('2027-03-08T12:00:00Z'); // running the queue again sends nothing more
    const sent = await outbound(c);
    expect(sent).toHaveLength(2);
    const msg = sent.find((m) => m.idempotency_key === `followup:${f!.id}`);
    expect(msg).toMatchObject({ visibility: 'private', author_user_id: a.agentId, delivery_status: 'sent' });
    expect(msg!.text).toBe('Hi Ann, is your Brand fua connection working again?\n— Agent fua');
    expect((await followupsOf(c))[0]).toMatchObject({ status: 'sent', message_id: msg!.id });
    const conv = await t.core.db.selectFrom('conversations').selectAll().where('id', '=', c).executeTakeFirstOrThrow();
    expect(conv.status).toBe('resolved');

    // The customer answers the follow-up: the conversation reopens for the last agent, next response due.
    const reply = await say({ author: 'ann', text: 'No, it dropped again an hour ago', replyTo: first.providerId });
    expect(reply.conversationId).toBe(c);
    const reopened = await t.core.db.selectFrom('conversations').selectAll().where('id', '=', c).executeTakeFirstOrThrow();
    expect(reopened).toMatchObject({ status: 'open', assignee_id: a.agentId });
    expect(reopened.sla_next_response_due_at).not.toBeNull();
    expect(reopened.sla_next_response_due_at!.getTime()).toBeGreaterThan(clock.now().getTime());
    const audit = await t.core.db.selectFrom('audit_events').select('action').where('subject_id', '=', c).orderBy('seq').execute();
    expect(audit.map((x) => x.action)).toEqual(expect.arrayContaining(['followup.sent', 'conversation.reopened']));
  });

  it('sends none when resolved again within the wait (that resolution gets its own), for no-response-needed, or spam', async () => {
    clock.set('2027-03-09T10:00:00Z'); // Tuesday
    const again = (await say({ author: 'bea', text: 'Bill is wrong' })).conversationId;
    await t.core.conversations.setStatus(agent, again, 'resolved');
    clock.set('2027-03-09T10:30:00Z');
    await t.core.conversations.setStatus(agent, again, 'open');
    await t.core.conversations.setStatus(agent, again, 'resolved');
    const quiet = (await say({ author: 'cem', text: 'ok thanks' })).conversationId;
    await t.core.db.updateTable('conversations').set({ needs_response: false }).where('id', '=', quiet).execute();
    await t.core.conversations.setStatus(agent, quiet, 'resolved');
    const spam = (await say({ author: 'dan', text: 'cheap followers here' })).conversationId;
    await t.core.conversations.setTags(agent, spam, ['spam']);
    await t.core.conversations.setStatus(agent, spam, 'resolved');
    await advanceTo('2027-03-10T10:00:00Z');
    const fs = await followupsOf(again);
    expect(fs.map((x) => [x.status, x.skip_reason])).toEqual([['skipped', 'resolved again since: that resolution has its own follow-up'], ['sent', null]]);
    expect((await outbound(again)).filter((m) => m.idempotency_key?.startsWith('followup:'))).toHaveLength(1);
    expect((await followupsOf(quiet)).map((x) => x.skip_reason)).toEqual(['marked no response needed']);
    expect((await followupsOf(spam)).map((x) => x.skip_reason)).toEqual(['spam']);
    expect(await outbound(quiet)).toHaveLength(0);
    expect(await outbound(spam)).toHaveLength(0);
  });

  it('follows a team\'s own policy over the brand\'s', async () => {
    clock.set('2027-03-10T10:00:00Z');
    const team = await t.core.admin.createTeam(admin, { name: 'Billing', skills: [], memberIds: [a.agentId] });
    await t.core.followups.setPolicy(admin, { teamId: team.id, enabled: false, waitHours: 1, businessHours: false, template: 'x', survey: false });
    const c = (await say({ author: 'eli', text: 'Refund please' })).conversationId;
    await t.core.db.updateTable('conversations').set({ team_id: team.id }).where('id', '=', c).execute();
    await t.core.conversations.setStatus(agent, c, 'resolved');
    await advanceTo('2027-03-12T10:00:00Z');
    expect(await followupsOf(c)).toHaveLength(0);
    expect((await t.core.followups.policies(admin)).map((p) => [p.teamName, p.enabled])).toEqual([[null, true], ['Billing', false]]);
  });

  it('creates a call-back task for a phone customer, in the agent\'s queue, with its outcome recorded', async () => {
    clock.set('2027-03-15T10:00:00Z'); // Monday
    const { channel } = await t.core.channels.create(admin, { kind: 'phone', name: 'Hotline' });
    await t.core.phone.requestCallback(channel.id, { name: 'Femi Ade', phone: '+44 20 7946 0000', reason: 'Line crackles' });
    await worker.drain();
    const conv = await t.core.db.selectFrom('conversations').select('id').where('channel_id', '=', channel.id).executeTakeFirstOrThrow();
    await t.core.conversations.setStatus(agent, conv.id, 'resolved');
    await advanceTo('2027-03-15T13:00:00Z');
    const [f] = await followupsOf(conv.id);
    expect(f).toMatchObject({ status: 'task' });
    const mine = await t.core.csat.tasks(agent, { assignee: 'me' });
    const task = mine.find((x) => x.id === f!.task_id);
    expect(task).toMatchObject({ kind: 'call_back', assigneeId: a.agentId, conversationId: conv.id, title: 'Call Femi Ade back: is it really fixed?' });
    expect(await outbound(conv.id)).toHaveLength(0);
    const done = await t.core.csat.completeTask(agent, task!.id, 'Called: line is clear now');
    expect(done).toMatchObject({ status: 'done', outcome: 'Called: line is clear now' });
    expect((await t.core.csat.tasks(agent, { assignee: 'me' })).some((x) => x.id === task!.id)).toBe(false);
  });
});
