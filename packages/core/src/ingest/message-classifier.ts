/** What the ingest job needs from triage; the triage package provides the implementation. */
export interface ClassifyInput {
  brandId: string;
  text: string;
  authorFollowers: number | null;
  priorInboundCount: number;
  threadSize: number;
  isPublic: boolean;
  /** The brand's promoted model, when it has one (else the classifier's default model). */
  model?: BrandModelRef | null;
}

/**
 * A brand's promoted model, looked up on every classification so a promotion or rollback in any
 * process takes effect on the next message. `load` fetches the artefact only when the classifier
 * has not cached this id yet.
 */
export interface BrandModelRef {
  id: string;
  version: string;
  load: () => Promise<unknown>;
}

export interface Classification {
  /** Stored as-is on the message and the conversation (labels with confidence and reasons). */
  labels: Record<string, unknown>;
  needsResponse: boolean;
  priority?: 'low' | 'normal' | 'high' | 'urgent';
}

export interface MessageClassifier {
  classify(input: ClassifyInput): Classification | Promise<Classification>;
}
