import type { ChannelKind } from '../canonical';
import { EarshotError } from '../errors';
import type { ConversationPriority } from '../routing/priority';
import type { ConversationStatusValue, SlaEvent } from './events';
import { toMs } from './instant';
import type { SlaMetric } from './policy.schema';

export type PauseReason = 'pending' | 'resolved';

/** One run of one SLA metric: the open stretches of time it counts, and how it ended. */
export interface Timer {
  startedAt: number;
  /** [start, end] with end null while running. */
  segments: [number, number | null][];
  /** Set when an agent reply satisfied it (response metrics). */
  repliedAt: number | null;
  pausedBy: PauseReason | null;
  pausedAt: number | null;
}

export interface Timeline {
  priority: ConversationPriority;
  channelKind: ChannelKind;
  status: ConversationStatusValue;
  /** Cycles per metric; first_response and resolution have at most one. */
  timers: Record<SlaMetric, Timer[]>;
}

function start(t: number): Timer {
  return { startedAt: t, segments: [[t, null]], repliedAt: null, pausedBy: null, pausedAt: null };
}

const isActive = (x: Timer): boolean => x.repliedAt === null;

function pause(x: Timer, t: number, why: PauseReason): void {
  const last = x.segments[x.segments.length - 1];
  if (last && last[1] === null) last[1] = t;
  x.pausedBy = why;
  x.pausedAt = t;
}

function resume(x: Timer, t: number): void {
  if (x.pausedBy === null) return;
  x.segments.push([t, null]);
  x.pausedBy = null;
  x.pausedAt = null;
}

function reply(x: Timer, t: number): void {
  const last = x.segments[x.segments.length - 1];
  if (last && last[1] === null) last[1] = t;
  x.repliedAt = t;
  x.pausedBy = null;
}

/**
 * Replays a conversation's events up to `now` into SLA timers. Pure and order-insensitive for
 * events with distinct times (they are sorted; equal times keep their given order).
 */
export function buildTimeline(events: readonly SlaEvent[], now: number): Timeline {
  const sorted = events
    .map((e, i) => ({ e, t: toMs(e.at), i }))
    .filter((x) => x.t <= now)
    .sort((a, b) => a.t - b.t || a.i - b.i);
  const created = sorted.find((x) => x.e.type === 'created');
  if (!created || created.e.type !== 'created') throw new EarshotError('EARSHOT_VALIDATION', 'the event log has no created event at or before now', { field: 'events' });
  const tl: Timeline = {
    priority: created.e.priority,
    channelKind: created.e.channelKind,
    status: 'open',
    timers: { first_response: [start(created.t)], next_response: [], resolution: [start(created.t)] },
  };
  const all = (): Timer[] => [...tl.timers.first_response, ...tl.timers.next_response, ...tl.timers.resolution];
  const reopen = (t: number): void => {
    tl.status = 'open';
    for (const x of all()) if (isActive(x)) resume(x, t);
  };
  for (const { e, t } of sorted) {
    if (t < created.t || e === created.e) continue;
    switch (e.type) {
      case 'created':
        break; // a second created event is ignored: the first one defines the conversation
      case 'inbound_message': {
        if (tl.status !== 'open') reopen(t);
        const fr = tl.timers.first_response[0];
        const nr = tl.timers.next_response;
        const current = nr[nr.length - 1];
        // A follow-up after our first reply starts a next-response cycle; more messages while one
        // is running keep the earliest unanswered time.
        if (fr && fr.repliedAt !== null && (!current || !isActive(current))) nr.push(start(t));
        break;
      }
      case 'outbound_reply':
        for (const x of [...tl.timers.first_response, ...tl.timers.next_response]) if (isActive(x)) reply(x, t);
        break;
      case 'status_changed':
        if (e.status === 'pending' || e.status === 'resolved') {
          for (const x of all()) if (isActive(x) && x.pausedBy === null) pause(x, t, e.status);
          // Resolving a pending conversation turns its pause into a resolution.
          if (e.status === 'resolved') for (const x of all()) if (isActive(x) && x.pausedBy === 'pending') x.pausedBy = 'resolved';
          tl.status = e.status;
        } else if (e.status === 'open') {
          reopen(t);
        } else {
          tl.status = 'snoozed'; // snoozing is the agent's choice: the customer still waits
        }
        break;
      case 'priority_changed':
        tl.priority = e.priority;
        break;
    }
  }
  return tl;
}
