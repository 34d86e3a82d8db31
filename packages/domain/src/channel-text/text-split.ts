export interface SplitOptions {
  /** Length of a candidate part in the channel's own units. */
  measure: (text: string) => number;
  maxLength: number;
  /** Append " (i/n)" to every part when there is more than one. */
  numbered: boolean;
}

/**
 * Split text into parts that each fit the channel limit, breaking between words and preferring
 * sentence ends, so a long reply reads as a natural thread. A single word longer than the limit is
 * cut between graphemes.
 */
export function splitText(text: string, opts: SplitOptions): string[] {
  const clean = text.trim();
  if (opts.measure(clean) <= opts.maxLength) return [clean];
  // The suffix width depends on the part count; grow the reserve until the count stops changing.
  let reserve = opts.numbered ? ' (1/9)'.length : 0;
  for (;;) {
    const parts = greedy(clean, opts.maxLength - reserve, opts.measure);
    if (!opts.numbered) return parts;
    const width = ` (${parts.length}/${parts.length})`.length;
    if (width <= reserve) return parts.map((p, i) => `${p} (${i + 1}/${parts.length})`);
    reserve = width;
  }
}

function greedy(text: string, max: number, measure: (t: string) => number): string[] {
  const words = text.split(/(\s+)/).filter((w) => w.length > 0);
  const parts: string[] = [];
  let current = '';
  for (const word of words) {
    const candidate = current + word;
    if (measure(candidate.trim()) <= max) {
      current = candidate;
      continue;
    }
    if (/^\s+$/.test(word)) continue;
    const [keep, carry] = backOffToSentence(current, max);
    if (keep.trim()) parts.push(keep.trim());
    current = carry;
    if (measure((current + word).trim()) <= max) {
      current += word;
      continue;
    }
    if (current.trim()) parts.push(current.trim());
    const pieces = hardCut(word, max, measure);
    parts.push(...pieces.slice(0, -1));
    current = pieces.at(-1) ?? '';
  }
  if (current.trim()) parts.push(current.trim());
  return parts;
}

/** Move the tail after the last sentence end (if it is in the second half) to the next part. */
function backOffToSentence(current: string, max: number): [string, string] {
  const re = /[.!?…](\s+)/g;
  let cut = -1;
  for (let m = re.exec(current); m; m = re.exec(current)) cut = m.index + 1;
  if (cut < max / 2 || cut >= current.trimEnd().length) return [current, ''];
  return [current.slice(0, cut), current.slice(cut).trimStart()];
}

function hardCut(word: string, max: number, measure: (t: string) => number): string[] {
  const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  const pieces: string[] = [];
  let current = '';
  for (const { segment } of segmenter.segment(word)) {
    if (current && measure(current + segment) > max) {
      pieces.push(current);
      current = '';
    }
    current += segment;
  }
  pieces.push(current);
  return pieces;
}
