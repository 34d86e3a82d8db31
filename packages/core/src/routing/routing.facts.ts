import { z } from 'zod';
import { LabelFact, RoutingFacts, type ChannelKind } from '@earshot/domain';

const NeedsResponse = z.object({ value: z.boolean(), confidence: z.number().min(0).max(1) });
const Urgency = z.object({ score: z.number().min(0).max(100) });
const Scalar = z.union([z.string().max(1000), z.number(), z.boolean(), z.null()]);

/**
 * Triage labels as stored on the message (the triage package's result) → routing facts. Each
 * label is read on its own so one unexpected field never hides the others; a label the model did
 * not give (e.g. a null topic) is simply unknown, which no rule matches.
 */
export function triageFacts(raw: unknown): RoutingFacts['triage'] {
  const o = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const out: RoutingFacts['triage'] = {};
  for (const name of ['sentiment', 'topic', 'intent', 'language'] as const) {
    const l = LabelFact.safeParse(o[name]);
    if (l.success) out[name] = { value: l.data.value, confidence: l.data.confidence };
  }
  const n = NeedsResponse.safeParse(o.needsResponse);
  if (n.success) out.needsResponse = n.data;
  const u = Urgency.safeParse(o.urgency);
  if (u.success) out.urgency = u.data.score;
  else if (typeof o.urgency === 'number' && o.urgency >= 0 && o.urgency <= 100) out.urgency = o.urgency;
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

export function buildFacts(i: FactsInput): RoutingFacts {
  return RoutingFacts.parse({
    channelKind: i.channelKind, visibility: i.visibility, text: i.text, triage: triageFacts(i.triage),
    author: { followers: i.followers !== null && i.followers >= 0 ? Math.floor(i.followers) : null },
    contact: { tags: i.contact.tags, attributes: scalarAttributes(i.contact.attributes), vip: i.contact.vip, repeatContacts: i.repeatContacts },
    insideBusinessHours: i.insideBusinessHours,
  });
}
