import { afterAll, beforeAll, expect, it } from 'vitest';
import { WebhookEventNames, type WebhookSubscriptionView, type WebhookWithSecret } from '@earshot/domain';
import { buildApp } from '../src/http/app';
import { describeEachDb } from '../../../test/support/db';
import { seedBrand, type SeededBrand } from '../../../test/support/core';
import { as, createTestApp, login, type Session, type TestApp } from '../../../test/support/http';

/**
 * The webhook routes as an integrator meets them, with the production URL policy (no private
 * targets): the secret once, coded 4xx for every bad input, admins only, and the OpenAPI document.
 * Deliveries themselves are tested in packages/core/test/webhooks.test.ts. No worker runs here and
 * every subscription made is disabled: nothing is ever sent to the public address used.
 */
describeEachDb('outbound webhooks over HTTP', (kind) => {
  let t: TestApp;
  let a: SeededBrand;
  let admin: Session;
  let supervisorOrAgent: Session;

  beforeAll(async () => {
    t = await createTestApp(kind, { webhooks: { allowPrivate: false } });
    a = await seedBrand(t.core, 'hooks-http');
    admin = await login(t.app, a.emails.admin, a.password);
    supervisorOrAgent = await login(t.app, a.emails.agent, a.password);
  });
  afterAll(async () => { await t?.drop(); });

  const err = (res: { json: <T>() => T }) => res.json<{ error: { code: string; field?: string } }>().error;

  it('creates a subscription and shows its secret only in that answer and on rotation', async () => {
    const created = await as(t.app, admin)('POST', '/api/v1/webhooks', { url: 'https://1.1.1.1/earshot', events: ['conversation.created', 'sla.breached'], description: 'ops', enabled: false });
    expect(created.statusCode, created.body).toBe(200);
    const { subscription, secret } = created.json<WebhookWithSecret>();
    expect(secret).toMatch(/^whsec_/);
    expect(subscription).toMatchObject({ url: 'https://1.1.1.1/earshot', events: ['conversation.created', 'sla.breached'], enabled: false, description: 'ops' });
    const list = await as(t.app, admin)('GET', '/api/v1/webhooks');
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain(secret);
    expect(list.json<{ items: WebhookSubscriptionView[] }>().items.map((s) => s.id)).toEqual([subscription.id]);
    const one = await as(t.app, admin)('GET', `/api/v1/webhooks/${subscription.id}`);
    expect(one.body).not.toContain(secret);
    const patched = await as(t.app, admin)('PATCH', `/api/v1/webhooks/${subscription.id}`, { events: ['message.received'], description: 'ops team' });
    expect(patched.json<WebhookSubscriptionView>()).toMatchObject({ events: ['message.received'], description: 'ops team' });
    const rotated = await as(t.app, admin)('POST', `/api/v1/webhooks/${subscription.id}/rotate-secret`);
    expect(rotated.statusCode).toBe(200);
    expect(rotated.json<WebhookWithSecret>().secret).not.toBe(secret);
    const deliveries = await as(t.app, admin)('GET', `/api/v1/webhooks/${subscription.id}/deliveries`);
    expect(deliveries.json()).toEqual({ items: [], nextCursor: null });
    const audit = await as(t.app, admin)('GET', '/api/v1/audit/export');
    expect(audit.body).toContain('webhook.secret_rotated');
    expect(audit.body).not.toContain(secret);
    expect(audit.body).not.toContain(rotated.json<WebhookWithSecret>().secret);
    expect((await as(t.app, admin)('DELETE', `/api/v1/webhooks/${subscription.id}`)).json()).toEqual({ ok: true });
    expect(err(await as(t.app, admin)('GET', `/api/v1/webhooks/${subscription.id}`))).toMatchObject({ code: 'EARSHOT_WEBHOOK_NOT_FOUND' });
  });

  it('answers bad input with a coded 4xx, never a 500', async () => {
    const post = (body: unknown) => as(t.app, admin)('POST', '/api/v1/webhooks', body);
    const cases: [unknown, number, string, string | undefined][] = [
      [{ url: 'https://1.1.1.1/x', events: ['conversation.exploded'] }, 400, 'EARSHOT_VALIDATION', 'body.events.0'],
      [{ url: 'https://1.1.1.1/x', events: [] }, 400, 'EARSHOT_VALIDATION', 'body.events'],
      [{ url: 'https://1.1.1.1/x', events: ['message.received', 'message.received'] }, 400, 'EARSHOT_VALIDATION', 'body.events'],
      [{ url: 'https://1.1.1.1/x', events: 'message.received' }, 400, 'EARSHOT_VALIDATION', 'body.events'],
      [{ url: 'https://1.1.1.1/x', events: ['message.received'], secret: 'mine' }, 400, 'EARSHOT_VALIDATION', undefined],
      [{ url: 'not a url', events: ['message.received'] }, 400, 'EARSHOT_VALIDATION', 'body.url'],
      [{ url: 'javascript:alert(1)', events: ['message.received'] }, 400, 'EARSHOT_VALIDATION', 'body.url'],
      [{ url: 'http://1.1.1.1/plain', events: ['message.received'] }, 400, 'EARSHOT_WEBHOOK_URL_REFUSED', 'body.url'],
      [{ url: 'https://127.0.0.1:8443/x', events: ['message.received'] }, 400, 'EARSHOT_WEBHOOK_URL_REFUSED', 'body.url'],
      [{ url: 'https://localhost/x', events: ['message.received'] }, 400, 'EARSHOT_WEBHOOK_URL_REFUSED', 'body.url'],
      [{ url: 'https://169.254.169.254/latest/meta-data/', events: ['message.received'] }, 400, 'EARSHOT_WEBHOOK_URL_REFUSED', 'body.url'],
      [{ url: 'https://[fd12:3456::1]/x', events: ['message.received'] }, 400, 'EARSHOT_WEBHOOK_URL_REFUSED', 'body.url'],
      [{ url: `https://1.1.1.1/${'x'.repeat(2100)}`, events: ['message.received'] }, 400, 'EARSHOT_VALIDATION', 'body.url'],
    ];
    for (const [body, status, code, field] of cases) {
      const res = await post(body);
      expect([JSON.stringify(body).slice(0, 80), res.statusCode, err(res).code]).toEqual([JSON.stringify(body).slice(0, 80), status, code]);
      if (field) expect(err(res).field).toBe(field);
    }
    const id = '00000000-0000-4000-8000-00000000abcd';
    expect(err(await as(t.app, admin)('GET', '/api/v1/webhooks/not-a-uuid'))).toMatchObject({ code: 'EARSHOT_VALIDATION', field: 'params.id' });
    expect(err(await as(t.app, admin)('PATCH', `/api/v1/webhooks/${id}`, { enabled: true }))).toMatchObject({ code: 'EARSHOT_WEBHOOK_NOT_FOUND' });
    expect(err(await as(t.app, admin)('POST', `/api/v1/webhooks/${id}/deliveries/${id}/redeliver`))).toMatchObject({ code: 'EARSHOT_WEBHOOK_NOT_FOUND' });
    const made = (await post({ url: 'https://1.1.1.1/x', events: ['message.received'], enabled: false })).json<WebhookWithSecret>();
    expect(err(await as(t.app, admin)('GET', `/api/v1/webhooks/${made.subscription.id}/deliveries?cursor=garbage`))).toMatchObject({ code: 'EARSHOT_VALIDATION', field: 'query.cursor' });
    expect(err(await as(t.app, admin)('GET', `/api/v1/webhooks/${made.subscription.id}/deliveries?state=lost`))).toMatchObject({ code: 'EARSHOT_VALIDATION' });
    expect(err(await as(t.app, admin)('PATCH', `/api/v1/webhooks/${made.subscription.id}`, { url: 'https://[::1]/x' }))).toMatchObject({ code: 'EARSHOT_WEBHOOK_URL_REFUSED' });
    expect(err(await as(t.app, admin)('PATCH', `/api/v1/webhooks/${made.subscription.id}`, { events: ['nope'] }))).toMatchObject({ code: 'EARSHOT_VALIDATION', field: 'body.events.0' });
    expect(err(await as(t.app, admin)('POST', `/api/v1/webhooks/${made.subscription.id}/deliveries/${id}/redeliver`))).toMatchObject({ code: 'EARSHOT_INVALID_STATE' });
    // Nothing was stored by the refusals.
    expect((await as(t.app, admin)('GET', '/api/v1/webhooks')).json<{ items: unknown[] }>().items).toHaveLength(1);
  });

  it('applies the same private-address rule to the CRM hook', async () => {
    for (const url of ['http://127.0.0.1:9/crm', 'https://localhost/crm', 'http://10.0.0.8/crm', 'https://[::1]/crm']) {
      const res = await as(t.app, admin)('PUT', '/api/v1/crm-hook', { url, secret: 'crm-secret-0123456789' });
      expect([url, res.statusCode, err(res).code]).toEqual([url, 400, 'EARSHOT_WEBHOOK_URL_REFUSED']);
    }
    expect((await as(t.app, admin)('GET', '/api/v1/crm-hook')).json()).toMatchObject({ configured: false });
  });

  it('never writes a secret to the log, even at trace level with request logging on', async () => {
    const lines: string[] = [];
    const logged = await buildApp({ core: t.core, webDist: null, logLevel: 'trace', logStream: { write: (l: string) => { lines.push(l); } } });
    logged.addHook('onResponse', async (req, reply) => { req.log.info({ req: { method: req.method, url: req.url, headers: req.headers }, res: { statusCode: reply.statusCode } }, 'request completed'); });
    await logged.ready();
    try {
      const made = await as(logged, admin)('POST', '/api/v1/webhooks', { url: 'https://1.1.1.1/logged', events: ['message.received'], enabled: false });
      const { subscription, secret } = made.json<WebhookWithSecret>();
      const rotated = (await as(logged, admin)('POST', `/api/v1/webhooks/${subscription.id}/rotate-secret`)).json<WebhookWithSecret>();
      await as(logged, admin)('DELETE', `/api/v1/webhooks/${subscription.id}`);
      expect(lines.length).toBeGreaterThan(2);
      expect(lines.join('\n')).toContain('/api/v1/webhooks');
      for (const s of [secret, rotated.secret]) expect(lines.join('\n')).not.toContain(s);
    } finally {
      await logged.close();
    }
  });

  it('is for admins only, and for signed-in callers only', async () => {
    expect(err(await as(t.app, supervisorOrAgent)('GET', '/api/v1/webhooks'))).toMatchObject({ code: 'EARSHOT_FORBIDDEN' });
    expect(err(await as(t.app, supervisorOrAgent)('POST', '/api/v1/webhooks', { url: 'https://1.1.1.1/x', events: ['message.received'] }))).toMatchObject({ code: 'EARSHOT_FORBIDDEN' });
    expect((await as(t.app, null)('GET', '/api/v1/webhooks/events')).statusCode).toBe(401);
  });

  it('describes the events, the signature and the payload in the API and the OpenAPI document', async () => {
    const cat = (await as(t.app, admin)('GET', '/api/v1/webhooks/events')).json<{ events: string[]; signatureHeader: string; toleranceSeconds: number; samplePayload: Record<string, unknown> }>();
    expect(cat).toMatchObject({ events: [...WebhookEventNames], signatureHeader: 'earshot-signature', toleranceSeconds: 300 });
    expect(cat.samplePayload).toMatchObject({ type: 'conversation.assigned', brandId: a.brandId });
    const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json<{ paths: Record<string, Record<string, unknown>> }>();
    for (const p of ['/api/v1/webhooks', '/api/v1/webhooks/events', '/api/v1/webhooks/{id}', '/api/v1/webhooks/{id}/rotate-secret', '/api/v1/webhooks/{id}/deliveries', '/api/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver']) {
      expect(doc.paths[p], p).toBeDefined();
    }
    const create = JSON.stringify(doc.paths['/api/v1/webhooks']?.post);
    for (const name of WebhookEventNames) expect(create).toContain(`"${name}"`);
    expect(JSON.stringify(doc.paths['/api/v1/webhooks/{id}/deliveries'])).toContain('occurredAt');
  });
});
