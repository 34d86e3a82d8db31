import { EarshotError } from '@earshot/domain';

export interface ConditionalGet {
  url: string;
  etag: string | null;
  lastModified: string | null;
  authorization: string | null;
  timeoutMs: number;
  maxBytes: number;
  now: Date;
}

export type FeedResponse =
  | { status: 'not-modified' }
  | { status: 'ok'; body: string; contentType: string | null; etag: string | null; lastModified: string | null };

const ACCEPT = 'application/feed+json, application/atom+xml, application/rss+xml, application/rdf+xml;q=0.9, application/xml;q=0.8, text/xml;q=0.8, */*;q=0.5';

/**
 * GET the feed with If-None-Match / If-Modified-Since (RFC 9110 §13.1), so an unchanged feed costs the
 * site a 304 and us nothing. 429 → EARSHOT_PROVIDER_RATE_LIMITED with retryAt; 5xx, 408 and network
 * failures → EARSHOT_PROVIDER_UNAVAILABLE; any other refusal → EARSHOT_PROVIDER_REJECTED.
 */
export async function conditionalGet(req: ConditionalGet): Promise<FeedResponse> {
  const headers: Record<string, string> = { accept: ACCEPT, 'user-agent': 'Earshot feed poller' };
  if (req.etag !== null) headers['if-none-match'] = req.etag;
  if (req.lastModified !== null) headers['if-modified-since'] = req.lastModified;
  if (req.authorization !== null) headers.authorization = req.authorization;
  let res: Response;
  try {
    res = await fetch(req.url, { headers, redirect: 'follow', signal: AbortSignal.timeout(req.timeoutMs) });
  } catch (err) {
    const reason = err instanceof Error && err.cause instanceof Error ? err.cause.message : err instanceof Error ? err.message : 'network error';
    throw new EarshotError('EARSHOT_PROVIDER_UNAVAILABLE', `Feed unreachable: ${reason}`, { details: { provider: 'feed' } });
  }
  if (res.status === 304) {
    await res.body?.cancel();
    return { status: 'not-modified' };
  }
  if (!res.ok) throw await httpError(res, req.now);
  return {
    status: 'ok',
    body: await readCapped(res, req.maxBytes),
    contentType: res.headers.get('content-type'),
    etag: res.headers.get('etag'),
    lastModified: res.headers.get('last-modified'),
  };
}

async function httpError(res: Response, now: Date): Promise<EarshotError> {
  await res.body?.cancel();
  const details = { provider: 'feed', providerStatus: res.status };
  if (res.status === 429) {
    const retryAt = retryAfter(res.headers.get('retry-after'), now);
    return new EarshotError('EARSHOT_PROVIDER_RATE_LIMITED', 'Feed server asks us to slow down (429)', { details: { ...details, retryAt } });
  }
  if (res.status >= 500 || res.status === 408) {
    return new EarshotError('EARSHOT_PROVIDER_UNAVAILABLE', `Feed server error (${res.status})`, { details });
  }
  return new EarshotError('EARSHOT_PROVIDER_REJECTED', `Feed server refused the request (${res.status})`, { details });
}

/** Retry-After is seconds or an HTTP date; without one, wait a minute. */
function retryAfter(value: string | null, now: Date): string {
  const seconds = value !== null && /^\d+$/.test(value.trim()) ? Number(value.trim()) : null;
  if (seconds !== null) return new Date(now.getTime() + seconds * 1000).toISOString();
  const date = value === null ? NaN : Date.parse(value);
  return new Date(Number.isNaN(date) ? now.getTime() + 60_000 : date).toISOString();
}

async function readCapped(res: Response, maxBytes: number): Promise<string> {
  const charset = /charset=([^;]+)/i.exec(res.headers.get('content-type') ?? '')?.[1]?.trim().replace(/"/g, '') ?? 'utf-8';
  const reader = res.body?.getReader();
  if (reader === undefined) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new EarshotError('EARSHOT_PROVIDER_REJECTED', `Feed is larger than ${maxBytes} bytes`, { details: { provider: 'feed' } });
    }
    chunks.push(value);
  }
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(charset);
  } catch {
    decoder = new TextDecoder('utf-8');
  }
  return decoder.decode(Buffer.concat(chunks));
}
