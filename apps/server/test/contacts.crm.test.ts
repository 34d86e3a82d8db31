import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { describeEachDb } from '../../../test/support/db';
import { apiDelivery, seedBrand, type SeededBrand } from '../../../test/support/core';
import { as, createTestApp, login, type Session, type TestApp } from '../../../test/support/http';

interface Crm { status: 'ok' | 'error'; attributes: Record<string, unknown>; fetchedAt: string | null; error: string | null }
interface Profile { id: string; attributes: Record<string, unknown>; crm: Crm | null }

const SECRET = 'crm-shared-secret-0123456789abcdef';

/** A CRM on 127.0.0.1 that checks the signature the way a receiver would, independently of Earshot's code. */
function fakeCrm() {
  const state = {
    mode: 'ok' as 'ok' | 'fail' | 'hang' | 'badjson' | 'toolarge',
    answer: {} as Record<string, unknown>,
    calls: [] as unknown[],
    refused: 0,
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const want = Buffer.from(`sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`);
      const got = Buffer.from(String(req.headers['x-earshot-signature'] ?? ''));
      if (got.length !== want.length || !timingSafeEqual(got, want)) {
        state.refused += 1;
        res.writeHead(401).end('bad signature');
        return;
      }
      state.calls.push(JSON.parse(body.toString('utf8')));
      if (state.mode === 'hang') return; // never answers: Earshot's timeout must end it
      if (state.mode === 'fail') { res.writeHead(503).end('down'); return; }
      if (state.mode === 'badjson') { res.writeHead(200, { 'content-type': 'application/json' }).end('{"attributes": '); return; }
      const attributes = state.mode === 'toolarge' ? Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i])) : state.answer;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ attributes }));
    });
  });
  return { state, server };
}

describeEachDb('CRM look-up hook: signed look-up, cached fields on the profile, failures noted', (kind) => {
  let t: TestApp;
  let b: SeededBrand;
  let other: SeededBrand;
  let admin: Session;
  let agent: Session;
  let otherAgent: Session;
  let contactId: string;
  let otherContactId: string;
  let url: string;
  const crm = fakeCrm();
  const answers: string[] = [];

  const call = async (s: Session, method: string, path: string, body?: unknown) => {
    const res = await as(t.app, s)(method, path, body);
    answers.push(res.body);
    return res;
  };
  const profile = async (s: Session = agent, id = contactId) => {
    const res = await call(s, 'GET', `/api/v1/contacts/${id}`);
    expect(res.statusCode).toBe(200);
    return res.json<Profile>();
  };
  // Makes the cached fields look older than the 15-minute TTL.
  const expire = () => t.core.db.updateTable('contacts').set({ crm_checked_at: new Date(Date.now() - 16 * 60_000) }).where('id', '=', contactId).execute();
  const deliver = async (brand: SeededBrand, id: string, author: string) => {
    const d = apiDelivery(brand.apiSecret, [{ id, author, text: `help ${id}` }]);
    const res = await t.app.inject({ method: 'POST', url: `/api/v1/channels/${brand.apiChannelId}/events`, headers: { 'content-type': 'application/json', 'x-earshot-signature': d.signature }, payload: d.body });
    expect(res.statusCode).toBe(200);
    await t.core.worker().drain();
    return (await t.core.db.selectFrom('conversations').select('contact_id').where('brand_id', '=', brand.brandId).orderBy('created_at', 'desc').executeTakeFirstOrThrow()).contact_id;
  };

  beforeAll(async () => {
    await new Promise<void>((resolve) => crm.server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(crm.server.address() as AddressInfo).port}/lookup`;
    t = await createTestApp(kind);
    b = await seedBrand(t.core, 'crmhook');
    other = await seedBrand(t.core, 'crmother');
    admin = await login(t.app, b.emails.admin, b.password);
    agent = await login(t.app, b.emails.agent, b.password);
    otherAgent = await login(t.app, other.emails.agent, other.password);
    contactId = await deliver(b, 'c-1', 'carol');
    otherContactId = await deliver(other, 'o-1', 'oscar');
    // An attribute that did not come from the CRM: a refresh must keep it.
    await t.core.db.updateTable('contacts').set({ attributes: JSON.stringify({ importedFrom: 'twcs' }) }).where('id', '=', contactId).execute();
  });
  afterAll(async () => {
    crm.server.closeAllConnections();
    await new Promise((resolve) => crm.server.close(resolve));
    await t?.drop();
  });
  beforeEach(() => { crm.state.mode = 'ok'; });

  it('lets only an admin configure the hook, and never answers with the secret', async () => {
    expect((await call(agent, 'PUT', '/api/v1/crm-hook', { url, secret: SECRET })).statusCode).toBe(403);
    expect((await call(agent, 'GET', '/api/v1/crm-hook')).statusCode).toBe(403);
    const bad = await call(admin, 'PUT', '/api/v1/crm-hook', { url: 'ftp://crm.example/x', secret: SECRET });
    expect([bad.statusCode, bad.json<{ error: { code: string; field: string } }>().error]).toEqual([400, expect.objectContaining({ code: 'EARSHOT_VALIDATION', field: 'body.url' })]);
    expect((await call(admin, 'PUT', '/api/v1/crm-hook', { url, secret: 'short' })).statusCode).toBe(400);
    // No profile look-up before the hook exists.
    expect((await profile()).crm).toBeNull();
    const set = await call(admin, 'PUT', '/api/v1/crm-hook', { url, secret: SECRET });
    expect(set.statusCode).toBe(200);
    expect(set.json()).toEqual({ configured: true, url, secretSet: true, updatedAt: expect.any(String) });
    expect((await call(admin, 'GET', '/api/v1/crm-hook')).json()).toMatchObject({ configured: true, url, secretSet: true });
    // Sealed at rest, like channel credentials.
    const stored = await t.core.db.selectFrom('brands').select('settings').where('id', '=', b.brandId).executeTakeFirstOrThrow();
    expect(JSON.stringify(stored.settings)).not.toContain(SECRET);
  });

  it('shows the CRM\'s fields on the profile, looked up with a signed request', async () => {
    crm.state.answer = { plan: 'gold', lifetimeValue: 1200, churnRisk: false, accountManager: null };
    const p = await profile();
    expect(p.crm).toEqual({ status: 'ok', attributes: crm.state.answer, fetchedAt: expect.any(String), error: null });
    expect(p.attributes).toEqual({ importedFrom: 'twcs' });
    expect(crm.state.calls).toEqual([{
      brandId: b.brandId,
      contact: { id: contactId, name: '@carol', email: null, identities: [{ channelKind: 'api', externalId: 'carol', handle: '@carol' }] },
    }]);
    const audit = await call(admin, 'GET', `/api/v1/audit?subjectId=${contactId}`);
    expect(audit.json<{ items: { action: string }[] }>().items.map((e) => e.action)).toContain('contact.crm_refreshed');
  });

  it('answers from the cache within the TTL and asks again after it', async () => {
    const before = crm.state.calls.length;
    expect((await profile()).crm?.attributes).toMatchObject({ plan: 'gold' });
    expect(crm.state.calls.length).toBe(before);
    await expire();
    crm.state.answer = { plan: 'platinum', region: 'EU' };
    const p = await profile();
    expect(crm.state.calls.length).toBe(before + 1);
    // The CRM's new answer replaces its earlier fields (lifetimeValue is gone); the contact's own attributes stay.
    expect(p.crm?.attributes).toEqual({ plan: 'platinum', region: 'EU' });
    expect(p.attributes).toEqual({ importedFrom: 'twcs' });
  });

  it('keeps the last known fields with an error note when the CRM fails, times out or answers garbage', async () => {
    const cases = [['fail', 'CRM answered HTTP 503'], ['badjson', 'CRM answer is not JSON'], ['toolarge', 'CRM answer rejected: attributes at most 50 attributes'], ['hang', 'CRM did not answer within 2000 ms']] as const;
    for (const [mode, error] of cases) {
      crm.state.mode = mode;
      await expire();
      const p = await profile();
      expect([mode, p.crm]).toEqual([mode, { status: 'error', attributes: { plan: 'platinum', region: 'EU' }, fetchedAt: expect.any(String), error }]);
    }
    // A failed look-up is not retried on every read.
    const before = crm.state.calls.length;
    expect((await profile()).crm?.status).toBe('error');
    expect(crm.state.calls.length).toBe(before);
    // The CRM is back: the next look-up clears the note.
    crm.state.mode = 'ok';
    await expire();
    expect((await profile()).crm).toMatchObject({ status: 'ok', error: null, attributes: { plan: 'platinum', region: 'EU' } });
  });

  it('signs with the configured secret: a CRM with another secret refuses the look-up', async () => {
    expect((await call(admin, 'PUT', '/api/v1/crm-hook', { url, secret: 'a-different-secret-0123456789' })).statusCode).toBe(200);
    await expire();
    const refused = crm.state.refused;
    const p = await profile();
    expect(crm.state.refused).toBe(refused + 1);
    expect(p.crm).toMatchObject({ status: 'error', error: 'CRM answered HTTP 401', attributes: { plan: 'platinum' } });
    expect((await call(admin, 'PUT', '/api/v1/crm-hook', { url, secret: SECRET })).statusCode).toBe(200);
    await expire();
    expect((await profile()).crm).toMatchObject({ status: 'ok', error: null });
    expect(crm.state.refused).toBe(refused + 1);
  });

  it('keeps brands apart: another brand has no hook, no look-up and no access', async () => {
    const before = crm.state.calls.length;
    expect((await profile(otherAgent, otherContactId)).crm).toBeNull();
    expect(crm.state.calls.length).toBe(before);
    expect((await call(otherAgent, 'GET', `/api/v1/contacts/${contactId}`)).statusCode).toBe(404);
    const otherAdmin = await login(t.app, other.emails.admin, other.password);
    expect((await call(otherAdmin, 'GET', '/api/v1/crm-hook')).json()).toEqual({ configured: false, url: null, secretSet: false, updatedAt: null });
    expect((await call(otherAdmin, 'DELETE', '/api/v1/crm-hook')).statusCode).toBe(200);
    expect((await call(admin, 'GET', '/api/v1/crm-hook')).json()).toMatchObject({ configured: true, url });
  });

  it('removes the hook and never put the secret in any answer', async () => {
    expect((await call(admin, 'DELETE', '/api/v1/crm-hook')).json()).toMatchObject({ configured: false });
    await expire();
    const before = crm.state.calls.length;
    expect((await profile()).crm).toMatchObject({ status: 'ok', attributes: { plan: 'platinum', region: 'EU' } });
    expect(crm.state.calls.length).toBe(before);
    await call(admin, 'GET', '/api/v1/audit');
    expect(answers.length).toBeGreaterThan(20);
    expect(answers.filter((a) => a.includes(SECRET) || a.includes('a-different-secret'))).toEqual([]);
  });
});
