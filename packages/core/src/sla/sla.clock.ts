import { computeSlaClock, type BusinessHours, type SlaClock, type SlaEvent, type SlaMetric, type SlaPolicy } from '@earshot/domain';
import type { SlaStateValue } from '@earshot/db';

export const METRICS: readonly SlaMetric[] = ['first_response', 'next_response', 'resolution'];
const RANK: Record<string, number> = { met: 0, ok: 1, warning: 2, breached: 3 };

/** The SLA columns stored on a conversation, derived only from a clock. */
export interface SlaColumns {
  sla_policy: string | null;
  sla_state: SlaStateValue | null;
  sla_first_response_due_at: Date | null;
  sla_next_response_due_at: Date | null;
  sla_resolution_due_at: Date | null;
  sla_next_evaluation_at: Date | null;
  sla_first_response_breached: boolean;
  sla_next_response_breached: boolean;
  sla_resolution_breached: boolean;
}

export const NO_SLA: SlaColumns = {
  sla_policy: null, sla_state: null, sla_first_response_due_at: null, sla_next_response_due_at: null, sla_resolution_due_at: null,
  sla_next_evaluation_at: null, sla_first_response_breached: false, sla_next_response_breached: false, sla_resolution_breached: false,
};

export function clockFor(events: readonly SlaEvent[], policy: SlaPolicy, hours: BusinessHours, now: Date): SlaClock {
  return computeSlaClock({ events, policy, hours, now });
}

/**
 * Overall state: the worst running metric; `paused` while waiting on the customer with nothing
 * breached; `met` once every metric with a target is met.
 */
export function columnsOf(clock: SlaClock, policyLabel: string): SlaColumns {
  const ms = METRICS.map((m) => clock.metrics[m]).filter((m) => m !== null);
  let worst = 'met';
  for (const m of ms) if ((RANK[m.state] ?? 0) > (RANK[worst] ?? 0)) worst = m.state;
  const state: SlaStateValue = ms.length === 0 ? 'met' : clock.status === 'pending' && worst !== 'breached' ? 'paused' : (worst as SlaStateValue);
  const due = (m: SlaMetric) => {
    const c = clock.metrics[m];
    return c && c.stoppedBy === null ? c.dueAt : null;
  };
  return {
    sla_policy: policyLabel, sla_state: state,
    sla_first_response_due_at: due('first_response'), sla_next_response_due_at: due('next_response'), sla_resolution_due_at: due('resolution'),
    sla_next_evaluation_at: clock.nextEvaluationAt,
    sla_first_response_breached: (clock.metrics.first_response?.breachedCycles ?? 0) > 0,
    sla_next_response_breached: (clock.metrics.next_response?.breachedCycles ?? 0) > 0,
    sla_resolution_breached: (clock.metrics.resolution?.breachedCycles ?? 0) > 0,
  };
}

/** Keys of the warning/breach notifications a clock calls for (one per metric cycle and level). */
export function transitionKeys(clock: SlaClock): { key: string; metric: SlaMetric; level: 'warning' | 'breach'; dueAt: Date | null }[] {
  const out: { key: string; metric: SlaMetric; level: 'warning' | 'breach'; dueAt: Date | null }[] = [];
  for (const metric of METRICS) {
    const m = clock.metrics[metric];
    if (!m) continue;
    const base = `${metric}:${m.startedAt.toISOString()}`;
    if (m.state === 'breached') out.push({ key: `${base}:breached`, metric, level: 'breach', dueAt: m.dueAt });
    else if (m.state === 'warning' && m.stoppedBy === null) out.push({ key: `${base}:warned`, metric, level: 'warning', dueAt: m.dueAt });
  }
  return out;
}
