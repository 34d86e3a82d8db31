import { afterAll, beforeAll, expect, it } from 'vitest';
import type { SmtpTestServer } from '@earshot/core';
import { describeEachDb } from '../../../test/support/db';
import { seedBrand, type SeededBrand } from '../../../test/support/core';
import { createTestApp, type TestApp } from '../../../test/support/http';
import { linkFromMail, setUpCommunity, startLinkSmtp, tokenOf } from '../../../test/support/community';

interface Member { cookie: string; csrf: string }

describeEachDb('community pages over HTTP: sign-in by link, posting, bad input', (kind) => {
  let t: TestApp;
  let a: SeededBrand;
  let smtp: SmtpTestServer;
  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
  const post = (url: string, fields: Record<string, string>, m: Member | null, headers: Record<string, string> = {}) => t.app.inject({
    method: 'POST', url, payload: form({ ...(m ? { _csrf: m.csrf } : {}), ...fields }),
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(m ? { cookie: m.cookie } : {}), ...headers },
  });

  async function signIn(email: string, name: string): Promise<Member> {
    const req = await post('/community/pages-a/signin', { email, displayName: name }, null);
    expect(req.statusCode).toBe(200);
    expect(req.body).toContain('Check your email');
    const link = new URL(linkFromMail(smtp, email));
    // The link shows a confirmation page (a mail scanner fetching it uses nothing up)…
    const page = await t.app.inject({ method: 'GET', url: `${link.pathname}${link.search}` });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(email);
    // …and its button signs in.
    const res = await post('/community/pages-a/signin/verify', { token: tokenOf(link.toString()) }, null);
    expect(res.statusCode).toBe(303);
    const set = [res.headers['set-cookie']].flat().find((c): c is string => typeof c === 'string' && c.startsWith('earshot_community='));
    expect(set).toMatch(/HttpOnly/i);
    expect(set).toMatch(/Path=\/community\/pages-a/);
    const cookie = set?.split(';')[0] ?? '';
    const home = await t.app.inject({ method: 'GET', url: '/community/pages-a', headers: { cookie } });
    const csrf = /name="_csrf" value="([^"]+)"/.exec(home.body)?.[1] ?? '';
    expect(csrf).not.toBe('');
    return { cookie, csrf };
  }

  beforeAll(async () => {
    t = await createTestApp(kind);
    a = await seedBrand(t.core, 'pages-a');
    await seedBrand(t.core, 'pages-b');
    smtp = await startLinkSmtp(['ana@example.com', 'ben@example.com']);
    await setUpCommunity(t.core, a.brandId, smtp, { holdFirstPosts: false, publicUrl: 'http://community.test' });
  });
  afterAll(async () => { await smtp.stop(); await t.drop(); });

  it('a member asks, another answers, votes once, the asker accepts; hostile titles and Markdown are inert', async () => {
    const ana = await signIn('ana@example.com', 'Ana');
    const ben = await signIn('ben@example.com', 'Ben');
    const ask = await post('/community/pages-a/questions', { title: '<img src=x onerror=alert(1)> Wifi drops', body: '<script>alert(2)</script>\n\n[click](javascript:alert(3))', tags: 'wifi' }, ana);
    expect(ask.statusCode).toBe(303);
    const qPath = String(ask.headers.location).split('?')[0] ?? '';
    const page = await t.app.inject({ method: 'GET', url: qPath });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.body).not.toContain('<img src=x');
    expect(page.body).toContain('&lt;img src=x onerror=alert(1)&gt; Wifi drops');
    expect(page.body).not.toContain('<script>alert(2)');
    expect(page.body).not.toContain('href="javascript:');
    const answer = await post(`${qPath}/answers`, { body: 'Restart the **router**.' }, ben);
    expect(answer.statusCode).toBe(303);
    const answerId = /#answer-([0-9a-f-]{36})/.exec(String(answer.headers.location))?.[1] ?? '';
    const vote = { targetType: 'answer', targetId: answerId, value: '1' };
    expect((await post('/community/pages-a/votes', vote, ana)).statusCode).toBe(303);
    const twice = await post('/community/pages-a/votes', vote, ana);
    expect(twice.statusCode).toBe(409);
    expect(twice.body).toContain('already voted');
    expect((await post(`${qPath}/accept`, { answerId }, ben)).statusCode).toBe(403);
    expect((await post(`${qPath}/accept`, { answerId }, ana)).statusCode).toBe(303);
    const after = await t.app.inject({ method: 'GET', url: qPath });
    expect(after.body).toContain('✓ Accepted answer');
    expect(after.body).toContain('<strong>router</strong>');
  });

  it('refuses forged and expired links, missing CSRF tokens, oversize and locked posts with clear pages, never a 500', async () => {
    const ana = await signIn('ana@example.com', 'Ana');
    const forged = await t.app.inject({ method: 'GET', url: `/community/pages-a/signin/verify?token=${'A'.repeat(43)}` });
    expect(forged.statusCode).toBe(401);
    expect(forged.body).toContain('not valid');
    expect((await post('/community/pages-a/signin/verify', { token: 'nonsense' }, null)).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: '/community/pages-a/signin/verify' })).statusCode).toBe(401);
    // Expired: a link older than its 15 minutes.
    await post('/community/pages-a/signin', { email: 'ben@example.com' }, null);
    const old = tokenOf(linkFromMail(smtp, 'ben@example.com'));
    await t.core.db.updateTable('community_login_tokens').set({ expires_at: new Date(Date.now() - 1000) }).where('email', '=', 'ben@example.com').execute();
    expect((await post('/community/pages-a/signin/verify', { token: old }, null)).statusCode).toBe(401);

    const noCsrf = await t.app.inject({ method: 'POST', url: '/community/pages-a/questions', payload: form({ title: 'x', body: 'y' }), headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: ana.cookie } });
    expect(noCsrf.statusCode).toBe(403);
    const foreign = await post('/community/pages-a/questions', { title: 'x', body: 'y' }, ana, { origin: 'https://evil.example' });
    expect(foreign.statusCode).toBe(403);
    const garbled = await post('/community/pages-a/questions', { title: 'x', body: 'y' }, ana, { origin: 'not a url' });
    expect(garbled.statusCode).toBe(403);
    const anonymous = await post('/community/pages-a/questions', { title: 'x', body: 'y' }, null);
    expect(anonymous.statusCode).toBe(401);

    const tooLong = await post('/community/pages-a/questions', { title: 'Long one', body: 'x'.repeat(20_001) }, ana);
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.body).toContain('too long');
    const huge = await post('/community/pages-a/questions', { title: 'Huge', body: 'x'.repeat(70_000) }, ana);
    expect(huge.statusCode).toBe(413);
    expect(huge.headers['content-type']).toContain('text/html');

    const ask = await post('/community/pages-a/questions', { title: 'Will be locked', body: 'b' }, ana);
    const qId = /questions\/([0-9a-f-]{36})/.exec(String(ask.headers.location))?.[1] ?? '';
    await t.core.communityDesk.moderate({ type: 'user', id: a.agentId, userId: a.agentId, brandId: a.brandId, role: 'agent' }, 'question', qId, 'lock');
    const locked = await post(`/community/pages-a/questions/${qId}/answers`, { body: 'late' }, ana);
    expect(locked.statusCode).toBe(409);
    expect(locked.body).toContain('locked');

    for (const url of ['/community/pages-a/questions/not-a-uuid', '/community/pages-a/questions/00000000-0000-4000-8000-000000000000', '/community/nope', '/community/pages-b', '/community/%E0%A4%A']) {
      const res = await t.app.inject({ method: 'GET', url });
      expect([url, res.statusCode]).toEqual([url, expect.toSatisfy((s: number) => s >= 400 && s < 500)]);
    }
    const renamed = await post('/community/pages-a/profile', { displayName: 'Ana B.' }, ana);
    expect(renamed.statusCode).toBe(303);
    expect((await t.app.inject({ method: 'GET', url: '/community/pages-a', headers: { cookie: ana.cookie } })).body).toContain('Ana B.');
    expect((await post('/community/pages-a/profile', { displayName: 'x'.repeat(61) }, ana)).statusCode).toBe(400);
    // A community whose email channel is paused cannot send links: a clear page, not a 500.
    const emailCh = await t.core.db.selectFrom('channels').select('id').where('brand_id', '=', a.brandId).where('kind', '=', 'email').executeTakeFirstOrThrow();
    await t.core.db.updateTable('channels').set({ status: 'paused' }).where('id', '=', emailCh.id).execute();
    const noMail = await post('/community/pages-a/signin', { email: 'ana@example.com' }, null);
    expect(noMail.statusCode).toBe(503);
    expect(noMail.body).toContain('could not send a sign-in email');
    await t.core.db.updateTable('channels').set({ status: 'active' }).where('id', '=', emailCh.id).execute();
    const badVote = await post('/community/pages-a/votes', { targetType: 'x', targetId: 'y', value: '7' }, ana);
    expect(badVote.statusCode).toBe(400);
    // A member session of this brand is nobody on another brand's pages (cookie path aside).
    const other = await t.app.inject({ method: 'GET', url: '/community/pages-a/ask', headers: { cookie: 'earshot_community=forged' } });
    expect(other.statusCode).toBe(303);
  });
});
