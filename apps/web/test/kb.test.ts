import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openConversation, signedIn, type Desk } from './support/browser';
import { startDeskServer, type DeskServer } from './support/desk-server';

/**
 * The knowledge base in a real browser against a real server: a supervisor writes and publishes an
 * article, an agent gets it suggested for a customer's question and inserts its link, and hostile
 * Markdown runs nothing in the editor's preview or on the public page.
 */
// Waiting for the UI (not a timed assertion): poll until the condition holds or the test's own timeout.
const poll = <T,>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 20_000, interval: 100 });

// Each payload, if it ran, would set window.__kbXss and open a dialog.
const HOSTILE = [
  'Steps that must stay text:',
  '',
  '<img src=x onerror="window.__kbXss=1;alert(1)">',
  '',
  '<script>window.__kbXss=2;alert(2)</script>',
  '',
  '[click me](javascript:window.__kbXss=3;alert(3)) and [data link](data:text/html;base64,PHNjcmlwdD5hbGVydCg0KTwvc2NyaXB0Pg==)',
  '',
  '![pixel](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9ImFsZXJ0KDUpIi8+) [safe](https://example.com/help) **bold**',
].join('\n');

/** Everything a page could have executed: the flag, any dialog, any script or handler element, any unsafe href. */
async function executed(page: Page, dialogs: string[], root: string): Promise<unknown> {
  return {
    flag: await page.evaluate(() => (window as unknown as { __kbXss?: number }).__kbXss ?? null),
    dialogs,
    scripts: await page.locator(`${root} script, ${root} img, ${root} iframe, ${root} [onerror], ${root} [onload]`).count(),
    unsafeLinks: await page.locator(`${root} a[href^="javascript:" i], ${root} a[href^="data:" i], ${root} [src^="data:" i]`).count(),
  };
}
const NOTHING = { flag: null, dialogs: [], scripts: 0, unsafeLinks: 0 };

describe('knowledge base in the browser', () => {
  let s: DeskServer;
  let browser: Browser;
  let priya: Desk;
  let dana: Desk;
  let luggage = '';

  beforeAll(async () => {
    s = await startDeskServer({ demo: false });
    // A real customer question (data/airline-sentiment, tweet 567762670045364225).
    await s.postInbound([{ id: 'kb-luggage', author: 'waiting_bags', name: 'Robin Hale', text: '@USAirways Waiting for my luggage on flight 1923. Is there a delay?' }]);
    await s.drain();
    luggage = await s.conversationOf('waiting_bags');
    browser = await launchBrowser();
    priya = await signedIn(browser, s.url, s.users.supervisor.email, s.password);
    dana = await signedIn(browser, s.url, s.users.agent.email, s.password);
  });
  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== 'fail') return;
    for (const [who, d] of [['priya', priya], ['dana', dana]] as const) await d?.page.screenshot({ path: join(tmpdir(), `kb-test-${who}-${ctx.task.name.replace(/\W+/g, '-')}.png`) }).catch(() => undefined);
  });
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  it('lets a supervisor write an article with a live preview, publish it and find it', async () => {
    const { page } = priya;
    await page.goto('/admin/kb');
    const list = page.getByRole('list', { name: 'Articles' });
    // The demo brand's seeded articles are there.
    await poll(() => list.getByRole('listitem').count()).toBeGreaterThanOrEqual(7);
    await page.getByRole('button', { name: 'New article' }).click();
    await page.getByLabel('Title').fill('Delayed or lost luggage');
    await page.getByLabel('Tags').fill('luggage, baggage');
    await page.getByLabel('Text (Markdown)').fill('If your **luggage** did not arrive on your flight:\n\n1. Report it at the baggage desk before leaving the airport.\n2. Keep the file reference: we track the delay with it.\n\nMost delayed bags arrive within 48 hours.');
    const preview = page.getByTestId('kb-preview');
    await poll(() => preview.locator('ol > li').count()).toBe(2);
    expect(await preview.locator('strong').first().textContent()).toBe('luggage');
    await page.getByRole('button', { name: 'Publish' }).click();
    await page.getByText('Published: the public page is live.').waitFor();
    const row = await s.core.db.selectFrom('kb_articles').select(['status', 'slug', 'author_id', 'tags']).where('title', '=', 'Delayed or lost luggage').executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'published', slug: 'delayed-or-lost-luggage', author_id: s.users.supervisor.id, tags: ['luggage', 'baggage'] });
    // The editor stays on the article, now published: its address is fixed.
    expect(await page.getByLabel('Public address').isDisabled()).toBe(true);
    await page.getByRole('button', { name: '← All articles' }).click();
    await page.getByRole('searchbox').fill('baggage desk');
    await poll(() => list.getByRole('listitem').allTextContents()).toEqual([expect.stringContaining('Delayed or lost luggage')]);
    expect(await list.getByRole('listitem').first().getByText('Published').count()).toBe(1);
    await page.getByRole('searchbox').fill('zeppelin');
    await page.getByText('No article matches “zeppelin”').waitFor();
    expect(priya.errors).toEqual([]);
  });

  it('suggests it to an agent for the customer\'s question; one click puts its title and link in the reply', async () => {
    const { page } = dana;
    await openConversation(dana, luggage);
    const suggested = page.getByRole('region', { name: /Suggested articles/ });
    await suggested.getByRole('link', { name: 'Delayed or lost luggage' }).waitFor();
    expect(await suggested.getByText(/Matches .*luggage/).count()).toBe(1);
    await page.locator('#composer-text').fill('Hi Robin, so sorry about the wait.');
    await suggested.getByRole('button', { name: 'Insert link to “Delayed or lost luggage”' }).click();
    const link = `${s.url}/kb/demo/delayed-or-lost-luggage`;
    expect(await page.locator('#composer-text').inputValue()).toBe(`Hi Robin, so sorry about the wait. Delayed or lost luggage: ${link}`);
    // The link is the public page, readable without signing in.
    const reader = await browser.newContext();
    const pub = await reader.newPage();
    const res = await pub.goto(link);
    expect(res?.status()).toBe(200);
    expect(await pub.locator('h1').textContent()).toBe('Delayed or lost luggage');
    expect(await pub.locator('.brand').textContent()).toBe('Earshot Demo · Help');
    await reader.close();
    // The reply goes out with the link in it.
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.getByText('Public reply queued.').waitFor();
    const sent = await s.core.db.selectFrom('messages').select('text').where('conversation_id', '=', luggage).where('direction', '=', 'outbound').executeTakeFirstOrThrow();
    expect(sent.text).toContain(link);
    expect(dana.errors).toEqual([]);
  });

  it('runs nothing from hostile Markdown, in the editor\'s preview or on the public page', async () => {
    const { page } = priya;
    // The detector works: the same payload where HTML is parsed sets the flag and opens a dialog.
    const control = await priya.context.newPage();
    const controlDialogs: string[] = [];
    control.on('dialog', (d) => { controlDialogs.push(d.message()); void d.dismiss(); });
    await control.setContent('<img src=x onerror="window.__kbXss=1;alert(1)">');
    await poll(() => control.evaluate(() => (window as unknown as { __kbXss?: number }).__kbXss ?? null)).toBe(1);
    await poll(() => controlDialogs).toEqual(['1']);
    await control.close();

    const dialogs: string[] = [];
    page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
    await page.goto('/admin/kb');
    await page.getByRole('button', { name: 'New article' }).click();
    await page.getByLabel('Title').fill('Payloads <img src=x onerror=alert(6)>');
    await page.getByLabel('Text (Markdown)').fill(HOSTILE);
    const preview = page.getByTestId('kb-preview');
    await poll(() => preview.locator('a[href="https://example.com/help"]').count()).toBe(1);
    // The payloads are shown as the text that was written.
    expect(await preview.textContent()).toContain('<img src=x onerror="window.__kbXss=1;alert(1)">');
    expect(await preview.textContent()).toContain('<script>window.__kbXss=2;alert(2)</script>');
    expect(await preview.textContent()).toContain('[click me](javascript:window.__kbXss=3;alert(3))');
    await preview.getByText('click me', { exact: false }).click();
    expect(await executed(page, dialogs, '[data-testid="kb-preview"]')).toEqual(NOTHING);
    await page.getByRole('button', { name: 'Publish' }).click();
    await page.getByText('Published: the public page is live.').waitFor();
    expect(await executed(page, dialogs, '.kb-card')).toEqual(NOTHING);

    // The public page, as a customer opens it.
    const reader = await browser.newContext();
    const pub = await reader.newPage();
    const pubDialogs: string[] = [];
    pub.on('dialog', (d) => { pubDialogs.push(d.message()); void d.dismiss(); });
    const res = await pub.goto(`${s.url}/kb/demo/payloads-img-src-x-onerror-alert-6`);
    expect(res?.status()).toBe(200);
    expect(res?.headers()['content-security-policy']).toContain("default-src 'none'");
    expect(await pub.locator('h1').textContent()).toBe('Payloads <img src=x onerror=alert(6)>');
    expect(await pub.locator('.body').textContent()).toContain('<script>window.__kbXss=2;alert(2)</script>');
    await pub.getByText('click me', { exact: false }).click();
    expect(await executed(pub, pubDialogs, 'main')).toEqual(NOTHING);
    expect(await pub.locator('article a').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href))).toEqual(['https://example.com/help']);
    await reader.close();
    expect(priya.errors).toEqual([]);
  });
});
