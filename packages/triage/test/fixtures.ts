// Small labelled sets for tests: a seeded synthetic set (fast) and a slice of the dev data.
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { LabelledRow, Sentiment } from '../src/index';

const NEGATIVE: Array<[string, string]> = [
  ['my flight was cancelled and nobody helped', 'Cancelled Flight'],
  ['flight cancelled again, stuck at the airport', 'Cancelled Flight'],
  ['delayed three hours, still waiting at the gate', 'Late Flight'],
  ['another delay, we will miss the connection', 'Late Flight'],
  ['you lost my bag and nobody answers', 'Lost Luggage'],
  ['my luggage never arrived, where is my bag', 'Lost Luggage'],
  ['on hold for two hours, terrible customer service', 'Customer Service Issue'],
  ['the agent was rude and hung up on me', 'Customer Service Issue'],
];
const NEUTRAL = ['can I bring my dog on the plane?', 'what time does boarding start?', 'flying to denver tomorrow', 'is there wifi on this route?'];
const POSITIVE = ['thank you, the crew was amazing', 'great flight, loved the service', 'best airline ever, thanks', 'awesome crew and smooth landing'];
const HANDLES = ['@united', '@SouthwestAir', '@JetBlue', '@AmericanAir'];
const TAILS = ['', ' !', ' today', ' #fail', ' again', ' http://t.co/abc'];

export function syntheticRows(n: number): LabelledRow[] {
  const rows: LabelledRow[] = [];
  for (let i = 0; i < n; i++) {
    const handle = HANDLES[i % HANDLES.length] as string;
    const tail = TAILS[(i * 7) % TAILS.length] as string;
    const kind = i % 4;
    if (kind < 2) {
      const [text, reason] = NEGATIVE[(i * 3) % NEGATIVE.length] as [string, string];
      rows.push({ text: `${handle} ${text}${tail}`, sentiment: 'negative', reason });
    } else if (kind === 2) rows.push({ text: `${handle} ${NEUTRAL[i % NEUTRAL.length] as string}${tail}`, sentiment: 'neutral', reason: null });
    else rows.push({ text: `${handle} ${POSITIVE[i % POSITIVE.length] as string}${tail}`, sentiment: 'positive', reason: null });
  }
  return rows;
}

let devCache: LabelledRow[] | null = null;

/** The first `n` rows of data/airline-sentiment/dev.csv (sorted by id, so a fixed slice). */
export function devRows(n: number): LabelledRow[] {
  if (!devCache) {
    const records = parse(readFileSync(new URL('../../../data/airline-sentiment/dev.csv', import.meta.url)), { columns: true }) as Array<Record<string, string>>;
    devCache = records.map((r) => ({ text: r.text ?? '', sentiment: (r.sentiment ?? 'neutral') as Sentiment, reason: r.negative_reason || null }));
  }
  return devCache.slice(0, n);
}
