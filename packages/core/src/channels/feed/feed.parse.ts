import type { ParsedFeed } from './feed.item';
import { parseJsonFeed } from './json-feed';
import { parseXmlFeed } from './feed.xml';

/** Any supported feed document → items, by content type, else by what the body looks like. */
export function parseFeed(body: string, contentType: string | null, ctx: { feedUrl: string; fetchedAt: string }): ParsedFeed {
  const type = (contentType ?? '').toLowerCase();
  const looksJson = /json/.test(type) || (!/xml/.test(type) && body.trimStart().startsWith('{'));
  return looksJson ? parseJsonFeed(body, ctx) : parseXmlFeed(body.replace(/^\uFEFF/, ''), ctx);
}
