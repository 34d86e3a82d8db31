import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, signedIn, type Desk } from './support/browser';
import { startDeskServer, type DeskServer } from './support/desk-server';
import { WebhookReceiver } from '../../../test/support/webhook-receiver';

const poll = <T,>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 20_000, interval: 100 });

/** Admin → Webhooks in a real browser: subscribe a local receiver, copy the secret shown once, see the delivery in the log. */
describe('webhooks in the browser', () => {
  let s: DeskServer;
  let browser: Browser;
  let admin: Desk;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    s = await startDeskServer({ demo: false, webhooks: { allowPrivate: true } });
    receiver = await WebhookReceiver.start();
    browser = await launchBrowser();
    admin = await signedIn(browser, s.url, s.users.admin.email, s.password);
  });
  afterAll(async () => {
    await browser?.close();
    await receiver?.stop();
    await s?.close();
  });

  it('subscribes a receiver, shows the secret once and logs the signed delivery', async () => {
    const page = admin.page;
    await page.goto('/admin/webhooks');
    await page.getByRole('heading', { name: 'Webhooks' }).waitFor();
    await page.getByLabel('URL').fill(receiver.url);
    await page.getByLabel('message.received').check(); // conversation.created is ticked already
    await page.getByRole('button', { name: 'Create webhook' }).click();
    const status = page.getByRole('status').filter({ hasText: 'not shown again' });
    await status.waitFor();
    receiver.secret = (await status.locator('code').textContent()) ?? '';
    expect(receiver.secret).toMatch(/^whsec_/);
    await page.getByRole('cell', { name: receiver.url }).waitFor();

    await s.postInbound([{ id: 'wh-browser-1', author: 'ann_hooks', text: 'Where is my refund?' }]);
    await poll(() => receiver.accepted.length).toBe(2);
    expect(receiver.requests.map((r) => [r.type, r.signature]).sort()).toEqual([['conversation.created', 'ok'], ['message.received', 'ok']]);

    await page.getByRole('button', { name: 'Deliveries' }).click();
    const log = page.getByRole('table', { name: 'Webhook deliveries' });
    await poll(async () => (await log.textContent()) ?? '').toContain('delivered');
    expect(await log.textContent()).toContain('200');
    await page.screenshot({ path: join(tmpdir(), 'earshot-webhooks-admin.png'), fullPage: true });

    // A reload shows the subscription, never the secret.
    await page.reload();
    await page.getByRole('cell', { name: receiver.url }).waitFor();
    expect(await page.content()).not.toContain(receiver.secret);
    expect(admin.errors).toEqual([]);
  });
});
