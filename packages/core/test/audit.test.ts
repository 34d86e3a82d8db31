import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from '@earshot/db';
import { exportAudit, systemActor, verifyAuditChain } from '@earshot/core';
import { describeEachDb } from '../../../test/support/db';
import { createTestCore, seedBrand, type SeededBrand, type TestCore } from '../../../test/support/core';

describeEachDb('audit trail', (kind) => {
  let t: TestCore;
  let a: SeededBrand;
  let b: SeededBrand;
  beforeAll(async () => {
    t = await createTestCore(kind);
    a = await seedBrand(t.core, 'alpha');
    b = await seedBrand(t.core, 'beta');
    await t.core.admin.createTeam(systemActor(a.brandId), { name: 'Billing', skills: ['billing'], memberIds: [a.agentId] });
  });
  afterAll(async () => { await t?.drop(); });

  it('keeps one verified hash chain per brand', async () => {
    const ra = await verifyAuditChain(t.core.db, a.brandId);
    const rb = await verifyAuditChain(t.core.db, b.brandId);
    expect(ra).toMatchObject({ ok: true });
    expect(ra.checked).toBeGreaterThanOrEqual(6);
    expect(rb).toMatchObject({ ok: true });
  });

  it('refuses UPDATE and DELETE on audit rows', async () => {
    await expect(sql`update audit_events set action = 'x' where brand_id = ${a.brandId}`.execute(t.core.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_events where brand_id = ${a.brandId}`.execute(t.core.db)).rejects.toThrow(/append-only/);
  });

  it('exports JSON lines in chain order', async () => {
    const lines: string[] = [];
    for await (const l of exportAudit(t.core.db, a.brandId)) lines.push(l);
    const rows = lines.map((l) => JSON.parse(l) as { seq: string; hash: string; prev_hash: string });
    expect(rows.map((r) => Number(r.seq))).toEqual(rows.map((_, i) => i + 1));
    expect(rows[1]?.prev_hash).toBe(rows[0]?.hash);
  });

  it('detects a row altered behind the database\'s back, and only in that brand', async () => {
    // Someone with superuser rights disables the guard trigger and edits history.
    await t.core.db.connection().execute(async (c) => {
      await sql`alter table audit_events disable trigger audit_events_no_update`.execute(c);
      await sql`update audit_events set after = '{"role":"viewer"}'::jsonb where brand_id = ${a.brandId} and seq = 3`.execute(c);
      await sql`alter table audit_events enable trigger audit_events_no_update`.execute(c);
    });
    const ra = await verifyAuditChain(t.core.db, a.brandId);
    expect(ra.ok).toBe(false);
    expect(ra.brokenAt).toMatchObject({ seq: '3', reason: 'row content does not match its hash' });
    expect((await verifyAuditChain(t.core.db, b.brandId)).ok).toBe(true);
  });

  it('detects a deleted row', async () => {
    await t.core.db.connection().execute(async (c) => {
      await sql`alter table audit_events disable trigger audit_events_no_update`.execute(c);
      await sql`delete from audit_events where brand_id = ${b.brandId} and seq = 2`.execute(c);
      await sql`alter table audit_events enable trigger audit_events_no_update`.execute(c);
    });
    const rb = await verifyAuditChain(t.core.db, b.brandId);
    expect(rb).toMatchObject({ ok: false, brokenAt: { seq: '3' } });
  });
});
