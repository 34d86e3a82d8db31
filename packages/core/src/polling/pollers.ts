import { z } from 'zod';
import type { ChannelContext, ProviderEvent } from '../channels/driver';
import { pollEmailChannel } from '../channels/email/email.poll';
import type { ImapPollState } from '../channels/email/imap.poller';
import { pollFeedChannel, type FeedPollState } from '../channels/feed/feed.poller';
import { initialMentionsPollState, pollMentions, type MentionsPollState } from '../channels/x/x.poll';

/** One page of a poll, in one shape for every provider. */
export interface PollPage {
  events: ProviderEvent[];
  /** The cursor to save once the events are stored. */
  state: unknown;
  /** More is waiting right now: poll again without waiting for the interval. */
  more: boolean;
}

export interface Poller {
  /** Seconds between polls unless the channel's `pollIntervalSeconds` says otherwise. */
  defaultIntervalSeconds: number;
  enabled(settings: Record<string, unknown>): boolean;
  poll(ctx: ChannelContext, state: unknown): Promise<PollPage>;
}

// Saved states come back from jsonb: parse them, and start afresh when they are not what we wrote.
const MentionsState = z.object({ sinceId: z.string().nullable(), paginationToken: z.string().nullable(), cycleNewestId: z.string().nullable() });
const ImapState = z.looseObject({ uidValidity: z.string(), lastUid: z.number() });
const FeedState = z.object({ etag: z.string().nullable(), lastModified: z.string().nullable(), seenIds: z.array(z.string()) });

const XPolling = z.looseObject({ pollMentions: z.literal(true), userId: z.string().min(1) });

const pollers: Record<string, Poller> = {
  // X polls mentions only when the channel opted in (accounts without Account Activity webhooks).
  x: {
    defaultIntervalSeconds: 60,
    enabled: (settings) => XPolling.safeParse(settings).success,
    async poll(ctx, state) {
      const parsed = MentionsState.safeParse(state);
      const r = await pollMentions(ctx, parsed.success ? (parsed.data as MentionsPollState) : initialMentionsPollState);
      return { events: r.events, state: r.nextState, more: r.hasMore };
    },
  },
  email: {
    defaultIntervalSeconds: 60,
    enabled: () => true,
    async poll(ctx, state) {
      const parsed = ImapState.safeParse(state);
      const r = await pollEmailChannel(ctx, parsed.success ? (parsed.data as ImapPollState) : null);
      return { events: r.events, state: r.state, more: r.more };
    },
  },
  feed: {
    defaultIntervalSeconds: 300,
    enabled: () => true,
    async poll(ctx, state) {
      const parsed = FeedState.safeParse(state);
      const r = await pollFeedChannel(ctx, parsed.success ? (parsed.data as FeedPollState) : null);
      return { events: r.events, state: r.state, more: false };
    },
  },
};

/** The poller for a channel, or null when the channel is pushed to (webhooks) or polling is off. */
export function pollerFor(kind: string, settings: Record<string, unknown>): Poller | null {
  const p = pollers[kind];
  return p && p.enabled(settings) ? p : null;
}

export const POLLABLE_KINDS = Object.keys(pollers);

const Interval = z.looseObject({ pollIntervalSeconds: z.number().int().min(5).max(86_400).optional() });

export function pollIntervalSeconds(poller: Poller, settings: Record<string, unknown>): number {
  const parsed = Interval.safeParse(settings);
  return (parsed.success ? parsed.data.pollIntervalSeconds : undefined) ?? poller.defaultIntervalSeconds;
}
