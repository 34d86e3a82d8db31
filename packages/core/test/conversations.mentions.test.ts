import { afterAll, beforeAll, expect, it } from 'vitest';
import { listMigrations, sql } from '@earshot/db';
import { systemActor, type Actor, type MessageClassifier, type Worker } from '@earshot/core';
import { describeEachDb } from '../../../test/support/db';
import { apiDelivery, createTestCore, seedBrand, type ApiMessageInput, type SeededBrand, type TestCore } from '../../../test/support/core';

function req(body: string, signature: string) {
  return { method: 'POST', headers: { 'x-earshot-signature': signature }, query: {}, rawBody: Buffer.from(body) };
}

/** A stand-in for the triage model: a thank-you needs no response, anything else does. */
const classifier: MessageClassifier = {
  classify: ({ text }) => ({ labels: { sentiment: { value: 'neutral', confidence: 0.7, reasons: [] } }, needsResponse: !/^thanks/i.test(text) }),
};

describeEachDb('inbox view "Mentions needing response": public, open, triage says respond, nobody has yet', (kind) => {
  let t: TestCore;
  let b: SeededBrand;
  let other: SeededBrand;
  let worker: Worker;
  let agent: Actor;
  const conv: Record<string, string> = {};

  async function deliver(brand: SeededBrand, events: ApiMessageInput[]) {
    const d = apiDelivery(brand.apiSecret, events);
    await t.core.ingest.receive(brand.apiChannelId, req(d.body, d.signature), JSON.parse(d.body));
    await worker.drain();
  }
  const conversationOf = async (providerMessageId: string) =>
    (await t.core.db.selectFrom('messages').select('conversation_id').where('provider_message_id', '=', providerMessageId).executeTakeFirstOrThrow()).conversation_id;
  const mentions = async (extra: Parameters<TestCore['core']['conversations']['list']>[1] = {}) =>
    (await t.core.conversations.list(agent, { view: 'mentions_needing_response', ...extra })).items.map((c) => c.id).sort();

  beforeAll(async () => {
    t = await createTestCore(kind, { classifier });
    b = await seedBrand(t.core, 'pubmen');
    other = await seedBrand(t.core, 'pubmen-other');
    worker = t.core.worker();
    agent = { ...systemActor(b.brandId), type: 'user', id: b.agentId, userId: b.agentId, role: 'agent' };
    const t0 = Date.parse('2026-03-02T09:00:00Z');
    const at = (min: number) => new Date(t0 + min * 60_000).toISOString();
    await deliver(b, [
      { id: 'ann-1', author: 'ann', text: 'My refund never arrived @acme', sentAt: at(0) },
      { id: 'bob-1', author: 'bob', text: 'Thanks, all sorted now!', sentAt: at(1) },
      { id: 'cid-1', author: 'cid', text: 'DM: my booking is ABC123', visibility: 'private', threadKey: 'dm:cid', sentAt: at(2) },
      // Dee posts publicly, then continues in a DM that joins the same conversation.
      { id: 'dee-1', author: 'dee', text: 'Lost my bag in Lisbon', sentAt: at(3) },
      { id: 'dee-2', author: 'dee', text: 'DM: tag number LIS-4471', visibility: 'private', threadKey: 'dm:dee', sentAt: at(4) },
      // Eve starts in a DM, then complains in public: the public post joins her open conversation.
      { id: 'eve-1', author: 'eve', text: 'DM: is anyone there?', visibility: 'private', threadKey: 'dm:eve', sentAt: at(5) },
      { id: 'eve-2', author: 'eve', text: 'Three days and no answer to my DM', sentAt: at(6) },
      { id: 'fay-1', author: 'fay', text: 'App crashes on login', sentAt: at(7) },
      { id: 'gus-1', author: 'gus', text: 'Where is my parcel?', sentAt: at(8) },
      { id: 'hal-1', author: 'hal', text: 'Seat map will not load', sentAt: at(9) },
    ]);
    await deliver(other, [{ id: 'oth-1', author: 'ann', text: 'Other brand, same words: my refund never arrived', sentAt: at(10) }]);
    for (const h of ['ann', 'bob', 'cid', 'dee', 'eve', 'fay', 'gus', 'hal']) conv[h] = await conversationOf(`${h}-1`);
    conv.oth = await conversationOf('oth-1');
  });
  afterAll(async () => { await t?.drop(); });

  it('lists public mentions that need a response; not thank-yous, DMs, or a public thread now continued in a DM', async () => {
    expect(await mentions()).toEqual([conv.ann, conv.eve, conv.fay, conv.gus, conv.hal].sort());
    // The thread's first message decides is_public; the view follows the latest one.
    const flags = await t.core.db.selectFrom('conversations').select(['id', 'is_public', 'last_inbound_public']).where('id', 'in', [conv.dee ?? '', conv.eve ?? '']).execute();
    expect(flags.find((f) => f.id === conv.dee)).toMatchObject({ is_public: true, last_inbound_public: false });
    expect(flags.find((f) => f.id === conv.eve)).toMatchObject({ is_public: false, last_inbound_public: true });
    // Every other view still sees the DMs and the thank-you.
    expect((await t.core.conversations.list(agent, { view: 'all' })).items).toHaveLength(8);
  });

  it('an answer takes a mention out until the customer writes publicly again; resolved, pending and snoozed ones are not open', async () => {
    await t.core.conversations.reply(agent, conv.fay ?? '', { text: 'Sorry Fay, a fix ships today.', visibility: 'public' });
    await t.core.conversations.setStatus(agent, conv.gus ?? '', 'resolved');
    await t.core.conversations.setStatus(agent, conv.hal ?? '', 'pending');
    expect(await mentions()).toEqual([conv.ann, conv.eve].sort());
    // Even when the status filter asks for pending ones, the view holds open conversations only.
    expect(await mentions({ status: ['open', 'pending', 'snoozed', 'resolved'] })).toEqual([conv.ann, conv.eve].sort());
    await deliver(b, [{ id: 'fay-2', author: 'fay', text: 'Still crashing after the update', replyTo: 'fay-1' }]);
    expect(await mentions()).toEqual([conv.ann, conv.eve, conv.fay].sort());
    await deliver(b, [{ id: 'fay-3', author: 'fay', text: 'Thanks, works now', replyTo: 'fay-1' }]);
    expect(await mentions()).toEqual([conv.ann, conv.eve].sort());
  });

  it('combines with sorts, filters and cursor pages, and never lists another brand', async () => {
    const pages: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 5; i++) {
      const page = await t.core.conversations.list(agent, { view: 'mentions_needing_response', sort: 'waiting', limit: 1, cursor });
      pages.push(...page.items.map((c) => c.id));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(pages).toEqual([conv.ann, conv.eve]); // waiting longest first
    for (const sort of ['recent', 'priority', 'sla_due'] as const) expect([sort, await mentions({ sort })]).toEqual([sort, [conv.ann, conv.eve].sort()]);
    expect(await mentions({ q: 'refund' })).toEqual([conv.ann]);
    expect(await mentions({ assigneeId: b.agentId })).toEqual([]);
    const theirs = { ...systemActor(other.brandId), type: 'user' as const, id: other.agentId, userId: other.agentId, role: 'agent' as const };
    expect((await t.core.conversations.list(theirs, { view: 'mentions_needing_response' })).items.map((c) => c.id)).toEqual([conv.oth]);
  });

  it('migration 0013 fills the flag the way ingest keeps it for every conversation still waiting for an answer', async () => {
    const flags = () => t.core.db.selectFrom('conversations').select(['id', 'last_inbound_public']).orderBy('id').execute();
    const kept = await flags();
    expect(kept.filter((f) => f.last_inbound_public)).toHaveLength(7);
    // Only a waiting, unresolved conversation can be in the view without a new message (which sets the flag).
    const waiting = new Set((await t.core.db.selectFrom('conversations').select('id').where('waiting_since', 'is not', null).where('status', '<>', 'resolved').execute()).map((r) => r.id));
    expect(kept.filter((f) => waiting.has(f.id) && f.last_inbound_public).length).toBeGreaterThan(0);
    expect(kept.filter((f) => !waiting.has(f.id)).length).toBeGreaterThan(0);
    const view = async () => (await t.core.conversations.list(agent, { view: 'mentions_needing_response' })).items.map((c) => c.id).sort();
    const before = await view();
    await t.core.db.updateTable('conversations').set({ last_inbound_public: false }).execute();
    const m = listMigrations().find((x) => x.version === 13);
    await sql.raw(m?.sql ?? 'select no_migration_0013').execute(t.core.db);
    const after = await flags();
    expect(after.filter((f) => waiting.has(f.id))).toEqual(kept.filter((f) => waiting.has(f.id)));
    expect(after.filter((f) => !waiting.has(f.id) && f.last_inbound_public)).toEqual([]);
    expect(await view()).toEqual(before);
  });
});
