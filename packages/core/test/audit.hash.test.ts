import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { auditHash, auditHashOfJson } from '../src/audit/audit.hash';
import { canonicalJson } from '../src/shared/crypto';

/** The chain's definition, written out independently: sha256(prev ‖ "\n" ‖ canonical JSON of the row's fields). */
function reference(prev: string, r: Record<string, unknown>): string {
  const body = canonicalJson({
    brand_id: r.brand_id, seq: String(r.seq), actor_type: r.actor_type, actor_id: r.actor_id, action: r.action,
    subject_type: r.subject_type, subject_id: r.subject_id, before: r.before ?? null, after: r.after ?? null,
    created_at: new Date(r.created_at as Date).toISOString(),
  });
  return createHash('sha256').update(`${prev}\n${body}`).digest('hex');
}

const json = fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.parse(JSON.stringify(v)) as unknown);
const row = fc.record({
  brand_id: fc.uuid(), seq: fc.integer({ min: 1, max: 1e9 }).map(String), actor_type: fc.constantFrom('user', 'token', 'system', 'channel'),
  actor_id: fc.option(fc.string(), { nil: null }), action: fc.string(), subject_type: fc.string(), subject_id: fc.option(fc.string(), { nil: null }),
  before: fc.option(json, { nil: null }), after: fc.option(json, { nil: null }),
  created_at: fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }),
});

it('hashes an audit row exactly as the chain defines it, from the row or from its canonical JSON', () => {
  fc.assert(fc.property(fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64 }), row, (prev, r) => {
    const want = reference(prev, r);
    expect(auditHash(prev, r)).toBe(want);
    expect(auditHashOfJson(prev, r, canonicalJson(r.before), canonicalJson(r.after))).toBe(want);
  }), { numRuns: 2000 });
});

it('changes with any hashed field', () => {
  const r = { brand_id: 'b', seq: '1', actor_type: 'system', actor_id: null, action: 'a', subject_type: 's', subject_id: 'x', before: null, after: { k: 1 }, created_at: new Date(0) };
  const h = auditHash('0'.repeat(64), r);
  expect(auditHash('0'.repeat(64), { ...r, after: { k: 2 } })).not.toBe(h);
  expect(auditHash('0'.repeat(64), { ...r, subject_id: null })).not.toBe(h);
  expect(auditHash('1'.repeat(64), r)).not.toBe(h);
});
