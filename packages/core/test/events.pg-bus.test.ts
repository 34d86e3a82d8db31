import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DbHandle } from '@earshot/db';
import { PgEventBus, packNotifications } from '../src/events/pg-event-bus';
import type { DeskEvent, EventBus } from '../src/events/event-bus';
import { createTestDb, testDbKinds, type TestDb } from '../../../test/support/db';

const event = (i: number, brandId = 'b1'): DeskEvent => ({ type: 'message.created', brandId, conversationId: `c${i}`, messageId: `m${i}`, at: new Date(0).toISOString(), data: { providerMessageId: `p${i}`, pad: 'x'.repeat(i % 50) } });

it('packs events into notifications of at most 7900 bytes, in order, each event once', () => {
  const events = Array.from({ length: 400 }, (_, i) => event(i));
  const payloads = packNotifications('origin-1', events);
  expect(payloads.length).toBeGreaterThan(1);
  for (const p of payloads) expect(Buffer.byteLength(p)).toBeLessThanOrEqual(7900);
  const back = payloads.flatMap((p) => (JSON.parse(p) as { o: string; e: DeskEvent[] }).e);
  expect(back).toEqual(events);
  // An event too big for any notification is left out (its own process still delivered it).
  const huge = { ...event(1), data: { blob: 'y'.repeat(9000) } };
  expect(packNotifications('o', [event(0), huge, event(2)]).flatMap((p) => (JSON.parse(p) as { e: DeskEvent[] }).e)).toEqual([event(0), event(2)]);
});

describe.runIf(testDbKinds().includes('postgres'))('events across processes on PostgreSQL', () => {
  let db: TestDb;
  let other: DbHandle;
  let a: EventBus;
  let b: EventBus;
  beforeAll(async () => {
    db = await createTestDb('postgres');
    other = await openDatabase({ url: db.url ?? '', poolSize: 2 });
    a = await PgEventBus.create(db.handle);
    b = await PgEventBus.create(other);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await other?.close();
    await db?.drop();
  });

  it('delivers a burst to the other bus in order and to its own subscribers exactly once', async () => {
    const seenA: DeskEvent[] = [];
    const seenB: DeskEvent[] = [];
    a.subscribe((e) => seenA.push(e));
    b.subscribe((e) => seenB.push(e));
    const burst = Array.from({ length: 500 }, (_, i) => event(i));
    for (const e of burst) a.publish(e);
    expect(seenA).toEqual(burst); // its own, at once
    const until = Date.now() + 10_000;
    while (seenB.length < burst.length && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    expect(seenB).toEqual(burst);
    await new Promise((r) => setTimeout(r, 200));
    expect(seenA).toHaveLength(burst.length); // its own notifications came back and were skipped
    b.publish(event(9999, 'b2'));
    while (seenA.length < burst.length + 1 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    expect(seenA.at(-1)).toEqual(event(9999, 'b2'));
  });
});
