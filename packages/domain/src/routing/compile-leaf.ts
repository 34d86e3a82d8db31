import { EarshotError } from '../errors';
import type { LeafCondition, NumberField, NumberOp } from './condition.schema';
import { OP_NEGATED, OP_SYMBOL, fmtNumber, quote, quoteList } from './explain-format';
import type { RoutingFacts } from './facts';
import { MAX_REGEX_INPUT, checkRegexSafety } from './regex-guard';

/**
 * A condition compiled once per rule set. `test` is the hot path and allocates nothing;
 * `why`/`whyNot` build the human explanation and run only for rules that matched.
 */
export interface CompiledCondition {
  test(f: RoutingFacts): boolean;
  why(f: RoutingFacts): string;
  whyNot(f: RoutingFacts): string;
}

function compare(a: number, op: NumberOp, b: number): boolean {
  switch (op) {
    case 'gte':
      return a >= b;
    case 'gt':
      return a > b;
    case 'lte':
      return a <= b;
    case 'lt':
      return a < b;
    case 'eq':
      return a === b;
  }
}

const NUMBER_LABEL: Record<NumberField, string> = { urgency: 'urgency', author_followers: 'author reach', repeat_contacts: 'repeat contacts' };

function numberOf(f: RoutingFacts, field: NumberField): number | undefined {
  if (field === 'urgency') return f.triage.urgency;
  if (field === 'author_followers') return f.author.followers ?? undefined;
  return f.contact.repeatContacts;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** One regex for all keywords: whole words/phrases, case-insensitive, any script. */
export function keywordRegex(keywords: readonly string[]): RegExp {
  const alts = [...new Set(keywords.map((k) => k.toLowerCase()))]
    .sort((a, b) => b.length - a.length)
    .map((k) => escapeRegex(k).replace(/\s+/g, '\\s+'));
  return new RegExp(`(?<![\\p{L}\\p{N}_])(?:${alts.join('|')})(?![\\p{L}\\p{N}_])`, 'iu');
}

function regexInput(f: RoutingFacts): string {
  return f.text.length > MAX_REGEX_INPUT ? f.text.slice(0, MAX_REGEX_INPUT) : f.text;
}

type Attr = string | number | boolean | null | undefined;
const attrText = (v: Attr): string => (v === undefined || v === null ? 'unset' : quote(String(v)));

export function compileLeaf(c: LeafCondition, field: string): CompiledCondition {
  switch (c.type) {
    case 'channel': {
      const set = new Set<string>(c.in);
      return {
        test: (f) => set.has(f.channelKind),
        why: (f) => `channel is ${f.channelKind}`,
        whyNot: (f) => `channel ${f.channelKind} is not ${quoteList(c.in)}`,
      };
    }
    case 'visibility':
      return {
        test: (f) => f.visibility === c.is,
        why: () => `message is ${c.is}`,
        whyNot: (f) => `message is ${f.visibility}`,
      };
    case 'label': {
      const wanted = new Set(c.in.map((v) => v.toLowerCase()));
      const min = c.minConfidence ?? 0;
      const conf = min > 0 ? ` (confidence ${fmtNumber(min)} needed)` : '';
      return {
        test: (f) => {
          const l = f.triage[c.label];
          return l !== undefined && l.confidence >= min && wanted.has(l.value.toLowerCase());
        },
        why: (f) => {
          const l = f.triage[c.label];
          const extra = min > 0 && l ? ` (confidence ${fmtNumber(l.confidence)} ≥ ${fmtNumber(min)})` : '';
          return `${c.label} is ${l?.value ?? '?'}${extra}`;
        },
        whyNot: (f) => {
          const l = f.triage[c.label];
          if (!l) return `${c.label} is unknown`;
          if (!wanted.has(l.value.toLowerCase())) return `${c.label} is ${l.value}, not ${quoteList(c.in)}`;
          return `${c.label} ${l.value} has confidence ${fmtNumber(l.confidence)}${conf}`;
        },
      };
    }
    case 'needs_response': {
      const min = c.minConfidence ?? 0;
      return {
        test: (f) => {
          const n = f.triage.needsResponse;
          return n !== undefined && n.value === c.is && n.confidence >= min;
        },
        why: () => (c.is ? 'triage says it needs a response' : 'triage says no response is needed'),
        whyNot: (f) => {
          const n = f.triage.needsResponse;
          if (!n) return 'needs-response is unknown';
          if (n.value !== c.is) return n.value ? 'triage says it needs a response' : 'triage says no response is needed';
          return `needs-response confidence ${fmtNumber(n.confidence)} < ${fmtNumber(min)}`;
        },
      };
    }
    case 'number': {
      const label = NUMBER_LABEL[c.field];
      return {
        test: (f) => {
          const v = numberOf(f, c.field);
          return v !== undefined && compare(v, c.op, c.value);
        },
        why: (f) => `${label} ${fmtNumber(numberOf(f, c.field) ?? NaN)} ${OP_SYMBOL[c.op]} ${fmtNumber(c.value)}`,
        whyNot: (f) => {
          const v = numberOf(f, c.field);
          return v === undefined ? `${label} is unknown` : `${label} ${fmtNumber(v)} ${OP_NEGATED[c.op]} ${fmtNumber(c.value)}`;
        },
      };
    }
    case 'keywords': {
      const re = keywordRegex(c.any);
      return {
        test: (f) => re.test(f.text),
        why: (f) => `text contains ${quote((re.exec(f.text)?.[0] ?? '').toLowerCase())}`,
        whyNot: () => `text contains none of ${quoteList(c.any)}`,
      };
    }
    case 'regex': {
      const problem = checkRegexSafety(c.pattern, c.flags);
      if (problem) throw new EarshotError('EARSHOT_VALIDATION', `${field}.pattern: ${problem}`, { field: `${field}.pattern` });
      const re = new RegExp(c.pattern, c.flags.replace(/[gy]/g, ''));
      return {
        test: (f) => re.test(regexInput(f)),
        why: (f) => `text matches /${c.pattern}/ at ${quote(re.exec(regexInput(f))?.[0] ?? '')}`,
        whyNot: () => `text does not match /${c.pattern}/`,
      };
    }
    case 'contact_tag': {
      const wanted = c.any.map((t) => t.toLowerCase());
      const hit = (f: RoutingFacts): string | undefined => f.contact.tags.find((t) => wanted.includes(t.toLowerCase()));
      return {
        test: (f) => hit(f) !== undefined,
        why: (f) => `contact has tag ${quote(hit(f) ?? '')}`,
        whyNot: () => `contact has none of the tags ${quoteList(c.any)}`,
      };
    }
    case 'contact_attribute':
      return compileAttribute(c);
    case 'business_hours':
      return {
        test: (f) => f.insideBusinessHours === c.inside,
        why: () => (c.inside ? 'inside business hours' : 'outside business hours'),
        whyNot: (f) => (f.insideBusinessHours ? 'inside business hours' : 'outside business hours'),
      };
    case 'vip':
      return {
        test: (f) => f.contact.vip === c.is,
        why: () => (c.is ? 'contact is VIP' : 'contact is not VIP'),
        whyNot: () => (c.is ? 'contact is not VIP' : 'contact is VIP'),
      };
    case 'always':
      return { test: () => true, why: () => 'it applies to every message', whyNot: () => '' };
  }
}

function compileAttribute(c: Extract<LeafCondition, { type: 'contact_attribute' }>): CompiledCondition {
  const values = Array.isArray(c.value) ? c.value : c.value === undefined ? [] : [c.value];
  const first = values[0];
  const get = (f: RoutingFacts): Attr => f.contact.attributes[c.key];
  const name = `contact ${c.key}`;
  const test = (f: RoutingFacts): boolean => {
    const v = get(f);
    switch (c.op) {
      case 'exists':
        return v !== undefined && v !== null && v !== '';
      case 'eq':
        return v !== undefined && v === first;
      case 'neq':
        return v !== first;
      case 'in':
        return v !== undefined && v !== null && values.includes(v);
      case 'gte':
        return typeof v === 'number' && typeof first === 'number' && v >= first;
      case 'lte':
        return typeof v === 'number' && typeof first === 'number' && v <= first;
      case 'contains':
        return typeof v === 'string' && typeof first === 'string' && v.toLowerCase().includes(first.toLowerCase());
    }
  };
  const describe = (f: RoutingFacts, ok: boolean): string => {
    const v = get(f);
    switch (c.op) {
      case 'exists':
        return ok ? `${name} is set` : `${name} is not set`;
      case 'in':
        return ok ? `${name} is ${attrText(v)}` : `${name} ${attrText(v)} is not ${quoteList(values)}`;
      case 'contains':
        return `${name} ${attrText(v)} ${ok ? 'contains' : 'does not contain'} ${attrText(first)}`;
      default: {
        const sym = ok ? OP_SYMBOL[c.op === 'neq' ? 'eq' : c.op] : OP_NEGATED[c.op === 'neq' ? 'eq' : c.op];
        const shown = c.op === 'neq' ? (ok ? '≠' : '=') : sym;
        return `${name} ${attrText(v)} ${shown} ${attrText(first)}`;
      }
    }
  };
  return { test, why: (f) => describe(f, true), whyNot: (f) => describe(f, false) };
}
