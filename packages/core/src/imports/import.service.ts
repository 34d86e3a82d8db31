import type { DB, Kysely } from '@earshot/db';
import type { CanonicalMessage } from '@earshot/domain';
import type { ChannelService } from '../channels/channel.service';
import type { IngestService } from '../ingest/ingest.service';
import type { Actor } from '../shared/actor';
import { airlineMapping } from './airline';
import { checkMappedFields, mapRecord, parseImportMapping, type ImportKind, type ImportMapping } from './import-mapping';
import { parseCsvRecords, parseJsonRecords, type ParsedRecords, type RowError } from './import-records';
import { parseTwcsCsv, sortChronologically } from './twcs';

export interface ImportProgress { done: number; total: number }

/** What an archive import did. `errors` lists the first skipped rows with their line; `skipped` counts them all. */
export interface ImportResult {
  channels: { id: string; name: string; kind: ImportKind }[];
  rows: number;
  accepted: number;
  duplicates: number;
  skipped: number;
  errors: RowError[];
}

const MAX_REPORTED_ERRORS = 100;

/**
 * Imports archives through the same pipeline as live traffic: each record becomes a stored
 * provider event on an import channel, processed by the ingest job. Importing twice is a no-op.
 */
export class ImportService {
  constructor(private readonly db: Kysely<DB>, private readonly channels: ChannelService, private readonly ingest: IngestService) {}

  async importChannel(actor: Actor, name: string, identityKind: string): Promise<string> {
    const existing = await this.db.selectFrom('channels').select('id').where('brand_id', '=', actor.brandId).where('kind', '=', 'import').where('name', '=', name).executeTakeFirst();
    if (existing) return existing.id;
    const { channel } = await this.channels.create(actor, { kind: 'import', name, settings: { identityKind } });
    return channel.id;
  }

  /** Stored events of these channels the ingest job has not processed yet (the CLI's progress). */
  async unprocessedEvents(channelIds: string[]): Promise<number> {
    if (channelIds.length === 0) return 0;
    const r = await this.db.selectFrom('inbound_events').select((eb) => eb.fn.countAll<string>().as('n'))
      .where('channel_id', 'in', channelIds).where('processed_at', 'is', null).executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  async importCanonical(actor: Actor, channelId: string, source: string, messages: CanonicalMessage[], onProgress?: (p: ImportProgress) => void): Promise<{ accepted: number; duplicates: number }> {
    return this.#store(actor, channelId, source, messages.map((message) => ({ message })), onProgress);
  }

  /** Stores events in chunks; `record` (the archive's own row) is kept in the payload when given. */
  async #store(actor: Actor, channelId: string, source: string, items: { message: CanonicalMessage; record?: Record<string, unknown> }[], onProgress?: (p: ImportProgress) => void, offset = 0, total = items.length): Promise<{ accepted: number; duplicates: number }> {
    let accepted = 0;
    let duplicates = 0;
    const chunk = 500;
    for (let i = 0; i < items.length; i += chunk) {
      const slice = items.slice(i, i + chunk);
      const r = await this.ingest.store(actor.brandId, channelId, slice.map(({ message: m, record }) => {
        const id = `${source}:${m.providerMessageId}`;
        return { providerEventId: id, payload: record ? { id, message: m, record } : { id, message: m } };
      }));
      accepted += r.accepted;
      duplicates += r.duplicates;
      onProgress?.({ done: offset + Math.min(i + chunk, items.length), total });
    }
    return { accepted, duplicates };
  }

  /**
   * `rebaseTo` moves every timestamp by the same amount so the newest tweet lands at that time: the
   * demo's 2017 sample then looks like today's queue (SLA clocks included), gaps kept intact.
   */
  async importTwcs(actor: Actor, csv: string, onProgress?: (p: ImportProgress) => void, opts: { rebaseTo?: Date } = {}): Promise<{ channelId: string; rows: number; accepted: number; duplicates: number }> {
    const rows = sortChronologically(parseTwcsCsv(csv));
    const channelId = await this.importChannel(actor, 'X archive (TWCS import)', 'x');
    const newest = rows.length ? new Date(rows[rows.length - 1]?.message.sentAt ?? 0).getTime() : 0;
    const shift = opts.rebaseTo ? opts.rebaseTo.getTime() - newest : 0;
    const messages = rows.map((x) => (shift ? { ...x.message, sentAt: new Date(new Date(x.message.sentAt).getTime() + shift).toISOString() } : x.message));
    const r = await this.importCanonical(actor, channelId, 'twcs', messages, onProgress);
    return { channelId, rows: rows.length, ...r };
  }

  /** The airline-sentiment CSV (Kaggle's Tweets.csv or the cut-down data/airline-sentiment layout). */
  async importAirline(actor: Actor, csv: string, onProgress?: (p: ImportProgress) => void): Promise<ImportResult> {
    const parsed = parseCsvRecords(csv);
    return this.importRecords(actor, airlineMapping(parsed.fields), parsed, 'airline', 'column', onProgress);
  }

  /** A CSV file or a JSON array / JSON lines file, read through a mapping (`import csv|json --map`), validated here. */
  async importMapped(actor: Actor, format: 'csv' | 'json', text: string, mappingInput: unknown, onProgress?: (p: ImportProgress) => void): Promise<ImportResult> {
    const mapping = parseImportMapping(mappingInput);
    const parsed = format === 'csv' ? parseCsvRecords(text) : parseJsonRecords(text);
    return this.importRecords(actor, mapping, parsed, 'map', format === 'csv' ? 'column' : 'field', onProgress);
  }

  /**
   * Maps every record first (a mapping naming a missing column fails before anything is stored), skips
   * and reports bad rows, then stores the rest oldest first (a reply after what it answers), one import
   * channel per network when the mapping reads the network from a column.
   */
  async importRecords(actor: Actor, mapping: ImportMapping, parsed: ParsedRecords, source: string, what: 'column' | 'field', onProgress?: (p: ImportProgress) => void): Promise<ImportResult> {
    checkMappedFields(mapping, parsed.fields, what);
    const errors: RowError[] = [...parsed.errors];
    const byKind = new Map<ImportKind, { message: CanonicalMessage; record?: Record<string, unknown> }[]>();
    for (const record of parsed.records) {
      const r = mapRecord(mapping, record);
      if (!r.ok) {
        errors.push({ line: record.line, message: r.message });
        continue;
      }
      const list = byKind.get(r.kind) ?? [];
      list.push({ message: r.message, ...(mapping.keepRecord === false ? {} : { record: record.values }) });
      byKind.set(r.kind, list);
    }
    errors.sort((a, b) => a.line - b.line);
    const total = [...byKind.values()].reduce((n, l) => n + l.length, 0);
    const result: ImportResult = { channels: [], rows: parsed.records.length + parsed.errors.length, accepted: 0, duplicates: 0, skipped: errors.length, errors: errors.slice(0, MAX_REPORTED_ERRORS) };
    let done = 0;
    for (const [kind, items] of byKind) {
      const name = mapping.fields.channelKind ? `${mapping.name} (${kind})` : mapping.name;
      const channelId = await this.importChannel(actor, name, kind);
      result.channels.push({ id: channelId, name, kind });
      items.sort((a, b) => a.message.sentAt.localeCompare(b.message.sentAt));
      const r = await this.#store(actor, channelId, source, items, onProgress, done, total);
      done += items.length;
      result.accepted += r.accepted;
      result.duplicates += r.duplicates;
    }
    if (total === 0) onProgress?.({ done: 0, total: 0 });
    return result;
  }
}
