import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from '@earshot/db';
import { systemActor, type Actor, type MessageClassifier, type Worker } from '@earshot/core';
import { describeEachDb } from '../../../test/support/db';
import { apiDelivery, createTestCore, seedBrand, type ApiMessageInput, type SeededBrand, type TestCore } from '../../../test/support/core';

function req(body: string, signature: string) {
  return { method: 'POST', headers: { 'x-earshot-signature': signature }, query: {}, rawBody: Buffer.from(body) };
}

/** What the pipeline told the model about each text: how often its author wrote in the last week. */
const priorInboundOf = new Map<string, number>();

/** A stand-in for the triage model: "refund" means a billing topic, as the real model would label it. */
const classifier: MessageClassifier = {
  classify: ({ text, priorInboundCount }) => (priorInboundOf.set(text, priorInboundCount), {
    labels: /refund/i.test(text) ? { topic: { value: 'billing', confidence: 0.9, reasons: ['refund'] }, sentiment: { value: 'negative', confidence: 0.8, reasons: [] } } : { sentiment: { value: 'neutral', confidence: 0.7, reasons: [] } },
    needsResponse: true,
  }),
};

describeEachDb('routing on ingest, auto-assignment, reassignment and transfer', (kind) => {
  let t: TestCore;
  let b: SeededBrand;
  let worker: Worker;
  let admin: Actor;
  const agents: string[] = [];
  let billingTeam = '';
  let techTeam = '';

  beforeAll(async () => {
    t = await createTestCore(kind, { classifier });
    b = await seedBrand(t.core, 'route');
    worker = t.core.worker();
    admin = { ...systemActor(b.brandId), type: 'user', id: b.adminId, userId: b.adminId, role: 'admin' };
    for (let i = 0; i < 4; i++) {
      const u = await t.core.admin.upsertUser(admin, { email: `a${i}@route.test`, name: `A${i}`, role: 'agent' });
      await t.core.admin.updateMembership(admin, u.id, { availability: 'online', capacity: { default: 2 } });
      agents.push(u.id);
    }
    agents.sort();
    billingTeam = (await t.core.admin.createTeam(admin, { name: 'Billing', skills: ['billing'], memberIds: [agents[0] ?? '', agents[1] ?? ''] })).id;
    techTeam = (await t.core.admin.createTeam(admin, { name: 'Tech', skills: ['technical'], memberIds: [agents[2] ?? '', agents[3] ?? ''] })).id;
  });
  afterAll(async () => { await t?.drop(); });

  async function deliver(events: ApiMessageInput[]) {
    const d = apiDelivery(b.apiSecret, events);
    await t.core.ingest.receive(b.apiChannelId, req(d.body, d.signature), JSON.parse(d.body));
    await worker.drain();
  }
  const convOf = async (providerId: string) => {
    const m = await t.core.db.selectFrom('messages').select('conversation_id').where('provider_message_id', '=', providerId).executeTakeFirstOrThrow();
    return t.core.conversations.get(admin, m.conversation_id);
  };
  const openLoad = async () => (await sql<{ assignee_id: string; n: string }>`select assignee_id, count(*) as n from conversations where brand_id = ${b.brandId} and assignee_id is not null and status in ('open', 'pending') group by assignee_id`.execute(t.core.db)).rows;

  it('applies the default rules on ingest and explains them on the conversation', async () => {
    await deliver([{ id: 'legal-1', author: 'lena', text: 'Answer me or my lawyer will hear about this' }]);
    const { conversation: c } = await convOf('legal-1');
    expect(c.priority).toBe('urgent');
    expect(c.tags).toEqual(['escalated', 'legal']);
    expect(c.routingExplanation).toContain("matched rule 2 'Legal threats' because text contains 'lawyer'");
    expect(c.assigneeId).not.toBeNull();
    expect(c.sla?.firstResponseDueAt).not.toBeNull();
    const audit = await t.core.db.selectFrom('audit_events').select(['action']).where('brand_id', '=', b.brandId).where('subject_id', '=', c.id).execute();
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['conversation.routed', 'conversation.priority_changed', 'conversation.escalated', 'conversation.assigned']));
  });

  it('routes on the triage topic to the team with the skill and assigns within that team', async () => {
    await deliver([{ id: 'bill-1', author: 'bill', text: 'I still have not got my refund' }]);
    const { conversation: c } = await convOf('bill-1');
    expect(c.teamId).toBe(billingTeam);
    expect([agents[0], agents[1]]).toContain(c.assigneeId);
    expect(c.routingExplanation).toContain("'Billing and booking' because topic is billing");
  });

  it('uses a brand\'s own rules once saved (versioned), and rejects an unsafe regex with the field', async () => {
    const v1 = await t.core.routing.putRules(admin, [
      { id: 'outage', name: 'Outage', when: { type: 'keywords', any: ['outage', 'down'] }, then: [{ type: 'set_team', teamId: techTeam }, { type: 'set_priority', priority: 'high' }, { type: 'add_tags', tags: ['outage'] }] },
      { id: 'auto', name: 'Auto', when: { type: 'always' }, then: [{ type: 'assign', mode: 'auto' }] },
    ]);
    expect(v1).toMatchObject({ version: 1, isDefault: false });
    await expect(t.core.routing.putRules(admin, [{ id: 'bad', name: 'Bad', when: { type: 'regex', pattern: '(a+)+$' }, then: [{ type: 'stop' }] }])).rejects.toMatchObject({ code: 'EARSHOT_VALIDATION' });
    await deliver([{ id: 'out-1', author: 'otto', text: 'Your site is down again' }]);
    const { conversation: c } = await convOf('out-1');
    expect(c).toMatchObject({ teamId: techTeam, priority: 'high', tags: ['outage'] });
    expect(c.routingExplanation).toContain("matched rule 1 'Outage' because text contains 'down'");
    expect((await t.core.routing.getRules(admin)).version).toBe(1);
  });

  it('never assigns above capacity, spreads load evenly, and leaves the rest in the queue with a reason', async () => {
    await t.core.routing.putRules(admin, [{ id: 'auto', name: 'Auto', when: { type: 'always' }, then: [{ type: 'assign', mode: 'auto' }] }]);
    await deliver(Array.from({ length: 10 }, (_, i) => ({ id: `load-${i}`, author: `cust-${i}`, text: `question ${i}` })));
    const load = await openLoad();
    for (const l of load) expect(Number(l.n)).toBeLessThanOrEqual(2);
    expect(load.reduce((a, l) => a + Number(l.n), 0)).toBe(8); // 4 agents × capacity 2
    const queued = await t.core.db.selectFrom('conversations').select(['routing']).where('brand_id', '=', b.brandId).where('assignee_id', 'is', null).execute();
    expect(queued.length).toBeGreaterThan(0);
    for (const q of queued) expect(JSON.stringify(q.routing)).toMatch(/at capacity/);
  });

  it('reassigns an agent\'s open conversations when they go offline, never above the others\' capacity', async () => {
    const agent = agents[0] ?? '';
    // The raise first takes agents[1] the queued conversations (5 of them), and leaves room for more.
    await t.core.admin.updateMembership(admin, agents[1] ?? '', { capacity: { default: 10 } });
    const before = await t.core.db.selectFrom('conversations').select('id').where('assignee_id', '=', agent).where('status', '=', 'open').execute();
    expect(before.length).toBeGreaterThan(0);
    await t.core.admin.updateMembership(admin, agent, { availability: 'offline' });
    const after = await t.core.db.selectFrom('conversations').select(['id', 'assignee_id']).where('id', 'in', before.map((x) => x.id)).execute();
    for (const c of after) expect(c.assignee_id).not.toBe(agent);
    expect(after.some((c) => c.assignee_id === agents[1])).toBe(true);
    const caps: Record<string, number> = { [agents[1] ?? '']: 10 };
    for (const l of await openLoad()) expect(Number(l.n)).toBeLessThanOrEqual(caps[l.assignee_id] ?? 2);
  });

  it('transfers to another team keeping the history, with a note of why, and assigns within the new team', async () => {
    await t.core.admin.updateMembership(admin, agents[3] ?? '', { capacity: { default: 20 } });
    const { conversation: c, messages } = await convOf('bill-1');
    const moved = await t.core.transfers.transfer(admin, c.id, { teamId: techTeam, note: 'it is an app bug, not billing' });
    expect(moved.teamId).toBe(techTeam);
    expect([agents[2], agents[3]]).toContain(moved.assigneeId);
    const detail = await t.core.conversations.get(admin, c.id);
    expect(detail.messages.slice(0, messages.length).map((m) => m.id)).toEqual(messages.map((m) => m.id));
    expect(detail.messages.at(-1)).toMatchObject({ kind: 'note', visibility: 'private', text: 'Transferred from Billing to Tech: it is an app bug, not billing' });
    const audit = await t.core.db.selectFrom('audit_events').select(['after']).where('subject_id', '=', c.id).where('action', '=', 'conversation.transferred').executeTakeFirstOrThrow();
    expect(audit.after).toMatchObject({ teamId: techTeam, note: 'it is an app bug, not billing' });
    await expect(t.core.transfers.transfer(admin, c.id, { teamId: '00000000-0000-4000-8000-000000000000', note: 'x' })).rejects.toMatchObject({ code: 'EARSHOT_TEAM_NOT_FOUND' });
  });

  it('shares load fairly: 60 conversations over 6 equal agents give each exactly 10, rotating round-robin', async () => {
    const f = await seedBrand(t.core, 'fair');
    const fAdmin: Actor = { ...systemActor(f.brandId), type: 'user', id: f.adminId, userId: f.adminId, role: 'admin' };
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const u = await t.core.admin.upsertUser(fAdmin, { email: `f${i}@fair.test`, name: `F${i}`, role: 'agent' });
      await t.core.admin.updateMembership(fAdmin, u.id, { availability: 'online', capacity: { default: 100 } });
      ids.push(u.id);
    }
    const d = apiDelivery(f.apiSecret, Array.from({ length: 60 }, (_, i) => ({ id: `fair-${i}`, author: `fair-cust-${i}`, text: `hello ${i}` })));
    await t.core.ingest.receive(f.apiChannelId, req(d.body, d.signature), JSON.parse(d.body));
    await worker.drain();
    const rows = await t.core.db.selectFrom('conversations').select(['assignee_id', 'created_at']).where('brand_id', '=', f.brandId).orderBy('created_at').execute();
    const counts = new Map<string, number>();
    for (const r of rows) counts.set(r.assignee_id ?? 'none', (counts.get(r.assignee_id ?? 'none') ?? 0) + 1);
    expect([...counts.entries()].sort()).toEqual([...ids].sort().map((id) => [id, 10]));
  }, 300_000); // 60 messages through ingest, routing and SLA in one drain: slow on a loaded 2-core machine

  it('keeps a returning contact with their previous agent when that agent has room (sticky)', async () => {
    const { conversation: first } = await convOf('out-1');
    const prev = first.assigneeId ?? '';
    await t.core.admin.updateMembership(admin, prev, { capacity: { default: 50 } });
    await t.core.conversations.setStatus(admin, first.id, 'resolved');
    await deliver([{ id: 'otto-2', author: 'otto', text: 'new problem, different topic' }]);
    const { conversation: again } = await convOf('otto-2');
    expect(again.id).not.toBe(first.id);
    expect(again.assigneeId).toBe(prev);
  });

  it('routes a returning customer on their contact facts: VIP, contact tags and repeat conversations, also through a merge', async () => {
    await t.core.routing.putRules(admin, [
      { id: 'vip', name: 'VIP', when: { type: 'vip', is: true }, then: [{ type: 'set_priority', priority: 'urgent' }, { type: 'add_tags', tags: ['vip'] }] },
      { id: 'press', name: 'Press', when: { type: 'contact_tag', any: ['press'] }, then: [{ type: 'add_tags', tags: ['press-contact'] }] },
      { id: 'repeat', name: 'Repeat', when: { type: 'number', field: 'repeat_contacts', op: 'gte', value: 1 }, then: [{ type: 'add_tags', tags: ['repeat'] }] },
    ]);
    await deliver([{ id: 'rhea-1', author: 'rhea', text: 'rhea first question' }]);
    const { conversation: first } = await convOf('rhea-1');
    expect(first.tags).toEqual([]);
    expect(first.priority).toBe('normal');
    expect(priorInboundOf.get('rhea first question')).toBe(0);

    await t.core.contacts.update(admin, first.contact.id, { vip: true, tags: ['press'] });
    await t.core.conversations.setStatus(admin, first.id, 'resolved');
    await deliver([{ id: 'rhea-2', author: 'rhea', text: 'rhea second question' }]);
    const { conversation: second } = await convOf('rhea-2');
    expect(second.id).not.toBe(first.id);
    expect(second.tags).toEqual(['press-contact', 'repeat', 'vip']);
    expect(second.priority).toBe('urgent');
    expect(priorInboundOf.get('rhea second question')).toBe(1);
    expect(second.routingExplanation).toContain("'Repeat'");

    // Another identity of the same person, merged into Rhea (identities and conversations move to
    // her): its next post joins her most recent open conversation, and her history counts.
    await deliver([{ id: 'rhea-alt-1', author: 'rhea_alt', text: 'rhea from her other account' }]);
    const { conversation: alt } = await convOf('rhea-alt-1');
    expect(priorInboundOf.get('rhea from her other account')).toBe(0);
    await t.core.contacts.merge(admin, first.contact.id, alt.contact.id);
    await deliver([{ id: 'rhea-alt-2', author: 'rhea_alt', text: 'rhea again from the other account' }]);
    const { conversation: joined } = await convOf('rhea-alt-2');
    expect(joined.id).toBe(alt.id);
    expect(joined.contact.id).toBe(first.contact.id);
    expect(priorInboundOf.get('rhea again from the other account')).toBe(3);
  });
});
