import type { ChannelContext, ProviderEvent } from '../driver';
import { conditionalGet } from './feed.http';
import { FeedFormatError, type FeedItem } from './feed.item';
import { parseFeed } from './feed.parse';
import { feedConfig, type FeedConfig } from './feed.settings';

export interface FeedPollState {
  etag: string | null;
  lastModified: string | null;
  /** Ids already turned into events, most recent last; bounded (see maxSeenIds). */
  seenIds: string[];
}

export interface FeedPollResult {
  /** New items, oldest first, ready for IngestService.store (provider event id = item id). */
  events: ProviderEvent[];
  /** Save this only after the events are stored: a crash in between re-reads the feed, and ingest dedupes. */
  state: FeedPollState;
  /** The server answered 304: nothing changed since the last poll. */
  notModified: boolean;
}

export interface FeedPollOptions {
  now?: () => Date;
}

/** One conditional poll of a feed: new items only (deduped by id), and the state for the next poll. */
export async function pollFeed(config: FeedConfig, state: FeedPollState | null, opts: FeedPollOptions = {}): Promise<FeedPollResult> {
  const now = (opts.now ?? (() => new Date()))();
  const previous: FeedPollState = state ?? { etag: null, lastModified: null, seenIds: [] };
  const res = await conditionalGet({
    url: config.url,
    etag: previous.etag,
    lastModified: previous.lastModified,
    authorization: config.authorization,
    timeoutMs: config.timeoutMs,
    maxBytes: config.maxBytes,
    now,
  });
  if (res.status === 'not-modified') return { events: [], state: previous, notModified: true };

  let items: FeedItem[];
  try {
    items = parseFeed(res.body, res.contentType, { feedUrl: config.url, fetchedAt: now.toISOString() }).items;
  } catch (err) {
    // Whatever a remote document makes the parser throw is the document's fault, never a reason to fail the job.
    if (err instanceof FeedFormatError) throw err;
    throw new FeedFormatError(err instanceof Error ? err.message : 'parse error');
  }
  const seen = new Set(previous.seenIds);
  const fresh = oldestFirst(uniqueById(items)).filter((item) => !seen.has(item.id));
  return {
    events: fresh.map((item) => ({ providerEventId: item.id, payload: item })),
    state: {
      etag: res.etag,
      lastModified: res.lastModified,
      seenIds: boundedSeen(previous.seenIds, fresh.map((i) => i.id), items.map((i) => i.id), config.maxSeenIds),
    },
    notModified: false,
  };
}

/** The same, from a channel's settings and credentials. */
export async function pollFeedChannel(ctx: ChannelContext, state: FeedPollState | null, opts: FeedPollOptions = {}): Promise<FeedPollResult> {
  return pollFeed(feedConfig(ctx), state, opts);
}

function uniqueById(items: FeedItem[]): FeedItem[] {
  const ids = new Set<string>();
  return items.filter((i) => (ids.has(i.id) ? false : (ids.add(i.id), true)));
}

/** Feeds list newest first; the queue wants arrival order: by date when every item has one, else reversed. */
function oldestFirst(items: FeedItem[]): FeedItem[] {
  const reversed = [...items].reverse();
  const dated = reversed.map((item) => ({ item, at: Date.parse(item.publishedAt ?? item.updatedAt ?? '') }));
  if (dated.some((d) => Number.isNaN(d.at))) return reversed;
  return dated.sort((a, b) => a.at - b.at).map((d) => d.item);
}

/**
 * Remember at most `max` ids, but never forget an id still in the feed: forgetting one would bring its
 * item back as new on the next poll.
 */
function boundedSeen(previous: string[], added: string[], inFeed: string[], max: number): string[] {
  const current = new Set(inFeed);
  const all = [...new Set([...previous, ...added])];
  const room = Math.max(0, max - current.size);
  const older = all.filter((id) => !current.has(id));
  return [...older.slice(Math.max(0, older.length - room)), ...all.filter((id) => current.has(id))];
}
