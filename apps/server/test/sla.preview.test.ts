import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDb } from '../../../test/support/db';
import { seedBrand, type SeededBrand } from '../../../test/support/core';
import { as, createTestApp, login, type Session, type TestApp } from '../../../test/support/http';

interface Preview { openNow: boolean; rows: { priority: string; targets: { first_response: { due: string } | null } }[] }
const weekdays = { mon: [{ start: '09:00', end: '17:00' }], tue: [{ start: '09:00', end: '17:00' }], wed: [{ start: '09:00', end: '17:00' }], thu: [{ start: '09:00', end: '17:00' }], fri: [{ start: '09:00', end: '17:00' }] };

/** The SLA forms' preview: due times for a message received now, from draft or saved settings, nothing saved. */
describeEachDb('SLA preview', (kind) => {
  let t: TestApp;
  let b: SeededBrand;
  let admin: Session;

  beforeAll(async () => {
    t = await createTestApp(kind);
    b = await seedBrand(t.core, 'slaprev');
    admin = await login(t.app, b.emails.admin, b.password);
  });
  afterAll(async () => { await t?.drop(); });

  const due = (p: Preview, priority: string) => p.rows.find((r) => r.priority === priority)?.targets.first_response?.due;

  it('moves due times with a draft holiday, uses the saved hours when none is sent, and names the bad field', async () => {
    const at = '2026-12-07T15:00:00Z'; // Monday 16:00 in Berlin
    const hours = { timeZone: 'Europe/Berlin', weekly: weekdays, holidays: [] as string[] };
    const plain = (await as(t.app, admin)('POST', '/api/v1/sla/preview', { hours, at })).json<Preview>();
    const holiday = (await as(t.app, admin)('POST', '/api/v1/sla/preview', { hours: { ...hours, holidays: ['2026-12-08'] }, at })).json<Preview>();
    expect([due(plain, 'normal'), due(holiday, 'normal')]).toEqual(['2026-12-08T11:00:00.000Z', '2026-12-09T11:00:00.000Z']);
    expect(due(holiday, 'urgent')).toBe('2026-12-07T15:30:00.000Z');
    // Saved hours are used when the draft has none; the preview saved nothing.
    expect((await as(t.app, admin)('PUT', '/api/v1/business-hours', { hours: { ...hours, holidays: ['2026-12-08'] } })).statusCode).toBe(200);
    expect(due((await as(t.app, admin)('POST', '/api/v1/sla/preview', { at })).json<Preview>(), 'normal')).toBe('2026-12-09T11:00:00.000Z');
    const bad = await as(t.app, admin)('POST', '/api/v1/sla/preview', { hours: { ...hours, timeZone: 'Mars/Olympus' } });
    expect(bad.json<{ error: { code: string; field: string } }>().error).toMatchObject({ code: 'EARSHOT_VALIDATION', field: 'body.hours.timeZone' });
  });
});
