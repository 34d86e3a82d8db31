import type { ChannelKind } from '../canonical';
import type { ConversationPriority } from '../routing/priority';
import type { BusinessHours } from './business-hours.schema';
import { ALWAYS_OPEN } from './business-hours.schema';
import { isWithinBusinessHoursMs } from './business-calendar';
import { addBusinessMs, businessMsBetween } from './business-time';
import type { ConversationStatusValue, SlaEvent } from './events';
import type { Instant } from './instant';
import { MINUTE_MS, toMs } from './instant';
import type { SlaMetric, SlaPolicy } from './policy.schema';
import { resolveSlaTargets } from './policy.schema';
import type { Timer } from './timeline';
import { buildTimeline } from './timeline';

export type SlaState = 'ok' | 'warning' | 'breached' | 'met';
export type SlaPauseReason = 'pending' | 'resolved' | 'outside_business_hours';

export interface SlaMetricClock {
  metric: SlaMetric;
  targetMinutes: number;
  state: SlaState;
  startedAt: Date;
  /** When the target is (or was) reached; null while paused waiting on the customer. */
  dueAt: Date | null;
  /** When the clock enters `warning`; null while paused waiting on the customer. */
  warningAt: Date | null;
  breachedAt: Date | null;
  /** When the clock stopped: the agent's reply, or the resolution. */
  stoppedAt: Date | null;
  stoppedBy: 'reply' | 'resolution' | null;
  elapsedMinutes: number;
  /** Negative once breached. */
  remainingMinutes: number;
  paused: boolean;
  pauseReason: SlaPauseReason | null;
  /** next_response runs once per customer follow-up: how many cycles, how many breached. */
  cycles: number;
  breachedCycles: number;
}

export interface SlaClock {
  now: Date;
  priority: ConversationPriority;
  channelKind: ChannelKind;
  status: ConversationStatusValue;
  /** `default` or `channel:<kind>` when the brand set channel-specific targets. */
  targetsSource: string;
  hours: 'business' | 'always';
  metrics: Record<SlaMetric, SlaMetricClock | null>;
  /** When the state will next change by time alone (warning or breach): schedule the SLA job then. */
  nextEvaluationAt: Date | null;
}

export interface SlaClockInput {
  events: readonly SlaEvent[];
  policy: SlaPolicy;
  /** The team's hours, or the brand's. */
  hours: BusinessHours;
  now: Instant;
}

interface Measured {
  elapsed: number;
  cross: (amount: number) => number | null;
}

function measure(timer: Timer, now: number, hours: BusinessHours): Measured {
  const segs = timer.segments.map(([s, e]) => ({ s, e: e ?? now, ms: businessMsBetween(s, e ?? now, hours) }));
  const elapsed = segs.reduce((a, x) => a + x.ms, 0);
  const running = timer.repliedAt === null && timer.pausedBy === null;
  /** First instant at which `amount` open ms have been used, projecting forward if still open. */
  const cross = (amount: number): number | null => {
    let acc = 0;
    for (const seg of segs) {
      if (acc + seg.ms >= amount && (seg.ms > 0 || amount === acc)) return addBusinessMs(seg.s, amount - acc, hours);
      acc += seg.ms;
    }
    const last = segs[segs.length - 1];
    if (running && last) return addBusinessMs(last.s, amount - (acc - last.ms), hours);
    if (timer.pausedBy === 'pending' || !last) return null;
    return addBusinessMs(last.e, amount - acc, hours);
  };
  return { elapsed, cross };
}

function metricClock(metric: SlaMetric, cycles: Timer[], targetMin: number, warningFraction: number, now: number, hours: BusinessHours): SlaMetricClock | null {
  const timer = cycles[cycles.length - 1];
  if (!timer) return null;
  const target = targetMin * MINUTE_MS;
  const m = measure(timer, now, hours);
  const stopped = timer.repliedAt !== null || timer.pausedBy === 'resolved';
  const running = !stopped && timer.pausedBy === null;
  let state: SlaState;
  if (stopped) state = m.elapsed > target ? 'breached' : 'met';
  else if (m.elapsed >= target) state = 'breached';
  else state = m.elapsed >= target * warningFraction ? 'warning' : 'ok';
  const due = m.cross(target);
  const earlier = cycles.slice(0, -1).filter((c) => measure(c, now, hours).elapsed > target).length;
  let pauseReason: SlaPauseReason | null = timer.pausedBy;
  if (running && !isWithinBusinessHoursMs(now, hours)) pauseReason = 'outside_business_hours';
  const warn = m.cross(target * warningFraction);
  return {
    metric,
    targetMinutes: targetMin,
    state,
    startedAt: new Date(timer.startedAt),
    dueAt: due === null ? null : new Date(due),
    warningAt: warn === null ? null : new Date(warn),
    breachedAt: state === 'breached' && due !== null ? new Date(due) : null,
    stoppedAt: timer.repliedAt !== null ? new Date(timer.repliedAt) : timer.pausedBy === 'resolved' && timer.pausedAt !== null ? new Date(timer.pausedAt) : null,
    stoppedBy: timer.repliedAt !== null ? 'reply' : timer.pausedBy === 'resolved' ? 'resolution' : null,
    elapsedMinutes: m.elapsed / MINUTE_MS,
    remainingMinutes: (target - m.elapsed) / MINUTE_MS,
    paused: pauseReason !== null,
    pauseReason,
    cycles: cycles.length,
    breachedCycles: earlier + (state === 'breached' ? 1 : 0),
  };
}

const METRICS: SlaMetric[] = ['first_response', 'next_response', 'resolution'];

/**
 * The SLA clocks of one conversation at `now`, computed only from its event log and policy.
 * Used live (after each event and by the SLA job) and for recompute after a policy change.
 */
export function computeSlaClock(input: SlaClockInput): SlaClock {
  const now = toMs(input.now);
  const tl = buildTimeline(input.events, now);
  const { targets, source } = resolveSlaTargets(input.policy, tl.priority, tl.channelKind);
  const hours = targets.hours === 'always' ? ALWAYS_OPEN : input.hours;
  const metrics = {} as Record<SlaMetric, SlaMetricClock | null>;
  let next: number | null = null;
  for (const metric of METRICS) {
    const target = targets[metric];
    const c = target === null ? null : metricClock(metric, tl.timers[metric], target, input.policy.warningAt, now, hours);
    metrics[metric] = c;
    if (c && (c.state === 'ok' || c.state === 'warning') && c.stoppedBy === null && c.pauseReason !== 'pending') {
      for (const t of [c.state === 'ok' ? c.warningAt : null, c.dueAt]) {
        if (t && t.getTime() > now && (next === null || t.getTime() < next)) next = t.getTime();
      }
    }
  }
  return {
    now: new Date(now),
    priority: tl.priority,
    channelKind: tl.channelKind,
    status: tl.status,
    targetsSource: source,
    hours: targets.hours,
    metrics,
    nextEvaluationAt: next === null ? null : new Date(next),
  };
}
