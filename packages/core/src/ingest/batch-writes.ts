import { sql, type ConversationsTable, type Updateable } from '@earshot/db';
import type { ConversationRow, MessageRow } from '../conversations/conversation.repository';
import type { IdentityRow } from '../contacts/contact.repository';
import type { AuditEntry } from '../audit/audit.types';
import type { AuditLike, MsgRow } from '../sla/sla.events';
import type { Executor } from '../shared/unit-of-work';

/**
 * The writes of one ingest worker batch, collected in memory and sent as a few multi-row
 * statements at the end of the batch instead of two or three statements per message:
 *
 * - new customers' contacts and identities, new conversations (ids generated in Node): one insert each;
 * - changed identities (handle, name, followers): one update;
 * - messages (ids generated in Node) and their thread keys: one insert each;
 * - every conversation's changes (the message's counters, routing's team/tags/priority, the SLA
 *   clock): merged per conversation and written by one `update … from jsonb_array_elements`;
 * - the SLA event log of each conversation of the batch, read once up front and kept current as
 *   the batch stores messages, so the clock of a busy conversation is not re-read per message.
 *
 * Only an ingest batch that runs without savepoints has one (`InboundBatch.writes`); when any job
 * of the batch fails, the worker rolls the whole attempt back and reruns the jobs one savepoint
 * each on plain statements, so nothing collected here outlives a rolled-back attempt.
 *
 * Conversations held here are locked (prefetch locks them `for update`, new ones are this
 * transaction's own), so the in-memory row is the truth for the rest of the batch. Writers that
 * still go to the table directly (an automatic acknowledgement's message counter) are safe: the
 * message count is written as a difference, and other columns are only written when a patch set them.
 */
export class IngestBatchWrites {
  readonly #contacts: { id: string; brand_id: string; name: string | null; email: string | null }[] = [];
  readonly #identities: IdentityRow[] = [];
  readonly #identityUpdates = new Map<string, IdentityRow>();
  readonly #newConversations = new Map<string, ConversationRow>();
  readonly #messages: Record<string, unknown>[] = [];
  readonly #threadKeys = new Map<string, { brand_id: string; channel_id: string; thread_key: string; conversation_id: string }>();
  readonly #patches = new Map<string, { brandId: string; baseCount: number; patch: Record<string, unknown> }>();
  readonly #current = new Map<string, ConversationRow>();
  readonly #logs = new Map<string, SlaLog>();

  /** The batch's latest view of a conversation it holds (undefined: not held). */
  conversation(id: string): ConversationRow | undefined {
    return this.#current.get(id);
  }

  /** A conversation row read (and locked) up front, or inserted by this batch. */
  hold(row: ConversationRow): void {
    if (!this.#current.has(row.id)) this.#current.set(row.id, row);
  }

  /** A new customer: the contact and its first identity, inserted at the end. */
  addContact(contact: { id: string; brand_id: string; name: string | null; email: string | null }, identity: IdentityRow): void {
    this.#contacts.push(contact);
    this.#identities.push(identity);
  }

  /** An identity whose handle, display name or followers changed (the latest row wins). */
  updateIdentity(row: IdentityRow): void {
    if (this.#identities.some((i) => i.id === row.id)) {
      const k = this.#identities.findIndex((i) => i.id === row.id);
      this.#identities[k] = row;
      return;
    }
    this.#identityUpdates.set(row.id, row);
  }

  /** A new conversation, inserted at the end with every change the batch makes to it. */
  addConversation(row: ConversationRow): void {
    this.#newConversations.set(row.id, row);
    this.#current.set(row.id, row);
  }

  /** Records a change of a held conversation, to be written at the end; returns the row as it now is. */
  change(conv: ConversationRow, set: Updateable<ConversationsTable>): ConversationRow {
    return this.changeRow(conv, parseJsonColumns(set));
  }

  /** `change` with values as the row holds them (JSON columns as values, not serialised). */
  changeRow(conv: ConversationRow, parsed: Partial<ConversationRow>): ConversationRow {
    const fresh = this.#newConversations.get(conv.id);
    if (fresh) {
      const row = { ...conv, ...parsed } as ConversationRow;
      this.#newConversations.set(conv.id, row);
      this.#current.set(conv.id, row);
      return row;
    }
    const entry = this.#patches.get(conv.id) ?? { brandId: conv.brand_id, baseCount: (this.#current.get(conv.id) ?? conv).message_count, patch: {} };
    Object.assign(entry.patch, parsed);
    this.#patches.set(conv.id, entry);
    const row = { ...conv, ...parsed } as ConversationRow;
    this.#current.set(conv.id, row);
    return row;
  }

  /** A message to insert at the end, with the thread keys that lead to its conversation. */
  addMessage(row: MessageRow, threadKeys: string[]): void {
    this.#messages.push({ ...row, attachments: row.attachments ?? [], triage: row.triage ?? null });
    for (const k of threadKeys) {
      const key = `${row.channel_id}\n${k}`;
      if (!this.#threadKeys.has(key)) this.#threadKeys.set(key, { brand_id: row.brand_id, channel_id: row.channel_id, thread_key: k, conversation_id: row.conversation_id });
    }
    this.#logs.get(row.conversation_id)?.messages.push(row);
  }

  /** The conversation's SLA log as read up front (or started by this batch), kept current; undefined when not held. */
  slaLog(conversationId: string): SlaLog | undefined {
    return this.#logs.get(conversationId);
  }

  setSlaLog(conversationId: string, log: SlaLog): void {
    this.#logs.set(conversationId, log);
  }

  /** Audit entries recorded for the conversation become part of its log (each entry once). */
  noteAudit(conversationId: string, entries: readonly AuditEntry[]): void {
    const log = this.#logs.get(conversationId);
    if (!log) return;
    for (const e of entries) {
      if (e.subjectType !== 'conversation' || e.subjectId !== conversationId || log.seen.has(e)) continue;
      log.seen.add(e);
      log.audit.push({ subject_id: e.subjectId, action: e.action, before: e.before ?? null, after: e.after ?? null, created_at: e.at });
    }
  }

  /**
   * Writes everything collected, parents first: contacts, identities, conversations, messages,
   * thread keys, then one update each for changed identities and conversations. May run more than
   * once in a batch (an automatic acknowledgement needs its conversation stored); it starts afresh.
   */
  async flush(ex: Executor): Promise<void> {
    if (this.#contacts.length > 0) {
      const c = this.#contacts;
      await sql`insert into contacts (id, brand_id, name, email)
        select * from unnest(${c.map((x) => x.id)}::uuid[], ${c.map((x) => x.brand_id)}::uuid[], ${c.map((x) => x.name)}::text[], ${c.map((x) => x.email)}::text[])`.execute(ex);
      this.#contacts.length = 0;
    }
    if (this.#identities.length > 0) {
      const i = this.#identities;
      const inserted = await sql`insert into contact_identities (id, brand_id, contact_id, channel_kind, external_id, handle, display_name, followers)
        select * from unnest(${i.map((x) => x.id)}::uuid[], ${i.map((x) => x.brand_id)}::uuid[], ${i.map((x) => x.contact_id)}::uuid[], ${i.map((x) => x.channel_kind)}::text[],
          ${i.map((x) => x.external_id)}::text[], ${i.map((x) => x.handle)}::text[], ${i.map((x) => x.display_name)}::text[], ${i.map((x) => x.followers)}::integer[])
        on conflict (brand_id, channel_kind, external_id) do nothing`.execute(ex);
      // Another batch created one of these customers meanwhile: this batch's view is wrong, so it
      // reruns (the worker retries with a savepoint per job, which resolves the race row by row).
      if (Number(inserted.numAffectedRows ?? 0) !== i.length) throw new Error('a customer of this batch was created by a concurrent batch');
      this.#identities.length = 0;
    }
    if (this.#newConversations.size > 0) {
      const rows = [...this.#newConversations.values()];
      await sql`insert into conversations (${sql.raw(INSERT_COLUMNS.join(', '))})
        select ${sql.raw(INSERT_COLUMNS.map((col) => `c.${col}`).join(', '))}
        from jsonb_array_elements(${JSON.stringify(rows)}::jsonb) as e(j), jsonb_populate_record(null::conversations, e.j) as c`.execute(ex);
      this.#newConversations.clear();
    }
    if (this.#messages.length > 0) {
      await sql`
        insert into messages (id, brand_id, conversation_id, channel_id, direction, visibility, kind, author_identity_id, author_user_id, text,
          provider_message_id, provider_thread_id, reply_to_provider_id, author_followers, attachments, raw, inbound_event_id, triage, delivery_status, sent_at, created_at)
        select m.id, m.brand_id, m.conversation_id, m.channel_id, m.direction, m.visibility, m.kind, m.author_identity_id, m.author_user_id, m.text,
          m.provider_message_id, m.provider_thread_id, m.reply_to_provider_id, m.author_followers, m.attachments, m.raw, m.inbound_event_id, m.triage, m.delivery_status, m.sent_at,
          -- Stored in the batch's order, as one statement per message would have: a tie on sent_at is broken by created_at.
          clock_timestamp() + make_interval(secs => e.n / 1e6)
        -- Each element typed as a messages row; the ordinality keeps the batch's order.
        from jsonb_array_elements(${JSON.stringify(this.#messages)}::jsonb) with ordinality as e(j, n), jsonb_populate_record(null::messages, e.j) as m`.execute(ex);
      this.#messages.length = 0;
    }
    if (this.#threadKeys.size > 0) {
      const keys = [...this.#threadKeys.values()];
      await sql`
        insert into conversation_threads (brand_id, channel_id, thread_key, conversation_id)
        select * from unnest(${keys.map((k) => k.brand_id)}::uuid[], ${keys.map((k) => k.channel_id)}::uuid[], ${keys.map((k) => k.thread_key)}::text[], ${keys.map((k) => k.conversation_id)}::uuid[])
        on conflict (channel_id, thread_key) do nothing`.execute(ex);
      this.#threadKeys.clear();
    }
    if (this.#identityUpdates.size > 0) {
      const u = [...this.#identityUpdates.values()];
      await sql`update contact_identities i set handle = v.handle, display_name = v.display_name, followers = v.followers
        from unnest(${u.map((x) => x.id)}::uuid[], ${u.map((x) => x.handle)}::text[], ${u.map((x) => x.display_name)}::text[], ${u.map((x) => x.followers)}::integer[])
          as v(id, handle, display_name, followers)
        where i.id = v.id`.execute(ex);
      this.#identityUpdates.clear();
    }
    if (this.#patches.size > 0) {
      // In id order, the order the rows were locked in.
      const items = [...this.#patches].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([id, e]) => {
        const { message_count: count, ...rest } = e.patch;
        return { id, brand_id: e.brandId, p: rest, d: typeof count === 'number' ? count - e.baseCount : 0 };
      });
      await sql`
        update conversations c set ${sql.raw(SET_CLAUSE)}, message_count = c.message_count + v.d, updated_at = now()
        from (select (x ->> 'id')::uuid as id, (x ->> 'brand_id')::uuid as brand_id, x -> 'p' as p, (x ->> 'd')::integer as d
              from jsonb_array_elements(${JSON.stringify(items)}::jsonb) as x) as v
        where c.id = v.id and c.brand_id = v.brand_id`.execute(ex);
      this.#patches.clear();
    }
  }
}

/** A conversation's SLA event log in the shape `buildSlaEvents` reads. */
export interface SlaLog {
  messages: MsgRow[];
  audit: AuditLike[];
  /** Audit entries of this batch already in `audit`. */
  seen: Set<AuditEntry>;
}

/** Conversation columns a patch may set, with their SQL types (others are never changed by ingest). */
const COLUMN_TYPES: Record<string, string> = {
  status: 'text', priority: 'text', team_id: 'uuid', assignee_id: 'uuid', subject: 'text', preview: 'text', is_public: 'boolean', tags: 'text[]',
  needs_response: 'boolean', triage: 'jsonb', first_reply_at: 'timestamptz', waiting_since: 'timestamptz', last_activity_at: 'timestamptz',
  last_inbound_at: 'timestamptz', last_inbound_public: 'boolean', snoozed_until: 'timestamptz', resolved_at: 'timestamptz',
  sla_policy: 'text', sla_state: 'text', sla_first_response_due_at: 'timestamptz', sla_next_response_due_at: 'timestamptz',
  sla_resolution_due_at: 'timestamptz', sla_next_evaluation_at: 'timestamptz', sla_first_response_breached: 'boolean',
  sla_next_response_breached: 'boolean', sla_resolution_breached: 'boolean', sla_raised: 'text[]', sla_clock: 'jsonb', sla_evaluated_at: 'timestamptz',
  routing: 'jsonb',
};
/** Columns of a conversation the batch inserts (the rest keep their defaults). */
const INSERT_COLUMNS = ['id', 'brand_id', 'contact_id', 'channel_id', ...Object.keys(COLUMN_TYPES), 'message_count', 'created_at', 'updated_at'];
const JSON_COLUMNS = new Set(Object.entries(COLUMN_TYPES).filter(([, t]) => t === 'jsonb').map(([c]) => c));

/** `col = case when the patch has it then its value else the column`, for every column above. */
const SET_CLAUSE = Object.entries(COLUMN_TYPES).map(([col, type]) => {
  const value = type === 'jsonb' ? `nullif(v.p -> '${col}', 'null'::jsonb)`
    : type === 'text[]' ? `array(select jsonb_array_elements_text(v.p -> '${col}'))`
      : `(v.p ->> '${col}')::${type}`;
  return `${col} = case when v.p ? '${col}' then ${value} else c.${col} end`;
}).join(', ');

/** A patch with its JSON columns as values (callers pass them serialised, as Kysely wants them). */
function parseJsonColumns(set: Updateable<ConversationsTable>): Partial<ConversationRow> {
  const parsed: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(set)) {
    if (v === undefined || k === 'updated_at') continue;
    parsed[k] = JSON_COLUMNS.has(k) && typeof v === 'string' ? JSON.parse(v) as unknown : v;
  }
  return parsed;
}
