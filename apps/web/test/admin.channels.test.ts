import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, signedIn, type Desk } from './support/browser';
import { startDeskServer, type DeskServer } from './support/desk-server';
import { startXFakeServer, type XFakeServer } from '../../../packages/core/src/channels/index';

const poll = <T,>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 20_000, interval: 100 });
const SHOTS = fileURLToPath(new URL('../../../docs/screenshots/', import.meta.url));
const shot = async (page: Page, name: string) => { if (process.env.EARSHOT_SCREENSHOTS === '1') await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true }); };

/**
 * Connecting X through the set-up wizard against the local X server: the fields X needs, a channel
 * that lacks one stays disconnected and says so, the webhook address to paste, the live CRC check,
 * and a mention delivered by the local X server landing in the queue.
 */
describe('admin: the channel set-up wizard in the browser', () => {
  let s: DeskServer;
  let x: XFakeServer;
  let browser: Browser;
  let alex: Desk;

  beforeAll(async () => {
    // The CRM of this test listens on 127.0.0.1.
    s = await startDeskServer({ demo: false, webhooks: { allowPrivate: true } });
    x = await startXFakeServer();
    browser = await launchBrowser();
    alex = await signedIn(browser, s.url, s.users.admin.email, s.password);
  });
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail' && alex) await alex.page.screenshot({ path: join(tmpdir(), `admin-channels-${ctx.task.name.replace(/\W+/g, '-')}.png`), fullPage: true }).catch(() => undefined);
  });
  afterAll(async () => {
    await browser?.close();
    await x?.close();
    await s?.close();
  });

  it('connects an X channel against the local X server: missing fields named, webhook address, CRC check, a test mention in the queue', async () => {
    const { page } = alex;
    await page.goto('/admin/channels');
    const form = page.getByRole('form', { name: 'Connect a channel' });
    await form.getByLabel('Kind').selectOption('x');
    await form.getByLabel('Name', { exact: true }).fill('@EarshotAir');
    await form.getByLabel('API key secret (consumer secret)').fill(x.credentials.consumerSecret);
    await form.getByLabel('API address (optional)').fill(x.url);
    await form.getByLabel('Brand account id (optional)').fill(x.brand.id);
    await form.getByRole('button', { name: 'Connect' }).click();

    // Without the access token it is listed disconnected, saying what it needs, never active.
    const row = page.locator('tr[data-channel="@EarshotAir"]');
    await poll(() => row.textContent()).toContain('needs accessToken');
    expect(await row.textContent()).not.toContain('active');
    const wizard = page.getByRole('region', { name: 'Set up @EarshotAir' });
    await poll(() => wizard.getByRole('status').first().textContent()).toContain('it needs accessToken');
    await wizard.getByRole('button', { name: 'Activate' }).click();
    await poll(() => wizard.locator('.form-error').first().textContent()).toContain('EARSHOT_VALIDATION');
    await shot(page, 'channel-wizard-missing');

    await wizard.getByLabel('User access token (OAuth 2.0)').fill(x.credentials.accessToken);
    await wizard.getByRole('button', { name: 'Save credentials' }).click();
    await poll(() => row.textContent()).toContain('active');
    await poll(() => wizard.getByRole('status').first().textContent()).toContain('Has everything');

    // The address to paste, and the live check that X's CRC reached Earshot.
    const url = (await wizard.getByTestId('webhook-url').textContent()) ?? '';
    expect(url).toMatch(new RegExp(`^${s.url}/api/v1/channels/[0-9a-f-]{36}/events$`));
    await poll(() => wizard.getByLabel('Challenge check').textContent()).toContain('Waiting for X\'s CRC check');
    expect((await x.crc(url)).ok).toBe(true);
    await poll(() => wizard.getByLabel('Challenge check').textContent()).toContain('reached Earshot');
    expect(await wizard.getByLabel('Challenge check').textContent()).toContain('was answered');
    await shot(page, 'channel-wizard');

    // A test mention through the local X server lands in the queue.
    const from = x.addCustomer({ username: 'wizard_tester', name: 'Wizard Tester' });
    const m = x.mention({ from, text: '@EarshotAir testing the new connection, please ignore' });
    expect((await x.deliver(url, m.payload))[0]?.status).toBe(200);
    await page.goto('/');
    await poll(() => page.getByRole('listbox', { name: 'Conversations' }).textContent()).toContain('testing the new connection');
    expect(alex.errors).toEqual([]);
  });

  it('sets the CRM look-up hook with coded errors next to the fields, and tests it now', async () => {
    const crm = createServer((req, res) => { req.resume(); req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ attributes: { plan: 'Gold', openOrders: 2 } }))); });
    await new Promise<void>((r) => crm.listen(0, '127.0.0.1', () => r()));
    try {
      const { page } = alex;
      await page.goto('/admin/crm');
      const form = page.getByRole('form', { name: 'CRM hook' });
      await form.getByLabel('Look-up URL').fill('ftp://crm.example.com/lookup');
      await form.getByLabel('Shared secret').fill('too-short');
      await form.getByRole('button', { name: 'Save hook' }).click();
      await poll(() => form.locator('[data-field="body.secret"] .field-error').textContent()).toContain('EARSHOT_VALIDATION');
      await form.getByLabel('Shared secret').fill('a shared secret of some length');
      await form.getByRole('button', { name: 'Save hook' }).click();
      await poll(() => form.locator('[data-field="body.url"] .field-error').textContent()).toContain('EARSHOT_VALIDATION');
      await form.getByLabel('Look-up URL').fill(`http://127.0.0.1:${(crm.address() as AddressInfo).port}/lookup`);
      await form.getByLabel('Shared secret').fill('a shared secret of some length');
      await form.getByRole('button', { name: 'Save hook' }).click();
      await poll(() => form.getByRole('status').textContent()).toBe('Saved.');
      const tester = page.getByRole('form', { name: 'Test the CRM hook' });
      await tester.getByLabel('Sample customer email (optional)').fill('gold@example.com');
      await tester.getByRole('button', { name: 'Test now' }).click();
      await poll(() => tester.getByLabel('CRM test result').textContent()).toContain('with 2 field(s)');
      expect(await tester.getByLabel('CRM test result').textContent()).toContain('Gold');
      await shot(page, 'crm-hook');
    } finally {
      crm.close();
    }
  });

  it('shows the wizard in the dark theme', async () => {
    const dark = await signedIn(browser, s.url, s.users.admin.email, s.password, { colorScheme: 'dark' });
    await dark.page.goto('/admin/channels');
    await dark.page.locator('tr[data-channel="@EarshotAir"]').getByRole('button', { name: 'Set up' }).click();
    await dark.page.getByRole('region', { name: 'Set up @EarshotAir' }).getByLabel('Challenge check').waitFor();
    await shot(dark.page, 'channel-wizard-dark');
    await dark.context.close();
  });
});
