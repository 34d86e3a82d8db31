import { afterAll, beforeAll, expect, it } from 'vitest';
import { systemActor } from '@earshot/core';
import { describeEachDb } from '../../../test/support/db';
import { apiDelivery, seedBrand, type SeededBrand } from '../../../test/support/core';
import { as, createTestApp, login, type Session, type TestApp } from '../../../test/support/http';

describeEachDb('routing and SLA API', (kind) => {
  let t: TestApp;
  let b: SeededBrand;
  let admin: Session;
  let agent: Session;
  let conversationId = '';

  beforeAll(async () => {
    t = await createTestApp(kind);
    b = await seedBrand(t.core, 'rapi');
    admin = await login(t.app, b.emails.admin, b.password);
    agent = await login(t.app, b.emails.agent, b.password);
    const d = apiDelivery(b.apiSecret, [{ id: 'r-1', author: 'rita', text: 'I am going to sue you over this' }]);
    await t.app.inject({ method: 'POST', url: `/api/v1/channels/${b.apiChannelId}/events`, headers: { 'content-type': 'application/json', 'x-earshot-signature': d.signature }, payload: d.body });
    await t.core.worker().drain();
    conversationId = (await t.core.db.selectFrom('conversations').select('id').where('brand_id', '=', b.brandId).executeTakeFirstOrThrow()).id;
  });
  afterAll(async () => { await t?.drop(); });

  it('shows the SLA due times and the routing explanation on the conversation', async () => {
    const res = await as(t.app, agent)('GET', `/api/v1/conversations/${conversationId}`);
    expect(res.statusCode).toBe(200);
    const c = res.json<{ conversation: { priority: string; sla: { state: string; firstResponseDueAt: string; policy: string }; routingExplanation: string } }>().conversation;
    expect(c.priority).toBe('urgent');
    expect(c.routingExplanation).toContain("'Legal threats' because text contains 'sue'");
    expect(c.sla).toMatchObject({ state: 'ok', policy: 'default@default' });
    expect(Date.parse(c.sla.firstResponseDueAt)).toBeGreaterThan(Date.now());
  });

  it('reads the default rules, saves a new version with routing:manage only, and answers 400 with the field for bad rules', async () => {
    const get = await as(t.app, agent)('GET', '/api/v1/routing/rules');
    expect(get.json()).toMatchObject({ version: 0, isDefault: true });
    const rules = [{ id: 'vip', name: 'VIP', when: { type: 'vip', is: true }, then: [{ type: 'set_priority', priority: 'high' }] }];
    expect((await as(t.app, agent)('PUT', '/api/v1/routing/rules', { rules })).statusCode).toBe(403);
    const put = await as(t.app, admin)('PUT', '/api/v1/routing/rules', { rules });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toMatchObject({ version: 1, isDefault: false, rules: [{ id: 'vip', enabled: true }] });
    const bad = await as(t.app, admin)('PUT', '/api/v1/routing/rules', { rules: [{ id: 'x', name: 'X', when: { type: 'regex', pattern: '(a|a)*' }, then: [{ type: 'stop' }] }] });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('pattern');
    const audit = await t.core.db.selectFrom('audit_events').select('after').where('brand_id', '=', b.brandId).where('action', '=', 'routing.rules_updated').execute();
    expect(audit).toHaveLength(1);
  });

  it('sets the SLA policy and business hours with sla:manage', async () => {
    const policy = { id: 'p', name: 'P', targets: { low: {}, normal: { first_response: 120 }, high: {}, urgent: { first_response: 10 } } };
    expect((await as(t.app, agent)('PUT', '/api/v1/sla/policy', { policy })).statusCode).toBe(403);
    const put = await as(t.app, admin)('PUT', '/api/v1/sla/policy', { policy });
    expect(put.json()).toMatchObject({ version: 1, isDefault: false, policy: { id: 'p', warningAt: 0.75 } });
    const hours = await as(t.app, admin)('PUT', '/api/v1/business-hours', { hours: { timeZone: 'Europe/Berlin', weekly: { mon: [{ start: '09:00', end: '17:00' }] }, holidays: ['2026-12-25'] } });
    expect(hours.statusCode).toBe(200);
    expect((await as(t.app, admin)('PUT', '/api/v1/business-hours', { hours: { timeZone: 'Mars/Olympus' } })).statusCode).toBe(400);
    expect((await as(t.app, agent)('GET', '/api/v1/business-hours')).json()).toMatchObject({ isDefault: false, hours: { timeZone: 'Europe/Berlin', holidays: ['2026-12-25'] } });
  });

  it('reports SLA compliance with the conversations behind the numbers, and response times by channel', async () => {
    await t.core.conversations.reply({ ...systemActor(b.brandId), type: 'user', id: b.agentId, userId: b.agentId, role: 'agent' }, conversationId, { text: 'We are looking into it', visibility: 'public' });
    const res = await as(t.app, agent)('GET', '/api/v1/reports/sla-compliance?groupBy=brand');
    expect(res.statusCode).toBe(200);
    const rows = res.json<{ rows: { key: string; inProgressIds: string[]; metIds: string[] }[] }>().rows;
    expect(rows).toHaveLength(1);
    expect(rows[0]?.key).toBe(b.brandId);
    expect([...(rows[0]?.inProgressIds ?? []), ...(rows[0]?.metIds ?? [])]).toContain(conversationId);
    const fair = await as(t.app, agent)('GET', '/api/v1/reports/response-times-by-channel');
    expect(fair.json()).toMatchObject({ rows: [{ channelKind: 'api', firstResponse: { n: 1, conversationIds: [conversationId] } }] });
  });

  it('transfers a conversation to a team through the API', async () => {
    const team = await t.core.admin.createTeam(systemActor(b.brandId), { name: 'Legal', skills: ['legal'], memberIds: [] });
    const res = await as(t.app, agent)('POST', `/api/v1/conversations/${conversationId}/transfer`, { teamId: team.id, note: 'needs legal review' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ teamId: team.id, assigneeId: null });
    expect((await as(t.app, agent)('POST', `/api/v1/conversations/${conversationId}/transfer`, { teamId: team.id, note: '' })).statusCode).toBe(400);
  });
});
