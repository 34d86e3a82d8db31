import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

/**
 * A local feed host for tests and demo mode (node:http on 127.0.0.1): serves RSS 2.0, Atom and JSON Feed
 * documents with ETag and Last-Modified, answers conditional GETs with 304, and can fail on demand.
 */
export type FeedFormat = 'rss' | 'atom' | 'json';

export interface FakeFeedItem {
  id: string;
  title: string;
  /** HTML body. */
  html: string;
  url?: string;
  author?: { name: string; email?: string; uri?: string };
  published: string;
  /** Atom only: the entry this one replies to (thr:in-reply-to). */
  inReplyTo?: string;
}

export interface FeedRequestLog {
  path: string;
  ifNoneMatch: string | null;
  ifModifiedSince: string | null;
  status: number;
}

export interface FakeFeedServer {
  baseUrl: string;
  url(path: string): string;
  /** Publish (or replace) the document at a path. */
  setFeed(path: string, format: FeedFormat, items: FakeFeedItem[], opts?: { title?: string; sendEtag?: boolean; sendLastModified?: boolean }): void;
  /** Publish any body as is at a path (a malformed or truncated document, an HTML page), with an ETag. */
  setRaw(path: string, body: string, contentType?: string): void;
  /** Answer the next `times` requests to a path with this status (e.g. 503, or 429 with Retry-After). */
  fail(path: string, status: number, times: number, headers?: Record<string, string>): void;
  requests: FeedRequestLog[];
  stop(): Promise<void>;
}

interface Published {
  body: string;
  contentType: string;
  etag: string | null;
  lastModified: string | null;
}

const xml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const cdata = (s: string): string => `<![CDATA[${s.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;

function rss(title: string, items: FakeFeedItem[]): string {
  const entries = items.map(
    (i) => `<item><title>${xml(i.title)}</title>${i.url ? `<link>${xml(i.url)}</link>` : ''}<guid isPermaLink="false">${xml(i.id)}</guid>` +
      `<pubDate>${new Date(i.published).toUTCString()}</pubDate>` +
      (i.author?.email ? `<author>${xml(`${i.author.email} (${i.author.name})`)}</author>` : i.author ? `<dc:creator>${xml(i.author.name)}</dc:creator>` : '') +
      `<description>${cdata(i.html)}</description></item>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>${xml(title)}</title><link>http://127.0.0.1/</link><description>${xml(title)}</description>${entries.join('')}</channel></rss>\n`;
}

function atom(title: string, items: FakeFeedItem[]): string {
  const entries = items.map(
    (i) => `<entry><id>${xml(i.id)}</id><title type="text">${xml(i.title)}</title>${i.url ? `<link rel="alternate" href="${xml(i.url)}"/>` : ''}` +
      `<published>${i.published}</published><updated>${i.published}</updated>` +
      (i.author ? `<author><name>${xml(i.author.name)}</name>${i.author.uri ? `<uri>${xml(i.author.uri)}</uri>` : ''}${i.author.email ? `<email>${xml(i.author.email)}</email>` : ''}</author>` : '') +
      (i.inReplyTo ? `<thr:in-reply-to ref="${xml(i.inReplyTo)}"/>` : '') +
      `<content type="html">${xml(i.html)}</content></entry>`,
  );
  return `<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xmlns:thr="http://purl.org/syndication/thread/1.0"><title>${xml(title)}</title><id>urn:earshot:fake:${xml(title)}</id><updated>${new Date(0).toISOString()}</updated>${entries.join('')}</feed>\n`;
}

function jsonFeed(title: string, items: FakeFeedItem[]): string {
  return JSON.stringify({
    version: 'https://jsonfeed.org/version/1.1',
    title,
    items: items.map((i) => ({
      id: i.id,
      url: i.url,
      title: i.title,
      content_html: i.html,
      date_published: i.published,
      authors: i.author ? [{ name: i.author.name, url: i.author.uri }] : undefined,
    })),
  });
}

const CONTENT_TYPES: Record<FeedFormat, string> = {
  rss: 'application/rss+xml; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
  json: 'application/feed+json; charset=utf-8',
};

export async function startFeedServer(opts: { port?: number } = {}): Promise<FakeFeedServer> {
  const feeds = new Map<string, Published>();
  const failures = new Map<string, { status: number; times: number; headers: Record<string, string> }>();
  const requests: FeedRequestLog[] = [];

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const ifNoneMatch = req.headers['if-none-match'] ?? null;
    const ifModifiedSince = req.headers['if-modified-since'] ?? null;
    const answer = (status: number, headers: Record<string, string> = {}, body = ''): void => {
      requests.push({ path, ifNoneMatch, ifModifiedSince, status });
      res.writeHead(status, headers).end(body);
    };
    const failure = failures.get(path);
    if (failure !== undefined && failure.times > 0) {
      failure.times -= 1;
      return answer(failure.status, { 'content-type': 'text/plain', ...failure.headers }, 'unavailable');
    }
    const feed = feeds.get(path);
    if (req.method !== 'GET' || feed === undefined) return answer(404, { 'content-type': 'text/plain' }, 'not found');
    const validators: Record<string, string> = {};
    if (feed.etag !== null) validators.etag = feed.etag;
    if (feed.lastModified !== null) validators['last-modified'] = feed.lastModified;
    // RFC 9110 §13.2.2: If-None-Match wins; If-Modified-Since only counts without it.
    const notModified =
      ifNoneMatch !== null
        ? feed.etag !== null && ifNoneMatch.split(',').some((t) => t.trim().replace(/^W\//, '') === feed.etag)
        : ifModifiedSince !== null && feed.lastModified !== null && Date.parse(ifModifiedSince) >= Date.parse(feed.lastModified);
    if (notModified) return answer(304, validators);
    answer(200, { 'content-type': feed.contentType, ...validators }, feed.body);
  };

  const server = createServer(handle);
  await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(opts.port ?? 0, '127.0.0.1', resolve); });
  const address = server.address();
  const baseUrl = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;

  return {
    baseUrl,
    url: (path) => `${baseUrl}${path}`,
    requests,
    setFeed(path, format, items, opts = {}) {
      const title = opts.title ?? 'Reviews';
      const body = format === 'rss' ? rss(title, items) : format === 'atom' ? atom(title, items) : jsonFeed(title, items);
      const newest = items.reduce((max, i) => Math.max(max, Date.parse(i.published)), 0);
      feeds.set(path, {
        body,
        contentType: CONTENT_TYPES[format],
        etag: opts.sendEtag === false ? null : `"${createHash('sha1').update(body).digest('hex')}"`,
        lastModified: opts.sendLastModified === false ? null : new Date(newest).toUTCString(),
      });
    },
    setRaw(path, body, contentType = 'application/rss+xml; charset=utf-8') {
      feeds.set(path, { body, contentType, etag: `"${createHash('sha1').update(body).digest('hex')}"`, lastModified: new Date().toUTCString() });
    },
    fail(path, status, times, headers = {}) {
      failures.set(path, { status, times, headers });
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
