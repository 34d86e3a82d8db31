import { ANALYTICS_HIST_LEN, ANALYTICS_NONE, analyticsTerms, bucketOf, emptyHist } from '@earshot/domain';

/** A conversation as the analytics facts need it (raw row + its channel's kind). */
export interface FactsConversation {
  id: string;
  brand_id: string;
  created_at: Date;
  status: string;
  resolved_at: Date | null;
  channel_id: string;
  channel_kind: string;
  team_id: string | null;
  assignee_id: string | null;
  topic: string | null;
  sentiment: string | null;
  is_public: boolean;
  tags: string[];
  first_reply_at: Date | null;
  sla_first_response_due_at: Date | null;
  sla_first_response_breached: boolean;
  sla_resolution_due_at: Date | null;
  sla_resolution_breached: boolean;
}

/** A message of kind 'message' (notes and events do not count), in conversation order. */
export interface FactsMessage {
  direction: 'inbound' | 'outbound';
  visibility: 'public' | 'private';
  sent_at: Date;
  sentiment: string | null;
  /** Only needed for negative inbound messages. */
  text: string | null;
}

/** What one conversation contributes to the rollups (a row of analytics_conversation_facts). */
export interface ConversationFacts {
  conversation_id: string;
  opened_hour: string;
  resolved_hour: string | null;
  channel_id: string;
  channel_kind: string;
  team_id: string | null;
  assignee_id: string | null;
  topic: string | null;
  sentiment: string | null;
  is_public: boolean;
  tags: string[];
  inbound: number;
  replies: number;
  first_response_s: number | null;
  next_response_s: number[];
  resolution_s: number | null;
  sla_first_applies: boolean;
  sla_first_met: boolean;
  sla_resolution_applies: boolean;
  sla_resolution_met: boolean;
  moved_to_private: boolean;
  negative_terms: string[];
}

const MAX_TERMS = 40;

export function hourOf(d: Date): string {
  const h = new Date(d.getTime());
  h.setUTCMinutes(0, 0, 0);
  return h.toISOString();
}

const secondsBetween = (from: Date, to: Date) => Math.max(0, Math.floor((to.getTime() - from.getTime()) / 1000));

/**
 * The facts of a conversation from its raw rows. A response is the brand's first reply after one or
 * more customer messages; its time runs from the first of those messages. The first such is the
 * first response, the others next responses. Resolution counts only while the conversation is resolved.
 */
export function computeFacts(c: FactsConversation, messages: readonly FactsMessage[]): ConversationFacts {
  let waitingSince: Date | null = null;
  const samples: number[] = [];
  let inbound = 0;
  let replies = 0;
  const terms = new Set<string>();
  for (const m of messages) {
    if (m.direction === 'inbound') {
      inbound += 1;
      waitingSince ??= m.sent_at;
      if (m.sentiment === 'negative' && m.text && terms.size < MAX_TERMS) for (const t of analyticsTerms(m.text)) if (terms.size < MAX_TERMS) terms.add(t);
    } else {
      replies += 1;
      if (waitingSince) samples.push(secondsBetween(waitingSince, m.sent_at));
      waitingSince = null;
    }
  }
  const resolved = c.status === 'resolved' && c.resolved_at !== null;
  const firstBreached = c.sla_first_response_breached;
  const resBreached = c.sla_resolution_breached;
  const slaFirstApplies = (c.sla_first_response_due_at !== null || firstBreached) && (c.first_reply_at !== null || firstBreached);
  const slaResApplies = (c.sla_resolution_due_at !== null || resBreached) && (resolved || resBreached);
  const first = messages[0];
  return {
    conversation_id: c.id,
    opened_hour: hourOf(c.created_at),
    resolved_hour: resolved && c.resolved_at ? hourOf(c.resolved_at) : null,
    channel_id: c.channel_id,
    channel_kind: c.channel_kind,
    team_id: c.team_id,
    assignee_id: c.assignee_id,
    topic: c.topic,
    sentiment: c.sentiment,
    is_public: c.is_public,
    tags: [...new Set(c.tags)].sort(),
    inbound,
    replies,
    first_response_s: samples[0] ?? null,
    next_response_s: samples.slice(1),
    resolution_s: resolved && c.resolved_at ? secondsBetween(c.created_at, c.resolved_at) : null,
    sla_first_applies: slaFirstApplies,
    sla_first_met: slaFirstApplies && !firstBreached,
    sla_resolution_applies: slaResApplies,
    sla_resolution_met: slaResApplies && !resBreached,
    moved_to_private: first?.visibility === 'public' && messages.some((m) => m.visibility === 'private'),
    negative_terms: [...terms].sort(),
  };
}

/** The counters of one rollup row (analytics_hourly without its key). */
export interface RollupMetrics {
  conversations: number; inbound: number; replies: number; negative: number; neutral: number; positive: number;
  public: number; moved_to_private: number;
  first_response_n: number; first_response_sum: number; first_response_hist: number[];
  next_response_n: number; next_response_sum: number; next_response_hist: number[];
  resolved: number; resolution_sum: number; resolution_hist: number[];
  sla_first_n: number; sla_first_met: number; sla_resolution_n: number; sla_resolution_met: number;
}

export const COUNTER_COLUMNS = [
  'conversations', 'inbound', 'replies', 'negative', 'neutral', 'positive', 'public', 'moved_to_private',
  'first_response_n', 'first_response_sum', 'next_response_n', 'next_response_sum', 'resolved', 'resolution_sum',
  'sla_first_n', 'sla_first_met', 'sla_resolution_n', 'sla_resolution_met',
] as const;
export const HIST_COLUMNS = ['first_response_hist', 'next_response_hist', 'resolution_hist'] as const;
type CounterColumn = (typeof COUNTER_COLUMNS)[number];
type HistColumn = (typeof HIST_COLUMNS)[number];

export function emptyMetrics(): RollupMetrics {
  return {
    conversations: 0, inbound: 0, replies: 0, negative: 0, neutral: 0, positive: 0, public: 0, moved_to_private: 0,
    first_response_n: 0, first_response_sum: 0, first_response_hist: emptyHist(), next_response_n: 0, next_response_sum: 0, next_response_hist: emptyHist(),
    resolved: 0, resolution_sum: 0, resolution_hist: emptyHist(), sla_first_n: 0, sla_first_met: 0, sla_resolution_n: 0, sla_resolution_met: 0,
  };
}

/** The (dimension, key) pairs a conversation counts under. */
export function dimensionKeys(f: ConversationFacts): [string, string][] {
  return [
    ['all', ''],
    ['channel', f.channel_id],
    ['channel_kind', f.channel_kind],
    ['team', f.team_id ?? ANALYTICS_NONE],
    ['agent', f.assignee_id ?? ANALYTICS_NONE],
    ['topic', f.topic ?? ANALYTICS_NONE],
    ['sentiment', f.sentiment ?? ANALYTICS_NONE],
    ['visibility', f.is_public ? 'public' : 'private'],
    ...f.tags.map((t): [string, string] => ['tag', t]),
  ];
}

export const rollupKey = (dim: string, key: string, hour: string) => `${dim}\u0000${key}\u0000${hour}`;

function add(target: RollupMetrics, part: Partial<Record<CounterColumn, number>>, hists: Partial<Record<HistColumn, readonly number[]>>, sign: number): void {
  for (const [k, v] of Object.entries(part) as [CounterColumn, number][]) target[k] += sign * v;
  for (const [k, h] of Object.entries(hists) as [HistColumn, readonly number[]][]) {
    const t = target[k];
    for (let i = 0; i < ANALYTICS_HIST_LEN; i++) t[i] = (t[i] ?? 0) + sign * (h[i] ?? 0);
  }
}

function histOf(samples: readonly number[]): number[] {
  const h = emptyHist();
  for (const s of samples) { const b = bucketOf(s); h[b] = (h[b] ?? 0) + 1; }
  return h;
}

/** Adds (sign 1) or takes back (sign -1) a conversation's contribution to rollup rows and term counts. */
export function accumulate(rows: Map<string, RollupMetrics>, terms: Map<string, number>, f: ConversationFacts, sign: 1 | -1): void {
  const opened: Partial<Record<CounterColumn, number>> = {
    conversations: 1, inbound: f.inbound, replies: f.replies,
    negative: f.sentiment === 'negative' ? 1 : 0, neutral: f.sentiment === 'neutral' ? 1 : 0, positive: f.sentiment === 'positive' ? 1 : 0,
    public: f.is_public ? 1 : 0, moved_to_private: f.moved_to_private ? 1 : 0,
    first_response_n: f.first_response_s === null ? 0 : 1, first_response_sum: f.first_response_s ?? 0,
    next_response_n: f.next_response_s.length, next_response_sum: f.next_response_s.reduce((a, b) => a + b, 0),
    sla_first_n: f.sla_first_applies ? 1 : 0, sla_first_met: f.sla_first_met ? 1 : 0,
    sla_resolution_n: f.sla_resolution_applies ? 1 : 0, sla_resolution_met: f.sla_resolution_met ? 1 : 0,
  };
  const openedHists = { first_response_hist: histOf(f.first_response_s === null ? [] : [f.first_response_s]), next_response_hist: histOf(f.next_response_s) };
  const resolvedHists = f.resolution_s === null ? null : { resolution_hist: histOf([f.resolution_s]) };
  for (const [dim, key] of dimensionKeys(f)) {
    const at = (hour: string) => {
      const k = rollupKey(dim, key, hour);
      let r = rows.get(k);
      if (!r) { r = emptyMetrics(); rows.set(k, r); }
      return r;
    };
    add(at(f.opened_hour), opened, openedHists, sign);
    if (f.resolved_hour && resolvedHists) add(at(f.resolved_hour), { resolved: 1, resolution_sum: f.resolution_s ?? 0 }, resolvedHists, sign);
  }
  for (const t of f.negative_terms) {
    const k = `${f.opened_hour}\u0000${t}`;
    terms.set(k, (terms.get(k) ?? 0) + sign);
  }
}

export function isZero(m: RollupMetrics): boolean {
  return COUNTER_COLUMNS.every((c) => m[c] === 0) && HIST_COLUMNS.every((c) => m[c].every((v) => v === 0));
}
