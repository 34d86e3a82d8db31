import { lookup as dnsLookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { EarshotError } from '@earshot/domain';

/**
 * Requests Earshot makes to URLs its users typed (webhook subscriptions, the CRM hook) must not
 * reach the machine itself or the private network behind it (SSRF). The host is resolved first,
 * every address checked, and the request is pinned to the checked address, so a DNS answer that
 * changes between the check and the connection (rebinding) cannot redirect it.
 */
export interface OutboundPolicy {
  /** Allow loopback, private, link-local and unique-local targets, and plain http (EARSHOT_WEBHOOK_ALLOW_PRIVATE=1; tests, local receivers). */
  allowPrivate: boolean;
}

export interface ResolvedTarget { url: URL; address: string; family: 4 | 6 }

/** Whether an address is a public unicast one (IPv4-mapped IPv6 is judged as the IPv4 it carries). */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  // Only globally routable unicast: loopback, private, link-local, unique-local, CGNAT, multicast, 6to4/Teredo/NAT64 … are refused.
  return ipaddr.process(address).range() === 'unicast';
}

function refused(message: string, field: string): EarshotError {
  return new EarshotError('EARSHOT_WEBHOOK_URL_REFUSED', message, { field });
}

export interface TargetRules {
  /** Refuse plain http unless the policy allows private targets (webhooks: yes; the CRM hook keeps allowing http). Default true. */
  httpsOnly?: boolean;
}

/** Parses a target URL: http(s) only, https unless the policy allows private targets, no credentials in it. */
export function parseTargetUrl(raw: string, policy: OutboundPolicy, field = 'body.url', rules: TargetRules = {}): URL {
  let u: URL;
  try { u = new URL(raw); } catch { throw new EarshotError('EARSHOT_VALIDATION', 'not a URL', { field }); }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new EarshotError('EARSHOT_VALIDATION', 'the URL must be https', { field });
  if (u.protocol === 'http:' && !policy.allowPrivate && (rules.httpsOnly ?? true)) throw refused('the URL must be https (plain http only when EARSHOT_WEBHOOK_ALLOW_PRIVATE=1)', field);
  if (u.username || u.password) throw new EarshotError('EARSHOT_VALIDATION', 'put credentials in the signing secret, not the URL', { field });
  if (!u.hostname) throw new EarshotError('EARSHOT_VALIDATION', 'the URL has no host', { field });
  u.hash = '';
  return u;
}

/** Resolves the URL's host and checks every address it has; the first one is the address to connect to. */
export async function resolveTarget(raw: string, policy: OutboundPolicy, field = 'body.url', rules: TargetRules = {}): Promise<ResolvedTarget> {
  const url = parseTargetUrl(raw, policy, field, rules);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  let addresses: { address: string; family: number }[];
  if (ipaddr.isValid(host)) {
    addresses = [{ address: host, family: ipaddr.parse(host).kind() === 'ipv6' ? 6 : 4 }];
  } else {
    try {
      addresses = await dnsLookup(host, { all: true, verbatim: true });
    } catch {
      throw refused(`the host ${host} cannot be resolved`, field);
    }
  }
  const first = addresses[0];
  if (!first) throw refused(`the host ${host} cannot be resolved`, field);
  if (!policy.allowPrivate) {
    // One private address among public ones is enough to refuse: the resolver may hand out any of them.
    const bad = addresses.find((a) => !isPublicAddress(a.address));
    if (bad) throw refused(`the URL resolves to ${bad.address}, a loopback, private or link-local address`, field);
  }
  return { url, address: first.address, family: first.family === 6 ? 6 : 4 };
}

export interface PostResult {
  /** null when no HTTP answer came (refused, timeout, DNS). */
  status: number | null;
  durationMs: number;
  error: string | null;
  /** The start of the answer's body (for the delivery log), at most `excerptBytes`. */
  excerpt: string;
}

export interface PostOptions {
  policy: OutboundPolicy;
  timeoutMs: number;
  /** Bytes of the answer read at most; the connection is closed after that. */
  maxResponseBytes: number;
  excerptBytes?: number;
  /** Ends the request early (a worker stopping); counts as a failure. */
  signal?: AbortSignal;
  rules?: TargetRules;
}

/**
 * POSTs a body to a checked, pinned address. Never throws: the outcome (status, error, time) is
 * returned for the delivery log. Redirects are not followed (a 3xx is a failure); the whole
 * exchange, connection included, has one deadline; at most `maxResponseBytes` of the answer are read.
 */
export async function postPinned(rawUrl: string, body: string, headers: Record<string, string>, opts: PostOptions): Promise<PostResult> {
  const started = performance.now();
  const took = () => Math.round(performance.now() - started);
  let target: ResolvedTarget;
  try {
    target = await resolveTarget(rawUrl, opts.policy, 'url', opts.rules);
  } catch (e) {
    return { status: null, durationMs: took(), error: e instanceof Error ? e.message : String(e), excerpt: '' };
  }
  const pinned: LookupFunction = (_host, options, cb) => {
    // net may ask for every address (happy eyeballs): answer with the one that was checked.
    if ((options as { all?: boolean }).all) (cb as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address: target.address, family: target.family }]);
    else cb(null, target.address, target.family);
  };
  const excerptBytes = opts.excerptBytes ?? 512;
  return new Promise<PostResult>((resolve) => {
    let settled = false;
    const finish = (r: Omit<PostResult, 'durationMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...r, durationMs: took() });
    };
    const send = target.url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(target.url, {
      method: 'POST', lookup: pinned, agent: false,
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
    }, (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let read = 0;
      const done = (error: string | null) => {
        const status = res.statusCode ?? null;
        const excerpt = Buffer.concat(chunks).subarray(0, excerptBytes).toString('utf8');
        const redirect = status !== null && status >= 300 && status < 400;
        finish({ status, error: error ?? (redirect ? `redirect to ${String(res.headers.location ?? '?').slice(0, 200)} not followed` : null), excerpt });
        res.destroy();
      };
      res.on('data', (c: Buffer) => {
        read += c.length;
        if (chunks.reduce((n, x) => n + x.length, 0) < excerptBytes) chunks.push(c);
        // A huge answer does not hold the worker: the status is known, the rest is not needed.
        if (read > opts.maxResponseBytes) done(null);
      });
      res.on('end', () => done(null));
      res.on('error', () => done('the answer was cut off'));
    });
    const timer = setTimeout(() => {
      finish({ status: null, error: `no answer within ${opts.timeoutMs} ms`, excerpt: '' });
      req.destroy();
    }, opts.timeoutMs);
    opts.signal?.addEventListener('abort', () => { finish({ status: null, error: 'aborted', excerpt: '' }); req.destroy(); }, { once: true });
    req.on('error', (e: NodeJS.ErrnoException) => finish({ status: null, error: e.code ? `could not connect (${e.code})` : e.message, excerpt: '' }));
    req.end(body);
  });
}
