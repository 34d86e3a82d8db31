import { EarshotError } from '@earshot/domain';
import { z } from 'zod';
import type { LimitsStore } from '../shared/limits-store';
import { providerFetch, type FetchImpl } from '../shared/provider-http';
import { readMetaUsage } from './meta.usage';

export interface GraphDeps {
  fetchImpl: FetchImpl;
  limits: LimitsStore;
  now: () => Date;
}

export interface GraphCall {
  channelId: string;
  baseUrl: string;
  version: string;
  token: string;
  timeoutMs: number;
  path: string;
  body: unknown;
  maxTextLength: number;
  rateLimitBackoffSeconds: number;
}

const GraphError = z.looseObject({
  error: z.looseObject({
    message: z.string().optional(),
    type: z.string().optional(),
    code: z.number().optional(),
    error_subcode: z.number().optional(),
    is_transient: z.boolean().optional(),
    fbtrace_id: z.string().optional(),
  }),
});

// Application (4), user (17), Page (32), per-endpoint (613) and business use case (80001–80014) throttling.
const RATE_LIMIT_CODES = new Set([4, 17, 32, 613]);
const isRateLimitCode = (code: number): boolean => RATE_LIMIT_CODES.has(code) || (code >= 80_001 && code <= 80_014);
// Sending outside the messaging window: a channel rule, not a malformed request.
const OUTSIDE_WINDOW_SUBCODE = 2_018_278;

/**
 * POST to the Graph API with the Page token in the Authorization header (never in the URL, which
 * ends up in logs). Records usage headers and maps Graph error bodies to Earshot error codes.
 */
export async function postGraph(call: GraphCall, deps: GraphDeps): Promise<unknown> {
  const known = deps.limits.get(call.channelId, 'graph');
  if (known?.remaining === 0 && known.resetAt !== null && Date.parse(known.resetAt) > deps.now().getTime()) {
    throw new EarshotError('EARSHOT_PROVIDER_RATE_LIMITED', `Meta allowance used up until ${known.resetAt}`, {
      details: { provider: 'meta', retryAt: known.resetAt, preflight: true },
    });
  }
  const res = await providerFetch(deps.fetchImpl, {
    url: new URL(`/${call.version}/${call.path}`, call.baseUrl).toString(),
    method: 'POST',
    headers: { authorization: `Bearer ${call.token}` },
    body: call.body,
    timeoutMs: call.timeoutMs,
    provider: 'Meta Graph',
  });
  const usage = readMetaUsage(res.headers, deps.now(), call.maxTextLength);
  if (usage) deps.limits.set(call.channelId, 'graph', usage);
  if (res.status >= 200 && res.status < 300) return res.body;

  const parsed = GraphError.safeParse(res.body);
  const err = parsed.success ? parsed.data.error : null;
  const details = { provider: 'meta', providerStatus: res.status, providerError: res.body };
  const code = err?.code ?? -1;
  if (isRateLimitCode(code) || res.status === 429) {
    const waitMs = usage?.resetAt ? Date.parse(usage.resetAt) - deps.now().getTime() : call.rateLimitBackoffSeconds * 1000;
    const retryAt = new Date(deps.now().getTime() + waitMs).toISOString();
    deps.limits.set(call.channelId, 'graph', { limit: 100, remaining: 0, resetAt: retryAt, maxTextLength: call.maxTextLength, unit: 'percent' });
    throw new EarshotError('EARSHOT_PROVIDER_RATE_LIMITED', `Meta rate limit (code ${code})`, { details: { ...details, retryAt } });
  }
  if (res.status >= 500 || err?.is_transient === true || code === 1 || code === 2) {
    throw new EarshotError('EARSHOT_PROVIDER_UNAVAILABLE', `Meta Graph answered ${res.status}: ${err?.message ?? 'no error body'}`, { details });
  }
  if (err?.error_subcode === OUTSIDE_WINDOW_SUBCODE) {
    throw new EarshotError('EARSHOT_CHANNEL_RULE', `Meta refused: outside the messaging window (${err.message ?? ''})`, { details });
  }
  throw new EarshotError('EARSHOT_PROVIDER_REJECTED', `Meta refused the request: ${err?.message ?? res.status}`, { details });
}
