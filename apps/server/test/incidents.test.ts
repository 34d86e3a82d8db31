import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DeskEvent } from '@earshot/core';
import { describeEachDb } from '../../../test/support/db';
import { apiDelivery, seedBrand, type SeededBrand } from '../../../test/support/core';
import { as, createTestApp, login, type Session, type TestApp } from '../../../test/support/http';

interface Incident { id: string; title: string; status: string; createdBy: string | null; resolvedAt: string | null; conversationCount: number }
interface Link { id: string; title: string; status: string; linkedAt: string; linkedBy: string | null }

describeEachDb('incidents', (kind) => {
  let t: TestApp;
  let b: SeededBrand;
  let agent: Session;
  const conv: Record<string, string> = {};

  beforeAll(async () => {
    t = await createTestApp(kind);
    b = await seedBrand(t.core, 'inci');
    agent = await login(t.app, b.emails.agent, b.password);
    const d = apiDelivery(b.apiSecret, [
      { id: 'i-1', author: 'ann', text: 'App will not load' },
      { id: 'i-2', author: 'bob', text: 'Login broken for me too' },
      { id: 'i-3', author: 'cid', text: 'Love the new colours' },
      { id: 'i-4', author: 'dee', text: 'Card payment failed twice' },
    ]);
    await t.app.inject({ method: 'POST', url: `/api/v1/channels/${b.apiChannelId}/events`, headers: { 'content-type': 'application/json', 'x-earshot-signature': d.signature }, payload: d.body });
    await t.core.worker().drain();
    for (const [h, pid] of [['ann', 'i-1'], ['bob', 'i-2'], ['cid', 'i-3'], ['dee', 'i-4']] as const) {
      conv[h] = (await t.core.db.selectFrom('messages').select('conversation_id').where('provider_message_id', '=', pid).executeTakeFirstOrThrow()).conversation_id;
    }
  });
  afterAll(async () => { await t?.drop(); });

  it('filters the inbox by incident, across statuses, with cursor pages', async () => {
    const incident = await t.core.db.insertInto('incidents').values({ brand_id: b.brandId, title: 'Login outage' }).returning('id').executeTakeFirstOrThrow();
    await t.core.db.insertInto('conversation_incidents').values([conv.ann, conv.bob].map((id) => ({ brand_id: b.brandId, conversation_id: id ?? '', incident_id: incident.id }))).execute();
    await t.core.db.updateTable('conversations').set({ status: 'resolved' }).where('id', '=', conv.bob ?? '').execute();
    const list = (q: string) => as(t.app, agent)('GET', `/api/v1/conversations?incidentId=${incident.id}${q}`).then((r) => r.json<{ items: { id: string }[]; nextCursor: string | null }>());
    expect((await list('')).items.map((c) => c.id)).toEqual([conv.ann]); // open and pending by default
    const all = await list('&status=open,pending,snoozed,resolved');
    expect(all.items.map((c) => c.id).sort()).toEqual([conv.ann, conv.bob].sort());
    const p1 = await list('&status=open,pending,snoozed,resolved&limit=1');
    const p2 = await list(`&status=open,pending,snoozed,resolved&limit=1&cursor=${p1.nextCursor ?? ''}`);
    expect([...p1.items, ...p2.items].map((c) => c.id)).toEqual(all.items.map((c) => c.id));
    expect((await as(t.app, agent)('GET', '/api/v1/conversations?incidentId=nope')).json()).toMatchObject({ error: { code: 'EARSHOT_VALIDATION' } });
  });

  it('declares an incident, links conversations to it (once), shows the links and audits each change', async () => {
    const call = as(t.app, agent);
    const events: DeskEvent[] = [];
    const off = t.core.bus.subscribe((e) => events.push(e));
    const created = await call('POST', '/api/v1/incidents', { title: '  Payments down  ' });
    const inc = created.json<Incident>();
    expect(inc).toMatchObject({ title: 'Payments down', status: 'open', createdBy: b.agentId, resolvedAt: null, conversationCount: 0 });
    const link = await call('POST', `/api/v1/conversations/${conv.dee}/incidents`, { incidentId: inc.id });
    expect(link.json<{ items: Link[] }>().items).toEqual([expect.objectContaining({ id: inc.id, title: 'Payments down', status: 'open', linkedBy: b.agentId })]);
    expect((await call('POST', `/api/v1/conversations/${conv.dee}/incidents`, { incidentId: inc.id })).json<{ items: Link[] }>().items).toHaveLength(1);
    // Declare-and-link in one call.
    const both = (await call('POST', `/api/v1/conversations/${conv.dee}/incidents`, { title: 'Slow app start' })).json<{ items: Link[] }>().items;
    expect(both.map((l) => l.title)).toEqual(['Payments down', 'Slow app start']);
    off();
    expect(events.filter((e) => e.type === 'conversation.incident_linked').map((e) => e.conversationId)).toEqual([conv.dee, conv.dee]);
    const detail = (await call('GET', `/api/v1/conversations/${conv.dee}`)).json<{ incidents: Link[] }>();
    expect(detail.incidents.map((l) => l.title)).toEqual(['Payments down', 'Slow app start']);
    const audit = await t.core.db.selectFrom('audit_events').select(['action', 'after']).where('subject_id', '=', conv.dee ?? '').where('action', 'like', 'conversation.incident%').orderBy('seq').execute();
    expect(audit).toEqual([
      { action: 'conversation.incident_linked', after: { incidentId: inc.id, title: 'Payments down' } },
      { action: 'conversation.incident_linked', after: { incidentId: both[1]?.id, title: 'Slow app start' } },
    ]);
    expect(await t.core.db.selectFrom('audit_events').select('action').where('action', '=', 'incident.created').execute()).toHaveLength(2);

    const unlinked = await call('DELETE', `/api/v1/conversations/${conv.dee}/incidents/${both[1]?.id}`);
    expect(unlinked.json<{ items: Link[] }>().items.map((l) => l.id)).toEqual([inc.id]);
    expect((await call('DELETE', `/api/v1/conversations/${conv.dee}/incidents/${both[1]?.id}`)).json()).toMatchObject({ error: { code: 'EARSHOT_INCIDENT_NOT_FOUND', field: 'params.incidentId' } });
    expect(await t.core.db.selectFrom('audit_events').select(['action', 'before']).where('subject_id', '=', conv.dee ?? '').where('action', '=', 'conversation.incident_unlinked').execute())
      .toEqual([{ action: 'conversation.incident_unlinked', before: { incidentId: both[1]?.id, title: 'Slow app start' } }]);
  });

  it('lists incidents with their conversation counts, by status and title, in pages; resolves and reopens', async () => {
    const call = as(t.app, agent);
    const page = (q: string) => call('GET', `/api/v1/incidents${q}`).then((r) => r.json<{ items: Incident[]; nextCursor: string | null }>());
    const open = await page('?status=open');
    expect(open.items.map((i) => [i.title, i.conversationCount])).toEqual([['Slow app start', 0], ['Payments down', 1], ['Login outage', 2]]);
    expect((await page('?q=pay')).items.map((i) => i.title)).toEqual(['Payments down']);
    const p1 = await page('?limit=2');
    const p2 = await page(`?limit=2&cursor=${p1.nextCursor ?? ''}`);
    expect([...p1.items, ...p2.items].map((i) => i.title)).toEqual(open.items.map((i) => i.title));
    const pay = open.items[1]?.id ?? '';
    const resolved = (await call('PATCH', `/api/v1/incidents/${pay}`, { status: 'resolved' })).json<Incident>();
    expect(resolved.status).toBe('resolved');
    expect(resolved.resolvedAt).not.toBeNull();
    expect((await page('?status=resolved')).items.map((i) => i.id)).toEqual([pay]);
    // A resolved incident takes no new conversations until it is reopened.
    const refused = await call('POST', `/api/v1/conversations/${conv.cid}/incidents`, { incidentId: pay });
    expect([refused.statusCode, refused.json<{ error: { code: string } }>().error.code]).toEqual([409, 'EARSHOT_INVALID_STATE']);
    expect((await call('PATCH', `/api/v1/incidents/${pay}`, { status: 'open', title: 'Payments degraded' })).json<Incident>()).toMatchObject({ status: 'open', resolvedAt: null, title: 'Payments degraded' });
    const updates = await t.core.db.selectFrom('audit_events').select(['before', 'after']).where('subject_id', '=', pay).where('action', '=', 'incident.updated').orderBy('seq').execute();
    expect(updates.map((u) => u.after)).toEqual([{ title: 'Payments down', status: 'resolved' }, { title: 'Payments degraded', status: 'open' }]);
  });

  it('refuses bad links with a code: both or neither target, unknown or another brand\'s incident, no permission', async () => {
    const call = as(t.app, agent);
    const other = await seedBrand(t.core, 'inc2');
    const theirs = await t.core.incidents.create({ type: 'user', id: other.agentId, userId: other.agentId, brandId: other.brandId }, { title: 'Their outage' });
    const inc = (await call('GET', '/api/v1/incidents?status=open&q=slow')).json<{ items: Incident[] }>().items[0];
    for (const [body, status, code] of [
      [{ incidentId: inc?.id, title: 'x' }, 400, 'EARSHOT_VALIDATION'],
      [{}, 400, 'EARSHOT_VALIDATION'],
      [{ title: '' }, 400, 'EARSHOT_VALIDATION'],
      [{ incidentId: '00000000-0000-4000-8000-000000000000' }, 404, 'EARSHOT_INCIDENT_NOT_FOUND'],
      [{ incidentId: theirs.id }, 404, 'EARSHOT_INCIDENT_NOT_FOUND'],
    ] as const) {
      const res = await call('POST', `/api/v1/conversations/${conv.cid}/incidents`, body);
      expect([JSON.stringify(body), res.statusCode, res.json<{ error: { code: string } }>().error.code]).toEqual([JSON.stringify(body), status, code]);
    }
    expect((await call('GET', `/api/v1/incidents/${theirs.id}`)).statusCode).toBe(404);
    const viewer = await login(t.app, b.emails.viewer, b.password);
    expect((await as(t.app, viewer)('POST', `/api/v1/conversations/${conv.cid}/incidents`, { incidentId: inc?.id })).statusCode).toBe(403);
    expect((await as(t.app, viewer)('GET', '/api/v1/incidents')).statusCode).toBe(200);
    expect(await t.core.db.selectFrom('conversation_incidents').select('incident_id').where('conversation_id', '=', conv.cid ?? '').execute()).toEqual([]);
  });
});
