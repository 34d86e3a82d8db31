import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { ErrorCodes, isEarshotError, type ErrorCode } from '@earshot/domain';
import { isDatabaseUnavailable } from '@earshot/db';

export interface ErrorBody { error: { code: ErrorCode; message: string; field?: string | undefined; details?: Record<string, unknown> | undefined } }

function body(code: ErrorCode, message: string, field?: string, details?: Record<string, unknown>): ErrorBody {
  return { error: { code, message, ...(field ? { field } : {}), ...(details ? { details } : {}) } };
}

// Fastify's own error codes for bad requests, mapped to ours.
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'EARSHOT_UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_BODY_TOO_LARGE: 'EARSHOT_BODY_TOO_LARGE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'EARSHOT_MALFORMED_JSON',
  FST_ERR_CTP_INVALID_JSON_BODY: 'EARSHOT_MALFORMED_JSON',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'EARSHOT_VALIDATION',
  FST_ERR_VALIDATION: 'EARSHOT_VALIDATION',
  FST_ERR_BAD_URL: 'EARSHOT_VALIDATION',
  FST_ERR_ASYNC_CONSTRAINT: 'EARSHOT_VALIDATION',
};

/** PostgreSQL's "character not in repertoire" and "untranslatable character" (NUL in text or jsonb). */
function isUnstorableText(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === '22021' || code === '22P05';
}

/**
 * A unique index refused a row two concurrent requests both checked was free (two admins creating
 * a brand's one community channel at once, say): the later one is a conflict, not a server fault.
 */
function isUniqueRace(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === '23505';
}

/** The one place where errors become HTTP: every failure a client can cause is a 4xx with a code. */
export function errorHandler(err: FastifyError, req: FastifyRequest, reply: FastifyReply): void {
  if (isEarshotError(err)) {
    if (err.code === 'EARSHOT_RATE_LIMITED' && typeof err.details?.retryAfterS === 'number') reply.header('retry-after', String(err.details.retryAfterS));
    void reply.status(err.status).send(body(err.code, err.message, err.field, err.details));
    return;
  }
  if (hasZodFastifySchemaValidationErrors(err)) {
    const first = err.validation[0];
    const path = first?.instancePath.replace(/^\//, '').replace(/\//g, '.') ?? '';
    const where = err.validationContext ?? 'body';
    const field = path ? `${where}.${path}` : where;
    void reply.status(400).send(body('EARSHOT_VALIDATION', first ? `${field}: ${first.message}` : 'invalid request', field));
    return;
  }
  if (isResponseSerializationError(err)) {
    req.log.error({ err }, 'response did not match its schema');
    void reply.status(500).send(body('EARSHOT_INTERNAL', 'internal error'));
    return;
  }
  const mapped = err.code ? FASTIFY_CODES[err.code] : undefined;
  if (mapped) {
    void reply.status(ErrorCodes[mapped]).send(body(mapped, err.message));
    return;
  }
  if (err.statusCode === 429) {
    void reply.status(429).send(body('EARSHOT_RATE_LIMITED', 'too many requests; slow down'));
    return;
  }
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
    void reply.status(err.statusCode).send(body('EARSHOT_VALIDATION', err.message));
    return;
  }
  // Text the database cannot store (a NUL byte or an invalid sequence that got past the parsers): the client's input.
  if (isUnstorableText(err)) {
    void reply.status(400).send(body('EARSHOT_VALIDATION', 'the request contains characters that cannot be stored'));
    return;
  }
  if (isUniqueRace(err)) {
    req.log.warn({ constraint: (err as { constraint?: string }).constraint }, 'unique violation from a concurrent request');
    void reply.status(409).send(body('EARSHOT_CONFLICT', 'a concurrent request made the same change first; load the current state and try again'));
    return;
  }
  // The database is down or restarting: the request was not acknowledged, so the client (a provider) retries.
  if (isDatabaseUnavailable(err)) {
    req.log.warn({ reason: err.message }, 'database unavailable');
    void reply.status(503).header('retry-after', '1').send(body('EARSHOT_DATABASE_UNAVAILABLE', 'the database is unavailable; try again shortly'));
    return;
  }
  req.log.error({ err }, 'unhandled error');
  void reply.status(500).send(body('EARSHOT_INTERNAL', 'internal error'));
}

export function notFoundHandler(req: FastifyRequest, reply: FastifyReply): void {
  void reply.status(404).send(body('EARSHOT_NOT_FOUND', `no route for ${req.method} ${req.url.split('?')[0]}`));
}
