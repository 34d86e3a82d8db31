import { afterAll, beforeAll, expect, it } from 'vitest';
import { systemActor } from '@earshot/core';
import { roleCan, type Permission, type RoleName } from '@earshot/domain';
import { apiDelivery, seedBrand, type SeededBrand } from '../../../test/support/core';
import { as, createTestApp, login, type Session, type TestApp } from '../../../test/support/http';
import { seedCommunity } from '../../../test/support/community';

/**
 * Walks every protected route with a session of every role and checks the answer against the
 * role's permissions in packages/domain/src/permissions.ts: a role without the permission gets
 * 403 EARSHOT_FORBIDDEN, a role with it never does. A route added without an entry fails.
 * (Brand isolation and the 401 walk are in isolation.test.ts.)
 */
let t: TestApp;
let b: SeededBrand;
const sessions = new Map<RoleName, Session>();
const ids: Record<string, string> = {};

// The permission each route checks; null = any signed-in caller; 'operator' = an operator of the installation (no role is one).
const requires: Record<string, { perm: Permission | null | 'operator'; params?: Record<string, string>; body?: unknown; query?: string }> = {
  'GET /api/v1/me': { perm: null },
  'GET /api/v1/conversations': { perm: 'conversation:read' },
  'GET /api/v1/conversations/:id': { perm: 'conversation:read', params: { id: 'conversation' } },
  'POST /api/v1/conversations/:id/assign': { perm: 'conversation:assign', params: { id: 'conversation' }, body: { assigneeId: null } },
  'POST /api/v1/conversations/:id/status': { perm: 'conversation:update', params: { id: 'conversation' }, body: { status: 'pending' } },
  'POST /api/v1/conversations/:id/priority': { perm: 'conversation:update', params: { id: 'conversation' }, body: { priority: 'high' } },
  'POST /api/v1/conversations/:id/tags': { perm: 'conversation:update', params: { id: 'conversation' }, body: { tags: ['x'] } },
  'POST /api/v1/conversations/:id/notes': { perm: 'conversation:note', params: { id: 'conversation' }, body: { text: 'note' } },
  'POST /api/v1/conversations/:id/replies': { perm: 'conversation:reply', params: { id: 'conversation' }, body: { text: 'private reply', visibility: 'private' } },
  'POST /api/v1/conversations/:id/messages/:messageId/approve': { perm: 'conversation:approve', params: { id: 'conversation', messageId: 'message' } },
  'POST /api/v1/conversations/:id/presence': { perm: 'conversation:read', params: { id: 'conversation' }, body: { state: 'viewing' } },
  'GET /api/v1/conversations/:id/presence': { perm: 'conversation:read', params: { id: 'conversation' } },
  'GET /api/v1/contacts/:id': { perm: 'contact:read', params: { id: 'contact' } },
  'PATCH /api/v1/contacts/:id': { perm: 'contact:update', params: { id: 'contact' }, body: { vip: true } },
  'POST /api/v1/contacts/:id/merge': { perm: 'contact:merge', params: { id: 'contact' }, body: { sourceId: 'contact2' } },
  'GET /api/v1/users': { perm: 'user:read' },
  'GET /api/v1/desk-settings': { perm: 'user:read' },
  'PUT /api/v1/desk-settings': { perm: 'user:manage', body: { autoAwayMinutes: 10 } },
  'POST /api/v1/users': { perm: 'user:manage', body: { email: 'new@roles.test', name: 'New', role: 'viewer' } },
  'PATCH /api/v1/users/:id': { perm: 'user:manage', params: { id: 'target' }, body: { role: 'viewer' } },
  'GET /api/v1/teams': { perm: 'team:read' },
  'POST /api/v1/teams': { perm: 'team:manage', body: { name: 'A team' } },
  'PATCH /api/v1/teams/:id': { perm: 'team:manage', params: { id: 'team' }, body: { name: 'Renamed' } },
  'GET /api/v1/tokens': { perm: 'token:manage' },
  'POST /api/v1/tokens': { perm: 'token:manage', body: { name: 't', scopes: ['conversation:read'] } },
  'DELETE /api/v1/tokens/:id': { perm: 'token:manage', params: { id: 'token' } },
  'GET /api/v1/channels': { perm: 'channel:read' },
  'POST /api/v1/channels': { perm: 'channel:manage', body: { kind: 'api', name: 'c' } },
  'GET /api/v1/channels/:id/limits': { perm: 'channel:read', params: { id: 'channel' } },
  'GET /api/v1/channels/:id/setup': { perm: 'channel:manage', params: { id: 'channel' } },
  'PATCH /api/v1/channels/:id': { perm: 'channel:manage', params: { id: 'channel' }, body: { name: 'API (renamed)' } },
  'GET /api/v1/audit': { perm: 'audit:read' },
  'GET /api/v1/audit/verify': { perm: 'audit:read' },
  'GET /api/v1/audit/export': { perm: 'audit:read' },
  'GET /api/v1/canned-responses': { perm: 'conversation:reply' },
  'POST /api/v1/canned-responses': { perm: 'team:manage', body: { title: 'T', text: 'text' } },
  'PATCH /api/v1/canned-responses/:id': { perm: 'team:manage', params: { id: 'canned' }, body: { text: 'changed' } },
  'DELETE /api/v1/canned-responses/:id': { perm: 'team:manage', params: { id: 'canned' } },
  'GET /api/v1/replies/repeats': { perm: 'conversation:reply' },
  'GET /api/v1/routing/rules': { perm: 'team:read' },
  'PUT /api/v1/routing/rules': { perm: 'routing:manage', body: { fromGet: 'rules' } },
  'GET /api/v1/sla/policy': { perm: 'team:read' },
  'PUT /api/v1/sla/policy': { perm: 'sla:manage', body: { fromGet: 'policy' } },
  'POST /api/v1/sla/preview': { perm: 'sla:manage', body: {} },
  'GET /api/v1/business-hours': { perm: 'team:read' },
  'PUT /api/v1/business-hours': { perm: 'sla:manage', body: { fromGet: 'hours' } },
  'GET /api/v1/reports/sla-compliance': { perm: 'analytics:read' },
  'GET /api/v1/reports/response-times-by-channel': { perm: 'analytics:read' },
  'GET /api/v1/analytics/overview': { perm: 'analytics:read' },
  'GET /api/v1/analytics/timeseries': { perm: 'analytics:read' },
  'GET /api/v1/analytics/breakdown': { perm: 'analytics:read', query: '?by=agent' },
  'GET /api/v1/analytics/fairness': { perm: 'analytics:read' },
  'GET /api/v1/analytics/topics': { perm: 'analytics:read' },
  'GET /api/v1/analytics/negative-words': { perm: 'analytics:read' },
  'GET /api/v1/analytics/backlog': { perm: 'analytics:read' },
  'GET /api/v1/analytics/export': { perm: 'conversation:read' },
  'POST /api/v1/conversations/:id/calls': { perm: 'conversation:reply', params: { id: 'conversation' }, body: { direction: 'outbound', durationSeconds: 60, summary: 'called back' } },
  'POST /api/v1/conversations/:id/transfer': { perm: 'conversation:assign', params: { id: 'conversation' }, body: { teamId: 'team', note: 'over to you' } },
  'POST /api/v1/conversations/:id/messages/:messageId/corrections': { perm: 'triage:correct', params: { id: 'conversation', messageId: 'message' }, body: { label: 'sentiment', value: 'negative' } },
  'GET /api/v1/triage/models': { perm: 'triage:correct' },
  'POST /api/v1/triage/models/:id/promote': { perm: 'triage:manage', params: { id: 'conversation' } },
  'POST /api/v1/triage/models/rollback': { perm: 'triage:manage' },
  'GET /api/v1/mentions': { perm: 'conversation:read' },
  'POST /api/v1/mentions/read': { perm: 'conversation:read', body: {} },
  'GET /api/v1/contacts': { perm: 'contact:read', query: '?q=carol' },
  'POST /api/v1/contacts/:id/unmerge': { perm: 'contact:merge', params: { id: 'contact' }, body: { identityId: '00000000-0000-4000-8000-000000000000' } },
  'GET /api/v1/incidents': { perm: 'conversation:read' },
  'POST /api/v1/incidents': { perm: 'conversation:update', body: { title: 'Another outage' } },
  'GET /api/v1/incidents/:id': { perm: 'conversation:read', params: { id: 'incident' } },
  'PATCH /api/v1/incidents/:id': { perm: 'conversation:update', params: { id: 'incident' }, body: { title: 'Outage (renamed)' } },
  'POST /api/v1/conversations/:id/incidents': { perm: 'conversation:update', params: { id: 'conversation' }, body: { title: 'Linked outage' } },
  'DELETE /api/v1/conversations/:id/incidents/:incidentId': { perm: 'conversation:update', params: { id: 'conversation', incidentId: 'incident' } },
  'GET /api/v1/kb/articles': { perm: 'kb:read', query: '?q=wifi' },
  'POST /api/v1/kb/articles': { perm: 'kb:manage', body: { title: 'Another article', body: 'text' } },
  'GET /api/v1/kb/articles/:id': { perm: 'kb:read', params: { id: 'article' } },
  'PATCH /api/v1/kb/articles/:id': { perm: 'kb:manage', params: { id: 'article' }, body: { body: 'Restart the router, then wait two minutes.' } },
  'DELETE /api/v1/kb/articles/:id': { perm: 'kb:manage', params: { id: 'article2' } },
  'POST /api/v1/kb/preview': { perm: 'kb:manage', body: { body: '**bold**' } },
  'GET /api/v1/conversations/:id/kb-suggestions': { perm: 'kb:read', params: { id: 'conversation' } },
  'GET /api/v1/crm-hook': { perm: 'channel:manage' },
  // Port 9 (discard) refuses at once: profiles read later in the walk get an error note, not a wait.
  'PUT /api/v1/crm-hook': { perm: 'channel:manage', body: { url: 'http://127.0.0.1:9/roles-crm', secret: 'roles-crm-secret-0123456789' } },
  'DELETE /api/v1/crm-hook': { perm: 'channel:manage' },
  'POST /api/v1/crm-hook/test': { perm: 'channel:manage', body: {} },
  'GET /api/v1/webhooks': { perm: 'webhook:manage' },
  'GET /api/v1/webhooks/events': { perm: 'webhook:manage' },
  'POST /api/v1/webhooks': { perm: 'webhook:manage', body: { url: 'http://127.0.0.1:9/roles-hook-2', events: ['message.received'], enabled: false } },
  'GET /api/v1/webhooks/:id': { perm: 'webhook:manage', params: { id: 'webhook' } },
  'PATCH /api/v1/webhooks/:id': { perm: 'webhook:manage', params: { id: 'webhook' }, body: { description: 'renamed' } },
  'DELETE /api/v1/webhooks/:id': { perm: 'webhook:manage', params: { id: 'webhook2' } },
  'POST /api/v1/webhooks/:id/rotate-secret': { perm: 'webhook:manage', params: { id: 'webhook' } },
  'GET /api/v1/webhooks/:id/deliveries': { perm: 'webhook:manage', params: { id: 'webhook' } },
  'POST /api/v1/webhooks/:id/deliveries/:deliveryId/redeliver': { perm: 'webhook:manage', params: { id: 'webhook', deliveryId: 'webhookDelivery' } },
  'GET /api/v1/community/moderation': { perm: 'community:moderate' },
  'GET /api/v1/community/questions': { perm: 'community:moderate' },
  'GET /api/v1/community/questions/:id': { perm: 'community:moderate', params: { id: 'cQuestion' } },
  'POST /api/v1/community/questions/:id/moderate': { perm: 'community:moderate', params: { id: 'cQuestion' }, body: { action: 'lock' } },
  'POST /api/v1/community/answers/:id/moderate': { perm: 'community:moderate', params: { id: 'cAnswer' }, body: { action: 'unhide' } },
  'POST /api/v1/community/comments/:id/moderate': { perm: 'community:moderate', params: { id: 'cComment' }, body: { action: 'hide' } },
  'POST /api/v1/community/questions/:id/answers': { perm: 'community:moderate', params: { id: 'cQuestion' }, body: { body: 'From the team.' } },
  'POST /api/v1/community/questions/:id/accept': { perm: 'community:moderate', params: { id: 'cQuestion' }, body: { answerId: '00000000-0000-4000-8000-000000000000' } },
  // Promotion writes an article: it needs kb:manage as well (agents moderate but do not write articles).
  'POST /api/v1/community/questions/:id/promote': { perm: 'kb:manage', params: { id: 'cQuestion' } },
  'POST /api/v1/community/reports/:id/resolve': { perm: 'community:moderate', params: { id: 'cReport' } },
  'PATCH /api/v1/community/members/:id': { perm: 'community:moderate', params: { id: 'cMember' }, body: { banned: false } },
  'GET /api/v1/me/brands': { perm: null },
  'GET /api/v1/brand': { perm: 'brand:manage' },
  'PATCH /api/v1/brand': { perm: 'brand:manage', body: { name: 'Brand roles' } },
  'GET /api/v1/brands': { perm: 'operator' },
  'POST /api/v1/brands/:id/members': { perm: 'operator', params: { id: 'brand' }, body: { email: 'target@roles.test', name: 'Target', role: 'agent' } },
  'POST /api/v1/brands': { perm: 'operator', body: { slug: 'roles-new', name: 'New brand', admin: { email: 'lead@roles-new.test', name: 'Lead', password: 'correct horse battery staple' } } },
  'GET /api/v1/conversations/:id/care': { perm: 'conversation:read', params: { id: 'conversation' } },
  'GET /api/v1/tasks': { perm: 'conversation:read', query: '?assignee=me' },
  'GET /api/v1/followup-policies': { perm: 'conversation:read' },
  'PUT /api/v1/followup-policies': { perm: 'sla:manage', body: { teamId: null, enabled: false, waitHours: 24 } },
  'POST /api/v1/tasks/:id/complete': { perm: 'conversation:update', params: { id: 'task' }, body: { outcome: 'Called back, fixed' } },
  'GET /api/v1/reports/csat': { perm: 'analytics:read', query: '?groupBy=channel' },
  'GET /api/v1/incidents/:id/notices': { perm: 'conversation:read', params: { id: 'incident' } },
  'POST /api/v1/incidents/:id/notices': { perm: 'conversation:reply', params: { id: 'incident' }, body: { text: 'Engineers are on it' } },
  'POST /api/v1/conversations/bulk-reply': { perm: 'conversation:reply', body: { conversationIds: ['conversation'], text: 'We are on it', acknowledgeRepeat: true } },
  'GET /api/v1/notice-batches/:id': { perm: 'conversation:read', params: { id: 'batch' } },
  'GET /api/v1/notice-batches/:id/notices': { perm: 'conversation:read', params: { id: 'batch' } },
  'POST /api/v1/notice-batches/:id/retry': { perm: 'conversation:reply', params: { id: 'batch' } },
};
// Not walked: the event stream never ends (its permission is checked in isolation.test.ts), and
// sign-out and switching brands end the session the walk uses (checked in errors.test.ts and isolation.test.ts).
const skipped = new Set(['GET /api/v1/events', 'POST /api/v1/auth/logout', 'POST /api/v1/auth/switch-brand']);

beforeAll(async () => {
  t = await createTestApp('pglite');
  b = await seedBrand(t.core, 'roles');
  const actor = systemActor(b.brandId);
  const sup = await t.core.admin.upsertUser(actor, { email: 'supervisor@roles.test', name: 'Sup', password: b.password, role: 'supervisor' });
  // Port 9 (discard) refuses at once: the delivery fails and waits for its retry.
  const hook = await t.core.webhooks.create({ ...actor, userId: b.adminId }, { url: 'http://127.0.0.1:9/roles-hook', events: ['message.received'] });
  const hook2 = await t.core.webhooks.create({ ...actor, userId: b.adminId }, { url: 'http://127.0.0.1:9/roles-hook-gone', events: ['message.received'], enabled: false });
  const target = await t.core.admin.upsertUser(actor, { email: 'target@roles.test', name: 'Target', password: b.password, role: 'agent' });
  for (const [id, author] of [['r-1', 'carol'], ['r-2', 'dave']] as const) {
    const d = apiDelivery(b.apiSecret, [{ id, author, text: `help ${id}` }]);
    await t.app.inject({ method: 'POST', url: `/api/v1/channels/${b.apiChannelId}/events`, headers: { 'content-type': 'application/json', 'x-earshot-signature': d.signature }, payload: d.body });
  }
  await t.core.worker().drain();
  await t.core.webhooks.requestFanout(b.brandId);
  await t.core.worker().drain();
  const delivery = await t.core.db.selectFrom('webhook_deliveries').select('id').where('subscription_id', '=', hook.subscription.id).limit(1).executeTakeFirstOrThrow();
  Object.assign(ids, { webhook: hook.subscription.id, webhook2: hook2.subscription.id, webhookDelivery: delivery.id });
  const convs = await t.core.db.selectFrom('conversations').select(['id', 'contact_id']).where('brand_id', '=', b.brandId).orderBy('created_at').execute();
  const note = await t.core.conversations.addNote({ ...actor, userId: b.adminId }, convs[0]?.id ?? '', 'a note');
  const team = await t.core.admin.createTeam(actor, { name: 'Team', skills: [], memberIds: [] });
  const token = await t.core.auth.createToken({ ...actor, userId: b.adminId }, { name: 'victim', scopes: ['conversation:read'] });
  const canned = await t.core.canned.create({ ...actor, userId: b.adminId }, { title: 'Canned', text: 'canned text' });
  const [incident] = await t.core.incidents.link({ ...actor, userId: b.adminId }, convs[0]?.id ?? '', { title: 'Outage' });
  const article = await t.core.kb.create({ ...actor, userId: b.adminId }, { title: 'Wifi keeps dropping', body: 'Restart the router.', status: 'published' });
  const article2 = await t.core.kb.create({ ...actor, userId: b.adminId }, { title: 'To be deleted', body: 'x' });
  Object.assign(ids, { article: article.id, article2: article2.id, brand: b.brandId });
  const c = await seedCommunity(t.core, b.brandId, 'Roles community question');
  Object.assign(ids, { cQuestion: c.question, cAnswer: c.answer, cComment: c.comment, cReport: c.report, cMember: c.member });
  const task = await t.core.db.insertInto('care_tasks').values({ brand_id: b.brandId, conversation_id: convs[0]?.id ?? '', kind: 'call_back', source_key: 'roles-task', title: 'Call back', assignee_id: b.agentId, due_at: new Date() }).returning('id').executeTakeFirstOrThrow();
  Object.assign(ids, { task: task.id });
  const batch = await t.core.notices.postIncidentUpdate({ ...actor, userId: b.adminId, role: 'admin' }, incident?.id ?? '', { text: 'First update' });
  Object.assign(ids, { batch: batch.id });
  Object.assign(ids, { conversation: convs[0]?.id, contact: convs[0]?.contact_id, contact2: convs[1]?.contact_id, message: note.id, target: target.id, team: team.id, token: token.id, canned: canned.id, channel: b.apiChannelId, incident: incident?.id ?? '' });
  sessions.set('viewer', await login(t.app, b.emails.viewer, b.password));
  sessions.set('agency_agent', await login(t.app, b.emails.agency, b.password));
  sessions.set('agent', await login(t.app, b.emails.agent, b.password));
  sessions.set('supervisor', await login(t.app, sup.email, b.password));
  sessions.set('admin', await login(t.app, b.emails.admin, b.password));
});
afterAll(async () => { await t?.drop(); });

const protectedRoutes = () => t.app.routeTable.filter((r) => !r.public && r.method !== 'HEAD' && r.url.startsWith('/api/'));

it('knows the permission of every protected route', () => {
  const missing = protectedRoutes().map((r) => `${r.method} ${r.url}`).filter((k) => !(k in requires) && !skipped.has(k));
  expect(missing).toEqual([]);
});

it('lets each role do exactly what its permissions allow, on every route', async () => {
  const urlFor = (url: string, params: Record<string, string> = {}) => url.replace(/:(\w+)/g, (_, p: string) => ids[params[p] ?? ''] ?? 'missing');
  const admin = as(t.app, sessions.get('admin') ?? null);
  // A valid body for a PUT is what the GET of the same resource returns (a role is refused before any change).
  const bodyFor = async (url: string, body: unknown): Promise<unknown> => {
    if (!body || typeof body !== 'object') return body;
    if ('sourceId' in body) return { sourceId: ids.contact2 };
    if ('conversationIds' in body) return { ...body, conversationIds: [ids.conversation] };
    if ('teamId' in body) return { ...body, teamId: ids.team };
    if ('fromGet' in body) {
      const key = String(body.fromGet);
      const current = (await admin('GET', url)).json<Record<string, unknown>>();
      return { [key]: current[key] };
    }
    return body;
  };
  // Least powerful first: whatever an allowed call changes cannot hide a later refusal.
  const order: RoleName[] = ['viewer', 'agency_agent', 'agent', 'supervisor', 'admin'];
  const outcomes: string[] = [];
  const expected: string[] = [];
  for (const role of order) {
    const call = as(t.app, sessions.get(role) ?? null);
    for (const r of protectedRoutes()) {
      const key = `${r.method} ${r.url}`;
      if (skipped.has(key)) continue;
      const plan = requires[key];
      if (!plan) continue;
      const url = urlFor(r.url, plan.params) + (plan.query ?? '');
      const res = await call(r.method, url, plan.body === undefined ? undefined : await bodyFor(url, plan.body));
      const code = res.statusCode === 403 ? res.json<{ error: { code: string } }>().error.code : 'ok';
      outcomes.push(`${role} ${key} → ${code === 'EARSHOT_FORBIDDEN' ? 'forbidden' : 'allowed'}`);
      expected.push(`${role} ${key} → ${plan.perm === null || (plan.perm !== 'operator' && roleCan(role, plan.perm)) ? 'allowed' : 'forbidden'}`);
      expect(res.statusCode, `${role} ${key}`).toBeLessThan(500);
    }
  }
  expect(outcomes).toEqual(expected);
  // The walk covered refusals for the read-only and agency roles in particular.
  expect(outcomes.filter((o) => o.startsWith('viewer') && o.endsWith('forbidden')).length).toBeGreaterThan(15);
  expect(outcomes).toContain('agency_agent POST /api/v1/channels → forbidden');
  expect(outcomes).toContain('agency_agent POST /api/v1/tokens → forbidden');
  expect(outcomes).toContain('agency_agent PATCH /api/v1/users/:id → forbidden');
});

it('lets an operator — and only an operator — list and create brands; an API token never is one', async () => {
  const body = { slug: 'roles-op', name: 'Operated', timezone: 'Europe/Paris', admin: { email: 'lead@roles-op.test', name: 'Lead', password: 'correct horse battery staple' } };
  const adminSession = sessions.get('admin') ?? null;
  expect((await as(t.app, adminSession)('POST', '/api/v1/brands', body)).statusCode).toBe(403);
  await t.core.brands.setOperator(b.emails.viewer, true);
  const op = await login(t.app, b.emails.viewer, b.password);
  const me = (await as(t.app, op)('GET', '/api/v1/me')).json<{ user: { operator: boolean; role: string } }>();
  expect(me.user).toMatchObject({ operator: true, role: 'viewer' });
  const created = await as(t.app, op)('POST', '/api/v1/brands', body);
  expect(created.statusCode).toBe(200);
  expect(created.json()).toMatchObject({ brand: { slug: 'roles-op', timezone: 'Europe/Paris' }, admin: { email: 'lead@roles-op.test', created: true } });
  const list = (await as(t.app, op)('GET', '/api/v1/brands')).json<{ items: { slug: string; admins: string[] }[] }>().items;
  expect(list.find((x) => x.slug === 'roles-op')?.admins).toEqual(['lead@roles-op.test']);
  // An agency's person joins the new brand with the account they have.
  const newBrand = created.json<{ brand: { id: string } }>().brand.id;
  const joined = await as(t.app, op)('POST', `/api/v1/brands/${newBrand}/members`, { email: b.emails.agency, name: 'Agency', role: 'agency_agent' });
  expect(joined.json()).toMatchObject({ email: b.emails.agency, created: false });
  const agency = await login(t.app, b.emails.agency, b.password);
  const theirs = (await as(t.app, agency)('GET', '/api/v1/me/brands')).json<{ items: { slug: string; role: string }[] }>().items;
  expect(theirs.map((x) => [x.slug, x.role]).sort()).toEqual([['roles', 'agency_agent'], ['roles-op', 'agency_agent']]);
  // Still a viewer inside the brand: an operator's flag adds no brand permission.
  expect((await as(t.app, op)('GET', '/api/v1/tokens')).statusCode).toBe(403);
  // Bad input: the coded error names the field.
  const bad = await as(t.app, op)('POST', '/api/v1/brands', { ...body, slug: 'Roles Op!', timezone: 'Mars/Olympus' });
  expect(bad.statusCode).toBe(400);
  expect(bad.json<{ error: { code: string; field: string } }>().error).toMatchObject({ code: 'EARSHOT_VALIDATION' });
  const taken = await as(t.app, op)('POST', '/api/v1/brands', body);
  expect(taken.json<{ error: { code: string; field: string } }>().error).toMatchObject({ code: 'EARSHOT_CONFLICT', field: 'body.slug' });
  // A token of the operator's user is not an operator.
  const token = await t.core.auth.createToken({ ...systemActor(b.brandId), userId: b.viewerId }, { name: 'op token', scopes: ['conversation:read'] });
  const viaToken = await t.app.inject({ method: 'GET', url: '/api/v1/brands', headers: { authorization: `Bearer ${token.token}` } });
  expect(viaToken.statusCode).toBe(403);
  await t.core.brands.setOperator(b.emails.viewer, false);
  expect((await as(t.app, op)('GET', '/api/v1/brands')).statusCode).toBe(403);
});

it('keeps a refused change unmade', async () => {
  const conv = await t.core.db.selectFrom('conversations').select(['id']).where('id', '=', ids.conversation ?? '').executeTakeFirstOrThrow();
  const before = await t.core.db.selectFrom('audit_events').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  const res = await as(t.app, sessions.get('viewer') ?? null)('POST', `/api/v1/conversations/${conv.id}/priority`, { priority: 'urgent' });
  expect(res.statusCode).toBe(403);
  const after = await t.core.db.selectFrom('audit_events').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  expect(after.n).toBe(before.n);
});
