import { sql, type DB, type Kysely } from '@earshot/db';
import { EarshotError } from '@earshot/domain';
import type { ChannelService } from '../channels/channel.service';
import type { InboundRequest } from '../channels/driver';
import { getDriver } from '../channels/registry';
import { enqueueJobs } from '../jobs/job.queue';
import { stripNul } from '../shared/nul';
import { JOB_INGEST } from './ingest.job';

export interface ReceiveResult {
  channelId: string;
  accepted: number;
  duplicates: number;
  /** Provider event ids in the delivery, so a sender can reconcile. */
  eventIds: string[];
}

/**
 * receive: verify the delivery, store every raw event (same provider event id twice = one row) and
 * enqueue its processing in the same transaction. Only then may the route answer 200: an
 * acknowledged event is on disk.
 */
export class IngestService {
  constructor(private readonly db: Kysely<DB>, private readonly channels: ChannelService, private readonly onEnqueued: () => void = () => undefined) {}

  async receive(channelId: string, req: InboundRequest, body: unknown): Promise<ReceiveResult> {
    const { row, ctx } = await this.channels.load(channelId);
    if (row.status === 'paused' || row.status === 'disconnected') {
      throw new EarshotError('EARSHOT_INVALID_STATE', `channel is ${row.status}`, { field: 'params.id' });
    }
    const driver = getDriver(row.kind);
    driver.verify(req, ctx);
    const events = driver.split(body, ctx);
    if (events.length === 0) return { channelId, accepted: 0, duplicates: 0, eventIds: [] };
    return this.store(row.brand_id, row.id, events);
  }

  /** Answers a provider's GET challenge (X CRC, Meta hub.challenge) for a channel. */
  async challenge(channelId: string, req: InboundRequest): Promise<{ status: number; contentType: string; body: string }> {
    const { row, ctx } = await this.channels.load(channelId);
    const res = getDriver(row.kind).challenge?.(req, ctx) ?? null;
    if (!res) throw new EarshotError('EARSHOT_VALIDATION', 'not a challenge this channel understands', { field: 'query' });
    return res;
  }

  /** Stores already-verified provider events (also used by pollers and imports). */
  async store(brandId: string, channelId: string, events: { providerEventId: string; payload: unknown }[]): Promise<ReceiveResult> {
    const seen = new Set<string>();
    const unique = events.filter((e) => (seen.has(e.providerEventId) ? false : (seen.add(e.providerEventId), true)));
    const accepted = await this.db.transaction().execute(async (tx) => {
      const values = unique.map((e) => sql`(${brandId}::uuid, ${channelId}::uuid, ${e.providerEventId}, ${jsonWithoutNul(e.payload)}::jsonb)`);
      const inserted = (await sql<{ id: string }>`
        insert into inbound_events (brand_id, channel_id, provider_event_id, payload) values ${sql.join(values)}
        on conflict (channel_id, provider_event_id) do nothing
        returning id`.execute(tx)).rows;
      await enqueueJobs(tx, inserted.map((r) => ({ name: JOB_INGEST, payload: { eventId: r.id }, opts: { brandId, key: `ingest:${r.id}` } })));
      return inserted.length;
    });
    if (accepted > 0) this.onEnqueued();
    return { channelId, accepted, duplicates: events.length - accepted, eventIds: unique.map((e) => e.providerEventId) };
  }
}

/** The payload as JSON, cleaned of NUL characters only when it has one (jsonb refuses them). */
function jsonWithoutNul(payload: unknown): string {
  const json = JSON.stringify(payload);
  return json.includes('\\u0000') ? JSON.stringify(stripNul(payload)) : json;
}
