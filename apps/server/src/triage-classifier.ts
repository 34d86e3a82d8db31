import type { MessageClassifier } from '@earshot/core';

/** The triage model joins the pipeline when the triage package is present; until then, no labels. */
export async function loadClassifier(): Promise<MessageClassifier | null> {
  return null;
}
