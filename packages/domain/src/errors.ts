/**
 * Every error a user can cause has a code. HTTP status is mapped from the code in one place
 * (apps/server/src/http/errors.ts); services never think in HTTP.
 */
export const ErrorCodes = {
  EARSHOT_VALIDATION: 400,
  EARSHOT_MALFORMED_JSON: 400,
  EARSHOT_UNSUPPORTED_MEDIA_TYPE: 415,
  EARSHOT_BODY_TOO_LARGE: 413,
  EARSHOT_UNAUTHENTICATED: 401,
  EARSHOT_BAD_CREDENTIALS: 401,
  EARSHOT_SESSION_EXPIRED: 401,
  EARSHOT_CSRF: 403,
  EARSHOT_FORBIDDEN: 403,
  EARSHOT_SIGNATURE_INVALID: 401,
  EARSHOT_NOT_FOUND: 404,
  EARSHOT_CONVERSATION_NOT_FOUND: 404,
  EARSHOT_CONTACT_NOT_FOUND: 404,
  EARSHOT_CHANNEL_NOT_FOUND: 404,
  EARSHOT_USER_NOT_FOUND: 404,
  EARSHOT_TEAM_NOT_FOUND: 404,
  EARSHOT_MESSAGE_NOT_FOUND: 404,
  EARSHOT_INCIDENT_NOT_FOUND: 404,
  EARSHOT_WEBHOOK_NOT_FOUND: 404,
  EARSHOT_WEBHOOK_URL_REFUSED: 400,
  EARSHOT_SURVEY_NOT_FOUND: 404,
  EARSHOT_SURVEY_EXPIRED: 410,
  EARSHOT_TASK_NOT_FOUND: 404,
  EARSHOT_CONFLICT: 409,
  EARSHOT_INVALID_STATE: 409,
  EARSHOT_RATE_LIMITED: 429,
  EARSHOT_PROVIDER_RATE_LIMITED: 503,
  EARSHOT_PROVIDER_UNAVAILABLE: 503,
  EARSHOT_PROVIDER_REJECTED: 502,
  EARSHOT_DATABASE_UNAVAILABLE: 503,
  EARSHOT_CHANNEL_RULE: 422,
  EARSHOT_PERSONAL_DATA: 422,
  EARSHOT_ANALYTICS_RANGE: 400,
  EARSHOT_CONFIG: 500,
  EARSHOT_INTERNAL: 500,
} as const;

export type ErrorCode = keyof typeof ErrorCodes;

export class EarshotError extends Error {
  readonly code: ErrorCode;
  /** The request field at fault, when there is one (e.g. "body.text"). */
  readonly field: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, opts: { field?: string; details?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'EarshotError';
    this.code = code;
    this.field = opts.field;
    this.details = opts.details;
  }

  get status(): number {
    return ErrorCodes[this.code];
  }
}

export function isEarshotError(e: unknown): e is EarshotError {
  return e instanceof EarshotError;
}
