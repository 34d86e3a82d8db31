/**
 * The SLA deadline that matters now: the earliest due time among the clocks still running. The
 * SLA service stores a due time only for a running clock (a met, stopped or paused one stores
 * none), so this is the earliest of the three; a met or paused conversation has none. The inbox's
 * "SLA due" sort orders by the same rule in SQL (`SLA_DUE` in conversation.query.ts: least() of the
 * three, nulls last) and the desk's countdown shows it.
 */
export interface SlaDueTimes {
  state: 'ok' | 'warning' | 'breached' | 'met' | 'paused' | null;
  firstResponseDueAt: string | null;
  nextResponseDueAt: string | null;
  resolutionDueAt: string | null;
}

export function nextSlaDeadline(sla: SlaDueTimes | null | undefined): string | null {
  if (!sla || sla.state === 'met' || sla.state === 'paused') return null;
  let best: string | null = null;
  let bestAt = Infinity;
  for (const at of [sla.firstResponseDueAt, sla.nextResponseDueAt, sla.resolutionDueAt]) {
    const t = at === null ? NaN : Date.parse(at);
    if (Number.isFinite(t) && t < bestAt) { best = at; bestAt = t; }
  }
  return best;
}
