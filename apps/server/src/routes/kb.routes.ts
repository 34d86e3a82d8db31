import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { isEarshotError, KbArticlePage, KbArticleStatus, KbArticleView, KbSuggestions } from '@earshot/domain';
import { articleHtml, ARTICLE_CSP, helpIndexHtml, notFoundHtml } from './kb.page';
import { authErrors, IdParams, Ok, type RouteDeps } from './shared';

// PostgreSQL text cannot hold NUL: refused here as bad input rather than failing in the database.
const noNul = (s: string) => !s.includes('\u0000');
const NUL = 'must not contain NUL characters';
const Title = z.string().trim().min(1).max(200).refine(noNul, NUL);
const Slug = z.string().trim().min(1).max(100).refine(noNul, NUL);
const Body = z.string().max(50_000).refine(noNul, NUL);
const Tags = z.array(z.string().trim().min(1).max(40).refine(noNul, NUL)).max(20);
const ArticleBody = z.strictObject({ title: Title, slug: Slug.optional(), body: Body, tags: Tags.optional(), status: KbArticleStatus.optional() });

/** Knowledge base: articles (any signed-in role reads, admins and supervisors write), suggestions, and the public page. */
export async function kbRoutes(app: FastifyInstance, { core }: RouteDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['knowledge base'];

  r.get('/api/v1/kb/articles', {
    schema: {
      tags, summary: 'Articles: most recently edited first, or best match first with ?q= (words, "phrases", or, -word); drafts and published unless ?status=',
      querystring: z.strictObject({
        q: z.string().max(200).refine(noNul, NUL).optional(), status: KbArticleStatus.optional(), tag: z.string().max(40).refine(noNul, NUL).optional(),
        cursor: z.string().max(500).optional(), limit: z.coerce.number().int().min(1).max(100).optional(),
      }),
      response: { 200: KbArticlePage, ...authErrors },
    },
  }, async (req) => core.kb.list(req.can('kb:read'), req.query));
  r.get('/api/v1/kb/articles/:id', { schema: { tags, summary: 'An article with its Markdown body', params: IdParams, response: { 200: KbArticleView, ...authErrors } } },
    async (req) => core.kb.get(req.can('kb:read'), req.params.id));
  r.post('/api/v1/kb/articles', {
    schema: { tags, summary: 'Write an article (a draft unless status is given; the slug comes from the title unless given)', body: ArticleBody, response: { 200: KbArticleView, ...authErrors } },
  }, async (req) => core.kb.create(req.can('kb:manage'), req.body));
  r.patch('/api/v1/kb/articles/:id', {
    schema: {
      tags, summary: 'Edit, publish (status published), unpublish (draft) or archive an article; the slug is fixed once published', params: IdParams,
      body: ArticleBody.partial(), response: { 200: KbArticleView, ...authErrors },
    },
  }, async (req) => core.kb.update(req.can('kb:manage'), req.params.id, req.body));
  r.delete('/api/v1/kb/articles/:id', { schema: { tags, summary: 'Delete an article (its public page is gone at once)', params: IdParams, response: { 200: Ok, ...authErrors } } }, async (req) => {
    await core.kb.remove(req.can('kb:manage'), req.params.id);
    return { ok: true as const };
  });
  r.post('/api/v1/kb/preview', {
    schema: { tags, summary: 'Markdown rendered exactly as the public page renders it (raw HTML escaped, unsafe links refused)', body: z.strictObject({ body: Body }), response: { 200: z.object({ html: z.string() }), ...authErrors } },
  }, async (req) => core.kb.preview(req.can('kb:manage'), req.body.body));

  r.get('/api/v1/conversations/:id/kb-suggestions', {
    schema: {
      tags, summary: 'Published articles matching the customer\'s latest inbound question(s), best first, with the words they matched', params: IdParams,
      querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(20).optional() }),
      response: { 200: KbSuggestions, ...authErrors },
    },
  }, async (req) => {
    const who = req.can('kb:read');
    req.can('conversation:read');
    return core.kb.suggest(who, req.params.id, req.query.limit);
  });

  // The public help centre: published articles by category, and search. No session, no script.
  app.get<{ Params: { brand: string }; Querystring: { q?: unknown } }>('/kb/:brand', { config: { public: true }, schema: { hide: true } }, async (req, reply) => {
    const page = (status: number, html: string, csp = ARTICLE_CSP) => reply.status(status).header('content-security-policy', csp)
      .header('cache-control', status === 200 ? 'no-cache' : 'no-store').type('text/html; charset=utf-8').send(html);
    // A search is at most 200 characters of text (NUL cannot be searched for; an array is not a query).
    const q = typeof req.query.q === 'string' ? req.query.q.split('\u0000').join('').slice(0, 200) : '';
    if (req.params.brand.length > 100) return page(404, notFoundHtml());
    try {
      const h = helpIndexHtml(await core.kb.publicIndex(req.params.brand, q));
      return page(200, h.html, h.csp);
    } catch (err) {
      if (isEarshotError(err) && err.status === 404) return page(404, notFoundHtml());
      throw err;
    }
  });

  // The public page a reply links to: published articles only, no session, no script at all.
  app.get<{ Params: { brand: string; slug: string } }>('/kb/:brand/:slug', { config: { public: true }, schema: { hide: true } }, async (req, reply) => {
    const { brand, slug } = req.params;
    const page = (status: number, html: string, csp = ARTICLE_CSP) => reply.status(status).header('content-security-policy', csp)
      .header('cache-control', status === 200 ? 'no-cache' : 'no-store').type('text/html; charset=utf-8').send(html);
    if (brand.length > 100 || slug.length > 100) return page(404, notFoundHtml());
    try {
      const a = articleHtml(await core.kb.publicArticle(brand, slug));
      return page(200, a.html, a.csp);
    } catch (err) {
      if (isEarshotError(err) && err.status === 404) return page(404, notFoundHtml());
      throw err;
    }
  });
}
