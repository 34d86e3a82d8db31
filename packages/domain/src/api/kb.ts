import { z } from 'zod';

// Knowledge-base shapes of the REST API (services return them, routes declare them, the desk reads them).

export const KbArticleStatus = z.enum(['draft', 'published', 'archived']);
export type KbArticleStatus = z.infer<typeof KbArticleStatus>;

/** A list row: no body, a plain-text excerpt instead. `path` is the public page (published articles only). */
export const KbArticleSummary = z.object({
  id: z.string(), title: z.string(), slug: z.string(), status: KbArticleStatus, tags: z.array(z.string()), excerpt: z.string(),
  authorId: z.string().nullable(), authorName: z.string().nullable(), createdAt: z.string(), updatedAt: z.string(), publishedAt: z.string().nullable(),
  path: z.string(),
});
export type KbArticleSummary = z.infer<typeof KbArticleSummary>;

export const KbArticleView = KbArticleSummary.extend({ body: z.string() });
export type KbArticleView = z.infer<typeof KbArticleView>;

export const KbArticlePage = z.object({ items: z.array(KbArticleSummary), nextCursor: z.string().nullable() });
export type KbArticlePage = z.infer<typeof KbArticlePage>;

/** A published article suggested for a conversation, with the customer's words it matched. */
export const KbSuggestion = z.object({ id: z.string(), title: z.string(), slug: z.string(), path: z.string(), excerpt: z.string(), matched: z.array(z.string()), score: z.number() });
export type KbSuggestion = z.infer<typeof KbSuggestion>;

/** `terms` are the words taken from the customer's latest inbound messages (empty: nothing to search for). */
export const KbSuggestions = z.object({ terms: z.array(z.string()), items: z.array(KbSuggestion) });
export type KbSuggestions = z.infer<typeof KbSuggestions>;
