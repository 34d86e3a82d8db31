// Tweet-aware tokenizer: mentions, URLs, hashtags, emoji, emoticons, numbers, words with
// apostrophes, elongated words ("soooo"), ALL-CAPS, and negation scope ("not very helpful").
import { normalizeText } from './normalize';
import { scan, type SpanKind } from './scan';

export type TokenKind = SpanKind;

export interface Token {
  /** Normalised form used for features: lower-case, elongation collapsed, `<url>`, `<user>` … */
  text: string;
  kind: TokenKind;
  /** The text as written (after entity decoding and artefact repair). */
  raw: string;
  /** Inside the scope of a negation ("not", "never", "n't" …) that started earlier in the clause. */
  negated: boolean;
  elongated: boolean;
  allCaps: boolean;
}

const NEGATORS = new Set([
  'not', 'no', 'never', 'nothing', 'nobody', 'none', 'nowhere', 'neither', 'nor', 'cannot', 'without',
  'cant', 'dont', 'wont', 'didnt', 'doesnt', 'isnt', 'wasnt', 'arent', 'werent', 'havent', 'hasnt',
  'hadnt', 'couldnt', 'shouldnt', 'wouldnt', 'aint',
]);

const ELONGATED = /(\p{L})\1{2,}/gu;
const EMOJI_VARIATION = /\uFE0F|\p{Emoji_Modifier}/gu;
const HAPPY = /^[:;=8][-o*']?[)\]dDpP3*]$|^<3$/;

export function isNegator(word: string): boolean {
  return NEGATORS.has(word) || (word.length > 3 && word.charCodeAt(word.length - 2) === 39 && word.endsWith("n't"));
}

function hasTriple(s: string): boolean {
  for (let i = 2; i < s.length; i++) if (s.charCodeAt(i) === s.charCodeAt(i - 1) && s.charCodeAt(i) === s.charCodeAt(i - 2)) return true;
  return false;
}

function classifyEmoticon(raw: string): string {
  return HAPPY.test(raw) ? '<smile>' : '<sad>';
}

/** Tokenizes raw tweet text (entities decoded and artefacts repaired here). */
export function tokenize(input: string): Token[] {
  const text = normalizeText(input);
  const tokens: Token[] = [];
  let negating = false;
  for (const span of scan(text)) {
    const raw = text.slice(span.start, span.end);
    const kind = span.kind;
    let norm: string;
    let elongated = false;
    let allCaps = false;
    switch (kind) {
      case 'url':
        norm = '<url>';
        break;
      case 'mention':
        norm = '<user>';
        break;
      case 'hashtag':
        norm = raw.toLowerCase();
        break;
      case 'emoticon':
        norm = classifyEmoticon(raw);
        break;
      case 'number':
        norm = '<num>';
        break;
      case 'word': {
        const lowered = raw.toLowerCase();
        const lower = lowered.includes('’') ? lowered.replace(/’/g, "'") : lowered;
        norm = hasTriple(lower) ? lower.replace(ELONGATED, '$1$1') : lower;
        elongated = norm !== lower;
        allCaps = raw.length >= 3 && raw !== lower && raw === raw.toUpperCase();
        break;
      }
      case 'emoji':
        norm = raw.replace(EMOJI_VARIATION, '');
        break;
      default:
        norm = raw.charCodeAt(0) === 33 || raw.charCodeAt(0) === 63 ? raw.slice(0, 3) : raw.slice(0, 1);
    }
    if (kind === 'punct') negating = false;
    tokens.push({ text: norm, kind, raw, negated: negating && kind === 'word', elongated, allCaps });
    if (kind === 'word' && isNegator(norm)) negating = true;
  }
  return tokens;
}
