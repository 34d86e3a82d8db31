import { afterAll, beforeAll, expect, it } from 'vitest';
import { EarshotError } from '@earshot/domain';
import { systemActor, verifyAuditChain } from '@earshot/core';
import { describeEachDb } from '../../../test/support/db';
import { apiDelivery, createTestCore, seedBrand, type SeededBrand, type TestCore } from '../../../test/support/core';

const PASSWORD = 'correct horse battery staple';
const OPERATOR = { type: 'user' as const, id: null, operator: true };

describeEachDb('brands: creation by operators, settings, people in several brands, switching', (kind) => {
  let t: TestCore;
  let a: SeededBrand;

  beforeAll(async () => {
    t = await createTestCore(kind);
    a = await seedBrand(t.core, 'alpha');
  });
  afterAll(async () => { await t?.drop(); });

  it('lets only an operator create a brand with its first admin, audited on the new brand\'s own chain', async () => {
    await expect(t.core.brands.create({ ...OPERATOR, operator: false }, { slug: 'nope', name: 'Nope', timezone: 'UTC', admin: { email: 'x@nope.test', name: 'X', password: PASSWORD } }))
      .rejects.toMatchObject({ code: 'EARSHOT_FORBIDDEN' });
    expect(await t.core.admin.findBrandBySlug('nope')).toBeUndefined();

    const res = await t.core.brands.create(OPERATOR, { slug: 'gamma', name: 'Gamma Telecom', timezone: 'Europe/Madrid', admin: { email: 'Lead@Gamma.test', name: 'Gia', password: PASSWORD } });
    expect(res.brand).toMatchObject({ slug: 'gamma', name: 'Gamma Telecom', timezone: 'Europe/Madrid', look: { logoUrl: null }, agency: { publicReplies: 'approval', privateReplies: 'direct' } });
    expect(res.admin).toMatchObject({ email: 'lead@gamma.test', created: true });
    const login = await t.core.auth.login('lead@gamma.test', PASSWORD);
    expect([login.principal.brandId, login.principal.role]).toEqual([res.brand.id, 'admin']);
    const audit = await t.core.db.selectFrom('audit_events').select('action').where('brand_id', '=', res.brand.id).orderBy('seq').execute();
    expect(audit.map((e) => e.action)).toEqual(['brand.created', 'user.role_set', 'user.logged_in']);
    expect((await verifyAuditChain(t.core.db, res.brand.id)).ok).toBe(true);
  });

  it('refuses a taken slug, a new admin without a password and a password for an existing account, creating nothing', async () => {
    const before = await t.core.db.selectFrom('brands').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    const attempt = async (input: Parameters<typeof t.core.brands.create>[1]) => t.core.brands.create(OPERATOR, input).then(() => null, (e: unknown) => e instanceof EarshotError ? [e.code, e.field] : e);
    expect(await attempt({ slug: 'alpha', name: 'Again', timezone: 'UTC', admin: { email: 'new@x.test', name: 'N', password: PASSWORD } })).toEqual(['EARSHOT_CONFLICT', 'body.slug']);
    expect(await attempt({ slug: 'delta', name: 'Delta', timezone: 'UTC', admin: { email: 'new@delta.test', name: 'N' } })).toEqual(['EARSHOT_VALIDATION', 'body.admin.password']);
    expect(await attempt({ slug: 'delta', name: 'Delta', timezone: 'UTC', admin: { email: a.emails.agent, name: 'N', password: 'another password 123' } })).toEqual(['EARSHOT_CONFLICT', 'body.admin.password']);
    const after = await t.core.db.selectFrom('brands').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
    // The existing account still signs in with its own password.
    await expect(t.core.auth.login(a.emails.agent, PASSWORD)).resolves.toBeTruthy();
  });

  it('gives one account roles in several brands; switching opens a session of the other brand and ends the old one', async () => {
    // An agency: alpha's agency agent becomes the admin of a new brand "epsilon", without a new password.
    const eps = await t.core.brands.create(OPERATOR, { slug: 'epsilon', name: 'Epsilon Air', timezone: 'UTC', admin: { email: a.emails.agency, name: 'ignored' } });
    expect(eps.admin).toEqual({ id: a.agencyId, email: a.emails.agency, created: false });
    const s1 = await t.core.auth.login(a.emails.agency, PASSWORD, 'alpha');
    expect((await t.core.brands.mine(a.agencyId, a.brandId)).map((b) => [b.slug, b.role, b.current])).toEqual([['alpha', 'agency_agent', true], ['epsilon', 'admin', false]]);

    const p1 = await t.core.auth.fromSession(s1.token);
    const s2 = await t.core.auth.switchBrand(p1, 'epsilon');
    expect([s2.principal.brandId, s2.principal.role]).toEqual([eps.brand.id, 'admin']);
    expect(s2.token).not.toBe(s1.token);
    expect(s2.csrfToken).not.toBe(s1.csrfToken);
    await expect(t.core.auth.fromSession(s1.token)).rejects.toMatchObject({ code: 'EARSHOT_UNAUTHENTICATED' });
    const p2 = await t.core.auth.fromSession(s2.token);
    expect(p2.brandId).toBe(eps.brand.id);

    // A brand without a role, or none at all: the same refusal, and the session stays where it was.
    // (an id one character off alpha's: its last hex digit changed, never left as it was)
    const offByOne = a.brandId.replace(/.$/, (c) => (c === '0' ? '1' : '0'));
    for (const target of ['gamma', 'no-such-brand', offByOne]) {
      await expect(t.core.auth.switchBrand(p2, target)).rejects.toMatchObject({ code: 'EARSHOT_FORBIDDEN', field: 'body.brand' });
    }
    expect((await t.core.auth.fromSession(s2.token)).brandId).toBe(eps.brand.id);
    // Back to alpha by id; the switch is audited on the brand switched to.
    const s3 = await t.core.auth.switchBrand(p2, a.brandId);
    expect([s3.principal.brandId, s3.principal.role]).toEqual([a.brandId, 'agency_agent']);
    // One entry on each brand's own chain (ids are random, so compared as a set, not in id order).
    const switched = await t.core.db.selectFrom('audit_events').select(['brand_id', 'after']).where('action', '=', 'user.switched_brand').execute();
    expect(switched.map((e) => e.brand_id).sort()).toEqual([eps.brand.id, a.brandId].sort());
    // API tokens belong to one brand and cannot switch.
    const token = await t.core.auth.createToken({ ...systemActor(a.brandId), userId: a.adminId }, { name: 'ci', scopes: ['conversation:read'] });
    await expect(t.core.auth.switchBrand(await t.core.auth.fromApiToken(token.token), 'epsilon')).rejects.toMatchObject({ code: 'EARSHOT_FORBIDDEN' });
  });

  it('keeps each brand\'s settings its own and holds agency replies as the brand says', async () => {
    const actor = { ...systemActor(a.brandId), userId: a.adminId };
    const updated = await t.core.brands.update(actor, { name: 'Alpha Mobile', timezone: 'America/New_York', look: { logoUrl: 'https://cdn.alpha.test/logo.png', primaryColor: '#112233', accentColor: '#445566' }, agency: { publicReplies: 'direct', privateReplies: 'approval' } });
    expect(updated).toMatchObject({ name: 'Alpha Mobile', slug: 'alpha', timezone: 'America/New_York', look: { logoUrl: 'https://cdn.alpha.test/logo.png' }, agency: { publicReplies: 'direct', privateReplies: 'approval' } });
    await expect(t.core.brands.update(actor, { slug: 'gamma' })).rejects.toMatchObject({ code: 'EARSHOT_CONFLICT', field: 'body.slug' });
    const gamma = await t.core.admin.findBrandBySlug('gamma');
    expect((await t.core.brands.settings(gamma?.id ?? '')).agency).toEqual({ publicReplies: 'approval', privateReplies: 'direct' });

    const d = apiDelivery(a.apiSecret, [{ id: 'agency-1', author: 'zoe', text: 'my bill is wrong' }]);
    await t.core.ingest.receive(a.apiChannelId, { method: 'POST', headers: { 'x-earshot-signature': d.signature }, query: {}, rawBody: Buffer.from(d.body) }, JSON.parse(d.body));
    await t.core.worker().drain();
    const conv = await t.core.db.selectFrom('conversations').select('id').where('brand_id', '=', a.brandId).executeTakeFirstOrThrow();
    const agency = { type: 'user' as const, id: a.agencyId, userId: a.agencyId, brandId: a.brandId, role: 'agency_agent' as const };
    const pub = await t.core.conversations.reply(agency, conv.id, { text: 'public answer', visibility: 'public' });
    const priv = await t.core.conversations.reply(agency, conv.id, { text: 'private answer', visibility: 'private' });
    expect([pub.deliveryStatus, priv.deliveryStatus]).toEqual(['queued', 'awaiting_approval']);
  });
});
