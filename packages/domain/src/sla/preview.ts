import type { ConversationPriority } from '../routing/priority';
import { ALWAYS_OPEN, type BusinessHours } from './business-hours.schema';
import { addBusinessMinutes, isWithinBusinessHours } from './business-time';
import type { SlaMetric, SlaPolicy } from './policy.schema';

export interface DuePreview { due: string; warning: string; minutes: number }
export interface SlaPreviewRow { priority: ConversationPriority; hours: 'business' | 'always'; targets: Record<SlaMetric, DuePreview | null> }

const PRIORITIES: ConversationPriority[] = ['urgent', 'high', 'normal', 'low'];
const METRICS: SlaMetric[] = ['first_response', 'next_response', 'resolution'];

/**
 * When a message received at `at` would be due, per priority and metric, under this policy and
 * these hours — the same business-time arithmetic the SLA clock uses — with the warning instant
 * (`warningAt` of the target). The admin forms show it before anything is saved.
 */
export function previewDueTimes(policy: SlaPolicy, hours: BusinessHours, at: Date): { at: string; openNow: boolean; rows: SlaPreviewRow[] } {
  const rows = PRIORITIES.map((priority) => {
    const t = policy.targets[priority];
    const cal = t.hours === 'always' ? ALWAYS_OPEN : hours;
    const targets = Object.fromEntries(METRICS.map((m) => {
      const minutes = t[m];
      if (minutes === null) return [m, null];
      return [m, { minutes, due: addBusinessMinutes(at, minutes, cal).toISOString(), warning: addBusinessMinutes(at, minutes * policy.warningAt, cal).toISOString() }];
    })) as Record<SlaMetric, DuePreview | null>;
    return { priority, hours: t.hours, targets };
  });
  return { at: at.toISOString(), openNow: isWithinBusinessHours(at, hours), rows };
}
