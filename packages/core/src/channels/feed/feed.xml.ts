import { XMLParser } from 'fast-xml-parser';
import { FeedFormatError, type FeedItem, type ParsedFeed } from './feed.item';
import { attr, contentText, field, flattenText, isoDate, itemId, list, str } from './feed.values';

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  // Keep every value a string: "123" must stay an id, not become a number.
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  htmlEntities: true,
  // DOCTYPE entities are expanded within the library's default limits (count, size, expanded length).
  processEntities: true,
});

interface Context {
  feedUrl: string;
  fetchedAt: string;
}

/** An RSS 2.0, RSS 1.0 (RDF) or Atom document → items. Throws FeedFormatError when it is none of them. */
export function parseXmlFeed(xml: string, ctx: Context): ParsedFeed {
  let doc: unknown;
  try {
    doc = parser.parse(xml, true);
  } catch (err) {
    throw new FeedFormatError(`not well-formed XML: ${err instanceof Error ? err.message : 'parse error'}`);
  }
  const rss = field(doc, 'rss');
  if (rss !== undefined) return rss2(field(rss, 'channel'), ctx);
  const atom = field(doc, 'feed');
  if (atom !== undefined) return atomFeed(atom, ctx);
  const rdf = field(doc, 'rdf:RDF');
  if (rdf !== undefined) return rss1(rdf, ctx);
  throw new FeedFormatError('XML is not an RSS or Atom feed');
}

function rss2(channel: unknown, ctx: Context): ParsedFeed {
  const items = list(field(channel, 'item')).map((item): FeedItem => {
    const guid = field(item, 'guid');
    const link = str(field(item, 'link'));
    const title = str(field(item, 'title'));
    const html = str(field(item, 'content:encoded')) ?? str(field(item, 'description'));
    const publishedAt = isoDate(field(item, 'pubDate')) ?? isoDate(field(item, 'dc:date'));
    return {
      feedUrl: ctx.feedUrl,
      feedTitle: str(field(channel, 'title')),
      id: itemId([str(guid), link], `${title ?? ''}|${publishedAt ?? ''}|${html ?? ''}`),
      url: link ?? (attr(guid, 'isPermaLink') !== 'false' ? str(guid) : null),
      title,
      text: contentText(html, true),
      author: rssAuthor(str(field(item, 'author')), str(field(item, 'dc:creator'))),
      publishedAt,
      updatedAt: null,
      inReplyTo: null,
      fetchedAt: ctx.fetchedAt,
    };
  });
  return { title: str(field(channel, 'title')), items };
}

/** RSS <author> is "email (Name)"; dc:creator is a name. */
function rssAuthor(author: string | null, creator: string | null): FeedItem['author'] {
  if (author === null && creator === null) return null;
  const m = author?.match(/^\s*([^\s()]+@[^\s()]+)\s*(?:\((.*)\))?\s*$/);
  if (m) return { email: m[1] ?? null, name: m[2]?.trim() || creator, uri: null };
  return { email: null, name: author ?? creator, uri: null };
}

function rss1(rdf: unknown, ctx: Context): ParsedFeed {
  const feedTitle = str(field(field(rdf, 'channel'), 'title'));
  const items = list(field(rdf, 'item')).map((item): FeedItem => {
    const link = str(field(item, 'link'));
    const title = str(field(item, 'title'));
    const html = str(field(item, 'content:encoded')) ?? str(field(item, 'description'));
    return {
      feedUrl: ctx.feedUrl,
      feedTitle,
      id: itemId([attr(item, 'rdf:about'), link], `${title ?? ''}|${html ?? ''}`),
      url: link,
      title,
      text: contentText(html, true),
      author: rssAuthor(null, str(field(item, 'dc:creator'))),
      publishedAt: isoDate(field(item, 'dc:date')),
      updatedAt: null,
      inReplyTo: null,
      fetchedAt: ctx.fetchedAt,
    };
  });
  return { title: feedTitle, items };
}

function atomFeed(feed: unknown, ctx: Context): ParsedFeed {
  const feedTitle = str(field(feed, 'title'));
  const feedAuthor = list(field(feed, 'author'))[0];
  const items = list(field(feed, 'entry')).map((entry): FeedItem => {
    const links = list(field(entry, 'link'));
    const alternate = links.find((l) => (attr(l, 'rel') ?? 'alternate') === 'alternate') ?? links[0];
    const url = attr(alternate, 'href');
    const title = str(field(entry, 'title'));
    const body = field(entry, 'content') ?? field(entry, 'summary');
    const publishedAt = isoDate(field(entry, 'published'));
    const updatedAt = isoDate(field(entry, 'updated'));
    const author = list(field(entry, 'author'))[0] ?? feedAuthor;
    return {
      feedUrl: ctx.feedUrl,
      feedTitle,
      id: itemId([str(field(entry, 'id')), url], `${title ?? ''}|${publishedAt ?? updatedAt ?? ''}`),
      url,
      title,
      text: atomText(body),
      author:
        author === undefined
          ? null
          : { name: str(field(author, 'name')), email: str(field(author, 'email')), uri: str(field(author, 'uri')) },
      publishedAt,
      updatedAt,
      inReplyTo: attr(list(field(entry, 'thr:in-reply-to'))[0], 'ref'),
      fetchedAt: ctx.fetchedAt,
    };
  });
  return { title: feedTitle, items };
}

/** Atom content is text (default), html (escaped markup) or xhtml (inline XML). */
function atomText(body: unknown): string {
  const type = attr(body, 'type') ?? 'text';
  if (type === 'xhtml') return contentText(flattenText(field(body, 'div') ?? body).replace(/\s+/g, ' '), false);
  return contentText(str(body), type === 'html' || type === 'text/html');
}
