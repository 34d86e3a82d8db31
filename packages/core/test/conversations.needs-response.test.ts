import { afterAll, beforeAll, expect, it } from 'vitest';
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

const SORTS = ['recent', 'waiting', 'priority', 'sla_due'] as const;

describeEachDb('inbox view "Needs response": waiting for us and needs a reply, a superset of mentions needing response', (kind) => {
  let t: TestCore;
  let b: SeededBrand;
  let other: SeededBrand;
  let worker: Worker;
  let agent: Actor;
  const conv: Record<string, string> = {};
  const t0 = Date.parse('2026-03-02T09:00:00Z');
  const at = (min: number) => new Date(t0 + min * 60_000).toISOString();

  async function deliver(brand: SeededBrand, events: ApiMessageInput[]) {
    const d = apiDelivery(brand.apiSecret, events);
    await t.core.ingest.receive(brand.apiChannelId, req(d.body, d.signature), JSON.parse(d.body));
    await worker.drain();
  }
  const conversationOf = async (providerMessageId: string) =>
    (await t.core.db.selectFrom('messages').select('conversation_id').where('provider_message_id', '=', providerMessageId).executeTakeFirstOrThrow()).conversation_id;
  type Filters = Parameters<TestCore['core']['conversations']['list']>[1];
  const view = async (name: 'needs_response' | 'mentions_needing_response', extra: Filters = {}) =>
    (await t.core.conversations.list(agent, { view: name, ...extra })).items.map((c) => c.id).sort();
  const needs = (extra: Filters = {}) => view('needs_response', extra);

  beforeAll(async () => {
    t = await createTestCore(kind, { classifier });
    b = await seedBrand(t.core, 'needs');
    other = await seedBrand(t.core, 'needs-other');
    worker = t.core.worker();
    agent = { ...systemActor(b.brandId), type: 'user', id: b.agentId, userId: b.agentId, role: 'agent' };
    await deliver(b, [
      { id: 'ann-1', author: 'ann', text: 'My refund never arrived @acme', sentAt: at(0) },
      // The brand answered Ann's neighbour Bob with its copy-paste reply (seen as an echo), and Bob wrote again.
      { id: 'bob-1', author: 'bob', text: 'Where is my parcel?', sentAt: at(1) },
      { id: 'bob-r', author: 'acme', direction: 'outbound', text: 'Please DM us your order number.', replyTo: 'bob-1', sentAt: at(2) },
      { id: 'bob-2', author: 'bob', text: 'I did, two days ago. Still nothing.', replyTo: 'bob-r', sentAt: at(3) },
      // Cid was answered and has not written since.
      { id: 'cid-1', author: 'cid', text: 'App crashes on login', sentAt: at(4) },
      { id: 'cid-r', author: 'acme', direction: 'outbound', text: 'A fix ships today.', replyTo: 'cid-1', sentAt: at(5) },
      // A DM waiting for us: needs a response, not a mention.
      { id: 'dee-1', author: 'dee', text: 'DM: my booking is ABC123', visibility: 'private', threadKey: 'dm:dee', sentAt: at(6) },
      { id: 'eve-1', author: 'eve', text: 'Thanks, all sorted now!', sentAt: at(7) },
      { id: 'fay-1', author: 'fay', text: 'Seat map will not load', sentAt: at(8) },
    ]);
    await deliver(other, [{ id: 'oth-1', author: 'ann', text: 'Other brand, same words: my refund never arrived', sentAt: at(9) }]);
    for (const h of ['ann', 'bob', 'cid', 'dee', 'eve', 'fay']) conv[h] = await conversationOf(`${h}-1`);
    conv.oth = await conversationOf('oth-1');
  });
  afterAll(async () => { await t?.drop(); });

  it('lists a customer who wrote again after an answer, and waiting DMs; not answered ones or thank-yous', async () => {
    const bob = await t.core.db.selectFrom('conversations').select(['first_reply_at', 'waiting_since']).where('id', '=', conv.bob ?? '').executeTakeFirstOrThrow();
    expect(bob.first_reply_at).not.toBeNull(); // "never answered" would have left Bob out
    expect(bob.waiting_since).not.toBeNull();
    expect(await needs()).toEqual([conv.ann, conv.bob, conv.dee, conv.fay].sort());
    expect(await view('mentions_needing_response')).toEqual([conv.ann, conv.bob, conv.fay].sort());
  });

  it('every mention needing response is in it, under every sort and status filter', async () => {
    for (const sort of SORTS) {
      for (const status of [undefined, ['open' as const], ['open' as const, 'pending' as const, 'snoozed' as const, 'resolved' as const]]) {
        const all = await needs({ sort, status });
        const mentions = await view('mentions_needing_response', { sort, status });
        expect([sort, status, mentions.filter((id) => !all.includes(id))]).toEqual([sort, status, []]);
        expect([sort, status, all]).toEqual([sort, status, [conv.ann, conv.bob, conv.dee, conv.fay].sort()]);
      }
    }
  });

  it('a reply takes a conversation out until the customer writes again; pending, snoozed and resolved are not waiting for us', async () => {
    await t.core.conversations.reply(agent, conv.fay ?? '', { text: 'Sorry Fay, a fix ships today.', visibility: 'public' });
    await t.core.conversations.setStatus(agent, conv.ann ?? '', 'pending');
    expect(await needs()).toEqual([conv.bob, conv.dee].sort());
    await deliver(b, [{ id: 'fay-2', author: 'fay', text: 'Still broken after the update', replyTo: 'fay-1', sentAt: at(20) }]);
    expect(await needs()).toEqual([conv.bob, conv.dee, conv.fay].sort());
    await deliver(b, [{ id: 'fay-3', author: 'fay', text: 'Thanks, works now', replyTo: 'fay-1', sentAt: at(21) }]);
    expect(await needs()).toEqual([conv.bob, conv.dee].sort());
    await t.core.conversations.setStatus(agent, conv.dee ?? '', 'resolved');
    expect(await needs({ status: ['open', 'pending', 'snoozed', 'resolved'] })).toEqual([conv.bob]);
    // Resolved and then written to again: reopened and waiting.
    await deliver(b, [{ id: 'dee-2', author: 'dee', text: 'DM: and my seat?', visibility: 'private', threadKey: 'dm:dee', sentAt: at(22) }]);
    expect(await needs()).toEqual([conv.bob, conv.dee].sort());
  });

  it('pages with a cursor in each sort and never lists another brand', async () => {
    for (const sort of SORTS) {
      const pages: string[] = [];
      let cursor: string | undefined;
      for (let i = 0; i < 5; i++) {
        const page = await t.core.conversations.list(agent, { view: 'needs_response', sort, limit: 1, cursor });
        pages.push(...page.items.map((c) => c.id));
        if (!page.nextCursor) break;
        cursor = page.nextCursor;
      }
      expect([sort, pages.sort()]).toEqual([sort, [conv.bob, conv.dee].sort()]);
    }
    const waiting = (await t.core.conversations.list(agent, { view: 'needs_response', sort: 'waiting' })).items.map((c) => c.id);
    expect(waiting).toEqual([conv.bob, conv.dee]); // Bob has waited since 09:03, Dee since 09:22
    const theirs = { ...systemActor(other.brandId), type: 'user' as const, id: other.agentId, userId: other.agentId, role: 'agent' as const };
    expect((await t.core.conversations.list(theirs, { view: 'needs_response' })).items.map((c) => c.id)).toEqual([conv.oth]);
  });
});
