import { z } from 'zod';
import { EarshotError } from '@earshot/domain';

/**
 * One feed entry in Earshot's stored shape, whatever the feed format (RSS 2.0, RSS 1.0, Atom, JSON Feed).
 * This is the payload of a feed provider event; normalize turns it into a canonical message.
 */
export const FeedItem = z.object({
  feedUrl: z.string(),
  feedTitle: z.string().nullable(),
  /** guid / id / link, or a content hash when the entry has none of them. */
  id: z.string().min(1).max(512),
  url: z.string().nullable(),
  title: z.string().nullable(),
  /** Plain text: HTML content is reduced to text when the feed is parsed. */
  text: z.string(),
  author: z
    .object({ name: z.string().nullable(), email: z.string().nullable(), uri: z.string().nullable() })
    .nullable(),
  publishedAt: z.string().datetime({ offset: true }).nullable(),
  updatedAt: z.string().datetime({ offset: true }).nullable(),
  /** Atom threading (RFC 4685 thr:in-reply-to): the entry this one answers, e.g. a forum reply. */
  inReplyTo: z.string().nullable(),
  fetchedAt: z.string().datetime({ offset: true }),
});
export type FeedItem = z.infer<typeof FeedItem>;

export interface ParsedFeed {
  title: string | null;
  /** In document order (feeds usually list newest first). */
  items: FeedItem[];
}

/**
 * The document is not a feed Earshot can read (malformed XML or JSON, or another format). A coded
 * provider error: the poll job records it on the channel (`status: error` with the reason) and backs
 * off, instead of failing the job.
 */
export class FeedFormatError extends EarshotError {
  constructor(reason: string) {
    super('EARSHOT_PROVIDER_REJECTED', `Feed could not be read: ${reason}`, { details: { provider: 'feed', reason: 'unreadable-document' } });
    this.name = 'FeedFormatError';
  }
}
