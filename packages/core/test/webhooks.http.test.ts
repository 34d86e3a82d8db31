import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebhookEventNames } from '@earshot/domain';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPublicAddress, signWebhook, verifyWebhookSignature } from '@earshot/core';
import { postPinned } from '../src/webhooks/outbound-http';

/** The signed request itself, against local servers that misbehave: no database involved. */
describe('webhook signature', () => {
  const secret = 'whsec_test-secret';
  const body = '{"id":"evt_1","type":"conversation.created"}';
  const now = 1_800_000_000;

  it('verifies its own signature and refuses a changed body, another secret, an old timestamp and garbage', () => {
    const header = signWebhook(secret, body, now);
    expect(header).toMatch(/^t=1800000000,v1=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature(secret, header, body, now + 10)).toEqual({ ok: true, timestamp: now });
    expect(verifyWebhookSignature(secret, header, Buffer.from(body), now - 299)).toEqual({ ok: true, timestamp: now });
    expect(verifyWebhookSignature(secret, header, `${body} `, now)).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifyWebhookSignature('whsec_other', header, body, now)).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifyWebhookSignature(secret, header, body, now + 301)).toEqual({ ok: false, reason: 'expired' });
    // The timestamp is signed: moving it forward to pass the window breaks the HMAC.
    expect(verifyWebhookSignature(secret, header.replace(`t=${now}`, `t=${now + 600}`), body, now + 600)).toEqual({ ok: false, reason: 'mismatch' });
    for (const bad of [undefined, '', 'v1=abc', `t=${now}`, `t=x,v1=${'0'.repeat(64)}`, `t=${now},v1=zz`]) {
      expect(verifyWebhookSignature(secret, bad, body, now)).toEqual({ ok: false, reason: 'malformed' });
    }
  });

  it('matches the HMAC an integrator computes with openssl-style tools (hex of sha256 over "t.body")', async () => {
    const { createHmac } = await import('node:crypto');
    const expected = createHmac('sha256', secret).update(`${now}.${body}`).digest('hex');
    expect(signWebhook(secret, body, now)).toBe(`t=${now},v1=${expected}`);
  });
});

describe('event names', () => {
  it('are all actions the server records (a renamed audit action would silently stop its webhooks)', () => {
    const src = fileURLToPath(new URL('../src/', import.meta.url));
    const files = (readdirSync(src, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts') && !f.startsWith('webhooks'));
    const code = files.map((f) => readFileSync(join(src, f), 'utf8')).join('\n');
    expect(WebhookEventNames.filter((name) => !code.includes(`'${name}'`))).toEqual([]);
  });
});

describe('address rule', () => {
  it('allows only public unicast addresses', () => {
    const table: [string, boolean][] = [
      ['1.1.1.1', true], ['8.8.8.8', true], ['2606:4700:4700::1111', true],
      ['127.0.0.1', false], ['127.8.9.10', false], ['10.0.0.1', false], ['172.16.0.1', false], ['172.31.255.255', false], ['192.168.1.1', false],
      ['169.254.169.254', false], ['100.64.0.1', false], ['0.0.0.0', false], ['255.255.255.255', false], ['224.0.0.1', false],
      ['::1', false], ['::', false], ['fe80::1', false], ['fc00::1', false], ['fd12:3456::1', false], ['::ffff:127.0.0.1', false], ['::ffff:10.0.0.1', false],
      ['64:ff9b::a00:1', false], ['not an address', false],
    ];
    expect(table.map(([a]) => [a, isPublicAddress(a)])).toEqual(table);
  });
});

describe('postPinned against misbehaving receivers', () => {
  let server: Server;
  let base = '';
  const policy = { allowPrivate: true };
  let hangs = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      if (req.url === '/hang') { hangs += 1; return; }
      if (req.url === '/redirect') { res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end(); return; }
      if (req.url === '/huge') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        const chunk = Buffer.alloc(64 * 1024, 'x');
        let sent = 0;
        const pump = () => { while (sent < 200 && res.write(chunk)) sent += 1; if (sent < 200) res.once('drain', () => { sent += 1; pump(); }); else res.end(); };
        pump();
        return;
      }
      res.writeHead(204).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('gives up on a receiver that never answers at the deadline', async () => {
    const r = await postPinned(`${base}/hang`, '{}', {}, { policy, timeoutMs: 300, maxResponseBytes: 1024 });
    expect(hangs).toBe(1);
    expect(r).toMatchObject({ status: null, error: 'no answer within 300 ms' });
    expect(r.durationMs).toBeGreaterThanOrEqual(250);
    expect(r.durationMs).toBeLessThan(2_000);
  });

  it('stops reading a huge answer after the cap, keeping the status', async () => {
    const started = Date.now();
    const r = await postPinned(`${base}/huge`, '{}', {}, { policy, timeoutMs: 5_000, maxResponseBytes: 64 * 1024 });
    expect(r).toMatchObject({ status: 200, error: null });
    expect(r.excerpt.length).toBeLessThanOrEqual(512);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('does not follow a redirect', async () => {
    const r = await postPinned(`${base}/redirect`, '{}', {}, { policy, timeoutMs: 2_000, maxResponseBytes: 1024 });
    expect(r.status).toBe(302);
    expect(r.error).toMatch(/^redirect to http:\/\/169\.254\.169\.254\/latest\/meta-data\/ not followed$/);
  });

  it('refuses a private target at send time unless allowed (the address may have changed since it was saved)', async () => {
    const r = await postPinned(`${base}/ok`, '{}', {}, { policy: { allowPrivate: false }, timeoutMs: 2_000, maxResponseBytes: 1024 });
    expect(r).toMatchObject({ status: null });
    expect(r.error).toMatch(/https|loopback, private or link-local/);
    const ok = await postPinned(`${base}/ok`, '{}', {}, { policy, timeoutMs: 2_000, maxResponseBytes: 1024 });
    expect(ok).toMatchObject({ status: 204, error: null });
  });

  it('reports a refused connection as an error, not an exception', async () => {
    const r = await postPinned('http://127.0.0.1:9/nothing-here', '{}', {}, { policy, timeoutMs: 2_000, maxResponseBytes: 1024 });
    expect(r).toMatchObject({ status: null, error: 'could not connect (ECONNREFUSED)' });
  });
});
