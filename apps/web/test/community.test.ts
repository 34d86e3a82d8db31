import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { SmtpTestServer } from '@earshot/core';
import { sql } from '@earshot/db';
import { launchBrowser, openConversation, signedIn, type Desk } from './support/browser';
import { startDeskServer, type DeskServer } from './support/desk-server';
import { linkFromMail, setUpCommunity, startLinkSmtp } from '../../../test/support/community';

/**
 * The community in a real browser against a real server: a customer signs in by the link the local
 * SMTP server received, asks; another answers; the first accepts. An unanswered question reaches the
 * desk and the agent's reply shows in the thread as a staff answer. Hostile titles and Markdown run
 * nothing. Screenshots at 390 px (a phone) and on the desktop.
 */
const SHOTS = fileURLToPath(new URL('../../../docs/screenshots/', import.meta.url));
const poll = <T,>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 20_000, interval: 100 });

const HOSTILE_TITLE = '<img src=x onerror="window.__cXss=1;alert(1)"> Router resets at night';
const HOSTILE_BODY = [
  'It resets around 2 am. <script>window.__cXss=2;alert(2)</script>',
  '',
  '[see log](javascript:window.__cXss=3;alert(3)) ![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9ImFsZXJ0KDUpIi8+)',
  '',
  'Firmware **2.4.1**, model `HX-200`.',
].join('\n');

interface Customer { context: BrowserContext; page: Page; dialogs: string[]; errors: string[] }

async function executed(page: Page, dialogs: string[]): Promise<unknown> {
  return {
    flag: await page.evaluate(() => (window as unknown as { __cXss?: number }).__cXss ?? null),
    dialogs,
    scripts: await page.locator('main script, main img[src="x"], main iframe, main [onerror], main [onload]').count(),
    unsafeLinks: await page.locator('main a[href^="javascript:" i], main [src^="data:" i]').count(),
  };
}

describe('community in the browser', () => {
  let s: DeskServer;
  let browser: Browser;
  let smtp: SmtpTestServer;
  let dana: Desk;

  async function customer(email: string, name: string): Promise<Customer> {
    const context = await browser.newContext({ baseURL: s.url, viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    const dialogs: string[] = [];
    const errors: string[] = [];
    page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto('/community/demo');
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Name others see').fill(name);
    await page.getByRole('button', { name: 'Email me a link' }).click();
    await page.getByText('Check your email').first().waitFor();
    await poll(() => smtp.received.some((m) => m.to.includes(email))).toBe(true);
    await page.goto(linkFromMail(smtp, email));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText(`Signed in as ${name}`).waitFor();
    return { context, page, dialogs, errors };
  }

  beforeAll(async () => {
    s = await startDeskServer({ demo: false });
    smtp = await startLinkSmtp(['ana@example.com', 'ben@example.com']);
    await setUpCommunity(s.core, s.brandId, smtp, { holdFirstPosts: false, publicUrl: s.url, escalateAfterHours: 2, topics: [{ slug: 'internet', name: 'Internet' }, { slug: 'billing', name: 'Billing' }] });
    browser = await launchBrowser();
    dana = await signedIn(browser, s.url, s.users.agent.email, s.password);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await smtp?.stop();
    await s?.close();
  });

  it('a customer signs in by the emailed link and asks; another answers; the first accepts', async () => {
    const ana = await customer('ana@example.com', 'Ana');
    await ana.page.getByRole('link', { name: 'Ask a question' }).click();
    await ana.page.getByLabel('Title').fill('Wifi drops every evening');
    await ana.page.getByLabel('Details').fill('Since the update my **wifi** drops around 8 pm.\n\n- Restarted the router\n- Changed the channel');
    await ana.page.getByLabel('Tags').fill('wifi, router');
    await ana.page.getByRole('button', { name: 'Post question' }).click();
    await ana.page.getByRole('heading', { name: 'Wifi drops every evening' }).waitFor();
    const questionUrl = ana.page.url().split('?')[0] ?? '';

    const ben = await customer('ben@example.com', 'Ben');
    await ben.page.goto(questionUrl);
    await ben.page.getByLabel('Your answer').fill('Same here. Turning off **band steering** in the router settings fixed it for me.');
    await ben.page.getByRole('button', { name: 'Post answer' }).click();
    await ben.page.getByText('Posted.').waitFor();
    await ben.page.getByRole('button', { name: 'Vote up' }).first().click();
    await ben.page.getByText('you voted up').waitFor();

    await ana.page.goto(questionUrl);
    await ana.page.getByRole('button', { name: 'Accept this answer' }).click();
    await ana.page.getByText('✓ Accepted answer').waitFor();
    await ana.page.screenshot({ path: join(SHOTS, 'community-question-390.png'), fullPage: true });
    await ana.page.goto('/community/demo');
    await ana.page.getByText('✓ Answered').waitFor();
    await ana.page.screenshot({ path: join(SHOTS, 'community-home-390.png'), fullPage: true });
    // The layout fits the phone: nothing scrolls sideways.
    expect(await ana.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect([...ana.errors, ...ben.errors]).toEqual([]);
    // The same thread in the dark palette, and the sign-in page, on the phone.
    const dark = await browser.newContext({ baseURL: s.url, viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, colorScheme: 'dark' });
    const darkPage = await dark.newPage();
    await darkPage.goto(questionUrl);
    await darkPage.getByText('✓ Accepted answer').waitFor();
    await darkPage.screenshot({ path: join(SHOTS, 'community-question-390-dark.png'), fullPage: true });
    await darkPage.goto('/community/demo/signin');
    await darkPage.getByRole('button', { name: 'Email me a link' }).waitFor();
    expect(await darkPage.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await dark.close();
    await ana.context.close();
    await ben.context.close();
  });

  it('runs nothing from hostile titles and Markdown (the detector catches a payload that does run)', async () => {
    // Control: the same payload where HTML is parsed sets the flag and opens a dialog.
    const control = await browser.newPage();
    const controlDialogs: string[] = [];
    control.on('dialog', (d) => { controlDialogs.push(d.message()); void d.dismiss(); });
    await control.setContent(`<main>${HOSTILE_TITLE}</main>`);
    await poll(() => control.evaluate(() => (window as unknown as { __cXss?: number }).__cXss ?? null)).toBe(1);
    await poll(() => controlDialogs).toEqual(['1']);
    expect(await control.locator('main [onerror]').count()).toBe(1);
    await control.close();

    const ana = await customer('ana@example.com', 'Ana');
    await ana.page.goto('/community/demo/ask');
    await ana.page.getByLabel('Title').fill(HOSTILE_TITLE);
    await ana.page.getByLabel('Details').fill(HOSTILE_BODY);
    await ana.page.getByRole('button', { name: 'Post question' }).click();
    await ana.page.getByRole('heading', { name: /Router resets at night/ }).waitFor();
    await ana.page.waitForTimeout(300);
    expect(await executed(ana.page, ana.dialogs)).toEqual({ flag: null, dialogs: [], scripts: 0, unsafeLinks: 0 });
    expect(await ana.page.getByRole('heading', { level: 1 }).textContent()).toBe(HOSTILE_TITLE);
    expect(await ana.page.locator('main article .body strong').first().textContent()).toBe('2.4.1');
    await ana.page.goto('/community/demo');
    await ana.page.getByText(/Router resets at night/).first().waitFor();
    expect(await executed(ana.page, ana.dialogs)).toEqual({ flag: null, dialogs: [], scripts: 0, unsafeLinks: 0 });
    await ana.context.close();
  });

  it('an unanswered question reaches the desk after the brand\'s hours; the agent\'s reply shows as a staff answer', async () => {
    const ben = await customer('ben@example.com', 'Ben');
    await ben.page.goto('/community/demo/ask');
    await ben.page.getByLabel('Title').fill('Refund for a double charge?');
    await ben.page.getByLabel('Details').fill('My March bill charged me twice for the same month.');
    await ben.page.getByLabel('Topic').selectOption('billing');
    await ben.page.getByRole('button', { name: 'Post question' }).click();
    await ben.page.getByRole('heading', { name: 'Refund for a double charge?' }).waitFor();
    const questionUrl = ben.page.url().split('?')[0] ?? '';
    const questionId = questionUrl.split('/').pop() ?? '';
    // Two hours pass without an answer (the question's clock moved back; the sweep reads the service's clock).
    await sql`update community_questions set created_at = now() - interval '3 hours' where id = ${questionId}::uuid`.execute(s.core.db);
    expect(await s.core.communityDesk.escalateDue()).toBe(1);
    await s.drain();
    const conv = await s.core.db.selectFrom('messages').select('conversation_id').where('provider_message_id', '=', `community:question:${questionId}`).executeTakeFirstOrThrow();

    const { page } = dana;
    await page.goto('/');
    await page.getByText('Refund for a double charge?').first().waitFor();
    await openConversation(dana, conv.conversation_id);
    await page.getByText('My March bill charged me twice').first().waitFor();
    await page.locator('#composer-text').fill('Sorry about that, Ben! We have refunded the second charge; it shows on your card within 5 days.');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.getByText(/reply queued/i).waitFor();
    await page.screenshot({ path: join(SHOTS, 'community-desk-conversation.png') });
    await s.drain();

    await ben.page.goto(questionUrl);
    await ben.page.getByText('We have refunded the second charge').waitFor();
    expect(await ben.page.locator('.badge.staff').filter({ hasText: 'Staff' }).count()).toBeGreaterThanOrEqual(1);
    await ben.page.screenshot({ path: join(SHOTS, 'community-staff-answer-390.png'), fullPage: true });

    // A supervisor's Community tab shows the thread; one click promotes it to a draft article.
    const priya = await signedIn(browser, s.url, s.users.supervisor.email, s.password);
    const deskDialogs: string[] = [];
    priya.page.on('dialog', (d) => { deskDialogs.push(d.message()); void d.dismiss(); });
    await priya.page.goto('/admin/community');
    const row = priya.page.locator(`[data-question-id="${questionId}"]`);
    await row.waitFor();
    await row.getByRole('button', { name: 'Promote to article' }).click();
    await row.getByRole('button', { name: 'Promoted' }).waitFor();
    await priya.page.screenshot({ path: join(SHOTS, 'community-admin.png') });
    const article = await s.core.db.selectFrom('kb_articles').select(['status', 'body']).where('title', '=', 'Refund for a double charge?').executeTakeFirstOrThrow();
    expect(article.status).toBe('draft');
    expect(article.body).toContain(`/community/demo/questions/${questionId}`);
    // The hostile title from the test above is text in the desk too.
    await priya.page.getByText('<img src=x onerror="window.__cXss=1;alert(1)"> Router resets at night').waitFor();
    expect(await priya.page.evaluate(() => (window as unknown as { __cXss?: number }).__cXss ?? null)).toBeNull();
    expect(deskDialogs).toEqual([]);
    expect([...dana.errors, ...priya.errors]).toEqual([]);
    await priya.context.close();
    await ben.context.close();
  });
});
