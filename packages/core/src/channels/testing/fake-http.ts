import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
}

export interface FakeResponse {
  status: number;
  headers?: Record<string, string>;
  /** Objects are sent as JSON, strings as text. */
  body?: unknown;
}

export interface FakeHttpServer {
  /** Base URL, e.g. http://127.0.0.1:40123 */
  url: string;
  close(): Promise<void>;
}

/** A plain node:http server on loopback (an ephemeral port unless one is given: the demo keeps its ports), for the fake providers. */
export async function startFakeHttp(handle: (req: FakeRequest) => FakeResponse | Promise<FakeResponse>, port = 0): Promise<FakeHttpServer> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      Promise.resolve()
        .then(() => handle({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, rawBody: Buffer.concat(chunks) }))
        .catch((e: unknown): FakeResponse => ({ status: 500, body: { error: e instanceof Error ? e.message : String(e) } }))
        .then((out: FakeResponse) => {
          const isText = typeof out.body === 'string';
          const payload = out.body === undefined ? '' : isText ? String(out.body) : JSON.stringify(out.body);
          res.writeHead(out.status, {
            'content-type': isText ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8',
            ...out.headers,
          });
          res.end(payload);
        });
    });
  });
  await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(port, '127.0.0.1', resolve); });
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function bearerToken(headers: IncomingHttpHeaders): string | null {
  const auth = headers.authorization;
  return auth?.startsWith('Bearer ') ? auth.slice('Bearer '.length) : null;
}

export function jsonBody(req: FakeRequest): unknown {
  try {
    return JSON.parse(req.rawBody.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
