import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDb } from '../../../test/support/db';
import { seedBrand, type SeededBrand } from '../../../test/support/core';
import { as, createTestApp, login, type Session, type TestApp } from '../../../test/support/http';

const SECRET = 'crm-test-now-secret-0123456789';

/** "Test now" on the CRM hook form: one signed look-up of a sample customer, the answer shown, nothing stored. */
describeEachDb('CRM hook: test now', (kind) => {
  let t: TestApp;
  let b: SeededBrand;
  let admin: Session;
  let server: Server;
  let url = '';
  const seen: { email: string | null; signed: boolean }[] = [];

  beforeAll(async () => {
    t = await createTestApp(kind);
    b = await seedBrand(t.core, 'crmtest');
    admin = await login(t.app, b.emails.admin, b.password);
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => { body += c.toString(); });
      req.on('end', () => {
        const sig = String(req.headers['x-earshot-signature'] ?? '');
        const expected = createHmac('sha256', SECRET).update(body).digest('hex');
        const parsed = JSON.parse(body) as { contact: { email: string | null } };
        seen.push({ email: parsed.contact.email, signed: sig.includes(expected) });
        if (parsed.contact.email === 'broken@example.com') { res.writeHead(500).end('boom'); return; }
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ attributes: { plan: 'Gold', lifetimeValue: 1200 } }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/lookup`;
  });
  afterAll(async () => { server?.close(); await t?.drop(); });

  it('says to save a hook first, then shows what the CRM answered or why it failed, storing nothing', async () => {
    const none = await as(t.app, admin)('POST', '/api/v1/crm-hook/test', {});
    expect([none.statusCode, none.json<{ error: { code: string } }>().error.code]).toEqual([409, 'EARSHOT_INVALID_STATE']);
    expect((await as(t.app, admin)('PUT', '/api/v1/crm-hook', { url, secret: SECRET })).statusCode).toBe(200);

    const ok = await as(t.app, admin)('POST', '/api/v1/crm-hook/test', { email: 'gold@example.com' });
    expect(ok.json()).toMatchObject({ ok: true, attributes: { plan: 'Gold', lifetimeValue: 1200 }, error: null });
    const failed = await as(t.app, admin)('POST', '/api/v1/crm-hook/test', { email: 'broken@example.com' });
    expect(failed.json()).toMatchObject({ ok: false, attributes: null, error: 'CRM answered HTTP 500' });
    expect(seen).toEqual([{ email: 'gold@example.com', signed: true }, { email: 'broken@example.com', signed: true }]);
    const bad = await as(t.app, admin)('POST', '/api/v1/crm-hook/test', { email: 'not an email' });
    expect(bad.json<{ error: { code: string; field: string } }>().error).toMatchObject({ code: 'EARSHOT_VALIDATION', field: 'body.email' });
    const stored = await t.core.db.selectFrom('contacts').select('id').where('brand_id', '=', b.brandId).execute();
    expect(stored).toEqual([]);
  });
});
