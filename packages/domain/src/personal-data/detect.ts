import { ibanValid, looksLikeCardNumber } from './checksums';

// The pre-send guard: personal data in a public reply is flagged before it is posted for everyone
// to read. A finding costs the agent one click, so it must be worth it: a value is always required
// (a keyword alone, "send us a DM with your order number", is no finding), cards pass Luhn and an
// issuer's range, IBANs their mod-97 check. Measured on a labelled set of replies
// (packages/domain/test/fixtures/personal-data/; numbers in docs/benchmarks.md).

export type PersonalDataKind = 'email' | 'phone' | 'card' | 'iban' | 'account' | 'address';
export interface PersonalDataFinding { kind: PersonalDataKind; match: string; index: number }

export const PERSONAL_DATA_LABELS: Record<PersonalDataKind, string> = {
  email: 'email address', phone: 'phone number', card: 'card number', iban: 'bank account (IBAN)',
  account: 'account, order or booking number', address: 'postal address',
};

interface Span { kind: PersonalDataKind; start: number; end: number }

const EMAIL = /[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}/gi;
/** A team's own mailboxes are where customers are sent, not anybody's personal data. */
const ROLE_MAILBOX = /^(?:support|help|helpdesk|care|customer[._-]?(?:care|service|support)|service|info|hello|contact|team|press|media|privacy|dpo|gdpr|no-?reply|feedback|complaints|social|webcare)@/i;

const IBAN = /\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?\b/g;
const CARD = /\b\d(?:[ -]?\d){11,18}\b/g;

// An identifier only counts after the word that says what it is, with at most a few linking words
// in between ("booking reference: X7K9LM", "account is 12345678", "order #4471").
const ID_KEYWORD = String.raw`(?:account|acct|a\/c|order|booking|reservation|confirmation|conf|ticket|policy|membership|member|customer|loyalty|frequent[- ]flyer|reference|ref|pnr|tracking|parcel|shipment|consignment|invoice|claim|iban|sort[- ]code)`;
const LINK = String.raw`(?:no\.?|nr\.?|num(?:ber)?|number|#|id|ref(?:erence)?|code|is|was|=|:|-|–)`;
const ID_VALUE = String.raw`#?([A-Za-z0-9][A-Za-z0-9/-]{2,29}[A-Za-z0-9])`;
const ACCOUNT = new RegExp(String.raw`\b${ID_KEYWORD}(?![A-Za-z])(?:\s*${LINK}){0,3}\s*${ID_VALUE}`, 'gi');
/** Booking codes (PNRs) are six letters, often without a digit: only right after a booking word. */
const PNR_KEYWORD = /\b(?:booking|reservation|confirmation|pnr)(?:\s*(?:no\.?|number|code|ref(?:erence)?|is|:|#))*\s*$/i;

// After a country code, a group may be one digit (+33 1 42 68 53 00).
const PHONE = /(?:\+\d{1,3}[\s.-]?(?:\(\d{1,4}\)[\s.-]?)?\d{1,5}|(?:\(\d{1,4}\)[\s.-]?)?\d{2,5})(?:[\s.-]\d{2,6}){1,4}\b|\+\d{8,15}\b/g;
const PHONE_WORD = /\b(?:call|phone|mobile|cell|tel|telephone|text|sms|whatsapp|ring|reach|number)\b[^.\n]{0,20}$/i;
const BARE_DIGITS = /\b\d{9,13}\b/g;
const TOLL_FREE = /^(?:1?8(?:00|33|44|55|66|77|88)\d{7}|0800\d{6,7}|0808\d{6,7}|0500\d{6})$/;
const DATE_LIKE = /^(?:\d{4}[.-]\d{1,2}[.-]\d{1,2}|\d{1,2}[.-]\d{1,2}[.-]\d{2,4})$/;

const STREET = /\b\d{1,5}[a-z]?\s+(?:[A-Z][a-z]+\s){1,3}(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Way|Court|Ct|Place|Pl|Terrace|Crescent|Close|Straße|Strasse|Weg|Laan|Rue)\b\.?/g;
const UK_POSTCODE = /\b(?:[A-Z]{1,2}\d[A-Z\d]?|GIR) ?\d[A-Z]{2}\b/g;

function digitsOf(s: string): string { return s.replace(/\D/g, ''); }

function candidates(text: string): Span[] {
  const out: Span[] = [];
  const add = (kind: PersonalDataKind, start: number, end: number) => out.push({ kind, start, end });
  for (const m of text.matchAll(EMAIL)) if (!ROLE_MAILBOX.test(m[0])) add('email', m.index, m.index + m[0].length);
  for (const m of text.matchAll(IBAN)) if (ibanValid(m[0])) add('iban', m.index, m.index + m[0].length);
  for (const m of text.matchAll(CARD)) if (looksLikeCardNumber(digitsOf(m[0]))) add('card', m.index, m.index + m[0].length);
  for (const m of text.matchAll(ACCOUNT)) {
    const value = m[1] ?? '';
    const start = m.index + m[0].length - value.length;
    if (/\d/.test(value) && digitsOf(value).length >= 3) add('account', start, start + value.length);
  }
  // A booking code of six capitals (no digit needed), right after its keyword.
  for (const m of text.matchAll(/\b[A-Z0-9]{6}\b/g)) {
    if (/[A-Z]/.test(m[0]) && PNR_KEYWORD.test(text.slice(Math.max(0, m.index - 40), m.index))) add('account', m.index, m.index + 6);
  }
  for (const m of text.matchAll(PHONE)) {
    const d = digitsOf(m[0]);
    if (d.length < 7 || d.length > 15 || TOLL_FREE.test(d) || DATE_LIKE.test(m[0])) continue;
    // Plain spaced digit groups ("flight 2490 at 0930") are a phone number only with a + or (area), or 9+ digits.
    if (!/^[+(]/.test(m[0]) && d.length < 9 && !PHONE_WORD.test(text.slice(Math.max(0, m.index - 30), m.index))) continue;
    add('phone', m.index, m.index + m[0].length);
  }
  for (const m of text.matchAll(BARE_DIGITS)) {
    if (!TOLL_FREE.test(m[0]) && PHONE_WORD.test(text.slice(Math.max(0, m.index - 30), m.index))) add('phone', m.index, m.index + m[0].length);
  }
  for (const m of text.matchAll(STREET)) add('address', m.index, m.index + m[0].trimEnd().length);
  for (const m of text.matchAll(UK_POSTCODE)) add('address', m.index, m.index + m[0].length);
  return out;
}

/** Kinds in the order they claim a stretch of text: an IBAN is not also a card, an order id not also a phone. */
const PRECEDENCE: PersonalDataKind[] = ['email', 'iban', 'card', 'account', 'phone', 'address'];

/** Personal data in a reply, each stretch of text reported once under its most specific kind, in text order. */
export function scanPersonalData(text: string): PersonalDataFinding[] {
  const spans = candidates(text).sort((a, b) => PRECEDENCE.indexOf(a.kind) - PRECEDENCE.indexOf(b.kind) || a.start - b.start || b.end - a.end);
  const kept: Span[] = [];
  for (const s of spans) if (!kept.some((k) => s.start < k.end && k.start < s.end)) kept.push(s);
  return kept.sort((a, b) => a.start - b.start).map((s) => ({ kind: s.kind, match: text.slice(s.start, s.end), index: s.start }));
}
