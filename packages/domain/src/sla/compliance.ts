import type { SlaClock } from './clock';
import type { SlaMetric } from './policy.schema';

export interface ConversationSla {
  conversationId: string;
  brandId: string;
  teamId: string | null;
  agentId: string | null;
  clock: SlaClock;
}

export type ComplianceGroupBy = 'brand' | 'team' | 'agent';

export interface ComplianceRow {
  /** Brand, team or agent id; null for conversations without a team or agent. */
  key: string | null;
  metric: SlaMetric | 'all';
  met: number;
  breached: number;
  /** met / (met + breached) × 100; null when nothing is decided yet. */
  percentMet: number | null;
  /** The conversations behind each number, so a supervisor can open them. */
  metIds: string[];
  breachedIds: string[];
  inProgressIds: string[];
}

type Outcome = 'met' | 'breached' | 'in_progress' | null;

function outcomeOf(clock: SlaClock, metric: SlaMetric | 'all'): Outcome {
  if (metric !== 'all') {
    const m = clock.metrics[metric];
    if (!m) return null;
    if (m.breachedCycles > 0) return 'breached';
    return m.state === 'met' ? 'met' : 'in_progress';
  }
  const all = (['first_response', 'next_response', 'resolution'] as const).map((x) => outcomeOf(clock, x)).filter((o): o is Exclude<Outcome, null> => o !== null);
  if (all.length === 0) return null;
  if (all.includes('breached')) return 'breached';
  return all.every((o) => o === 'met') ? 'met' : 'in_progress';
}

/**
 * "% SLA met" per brand, team or agent. A conversation counts as breached as soon as any cycle
 * breached (even if still open), as met once every metric with a target is met, and otherwise
 * as in progress, which is listed but left out of the percentage.
 */
export function slaCompliance(items: readonly ConversationSla[], groupBy: ComplianceGroupBy, opts: { metric?: SlaMetric | 'all' } = {}): ComplianceRow[] {
  const metric = opts.metric ?? 'all';
  const rows = new Map<string | null, ComplianceRow>();
  for (const it of items) {
    const key = groupBy === 'brand' ? it.brandId : groupBy === 'team' ? it.teamId : it.agentId;
    const outcome = outcomeOf(it.clock, metric);
    if (outcome === null) continue;
    let row = rows.get(key);
    if (!row) {
      row = { key, metric, met: 0, breached: 0, percentMet: null, metIds: [], breachedIds: [], inProgressIds: [] };
      rows.set(key, row);
    }
    if (outcome === 'met') row.metIds.push(it.conversationId);
    else if (outcome === 'breached') row.breachedIds.push(it.conversationId);
    else row.inProgressIds.push(it.conversationId);
  }
  const out = [...rows.values()].map((r) => {
    const met = r.metIds.length;
    const breached = r.breachedIds.length;
    return { ...r, met, breached, percentMet: met + breached === 0 ? null : (met / (met + breached)) * 100 };
  });
  return out.sort((a, b) => String(a.key ?? '\uffff').localeCompare(String(b.key ?? '\uffff')));
}
