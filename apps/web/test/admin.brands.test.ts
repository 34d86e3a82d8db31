import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { signApiBody, systemActor } from '@earshot/core';
import { launchBrowser, signedIn, type Desk } from './support/browser';
import { startDeskServer, type DeskServer } from './support/desk-server';

const poll = <T,>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 20_000, interval: 100 });
const SHOTS = fileURLToPath(new URL('../../../docs/screenshots/', import.meta.url));
/** With EARSHOT_SCREENSHOTS=1 the test also writes the documentation's screenshots. */
const shot = async (page: Page, name: string) => { if (process.env.EARSHOT_SCREENSHOTS === '1') await page.screenshot({ path: join(SHOTS, `${name}.png`) }); };

/**
 * Brands and agencies in a real browser: an operator creates a brand and invites its admin, the
 * admin sets the brand up, and an agency agent with roles in two brands switches between them
 * from the keyboard and sees only the chosen brand's queue.
 */
describe('admin: brands, agencies and the brand switcher in the browser', () => {
  let s: DeskServer;
  let browser: Browser;
  let alex: Desk;
  const desks: Desk[] = [];

  beforeAll(async () => {
    s = await startDeskServer({ demo: false });
    await s.core.brands.setOperator(s.users.admin.email, true);
    await s.postInbound([{ id: 'home-1', author: 'home_rosa', name: 'Rosa Home', text: 'Home brand only: my router keeps dropping' }]);
    await s.drain();
    browser = await launchBrowser();
    alex = await signedIn(browser, s.url, s.users.admin.email, s.password);
    desks.push(alex);
  });
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') for (const [i, d] of desks.entries()) await d.page.screenshot({ path: join(tmpdir(), `admin-brands-${i}-${ctx.task.name.replace(/\W+/g, '-')}.png`) }).catch(() => undefined);
  });
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  it('lets an operator create a brand and invite its admin, showing the server\'s coded error next to the field', async () => {
    const { page } = alex;
    await page.getByRole('link', { name: 'Admin' }).click();
    await page.getByRole('link', { name: 'All brands' }).click();
    const form = page.getByRole('form', { name: 'New brand' });
    await form.getByLabel('Brand name').fill('Northwind Air');
    await form.getByLabel('Slug').fill('Northwind Air!');
    await form.getByLabel('Time zone').fill('Europe/Lisbon');
    await form.getByLabel('First admin\'s email').fill('nia@northwind.test');
    await form.getByLabel('First admin\'s name').fill('Nia Lead');
    await form.getByLabel('First password (new accounts)').fill(s.password);
    await form.getByRole('button', { name: 'Create brand and invite admin' }).click();
    const slugError = form.locator('[data-field="body.slug"] .field-error');
    await poll(() => slugError.textContent()).toContain('EARSHOT_VALIDATION');
    expect(await form.getByLabel('Slug').getAttribute('aria-invalid')).toBe('true');
    await shot(page, 'admin-brands-error');

    await form.getByLabel('Slug').fill('northwind');
    await form.getByRole('button', { name: 'Create brand and invite admin' }).click();
    await poll(() => form.getByRole('status').textContent()).toContain('nia@northwind.test can sign in with the first password');
    await poll(() => page.locator('tr[data-brand-slug="northwind"]').textContent()).toContain('nia@northwind.test');
    // A slug that is taken: the conflict is shown by the slug too.
    await form.getByLabel('Brand name').fill('Northwind again');
    await form.getByLabel('Slug').fill('northwind');
    await form.getByLabel('First admin\'s email').fill('other@northwind.test');
    await form.getByLabel('First admin\'s name').fill('Other');
    await form.getByLabel('First password (new accounts)').fill(s.password);
    await form.getByRole('button', { name: 'Create brand and invite admin' }).click();
    await poll(() => slugError.textContent()).toContain('EARSHOT_CONFLICT');

    // The agency agent of the home brand gets a role in Northwind with the account they have.
    const add = page.getByRole('form', { name: 'Add someone to a brand' });
    await add.getByLabel('Brand').selectOption({ label: 'Northwind Air' });
    await add.getByLabel('Email').fill(s.users.agency.email);
    await add.getByLabel('Name').fill(s.users.agency.name);
    await add.getByLabel('Role').selectOption('agency_agent');
    await add.getByRole('button', { name: 'Add to brand' }).click();
    await poll(() => add.getByRole('status').textContent()).toContain('now has this brand in their brand switcher');
    await page.locator('.field-error').count().then((n) => expect(n).toBe(1)); // the stale slug error of the other form only
    await form.getByLabel('Slug').fill('northwind-2');
    await shot(page, 'admin-brands');
  });

  it('lets the invited admin set the brand up, with coded errors next to bad fields', async () => {
    const nia = await signedIn(browser, s.url, 'nia@northwind.test', s.password);
    desks.push(nia);
    const { page } = nia;
    expect(await page.locator('.brandmark').textContent()).toContain('Northwind Air');
    await page.getByRole('link', { name: 'Admin' }).click();
    await page.getByRole('link', { name: 'Brand', exact: true }).click();
    const form = page.getByRole('form', { name: 'Brand settings' });
    await form.getByLabel('Logo (https address)').fill('http://insecure.example/logo.png');
    await form.getByRole('button', { name: 'Save brand settings' }).click();
    await poll(() => form.locator('[data-field="body.look.logoUrl"] .field-error').textContent()).toContain('EARSHOT_VALIDATION');
    await form.getByLabel('Logo (https address)').fill('');
    await form.getByLabel('Time zone').fill('Mars/Olympus');
    await form.getByRole('button', { name: 'Save brand settings' }).click();
    await poll(() => form.locator('[data-field="body.timezone"] .field-error').textContent()).toContain('not a known IANA time zone');
    await form.getByLabel('Time zone').fill('Europe/Lisbon');
    await form.getByLabel('Public replies by agency agents').selectOption('direct');
    await form.getByRole('button', { name: 'Save brand settings' }).click();
    await poll(() => form.getByRole('status').textContent()).toBe('Saved.');
    const northwind = await s.core.admin.findBrandBySlug('northwind');
    expect((await s.core.brands.settings(northwind?.id ?? '')).agency.publicReplies).toBe('direct');
    await shot(page, 'admin-brand-settings');
    const dark = await signedIn(browser, s.url, 'nia@northwind.test', s.password, { colorScheme: 'dark' });
    desks.push(dark);
    await dark.page.goto('/admin/brand');
    await dark.page.getByRole('form', { name: 'Brand settings' }).waitFor();
    await shot(dark.page, 'admin-brand-settings-dark');
  });

  it('lets an agency agent switch brands from the keyboard and see only the chosen brand\'s queue', async () => {
    const northwind = await s.core.admin.findBrandBySlug('northwind');
    const { channel, secret } = await s.core.channels.create(systemActor(northwind?.id ?? ''), { kind: 'api', name: 'Northwind API' });
    const body = JSON.stringify({ events: [{ id: 'evt-nw-1', message: { providerMessageId: 'nw-1', direction: 'inbound', visibility: 'public', text: 'Northwind only: my flight was cancelled', sentAt: new Date().toISOString(), author: { externalId: 'nw_pat', handle: '@nw_pat', displayName: 'Pat Flyer', followers: 50 } } }] });
    const res = await fetch(`${s.url}/api/v1/channels/${channel.id}/events`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-earshot-signature': signApiBody(secret ?? '', body) }, body });
    expect(res.status).toBe(200);
    await s.drain();

    for (const scheme of ['light', 'dark'] as const) {
      const sam = await signedIn(browser, s.url, s.users.agency.email, s.password, { colorScheme: scheme });
      desks.push(sam);
      const { page } = sam;
      const list = page.getByRole('listbox', { name: 'Conversations' });
      await poll(() => list.textContent()).toContain('Home brand only');
      expect(await list.textContent()).not.toContain('Northwind only');
      // Reach the switcher with Tab alone.
      let focused = '';
      for (let i = 0; i < 12 && focused !== 'Brand'; i++) {
        await page.keyboard.press('Tab');
        focused = await page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? '');
      }
      expect(focused).toBe('Brand');
      await page.getByLabel('Brand', { exact: true }).selectOption({ label: 'Northwind Air · agency agent' });
      await poll(() => list.textContent()).toContain('Northwind only');
      expect(await list.textContent()).not.toContain('Home brand only');
      expect(await page.getByLabel('Brand', { exact: true }).inputValue()).toBe(northwind?.id);
      await shot(page, scheme === 'light' ? 'brand-switcher' : 'brand-switcher-dark');
      // And back: nothing of Northwind stays on screen.
      await page.getByLabel('Brand', { exact: true }).selectOption({ label: `${(await s.core.admin.getBrand(s.brandId)).name} · agency agent` });
      await poll(() => list.textContent()).toContain('Home brand only');
      expect(await list.textContent()).not.toContain('Northwind only');
      expect(sam.errors).toEqual([]);
    }
  });
});
