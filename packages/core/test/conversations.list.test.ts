import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from '@earshot/db';
import type { ConversationView } from '@earshot/domain';
import { listConversations, type ListFilters } from '../src/conversations/conversation.query';
import { describeEachDb } from '../../../test/support/db';
import { createTestCore, seedBrand, type SeededBrand, type TestCore } from '../../../test/support/core';

const NOW = Date.parse('2026-03-02T09:00:00Z');
const at = (minutes: number) => new Date(NOW + minutes * 60_000);

interface Seeded {
  id: string; brand: string; status: string; priority: string; lastActivity: Date; waitingSince: Date | null;
  due: [Date | null, Date | null, Date | null]; tags: string[]; text: string;
}

/**
 * 60 conversations in the brand and 20 in another one, written straight to the table with values
 * chosen to collide: equal activity times, equal SLA deadlines, no deadline at all, no waiting time.
 */
function fixture(brandId: string, otherId: string): Seeded[] {
  const rows: Seeded[] = [];
  for (let g = 0; g < 80; g++) {
    const brand = g < 60 ? brandId : otherId;
    const hex = (g + 1).toString(16).padStart(12, '0');
    const noDeadline = g % 9 === 0;
    rows.push({
      id: `${g % 2 ? 'a' : '5'}${g % 3}000000-0000-4000-8000-${hex}`,
      brand,
      status: ['open', 'pending', 'open', 'resolved', 'snoozed'][g % 5] ?? 'open',
      priority: ['low', 'normal', 'high', 'urgent'][g % 4] ?? 'normal',
      lastActivity: at(-(g % 17)), // ties every 17
      waitingSince: g % 6 === 0 ? null : at(-(g % 11)),
      // first response, next response, resolution; the earliest is the next deadline (ties every 7)
      due: noDeadline ? [null, null, null] : [g % 2 ? at(g % 7) : null, g % 2 ? null : at((g % 7) + 1), at(600 - g)],
      tags: g % 4 === 0 ? ['refund'] : g % 10 === 1 ? ['legal', 'vip'] : [],
      text: g % 3 === 0 ? `my flight was delayed again (${g})` : `parcel ${g} never arrived`,
    });
  }
  return rows;
}

const nextDue = (r: Seeded) => Math.min(...r.due.filter((d): d is Date => d !== null).map((d) => d.getTime()), Infinity);
const cmp = (a: number | string, b: number | string) => (a < b ? -1 : a > b ? 1 : 0);
const RANK: Record<string, number> = { urgent: 3, high: 2, normal: 1, low: 0 };

/** The order each sort promises, computed here from the fixture. */
const EXPECTED: Record<NonNullable<ListFilters['sort']>, (a: Seeded, b: Seeded) => number> = {
  recent: (a, b) => cmp(b.lastActivity.getTime(), a.lastActivity.getTime()) || cmp(b.id, a.id),
  priority: (a, b) => cmp(RANK[b.priority] ?? 0, RANK[a.priority] ?? 0) || cmp(b.lastActivity.getTime(), a.lastActivity.getTime()) || cmp(b.id, a.id),
  waiting: (a, b) => cmp(a.waitingSince?.getTime() ?? Infinity, b.waitingSince?.getTime() ?? Infinity) || cmp(a.id, b.id),
  sla_due: (a, b) => cmp(nextDue(a), nextDue(b)) || cmp(a.id, b.id),
};

describeEachDb('inbox list: sorts, keyset pages, filters, search, one brand only', (kind) => {
  let t: TestCore;
  let b: SeededBrand;
  let rows: Seeded[];

  beforeAll(async () => {
    t = await createTestCore(kind);
    b = await seedBrand(t.core, 'inbox');
    const other = await seedBrand(t.core, 'inbox-other');
    rows = fixture(b.brandId, other.brandId);
    const channelOf = (r: Seeded) => (r.brand === b.brandId ? b.apiChannelId : other.apiChannelId);
    for (const r of rows) {
      const contact = (await t.core.db.insertInto('contacts').values({ brand_id: r.brand, name: `Customer ${r.id.slice(-4)}` }).returning('id').executeTakeFirstOrThrow()).id;
      await t.core.db.insertInto('conversations').values({
        id: r.id, brand_id: r.brand, contact_id: contact, channel_id: channelOf(r), status: r.status as 'open', priority: r.priority as 'normal',
        last_activity_at: r.lastActivity, waiting_since: r.waitingSince, tags: r.tags, preview: r.text,
        sla_first_response_due_at: r.due[0], sla_next_response_due_at: r.due[1], sla_resolution_due_at: r.due[2],
      }).execute();
      await t.core.db.insertInto('messages').values({
        brand_id: r.brand, conversation_id: r.id, channel_id: channelOf(r), direction: 'inbound', visibility: 'public', kind: 'message', text: r.text,
      }).execute();
    }
    await sql`analyze`.execute(t.core.db);
  });
  afterAll(async () => { await t?.drop(); });

  /** Every page of a listing, following nextCursor. */
  async function all(f: ListFilters, limit = 7): Promise<ConversationView[]> {
    const out: ConversationView[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 50; i++) {
      const page = await listConversations(t.core.db, b.brandId, b.agentId, { ...f, limit, cursor });
      expect(page.items.length).toBeLessThanOrEqual(limit);
      out.push(...page.items);
      if (!page.nextCursor) return out;
      cursor = page.nextCursor;
    }
    throw new Error('more than 50 pages');
  }
  const mine = (pred: (r: Seeded) => boolean) => rows.filter((r) => r.brand === b.brandId && pred(r));
  const working = (r: Seeded) => r.status === 'open' || r.status === 'pending';

  for (const sort of ['recent', 'priority', 'waiting', 'sla_due'] as const) {
    it(`sort=${sort}: pages of 7 visit the brand's open and pending conversations once each, in order`, async () => {
      const got = await all({ sort });
      expect(got.map((c) => c.id)).toEqual(mine(working).sort(EXPECTED[sort]).map((r) => r.id));
    });
  }

  it('sort=sla_due puts the earliest running deadline first (breached before due soon) and conversations without one last', async () => {
    const got = await all({ sort: 'sla_due', status: ['open', 'pending', 'snoozed', 'resolved'] }, 50);
    const expected = mine(() => true).sort(EXPECTED.sla_due);
    expect(got.map((c) => c.id)).toEqual(expected.map((r) => r.id));
    const dues = (c: ConversationView) => [c.sla?.firstResponseDueAt, c.sla?.nextResponseDueAt, c.sla?.resolutionDueAt].filter((x): x is string => !!x).map(Date.parse);
    const firstNone = got.findIndex((c) => dues(c).length === 0);
    expect(firstNone).toBeGreaterThan(0);
    expect(got.slice(firstNone).every((c) => dues(c).length === 0)).toBe(true);
    // the next deadline is the earliest of the three, whichever metric it belongs to
    const dueOf = (c: ConversationView) => Math.min(...dues(c));
    const next = got.slice(0, firstNone).map(dueOf);
    expect(next).toEqual([...next].sort((x, y) => x - y));
  });

  // Over every status these sorts read a page from the working set and one from the rest (two
  // indexes, 0006/0007 and 0012) and merge them; the cursor must carry on across both halves.
  for (const sort of ['priority', 'waiting', 'sla_due'] as const) {
    it(`sort=${sort} over every status (a search without a status, or statuses of both halves): pages merge both halves in order`, async () => {
      const ids = (cs: ConversationView[]) => cs.map((c) => c.id);
      const expected = (pred: (r: Seeded) => boolean) => mine(pred).sort(EXPECTED[sort]).map((r) => r.id);
      expect(ids(await all({ sort, q: 'flight' }))).toEqual(expected((r) => r.text.includes('flight')));
      expect(ids(await all({ sort, status: ['open', 'pending', 'snoozed', 'resolved'] }))).toEqual(expected(() => true));
      expect(ids(await all({ sort, status: ['pending', 'resolved'] }, 3))).toEqual(expected((r) => r.status === 'pending' || r.status === 'resolved'));
      expect(ids(await all({ sort, status: ['snoozed', 'resolved'] }))).toEqual(expected((r) => r.status === 'snoozed' || r.status === 'resolved'));
      expect(ids(await all({ sort, status: ['resolved'] }, 50))).toEqual(expected((r) => r.status === 'resolved'));
    });
  }

  it('filters: one status, tags by containment, channel kind, priority — each page holds only matches of this brand', async () => {
    expect((await all({ status: ['snoozed'] })).map((c) => c.id)).toEqual(mine((r) => r.status === 'snoozed').sort(EXPECTED.recent).map((r) => r.id));
    expect((await all({ tag: 'legal' })).map((c) => c.id)).toEqual(mine((r) => working(r) && r.tags.includes('legal')).sort(EXPECTED.recent).map((r) => r.id));
    expect((await all({ tag: 'leg' }))).toEqual([]);
    expect((await all({ channelKind: 'api', sort: 'sla_due' })).map((c) => c.id)).toEqual(mine(working).sort(EXPECTED.sla_due).map((r) => r.id));
    expect(await all({ channelKind: 'x' })).toEqual([]);
    expect((await all({ priority: ['urgent', 'high'], sort: 'waiting' })).map((c) => c.id))
      .toEqual(mine((r) => working(r) && ['urgent', 'high'].includes(r.priority)).sort(EXPECTED.waiting).map((r) => r.id));
  });

  it('search: every status by default, newest first, and within a status filter; never another brand', async () => {
    const flight = (r: Seeded) => r.text.includes('flight');
    expect((await all({ q: 'flight' })).map((c) => c.id)).toEqual(mine(flight).sort(EXPECTED.recent).map((r) => r.id));
    expect((await all({ q: 'delayed flight', status: ['open', 'pending'], sort: 'sla_due' })).map((c) => c.id))
      .toEqual(mine((r) => flight(r) && working(r)).sort(EXPECTED.sla_due).map((r) => r.id));
    expect(await all({ q: 'xylophone' })).toEqual([]);
  });

  it('a forged cursor is refused with a validation error (a 4xx), not a 500', async () => {
    await expect(listConversations(t.core.db, b.brandId, null, { cursor: 'not-a-cursor' })).rejects.toMatchObject({ code: 'EARSHOT_VALIDATION' });
  });
});
