import { sql, type KbArticleStatus } from '@earshot/db';
import type { Executor } from '../shared/unit-of-work';

/** An article row with its author's name (no search vector). */
export interface KbArticleRow {
  id: string; brand_id: string; title: string; slug: string; body: string; status: KbArticleStatus; tags: string[];
  author_id: string | null; author_name: string | null; created_at: Date; updated_at: Date; published_at: Date | null;
}

const COLUMNS = sql`a.id, a.brand_id, a.title, a.slug, a.body, a.status, a.tags, a.author_id, u.name as author_name, a.created_at, a.updated_at, a.published_at`;
const FROM = sql`from kb_articles a left join users u on u.id = a.author_id`;

export async function findArticle(ex: Executor, brandId: string, id: string, opts: { lock?: boolean } = {}): Promise<KbArticleRow | undefined> {
  // The lock is taken on the article alone (a left join cannot be locked on its nullable side).
  if (opts.lock) await sql`select 1 from kb_articles where brand_id = ${brandId} and id = ${id}::uuid for update`.execute(ex);
  return (await sql<KbArticleRow>`select ${COLUMNS} ${FROM} where a.brand_id = ${brandId} and a.id = ${id}::uuid`.execute(ex)).rows[0];
}

export async function slugTaken(ex: Executor, brandId: string, slug: string, exceptId: string | null): Promise<boolean> {
  const r = await sql<{ id: string }>`select id from kb_articles where brand_id = ${brandId} and slug = ${slug} ${exceptId ? sql`and id <> ${exceptId}::uuid` : sql``}`.execute(ex);
  return r.rows.length > 0;
}

/** A published article by brand (slug, or id when it looks like one) and slug: the public page. */
export async function findPublished(ex: Executor, brandRef: string, slug: string): Promise<(KbArticleRow & { brand_name: string; brand_slug: string; brand_settings: Record<string, unknown> }) | undefined> {
  const byId = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(brandRef);
  return (await sql<KbArticleRow & { brand_name: string; brand_slug: string; brand_settings: Record<string, unknown> }>`
    select ${COLUMNS}, b.name as brand_name, b.slug as brand_slug, b.settings as brand_settings ${FROM} join brands b on b.id = a.brand_id
    where ${byId ? sql`b.id = ${brandRef}::uuid` : sql`b.slug = ${brandRef}`} and a.slug = ${slug} and a.status = 'published'`.execute(ex)).rows[0];
}

/** A brand as its public help centre is addressed: by slug or id. */
export async function findBrandByRef(ex: Executor, brandRef: string): Promise<{ id: string; name: string; slug: string; settings: Record<string, unknown> } | undefined> {
  const byId = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(brandRef);
  return (await sql<{ id: string; name: string; slug: string; settings: Record<string, unknown> }>`
    select id, name, slug, settings from brands where ${byId ? sql`id = ${brandRef}::uuid` : sql`slug = ${brandRef}`}`.execute(ex)).rows[0];
}

/** Published articles sharing tags with one article, most shared tags first, then most recently edited. */
export async function relatedPublished(ex: Executor, brandId: string, excludeId: string, tags: string[], limit: number): Promise<{ title: string; slug: string }[]> {
  if (tags.length === 0) return [];
  return (await sql<{ title: string; slug: string }>`
    select a.title, a.slug from kb_articles a
    where a.brand_id = ${brandId} and a.status = 'published' and a.id <> ${excludeId}::uuid and a.tags && ${tags}::text[]
    order by cardinality(array(select unnest(a.tags) intersect select unnest(${tags}::text[]))) desc, a.updated_at desc, a.id
    limit ${limit}`.execute(ex)).rows;
}

export interface ArticleFilter {
  status: KbArticleStatus[];
  tag?: string | undefined;
  /** A web-search style query (words, "phrases", or, -not). */
  q?: string | undefined;
  /** Keyset position: (updated_at, id) when browsing, (rank, id) when searching. */
  after: { at: string; id: string } | { rank: string; id: string } | null;
  limit: number;
}

export type ArticleListRow = KbArticleRow & { rank: string | null };

/** Browsing: most recently edited first. Searching: best match first (title over tags over body). */
export async function listArticles(ex: Executor, brandId: string, f: ArticleFilter): Promise<ArticleListRow[]> {
  const where = [sql`a.brand_id = ${brandId}`, sql`a.status = any(${f.status}::text[])`];
  if (f.tag) where.push(sql`a.tags @> ${[f.tag]}::text[]`);
  const q = f.q?.trim();
  if (q) {
    // Ranked on the wanted words only: ts_rank of a query with "-word" in it scores the excluded
    // word's absence too, which ties articles that differ in where the wanted word is.
    const wanted = q.replace(/(^|\s)-\S+/g, ' ').trim() || q;
    const rank = sql`ts_rank(a.search, websearch_to_tsquery('english', ${wanted}), 1)`;
    where.push(sql`a.search @@ websearch_to_tsquery('english', ${q})`);
    if (f.after && 'rank' in f.after) where.push(sql`(${rank}, a.id) < (${f.after.rank}::real, ${f.after.id}::uuid)`);
    return (await sql<ArticleListRow>`select ${COLUMNS}, ${rank}::text as rank ${FROM}
      where ${sql.join(where, sql` and `)} order by ${rank} desc, a.id desc limit ${f.limit}`.execute(ex)).rows;
  }
  if (f.after && 'at' in f.after) where.push(sql`(a.updated_at, a.id) < (${f.after.at}::timestamptz, ${f.after.id}::uuid)`);
  return (await sql<ArticleListRow>`select ${COLUMNS}, null as rank ${FROM}
    where ${sql.join(where, sql` and `)} order by a.updated_at desc, a.id desc limit ${f.limit}`.execute(ex)).rows;
}

export type SuggestionRow = KbArticleRow & { score: number; matched: string[]; in_title: string[] };

/**
 * Published articles matching any of the terms, best first: ts_rank over an OR of the terms
 * (more of them, and in the title, rank higher), divided by 1 + log(length) so a long article does
 * not win by size. `matched` are the terms each article contains, `in_title` those in its title or tags.
 */
export async function suggestArticles(ex: Executor, brandId: string, terms: string[], limit: number): Promise<SuggestionRow[]> {
  if (!terms.length) return [];
  // Terms are letters and digits only (questionTerms), so joining them with | is a valid tsquery.
  const query = sql`to_tsquery('english', ${terms.join(' | ')})`;
  const each = (doc: ReturnType<typeof sql>) => sql`array(select t from unnest(${terms}::text[]) with ordinality as x(t, n)
    where numnode(to_tsquery('english', t)) > 0 and ${doc} @@ to_tsquery('english', t) order by n)`;
  return (await sql<SuggestionRow>`
    select ${COLUMNS}, ts_rank(a.search, ${query}, 1) as score, ${each(sql`a.search`)} as matched, ${each(sql`ts_filter(a.search, '{a,b}')`)} as in_title
    ${FROM}
    where a.brand_id = ${brandId} and a.status = 'published' and a.search @@ ${query}
    order by score desc, a.updated_at desc, a.id
    limit ${limit}`.execute(ex)).rows;
}

/** The customer's newest messages in a conversation (customer-written only), with when the brand last replied. */
export async function latestInbound(ex: Executor, brandId: string, conversationId: string, limit: number): Promise<{ text: string; sent_at: Date; answered: boolean }[]> {
  return (await sql<{ text: string; sent_at: Date; answered: boolean }>`
    select m.text, m.sent_at,
      exists (select 1 from messages r where r.brand_id = ${brandId} and r.conversation_id = m.conversation_id and r.direction = 'outbound'
        and r.kind = 'message' and r.sent_at >= m.sent_at) as answered
    from messages m
    where m.brand_id = ${brandId} and m.conversation_id = ${conversationId}::uuid and m.direction = 'inbound' and m.kind = 'message'
    order by m.sent_at desc, m.created_at desc
    limit ${limit}`.execute(ex)).rows;
}
