import { z } from 'zod';
import type { Core } from '@earshot/core';
import type { Metrics } from '../http/metrics';

export interface RouteDeps {
  core: Core;
  metrics: Metrics;
  cookieSecure: boolean;
  loginRateLimit: number;
}

export const ErrorResponse = z.object({
  error: z.object({ code: z.string(), message: z.string(), field: z.string().optional(), details: z.record(z.string(), z.unknown()).optional() }),
});

/** Error responses every authenticated route can give; listed so the OpenAPI document is honest. */
export const authErrors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse } as const;

export const IdParams = z.strictObject({ id: z.uuid('must be a UUID') });
export const Ok = z.object({ ok: z.literal(true) });
