// Analytics: the rollup dimensions, the duration buckets of response/resolution histograms and the
// percentile read from them (ADR 0022). Pure: the rollup job, the queries and the tests share it.

/** Upper bounds (seconds, exclusive) of the duration buckets; the last bucket is everything above. */
export const ANALYTICS_BUCKETS_S: readonly number[] = [
  30, 60, 120, 180, 300, 600, 900, 1200, 1800, 2700, 3600, 5400, 7200, 10800, 14400, 21600, 28800, 43200,
  64800, 86400, 129600, 172800, 259200, 345600, 432000, 604800, 864000, 1209600, 1814400, 2592000,
];
/** Buckets per histogram: one per bound, plus the overflow. */
export const ANALYTICS_HIST_LEN = ANALYTICS_BUCKETS_S.length + 1;

/** Index (0-based) of the bucket a duration falls in. */
export function bucketOf(seconds: number): number {
  const s = Math.max(0, seconds);
  let i = 0;
  while (i < ANALYTICS_BUCKETS_S.length && s >= (ANALYTICS_BUCKETS_S[i] ?? Infinity)) i += 1;
  return i;
}

/** An empty histogram. */
export function emptyHist(): number[] {
  return new Array<number>(ANALYTICS_HIST_LEN).fill(0);
}

/**
 * The p-th percentile (0 < p < 1) of a histogram, interpolated linearly inside its bucket; null when
 * it is empty. The overflow bucket reports its lower bound (a floor, said so in the API).
 */
export function histPercentile(hist: readonly number[], p: number): number | null {
  const total = hist.reduce((a, b) => a + b, 0);
  if (total <= 0) return null;
  const rank = p * total;
  let seen = 0;
  for (let i = 0; i < hist.length; i++) {
    const n = hist[i] ?? 0;
    if (n > 0 && seen + n >= rank) {
      const lo = i === 0 ? 0 : (ANALYTICS_BUCKETS_S[i - 1] ?? 0);
      const hi = ANALYTICS_BUCKETS_S[i];
      if (hi === undefined) return lo;
      return Math.round(lo + ((rank - seen) / n) * (hi - lo));
    }
    seen += n;
  }
  return ANALYTICS_BUCKETS_S[ANALYTICS_BUCKETS_S.length - 1] ?? null;
}

/** Dimensions the rollups are kept by; `all` has the single key ''. */
export const ANALYTICS_DIMENSIONS = ['all', 'channel', 'channel_kind', 'team', 'agent', 'topic', 'sentiment', 'visibility', 'tag'] as const;
export type AnalyticsDimension = (typeof ANALYTICS_DIMENSIONS)[number];

/** The key of a conversation without a team, an assignee, a topic or a sentiment. */
export const ANALYTICS_NONE = 'none';

/** Channel kinds where customers speak in (or next to) public: the "social" side of channel fairness. */
export const SOCIAL_CHANNEL_KINDS: readonly string[] = ['x', 'facebook', 'instagram', 'feed'];
export function channelGroupOf(kind: string): 'social' | 'direct' {
  return SOCIAL_CHANNEL_KINDS.includes(kind) ? 'social' : 'direct';
}

/** The longest range one analytics request may cover. */
export const ANALYTICS_MAX_RANGE_DAYS = 400;

/** Words too common to say anything about what upsets customers (negative-message word counts). */
export const ANALYTICS_STOP_WORDS: ReadonlySet<string> = new Set((
  'the a an and or but if then than so to of in on at by for with from about as into over after before is are was were be been being am ' +
  'i me my mine we us our you your yours he him his she her it its they them their this that these those there here what which who whom ' +
  'do does did doing done have has had having can could will would shall should may might must not no nor just also too very only own ' +
  'same such more most some any all each few other both up down out off again further once why how when where while because until ' +
  'get got getting im ive its dont didnt cant wont isnt arent wasnt youre thats theres http https www com co amp rt via'
).split(' '));

/** The distinct words of a text worth counting (lowercase letters/digits, 3+ characters, no stop words, no handles or links). */
export function analyticsTerms(text: string, max = 40): string[] {
  const cleaned = text.toLowerCase().replace(/https?:\/\/\S+/g, ' ').replace(/[@#]\w+/g, ' ').replace(/['’]/g, '');
  const out = new Set<string>();
  for (const w of cleaned.split(/[^\p{L}\p{N}]+/u)) {
    if (w.length < 3 || w.length > 40 || /^\d+$/.test(w) || ANALYTICS_STOP_WORDS.has(w)) continue;
    out.add(w);
    if (out.size >= max) break;
  }
  return [...out].sort();
}
