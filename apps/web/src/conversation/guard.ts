// Pre-send guard: the personal-data detector is a pure rule of packages/domain (measured there on a
// labelled set of replies); the tone check below is the desk's own nudge.
export { PERSONAL_DATA_LABELS as findingLabel, scanPersonalData, type PersonalDataFinding as GuardFinding } from '@earshot/domain/personal-data';

const NEGATIVE = /\b(unfortunately|can't|cannot|won't|not our (fault|problem)|calm down|as I said|obviously|policy is|you should have|no refund)\b/i;
/** The agent's own tone: a reply that reads as curt or negative asks for a second look. */
export function toneWarning(text: string): string | null {
  const m = NEGATIVE.exec(text);
  return m ? `“${m[0]}” may read as negative — have a second look before posting publicly.` : null;
}
