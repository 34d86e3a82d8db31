import type { DB, Kysely, KbArticleStatus } from '@earshot/db';
import type { BrandLook } from '@earshot/domain';
import { brandSettingsOf } from '../brands/brand.service';
import { EarshotError, type KbArticlePage, type KbArticleSummary, type KbArticleView, type KbSuggestions } from '@earshot/domain';
import type { Actor } from '../shared/actor';
import { z } from 'zod';
import { cursorCodec, CursorFields } from '../shared/cursor';
import type { Clock } from '../shared/clock';
import { transact } from '../shared/unit-of-work';
import { findConversation } from '../conversations/conversation.repository';
import { findArticle, findBrandByRef, findPublished, latestInbound, listArticles, relatedPublished, slugTaken, suggestArticles, type KbArticleRow } from './kb.repository';
import { excerpt, renderMarkdown } from './markdown';
import { questionTerms } from './question-terms';
import { SLUG_RE, slugify } from './slug';

export interface KbArticleInput {
  title: string;
  /** Derived from the title when absent. */
  slug?: string | undefined;
  body: string;
  tags?: string[] | undefined;
  status?: KbArticleStatus | undefined;
}

export interface KbListQuery { q?: string | undefined; status?: KbArticleStatus | undefined; tag?: string | undefined; cursor?: string | undefined; limit?: number | undefined }

export interface PublicArticle {
  brandName: string; brandSlug: string; look: BrandLook; title: string; html: string; tags: string[]; updatedAt: string; publishedAt: string;
  /** Published articles sharing its tags (the page's "Related"). */
  related: { title: string; path: string }[];
}

/** A brand's public help centre: its published articles by category (tag), or the matches of a search. */
export interface PublicHelpIndex {
  brandName: string; brandSlug: string; look: BrandLook; q: string;
  categories: { name: string; articles: { title: string; path: string; excerpt: string }[] }[];
  /** A search's matches, best first (empty when not searching). */
  results: { title: string; path: string; excerpt: string }[];
}

/** Articles with no tag are listed under this category. */
const UNCATEGORISED = 'General';

// A brand slug (0001: ^[a-z0-9][a-z0-9-]{1,62}$) or a brand id.
const BRAND_REF_RE = /^(?:[a-z0-9][a-z0-9-]{1,62}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

const notFound = (field = 'params.id') => new EarshotError('EARSHOT_NOT_FOUND', 'article not found', { field });

/** The public page of an article (the link an agent puts in a reply). */
export const articlePath = (brandSlug: string, slug: string) => `/kb/${encodeURIComponent(brandSlug)}/${encodeURIComponent(slug)}`;

function summary(r: KbArticleRow, brandSlug: string): KbArticleSummary {
  return {
    id: r.id, title: r.title, slug: r.slug, status: r.status, tags: r.tags, excerpt: excerpt(r.body), authorId: r.author_id, authorName: r.author_name,
    createdAt: r.created_at.toISOString(), updatedAt: r.updated_at.toISOString(), publishedAt: r.published_at?.toISOString() ?? null, path: articlePath(brandSlug, r.slug),
  };
}

const view = (r: KbArticleRow, brandSlug: string): KbArticleView => ({ ...summary(r, brandSlug), body: r.body });

/** Tags are lower case, trimmed, each once, in the order given. */
function cleanTags(tags: readonly string[]): string[] {
  return [...new Set(tags.map((t) => t.trim().toLowerCase()).filter(Boolean))];
}

function checkSlug(slug: string, field: string): string {
  if (!SLUG_RE.test(slug) || slug.length > 100) throw new EarshotError('EARSHOT_VALIDATION', 'a slug is lower-case letters and digits joined by single hyphens (at most 100 characters)', { field });
  return slug;
}

/** What the audit trail keeps of an article version. */
const snapshot = (r: { title: string; slug: string; status: string; tags: string[]; body: string }) => ({ title: r.title, slug: r.slug, status: r.status, tags: r.tags, body: r.body });

const kbCursor = cursorCodec(z.union([z.strictObject({ at: CursorFields.time, id: CursorFields.id }), z.strictObject({ rank: CursorFields.rank, id: CursorFields.id })]));
const encodeCursor = (c: { at: string; id: string } | { rank: string; id: string }) => kbCursor.encode(c);

/** A search page continues from a rank, a list page from a time: the other kind is not this query's. */
function decodeCursor(s: string, searching: boolean): { at: string; id: string } | { rank: string; id: string } {
  const c = kbCursor.decode(s);
  if (searching !== 'rank' in c) throw new EarshotError('EARSHOT_VALIDATION', 'cursor is not one this server gave out for this query', { field: 'query.cursor' });
  return c;
}

/**
 * The knowledge base: a brand's articles (Markdown), drafts until published. Every change is
 * audited in its transaction. Published articles have a public page and are suggested to agents
 * for a conversation's latest inbound question (full-text search, no model).
 */
export class KbService {
  readonly #brandSlugs = new Map<string, string>();

  constructor(private readonly db: Kysely<DB>, private readonly clock: Clock) {}

  async #brandSlug(brandId: string): Promise<string> {
    let s = this.#brandSlugs.get(brandId);
    if (!s) {
      s = (await this.db.selectFrom('brands').select('slug').where('id', '=', brandId).executeTakeFirstOrThrow()).slug;
      this.#brandSlugs.set(brandId, s);
    }
    return s;
  }

  async list(actor: Actor, q: KbListQuery): Promise<KbArticlePage> {
    const limit = Math.min(Math.max(q.limit ?? 25, 1), 100);
    const searching = !!q.q?.trim();
    const rows = await listArticles(this.db, actor.brandId, {
      status: q.status ? [q.status] : ['draft', 'published'], tag: q.tag?.trim().toLowerCase() || undefined, q: q.q,
      after: q.cursor ? decodeCursor(q.cursor, searching) : null, limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    const brandSlug = await this.#brandSlug(actor.brandId);
    const nextCursor = rows.length > limit && last ? encodeCursor(searching ? { rank: last.rank ?? '0', id: last.id } : { at: last.updated_at.toISOString(), id: last.id }) : null;
    return { items: page.map((r) => summary(r, brandSlug)), nextCursor };
  }

  async get(actor: Actor, id: string): Promise<KbArticleView> {
    const r = await findArticle(this.db, actor.brandId, id);
    if (!r) throw notFound();
    return view(r, await this.#brandSlug(actor.brandId));
  }

  async create(actor: Actor, input: KbArticleInput): Promise<KbArticleView> {
    const slug = input.slug !== undefined ? checkSlug(input.slug, 'body.slug') : slugify(input.title);
    if (!slug) throw new EarshotError('EARSHOT_VALIDATION', 'the title has no letters or digits to make a slug from; give a slug', { field: 'body.slug' });
    const id = await transact(this.db, async (uow) => {
      if (await slugTaken(uow.tx, actor.brandId, slug, null)) throw new EarshotError('EARSHOT_CONFLICT', `an article with the slug "${slug}" exists`, { field: 'body.slug' });
      const now = this.clock.now();
      const status = input.status ?? 'draft';
      const row = await uow.tx.insertInto('kb_articles').values({
        brand_id: actor.brandId, title: input.title, slug, body: input.body, status, tags: cleanTags(input.tags ?? []), author_id: actor.userId ?? null,
        created_at: now, updated_at: now, published_at: status === 'published' ? now : null,
      }).returning(['id', 'title', 'slug', 'status', 'tags', 'body']).executeTakeFirstOrThrow();
      uow.record({ brandId: actor.brandId, actorType: actor.type, actorId: actor.id, action: 'kb_article.created', subjectType: 'kb_article', subjectId: row.id, after: snapshot(row), at: now });
      return row.id;
    });
    return this.get(actor, id);
  }

  /**
   * Edits, publishes (status published), unpublishes (draft) or archives an article. The slug is
   * fixed once the article was first published: links already sent to customers keep working.
   */
  async update(actor: Actor, id: string, patch: Partial<KbArticleInput>): Promise<KbArticleView> {
    await transact(this.db, async (uow) => {
      const cur = await findArticle(uow.tx, actor.brandId, id, { lock: true });
      if (!cur) throw notFound();
      const next = {
        title: patch.title ?? cur.title, slug: patch.slug !== undefined ? checkSlug(patch.slug, 'body.slug') : cur.slug, body: patch.body ?? cur.body,
        tags: patch.tags !== undefined ? cleanTags(patch.tags) : cur.tags, status: patch.status ?? cur.status,
      };
      if (next.slug !== cur.slug) {
        if (cur.published_at) throw new EarshotError('EARSHOT_INVALID_STATE', 'the slug of an article that was published cannot change: customers may have its link', { field: 'body.slug' });
        if (await slugTaken(uow.tx, actor.brandId, next.slug, id)) throw new EarshotError('EARSHOT_CONFLICT', `an article with the slug "${next.slug}" exists`, { field: 'body.slug' });
      }
      const before = snapshot(cur);
      if (JSON.stringify(before) === JSON.stringify(snapshot(next))) return;
      const now = this.clock.now();
      await uow.tx.updateTable('kb_articles').set({
        ...next, updated_at: now, published_at: next.status === 'published' ? (cur.published_at ?? now) : cur.published_at,
      }).where('brand_id', '=', actor.brandId).where('id', '=', id).execute();
      const action = next.status === cur.status ? 'kb_article.updated'
        : next.status === 'published' ? 'kb_article.published' : next.status === 'archived' ? 'kb_article.archived' : 'kb_article.unpublished';
      uow.record({ brandId: actor.brandId, actorType: actor.type, actorId: actor.id, action, subjectType: 'kb_article', subjectId: id, before, after: snapshot(next), at: now });
    });
    return this.get(actor, id);
  }

  async remove(actor: Actor, id: string): Promise<void> {
    await transact(this.db, async (uow) => {
      const cur = await findArticle(uow.tx, actor.brandId, id, { lock: true });
      if (!cur) throw notFound();
      await uow.tx.deleteFrom('kb_articles').where('brand_id', '=', actor.brandId).where('id', '=', id).execute();
      uow.record({ brandId: actor.brandId, actorType: actor.type, actorId: actor.id, action: 'kb_article.deleted', subjectType: 'kb_article', subjectId: id, before: snapshot(cur), at: this.clock.now() });
    });
  }

  /** Markdown as the public page shows it (the editor's preview). */
  preview(_actor: Actor, body: string): { html: string } {
    return { html: renderMarkdown(body) };
  }

  /** A published article's public page, by brand slug (or id) and article slug; anything else is not found. */
  async publicArticle(brandRef: string, slug: string): Promise<PublicArticle> {
    const brand = brandRef.toLowerCase();
    const article = slug.toLowerCase();
    // Only what a brand slug or id and an article slug can look like reaches the database.
    if (!BRAND_REF_RE.test(brand) || !SLUG_RE.test(article) || article.length > 100) throw notFound('params.slug');
    const r = await findPublished(this.db, brand, article);
    if (!r?.published_at) throw notFound('params.slug');
    const related = (await relatedPublished(this.db, r.brand_id, r.id, r.tags, 5)).map((x) => ({ title: x.title, path: articlePath(r.brand_slug, x.slug) }));
    return { brandName: r.brand_name, brandSlug: r.brand_slug, look: brandSettingsOf(r.brand_settings).look, title: r.title, html: renderMarkdown(r.body), tags: r.tags, updatedAt: r.updated_at.toISOString(), publishedAt: r.published_at.toISOString(), related };
  }

  /**
   * The public help centre of a brand (`/kb/<brand>`): published articles grouped by tag, or, with a
   * query, the best matches (the same web-search syntax and ranking as the desk's article search).
   */
  async publicIndex(brandRef: string, query = ''): Promise<PublicHelpIndex> {
    const ref = brandRef.toLowerCase();
    if (!BRAND_REF_RE.test(ref)) throw notFound('params.brand');
    const brand = await findBrandByRef(this.db, ref);
    if (!brand) throw notFound('params.brand');
    const q = query.trim().slice(0, 200);
    const item = (a: KbArticleRow) => ({ title: a.title, path: articlePath(brand.slug, a.slug), excerpt: excerpt(a.body, 160) });
    const base = { brandName: brand.name, brandSlug: brand.slug, look: brandSettingsOf(brand.settings).look, q };
    if (q) return { ...base, categories: [], results: (await listArticles(this.db, brand.id, { status: ['published'], q, after: null, limit: 50 })).map(item) };
    const byTag = new Map<string, ReturnType<typeof item>[]>();
    for (const a of await listArticles(this.db, brand.id, { status: ['published'], after: null, limit: 500 })) {
      for (const tag of a.tags.length ? a.tags : [UNCATEGORISED]) byTag.set(tag, [...(byTag.get(tag) ?? []), item(a)]);
    }
    const categories = [...byTag].map(([name, articles]) => ({ name, articles: articles.sort((x, y) => x.title.localeCompare(y.title)) }))
      .sort((x, y) => (x.name === UNCATEGORISED ? 1 : y.name === UNCATEGORISED ? -1 : x.name.localeCompare(y.name)));
    return { ...base, categories, results: [] };
  }

  /**
   * Published articles for a conversation: the meaningful words of the customer's newest messages
   * not yet answered (or of the newest one, when all are) searched as an OR, best match first.
   */
  async suggest(actor: Actor, conversationId: string, limit = 5): Promise<KbSuggestions> {
    if (!await findConversation(this.db, actor.brandId, conversationId)) throw new EarshotError('EARSHOT_CONVERSATION_NOT_FOUND', 'conversation not found', { field: 'params.id' });
    const recent = await latestInbound(this.db, actor.brandId, conversationId, 5);
    const open = recent.filter((m) => !m.answered).slice(0, 3);
    const asked = open.length ? open : recent.slice(0, 1);
    const terms = questionTerms(asked.map((m) => m.text));
    const max = Math.min(Math.max(limit, 1), 20);
    // One shared word is not a match ("email", "update"): an article needs two of the customer's
    // words (or all of them, when they wrote fewer), one of them in its title or tags.
    const rows = (await suggestArticles(this.db, actor.brandId, terms, max * 4))
      .filter((r) => r.matched.length >= Math.min(2, terms.length) && r.in_title.length > 0).slice(0, max);
    const brandSlug = await this.#brandSlug(actor.brandId);
    return {
      terms,
      items: rows.map((r) => ({ id: r.id, title: r.title, slug: r.slug, path: articlePath(brandSlug, r.slug), excerpt: excerpt(r.body, 160), matched: r.matched, score: Number(r.score) })),
    };
  }
}
