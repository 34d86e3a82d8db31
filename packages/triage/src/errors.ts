// Errors the triage package throws; callers map them to their own codes (EARSHOT_*).
export class TriageModelError extends Error {
  readonly code = 'EARSHOT_TRIAGE_MODEL_INVALID';
  constructor(message: string) {
    super(`invalid triage model: ${message}`);
    this.name = 'TriageModelError';
  }
}
