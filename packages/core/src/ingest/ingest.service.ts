import { sql, type DB, type Kysely } from '@earshot/db';
import { recordChallenge } from '../channels/channel-setup.repository';
import { EarshotError } from '@earshot/domain';
import type { ChannelService } from '../channels/channel.service';
import type { InboundRequest } from '../channels/driver';
import { getDriver } from '../channels/registry';
import { stripNul } from '../shared/nul';
import { AckGroup, type AckGroupOptions, type AckGroupStats } from './ack-group';
import { JOB_INGEST } from './job-name';

export interface ReceiveResult {
  channelId: string;
  accepted: number;
  duplicates: number;
  /** Provider event ids in the delivery, so a sender can reconcile. */
  eventIds: string[];
}

export interface IngestEvent {
  providerEventId: string;
  payload: unknown;
}

/** One store() call, its events already deduped. */
interface Delivery {
  brandId: string;
  channelId: string;
  events: IngestEvent[];
}

/**
 * receive: verify the delivery, store every raw event (same provider event id twice = one row) and
 * enqueue its processing in the same transaction. Only then may the route answer 200: an
 * acknowledged event is on disk. Concurrent deliveries share that transaction (group commit,
 * ack-group.ts; docs/adr/0015-group-commit-acks.md).
 */
export class IngestService {
  readonly #acks: AckGroup<Delivery, number>;

  constructor(private readonly db: Kysely<DB>, private readonly channels: ChannelService, private readonly onEnqueued: () => void = () => undefined, groupCommit: AckGroupOptions = {}) {
    this.#acks = new AckGroup((deliveries) => this.#commit(deliveries), (d) => d.events.length, groupCommit);
  }

  /** How many group transactions the acknowledgement path ran, for metrics and tests. */
  get groupCommitStats(): Readonly<AckGroupStats> {
    return this.#acks.stats;
  }

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
    // The set-up wizard shows whether the provider's challenge reached Earshot and was answered.
    await recordChallenge(this.db, row.id, { at: new Date().toISOString(), ok: res.status < 400, status: res.status });
    return res;
  }

  /**
   * Stores already-verified provider events (also used by pollers and imports). Resolves once they
   * are committed; an event id already stored, or stored by an earlier call in the same group,
   * counts as a duplicate.
   */
  async store(brandId: string, channelId: string, events: IngestEvent[]): Promise<ReceiveResult> {
    const seen = new Set<string>();
    const unique = events.filter((e) => (seen.has(e.providerEventId) ? false : (seen.add(e.providerEventId), true)));
    const accepted = unique.length === 0 ? 0 : await this.#acks.submit({ brandId, channelId, events: unique });
    return { channelId, accepted, duplicates: events.length - accepted, eventIds: unique.map((e) => e.providerEventId) };
  }

  /**
   * One statement for a group of deliveries: the raw events' insert and their jobs' enqueue as one
   * data-modifying CTE, atomic without an explicit transaction (one round trip instead of four:
   * begin, two inserts, commit). Returns each delivery's accepted count.
   */
  async #commit(deliveries: Delivery[]): Promise<number[]> {
    // An event id in two deliveries of the group is inserted once, for the earlier delivery.
    const owner = new Map<string, number>();
    const values = deliveries.flatMap((d, i) => d.events.flatMap((e) => {
      const k = eventKey(d.channelId, e.providerEventId);
      if (owner.has(k)) return [];
      owner.set(k, i);
      return [sql`(${d.brandId}::uuid, ${d.channelId}::uuid, ${e.providerEventId}, ${jsonWithoutNul(e.payload)}::jsonb)`];
    }));
    // The job rows are what enqueueJobs writes for { name: JOB_INGEST, payload: { eventId }, key: `ingest:<id>` }.
    const inserted = (await sql<{ id: string; brand_id: string; channel_id: string; provider_event_id: string }>`
      with stored as (
        insert into inbound_events (brand_id, channel_id, provider_event_id, payload) values ${sql.join(values)}
        on conflict (channel_id, provider_event_id) do nothing
        returning id, brand_id, channel_id, provider_event_id
      ), queued as (
        insert into jobs (brand_id, name, payload, key, run_at, max_attempts)
        select brand_id, ${JOB_INGEST}, jsonb_build_object('eventId', id::text), 'ingest:' || id::text, now(), 8 from stored order by id
        on conflict (key) where key is not null and state in ('queued', 'running') do nothing
      )
      select id, brand_id, channel_id, provider_event_id from stored`.execute(this.db)).rows;
    const accepted = deliveries.map(() => 0);
    for (const r of inserted) {
      const i = owner.get(eventKey(r.channel_id, r.provider_event_id));
      if (i !== undefined) accepted[i] = (accepted[i] ?? 0) + 1;
    }
    if (inserted.length > 0) this.onEnqueued();
    return accepted;
  }
}

/** Channel ids come back from PostgreSQL in lower case, whatever case the caller used. */
function eventKey(channelId: string, providerEventId: string): string {
  return `${channelId.toLowerCase()}\n${providerEventId}`;
}

/** The payload as JSON, cleaned of NUL characters only when it has one (jsonb refuses them). */
function jsonWithoutNul(payload: unknown): string {
  const json = JSON.stringify(payload);
  return json.includes('\\u0000') ? JSON.stringify(stripNul(payload)) : json;
}
