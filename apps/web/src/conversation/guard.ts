// Pre-send guard: personal data in a public reply is flagged before it is posted for everyone to
// read. Heuristics on purpose (false positives cost one click, a leak cannot be taken back).

export interface GuardFinding { kind: 'phone' | 'email' | 'account' | 'address' | 'card'; match: string }

const RULES: { kind: GuardFinding['kind']; re: RegExp }[] = [
  { kind: 'email', re: /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g },
  { kind: 'card', re: /\b(?:\d[ -]?){13,19}\b/g },
  { kind: 'phone', re: /(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,4}\)[\s.-]?)?\d{2,4}[\s.-]\d{3,4}[\s.-]?\d{2,4}\b/g },
  { kind: 'account', re: /\b(?:account|acct|booking|order|reservation|confirmation|ticket|policy|member(?:ship)?|customer)\s*(?:no\.?|number|#|id|ref(?:erence)?)?\s*[:#]?\s*[A-Z0-9][A-Z0-9-]{4,}\b/gi },
  { kind: 'account', re: /\b(?=[A-Z0-9-]*\d)(?=[A-Z0-9-]*[A-Z])[A-Z0-9]{6,}\b/g },
  { kind: 'address', re: /\b\d{1,5}\s+(?:[A-Z][a-z]+\s){1,3}(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Way|Court|Ct|Place|Pl|Straße|Strasse)\b\.?/g },
  { kind: 'address', re: /\b[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}\b/g }, // UK postcode
];

export function scanPersonalData(text: string): GuardFinding[] {
  const found: GuardFinding[] = [];
  const seen = new Set<string>();
  for (const { kind, re } of RULES) {
    for (const m of text.matchAll(re)) {
      const match = m[0].trim();
      if (seen.has(match) || [...seen].some((s) => s.includes(match) || match.includes(s))) continue;
      // A phone rule also matches long digit runs; a card number is reported once as a card.
      if (kind === 'phone' && match.replace(/\D/g, '').length < 7) continue;
      seen.add(match);
      found.push({ kind, match });
    }
  }
  return found;
}

export const findingLabel: Record<GuardFinding['kind'], string> = {
  phone: 'phone number', email: 'email address', account: 'account or booking number', address: 'postal address', card: 'card number',
};

const NEGATIVE = /\b(unfortunately|can't|cannot|won't|not our (fault|problem)|calm down|as I said|obviously|policy is|you should have|no refund)\b/i;
/** The agent's own tone: a reply that reads as curt or negative asks for a second look. */
export function toneWarning(text: string): string | null {
  const m = NEGATIVE.exec(text);
  return m ? `“${m[0]}” may read as negative — have a second look before posting publicly.` : null;
}
