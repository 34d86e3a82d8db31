import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { seededRandom } from './seeded-random';

export interface SampleText {
  text: string;
  source: 'twcs' | 'airline';
}

const DEFAULT_DATA_DIR = fileURLToPath(new URL('../../../../../data', import.meta.url));

/**
 * Real customer posts for the fake providers' webhook streams: the inbound side of the Customer
 * Support on Twitter sample and the airline sentiment set, with leading @handles removed.
 */
export async function loadSampleTexts(opts: { dataDir?: string } = {}): Promise<SampleText[]> {
  const dir = opts.dataDir ?? DEFAULT_DATA_DIR;
  const twcs = parse(await readFile(`${dir}/twcs/twcs.csv`, 'utf8'), { columns: true, skip_empty_lines: true }) as Array<Record<string, string>>;
  const airline = parse(await readFile(`${dir}/airline-sentiment/dev.csv`, 'utf8'), { columns: true, skip_empty_lines: true }) as Array<Record<string, string>>;
  const fromTwcs = twcs.filter((r) => r.inbound === 'True').map((r) => ({ text: stripLeadingHandles(r.text ?? ''), source: 'twcs' as const }));
  const fromAirline = airline.map((r) => ({ text: stripLeadingHandles(r.text ?? ''), source: 'airline' as const }));
  return [...fromTwcs, ...fromAirline].filter((s) => s.text.length > 0);
}

export function stripLeadingHandles(text: string): string {
  return text.replace(/^(\s*@\w+)+\s*/, '').trim();
}

/** Deterministic picks, so a demo stream or test sees the same texts every run. */
export function textPicker(texts: SampleText[], seed: number): () => string {
  const random = seededRandom(seed);
  return () => texts[Math.floor(random() * texts.length)]?.text ?? 'Hello, I need some help please';
}
