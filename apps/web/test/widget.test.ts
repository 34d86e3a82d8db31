import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Actor } from '@earshot/core';
import { launchBrowser } from './support/browser';
import { startDeskServer, type DeskServer } from './support/desk-server';

// Waiting for the page (not a timed assertion): poll until the condition holds or the test's own timeout.
const poll = <T,>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 20_000, interval: 50 });

/**
 * The web chat widget on a brand's own page (another origin, a strict CSP) in headless Chromium, against a
 * real server with its worker running: the agent's reply is pushed to the widget, not polled for.
 */
describe('web chat widget in the browser', () => {
  let s: DeskServer;
  let site: Server;
  let siteUrl = '';
  let channelId = '';
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let agent: Actor;
  const requests: { method: string; url: string; lastEventId: string | undefined }[] = [];

  const conversationId = async () => (await s.core.db.selectFrom('conversations').select('id').where('channel_id', '=', channelId).executeTakeFirstOrThrow()).id;
  const bubbles = () => page.locator('[role="dialog"][aria-label="Chat"] div[aria-live] > div').allTextContents();

  beforeAll(async () => {
    s = await startDeskServer({ demo: false });
    const actor: Actor = { type: 'system', id: 'test', brandId: s.brandId };
    channelId = (await s.core.channels.create(actor, { kind: 'webchat', name: 'Site chat' })).channel.id;
    agent = { type: 'user', id: s.users.agent.id, userId: s.users.agent.id, brandId: s.brandId, role: 'agent', name: s.users.agent.name };
    // The brand's site: its own origin, a CSP that allows scripts and connections to Earshot only.
    site = createServer((_req, res) => {
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': `default-src 'none'; script-src ${s.url}; connect-src ${s.url}`,
      });
      res.end(`<!doctype html><html><head><title>Brand shop</title></head><body><h1>Brand shop</h1><script src="${s.url}/widget.js" data-channel="${channelId}" async></script></body></html>`);
    });
    await new Promise<void>((r) => site.listen(0, 'localhost', r));
    const addr = site.address();
    siteUrl = `http://localhost:${typeof addr === 'object' && addr ? addr.port : 0}/`;
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1024, height: 720 } });
    page = await context.newPage();
    page.on('request', (r) => { if (r.url().includes('/chat/')) requests.push({ method: r.method(), url: r.url(), lastEventId: r.headers()['last-event-id'] }); });
  });
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail') await page?.screenshot({ path: join(tmpdir(), `widget-test-${ctx.task.name.replace(/\W+/g, '-')}.png`) }).catch(() => undefined);
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => site?.close(r));
    await s?.close();
  });

  it('pushes the visitor\'s message and the agent\'s reply into the widget without a poll interval', async () => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    await page.goto(siteUrl);
    await page.getByRole('button', { name: 'Chat with us' }).click();
    await page.getByLabel('Message').fill('Hello, my order 5521 has not shipped yet');
    await page.getByRole('button', { name: 'Send' }).click();
    await poll(bubbles).toEqual(['Hello, my order 5521 has not shipped yet']);

    const convId = await conversationId();
    const before = Date.now();
    await s.core.conversations.reply(agent, convId, { text: 'It ships today, sorry for the wait!', visibility: 'private' });
    await poll(bubbles).toEqual(['Hello, my order 5521 has not shipped yet', 'Dana ReyesIt ships today, sorry for the wait!']);
    const took = Date.now() - before;
    await page.screenshot({ path: join(tmpdir(), 'widget-pushed-reply.png') });

    // Pushed, not polled: the widget never asked for the message list, and the reply arrived well inside
    // the 3 s the polling widget waited between requests.
    expect(requests.filter((r) => r.method === 'GET' && r.url.includes('/chat/messages'))).toEqual([]);
    expect(requests.filter((r) => r.url.includes('/chat/stream')).length).toBeGreaterThanOrEqual(1);
    expect(took).toBeLessThan(2_500);
    expect(errors).toEqual([]);
  });

  it('reconnects after the connection drops, with Last-Event-ID, and shows what was sent meanwhile', async () => {
    const convId = await conversationId();
    const streamsBefore = requests.filter((r) => r.url.includes('/chat/stream')).length;
    // Every open connection is cut (a proxy restart, a network blip); the reply goes out while the widget is away.
    s.app.server.closeAllConnections();
    await s.core.conversations.reply(agent, convId, { text: 'Tracking number: EA-7781', visibility: 'private' });
    await poll(bubbles).toEqual(['Hello, my order 5521 has not shipped yet', 'Dana ReyesIt ships today, sorry for the wait!', 'Dana ReyesTracking number: EA-7781']);
    const reconnects = requests.filter((r) => r.url.includes('/chat/stream')).slice(streamsBefore);
    expect(reconnects.length).toBeGreaterThanOrEqual(1);
    expect(reconnects[0]?.lastEventId).toMatch(/^\d{4}-\d{2}-\d{2}T[^|]+\|/);
  });

  it('keeps the conversation after a reload (the token is in localStorage) and still shows every message once', async () => {
    await page.reload();
    await page.getByRole('button', { name: 'Chat with us' }).click();
    await poll(bubbles).toEqual(['Hello, my order 5521 has not shipped yet', 'Dana ReyesIt ships today, sorry for the wait!', 'Dana ReyesTracking number: EA-7781']);
    await page.screenshot({ path: join(tmpdir(), 'widget-after-reload.png') });
  });
});
