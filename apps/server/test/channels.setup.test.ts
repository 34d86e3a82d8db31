import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from '@earshot/db';
import { describeEachDb } from '../../../test/support/db';
import { seedBrand, type SeededBrand } from '../../../test/support/core';
import { as, createTestApp, login, type Session, type TestApp } from '../../../test/support/http';
import { startXFakeServer, type XFakeServer } from '../../../packages/core/src/channels/index';

interface ChannelBody { channel: { id: string; status: string; statusDetail: string | null; credentialKeys: string[] } }
interface SetupBody { channel: { status: string }; credentials: { key: string; required: boolean }[]; missing: string[]; webhookPath: string | null; challenge: { kind: string; last: { ok: boolean; status: number } | null } | null }

/**
 * A channel that lacks what its provider needs says so and is never `active`; completing it
 * connects it; the set-up view shows the webhook path and whether the provider's challenge arrived.
 */
describeEachDb('channel set-up: requirements, status and the challenge check', (kind) => {
  let t: TestApp;
  let b: SeededBrand;
  let admin: Session;
  let x: XFakeServer;

  beforeAll(async () => {
    t = await createTestApp(kind);
    b = await seedBrand(t.core, 'setup');
    admin = await login(t.app, b.emails.admin, b.password);
    x = await startXFakeServer();
  });
  afterAll(async () => { await x?.close(); await t?.drop(); });

  it('lists an X channel created without credentials as disconnected, naming what it needs, and refuses to activate it', async () => {
    const created = await as(t.app, admin)('POST', '/api/v1/channels', { kind: 'x', name: '@Bare' });
    expect(created.statusCode).toBe(200);
    const ch = created.json<ChannelBody>().channel;
    expect([ch.status, ch.statusDetail]).toEqual(['disconnected', 'needs consumerSecret, accessToken']);
    const listed = (await as(t.app, admin)('GET', '/api/v1/channels')).json<{ items: { id: string; status: string }[] }>().items;
    expect(listed.find((c) => c.id === ch.id)?.status).toBe('disconnected');
    const activate = await as(t.app, admin)('PATCH', `/api/v1/channels/${ch.id}`, { status: 'active' });
    expect([activate.statusCode, activate.json<{ error: { code: string; field: string } }>().error]).toEqual([400, expect.objectContaining({ code: 'EARSHOT_VALIDATION', field: 'body.credentials' })]);
    // Half-way: still disconnected, now needing one thing.
    const half = await as(t.app, admin)('PATCH', `/api/v1/channels/${ch.id}`, { credentials: { consumerSecret: x.credentials.consumerSecret } });
    expect(half.json<ChannelBody>().channel).toMatchObject({ status: 'disconnected', statusDetail: 'needs accessToken' });
    const setup = (await as(t.app, admin)('GET', `/api/v1/channels/${ch.id}/setup`)).json<SetupBody>();
    expect(setup).toMatchObject({ missing: ['accessToken'], webhookPath: `/api/v1/channels/${ch.id}/events`, challenge: { kind: 'x_crc', last: null } });
    expect(setup.credentials.map((f) => [f.key, f.required])).toEqual([['consumerSecret', true], ['accessToken', true], ['bearerToken', false]]);
    // Ingest refuses a disconnected channel's deliveries.
    const body = JSON.stringify({ for_user_id: x.brand.id, tweet_create_events: [] });
    const refused = await t.app.inject({ method: 'POST', url: `/api/v1/channels/${ch.id}/events`, headers: { 'content-type': 'application/json' }, payload: body });
    expect(refused.statusCode).toBeGreaterThanOrEqual(400);
  });

  it('connects the channel once it has everything, and records whether the provider\'s CRC challenge reached it', async () => {
    const ch = (await as(t.app, admin)('POST', '/api/v1/channels', { kind: 'x', name: '@Wizard', settings: { apiBaseUrl: x.url } })).json<ChannelBody>().channel;
    expect(ch.status).toBe('disconnected');
    const done = await as(t.app, admin)('PATCH', `/api/v1/channels/${ch.id}`, { credentials: { consumerSecret: x.credentials.consumerSecret, accessToken: x.credentials.accessToken }, settings: { userId: x.brand.id } });
    expect(done.json<ChannelBody>().channel).toMatchObject({ status: 'active', statusDetail: null });
    const actions = (await sql<{ action: string }>`select action from audit_events where subject_id = ${ch.id} order by seq`.execute(t.core.db)).rows.map((r) => r.action);
    expect(actions).toEqual(['channel.created', 'channel.settings_changed', 'channel.credentials_rotated', 'channel.connected']);

    const crc = await t.app.inject({ method: 'GET', url: `/api/v1/channels/${ch.id}/events?crc_token=wizard-check` });
    expect(crc.statusCode).toBe(200);
    const seen = (await as(t.app, admin)('GET', `/api/v1/channels/${ch.id}/setup`)).json<SetupBody>();
    expect(seen).toMatchObject({ missing: [], channel: { status: 'active' }, challenge: { kind: 'x_crc', last: { ok: true, status: 200 } } });
    // Removing a credential it needs disconnects it again.
    const removed = await as(t.app, admin)('PATCH', `/api/v1/channels/${ch.id}`, { credentials: { accessToken: null } });
    expect(removed.json<ChannelBody>().channel).toMatchObject({ status: 'disconnected', statusDetail: 'needs accessToken' });
  });

  it('keeps channels without provider credentials (API, web chat) active, and shows agents no set-up', async () => {
    const chat = (await as(t.app, admin)('POST', '/api/v1/channels', { kind: 'webchat', name: 'Chat' })).json<ChannelBody>().channel;
    expect(chat.status).toBe('active');
    const setup = (await as(t.app, admin)('GET', `/api/v1/channels/${chat.id}/setup`)).json<SetupBody>();
    expect(setup).toMatchObject({ missing: [], webhookPath: null, challenge: null });
    const agent = await login(t.app, b.emails.agent, b.password);
    expect((await as(t.app, agent)('GET', `/api/v1/channels/${chat.id}/setup`)).statusCode).toBe(403);
  });
});
