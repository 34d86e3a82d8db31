import { afterAll, beforeAll, expect, it } from 'vitest';
import { sql } from '@earshot/db';
import { describeEachDb } from '../../../test/support/db';
import { seedBrand, type SeededBrand } from '../../../test/support/core';
import { as, createTestApp, login, type Session, type TestApp } from '../../../test/support/http';
import { startFeedServer, type FakeFeedItem, type FakeFeedServer } from '../../../packages/core/src/channels/testing/feed-fake.server';

// A review feed polled by the channel.poll job: created through the API, items ingested once.
describeEachDb('feed channel end to end', (kind) => {
  let t: TestApp;
  let b: SeededBrand;
  let admin: Session;
  let feeds: FakeFeedServer;
  let channelId = '';

  const review = (n: number): FakeFeedItem => ({
    id: `tag:reviews.example,2026:review-${n}`, title: `Review ${n}`, html: `<p>Delivery number <b>${n}</b> was late and support never answered.</p>`,
    url: `https://reviews.example/brand/${n}`, author: { name: `Reviewer ${n}`, email: `reviewer${n}@example.org` }, published: new Date(Date.UTC(2026, 10, n)).toISOString(),
  });
  const drain = () => t.core.worker().drain();
  const pollJob = async () => (await sql<{ state: string; run_at: Date }>`select state, run_at from jobs where key = ${`poll:${channelId}`} and state in ('queued', 'running')`.execute(t.core.db)).rows;
  /** Lets the next poll run now, as if its interval had passed. */
  const pollNow = () => sql`update jobs set run_at = now() where key = ${`poll:${channelId}`} and state = 'queued'`.execute(t.core.db);
  const feedMessages = () => t.core.db.selectFrom('messages').select(['provider_message_id', 'conversation_id', 'text']).where('channel_id', '=', channelId).orderBy('sent_at').execute();
  const channel = () => t.core.db.selectFrom('channels').select(['status', 'status_detail']).where('id', '=', channelId).executeTakeFirstOrThrow();

  beforeAll(async () => {
    t = await createTestApp(kind);
    b = await seedBrand(t.core, 'feedbrand');
    admin = await login(t.app, b.emails.admin, b.password);
    feeds = await startFeedServer();
    feeds.setFeed('/reviews.atom', 'atom', [review(1), review(2), review(3)]);
    const created = await as(t.app, admin)('POST', '/api/v1/channels', { kind: 'feed', name: 'Reviews', settings: { url: feeds.url('/reviews.atom'), pollIntervalSeconds: 300 } });
    expect(created.statusCode).toBe(200);
    channelId = created.json<{ channel: { id: string } }>().channel.id;
  });
  afterAll(async () => {
    await feeds?.stop();
    await t?.drop();
  });

  it('queues the first poll when the channel is created, ingests every item once, and schedules the next poll', async () => {
    expect(await pollJob()).toEqual([expect.objectContaining({ state: 'queued' })]);
    await drain();
    const messages = await feedMessages();
    expect(messages.map((m) => m.provider_message_id)).toEqual([1, 2, 3].map((n) => `tag:reviews.example,2026:review-${n}`));
    expect(messages[0]?.text).toBe('Delivery number 1 was late and support never answered.');
    expect(new Set(messages.map((m) => m.conversation_id)).size).toBe(3);
    const next = await pollJob();
    expect(next).toHaveLength(1);
    expect(next[0]?.run_at.getTime()).toBeGreaterThan(Date.now() + 200_000); // about the 300 s interval away
  });

  it('polls again without duplicating anything (conditional GET answered 304)', async () => {
    await pollNow();
    await drain();
    expect(await feedMessages()).toHaveLength(3);
    expect(feeds.requests.at(-1)?.status).toBe(304);
  });

  it('records a provider outage on the channel, backs off, and recovers with the new item only', async () => {
    feeds.fail('/reviews.atom', 503, 1);
    await pollNow();
    await drain();
    expect(await channel()).toEqual({ status: 'error', status_detail: expect.stringContaining('EARSHOT_PROVIDER_UNAVAILABLE') });
    const limits = (await as(t.app, admin)('GET', `/api/v1/channels/${channelId}/limits`)).json<{ polling: { failures: number; lastError: string | null; nextPollAt: string | null } }>();
    expect(limits.polling).toMatchObject({ failures: 1, lastError: expect.stringContaining('EARSHOT_PROVIDER_UNAVAILABLE') });
    expect(Date.parse(limits.polling.nextPollAt ?? '')).toBeGreaterThan(Date.now() + 500_000); // twice the interval

    feeds.setFeed('/reviews.atom', 'atom', [review(1), review(2), review(3), review(4)]);
    await pollNow();
    await drain();
    expect((await feedMessages()).map((m) => m.provider_message_id)).toHaveLength(4);
    expect(await channel()).toEqual({ status: 'active', status_detail: null });
  });

  it('a malformed feed marks the channel\'s poll as failed with the reason (channels API), the job itself succeeds, and a repaired feed recovers', async () => {
    feeds.setRaw('/reviews.atom', '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom"><title>Reviews</title><entry><id>tag:reviews.example,2026:review-9</id><title>Truncated', 'application/atom+xml; charset=utf-8');
    await pollNow();
    const worker = t.core.worker();
    await worker.drain();
    expect(worker.stats).toMatchObject({ failed: 0, dead: 0 });
    const failedJobs = await sql<{ n: string }>`select count(*) as n from jobs where name = 'channel.poll' and (state = 'dead' or last_error is not null)`.execute(t.core.db);
    expect(Number(failedJobs.rows[0]?.n)).toBe(0);
    const listed = (await as(t.app, admin)('GET', '/api/v1/channels')).json<{ items: { id: string; status: string; statusDetail: string | null }[] }>().items.find((c) => c.id === channelId);
    expect(listed).toMatchObject({ status: 'error', statusDetail: expect.stringMatching(/^EARSHOT_PROVIDER_REJECTED: Feed could not be read: not well-formed XML: .*\(attempt 1; next poll /) });
    const limits = (await as(t.app, admin)('GET', `/api/v1/channels/${channelId}/limits`)).json<{ polling: { failures: number; lastError: string | null; nextPollAt: string | null } }>();
    expect(limits.polling).toMatchObject({ failures: 1, lastError: expect.stringContaining('not well-formed XML') });
    expect(await pollJob()).toHaveLength(1); // the chain goes on, backing off
    expect(await feedMessages()).toHaveLength(4);

    feeds.setFeed('/reviews.atom', 'atom', [review(1), review(2), review(3), review(4), review(5)]);
    await pollNow();
    await drain();
    expect(await feedMessages()).toHaveLength(5);
    expect(await channel()).toEqual({ status: 'active', status_detail: null });
  });

  it('re-seeds a broken polling chain when a worker starts, without doubling a queued one', async () => {
    expect(await t.core.polling.seedAll()).toBe(0); // one is queued already: the key dedupes
    await sql`delete from jobs where key = ${`poll:${channelId}`}`.execute(t.core.db);
    expect(await t.core.polling.seedAll()).toBe(1);
    expect(await pollJob()).toHaveLength(1);
  });
});
