import { EarshotError } from '@earshot/domain';
import type { ChannelLimits } from '../driver';
import type { LimitsStore } from '../shared/limits-store';
import { providerFetch, type FetchImpl } from '../shared/provider-http';

export type XBucket = 'tweets' | 'dm' | 'mentions';

export interface XCallDeps {
  fetchImpl: FetchImpl;
  limits: LimitsStore;
  now: () => Date;
}

export interface XCall {
  channelId: string;
  baseUrl: string;
  token: string;
  timeoutMs: number;
  method: 'GET' | 'POST';
  path: string;
  query?: Record<string, string | undefined>;
  body?: unknown;
  bucket: XBucket;
  maxTextLength: number;
}

/**
 * One X API call: refuses early while the last reported window is exhausted, records the
 * x-rate-limit-* headers, and maps failures: 429 → RATE_LIMITED (retryAt), 5xx → UNAVAILABLE,
 * other 4xx → REJECTED carrying X's problem body.
 */
export async function callX(call: XCall, deps: XCallDeps): Promise<unknown> {
  const known = deps.limits.get(call.channelId, call.bucket);
  if (known?.remaining === 0 && known.resetAt !== null && Date.parse(known.resetAt) > deps.now().getTime()) {
    throw new EarshotError('EARSHOT_PROVIDER_RATE_LIMITED', `X ${call.bucket} allowance used up until ${known.resetAt}`, {
      details: { provider: 'x', retryAt: known.resetAt, bucket: call.bucket, preflight: true },
    });
  }
  const url = new URL(call.path, call.baseUrl);
  for (const [k, v] of Object.entries(call.query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
  const res = await providerFetch(deps.fetchImpl, {
    url: url.toString(),
    method: call.method,
    headers: { authorization: `Bearer ${call.token}` },
    body: call.body,
    timeoutMs: call.timeoutMs,
    provider: 'X',
  });
  const limits = readRateLimit(res.headers, call.maxTextLength);
  if (limits) deps.limits.set(call.channelId, call.bucket, limits);

  if (res.status >= 200 && res.status < 300) return res.body;
  if (res.status === 429) {
    const retryAt = retryAtFrom(res.headers, deps.now());
    throw new EarshotError('EARSHOT_PROVIDER_RATE_LIMITED', `X rate limit reached for ${call.bucket}`, {
      details: { provider: 'x', retryAt, bucket: call.bucket, providerStatus: 429, providerError: res.body },
    });
  }
  if (res.status >= 500) {
    throw new EarshotError('EARSHOT_PROVIDER_UNAVAILABLE', `X answered ${res.status}`, {
      details: { provider: 'x', providerStatus: res.status, providerError: res.body },
    });
  }
  throw new EarshotError('EARSHOT_PROVIDER_REJECTED', `X refused the request: ${problemText(res.body) ?? res.status}`, {
    details: { provider: 'x', providerStatus: res.status, providerError: res.body },
  });
}

function readRateLimit(headers: Headers, maxTextLength: number): ChannelLimits | null {
  const limit = numberHeader(headers, 'x-rate-limit-limit');
  const remaining = numberHeader(headers, 'x-rate-limit-remaining');
  const reset = numberHeader(headers, 'x-rate-limit-reset');
  if (limit === null && remaining === null && reset === null) return null;
  return { limit, remaining, resetAt: reset === null ? null : new Date(reset * 1000).toISOString(), maxTextLength, unit: 'requests' };
}

/** The window reset, or the 24-hour cap reset when that is what ran out, or a minute from now. */
function retryAtFrom(headers: Headers, now: Date): string {
  const daily = numberHeader(headers, 'x-user-limit-24hour-remaining') === 0 ? numberHeader(headers, 'x-user-limit-24hour-reset') : null;
  const reset = daily ?? numberHeader(headers, 'x-rate-limit-reset');
  if (reset !== null && reset * 1000 > now.getTime()) return new Date(reset * 1000).toISOString();
  const retryAfter = numberHeader(headers, 'retry-after');
  return new Date(now.getTime() + (retryAfter ?? 60) * 1000).toISOString();
}

function numberHeader(headers: Headers, name: string): number | null {
  const raw = headers.get(name);
  if (raw === null || raw.trim() === '') return null;
  const n = Number(raw);
  return Number.isFinite(n) ? n : null;
}

function problemText(body: unknown): string | null {
  if (typeof body !== 'object' || body === null) return typeof body === 'string' && body ? body.slice(0, 200) : null;
  const b = body as { detail?: unknown; title?: unknown; errors?: unknown };
  if (typeof b.detail === 'string') return b.detail;
  if (typeof b.title === 'string') return b.title;
  return null;
}
