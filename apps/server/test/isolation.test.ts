import { afterAll, beforeAll, expect, it } from 'vitest';
import { signApiBody, systemActor } from '@earshot/core';
import { describeEachDb } from '../../../test/support/db';
import { apiDelivery, seedBrand, type SeededBrand } from '../../../test/support/core';
import { seedCommunity } from '../../../test/support/community';
import { as, createTestApp, login, sessionOf, type Session, type TestApp } from '../../../test/support/http';

/**
 * Walks every route of the API: without a session every protected route answers 401, and a user
 * of brand B can neither read nor change anything of brand A through any route. A route added
 * without an entry here fails the test, so new routes cannot skip the walk.
 */
describeEachDb('brand isolation and authentication on every route', (kind) => {
  let t: TestApp;
  let a: SeededBrand;
  let b: SeededBrand;
  let bAdmin: Session;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestApp(kind);
    a = await seedBrand(t.core, 'alpha');
    b = await seedBrand(t.core, 'beta');
    const d = apiDelivery(a.apiSecret, [{ id: 'a-1', author: 'alice', text: 'alpha secret complaint' }]);
    await t.app.inject({ method: 'POST', url: `/api/v1/channels/${a.apiChannelId}/events`, headers: { 'content-type': 'application/json', 'x-earshot-signature': d.signature }, payload: d.body });
    await t.core.worker().drain();
    const conv = await t.core.db.selectFrom('conversations').select(['id', 'contact_id']).where('brand_id', '=', a.brandId).executeTakeFirstOrThrow();
    const actorA = systemActor(a.brandId);
    const note = await t.core.conversations.addNote({ ...actorA, userId: a.adminId }, conv.id, 'alpha internal note', [a.agentId]);
    const team = await t.core.admin.createTeam(actorA, { name: 'Alpha team', skills: [], memberIds: [] });
    await t.core.admin.setDeskSettings(actorA, { autoAwayMinutes: 17 });
    const token = await t.core.auth.createToken({ ...actorA, userId: a.adminId }, { name: 'alpha token', scopes: ['conversation:read'] });
    const canned = await t.core.canned.create({ ...actorA, userId: a.adminId }, { title: 'Alpha canned', text: 'alpha canned secret' });
    const inbound = await t.core.db.selectFrom('messages').select('id').where('brand_id', '=', a.brandId).where('direction', '=', 'inbound').executeTakeFirstOrThrow();
    const incident = await t.core.incidents.link({ ...actorA, userId: a.adminId }, conv.id, { title: 'alpha incident secret' });
    const identity = await t.core.db.selectFrom('contact_identities').select('id').where('brand_id', '=', a.brandId).executeTakeFirstOrThrow();
    const model = await t.core.db.insertInto('triage_models').values({ brand_id: a.brandId, version: 'alpha-1', model: '{}', metrics: '{}', state: 'candidate' }).returning('id').executeTakeFirstOrThrow();
    const article = await t.core.kb.create({ ...actorA, userId: a.adminId }, { title: 'Alpha article secret', slug: 'alpha-article', body: 'alpha article body secret', status: 'published' });
    Object.assign(ids, { article: article.id, brand: a.brandId });
    await t.core.crmHook.set({ ...actorA, userId: a.adminId }, { url: 'http://127.0.0.1:9/alpha-crm', secret: 'alpha-crm-secret-0123456789' });
    // A webhook of A with one delivery (port 9 refuses: it waits for its retry).
    const hook = await t.core.webhooks.create({ ...actorA, userId: a.adminId }, { url: 'http://127.0.0.1:9/alpha-hook', events: ['conversation.assigned'], description: 'alpha hook secret' });
    await t.core.conversations.assign({ ...actorA, userId: a.adminId }, conv.id, a.agentId);
    await t.core.conversations.assign({ ...actorA, userId: a.adminId }, conv.id, null);
    await t.core.webhooks.requestFanout(a.brandId);
    await t.core.worker().drain();
    await t.core.analytics.catchUp(a.brandId); // A's rollups exist: B's analytics must not count them
    const delivery = await t.core.db.selectFrom('webhook_deliveries').select('id').where('subscription_id', '=', hook.subscription.id).limit(1).executeTakeFirstOrThrow();
    await t.core.followups.setPolicy({ ...actorA, userId: a.adminId }, { teamId: null, enabled: true, waitHours: 48, businessHours: true, template: 'alpha followup secret', survey: false });
    const task = await t.core.db.insertInto('care_tasks').values({ brand_id: a.brandId, conversation_id: conv.id, kind: 'csat_follow_up', source_key: 'alpha-task', title: 'alpha task secret', assignee_id: a.agentId, due_at: new Date() }).returning('id').executeTakeFirstOrThrow();
    Object.assign(ids, { task: task.id });
    const batch = await t.core.notices.postIncidentUpdate({ ...actorA, userId: a.adminId, role: 'admin' }, incident[0]?.id ?? '', { text: 'alpha notice secret' });
    Object.assign(ids, { batch: batch.id });
    Object.assign(ids, { webhook: hook.subscription.id, webhookDelivery: delivery.id, webhookSecret: hook.secret });
    Object.assign(ids, { incident: incident[0]?.id ?? '', identity: identity.id, inbound: inbound.id, triageModel: model.id, canned: canned.id, id: conv.id, conversation: conv.id, contact: conv.contact_id, messageId: note.id, user: a.agentId, team: team.id, token: token.id, channel: a.apiChannelId });
    const c = await seedCommunity(t.core, a.brandId, 'Alpha community secret');
    await seedCommunity(t.core, b.brandId, 'Beta community question');
    Object.assign(ids, { cQuestion: c.question, cAnswer: c.answer, cComment: c.comment, cReport: c.report, cMember: c.member });
    bAdmin = await login(t.app, b.emails.admin, b.password);
  });
  afterAll(async () => { await t?.drop(); });

  // For each route: the params to use (brand A's objects) and a valid body.
  const plan: Record<string, { params?: Record<string, string>; body?: unknown; query?: string }> = {
    'POST /api/v1/auth/logout': {},
    'GET /api/v1/me': {},
    'GET /api/v1/conversations': {},
    'GET /api/v1/conversations/:id': { params: { id: 'conversation' } },
    'POST /api/v1/conversations/:id/assign': { params: { id: 'conversation' }, body: { assigneeId: null } },
    'POST /api/v1/conversations/:id/status': { params: { id: 'conversation' }, body: { status: 'resolved' } },
    'POST /api/v1/conversations/:id/priority': { params: { id: 'conversation' }, body: { priority: 'urgent' } },
    'POST /api/v1/conversations/:id/tags': { params: { id: 'conversation' }, body: { tags: ['x'] } },
    'POST /api/v1/conversations/:id/notes': { params: { id: 'conversation' }, body: { text: 'from beta' } },
    'POST /api/v1/conversations/:id/replies': { params: { id: 'conversation' }, body: { text: 'from beta', visibility: 'public' } },
    'POST /api/v1/conversations/:id/messages/:messageId/approve': { params: { id: 'conversation', messageId: 'messageId' } },
    'GET /api/v1/contacts/:id': { params: { id: 'contact' } },
    'PATCH /api/v1/contacts/:id': { params: { id: 'contact' }, body: { vip: true } },
    'POST /api/v1/contacts/:id/merge': { params: { id: 'contact' }, body: { sourceId: 'contact' } },
    'GET /api/v1/users': {},
    'GET /api/v1/desk-settings': {},
    'PUT /api/v1/desk-settings': { body: { autoAwayMinutes: 1 } },
    'POST /api/v1/users': { body: { email: 'admin@alpha.test', name: 'Hijack', role: 'viewer' } },
    'PATCH /api/v1/users/:id': { params: { id: 'user' }, body: { role: 'viewer' } },
    'GET /api/v1/teams': {},
    'POST /api/v1/teams': { body: { name: 'Alpha team' } },
    'PATCH /api/v1/teams/:id': { params: { id: 'team' }, body: { name: 'stolen' } },
    'GET /api/v1/tokens': {},
    'POST /api/v1/tokens': { body: { name: 't', scopes: ['conversation:read'] } },
    'DELETE /api/v1/tokens/:id': { params: { id: 'token' } },
    'GET /api/v1/channels': {},
    'POST /api/v1/channels': { body: { kind: 'api', name: 'c' } },
    'GET /api/v1/channels/:id/limits': { params: { id: 'channel' } },
    'GET /api/v1/channels/:id/setup': { params: { id: 'channel' } },
    'PATCH /api/v1/channels/:id': { params: { id: 'channel' }, body: { name: 'stolen', status: 'paused', rotateSecret: true } },
    'POST /api/v1/conversations/:id/calls': { params: { id: 'conversation' }, body: { direction: 'outbound', durationSeconds: 60, summary: 'from beta' } },
    'GET /api/v1/audit': {},
    'GET /api/v1/audit/verify': {},
    'GET /api/v1/audit/export': {},
    'GET /api/v1/events': {},
    'POST /api/v1/conversations/:id/presence': { params: { id: 'conversation' }, body: { state: 'viewing' } },
    'GET /api/v1/conversations/:id/presence': { params: { id: 'conversation' } },
    'GET /api/v1/canned-responses': {},
    'POST /api/v1/canned-responses': { body: { title: 'From beta', text: 'beta text' } },
    'PATCH /api/v1/canned-responses/:id': { params: { id: 'canned' }, body: { text: 'stolen' } },
    'DELETE /api/v1/canned-responses/:id': { params: { id: 'canned' } },
    'GET /api/v1/replies/repeats': {},
    'GET /api/v1/routing/rules': {},
    'PUT /api/v1/routing/rules': { body: { rules: [{ id: 'beta-1', name: 'Beta rule', when: { type: 'always' }, then: [{ type: 'add_tags', tags: ['beta'] }] }] } },
    'GET /api/v1/sla/policy': {},
    'PUT /api/v1/sla/policy': { body: { policy: { id: 'beta', name: 'Beta', targets: { low: {}, normal: { first_response: 60 }, high: {}, urgent: {} } } } },
    'GET /api/v1/business-hours': {},
    'POST /api/v1/sla/preview': {},
    'PUT /api/v1/business-hours': { body: { hours: { timeZone: 'Europe/Berlin', alwaysOpen: true } } },
    'GET /api/v1/reports/sla-compliance': {},
    'GET /api/v1/reports/response-times-by-channel': {},
    'GET /api/v1/analytics/overview': {},
    'GET /api/v1/analytics/timeseries': {},
    'GET /api/v1/analytics/breakdown': { query: '?by=agent' },
    'GET /api/v1/analytics/fairness': {},
    'GET /api/v1/analytics/topics': {},
    'GET /api/v1/analytics/negative-words': {},
    'GET /api/v1/analytics/backlog': {},
    'GET /api/v1/analytics/export': { query: '?kind=messages&format=jsonl' },
    'POST /api/v1/conversations/:id/transfer': { params: { id: 'conversation' }, body: { teamId: '00000000-0000-4000-8000-000000000000', note: 'from beta' } },
    'POST /api/v1/conversations/:id/messages/:messageId/corrections': { params: { id: 'conversation', messageId: 'inbound' }, body: { label: 'sentiment', value: 'positive' } },
    'GET /api/v1/triage/models': {},
    'POST /api/v1/triage/models/:id/promote': { params: { id: 'triageModel' } },
    'POST /api/v1/triage/models/rollback': {},
    'GET /api/v1/mentions': {},
    'POST /api/v1/mentions/read': { body: {} },
    'GET /api/v1/contacts': { query: '?q=alice' },
    'POST /api/v1/contacts/:id/unmerge': { params: { id: 'contact' }, body: { identityId: 'identity' } },
    'GET /api/v1/incidents': {},
    'POST /api/v1/incidents': { body: { title: 'From beta' } },
    'GET /api/v1/incidents/:id': { params: { id: 'incident' } },
    'PATCH /api/v1/incidents/:id': { params: { id: 'incident' }, body: { title: 'stolen', status: 'resolved' } },
    'POST /api/v1/conversations/:id/incidents': { params: { id: 'conversation' }, body: { incidentId: 'incident' } },
    'DELETE /api/v1/conversations/:id/incidents/:incidentId': { params: { id: 'conversation', incidentId: 'incident' } },
    'GET /api/v1/kb/articles': { query: '?q=alpha' },
    'POST /api/v1/kb/articles': { body: { title: 'From beta', slug: 'alpha-article', body: 'beta text' } },
    'GET /api/v1/kb/articles/:id': { params: { id: 'article' } },
    'PATCH /api/v1/kb/articles/:id': { params: { id: 'article' }, body: { title: 'stolen', status: 'archived' } },
    'DELETE /api/v1/kb/articles/:id': { params: { id: 'article' } },
    'POST /api/v1/kb/preview': { body: { body: 'beta preview' } },
    'GET /api/v1/conversations/:id/kb-suggestions': { params: { id: 'conversation' } },
    'GET /api/v1/crm-hook': {},
    'PUT /api/v1/crm-hook': { body: { url: 'http://127.0.0.1:9/beta-crm', secret: 'beta-crm-secret-0123456789' } },
    'DELETE /api/v1/crm-hook': {},
    'POST /api/v1/crm-hook/test': { body: { email: 'probe@beta.test' } },
    'GET /api/v1/webhooks': {},
    'GET /api/v1/webhooks/events': {},
    'POST /api/v1/webhooks': { body: { url: 'http://127.0.0.1:9/beta-hook', events: ['message.received'], enabled: false } },
    'GET /api/v1/webhooks/:id': { params: { id: 'webhook' } },
    'PATCH /api/v1/webhooks/:id': { params: { id: 'webhook' }, body: { url: 'http://127.0.0.1:9/stolen', enabled: false } },
    'DELETE /api/v1/webhooks/:id': { params: { id: 'webhook' } },
    'POST /api/v1/webhooks/:id/rotate-secret': { params: { id: 'webhook' } },
    'GET /api/v1/webhooks/:id/deliveries': { params: { id: 'webhook' } },
    'POST /api/v1/webhooks/:id/deliveries/:deliveryId/redeliver': { params: { id: 'webhook', deliveryId: 'webhookDelivery' } },
    'GET /api/v1/community/moderation': {},
    'GET /api/v1/community/questions': {},
    'GET /api/v1/community/questions/:id': { params: { id: 'cQuestion' } },
    'POST /api/v1/community/questions/:id/moderate': { params: { id: 'cQuestion' }, body: { action: 'hide' } },
    'POST /api/v1/community/answers/:id/moderate': { params: { id: 'cAnswer' }, body: { action: 'hide' } },
    'POST /api/v1/community/comments/:id/moderate': { params: { id: 'cComment' }, body: { action: 'hide' } },
    'POST /api/v1/community/questions/:id/answers': { params: { id: 'cQuestion' }, body: { body: 'from beta' } },
    'POST /api/v1/community/questions/:id/accept': { params: { id: 'cQuestion' }, body: { answerId: 'cAnswer' } },
    'POST /api/v1/community/questions/:id/promote': { params: { id: 'cQuestion' } },
    'POST /api/v1/community/reports/:id/resolve': { params: { id: 'cReport' } },
    'PATCH /api/v1/community/members/:id': { params: { id: 'cMember' }, body: { banned: true } },
    'POST /api/v1/auth/switch-brand': { body: { brand: 'alpha' } },
    'GET /api/v1/me/brands': {},
    'GET /api/v1/brand': {},
    'PATCH /api/v1/brand': { body: { name: 'Renamed by its own admin' } },
    'GET /api/v1/brands': {},
    'POST /api/v1/brands/:id/members': { params: { id: 'brand' }, body: { email: 'admin@beta.test', name: 'Intruder', role: 'admin' } },
    'POST /api/v1/brands': { body: { slug: 'alpha', name: 'Stolen', admin: { email: 'admin@alpha.test', name: 'Hijack' } } },
    'GET /api/v1/conversations/:id/care': { params: { id: 'conversation' } },
    'GET /api/v1/tasks': {},
    'GET /api/v1/followup-policies': {},
    'PUT /api/v1/followup-policies': { body: { teamId: null, waitHours: 1, template: 'stolen' } },
    'POST /api/v1/tasks/:id/complete': { params: { id: 'task' }, body: { outcome: 'stolen' } },
    'GET /api/v1/reports/csat': { query: '?groupBy=agent&format=csv' },
    'GET /api/v1/incidents/:id/notices': { params: { id: 'incident' } },
    'POST /api/v1/incidents/:id/notices': { params: { id: 'incident' }, body: { text: 'from beta', resolve: true } },
    'POST /api/v1/conversations/bulk-reply': { body: { conversationIds: ['conversation'], text: 'from beta', acknowledgeRepeat: true } },
    'GET /api/v1/notice-batches/:id': { params: { id: 'batch' } },
    'GET /api/v1/notice-batches/:id/notices': { params: { id: 'batch' } },
    'POST /api/v1/notice-batches/:id/retry': { params: { id: 'batch' } },
  };

  const protectedRoutes = () => t.app.routeTable.filter((r) => !r.public && r.method !== 'HEAD' && r.url.startsWith('/api/'));
  const urlFor = (url: string, params: Record<string, string> = {}, query = '') => url.replace(/:(\w+)/g, (_, p: string) => ids[params[p] ?? ''] ?? 'missing') + query;
  const bodyFor = (body: unknown): unknown => (body && typeof body === 'object' && 'sourceId' in body ? { sourceId: ids.contact }
    : body && typeof body === 'object' && 'identityId' in body ? { identityId: ids.identity }
    : body && typeof body === 'object' && 'incidentId' in body ? { incidentId: ids.incident }
    : body && typeof body === 'object' && 'answerId' in body ? { answerId: ids.cAnswer }
    : body && typeof body === 'object' && 'conversationIds' in body ? { ...body, conversationIds: [ids.conversation] } : body);

  const secrets = () => [ids.conversation, ids.contact, ids.messageId, ids.inbound, ids.triageModel, 'alpha-1', ids.team, ids.token, ids.channel, 'alpha secret complaint', 'alpha internal note', 'alpha canned secret', ids.canned, 'admin@alpha.test', 'agent@alpha.test', 'alpha incident secret', ids.incident, ids.article, 'Alpha article secret', 'alpha article body secret', 'alpha-crm', 'alpha-crm-secret-0123456789', ids.webhook, ids.webhookDelivery, ids.webhookSecret, 'alpha-hook', a.brandId, 'Brand alpha', 'Alpha community secret', ids.cQuestion, ids.cAnswer, ids.cMember, ids.task, 'alpha task secret', 'alpha followup secret', ids.batch, 'alpha notice secret'];
  /** Every route as this session, with brand A's ids: nothing of A in any answer, and every id of A unknown. */
  async function walk(session: Session, extraSecrets: string[] = []): Promise<void> {
    for (const r of protectedRoutes()) {
      if (r.url === '/api/v1/events' || r.url === '/api/v1/auth/logout') continue; // stream and sign-out checked separately
      const p = plan[`${r.method} ${r.url}`] ?? {};
      const res = await as(t.app, session)(r.method, urlFor(r.url, p.params, p.query), p.body === undefined ? undefined : bodyFor(p.body));
      const hasParams = r.url.includes(':');
      if (hasParams) expect([r.method, r.url, res.statusCode]).toEqual([r.method, r.url, expect.toSatisfy((s: number) => s === 404 || s === 403)]);
      for (const s of [...secrets(), ...extraSecrets]) expect([r.method, r.url, res.body.includes(s ?? '∅')]).toEqual([r.method, r.url, false]);
    }
  }

  it('has a plan for every protected route', () => {
    const missing = protectedRoutes().map((r) => `${r.method} ${r.url}`).filter((k) => !(k in plan));
    expect(missing).toEqual([]);
  });

  it('answers 401 on every protected route without credentials', async () => {
    for (const r of protectedRoutes()) {
      const p = plan[`${r.method} ${r.url}`];
      const res = await as(t.app, null)(r.method, urlFor(r.url, p?.params, p?.query), p?.body === undefined ? undefined : bodyFor(p.body));
      expect([r.method, r.url, res.statusCode, res.json<{ error: { code: string } }>().error.code]).toEqual([r.method, r.url, 401, 'EARSHOT_UNAUTHENTICATED']);
    }
  });

  it('never lets brand B read or change brand A through any route', async () => {
    await walk(bAdmin);
    // Brand A is untouched.
    expect(await t.core.db.selectFrom('channels').select(['name', 'status']).where('id', '=', a.apiChannelId).executeTakeFirstOrThrow()).toEqual({ name: 'API', status: 'active' });
    const conv = await t.core.db.selectFrom('conversations').selectAll().where('id', '=', ids.conversation ?? '').executeTakeFirstOrThrow();
    expect(conv).toMatchObject({ status: 'open', priority: 'normal', tags: [] });
    const users = await t.core.auth.listUsers(a.brandId);
    expect(users.find((u) => u.email === 'admin@alpha.test')?.role).toBe('admin');
    expect(await t.core.brands.settings(a.brandId)).toMatchObject({ slug: 'alpha', name: 'Brand alpha' });
    expect((await t.core.admin.listTeams(a.brandId)).map((x) => x.name)).toEqual(['Alpha team']);
    expect(await t.core.admin.getDeskSettings(a.brandId)).toEqual({ autoAwayMinutes: 17 });
    expect((await t.core.auth.listTokens(a.brandId))[0]?.revokedAt).toBeNull();
    expect((await t.core.canned.list(systemActor(a.brandId))).map((c) => c.text)).toEqual(['alpha canned secret']);
    expect((await t.core.incidents.links(systemActor(a.brandId), ids.conversation ?? '')).map((l) => [l.title, l.status])).toEqual([['alpha incident secret', 'open']]);
    expect(await t.core.kb.get(systemActor(a.brandId), ids.article ?? '')).toMatchObject({ title: 'Alpha article secret', status: 'published', body: 'alpha article body secret' });
    expect(await t.core.crmHook.get(systemActor(a.brandId))).toMatchObject({ configured: true, url: 'http://127.0.0.1:9/alpha-crm' });
    expect(await t.core.crmHook.target(a.brandId)).toEqual({ url: 'http://127.0.0.1:9/alpha-crm', secret: 'alpha-crm-secret-0123456789' });
    expect(await t.core.webhooks.get(systemActor(a.brandId), ids.webhook ?? '')).toMatchObject({ url: 'http://127.0.0.1:9/alpha-hook', enabled: true });
    const sealed = await t.core.db.selectFrom('webhook_subscriptions').select('secret_enc').where('id', '=', ids.webhook ?? '').executeTakeFirstOrThrow();
    expect(t.core.box.open(sealed.secret_enc)).toBe(ids.webhookSecret);
    expect(await t.core.db.selectFrom('jobs').select('id').where('key', 'like', 'webhook.redeliver:%').execute()).toEqual([]);
    expect((await t.core.followups.policies(systemActor(a.brandId))).map((p) => [p.template, p.waitHours])).toEqual([['alpha followup secret', 48]]);
    expect(await t.core.db.selectFrom('care_tasks').select(['status', 'outcome']).where('id', '=', ids.task ?? '').executeTakeFirstOrThrow()).toEqual({ status: 'open', outcome: null });
    expect(await t.core.db.selectFrom('triage_corrections').select('id').where('brand_id', '=', a.brandId).execute()).toEqual([]);
    expect((await t.core.db.selectFrom('note_mentions').select('read_at').where('brand_id', '=', a.brandId).execute()).map((m) => m.read_at)).toEqual([null]);
    expect((await t.core.db.selectFrom('triage_models').select('state').where('id', '=', ids.triageModel ?? '').executeTakeFirstOrThrow()).state).toBe('candidate');
    expect(await t.core.db.selectFrom('community_questions').select(['status', 'locked_at', 'kb_article_id', 'answer_count']).where('id', '=', ids.cQuestion ?? '').executeTakeFirstOrThrow()).toEqual({ status: 'visible', locked_at: null, kb_article_id: null, answer_count: 1 });
    expect((await t.core.db.selectFrom('community_reports').select('resolved_at').where('id', '=', ids.cReport ?? '').executeTakeFirstOrThrow()).resolved_at).toBeNull();
    expect((await t.core.db.selectFrom('community_members').select('banned_at').where('id', '=', ids.cMember ?? '').executeTakeFirstOrThrow()).banned_at).toBeNull();
  });

  it('shows brand A\'s community question on A\'s pages only', async () => {
    const own = await t.app.inject({ method: 'GET', url: `/community/alpha/questions/${ids.cQuestion ?? ''}` });
    expect(own.statusCode).toBe(200);
    expect(own.body).toContain('Alpha community secret');
    for (const url of [`/community/beta/questions/${ids.cQuestion ?? ''}`, '/community/beta?q=alpha+community+secret', '/community/beta']) {
      const res = await t.app.inject({ method: 'GET', url });
      expect([url, res.body.includes('Alpha community secret')]).toEqual([url, false]);
      if (url.includes('/questions/')) expect(res.statusCode).toBe(404);
    }
  });

  it('lets a user of brands B and C switch between them and never reach A; switching carries nothing of B into C', async () => {
    const c = await seedBrand(t.core, 'gamma');
    const d = apiDelivery(b.apiSecret, [{ id: 'b-1', author: 'bob', text: 'beta private complaint' }]);
    await t.app.inject({ method: 'POST', url: `/api/v1/channels/${b.apiChannelId}/events`, headers: { 'content-type': 'application/json', 'x-earshot-signature': d.signature }, payload: d.body });
    await t.core.worker().drain();
    const betaConv = await t.core.db.selectFrom('conversations').select('id').where('brand_id', '=', b.brandId).executeTakeFirstOrThrow();
    // Gamma's admin is also an admin of beta (an agency serving two brands).
    await t.core.admin.upsertUser(systemActor(b.brandId), { email: c.emails.admin, name: 'Agency lead', role: 'admin' });
    const inBeta = await login(t.app, c.emails.admin, c.password);
    expect((await as(t.app, inBeta)('POST', '/api/v1/auth/switch-brand', { brand: 'beta' })).statusCode).toBe(200);
    await expect(as(t.app, inBeta)('GET', '/api/v1/me').then((r) => r.statusCode)).resolves.toBe(401); // the gamma session is gone
    const beta = await login(t.app, c.emails.admin, c.password).then(async (s) => {
      const res = await as(t.app, s)('POST', '/api/v1/auth/switch-brand', { brand: b.brandId });
      return sessionOf(res);
    });
    const mine = (await as(t.app, beta)('GET', '/api/v1/me/brands')).json<{ items: { slug: string; current: boolean }[] }>().items;
    expect(mine.map((m) => [m.slug, m.current]).sort()).toEqual([['beta', true], ['gamma', false]]);
    expect((await as(t.app, beta)('GET', `/api/v1/conversations/${betaConv.id}`)).statusCode).toBe(200);
    // In beta: nothing of alpha through any route, and alpha cannot be switched to.
    await walk(beta);
    const refused = await as(t.app, beta)('POST', '/api/v1/auth/switch-brand', { brand: 'alpha' });
    expect([refused.statusCode, refused.json<{ error: { code: string } }>().error.code]).toEqual([403, 'EARSHOT_FORBIDDEN']);

    const switched = await as(t.app, beta)('POST', '/api/v1/auth/switch-brand', { brand: 'gamma' });
    expect(switched.json<{ brand: { slug: string }; user: { role: string } }>()).toMatchObject({ brand: { slug: 'gamma' }, user: { role: 'admin' } });
    const gamma = sessionOf(switched);
    // The beta cookie ended; the beta CSRF token does not work with the gamma cookie.
    expect((await as(t.app, beta)('GET', '/api/v1/conversations')).statusCode).toBe(401);
    expect((await as(t.app, { cookie: gamma.cookie, csrf: beta.csrf })('POST', '/api/v1/teams', { name: 'x' })).statusCode).toBe(403);
    // In gamma: nothing of alpha, nothing of beta.
    expect((await as(t.app, gamma)('GET', `/api/v1/conversations/${betaConv.id}`)).statusCode).toBe(404);
    await walk(gamma, [betaConv.id, 'beta private complaint', b.apiChannelId, 'admin@beta.test']);
  });

  it('does not accept events for brand A\'s channel signed with brand B\'s secret', async () => {
    const body = JSON.stringify({ id: 'x-1', message: { providerMessageId: 'x-1', visibility: 'public', author: { externalId: 'mallory' }, text: 'forged', sentAt: new Date().toISOString() } });
    const res = await t.app.inject({ method: 'POST', url: `/api/v1/channels/${a.apiChannelId}/events`, headers: { 'content-type': 'application/json', 'x-earshot-signature': signApiBody(b.apiSecret, body) }, payload: body });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ error: { code: 'EARSHOT_SIGNATURE_INVALID' } });
  });

  it('lets an API token act only within its scopes and its brand', async () => {
    const created = await t.core.auth.createToken({ ...systemActor(b.brandId), userId: b.adminId }, { name: 'reader', scopes: ['conversation:read'] });
    const get = (url: string) => t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${created.token}` } });
    expect((await get('/api/v1/conversations')).statusCode).toBe(200);
    expect((await get(`/api/v1/conversations/${ids.conversation}`)).statusCode).toBe(404);
    expect((await get('/api/v1/users')).statusCode).toBe(403);
    const res = await t.app.inject({ method: 'POST', url: `/api/v1/conversations/${ids.conversation}/notes`, headers: { authorization: `Bearer ${created.token}`, 'content-type': 'application/json' }, payload: { text: 'x' } });
    expect(res.statusCode).toBe(403);
  });
});
