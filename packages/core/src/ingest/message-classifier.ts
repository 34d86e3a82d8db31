/** What the ingest job needs from triage; the triage package provides the implementation. */
export interface ClassifyInput {
  brandId: string;
  text: string;
  authorFollowers: number | null;
  priorInboundCount: number;
  threadSize: number;
  isPublic: boolean;
}

export interface Classification {
  /** Stored as-is on the message and the conversation (labels with confidence and reasons). */
  labels: Record<string, unknown>;
  needsResponse: boolean;
  priority?: 'low' | 'normal' | 'high' | 'urgent';
}

export interface MessageClassifier {
  classify(input: ClassifyInput): Classification;
}
