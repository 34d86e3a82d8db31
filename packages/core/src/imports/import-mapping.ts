import { z } from 'zod';
import { CanonicalMessage, ChannelKind, EarshotError } from '@earshot/domain';
import { decodeEntities } from '../shared/text';
import { parseArchiveDate } from './import-dates';
import { valueAt, type ImportRecord } from './import-records';

/** The network an imported archive came from: contacts and routing treat its messages as that kind. */
export const ImportKind = ChannelKind.exclude(['import']);
export type ImportKind = z.infer<typeof ImportKind>;

const Direction = z.enum(['inbound', 'outbound']);
const Visibility = z.enum(['public', 'private']);
/** A CSV column name, or a JSON field path with dots for nested objects ("user.screen_name"). */
const FieldRef = z.string().trim().min(1, 'must name a column or field').max(200);

/**
 * Which column or field holds what, for `earshot import csv|json --map <file>`. `name` names the import
 * (its channel in the desk): rows are unique by id within it, so importing again stores nothing twice.
 */
export const ImportMapping = z.strictObject({
  name: z.string().trim().min(1, 'is required: it names the import and scopes its ids').max(100),
  fields: z.strictObject({
    id: FieldRef,
    text: FieldRef,
    createdAt: FieldRef,
    authorId: FieldRef.optional(),
    authorHandle: FieldRef.optional(),
    authorName: FieldRef.optional(),
    authorEmail: FieldRef.optional(),
    authorFollowers: FieldRef.optional(),
    inReplyTo: FieldRef.optional(),
    threadKey: FieldRef.optional(),
    subject: FieldRef.optional(),
    direction: FieldRef.optional(),
    visibility: FieldRef.optional(),
    channelKind: FieldRef.optional(),
  }),
  /** Used when a row has no value for the field (or the mapping names no column for it). */
  defaults: z.strictObject({ channelKind: ImportKind.optional(), direction: Direction.optional(), visibility: Visibility.optional() }).optional(),
  /** The archive's own words for direction, visibility and network, e.g. `{ "direction": { "customer": "inbound" } }`. */
  values: z.strictObject({
    direction: z.record(z.string(), Direction).optional(),
    visibility: z.record(z.string(), Visibility).optional(),
    channelKind: z.record(z.string(), ImportKind).optional(),
  }).optional(),
  /** Decode HTML entities left in the text (`&amp;` → `&`), as tweet archives have them. */
  decodeHtmlEntities: z.boolean().optional(),
  /** Keep the whole original record in the stored event (default true): columns not mapped stay available. */
  keepRecord: z.boolean().optional(),
});
export type ImportMapping = z.infer<typeof ImportMapping>;

/** Parses a mapping; every problem is named with its path, e.g. `fields.autor: unknown key`. */
export function parseImportMapping(value: unknown): ImportMapping {
  const r = ImportMapping.safeParse(value);
  if (r.success) return r.data;
  const problems = r.error.issues.map((i) => {
    const path = i.path.length ? i.path.join('.') : '(root)';
    if (i.code === 'unrecognized_keys') return `${path}: unknown key(s) ${i.keys.map((k) => `"${k}"`).join(', ')}`;
    if (i.code === 'invalid_type' && /received undefined/.test(i.message)) return `${path}: is required`;
    return `${path}: ${i.message}`;
  });
  throw new EarshotError('EARSHOT_VALIDATION', `the import mapping is not valid: ${problems.join('; ')}`, { field: `mapping.${String(r.error.issues[0]?.path.join('.') ?? '')}`, details: { problems } });
}

/** Every column the mapping names must exist in the file: a typo is an error naming it, before anything is stored. */
export function checkMappedFields(mapping: ImportMapping, available: Set<string>, what: 'column' | 'field'): void {
  const unknown = Object.entries(mapping.fields).filter(([, ref]) => ref !== undefined && !available.has(ref));
  if (unknown.length === 0) return;
  const list = unknown.map(([key, ref]) => `fields.${key}: ${what} "${ref}" is not in the file`);
  const known = [...available].slice(0, 40).join(', ');
  throw new EarshotError('EARSHOT_VALIDATION', `${list.join('; ')} (${what}s found: ${known || 'none'})`, { field: `mapping.fields.${unknown[0]?.[0] ?? ''}`, details: { unknown: unknown.map(([, ref]) => ref) } });
}

export type MappedRecord = { ok: true; kind: ImportKind; message: CanonicalMessage } | { ok: false; message: string };

const BUILTIN_DIRECTION: Record<string, 'inbound' | 'outbound'> = {
  inbound: 'inbound', in: 'inbound', true: 'inbound', '1': 'inbound', yes: 'inbound', customer: 'inbound',
  outbound: 'outbound', out: 'outbound', false: 'outbound', '0': 'outbound', no: 'outbound', agent: 'outbound', brand: 'outbound',
};
const BUILTIN_VISIBILITY: Record<string, 'public' | 'private'> = { public: 'public', private: 'private', dm: 'private', direct: 'private' };
const BUILTIN_KIND: Record<string, ImportKind> = { ...Object.fromEntries(ImportKind.options.map((k) => [k, k])), twitter: 'x' };
const HANDLE_KINDS = new Set<ImportKind>(['x', 'instagram']);

class RowProblem extends Error {}

/** One record → a canonical message, or the reason it cannot be imported. Pure. */
export function mapRecord(mapping: ImportMapping, record: ImportRecord): MappedRecord {
  try {
    return mapOrThrow(mapping, record);
  } catch (err) {
    if (err instanceof RowProblem) return { ok: false, message: err.message };
    throw err;
  }
}

function mapOrThrow(mapping: ImportMapping, record: ImportRecord): MappedRecord {
  const f = mapping.fields;
  const text = (key: keyof ImportMapping['fields']): string | null => {
    const ref = f[key];
    if (ref === undefined) return null;
    const v = valueAt(record.values, ref);
    if (v === undefined || v === null) return null;
    if (typeof v === 'string') return v.trim() === '' ? null : v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    throw new RowProblem(`${key} ("${ref}") is not text`);
  };
  const pick = <T extends string>(key: 'direction' | 'visibility' | 'channelKind', builtin: Record<string, T>, fallback: T): T => {
    const raw = text(key);
    if (raw === null) return (mapping.defaults?.[key] as T | undefined) ?? fallback;
    const own = mapping.values?.[key] as Record<string, T> | undefined;
    const v = own?.[raw] ?? own?.[raw.trim().toLowerCase()] ?? builtin[raw.trim().toLowerCase()];
    if (v === undefined) throw new RowProblem(`${key} "${raw.slice(0, 40)}" is not a known value (map it under values.${key})`);
    return v;
  };

  const id = text('id')?.trim();
  if (!id) throw new RowProblem(`id ("${f.id}") is empty`);
  if (id.length > 512) throw new RowProblem('id is longer than 512 characters');
  let body = text('text');
  if (body === null) throw new RowProblem(`text ("${f.text}") is empty`);
  if (mapping.decodeHtmlEntities) body = decodeEntities(body);
  if (body.length > 100_000) throw new RowProblem('text is longer than 100,000 characters');
  const rawTime = valueAt(record.values, f.createdAt);
  const sentAt = parseArchiveDate(rawTime);
  if (sentAt === null) throw new RowProblem(`createdAt ("${f.createdAt}") is not a readable time: ${JSON.stringify(rawTime ?? null).slice(0, 40)}`);

  const kind = pick('channelKind', BUILTIN_KIND, 'api');
  const direction = pick('direction', BUILTIN_DIRECTION, 'inbound');
  const visibility = pick('visibility', BUILTIN_VISIBILITY, 'public');
  const followersRaw = text('authorFollowers');
  const followers = followersRaw === null ? null : Number(followersRaw);
  if (followers !== null && (!Number.isInteger(followers) || followers < 0)) throw new RowProblem(`authorFollowers "${followersRaw?.slice(0, 20)}" is not a whole number`);

  const email = text('authorEmail')?.trim() ?? null;
  let handle = text('authorHandle')?.trim() ?? null;
  if (handle && HANDLE_KINDS.has(kind) && !handle.startsWith('@')) handle = `@${handle}`;
  // Who wrote it: the archive's user id, else the handle or email; a row with none of them is its own
  // anonymous author (two unnamed rows are not one customer).
  const externalId = text('authorId')?.trim() ?? (handle ? handle.replace(/^@/, '').toLowerCase() : null) ?? email?.toLowerCase() ?? `anonymous:${id}`;

  const message = CanonicalMessage.safeParse({
    providerMessageId: id,
    threadKey: text('threadKey')?.trim() ?? null,
    replyToProviderId: text('inReplyTo')?.trim() ?? null,
    direction,
    visibility,
    author: { externalId: externalId.slice(0, 512), handle: handle?.slice(0, 512) ?? null, displayName: text('authorName')?.trim().slice(0, 512) ?? null, email: email?.slice(0, 512) ?? null, followers },
    text: body,
    subject: text('subject')?.trim().slice(0, 1000) ?? null,
    sentAt,
  });
  if (!message.success) {
    const issue = message.error.issues[0];
    throw new RowProblem(`${issue?.path.join('.') ?? 'message'}: ${issue?.message ?? 'invalid'}`);
  }
  return { ok: true, kind, message: message.data };
}
