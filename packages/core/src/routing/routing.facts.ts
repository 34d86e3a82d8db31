import { z } from 'zod';
import type { ChannelKind, LabelFact, RoutingFacts } from '@earshot/domain';

const Scalar = z.union([z.string().max(1000), z.number(), z.boolean(), z.null()]);

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const isConfidence = (v: unknown): v is number => typeof v === 'number' && v >= 0 && v <= 1;

/** A label as `LabelFact` describes it (checked by hand: this runs for every inbound message). */
function labelOf(v: unknown): LabelFact | undefined {
  if (!isObject(v) || typeof v.value !== 'string' || v.value.length > 100 || !isConfidence(v.confidence)) return undefined;
  return { value: v.value, confidence: v.confidence };
}

/**
 * Triage labels as stored on the message (the triage package's result) → routing facts. Each
 * label is read on its own so one unexpected field never hides the others; a label the model did
 * not give (e.g. a null topic) is simply unknown, which no rule matches.
 */
export function triageFacts(raw: unknown): RoutingFacts['triage'] {
  const o = isObject(raw) ? raw : {};
  const out: RoutingFacts['triage'] = {};
  for (const name of ['sentiment', 'topic', 'intent', 'language'] as const) {
    const l = labelOf(o[name]);
    if (l) out[name] = l;
  }
  const n = o.needsResponse;
  if (isObject(n) && typeof n.value === 'boolean' && isConfidence(n.confidence)) out.needsResponse = { value: n.value, confidence: n.confidence };
  const u = isObject(o.urgency) ? o.urgency.score : o.urgency;
  if (typeof u === 'number' && u >= 0 && u <= 100) out.urgency = u;
  return out;
}

/** Contact attributes rules can compare: scalars only (nested values are left out). */
export function scalarAttributes(attrs: Record<string, unknown> | null | undefined): Record<string, string | number | boolean | null> {
  const out: Record<string, string | number | boolean | null> = {};
  for (const [k, v] of Object.entries(attrs ?? {})) {
    const s = Scalar.safeParse(v);
    if (s.success) out[k] = s.data;
  }
  return out;
}

export interface FactsInput {
  channelKind: ChannelKind;
  visibility: 'public' | 'private';
  text: string;
  triage: unknown;
  followers: number | null;
  contact: { tags: string[]; attributes: Record<string, unknown>; vip: boolean };
  repeatContacts: number;
  insideBusinessHours: boolean;
}

/**
 * The facts of one inbound message. Every part is typed or checked on the way in (triage labels and
 * contact attributes above), so the object is built as `RoutingFacts` without a schema pass per
 * message; `routing.facts.test.ts` checks it against the schema.
 */
export function buildFacts(i: FactsInput): RoutingFacts {
  return {
    channelKind: i.channelKind, visibility: i.visibility, text: i.text, triage: triageFacts(i.triage),
    author: { followers: i.followers !== null && i.followers >= 0 ? Math.floor(i.followers) : null },
    contact: { tags: i.contact.tags, attributes: scalarAttributes(i.contact.attributes), vip: i.contact.vip, repeatContacts: Math.max(0, Math.floor(i.repeatContacts)) },
    insideBusinessHours: i.insideBusinessHours,
  };
}
