import { nextSlaDeadline } from '@earshot/domain/sla';
import type { ConversationView } from '../api/types';

/** The SLA deadline that matters now (one rule, `nextSlaDeadline` in packages/domain), with its state. */
export function slaDue(c: ConversationView): { at: string; breached: boolean; warning: boolean } | null {
  const at = c.status === 'resolved' ? null : nextSlaDeadline(c.sla);
  if (!at || !c.sla) return null;
  const breached = c.sla.state === 'breached' || Date.parse(at) < Date.now();
  return { at, breached, warning: c.sla.state === 'warning' };
}

export function countdown(at: string, now = Date.now()): string {
  const ms = Date.parse(at) - now;
  const m = Math.round(Math.abs(ms) / 60_000);
  // Weeks past due (an imported archive) is just "breached"; a countdown there is noise.
  if (ms < 0 && m > 60 * 24 * 7) return 'breached';
  const text = m < 60 ? `${m}m` : m < 60 * 48 ? `${Math.floor(m / 60)}h ${m % 60}m` : `${Math.floor(m / 1440)}d`;
  return ms < 0 ? `${text} over` : `${text} left`;
}
