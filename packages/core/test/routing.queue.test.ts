import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from '@earshot/db';
import { systemActor, type Actor, type DeskEvent, type Worker } from '@earshot/core';
import { describeEachDb } from '../../../test/support/db';
import { apiDelivery, createTestCore, seedBrand, type SeededBrand, type TestCore } from '../../../test/support/core';

// A conversation left in the queue because everyone was at capacity is assigned as soon as
// capacity frees (packages/core/src/routing/assign-waiting.ts), most urgent and oldest first.

function req(body: string, signature: string) {
  return { method: 'POST', headers: { 'x-earshot-signature': signature }, query: {}, rawBody: Buffer.from(body) };
}

describeEachDb('routing: the queue flows when capacity frees', (kind) => {
  let t: TestCore;
  let worker: Worker;
  let n = 0;

  beforeAll(async () => {
    t = await createTestCore(kind);
    worker = t.core.worker();
  });
  afterAll(async () => { await t?.drop(); });

  interface Desk { b: SeededBrand; admin: Actor; agents: string[]; billing: string; send(text: string): Promise<string>; agentOf(id: string): Promise<string | null> }

  /** A brand of its own with these agents online (capacity each), a Billing team of the first `billingMembers`, and rules that assign. */
  async function desk(slug: string, capacities: number[], opts: { billingMembers?: number; offline?: number[] } = {}): Promise<Desk> {
    const b = await seedBrand(t.core, slug);
    const admin: Actor = { ...systemActor(b.brandId), type: 'user', id: b.adminId, userId: b.adminId, role: 'admin' };
    const agents: string[] = [];
    for (const [i, cap] of capacities.entries()) {
      const u = await t.core.admin.upsertUser(admin, { email: `q${i}@${slug}.test`, name: `Q${i}`, role: 'agent' });
      await t.core.admin.updateMembership(admin, u.id, { availability: opts.offline?.includes(i) ? 'offline' : 'online', capacity: { default: cap } });
      agents.push(u.id);
    }
    const billing = (await t.core.admin.createTeam(admin, { name: 'Billing', skills: ['billing'], memberIds: agents.slice(0, opts.billingMembers ?? 0) })).id;
    await t.core.routing.putRules(admin, [
      { id: 'outage', name: 'Outage', when: { type: 'keywords', any: ['outage'] }, then: [{ type: 'set_priority', priority: 'urgent' }] },
      // Announcements are tagged and never assigned: their rules stop before the assign rule.
      { id: 'fyi', name: 'FYI', when: { type: 'keywords', any: ['fyi'] }, then: [{ type: 'add_tags', tags: ['fyi'] }, { type: 'stop' }] },
      { id: 'spanish', name: 'Spanish', when: { type: 'keywords', any: ['hola'] }, then: [{ type: 'assign', mode: 'auto', skill: 'es' }, { type: 'stop' }] },
      { id: 'billing', name: 'Billing', when: { type: 'keywords', any: ['refund'] }, then: [{ type: 'set_team', teamId: billing }] },
      { id: 'auto', name: 'Auto', when: { type: 'always' }, then: [{ type: 'assign', mode: 'auto' }] },
    ]);
    const base = Date.parse('2026-11-25T09:00:00Z');
    const send = async (text: string) => {
      n += 1;
      // Each customer writes one minute after the previous one: waiting order is the order sent.
      const d = apiDelivery(b.apiSecret, [{ id: `${slug}-${n}`, author: `${slug}-cust-${n}`, text, sentAt: new Date(base + n * 60_000).toISOString() }]);
      await t.core.ingest.receive(b.apiChannelId, req(d.body, d.signature), JSON.parse(d.body));
      await worker.drain();
      return (await t.core.db.selectFrom('messages').select('conversation_id').where('provider_message_id', '=', `${slug}-${n}`).executeTakeFirstOrThrow()).conversation_id;
    };
    const agentOf = async (id: string) => (await t.core.db.selectFrom('conversations').select('assignee_id').where('id', '=', id).executeTakeFirstOrThrow()).assignee_id;
    return { b, admin, agents, billing, send, agentOf };
  }

  /** Open and pending conversations per agent, as capacity counts them. */
  async function load(brandId: string): Promise<Map<string, number>> {
    const rows = (await sql<{ assignee_id: string; n: string }>`select assignee_id, count(*) as n from conversations where brand_id = ${brandId} and assignee_id is not null and status in ('open', 'pending') group by assignee_id`.execute(t.core.db)).rows;
    return new Map(rows.map((r) => [r.assignee_id, Number(r.n)]));
  }

  it('assigns the oldest waiting conversation, and only it, when the one agent resolves one', async () => {
    const d = await desk('qone', [1]);
    const agent = d.agents[0] ?? '';
    const first = await d.send('my order is late');
    const second = await d.send('my parcel is lost');
    const third = await d.send('my bag is broken');
    expect([await d.agentOf(first), await d.agentOf(second), await d.agentOf(third)]).toEqual([agent, null, null]);
    const queued = await t.core.db.selectFrom('conversations').select('routing').where('id', '=', second).executeTakeFirstOrThrow();
    expect(queued.routing).toMatchObject({ assignment: { agentId: null, reason: 'all_at_capacity' } });

    const events: DeskEvent[] = [];
    const off = t.core.bus.subscribe((e) => { if (e.type === 'conversation.assigned') events.push(e); });
    await t.core.conversations.setStatus(d.admin, first, 'resolved');
    off();
    expect([await d.agentOf(second), await d.agentOf(third)]).toEqual([agent, null]);
    expect(events).toEqual([expect.objectContaining({ conversationId: second, userId: agent, data: { assigneeId: agent, reason: 'capacity_freed' } })]);
    const audit = await t.core.db.selectFrom('audit_events').select(['actor_id', 'before', 'after']).where('subject_id', '=', second).where('action', '=', 'conversation.assigned').execute();
    expect(audit).toEqual([expect.objectContaining({ actor_id: 'routing', before: { assigneeId: null }, after: expect.objectContaining({ assigneeId: agent, reason: 'capacity_freed' }) })]);
    const view = await t.core.conversations.get(d.admin, second);
    expect(view.conversation.routingExplanation).toContain('when capacity freed');

    // Snoozing frees the slot too; a pending conversation still holds it.
    await t.core.conversations.setStatus(d.admin, second, 'pending');
    expect(await d.agentOf(third)).toBeNull();
    await t.core.conversations.setStatus(d.admin, second, 'snoozed', '2026-11-26T09:00:00Z');
    expect(await d.agentOf(third)).toBe(agent);
  });

  it('lets an urgent conversation jump the queue', async () => {
    const d = await desk('qurgent', [1]);
    const first = await d.send('hello there');
    const older = await d.send('a normal question');
    const urgent = await d.send('total outage here');
    await t.core.conversations.setStatus(d.admin, first, 'resolved');
    expect([await d.agentOf(urgent), await d.agentOf(older)]).toEqual([d.agents[0], null]);
  });

  it('gives the next waiting conversation to a second agent coming online, and more to an agent given more capacity', async () => {
    const d = await desk('qonline', [1, 1], { offline: [1] });
    const [a0, a1] = [d.agents[0] ?? '', d.agents[1] ?? ''];
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(await d.send(`question number ${i}`));
    expect(await Promise.all(ids.map(d.agentOf))).toEqual([a0, null, null, null, null]);
    await t.core.admin.updateMembership(d.admin, a1, { availability: 'online' });
    expect(await Promise.all(ids.map(d.agentOf))).toEqual([a0, a1, null, null, null]);
    await t.core.admin.updateMembership(d.admin, a0, { capacity: { default: 3 } });
    expect(await Promise.all(ids.map(d.agentOf))).toEqual([a0, a1, a0, a0, null]);
    expect(await load(d.b.brandId)).toEqual(new Map([[a0, 3], [a1, 1]]));
  });

  it('never picks a conversation whose rules did not ask for an assignment', async () => {
    const d = await desk('qfyi', [1]);
    const agent = d.agents[0] ?? '';
    const first = await d.send('need help');
    const fyi = await d.send('fyi we love you');
    const later = await d.send('need more help');
    await t.core.conversations.setStatus(d.admin, first, 'resolved');
    expect([await d.agentOf(fyi), await d.agentOf(later)]).toEqual([null, agent]);
    await t.core.admin.updateMembership(d.admin, agent, { capacity: { default: 10 } });
    expect(await d.agentOf(fyi)).toBeNull();
  });

  it('assigns a team\'s waiting conversation only from that team\'s pool', async () => {
    // Agent 0 is in Billing, agent 1 is not.
    const d = await desk('qteam', [1, 1], { billingMembers: 1 });
    const [inTeam, outside] = [d.agents[0] ?? '', d.agents[1] ?? ''];
    const refund1 = await d.send('where is my refund');
    const refund2 = await d.send('refund please, it has been weeks');
    const plain1 = await d.send('what time do you open');
    const plain2 = await d.send('do you ship abroad');
    expect(await Promise.all([refund1, refund2, plain1, plain2].map(d.agentOf))).toEqual([inTeam, null, outside, null]);
    // The outside agent frees a slot: the older refund waits for Billing, the plain one is taken.
    await t.core.conversations.setStatus(d.admin, plain1, 'resolved');
    expect([await d.agentOf(refund2), await d.agentOf(plain2)]).toEqual([null, outside]);
    // More room outside the team changes nothing for it either.
    await t.core.admin.updateMembership(d.admin, outside, { capacity: { default: 3 } });
    expect(await d.agentOf(refund2)).toBeNull();
    // Billing frees a slot: the refund goes to Billing's agent, though the outside agent has more room.
    await t.core.conversations.setStatus(d.admin, refund1, 'resolved');
    expect(await d.agentOf(refund2)).toBe(inTeam);
  });

  it('keeps the skill its rules asked for: a waiting conversation needing a skill goes only to an agent with it', async () => {
    const d = await desk('qskill', [1, 1]);
    const [plainAgent, speaker] = [d.agents[0] ?? '', d.agents[1] ?? ''];
    await t.core.admin.updateMembership(d.admin, speaker, { skills: ['es'] });
    const hola1 = await d.send('hola, necesito ayuda');
    const hola2 = await d.send('hola otra vez');
    const plain1 = await d.send('help with my order');
    const plain2 = await d.send('help with my booking');
    expect(await Promise.all([hola1, hola2, plain1, plain2].map(d.agentOf))).toEqual([speaker, null, plainAgent, null]);
    await t.core.conversations.setStatus(d.admin, plain1, 'resolved');
    expect([await d.agentOf(hola2), await d.agentOf(plain2)]).toEqual([null, plainAgent]);
    await t.core.conversations.setStatus(d.admin, hola1, 'resolved');
    expect(await d.agentOf(hola2)).toBe(speaker);
  });

  it('hands an unassigned conversation to another agent with room and the freed slot to the queue; transfer frees the slot too', async () => {
    const d = await desk('qunassign', [1, 1], { billingMembers: 1 });
    const [a0, a1] = [d.agents[0] ?? '', d.agents[1] ?? ''];
    const c1 = await d.send('first question');
    const c2 = await d.send('second question');
    const waiting = await d.send('third question');
    const [x, y] = [await d.agentOf(c1), await d.agentOf(c2)];
    expect([x, y].sort()).toEqual([a0, a1].sort());
    // Unassigned: its agent's slot goes to the waiting one, and it waits itself rather than going straight back.
    await t.core.conversations.assign(d.admin, c1, null);
    expect([await d.agentOf(waiting), await d.agentOf(c1)]).toEqual([x, null]);
    // A transfer away frees the agent's slot: c1 (the only one waiting) is taken by them.
    await t.core.transfers.transfer(d.admin, c2, { teamId: d.billing, note: 'billing question' });
    expect(await d.agentOf(c1)).toBe(y);
    for (const [, l] of await load(d.b.brandId)) expect(l).toBeLessThanOrEqual(1);
  });

  it('never exceeds capacity and leaves nobody waiting while someone has room, with changes at the same time', async () => {
    const d = await desk('qrace', [2, 2, 1], { offline: [2] });
    const ids = [];
    for (let i = 0; i < 8; i++) ids.push(await d.send(i === 5 ? 'outage everywhere' : `race question ${i}`));
    const assigned = (await Promise.all(ids.map(d.agentOf))).filter((a) => a !== null);
    expect(assigned).toHaveLength(4);
    const [a0, , a2] = d.agents;
    const held = ids.slice(0, 4);
    // Two resolutions, an agent coming online and new customers, all at once.
    const sends = (async () => { for (let i = 0; i < 3; i++) await d.send(`late question ${i}`); })();
    await Promise.all([
      t.core.conversations.setStatus(d.admin, held[0] ?? '', 'resolved'),
      t.core.conversations.setStatus(d.admin, held[1] ?? '', 'resolved'),
      t.core.admin.updateMembership(d.admin, a2 ?? '', { availability: 'online' }),
      t.core.admin.updateMembership(d.admin, a0 ?? '', { capacity: { default: 3 } }),
      sends,
    ]);
    const caps = new Map([[d.agents[0], 3], [d.agents[1], 2], [d.agents[2], 1]]);
    const l = await load(d.b.brandId);
    for (const [agent, count] of l) expect(count).toBeLessThanOrEqual(caps.get(agent) ?? 0);
    const stillWaiting = await t.core.db.selectFrom('conversations').select('id').where('brand_id', '=', d.b.brandId).where('status', '=', 'open').where('assignee_id', 'is', null).execute();
    // 11 conversations, 2 resolved, 6 slots: 3 wait, and every slot is taken.
    expect([...l.values()].reduce((a, b) => a + b, 0)).toBe(6);
    expect(stillWaiting).toHaveLength(3);
    // The urgent one was waiting since before the changes: it was among the first taken.
    expect(await d.agentOf(ids[5] ?? '')).not.toBeNull();
  });
});
