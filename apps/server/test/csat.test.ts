import { afterAll, beforeAll, expect, it } from 'vitest';
import { surveyToken } from '@earshot/core';
import type { CsatReport } from '@earshot/domain';
import { describeEachDb } from '../../../test/support/db';
import { apiDelivery, seedBrand, TEST_SECRET_KEY, type SeededBrand } from '../../../test/support/core';
import { as, createTestApp, login, type Session, type TestApp } from '../../../test/support/http';

const form = (fields: [string, string][]) => new URLSearchParams(fields).toString();

describeEachDb('satisfaction over HTTP: the public survey page and the report', (kind) => {
  let t: TestApp;
  let a: SeededBrand;
  let agent: Session;
  let viewer: Session;
  let token = '';
  let conversationId = '';

  beforeAll(async () => {
    t = await createTestApp(kind);
    a = await seedBrand(t.core, 'csathttp');
    agent = await login(t.app, a.emails.agent, a.password);
    await t.core.followups.setPolicy({ type: 'user', id: a.adminId, userId: a.adminId, brandId: a.brandId, role: 'admin' }, { teamId: null, enabled: false, waitHours: 24, businessHours: true, template: 'x', survey: true });
    viewer = await login(t.app, a.emails.viewer, a.password);
    const d = apiDelivery(a.apiSecret, [{ id: 'h-1', author: 'eve', text: 'My <b>bill</b> is wrong', visibility: 'private' }]);
    await t.app.inject({ method: 'POST', url: `/api/v1/channels/${a.apiChannelId}/events`, headers: { 'content-type': 'application/json', 'x-earshot-signature': d.signature }, payload: d.body });
    const w = t.core.worker();
    await w.drain();
    const conv = await t.core.db.selectFrom('conversations').select('id').where('brand_id', '=', a.brandId).executeTakeFirstOrThrow();
    conversationId = conv.id;
    const res = await as(t.app, agent)('POST', `/api/v1/conversations/${conv.id}/status`, { status: 'resolved' });
    expect(res.statusCode, res.body).toBe(200);
    await w.drain();
    const s = await t.core.db.selectFrom('csat_surveys').select('id').where('conversation_id', '=', conv.id).executeTakeFirstOrThrow();
    token = surveyToken(TEST_SECRET_KEY, s.id);
  });
  afterAll(async () => { await t?.drop(); });

  const page = (method: 'GET' | 'POST', tok: string, body?: string) => t.app.inject({
    method, url: `/csat/${tok}`, ...(body !== undefined ? { headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: body } : {}),
  });

  it('serves the survey without a session, with a strict policy and no script', async () => {
    const res = await page('GET', token);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toContain('How did we do?');
    expect(res.body).toContain('Agent csathttp');
    expect(res.body).not.toContain('<script');
    expect(res.body).toContain('name="viewport"');
  });

  it('stores a low score once, asks for reasons, then lets the customer change it; a task is opened once', async () => {
    const low = await page('POST', token, form([['score', '1'], ['comment', '<script>alert(1)</script> still broken']]));
    expect(low.statusCode).toBe(200);
    expect(low.body).toContain('What went wrong?');
    expect(low.body).not.toContain('<script>alert(1)</script>');
    expect(low.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt; still broken');
    const reasons = await page('POST', token, form([['score', '1'], ['comment', 'still broken'], ['reasons', 'not_fixed'], ['reasons', 'repeated'], ['step', 'reasons']]));
    expect(reasons.statusCode).toBe(200);
    expect(reasons.body).toContain('Thank you');
    expect(reasons.body).toContain('Someone from the team will get back to you');
    const changed = await page('POST', token, form([['score', '4']]));
    expect(changed.body).toContain('4/5');
    const rows = await t.core.db.selectFrom('csat_surveys').select(['score', 'reasons', 'answer_count']).where('conversation_id', '=', conversationId).execute();
    expect(rows).toEqual([{ score: 4, reasons: [], answer_count: 3 }]);
    const care = await as(t.app, agent)('GET', `/api/v1/conversations/${conversationId}/care`);
    expect(care.statusCode).toBe(200);
    const body = care.json<{ surveys: { score: number }[]; tasks: { kind: string; assigneeId: string; title: string }[] }>();
    expect(body.surveys[0]?.score).toBe(4);
    expect(body.tasks).toHaveLength(1);
    expect(body.tasks[0]).toMatchObject({ kind: 'csat_follow_up', assigneeId: a.agentId });
    const mine = await as(t.app, agent)('GET', '/api/v1/tasks?assignee=me');
    expect(mine.json<{ items: unknown[] }>().items).toHaveLength(1);
  });

  it('answers bad input with a clear page, never a 500', async () => {
    const forged = `${token.slice(0, 42)}${token.endsWith('x') ? 'y' : 'x'}`;
    // Longer than any token: the router refuses it before the page (414, still a 4xx).
    expect((await page('GET', 'x'.repeat(300))).statusCode).toBe(414);
    for (const bad of [forged, 'nope', 'a'.repeat(43), '%27%3Cscript%3E', 'x'.repeat(99)]) {
      const res = await page('GET', bad);
      expect([bad, res.statusCode]).toEqual([bad, 404]);
      expect(res.body).toContain('This survey link is not valid');
      expect((await page('POST', bad, form([['score', '5']]))).statusCode).toBe(404);
    }
    for (const body of [form([['score', '9']]), form([['score', 'abc']]), form([]), form([['score', '3'], ['reasons', 'hacked']])]) {
      const res = await page('POST', token, body);
      expect([body, res.statusCode]).toEqual([body, 400]);
      expect(res.body).toContain('Please pick a rating from 1 to 5.');
    }
    const json = await t.app.inject({ method: 'POST', url: `/csat/${token}`, headers: { 'content-type': 'application/json' }, payload: '{"score":5}' });
    expect(json.statusCode).toBe(400);
    // Expired: 28 days after sending.
    await t.core.db.updateTable('csat_surveys').set({ expires_at: new Date(Date.now() - 1000) }).where('conversation_id', '=', conversationId).execute();
    const expired = await page('GET', token);
    expect(expired.statusCode).toBe(410);
    expect(expired.body).toContain('This survey has closed');
    expect((await page('POST', token, form([['score', '5']]))).statusCode).toBe(410);
    await t.core.db.updateTable('csat_surveys').set({ expires_at: new Date(Date.now() + 86_400_000) }).where('conversation_id', '=', conversationId).execute();
  });

  it('reports by agent as JSON and CSV, for roles with analytics', async () => {
    const json = await as(t.app, viewer)('GET', '/api/v1/reports/csat?groupBy=agent');
    expect(json.statusCode, json.body).toBe(200);
    const r = json.json<CsatReport>();
    expect(r.rows).toEqual([expect.objectContaining({ key: a.agentId, label: 'Agent csathttp', sent: 1, answered: 1, responseRate: 1, averageScore: 4, csat: 1, scores: [0, 0, 0, 1, 0] })]);
    const csv = await as(t.app, viewer)('GET', '/api/v1/reports/csat?groupBy=visibility&format=csv');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.split('\r\n')).toEqual([
      'group,key,sent,answered,response_rate,average_score,csat,score_1,score_2,score_3,score_4,score_5',
      'Private,private,1,1,1,4,1,0,0,0,1,0',
      'All,,1,1,1,4,1,0,0,0,1,0',
      '',
    ]);
    const bad = await as(t.app, viewer)('GET', '/api/v1/reports/csat?groupBy=planet');
    expect(bad.statusCode).toBe(400);
    const range = await as(t.app, viewer)('GET', '/api/v1/reports/csat?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z');
    expect(range.json()).toMatchObject({ error: { code: 'EARSHOT_VALIDATION' } });
  });
});
