import type { ConversationView } from '../api/types';

/**
 * The SLA deadline that matters now: first response until the first reply, then next response
 * while the customer waits, then resolution. None when the clock is met or paused.
 */
export function slaDue(c: ConversationView): { at: string; breached: boolean; warning: boolean } | null {
  const s = c.sla;
  if (!s || s.state === 'met' || s.state === 'paused' || c.status === 'resolved') return null;
  const candidates = [
    !c.firstReplyAt ? s.firstResponseDueAt : null,
    c.firstReplyAt && c.waitingSince ? s.nextResponseDueAt : null,
    s.resolutionDueAt,
  ].filter((x): x is string => !!x && !Number.isNaN(Date.parse(x)));
  const at = candidates.sort()[0];
  if (!at) return null;
  const breached = s.state === 'breached' || Date.parse(at) < Date.now();
  return { at, breached, warning: s.state === 'warning' };
}

export function countdown(at: string, now = Date.now()): string {
  const ms = Date.parse(at) - now;
  const m = Math.round(Math.abs(ms) / 60_000);
  // Weeks past due (an imported archive) is just "breached"; a countdown there is noise.
  if (ms < 0 && m > 60 * 24 * 7) return 'breached';
  const text = m < 60 ? `${m}m` : m < 60 * 48 ? `${Math.floor(m / 60)}h ${m % 60}m` : `${Math.floor(m / 1440)}d`;
  return ms < 0 ? `${text} over` : `${text} left`;
}
