// `--history N` for the ingest bench: a brand with real history before the timed run. Rows are
// generated in Node and written with multi-row INSERT … SELECT FROM json_populate_recordset(…) in
// chunks, in three transactions (people and conversations, messages, audit), not through the
// pipeline. Only the schema (packages/db/migrations) and auditHash are relied on, so the bench
// keeps working while the pipeline's code changes.
import { seededRandom } from '../../packages/core/src/channels/testing/seeded-random';
import { randomUUID } from 'node:crypto';
import { sql, type DB, type DbHandle, type Kysely } from '@earshot/db';
import { auditHash } from '../../packages/core/src/audit/audit.hash';
import type { BenchBrand } from './seed';

type Db = Kysely<DB>;
type Row = Record<string, unknown>;

const GENESIS_HASH = '0'.repeat(64);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const PREVIEW_CHARS = 280;
/** The routing service's actor id on its audit rows. */
const ROUTING_ACTOR = 'routing';
/** Larger N are refused: the seeded provider and author ids below are sized for it. */
export const MAX_HISTORY = 5_000_000;

export type HistoryKind = 'x' | 'facebook' | 'messenger' | 'api';

/** A seeded conversation a live message can reply into: its customer and the ids that lead to it. */
export interface HistoryTarget {
  kind: HistoryKind;
  /** The author's provider id (the seeded identity's external_id). */
  externalId: string;
  handle: string | null;
  name: string;
  followers: number | null;
  /** Provider id a reply names (the latest tweet / API message, the top-level comment). */
  replyTo: string;
  /** Thread key the provider will send with the reply (null where it sends none: X v1.1 replies). */
  threadKey: string | null;
  visibility: 'public' | 'private';
}

export interface HistoryResult {
  messages: number;
  conversations: number;
  contacts: number;
  threadKeys: number;
  auditRows: number;
  /** The seed's chain before, and the chain's end after seeding. */
  auditSeqBefore: number;
  auditSeqAfter: number;
  byStatus: Record<string, number>;
  seconds: number;
  phases: { name: string; seconds: number }[];
  targets: HistoryTarget[];
}

/** Deterministic [0, 1) numbers: the same N gives the same history. */
const prng = seededRandom;

/** Message counts per conversation: 1–9 (5 on average), adjusted so they add up to exactly n. */
function messageCounts(n: number, conversations: number, rand: () => number): number[] {
  const counts = Array.from({ length: conversations }, () => 1 + Math.floor(rand() * 9));
  let diff = n - counts.reduce((s, c) => s + c, 0);
  for (let k = 0; diff !== 0; k = (k + 1) % conversations) {
    const c = counts[k] ?? 1;
    if (diff > 0 && (c < 15 || conversations === 1)) { counts[k] = c + 1; diff--; }
    else if (diff < 0 && c > 1) { counts[k] = c - 1; diff++; }
  }
  return counts;
}

const SENTIMENTS = ['negative', 'negative', 'neutral', 'neutral', 'positive'] as const;
const TOPICS = ['delay', 'baggage', 'booking', 'refund', 'customer_service', 'other'] as const;

function labels(rand: () => number, needsResponse: boolean): Row {
  const c = () => Math.round((0.5 + rand() * 0.5) * 1000) / 1000;
  return {
    sentiment: { value: SENTIMENTS[Math.floor(rand() * SENTIMENTS.length)], confidence: c() },
    topic: { value: TOPICS[Math.floor(rand() * TOPICS.length)], confidence: c() },
    needsResponse: { value: needsResponse, confidence: c() },
    language: { value: rand() < 0.05 ? 'de' : 'en', confidence: c() },
  };
}

/**
 * INSERT … SELECT FROM json_populate_recordset: typed by the table itself, one parameter per chunk.
 * The next chunk is built (in Node) while the database writes the previous one.
 */
async function insertRows(db: Db, table: string, columns: string[], rows: Row[] | ((from: number, to: number) => Row[]), total: number, chunk: number): Promise<void> {
  const cols = sql.join(columns.map((c) => sql.ref(c)));
  let inflight: Promise<unknown> = Promise.resolve();
  for (let i = 0; i < total; i += chunk) {
    const json = JSON.stringify(typeof rows === 'function' ? rows(i, Math.min(total, i + chunk)) : rows.slice(i, i + chunk));
    await inflight;
    inflight = sql`insert into ${sql.table(table)} (${cols}) select ${cols} from json_populate_recordset(null::${sql.table(table)}, ${json}::json)`.execute(db);
  }
  await inflight;
}

/**
 * Runs `fn` in one transaction on one connection with the tables' secondary indexes dropped and
 * foreign-key triggers off (session_replication_role), then builds the indexes again from their
 * own definitions before the commit — as a restore does. The rows' references exist by
 * construction; constraint indexes (primary keys, unique) stay and check as usual.
 */
async function bulkLoad(h: DbHandle, tables: string[], fn: (cx: Db) => Promise<void>, log?: (s: string) => void): Promise<void> {
  await h.db.connection().execute(async (cx) => {
    await sql`begin`.execute(cx);
    try {
      const indexes = (await sql<{ name: string; def: string }>`
        select i.indexname as name, i.indexdef as def from pg_indexes i
        where i.schemaname = current_schema() and i.tablename = any(${tables}::text[])
          and not exists (select 1 from pg_constraint c where c.conindid = format('%I.%I', i.schemaname, i.indexname)::regclass)`.execute(cx)).rows;
      for (const ix of indexes) await sql`drop index ${sql.id(ix.name)}`.execute(cx);
      await sql`set local session_replication_role = replica`.execute(cx);
      const t0 = performance.now();
      await fn(cx);
      log?.(`  history: rows inserted without the ${indexes.length} secondary indexes: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      const t1 = performance.now();
      await sql`set local session_replication_role = origin`.execute(cx);
      await sql`set local maintenance_work_mem = ${sql.raw(h.kind === 'pglite' ? "'128MB'" : "'256MB'")}`.execute(cx);
      for (const ix of indexes) await sql.raw(ix.def).execute(cx);
      log?.(`  history: ${indexes.length} indexes built: ${((performance.now() - t1) / 1000).toFixed(1)} s`);
      await sql`commit`.execute(cx);
    } catch (e) {
      await sql`rollback`.execute(cx).catch(() => undefined);
      throw e;
    }
  });
}

/**
 * Seeds `n` earlier inbound messages in the bench brand over n/5 conversations of n/5 contacts (one
 * identity each), spread over the past six weeks: 80 % resolved, the rest open or pending and
 * recent. Each conversation's counters and last_* columns describe its messages, its thread keys
 * are in conversation_threads, and its audit rows (conversation.created, then per message
 * message.received and conversation.routed, as the pipeline writes them) continue the brand's
 * hash chain. The provider ids are outside the ranges the live load uses.
 */
export async function seedHistory(h: DbHandle, b: BenchBrand, n: number, texts: string[], o: { pageId: string; chunk?: number; log?: (s: string) => void }): Promise<HistoryResult> {
  const t0 = performance.now();
  const phases: { name: string; seconds: number }[] = [];
  let tPhase = t0;
  /** A phase's time from `since` (phases on two connections overlap: each is timed from its own start). */
  const phase = (name: string, since = tPhase) => {
    const now = performance.now();
    const seconds = (now - since) / 1000;
    phases.push({ name, seconds });
    tPhase = now;
    o.log?.(`  history: ${name}: ${seconds.toFixed(1)} s`);
  };
  const chunk = o.chunk ?? 5000;
  const rand = prng(n);
  const now = Date.now();
  const brandId = b.brandId;

  // The identity kind a channel files its authors under (settings.identityKind, else its kind).
  const identityKind = new Map<string, string>();
  for (const c of (await sql<{ id: string; kind: string; settings: Record<string, unknown> | null }>`select id, kind, settings from channels where brand_id = ${brandId}`.execute(h.db)).rows) {
    identityKind.set(c.id, typeof c.settings?.identityKind === 'string' ? c.settings.identityKind : c.kind);
  }
  const ruleSetVersion = Number((await sql<{ v: number | null }>`select max(version) as v from routing_rule_sets where brand_id = ${brandId}`.execute(h.db)).rows[0]?.v ?? 0);

  const nConv = n === 0 ? 0 : Math.max(1, Math.floor(n / 5));
  const counts = messageCounts(n, nConv, rand);
  const contacts: Row[] = [];
  const identities: Row[] = [];
  const conversations: Row[] = [];
  const threads: Row[] = [];
  const messages: Row[] = [];
  const targets: HistoryTarget[] = [];
  /** Audit entries before sequencing: time, then the order the pipeline would record them in. */
  const audit: { at: number; order: number; actorType: 'channel' | 'system'; actorId: string; action: string; subjectType: string; subjectId: string; after: Row }[] = [];
  const byStatus: Record<string, number> = {};
  const kinds: HistoryKind[] = ['x', 'facebook', 'messenger', 'api'];
  const postId = `${o.pageId}_900000001`;
  let msgIndex = 0;
  let textIndex = 0;
  const nextText = () => texts.length ? texts[(textIndex++ * 7919) % texts.length] ?? 'hello' : 'hello';

  for (let k = 0; k < nConv; k++) {
    const kind = kinds[k % 4] ?? 'api';
    const channelId = kind === 'x' ? b.x.channelId : kind === 'api' ? b.api.channelId : b.facebook.channelId;
    const count = counts[k] ?? 1;
    const r = rand();
    const status = r < 0.8 ? 'resolved' : r < 0.94 ? 'open' : 'pending';
    byStatus[status] = (byStatus[status] ?? 0) + 1;
    // The last message: resolved ones over the past six weeks, the working set in the last two days.
    const gap = Math.floor((2 * MINUTE + rand() * 3 * HOUR) / 1000) * 1000;
    const last = Math.floor((status === 'resolved' ? now - DAY - rand() * 41 * DAY : now - MINUTE - rand() * 2 * DAY) / 1000) * 1000;
    const first = last - (count - 1) * gap;

    const externalId = kind === 'x' ? String(50_000_000 + k) : kind === 'api' ? `hist-web-${k}` : String(2_900_000_000 + k);
    const handle = kind === 'x' ? `hist_${k}` : kind === 'api' ? `@histweb${k}` : null;
    const name = kind === 'x' || kind === 'api' ? `History customer ${k}` : `History Person ${k}`;
    const followers = kind === 'x' ? (k * 37) % 5000 : kind === 'api' ? (k * 13) % 900 : null;
    const contactId = randomUUID();
    const identityId = randomUUID();
    const conversationId = randomUUID();
    const createdIso = new Date(first).toISOString();
    contacts.push({ id: contactId, brand_id: brandId, name: kind === 'facebook' || kind === 'messenger' ? name : handle, created_at: createdIso, updated_at: new Date(last).toISOString() });
    identities.push({ id: identityId, brand_id: brandId, contact_id: contactId, channel_kind: identityKind.get(channelId) ?? kind, external_id: externalId, handle, display_name: name, followers, created_at: createdIso });

    const keys = new Set<string>();
    let prevId: string | null = null;
    let firstId = '';
    let lastText = '';
    let lastVisibility: 'public' | 'private' = 'public';
    let firstVisibility: 'public' | 'private' = 'public';
    let lastLabels: Row = {};
    let lastThreadKey: string | null = null;
    const needsResponse = status !== 'resolved' || rand() < 0.85;
    for (let j = 0; j < count; j++) {
      const sentAt = first + j * gap;
      const i = msgIndex++;
      // Outside the live load's ids: X snowflakes have 19 digits, the fakes' comments and mids other shapes, API ids are api-<i>.
      const pid = kind === 'x' ? String(1_000_000_000_000 + i) : kind === 'facebook' ? `h${k}_${j}` : kind === 'messenger' ? `m_hist.${k}.${j}` : `hist-api-${k}-${j}`;
      if (j === 0) firstId = pid;
      const threadKey = kind === 'x' ? (j === 0 ? `x:conv:${pid}` : null)
        : kind === 'facebook' ? `fb:comment:${firstId}`
        : kind === 'messenger' ? `fb:dm:${o.pageId}:${externalId}`
        : `hist:thread:${k}`;
      const replyTo = kind === 'x' || kind === 'api' ? prevId : kind === 'facebook' ? (j === 0 ? postId : firstId) : null;
      const visibility = kind === 'messenger' || (kind === 'api' && k % 3 === 0) ? 'private' : 'public';
      const text = nextText();
      const messageId = randomUUID();
      const l = labels(rand, needsResponse);
      messages.push({
        id: messageId, brand_id: brandId, conversation_id: conversationId, channel_id: channelId, direction: 'inbound', visibility, kind: 'message',
        author_identity_id: identityId, text, provider_message_id: pid, provider_thread_id: threadKey, reply_to_provider_id: replyTo,
        author_followers: followers, attachments: [], triage: l, sent_at: new Date(sentAt).toISOString(), created_at: new Date(sentAt + 900).toISOString(),
      });
      keys.add(pid);
      if (threadKey) keys.add(threadKey);
      // What the worker records a moment after the message arrives.
      const at = sentAt + 500 + Math.floor(rand() * 1500);
      if (j === 0) audit.push({ at, order: 0, actorType: 'channel', actorId: channelId, action: 'conversation.created', subjectType: 'conversation', subjectId: conversationId, after: { contactId, channelId } });
      audit.push({ at, order: 1, actorType: 'channel', actorId: channelId, action: 'message.received', subjectType: 'message', subjectId: messageId, after: { conversationId, providerMessageId: pid, visibility, newContact: j === 0 } });
      audit.push({ at, order: 2, actorType: 'system', actorId: ROUTING_ACTOR, action: 'conversation.routed', subjectType: 'conversation', subjectId: conversationId, after: { messageId, ruleSetVersion, matched: [], explanation: 'no rule matched', changes: {} } });
      prevId = pid;
      lastText = text;
      lastVisibility = visibility;
      if (j === 0) firstVisibility = visibility;
      lastLabels = l;
      lastThreadKey = threadKey;
    }
    for (const key of keys) threads.push({ brand_id: brandId, channel_id: channelId, thread_key: key, conversation_id: conversationId });

    const resolvedAt = status === 'resolved' ? Math.min(now - MINUTE, last + 10 * MINUTE + Math.floor(rand() * 8 * HOUR)) : null;
    const lastRouted = new Date(last + 1000).toISOString();
    conversations.push({
      id: conversationId, brand_id: brandId, contact_id: contactId, channel_id: channelId, status,
      priority: rand() < 0.05 ? 'high' : rand() < 0.05 ? 'low' : 'normal', subject: '', preview: lastText.slice(0, PREVIEW_CHARS),
      is_public: firstVisibility === 'public', last_inbound_public: lastVisibility === 'public', needs_response: needsResponse, triage: lastLabels,
      waiting_since: status === 'resolved' ? null : createdIso, last_activity_at: new Date(last).toISOString(), last_inbound_at: new Date(last).toISOString(),
      resolved_at: resolvedAt === null ? null : new Date(resolvedAt).toISOString(), message_count: count, created_at: createdIso,
      updated_at: new Date(resolvedAt ?? last).toISOString(),
      routing: { ruleSetVersion, at: lastRouted, matched: [], team: null, assignment: null, escalations: [], incidentId: null, noResponseNeeded: false, explanation: 'no rule matched' },
    });
    targets.push({ kind, externalId, handle, name, followers, replyTo: kind === 'facebook' ? firstId : prevId ?? firstId, threadKey: kind === 'x' ? null : lastThreadKey, visibility: lastVisibility });
  }
  phase(`generated ${messages.length} messages, ${conversations.length} conversations in memory`);

  // Two independent writes: people → conversations → messages (foreign keys in that order) and the
  // audit chain (which references only the brand). On the server they run side by side on two
  // connections; the embedded database has one.
  const writePeople = async () => {
    const since = performance.now();
    await bulkLoad(h, ['contacts', 'contact_identities', 'conversations', 'conversation_threads', 'messages'], async (cx) => {
      await insertRows(cx, 'contacts', ['id', 'brand_id', 'name', 'created_at', 'updated_at'], contacts, contacts.length, chunk * 2);
      await insertRows(cx, 'contact_identities', ['id', 'brand_id', 'contact_id', 'channel_kind', 'external_id', 'handle', 'display_name', 'followers', 'created_at'], identities, identities.length, chunk * 2);
      await insertRows(cx, 'conversations', ['id', 'brand_id', 'contact_id', 'channel_id', 'status', 'priority', 'subject', 'preview', 'is_public', 'last_inbound_public', 'needs_response', 'triage',
        'waiting_since', 'last_activity_at', 'last_inbound_at', 'resolved_at', 'message_count', 'created_at', 'updated_at', 'routing'], conversations, conversations.length, chunk);
      await insertRows(cx, 'conversation_threads', ['brand_id', 'channel_id', 'thread_key', 'conversation_id'], threads, threads.length, chunk * 2);
      await insertRows(cx, 'messages', ['id', 'brand_id', 'conversation_id', 'channel_id', 'direction', 'visibility', 'kind', 'author_identity_id', 'text', 'provider_message_id',
        'provider_thread_id', 'reply_to_provider_id', 'author_followers', 'attachments', 'triage', 'sent_at', 'created_at'], messages, messages.length, chunk);
    }, o.log);
    phase(`contacts, identities, conversations, ${threads.length} thread keys, messages, indexes rebuilt`, since);
  };

  // The chain goes on from the seed's last row, under the lock the audit writer takes.
  audit.sort((p, q) => p.at - q.at || p.order - q.order);
  let before = 0;
  let after = 0;
  const writeAudit = () => h.db.transaction().execute(async (tx) => {
    const since = performance.now();
    await sql`select pg_advisory_xact_lock(hashtextextended(${`audit:${brandId}`}, 0))`.execute(tx);
    const lastRow = (await sql<{ seq: string; hash: string }>`select seq::text as seq, hash from audit_events where brand_id = ${brandId} order by seq desc limit 1`.execute(tx)).rows[0];
    before = lastRow ? Number(lastRow.seq) : 0;
    let seq = before;
    let prev = lastRow?.hash ?? GENESIS_HASH;
    const hashed = (from: number, to: number) => audit.slice(from, to).map((e) => {
      seq += 1;
      const row = {
        brand_id: brandId, seq: String(seq), actor_type: e.actorType, actor_id: e.actorId, action: e.action,
        subject_type: e.subjectType, subject_id: e.subjectId, before: null, after: e.after, created_at: new Date(e.at),
      };
      const hash = auditHash(prev, row);
      const out = { ...row, created_at: row.created_at.toISOString(), prev_hash: prev, hash };
      prev = hash;
      return out;
    });
    await insertRows(tx, 'audit_events', ['brand_id', 'seq', 'actor_type', 'actor_id', 'action', 'subject_type', 'subject_id', 'before', 'after', 'created_at', 'prev_hash', 'hash'], hashed, audit.length, chunk * 2);
    after = seq;
    phase(`${audit.length} audit rows (seq ${before + 1}..${after})`, since);
  });
  if (h.kind === 'pglite') {
    await writePeople();
    await writeAudit();
  } else {
    await Promise.all([writePeople(), writeAudit()]);
  }

  await sql`analyze contacts, contact_identities, conversations, conversation_threads, messages, audit_events`.execute(h.db);
  phase('analyze');

  return {
    messages: messages.length, conversations: conversations.length, contacts: contacts.length, threadKeys: threads.length, auditRows: audit.length,
    auditSeqBefore: before, auditSeqAfter: after, byStatus, seconds: (performance.now() - t0) / 1000, phases, targets,
  };
}

export interface ChainCheck { ok: boolean; lastSeq: number; rows: number; checked: number; sampled: number; problem: string | null }

interface StoredAudit {
  seq: string; brand_id: string; actor_type: string; actor_id: string | null; action: string; subject_type: string; subject_id: string | null;
  before: unknown; after: unknown; created_at: Date; prev_hash: string; hash: string;
}

/**
 * Checks a brand's audit chain as `earshot audit verify` would, on part of it: every row from
 * `fromSeq` (or the last `tail` rows) to the end — consecutive, each linked to the one before and
 * matching its own hash as read back from the database — plus `sample` rows picked at random along
 * the chain with their predecessors, and that the row count equals the last seq (no gaps).
 * `fromSeq: 1` checks the whole chain.
 */
export async function checkAuditChain(db: Db, brandId: string, o: { tail?: number; fromSeq?: number; sample?: number }): Promise<ChainCheck> {
  const stats = (await sql<{ last: string | null; n: string }>`select max(seq)::text as last, count(*)::text as n from audit_events where brand_id = ${brandId}`.execute(db)).rows[0];
  const lastSeq = Number(stats?.last ?? 0);
  const rows = Number(stats?.n ?? 0);
  const res: ChainCheck = { ok: true, lastSeq, rows, checked: 0, sampled: 0, problem: null };
  const fail = (problem: string): ChainCheck => ({ ...res, ok: false, problem });
  if (rows !== lastSeq) return fail(`${rows} rows but the last seq is ${lastSeq}: seqs are missing`);
  if (lastSeq === 0) return res;
  const rowCheck = (r: StoredAudit, prevHash: string, seq: number): string | null => {
    if (Number(r.seq) !== seq) return `seq ${seq}: found ${r.seq}`;
    if (r.prev_hash !== prevHash) return `seq ${seq}: prev_hash does not match the previous row's hash`;
    if (auditHash(r.prev_hash, { ...r, seq: String(r.seq) }) !== r.hash) return `seq ${seq}: the row does not match its hash`;
    return null;
  };
  const select = () => db.selectFrom('audit_events').select(['seq', 'brand_id', 'actor_type', 'actor_id', 'action', 'subject_type', 'subject_id', 'before', 'after', 'created_at', 'prev_hash', 'hash']).where('brand_id', '=', brandId);

  // The tail: from `start` to the end, in pages.
  const start = Math.max(1, o.fromSeq ?? lastSeq - (o.tail ?? 2000) + 1);
  let prevHash = start === 1 ? GENESIS_HASH : (await select().where('seq', '=', String(start - 1)).executeTakeFirst())?.hash;
  if (prevHash === undefined) return fail(`seq ${start - 1} is missing`);
  for (let seq = start; seq <= lastSeq;) {
    const page = (await select().where('seq', '>=', String(seq)).orderBy('seq', 'asc').limit(10_000).execute()) as StoredAudit[];
    if (page.length === 0) return fail(`seq ${seq} is missing`);
    for (const r of page) {
      const problem = rowCheck(r, prevHash, seq);
      if (problem) return fail(problem);
      prevHash = r.hash;
      seq += 1;
      res.checked += 1;
    }
  }

  // A random sample along the rest of the chain, each with its predecessor.
  const rand = prng(lastSeq);
  const picks = [...new Set(Array.from({ length: Math.min(o.sample ?? 500, Math.max(0, start - 1)) }, () => 1 + Math.floor(rand() * (start - 1))))];
  if (picks.length) {
    const wanted = [...new Set(picks.flatMap((s) => [s, s - 1]).filter((s) => s >= 1))].map(String);
    const got = new Map(((await select().where('seq', 'in', wanted).execute()) as StoredAudit[]).map((r) => [Number(r.seq), r]));
    for (const s of picks) {
      const r = got.get(s);
      const prev = s === 1 ? GENESIS_HASH : got.get(s - 1)?.hash;
      if (!r || prev === undefined) return fail(`seq ${r ? s - 1 : s} is missing`);
      const problem = rowCheck(r, prev, s);
      if (problem) return fail(problem);
      res.sampled += 1;
    }
  }
  return res;
}
