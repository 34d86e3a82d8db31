import { EarshotError } from '@earshot/domain';

export type FetchImpl = typeof fetch;

export interface ProviderRequest {
  url: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: unknown;
  timeoutMs: number;
  /** Provider name for error messages, e.g. "X" or "Meta Graph". */
  provider: string;
}

export interface ProviderResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON when the body is JSON, otherwise the text. */
  body: unknown;
}

/**
 * One HTTP call to a provider. Connection failures and timeouts become EARSHOT_PROVIDER_UNAVAILABLE;
 * status codes are left to the caller, which knows the provider's error shapes.
 */
export async function providerFetch(fetchImpl: FetchImpl, req: ProviderRequest): Promise<ProviderResponse> {
  let res: Response;
  try {
    res = await fetchImpl(req.url, {
      method: req.method,
      headers: req.body === undefined ? req.headers : { 'content-type': 'application/json', ...req.headers },
      body: req.body === undefined ? undefined : JSON.stringify(req.body),
      signal: AbortSignal.timeout(req.timeoutMs),
    });
  } catch (cause) {
    const timedOut = cause instanceof Error && cause.name === 'TimeoutError';
    throw new EarshotError('EARSHOT_PROVIDER_UNAVAILABLE', `${req.provider} could not be reached${timedOut ? ' (timeout)' : ''}`, {
      cause,
      details: { provider: req.provider, reason: timedOut ? 'timeout' : 'connection' },
    });
  }
  const text = await res.text().catch(() => '');
  return { status: res.status, headers: res.headers, body: parseBody(text) };
}

function parseBody(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
