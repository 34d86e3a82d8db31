import type { ConversationPriority } from '../routing/priority';
import { raisePriority } from '../routing/priority';
import type { SlaClock, SlaMetricClock } from './clock';
import type { SlaMetric, SlaPolicy } from './policy.schema';

export type EscalationDecision =
  | { key: string; metric: SlaMetric; level: 'warning' | 'breach'; type: 'notify_supervisor' }
  | { key: string; metric: SlaMetric; level: 'warning' | 'breach'; type: 'raise_priority'; from: ConversationPriority; to: ConversationPriority }
  | { key: string; metric: SlaMetric; level: 'warning' | 'breach'; type: 'reassign' }
  | { key: string; metric: SlaMetric; level: 'warning' | 'breach'; type: 'send_update'; templateId: string };

/**
 * What to do now about warnings and breaches, as data for the SLA job to execute.
 * Each decision has a stable key (metric, cycle start, level, action); pass the keys already
 * executed as `done` and a decision is never repeated, so the job can run any number of times.
 * Only the current level acts: a clock found already breached skips its stale warning actions.
 */
export function decideEscalations(clock: SlaClock, policy: SlaPolicy, done: ReadonlySet<string> = new Set()): EscalationDecision[] {
  const out: EscalationDecision[] = [];
  for (const m of Object.values(clock.metrics)) {
    if (!m || m.stoppedBy !== null) continue;
    const level = levelOf(m);
    if (!level) continue;
    policy.escalations.forEach((rule, ri) => {
      if (rule.on !== level || (rule.metric !== 'any' && rule.metric !== m.metric)) return;
      rule.actions.forEach((a, ai) => {
        const key = `${m.metric}:${m.startedAt.toISOString()}:${level}:${ri}.${ai}:${a.type}`;
        if (done.has(key)) return;
        const base = { key, metric: m.metric, level };
        if (a.type === 'raise_priority') {
          const to = raisePriority(clock.priority);
          if (to !== clock.priority) out.push({ ...base, type: 'raise_priority', from: clock.priority, to });
        } else if (a.type === 'send_update') {
          out.push({ ...base, type: 'send_update', templateId: a.templateId });
        } else {
          out.push({ ...base, type: a.type });
        }
      });
    });
  }
  return out;
}

function levelOf(m: SlaMetricClock): 'warning' | 'breach' | null {
  if (m.state === 'breached') return 'breach';
  if (m.state === 'warning') return 'warning';
  return null;
}
