import { sql, type DB } from '@earshot/db';
import type { Kysely } from 'kysely';
import type { AnalyticsFilter } from './analytics.service';

// The export of conversations and messages (ADR 0022): keyset pages over conversations_created_idx
// and messages_conversation_idx, streamed a line at a time: no row cap, memory bound by one page.

const PAGE = 1000;

export type ExportFormat = 'csv' | 'jsonl';
export type ExportKind = 'conversations' | 'messages';

export interface ExportRequest { from: Date; to: Date; filters: AnalyticsFilter[]; format: ExportFormat; kind: ExportKind }

const CONVERSATION_COLUMNS = ['id', 'created_at', 'status', 'priority', 'channel_id', 'channel_kind', 'team_id', 'assignee_id', 'is_public', 'tags', 'topic', 'sentiment', 'first_reply_at', 'resolved_at', 'message_count', 'subject'] as const;
const MESSAGE_COLUMNS = ['id', 'conversation_id', 'sent_at', 'direction', 'visibility', 'kind', 'channel_id', 'author_user_id', 'sentiment', 'text'] as const;

/** One CSV field (RFC 4180), with formula-looking text neutralised for spreadsheets. */
export function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  let s = v instanceof Date ? v.toISOString() : Array.isArray(v) ? v.join(';') : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function line(format: ExportFormat, cols: readonly string[], row: Record<string, unknown>): string {
  if (format === 'jsonl') return `${JSON.stringify(Object.fromEntries(cols.map((c) => [c, row[c] instanceof Date ? (row[c] as Date).toISOString() : row[c] ?? null])))}\n`;
  return `${cols.map((c) => csvField(row[c])).join(',')}\r\n`;
}

function filterSql(f: AnalyticsFilter) {
  const none = f.key === 'none';
  switch (f.dim) {
    case 'channel': return sql`c.channel_id = ${f.key}::uuid`;
    case 'channel_kind': return sql`ch.kind = ${f.key}`;
    case 'team': return none ? sql`c.team_id is null` : sql`c.team_id = ${f.key}::uuid`;
    case 'agent': return none ? sql`c.assignee_id is null` : sql`c.assignee_id = ${f.key}::uuid`;
    case 'topic': return none ? sql`(c.triage -> 'topic' ->> 'value') is null` : sql`c.triage -> 'topic' ->> 'value' = ${f.key}`;
    case 'sentiment': return none ? sql`(c.triage -> 'sentiment' ->> 'value') is null` : sql`c.triage -> 'sentiment' ->> 'value' = ${f.key}`;
    case 'visibility': return sql`c.is_public = ${f.key === 'public'}`;
    case 'tag': return sql`c.tags @> array[${f.key}]::text[]`;
    case 'all': return sql`true`;
  }
}

interface ConvRow extends Record<string, unknown> { id: string; created_at: Date | string }

/** Lines of the export (header first for CSV), read a page at a time. */
export async function* exportLines(db: Kysely<DB>, brandId: string, req: ExportRequest): AsyncGenerator<string> {
  const cols = req.kind === 'conversations' ? CONVERSATION_COLUMNS : MESSAGE_COLUMNS;
  if (req.format === 'csv') yield `${cols.join(',')}\r\n`;
  let after: { at: Date; id: string } | null = null;
  const where = [sql`c.brand_id = ${brandId}`, sql`c.created_at >= ${req.from}`, sql`c.created_at < ${req.to}`, ...req.filters.map(filterSql)];
  for (;;) {
    const page: ConvRow[] = (await sql<ConvRow>`
      select c.id, c.created_at, c.status, c.priority, c.channel_id, ch.kind as channel_kind, c.team_id, c.assignee_id, c.is_public, c.tags,
             c.triage -> 'topic' ->> 'value' as topic, c.triage -> 'sentiment' ->> 'value' as sentiment, c.first_reply_at, c.resolved_at, c.message_count, c.subject
      from conversations c join channels ch on ch.id = c.channel_id and ch.brand_id = c.brand_id
      where ${sql.join(where, sql` and `)} ${after ? sql`and (c.created_at, c.id) > (${after.at}, ${after.id}::uuid)` : sql``}
      order by c.created_at, c.id limit ${PAGE}`.execute(db)).rows;
    if (page.length === 0) return;
    if (req.kind === 'conversations') {
      for (const r of page) yield line(req.format, cols, r);
    } else {
      const ids = page.map((r) => r.id);
      const msgs = await sql<Record<string, unknown>>`
        select id, conversation_id, sent_at, direction, visibility, kind, channel_id, author_user_id, triage -> 'sentiment' ->> 'value' as sentiment, text
        from messages where brand_id = ${brandId} and conversation_id = any(${ids}::uuid[])
        order by conversation_id, sent_at, created_at, id`.execute(db);
      for (const m of msgs.rows) yield line(req.format, cols, m);
    }
    const last = page[page.length - 1];
    if (!last || page.length < PAGE) return;
    after = { at: new Date(last.created_at), id: last.id };
  }
}
