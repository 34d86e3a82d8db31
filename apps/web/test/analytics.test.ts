import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, signedIn, type Desk } from './support/browser';
import { startDeskServer, type DeskServer } from './support/desk-server';

/**
 * The analytics dashboard in a real browser against a real server with the demo data (the TWCS
 * sample, kind `import`) and three messages on the generic API channel (kind `api`): it renders,
 * a filter changes the numbers, a bar opens its conversations in the inbox, the CSV is valid CSV.
 */
const poll = <T,>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 30_000, interval: 100 });

/** A minimal RFC 4180 reader: throws on a malformed quote, so a broken CSV fails the test. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = []; let cell = ''; let i = 0; let quoted = false;
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; i += 2; continue; }
      if (ch === '"') { quoted = false; i++; if (i < text.length && !',\r\n'.includes(text[i]!)) throw new Error(`bad quote at ${i}`); continue; }
      cell += ch; i++; continue;
    }
    if (ch === '"') { if (cell) throw new Error(`stray quote at ${i}`); quoted = true; i++; continue; }
    if (ch === ',') { row.push(cell); cell = ''; i++; continue; }
    if (ch === '\r' && text[i + 1] === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; i += 2; continue; }
    if (ch === '\n' || ch === '\r') throw new Error(`bare line break at ${i}`);
    cell += ch; i++;
  }
  if (quoted) throw new Error('unterminated quote');
  if (cell || row.length) { row.push(cell); rows.push(row); }
  return rows;
}

describe('analytics dashboard in the browser', () => {
  let s: DeskServer;
  let browser: Browser;
  let priya: Desk;
  const kpi = (name: string) => priya.page.locator('.kpi', { hasText: name }).locator('dd');

  beforeAll(async () => {
    s = await startDeskServer({ demo: true });
    await s.postInbound([
      { id: 'a-1', author: 'kim_api', name: 'Kim Api', text: 'My parcel is late again, this is terrible service' },
      { id: 'a-2', author: 'lou_api', name: 'Lou Api', text: 'Thanks for the quick help yesterday!' },
      { id: 'a-3', author: 'ray_api', name: 'Ray Api', text: 'How do I change my delivery address?' },
    ]);
    await s.waitForJobs({ names: ['ingest.process'] });
    await s.drain();
    await s.core.analytics.catchUp(s.brandId);
    browser = await launchBrowser();
    priya = await signedIn(browser, s.url, s.users.supervisor.email, s.password);
  });
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail' && priya) await priya.page.screenshot({ path: join(tmpdir(), `analytics-test-${ctx.task.name.replace(/\W+/g, '-')}.png`), fullPage: true }).catch(() => undefined);
  });
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  const total = async () => Number((await kpi('Conversations').textContent())?.replace(/\D/g, '') || 'NaN');

  it('renders every chart with the demo data from the header link', async () => {
    const { page } = priya;
    await page.getByRole('link', { name: 'Analytics' }).click();
    await page.getByRole('heading', { name: 'Analytics', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/analytics');
    // The number on screen is the brand's conversations opened in the range, counted from the raw rows.
    const { range } = await (await page.request.get('/api/v1/analytics/overview')).json() as { range: { from: string; to: string } };
    const inDb = await s.core.db.selectFrom('conversations').select((e) => e.fn.countAll<string>().as('n')).where('brand_id', '=', s.brandId)
      .where('created_at', '>=', new Date(range.from)).where('created_at', '<', new Date(range.to)).executeTakeFirstOrThrow();
    await poll(total).toBe(Number(inDb.n));
    expect(Number(inDb.n)).toBeGreaterThan(3);
    for (const title of ['Volume over time', 'Sentiment mix and trend', 'Response and resolution times', 'SLA compliance', 'Channel fairness', 'Top topics', 'Words in negative messages', 'Backlog and waiting', 'Agent workload']) {
      await page.getByRole('region', { name: title }).waitFor();
    }
    const fairness = page.getByRole('region', { name: 'Channel fairness' });
    await poll(() => fairness.getByRole('link').allTextContents()).toEqual(expect.arrayContaining([expect.stringMatching(/^import/), expect.stringMatching(/^api/)]));
    // The numbers as a table, one row per channel kind and group.
    await fairness.getByText('Numbers as a table').click();
    await poll(() => fairness.getByRole('row').count()).toBeGreaterThan(3);
    expect(priya.errors).toEqual([]);
  });

  it('applies a filter: the numbers change and the address keeps it', async () => {
    const { page } = priya;
    const before = await total();
    await page.getByRole('combobox', { name: 'Filter by' }).selectOption('channel');
    await page.getByRole('combobox', { name: 'Channel' }).selectOption('api');
    await poll(total).toBe(3);
    expect(before).not.toBe(3);
    expect(new URL(page.url()).searchParams.get('channel')).toBe('api');
    await page.reload();
    await poll(total).toBe(3);
    await page.getByRole('combobox', { name: 'Filter by' }).selectOption('');
    await poll(total).toBe(before);
    expect(new URL(page.url()).searchParams.has('channel')).toBe(false);
    // A shorter range: the address says so and the routes are asked for those 7 days.
    const asked = page.waitForResponse((r) => r.url().includes('/api/v1/analytics/overview'));
    await page.getByRole('button', { name: '7 days', pressed: false }).click();
    const sent = new URL((await asked).url()).searchParams;
    expect((Date.parse(sent.get('to')!) - Date.parse(sent.get('from')!)) / 86_400_000).toBe(6);
    expect(new URL(page.url()).searchParams.get('range')).toBe('7');
    await poll(total).toBe(((await (await asked).json()) as { totals: { conversations: number } }).totals.conversations);
    // A custom range: two dates, kept in the address.
    await page.getByRole('button', { name: 'Custom' }).click();
    const to = new URL(page.url()).searchParams.get('to')!;
    await page.getByLabel('From').fill('2026-01-01');
    await poll(() => new URL(page.url()).searchParams.get('from')).toBe('2026-01-01');
    expect(new URL(page.url()).searchParams.get('range')).toBe('custom');
    expect(new URL(page.url()).searchParams.get('to')).toBe(to);
    // A bad custom range gets the server's coded answer on screen, not a blank page.
    await page.goto('/analytics?range=custom&from=2026-01-10&to=2025-01-01');
    await poll(() => page.getByRole('alert').first().textContent()).toMatch(/range|before|after/i);
    await page.goto('/analytics');
  });

  it('opens the conversations behind a bar in the inbox', async () => {
    const { page } = priya;
    const fairness = page.getByRole('region', { name: 'Channel fairness' });
    await fairness.getByRole('link', { name: /^api/ }).click();
    await page.getByRole('navigation', { name: 'Views' }).waitFor();
    const url = new URL(page.url());
    expect(url.pathname).toBe('/');
    expect(url.searchParams.get('channel')).toBe('api');
    const rows = page.getByRole('listbox', { name: 'Conversations' }).getByRole('option');
    await poll(() => rows.allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('Kim Api'), expect.stringContaining('Lou Api'), expect.stringContaining('Ray Api')]));
    expect(await rows.count()).toBe(3);
    // A topic bar opens the inbox filtered to that topic.
    await page.goBack();
    const topics = page.getByRole('region', { name: 'Top topics' });
    const first = topics.getByRole('link').first();
    await first.waitFor();
    const topic = (await first.locator('.bar-label').textContent())!.replace(/\s*\(.*$|\s+(new|[+-]\d+%)$/, '').trim();
    await first.click();
    await page.getByRole('navigation', { name: 'Views' }).waitFor();
    expect(new URL(page.url()).searchParams.get('topic')).toBe(topic);
    await poll(() => rows.count()).toBeGreaterThan(0);
  });

  it('downloads a chart\'s numbers as valid CSV with the expected header', async () => {
    const { page } = priya;
    await page.goto('/analytics');
    const fairness = page.getByRole('region', { name: 'Channel fairness' });
    await fairness.getByRole('link', { name: /^api/ }).waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), fairness.getByRole('button', { name: /CSV/ }).click()]);
    expect(download.suggestedFilename()).toBe('earshot-fairness.csv');
    const rows = parseCsv(readFileSync((await download.path())!, 'utf8'));
    expect(rows[0]).toEqual(['group', 'conversations', 'first response p50 (s)', 'first response p90 (s)', 'next response p50 (s)', 'resolution p50 (s)', 'first-response SLA met %']);
    expect(rows.every((r) => r.length === rows[0]!.length)).toBe(true);
    const api = rows.find((r) => r[0] === 'channel: api');
    expect(api?.[1]).toBe('3');

    const topics = page.getByRole('region', { name: 'Top topics' });
    const [d2] = await Promise.all([page.waitForEvent('download'), topics.getByRole('button', { name: /CSV/ }).click()]);
    const t = parseCsv(readFileSync((await d2.path())!, 'utf8'));
    expect(t[0]).toEqual(['topic', 'conversations', 'previous period', 'change %', 'negative']);
    expect(t.length).toBeGreaterThan(1);
  });

  it('fits a 390 px phone in dark: nothing scrolls sideways', async () => {
    const phone = await signedIn(browser, s.url, s.users.supervisor.email, s.password, { colorScheme: 'dark' });
    await phone.page.setViewportSize({ width: 390, height: 844 });
    await phone.page.goto('/analytics');
    await phone.page.locator('[data-chart="fairness"] .bar-row').first().waitFor();
    const wide = await phone.page.evaluate(() => [...document.querySelectorAll('body *')].filter((e) => !e.closest('details:not([open])') && e.getBoundingClientRect().right > 391).slice(0, 8).map((e) => `${e.tagName}.${e.className}`));
    expect(wide).toEqual([]);
    expect(await phone.page.evaluate(() => document.documentElement.scrollWidth)).toBe(390);
    expect(await phone.page.evaluate(() => { const m = document.querySelector('.analytics')!; return m.scrollWidth <= m.clientWidth; })).toBe(true);
    expect(phone.errors).toEqual([]);
    await phone.context.close();
  });
});
