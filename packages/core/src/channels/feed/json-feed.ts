import { z } from 'zod';
import { FeedFormatError, type FeedItem, type ParsedFeed } from './feed.item';
import { contentText, isoDate, itemId } from './feed.values';

const Author = z.object({ name: z.string().optional(), url: z.string().optional() }).passthrough();

// JSON Feed 1.0 and 1.1 (jsonfeed.org): only the fields Earshot reads, each optional but `items`.
const JsonFeed = z.object({
  version: z.string().startsWith('https://jsonfeed.org/version/'),
  title: z.string().optional(),
  author: Author.optional(),
  authors: z.array(Author).optional(),
  items: z.array(
    z
      .object({
        id: z.union([z.string(), z.number()]).optional(),
        url: z.string().optional(),
        title: z.string().optional(),
        content_html: z.string().optional(),
        content_text: z.string().optional(),
        summary: z.string().optional(),
        date_published: z.string().optional(),
        date_modified: z.string().optional(),
        author: Author.optional(),
        authors: z.array(Author).optional(),
      })
      .passthrough(),
  ),
});

/** A JSON Feed document → items. Throws FeedFormatError when it is not one. */
export function parseJsonFeed(body: string, ctx: { feedUrl: string; fetchedAt: string }): ParsedFeed {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new FeedFormatError('not valid JSON');
  }
  const parsed = JsonFeed.safeParse(json);
  if (!parsed.success) throw new FeedFormatError(`not a JSON Feed (${parsed.error.issues[0]?.path.join('.') ?? 'root'})`);
  const feed = parsed.data;
  const feedAuthor = feed.authors?.[0] ?? feed.author;
  const items = feed.items.map((item): FeedItem => {
    const author = item.authors?.[0] ?? item.author ?? feedAuthor;
    const text = item.content_text !== undefined ? contentText(item.content_text, false) : contentText(item.content_html ?? item.summary ?? null, true);
    const publishedAt = isoDate(item.date_published);
    return {
      feedUrl: ctx.feedUrl,
      feedTitle: feed.title ?? null,
      id: itemId([item.id === undefined ? null : String(item.id), item.url ?? null], `${item.title ?? ''}|${publishedAt ?? ''}|${text}`),
      url: item.url ?? null,
      title: item.title ?? null,
      text,
      author: author === undefined ? null : { name: author.name ?? null, email: null, uri: author.url ?? null },
      publishedAt,
      updatedAt: isoDate(item.date_modified),
      inReplyTo: null,
      fetchedAt: ctx.fetchedAt,
    };
  });
  return { title: feed.title ?? null, items };
}
