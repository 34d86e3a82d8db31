import type { SlaEvent } from './events';
import type { Instant } from './instant';
import { MINUTE_MS, toMs } from './instant';

/**
 * Customer-experienced (calendar) first-response and resolution times from an event log, for
 * the fairness report and replay statistics. Business-hour SLA time is the clock's job.
 */
export function conversationTimings(events: readonly SlaEvent[], now: Instant): { firstResponseMinutes: number | null; resolutionMinutes: number | null } {
  const end = toMs(now);
  const sorted = events
    .map((e, i) => ({ e, t: toMs(e.at), i }))
    .filter((x) => x.t <= end)
    .sort((a, b) => a.t - b.t || a.i - b.i);
  const created = sorted.find((x) => x.e.type === 'created');
  if (!created) return { firstResponseMinutes: null, resolutionMinutes: null };
  const firstReply = sorted.find((x) => x.e.type === 'outbound_reply' && x.t >= created.t);
  let resolvedAt: number | null = null;
  for (const x of sorted) {
    if (x.e.type === 'status_changed') resolvedAt = x.e.status === 'resolved' ? x.t : null;
    else if (x.e.type === 'inbound_message' && resolvedAt !== null) resolvedAt = null; // a new message reopens
  }
  return {
    firstResponseMinutes: firstReply ? (firstReply.t - created.t) / MINUTE_MS : null,
    resolutionMinutes: resolvedAt === null ? null : (resolvedAt - created.t) / MINUTE_MS,
  };
}
