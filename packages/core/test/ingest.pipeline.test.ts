import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from '@earshot/db';
import { signApiBody, verifyAuditChain, type Worker } from '@earshot/core';
import { LOG_ACTIONS } from '../src/sla/sla.events';
import { JOB_INGEST } from '../src/ingest/job-name';
import { enqueueJobs } from '../src/jobs/job.queue';
import { describeEachDb } from '../../../test/support/db';
import { apiDelivery, createTestCore, seedBrand, type ApiMessageInput, type SeededBrand, type TestCore } from '../../../test/support/core';

// The inbound pipeline as a batch: what one worker batch writes at its end (ingest/batch-writes.ts),
// what a failing event undoes, how an echo moves the SLA clock, and that the SLA log read is bound
// by the conversation, not by the brand's history.

function req(body: string, signature: string) {
  return { method: 'POST', headers: { 'x-earshot-signature': signature }, query: {}, rawBody: Buffer.from(body) };
}

describeEachDb('ingest pipeline: one batch', (kind) => {
  let t: TestCore;
  let b: SeededBrand;
  let worker: Worker;

  beforeAll(async () => {
    // A classifier that fails on one text: the failure comes from inside the pipeline, after the
    // message's customer was resolved, so rolling it back must take that customer with it.
    t = await createTestCore(kind, {
      classifier: { classify: (i) => { if (i.text.includes('POISON')) throw new Error('poisoned message'); return { labels: {}, needsResponse: true }; } },
    });
    b = await seedBrand(t.core, 'pipe');
    worker = t.core.worker();
  });
  afterAll(async () => { await t?.drop(); });

  async function deliver(events: ApiMessageInput[]) {
    const d = apiDelivery(b.apiSecret, events);
    await t.core.ingest.receive(b.apiChannelId, req(d.body, d.signature), JSON.parse(d.body));
  }
  const conversationOf = async (providerId: string) =>
    (await t.core.db.selectFrom('messages as m').innerJoin('conversations as c', 'c.id', 'm.conversation_id').selectAll('c')
      .where('m.provider_message_id', '=', providerId).executeTakeFirstOrThrow());

  it('a failing event rolls back only its own message: the others of the batch are stored once, its job waits for a retry', async () => {
    await deliver([
      { id: 'ok-1', author: 'p1', text: 'first' },
      { id: 'bad-1', author: 'p2', text: 'this one is POISON' },
      { id: 'ok-2', author: 'p1', text: 'second, same customer', replyTo: 'ok-1' },
    ]);
    await worker.drain();
    const stored = await t.core.db.selectFrom('messages').select(['provider_message_id', 'conversation_id']).where('provider_message_id', 'in', ['ok-1', 'ok-2', 'bad-1']).execute();
    expect(stored.map((m) => m.provider_message_id).sort()).toEqual(['ok-1', 'ok-2']);
    expect(new Set(stored.map((m) => m.conversation_id)).size).toBe(1);
    const conv = await conversationOf('ok-2');
    expect(conv.message_count).toBe(2);
    expect(conv.preview).toBe('second, same customer');
    const jobs = (await sql<{ key: string; state: string; attempts: number; last_error: string | null }>`
      select key, state, attempts, last_error from jobs where name = ${JOB_INGEST} and brand_id = ${b.brandId}`.execute(t.core.db)).rows;
    const failed = jobs.filter((j) => j.state !== 'done');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ state: 'queued', attempts: 1 });
    expect(failed[0]?.last_error).toContain('poisoned message');
    // Nothing of the poisoned customer exists: no contact, identity or conversation.
    expect(await t.core.db.selectFrom('contact_identities').select('id').where('brand_id', '=', b.brandId).where('external_id', '=', 'p2').execute()).toHaveLength(0);
    expect((await verifyAuditChain(t.core.db, b.brandId)).ok).toBe(true);
  });

  it('an event that cannot be normalized fails alone: the rest of its batch commits on the first attempt', async () => {
    // A stored event whose payload the API driver refuses (no message), queued beside a good delivery.
    const broken = (await sql<{ id: string }>`
      insert into inbound_events (brand_id, channel_id, provider_event_id, payload) values (${b.brandId}, ${b.apiChannelId}, 'broken-1', '{"id":"broken-1"}'::jsonb)
      returning id`.execute(t.core.db)).rows[0]?.id ?? '';
    await enqueueJobs(t.core.db, [{ name: JOB_INGEST, payload: { eventId: broken }, opts: { brandId: b.brandId, key: `ingest:${broken}` } }]);
    await deliver([{ id: 'fine-1', author: 'f1', text: 'my parcel never arrived' }]);
    await worker.drain();
    const jobs = (await sql<{ event_id: string; state: string; last_error: string | null; xmin: string }>`
      select payload ->> 'eventId' as event_id, state, last_error, xmin::text as xmin from jobs where name = ${JOB_INGEST} and brand_id = ${b.brandId}
        and (payload ->> 'eventId') in (${broken}, (select inbound_event_id::text from messages where provider_message_id = 'fine-1'))`.execute(t.core.db)).rows;
    const bad = jobs.find((j) => j.event_id === broken);
    const good = jobs.find((j) => j.event_id !== broken);
    expect(bad).toMatchObject({ state: 'dead' });
    expect(bad?.last_error).toContain('cannot normalize');
    expect(good).toMatchObject({ state: 'done' });
    // The good message was written by the batch's own transaction, not under a savepoint of a
    // rerun (a subtransaction would have stamped it with another xmin than the job's completion).
    const msg = (await sql<{ xmin: string }>`select xmin::text as xmin from messages where provider_message_id = 'fine-1'`.execute(t.core.db)).rows;
    expect(msg).toHaveLength(1);
    expect(msg[0]?.xmin).toBe(good?.xmin);
  });

  it('many messages of one conversation in one batch: counters, preview, thread keys and SLA log follow every message', async () => {
    await deliver(Array.from({ length: 6 }, (_, i) => ({ id: `many-${i}`, author: 'm1', text: `message number ${i}`, replyTo: i === 0 ? null : `many-${i - 1}`, sentAt: new Date(Date.UTC(2026, 10, 1, 10, i)).toISOString() })));
    await worker.drain();
    // All six in one transaction (one batch).
    const txs = (await sql<{ n: string }>`select count(distinct xmin::text) as n from messages where provider_message_id like 'many-%'`.execute(t.core.db)).rows[0];
    expect(Number(txs?.n)).toBe(1);
    const conv = await conversationOf('many-5');
    expect(conv).toMatchObject({ message_count: 6, preview: 'message number 5', status: 'open' });
    const keys = await t.core.db.selectFrom('conversation_threads').select('thread_key').where('conversation_id', '=', conv.id).execute();
    expect(keys.map((k) => k.thread_key).sort()).toEqual(['many-0', 'many-1', 'many-2', 'many-3', 'many-4', 'many-5']);
    const messages = await t.core.db.selectFrom('messages').select('provider_message_id').where('conversation_id', '=', conv.id).orderBy('sent_at').orderBy('created_at').execute();
    expect(messages.map((m) => m.provider_message_id)).toEqual(['many-0', 'many-1', 'many-2', 'many-3', 'many-4', 'many-5']);
    // The stored clock equals a recompute from the stored log.
    const stored = { state: conv.sla_state, due: conv.sla_first_response_due_at?.toISOString() ?? null };
    await t.core.sla.recompute(b.brandId);
    const again = await conversationOf('many-5');
    expect({ state: again.sla_state, due: again.sla_first_response_due_at?.toISOString() ?? null }).toEqual(stored);
  });

  it('the brand\'s own reply seen as a provider echo stops the first-response clock at once', async () => {
    await deliver([{ id: 'q-1', author: 'e1', text: 'my parcel never arrived' }]);
    await worker.drain();
    const waiting = await conversationOf('q-1');
    expect(waiting.sla_first_response_due_at).not.toBeNull();
    expect(waiting.waiting_since).not.toBeNull();
    await deliver([{ id: 'echo-1', author: 'brand', text: 'Sorry! Sending a DM now', replyTo: 'q-1', direction: 'outbound' }]);
    await worker.drain();
    const answered = await conversationOf('echo-1');
    expect(answered.id).toBe(waiting.id);
    expect(answered.first_reply_at).not.toBeNull();
    expect(answered.waiting_since).toBeNull();
    expect(answered.sla_first_response_due_at).toBeNull();
    expect(answered.sla_evaluated_at?.getTime()).toBeGreaterThan(waiting.sla_evaluated_at?.getTime() ?? 0);
  });

  it('reads a conversation\'s SLA log through the partial index, whose actions are the ones the clock reads', async () => {
    const migration = readFileSync(new URL('../../db/migrations/0015_audit_sla_log.sql', import.meta.url), 'utf8');
    const listed = [...(migration.match(/action in \(([^)]*)\)/)?.[1] ?? '').matchAll(/'([^']+)'/g)].map((m) => m[1]);
    expect(listed.sort()).toEqual([...LOG_ACTIONS].sort());
    const conv = await conversationOf('q-1');
    const plan = await t.core.db.transaction().execute(async (tx) => {
      await sql`set local enable_seqscan = off`.execute(tx);
      return (await sql<{ 'QUERY PLAN': string }>`explain select created_at from audit_events
        where brand_id = ${b.brandId} and subject_type = 'conversation' and subject_id = any(${[conv.id]}::text[])
          and action in (${sql.join(LOG_ACTIONS.map((a) => sql.lit(a)))})`.execute(tx)).rows.map((r) => r['QUERY PLAN']).join('\n');
    });
    expect(plan).toContain('audit_events_sla_log_idx');
  });
});

it('signs like the API channel (guards the helper the tests above rely on)', () => {
  expect(signApiBody('s', '{}')).toMatch(/^sha256=[0-9a-f]{64}$/);
});
