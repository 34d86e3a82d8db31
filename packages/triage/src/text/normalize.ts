// Text clean-up that runs before tokenizing: HTML entities and the airline data's
// find-and-replace artefacts (see data/airline-sentiment/README.md, "Known quirks").

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
};

const ENTITY = /&(#x[0-9a-fA-F]+|#\d+|[a-zA-Z]+);/g;

export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(ENTITY, (whole, body: string) => {
    if (body.startsWith('#x') || body.startsWith('#X')) return safeCodePoint(Number.parseInt(body.slice(2), 16), whole);
    if (body.startsWith('#')) return safeCodePoint(Number.parseInt(body.slice(1), 10), whole);
    return NAMED_ENTITIES[body.toLowerCase()] ?? whole;
  });
}

function safeCodePoint(cp: number, fallback: string): string {
  return Number.isFinite(cp) && cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : fallback;
}

// The Kaggle release replaced "cancel…" with "Cancelled Flight…", "late…" with "Late Flight…" and
// "booking problems" with "Flight Booking Problems". Real tweets never contain these strings, so a
// model must not learn them: map them back to the words they replaced.
const ARTEFACTS: ReadonlyArray<readonly [RegExp, string]> = [
  [/Flight Booking Problems/g, 'booking problems'],
  [/Cancelled Flight(?=[a-z])/g, 'cancel'],
  [/Cancelled Flight/g, 'cancel'],
  [/Late Flight(?=[a-z])/g, 'late'],
  [/Late Flight/g, 'late'],
];

export function repairArtefacts(text: string): string {
  if (!text.includes(' Flight') && !text.includes('Flight ')) return text;
  let out = text;
  for (const [pattern, replacement] of ARTEFACTS) out = out.replace(pattern, replacement);
  return out;
}

export function normalizeText(text: string): string {
  return repairArtefacts(decodeEntities(text));
}
