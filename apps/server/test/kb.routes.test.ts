import { createHash } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { systemActor } from '@earshot/core';
import type { KbArticlePage, KbArticleView, KbSuggestions } from '@earshot/domain';
import { DEMO_ARTICLES, seedDemoArticles } from '../src/demo-articles';
import { describeEachDb } from '../../../test/support/db';
import { apiDelivery, seedBrand, type SeededBrand } from '../../../test/support/core';
import { as, createTestApp, login, type Session, type TestApp } from '../../../test/support/http';

const XSS = [
  '# Safe title',
  '<script>window.__kbXss = 1</script>',
  '<img src=x onerror="window.__kbXss = 2">',
  '[click](javascript:window.__kbXss=3) [data](data:text/html;base64,PHNjcmlwdD4=) [ent](java&#58;script:alert(1))',
  '[ok](https://example.com/help)',
].join('\n\n');

describeEachDb('knowledge base over HTTP: articles, suggestions, public page', (kind) => {
  let t: TestApp;
  let a: SeededBrand;
  let b: SeededBrand;
  let admin: Session;
  let agent: Session;
  let bAdmin: Session;

  beforeAll(async () => {
    t = await createTestApp(kind);
    a = await seedBrand(t.core, 'kbhttp');
    b = await seedBrand(t.core, 'kbhttp-b');
    admin = await login(t.app, a.emails.admin, a.password);
    agent = await login(t.app, a.emails.agent, a.password);
    bAdmin = await login(t.app, b.emails.admin, b.password);
  });
  afterAll(async () => { await t?.drop(); });

  it('writes, lists, searches and pages articles; refuses bad input with a coded 4xx', async () => {
    const post = (body: unknown) => as(t.app, admin)('POST', '/api/v1/kb/articles', body);
    const created = await post({ title: 'Refunds for late parcels', body: 'We refund the **delivery** charge.', tags: ['Delivery'] });
    expect(created.statusCode, created.body).toBe(200);
    const v = created.json<KbArticleView>();
    expect(v).toMatchObject({ slug: 'refunds-for-late-parcels', status: 'draft', tags: ['delivery'], path: '/kb/kbhttp/refunds-for-late-parcels' });

    for (const [body, field] of [
      [{ title: '', body: 'x' }, 'body.title'], [{ title: 'x'.repeat(201), body: 'x' }, 'body.title'], [{ title: 'T', body: 'x', status: 'live' }, 'body.status'],
      [{ title: 'T', body: 'x', slug: 'Not A Slug' }, 'body.slug'], [{ title: 'T', body: 'x', tags: 'delivery' }, 'body.tags'], [{ title: 'T' }, 'body.body'],
      [{ title: 'T', body: 'x', extra: 1 }, 'body'], [{ title: 'T', body: 'x'.repeat(50_001) }, 'body.body'],
    ] as const) {
      const res = await post(body);
      expect([res.statusCode, res.json<{ error: { code: string; field?: string } }>().error]).toEqual([400, expect.objectContaining({ code: 'EARSHOT_VALIDATION', field })]);
    }
    // A NUL (which PostgreSQL cannot store) is dropped from JSON strings before any route sees them.
    const nulBody = await post({ title: 'Nul a\u0000b', body: 'nul \u0000' });
    expect(nulBody.statusCode, nulBody.body).toBe(200);
    expect(nulBody.json<KbArticleView>()).toMatchObject({ title: 'Nul ab', body: 'nul ' });
    const dup = await post({ title: 'Refunds for late parcels', body: 'again' });
    expect([dup.statusCode, dup.json<{ error: { code: string } }>().error.code]).toEqual([409, 'EARSHOT_CONFLICT']);
    const badCursor = await as(t.app, agent)('GET', '/api/v1/kb/articles?cursor=abc');
    expect([badCursor.statusCode, badCursor.json<{ error: { field: string } }>().error.field]).toEqual([400, 'query.cursor']);
    expect((await as(t.app, agent)('GET', '/api/v1/kb/articles/not-a-uuid')).statusCode).toBe(400);
    const nul = await as(t.app, agent)('GET', '/api/v1/kb/articles?q=%00');
    expect([nul.statusCode, nul.json<{ error: { code: string; field: string } }>().error]).toEqual([400, expect.objectContaining({ code: 'EARSHOT_VALIDATION', field: 'query' })]);

    for (let i = 0; i < 4; i++) expect((await post({ title: `Parcel question ${i}`, body: 'parcel answers', status: 'published' })).statusCode).toBe(200);
    // An agent reads: every page of a search, in rank order, each article once.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await as(t.app, agent)('GET', `/api/v1/kb/articles?q=parcel&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.statusCode).toBe(200);
      const page = res.json<KbArticlePage>();
      seen.push(...page.items.map((x) => x.title));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);
    expect(seen.at(-1)).toBe('Refunds for late parcels'); // "parcel" only in its title once; the others say it in title and body

    // An agent may read but not write.
    const refused = await as(t.app, agent)('PATCH', `/api/v1/kb/articles/${v.id}`, { status: 'published' });
    expect([refused.statusCode, refused.json<{ error: { code: string } }>().error.code]).toEqual([403, 'EARSHOT_FORBIDDEN']);
    const published = await as(t.app, admin)('PATCH', `/api/v1/kb/articles/${v.id}`, { status: 'published' });
    expect(published.json<KbArticleView>().publishedAt).not.toBeNull();
    const renamed = await as(t.app, admin)('PATCH', `/api/v1/kb/articles/${v.id}`, { slug: 'new-slug' });
    expect([renamed.statusCode, renamed.json<{ error: { code: string } }>().error.code]).toEqual([409, 'EARSHOT_INVALID_STATE']);
  });

  it('answers 404 for another brand\'s article through every article route', async () => {
    const mine = (await as(t.app, admin)('POST', '/api/v1/kb/articles', { title: 'Alpha only', body: 'alpha secret body', status: 'published' })).json<KbArticleView>();
    for (const [method, body] of [['GET', undefined], ['PATCH', { title: 'stolen' }], ['DELETE', undefined]] as const) {
      const res = await as(t.app, bAdmin)(method, `/api/v1/kb/articles/${mine.id}`, body);
      expect([method, res.statusCode, res.json<{ error: { code: string } }>().error.code]).toEqual([method, 404, 'EARSHOT_NOT_FOUND']);
      expect(res.body).not.toContain('alpha secret body');
    }
    const list = (await as(t.app, bAdmin)('GET', '/api/v1/kb/articles?q=alpha')).json<KbArticlePage>();
    expect(list.items).toEqual([]);
    expect((await as(t.app, admin)('GET', `/api/v1/kb/articles/${mine.id}`)).json<KbArticleView>().title).toBe('Alpha only');
  });

  it('suggests the demo articles for a real question that came in through a channel', async () => {
    expect(await seedDemoArticles(t.core, b.brandId)).toBe(DEMO_ARTICLES.length);
    expect(await seedDemoArticles(t.core, b.brandId)).toBe(0); // once: the brand's own edits are kept on the next start
    // TWCS tweet 1424, as the customer wrote it.
    const d = apiDelivery(b.apiSecret, [{ id: 'twcs-1424', author: 'cust1424', text: 'Why am I still receiving a bill for oct when I disconnected by account on sept 20th? pls advise &amp; reverse the charges. @115722' }]);
    const res = await t.app.inject({ method: 'POST', url: `/api/v1/channels/${b.apiChannelId}/events`, headers: { 'content-type': 'application/json', 'x-earshot-signature': d.signature }, payload: d.body });
    expect(res.json()).toEqual({ accepted: 1, duplicates: 0 });
    await t.core.worker().drain();
    const conv = await t.core.db.selectFrom('conversations').select('id').where('brand_id', '=', b.brandId).executeTakeFirstOrThrow();
    const s = await as(t.app, bAdmin)('GET', `/api/v1/conversations/${conv.id}/kb-suggestions`);
    expect(s.statusCode, s.body).toBe(200);
    const body = s.json<KbSuggestions>();
    expect(body.items[0]).toMatchObject({ slug: 'charged-after-cancelling', path: '/kb/kbhttp-b/charged-after-cancelling' });
    expect(body.items[0]?.matched).toEqual(expect.arrayContaining(['bill', 'charges']));
    // Brand A cannot ask about brand B's conversation.
    const other = await as(t.app, admin)('GET', `/api/v1/conversations/${conv.id}/kb-suggestions`);
    expect([other.statusCode, other.json<{ error: { code: string } }>().error.code]).toEqual([404, 'EARSHOT_CONVERSATION_NOT_FOUND']);
  });

  it('shows the brand\'s logo and colours on its public pages, the stylesheet still allowed only by its hash', async () => {
    const actor = { ...systemActor(a.brandId), userId: a.adminId };
    await t.core.kb.create(actor, { title: 'Look', slug: 'look', body: 'Branded [link](https://example.com).', status: 'published' });
    await t.core.brands.update(actor, { look: { logoUrl: 'https://cdn.kbhttp.test/logo.png?v="1"', primaryColor: '#aa1100', accentColor: '#0011aa' } });
    const res = await t.app.inject({ method: 'GET', url: '/kb/kbhttp/look' });
    expect(res.body).toContain('<img src="https://cdn.kbhttp.test/logo.png?v=&quot;1&quot;" alt="">');
    expect(res.body).toContain('border-top: 4px solid #aa1100');
    const style = /<style>([\s\S]*)<\/style>/.exec(res.body)?.[1] ?? '';
    expect(String(res.headers['content-security-policy'])).toContain(`style-src 'sha256-${createHash('sha256').update(style).digest('base64')}'`);
    // Back to the default look for the tests that follow.
    await t.core.brands.update(actor, { look: { logoUrl: null, primaryColor: '#1f6feb', accentColor: '#0e7c66' } });
  });

  it('serves published articles on a public page under a strict CSP, with Markdown made safe', async () => {
    const actor = { ...systemActor(a.brandId), userId: a.adminId };
    await t.core.kb.create(actor, { title: 'Payloads <b>&</b> "quotes"', slug: 'payloads', body: XSS, status: 'published' });
    await t.core.kb.create(actor, { title: 'Still a draft', slug: 'draft-page', body: 'draft body' });
    const res = await t.app.inject({ method: 'GET', url: '/kb/kbhttp/payloads' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/]+=*'; img-src 'self' https:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; sandbox$/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.body).toContain('<title>Payloads &lt;b&gt;&amp;&lt;/b&gt; &quot;quotes&quot; · Brand kbhttp</title>');
    expect(res.body).toContain('&lt;script&gt;window.__kbXss = 1&lt;/script&gt;');
    expect(res.body).toContain('&lt;img src=x onerror=&quot;window.__kbXss = 2&quot;&gt;');
    expect(res.body).not.toMatch(/<script|<img|href="(javascript|data|java)/i);
    expect(res.body).toContain('<a href="https://example.com/help" rel="nofollow noopener noreferrer">ok</a>');
    // The brand's id works as well as its slug; drafts, unknown slugs and other brands' pages are 404 pages.
    expect((await t.app.inject({ method: 'GET', url: `/kb/${a.brandId}/payloads` })).statusCode).toBe(200);
    for (const url of ['/kb/kbhttp/draft-page', '/kb/kbhttp/nope', '/kb/kbhttp-b/payloads', `/kb/${b.brandId}/payloads`, '/kb/kbhttp-b/charged-after-cancelling-x']) {
      const nf = await t.app.inject({ method: 'GET', url });
      expect([url, nf.statusCode, nf.headers['content-type']]).toEqual([url, 404, 'text/html; charset=utf-8']);
      expect(nf.body).toContain('Article not found');
      expect(nf.body).not.toContain('draft body');
    }
    // The editor's preview is the same renderer.
    const preview = await as(t.app, admin)('POST', '/api/v1/kb/preview', { body: XSS });
    expect(preview.json<{ html: string }>().html).toBe(res.body.slice(res.body.indexOf('<div class="body">') + 18, res.body.indexOf('</div></article>')));
    // Other pages keep the desk's policy.
    expect(String((await t.app.inject({ method: 'GET', url: '/healthz' })).headers['content-security-policy'])).toContain("default-src 'self'");
  });

  it('serves the help centre: published articles by category, search, related articles; nothing of drafts or other brands', async () => {
    const actor = { ...systemActor(a.brandId), userId: a.adminId };
    await t.core.kb.create(actor, { title: 'Refunds to a card', slug: 'refund-card', body: 'Refunds reach your card in 5 days.', tags: ['billing', 'refunds'], status: 'published' });
    await t.core.kb.create(actor, { title: 'Refund <i>timing</i>', slug: 'refund-timing', body: 'How long a refund takes.', tags: ['refunds'], status: 'published' });
    await t.core.kb.create(actor, { title: 'Secret refund draft', slug: 'refund-draft', body: 'not yet', tags: ['refunds'] });
    await t.core.kb.create({ ...systemActor(b.brandId), userId: b.adminId }, { title: 'Beta refund policy', slug: 'beta-refunds', body: 'beta only', tags: ['refunds'], status: 'published' });

    const index = await t.app.inject({ method: 'GET', url: '/kb/kbhttp' });
    expect(index.statusCode).toBe(200);
    expect(String(index.headers['content-security-policy'])).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/]+=*'; img-src 'self' https:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'$/);
    expect(index.body).toContain('<section class="cat"><h2>billing</h2>');
    expect(index.body).toContain('<section class="cat"><h2>refunds</h2>');
    expect(index.body).toContain('<a href="/kb/kbhttp/refund-card">Refunds to a card</a>');
    expect(index.body).toContain('Refund &lt;i&gt;timing&lt;/i&gt;');
    for (const hidden of ['Secret refund draft', 'Beta refund policy', '<i>timing']) expect(index.body).not.toContain(hidden);

    const search = await t.app.inject({ method: 'GET', url: `/kb/kbhttp?q=${encodeURIComponent('card "<script>x</script>"')}` });
    expect(search.statusCode).toBe(200);
    expect(search.body).not.toContain('<script>');
    expect(search.body).toContain('value="card &quot;&lt;script&gt;x&lt;/script&gt;&quot;"');
    const found = await t.app.inject({ method: 'GET', url: '/kb/kbhttp?q=card' });
    expect(found.body).toContain('1 article for “card”');
    expect(found.body).toContain('/kb/kbhttp/refund-card');
    expect(found.body).not.toContain('beta-refunds');
    for (const q of ['x'.repeat(5000), '-', '"', 'or or', '%E2%80%AE']) expect((await t.app.inject({ method: 'GET', url: `/kb/kbhttp?q=${q}` })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/kb/kbhttp?q=refund%00' })).statusCode).toBe(400); // %00 in any query is refused before routing
    expect((await t.app.inject({ method: 'GET', url: '/kb/kbhttp?q=a&q=b' })).statusCode).toBe(200);
    for (const url of ['/kb/no-such-brand', '/kb/%27or%201%3D1', `/kb/${'x'.repeat(150)}`]) expect((await t.app.inject({ method: 'GET', url })).statusCode).toBe(404);

    // Related: the other published articles sharing a tag, never the article itself, a draft or another brand's.
    const page = await t.app.inject({ method: 'GET', url: '/kb/kbhttp/refund-timing' });
    const related = page.body.slice(page.body.indexOf('<aside class="related">'));
    expect(related).toContain('<a href="/kb/kbhttp/refund-card">Refunds to a card</a>');
    for (const hidden of ['refund-timing', 'refund-draft', 'beta-refunds']) expect(related).not.toContain(hidden);
    expect(page.body).toContain('<a href="/kb/kbhttp">All help articles</a>');
  });
});
