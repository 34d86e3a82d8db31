import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EarshotError, isEarshotError, type CanonicalMessage } from '@earshot/domain';
import type { ChannelContext } from '../../src/channels/driver';
import { FeedFormatError, feedDriver, parseFeed, pollFeedChannel, type FeedPollState } from '../../src/channels/feed';
import { startFeedServer, type FakeFeedItem, type FakeFeedServer } from '../../src/channels/testing/feed-fake.server';

let feeds: FakeFeedServer;
beforeAll(async () => {
  feeds = await startFeedServer();
});
afterAll(async () => {
  await feeds?.stop();
});

const NOW = new Date('2026-11-20T12:00:00.000Z');
const ctxFor = (path: string, settings: Record<string, unknown> = {}): ChannelContext => ({
  channelId: `feed-${path}`,
  brandId: 'brand-1',
  credentials: {},
  settings: { url: feeds.url(path), ...settings },
});
const poll = (ctx: ChannelContext, state: FeedPollState | null) => pollFeedChannel(ctx, state, { now: () => NOW });
/** Through JSON, as inbound_events stores the payload (jsonb), then the driver's normalize. */
const messagesOf = (events: { payload: unknown }[], ctx: ChannelContext): CanonicalMessage[] =>
  events.flatMap((e) => feedDriver.normalize(JSON.parse(JSON.stringify(e.payload)), ctx));
const errorOf = (p: Promise<unknown>): Promise<unknown> => p.then(() => null, (e: unknown) => e);

const review = (n: number, over: Partial<FakeFeedItem> = {}): FakeFeedItem => ({
  id: `review-${n}`,
  title: `Review ${n}`,
  html: `<p>Review number <b>${n}</b></p>`,
  url: `https://reviews.example/brand/${n}`,
  author: { name: `Reviewer ${n}`, email: `Reviewer${n}@Example.org` },
  published: new Date(Date.UTC(2026, 10, n)).toISOString(),
  ...over,
});

describe('feed channel against a local feed server', () => {
  it('reads an RSS 2.0 feed into public canonical messages, oldest first, with HTML reduced to text', async () => {
    feeds.setFeed('/rss', 'rss', [
      review(2, { html: '<p>Terrible support!</p><script>alert("x")</script><style>p{}</style><img src="https://t.example/p.gif">' }),
      review(1),
    ]);
    const ctx = ctxFor('/rss');
    const result = await poll(ctx, null);
    expect(result.events.map((e) => e.providerEventId)).toEqual(['review-1', 'review-2']);
    const [first, second] = messagesOf(result.events, ctx);
    expect(first).toMatchObject({
      providerMessageId: 'review-1',
      threadKey: 'review-1',
      visibility: 'public',
      direction: 'inbound',
      subject: 'Review 1',
      text: 'Review number 1',
      sentAt: '2026-11-01T00:00:00.000Z',
      author: { externalId: 'reviewer1@example.org', displayName: 'Reviewer 1', email: 'Reviewer1@Example.org' },
    });
    expect(second?.text).toBe('Terrible support!');
    expect(second?.text).not.toMatch(/alert|[<>]|p\{\}/);
  });

  it('sends the ETag back, honours 304 Not Modified, and then returns only new items', async () => {
    feeds.setFeed('/conditional', 'rss', [review(1)]);
    const ctx = ctxFor('/conditional');
    const first = await poll(ctx, null);
    expect(first.state.etag).toMatch(/^".+"$/);

    const second = await poll(ctx, first.state);
    expect(second).toEqual({ events: [], state: first.state, notModified: true });
    expect(feeds.requests.at(-1)).toMatchObject({ path: '/conditional', ifNoneMatch: first.state.etag, status: 304 });

    feeds.setFeed('/conditional', 'rss', [review(2), review(1)]);
    const third = await poll(ctx, second.state);
    expect(third.notModified).toBe(false);
    expect(third.events.map((e) => e.providerEventId)).toEqual(['review-2']);
    expect(third.state.etag).not.toBe(first.state.etag);
  });

  it('skips items already seen when the server has no validators, and duplicates inside one document', async () => {
    feeds.setFeed('/plain', 'json', [review(3), review(2), review(2), review(1)], { sendEtag: false, sendLastModified: false });
    const ctx = ctxFor('/plain');
    const first = await poll(ctx, null);
    expect(first.events.map((e) => e.providerEventId)).toEqual(['review-1', 'review-2', 'review-3']);
    const again = await poll(ctx, first.state);
    expect(feeds.requests.at(-1)?.status).toBe(200);
    expect(again.events).toEqual([]);
  });

  it('reads an Atom feed: author URI as identity, reply threading, escaped HTML content, If-Modified-Since', async () => {
    const root = review(1, { id: 'tag:forum.example,2026:topic-1', author: { name: 'Ann', uri: 'https://forum.example/u/ann' } });
    const answer = review(2, {
      id: 'tag:forum.example,2026:post-2',
      html: '<p>Same problem &amp; no answer from <a href="https://brand.example">brand.example</a></p>',
      author: { name: 'Bob', uri: 'https://forum.example/u/bob' },
      inReplyTo: root.id,
    });
    feeds.setFeed('/atom', 'atom', [answer, root], { sendEtag: false });
    const ctx = ctxFor('/atom');
    const first = await poll(ctx, null);
    const [topic, reply] = messagesOf(first.events, ctx);
    expect(topic).toMatchObject({ providerMessageId: root.id, threadKey: root.id, author: { externalId: 'https://forum.example/u/ann', displayName: 'Ann' } });
    expect(reply).toMatchObject({ providerMessageId: answer.id, replyToProviderId: root.id, threadKey: root.id, author: { externalId: 'https://forum.example/u/bob' } });
    expect(reply?.text).toBe('Same problem & no answer from brand.example [https://brand.example]');

    const second = await poll(ctx, first.state);
    expect(second.notModified).toBe(true);
    expect(feeds.requests.at(-1)).toMatchObject({ ifNoneMatch: null, ifModifiedSince: first.state.lastModified, status: 304 });
  });

  it('reads a JSON Feed; an author known only by name stays anonymous to that item', async () => {
    feeds.setFeed('/json', 'json', [review(1, { author: { name: 'John' } }), review(2, { author: undefined })]);
    const ctx = ctxFor('/json');
    const [named, anon] = messagesOf((await poll(ctx, null)).events, ctx);
    expect(named).toMatchObject({ providerMessageId: 'review-1', author: { externalId: 'anonymous:review-1', displayName: 'John' }, text: 'Review number 1' });
    expect(anon).toMatchObject({ providerMessageId: 'review-2', author: { externalId: 'anonymous:review-2', displayName: null } });
  });

  it('keeps the remembered ids bounded but never forgets an id still in the feed', async () => {
    const batch = (from: number) => Array.from({ length: 12 }, (_, i) => review(from + i)).reverse();
    feeds.setFeed('/bounded', 'rss', batch(1));
    const ctx = ctxFor('/bounded', { maxSeenIds: 10 });
    const first = await poll(ctx, null);
    expect(first.state.seenIds).toHaveLength(12);
    expect((await poll(ctx, { ...first.state, etag: null, lastModified: null })).events).toEqual([]);

    feeds.setFeed('/bounded', 'rss', batch(13));
    const second = await poll(ctx, first.state);
    expect(second.events).toHaveLength(12);
    expect(second.state.seenIds).toHaveLength(12);
    expect(second.state.seenIds).not.toContain('review-1');
  });

  it('maps an outage to EARSHOT_PROVIDER_UNAVAILABLE and reads the feed once it is back', async () => {
    feeds.setFeed('/flaky', 'rss', [review(1)]);
    feeds.fail('/flaky', 503, 1);
    const ctx = ctxFor('/flaky');
    const err = await errorOf(poll(ctx, null));
    expect(isEarshotError(err) && err.code).toBe('EARSHOT_PROVIDER_UNAVAILABLE');
    expect((await poll(ctx, null)).events.map((e) => e.providerEventId)).toEqual(['review-1']);
  });

  it('maps 429 to EARSHOT_PROVIDER_RATE_LIMITED with retryAt, and 404 or a non-feed page to EARSHOT_PROVIDER_REJECTED', async () => {
    feeds.setFeed('/limited', 'rss', [review(1)]);
    feeds.fail('/limited', 429, 1, { 'retry-after': '120' });
    const limited = await errorOf(poll(ctxFor('/limited'), null));
    expect(isEarshotError(limited) && limited.code).toBe('EARSHOT_PROVIDER_RATE_LIMITED');
    expect(isEarshotError(limited) && limited.details?.retryAt).toBe('2026-11-20T12:02:00.000Z');

    const missing = await errorOf(poll(ctxFor('/nothing-here'), null));
    expect(isEarshotError(missing) && missing.code).toBe('EARSHOT_PROVIDER_REJECTED');

    feeds.fail('/page', 200, 1, { 'content-type': 'text/html' });
    const notAFeed = await errorOf(poll(ctxFor('/page'), null));
    expect(isEarshotError(notAFeed) && notAFeed.code).toBe('EARSHOT_PROVIDER_REJECTED');
  });

  it('refuses a malformed document with a coded error naming the fault, whatever the feed format', async () => {
    feeds.setRaw('/broken.rss', '<?xml version="1.0"?><rss version="2.0"><channel><title>Reviews</title><item><title>Late</item></channel></rss>');
    const broken = await errorOf(poll(ctxFor('/broken.rss'), null));
    expect(broken).toBeInstanceOf(FeedFormatError);
    expect(broken).toBeInstanceOf(EarshotError);
    expect(broken).toMatchObject({ code: 'EARSHOT_PROVIDER_REJECTED', details: { provider: 'feed', reason: 'unreadable-document' } });
    expect((broken as Error).message).toMatch(/^Feed could not be read: not well-formed XML: Expected closing tag 'title'/);
    feeds.setRaw('/broken.json', '{"version":"https://jsonfeed.org/version/1.1","items":[', 'application/feed+json');
    expect(await errorOf(poll(ctxFor('/broken.json'), null))).toMatchObject({ code: 'EARSHOT_PROVIDER_REJECTED', message: 'Feed could not be read: not valid JSON' });
    // The parser on its own throws the same typed error (callers outside the poller get a code too).
    expect(() => parseFeed('<feed><entry>', 'application/atom+xml', { feedUrl: 'https://x.example/f', fetchedAt: NOW.toISOString() })).toThrow(FeedFormatError);
  });

  it('refuses webhook deliveries and reports a missing URL as a configuration error', () => {
    const req = { method: 'POST', headers: {}, query: {}, rawBody: Buffer.from('{}') };
    expect(() => feedDriver.verify(req, ctxFor('/rss'))).toThrow(expect.objectContaining({ code: 'EARSHOT_VALIDATION' }));
    return expect(pollFeedChannel({ ...ctxFor('/rss'), settings: {} }, null)).rejects.toMatchObject({ code: 'EARSHOT_CONFIG', field: 'settings.url' });
  });
});
