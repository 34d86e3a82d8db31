import type { ConversationView } from '../api/types';

/**
 * The nearest SLA deadline of a conversation, when the server sends SLA fields (they arrive with
 * the SLA integration). Read defensively: any `…DueAt` timestamp in `sla` or on the conversation.
 */
export function slaDue(c: ConversationView): { at: string; breached: boolean } | null {
  const rec = c as unknown as Record<string, unknown>;
  const sla = rec.sla && typeof rec.sla === 'object' ? (rec.sla as Record<string, unknown>) : {};
  const candidates: string[] = [];
  for (const src of [sla, rec]) {
    for (const [k, v] of Object.entries(src)) {
      if (/due(At|_at)$/i.test(k) && typeof v === 'string' && !Number.isNaN(Date.parse(v))) candidates.push(v);
      if (k === 'nextDueAt' && v && typeof v === 'object' && 'at' in v && typeof v.at === 'string') candidates.push(v.at);
    }
  }
  if (!candidates.length) return null;
  const at = candidates.sort()[0] ?? '';
  return { at, breached: sla.breached === true || Date.parse(at) < Date.now() };
}

export function countdown(at: string, now = Date.now()): string {
  const ms = Date.parse(at) - now;
  const abs = Math.abs(ms);
  const m = Math.round(abs / 60_000);
  const text = m < 60 ? `${m}m` : m < 60 * 48 ? `${Math.floor(m / 60)}h ${m % 60}m` : `${Math.floor(m / 1440)}d`;
  return ms < 0 ? `${text} over` : text;
}
