import type { ChannelKind } from '../canonical';

/**
 * Nearest-rank percentile (p in 0..100): always a value that was actually observed, which is
 * easier to explain in a report ("90 % were answered within 42 minutes") than interpolation.
 */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] ?? null;
}

export interface ConversationTiming {
  conversationId: string;
  channelKind: ChannelKind;
  /** Calendar minutes from the customer's first message to our first reply; null if none yet. */
  firstResponseMinutes: number | null;
  /** Calendar minutes from creation to resolution; null while unresolved. */
  resolutionMinutes: number | null;
}

export interface TimingSummary {
  n: number;
  p50: number | null;
  p90: number | null;
  conversationIds: string[];
}

export interface ChannelFairnessRow {
  channelKind: ChannelKind;
  firstResponse: TimingSummary;
  resolution: TimingSummary;
}

function summarise(items: readonly ConversationTiming[], pick: (t: ConversationTiming) => number | null): TimingSummary {
  const withValue = items.filter((t) => pick(t) !== null);
  const values = withValue.map((t) => pick(t) ?? 0);
  return { n: values.length, p50: percentile(values, 50), p90: percentile(values, 90), conversationIds: withValue.map((t) => t.conversationId) };
}

/** First-response and resolution p50/p90 per channel: are public complainers served first? */
export function responsePercentilesByChannel(items: readonly ConversationTiming[]): ChannelFairnessRow[] {
  const byChannel = new Map<ChannelKind, ConversationTiming[]>();
  for (const t of items) {
    const list = byChannel.get(t.channelKind) ?? [];
    list.push(t);
    byChannel.set(t.channelKind, list);
  }
  return [...byChannel.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([channelKind, list]) => ({
      channelKind,
      firstResponse: summarise(list, (t) => t.firstResponseMinutes),
      resolution: summarise(list, (t) => t.resolutionMinutes),
    }));
}
