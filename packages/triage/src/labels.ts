// Gold labels derived from a labelled row. needs_response is not annotated in the airline data;
// this is the documented derivation (README, "needs_response").
import type { LabelledRow } from './types';

/** Reasons that do not name a problem an agent could act on. */
const NON_ACTIONABLE_REASONS = new Set(["can't tell", 'cant tell']);

const URL = /https?:\/\/\S+/g;

export function hasQuestion(text: string): boolean {
  return text.replace(URL, '').includes('?');
}

/**
 * A message needs a response when annotators marked it negative with a concrete reason
 * (anything but "Can't Tell"), or when it is a neutral message that asks a question.
 * An explicit `needsResponse` (an agent's correction) wins.
 */
export function needsResponseLabel(row: LabelledRow): boolean {
  if (typeof row.needsResponse === 'boolean') return row.needsResponse;
  if (row.sentiment === 'negative') return !NON_ACTIONABLE_REASONS.has((row.reason ?? '').trim().toLowerCase());
  if (row.sentiment === 'neutral') return hasQuestion(row.text);
  return false;
}

export function reasonOf(row: LabelledRow): string | null {
  const r = (row.reason ?? '').trim();
  return r.length > 0 ? r : null;
}
