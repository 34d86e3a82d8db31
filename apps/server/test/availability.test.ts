import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDb } from '../../../test/support/db';
import { apiDelivery, seedBrand, type SeededBrand } from '../../../test/support/core';
import { as, createTestApp, login, type Session, type TestApp } from '../../../test/support/http';

/**
 * A signed-in agent sets their own availability (the desk's header control); going online lets the
 * queue flow to them. Admins edit skills and capacity, and the brand's auto-away setting.
 */
describeEachDb('availability, skills and the desk settings over HTTP', (kind) => {
  let t: TestApp;
  let b: SeededBrand;
  let admin: Session;
  let agent: Session;

  beforeAll(async () => {
    t = await createTestApp(kind);
    b = await seedBrand(t.core, 'avail');
    admin = await login(t.app, b.emails.admin, b.password);
    agent = await login(t.app, b.emails.agent, b.password);
  });
  afterAll(async () => { await t?.drop(); });

  const userOf = async (id: string) => t.core.db.selectFrom('memberships').select(['availability', 'skills', 'capacity']).where('brand_id', '=', b.brandId).where('user_id', '=', id).executeTakeFirstOrThrow();

  it('an agent going online from the desk is given the conversation that waited in the queue while everyone was offline', async () => {
    const d = apiDelivery(b.apiSecret, [{ id: 'q-1', author: 'nora', text: 'My parcel is a week late, where is it?' }]);
    await t.app.inject({ method: 'POST', url: `/api/v1/channels/${b.apiChannelId}/events`, headers: { 'content-type': 'application/json', 'x-earshot-signature': d.signature }, payload: d.body });
    await t.core.worker().drain();
    const conv = await t.core.db.selectFrom('conversations').select(['id', 'assignee_id']).where('brand_id', '=', b.brandId).executeTakeFirstOrThrow();
    expect(conv.assignee_id).toBeNull(); // everyone is offline

    const res = await as(t.app, agent)('PATCH', `/api/v1/users/${b.agentId}`, { availability: 'online' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: b.agentId, availability: 'online' });
    const after = await t.core.db.selectFrom('conversations').select('assignee_id').where('id', '=', conv.id).executeTakeFirstOrThrow();
    expect(after.assignee_id).toBe(b.agentId);

    expect((await as(t.app, agent)('PATCH', `/api/v1/users/${b.agentId}`, { availability: 'away' })).json()).toMatchObject({ availability: 'away' });
    expect((await userOf(b.agentId)).availability).toBe('away');
  });

  it('an agent sets only their own availability: not a colleague\'s, not their own skills; a bad value is a coded 400', async () => {
    const other = await as(t.app, agent)('PATCH', `/api/v1/users/${b.adminId}`, { availability: 'offline' });
    expect([other.statusCode, other.json<{ error: { code: string } }>().error.code]).toEqual([403, 'EARSHOT_FORBIDDEN']);
    const skills = await as(t.app, agent)('PATCH', `/api/v1/users/${b.agentId}`, { availability: 'online', skills: ['vip'] });
    expect(skills.statusCode).toBe(403);
    const bad = await as(t.app, agent)('PATCH', `/api/v1/users/${b.agentId}`, { availability: 'busy' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { code: 'EARSHOT_VALIDATION' } });
    expect((await userOf(b.agentId)).skills).toEqual([]);
  });

  it('an admin edits an agent\'s skills and capacity, audited', async () => {
    const res = await as(t.app, admin)('PATCH', `/api/v1/users/${b.agentId}`, { skills: ['billing', 'es'], capacity: { default: 4 } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ skills: ['billing', 'es'], capacity: { default: 4 } });
    expect(await userOf(b.agentId)).toMatchObject({ skills: ['billing', 'es'], capacity: { default: 4 } });
    const audit = await t.core.db.selectFrom('audit_events').select(['action', 'after']).where('brand_id', '=', b.brandId).where('subject_id', '=', b.agentId).orderBy('seq', 'desc').executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ action: 'user.updated', after: { skills: ['billing', 'es'], capacity: { default: 4 } } });
    const negative = await as(t.app, admin)('PATCH', `/api/v1/users/${b.agentId}`, { capacity: { default: -1 } });
    expect(negative.statusCode).toBe(400);
  });

  it('auto-away is a brand setting: everyone reads it, only user:manage changes it, out-of-range is a 400 naming the field', async () => {
    expect((await as(t.app, agent)('GET', '/api/v1/desk-settings')).json()).toEqual({ autoAwayMinutes: null });
    const forbidden = await as(t.app, agent)('PUT', '/api/v1/desk-settings', { autoAwayMinutes: 5 });
    expect(forbidden.statusCode).toBe(403);
    const saved = await as(t.app, admin)('PUT', '/api/v1/desk-settings', { autoAwayMinutes: 5 });
    expect([saved.statusCode, saved.json()]).toEqual([200, { autoAwayMinutes: 5 }]);
    expect((await as(t.app, agent)('GET', '/api/v1/desk-settings')).json()).toEqual({ autoAwayMinutes: 5 });
    for (const autoAwayMinutes of [0, 481, 2.5, '5']) {
      const bad = await as(t.app, admin)('PUT', '/api/v1/desk-settings', { autoAwayMinutes });
      expect([autoAwayMinutes, bad.statusCode, bad.json<{ error: { code: string; field?: string } }>().error]).toEqual([autoAwayMinutes, 400, expect.objectContaining({ code: 'EARSHOT_VALIDATION', field: 'body.autoAwayMinutes' })]);
    }
    expect((await as(t.app, admin)('PUT', '/api/v1/desk-settings', { autoAwayMinutes: null })).json()).toEqual({ autoAwayMinutes: null });
    const audit = await t.core.db.selectFrom('audit_events').select(['after']).where('brand_id', '=', b.brandId).where('action', '=', 'brand.desk_settings_updated').orderBy('seq').execute();
    expect(audit.map((a) => a.after)).toEqual([{ autoAwayMinutes: 5 }, { autoAwayMinutes: null }]);
  });
});
