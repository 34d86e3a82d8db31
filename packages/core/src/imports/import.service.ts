import type { DB, Kysely } from '@earshot/db';
import type { CanonicalMessage } from '@earshot/domain';
import type { ChannelService } from '../channels/channel.service';
import type { IngestService } from '../ingest/ingest.service';
import type { Actor } from '../shared/actor';
import { parseTwcsCsv, sortChronologically } from './twcs';

export interface ImportProgress { done: number; total: number }

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

  async importCanonical(actor: Actor, channelId: string, source: string, messages: CanonicalMessage[], onProgress?: (p: ImportProgress) => void): Promise<{ accepted: number; duplicates: number }> {
    let accepted = 0;
    let duplicates = 0;
    const chunk = 500;
    for (let i = 0; i < messages.length; i += chunk) {
      const slice = messages.slice(i, i + chunk);
      const r = await this.ingest.store(actor.brandId, channelId, slice.map((m) => ({ providerEventId: `${source}:${m.providerMessageId}`, payload: { id: `${source}:${m.providerMessageId}`, message: m } })));
      accepted += r.accepted;
      duplicates += r.duplicates;
      onProgress?.({ done: Math.min(i + chunk, messages.length), total: messages.length });
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
}
