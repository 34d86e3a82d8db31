import { EarshotError, type ChannelKind } from '@earshot/domain';
import type { DB, Kysely } from '@earshot/db';
import { randomToken, type SecretBox } from '../shared/crypto';
import { transact, type Executor } from '../shared/unit-of-work';
import type { Actor } from '../shared/actor';
import type { Clock } from '../shared/clock';
import type { ChannelContext } from './driver';
import type { PollingService } from '../polling/poll.service';
import { findChannel, findChannelById, insertChannel, listChannels, type ChannelRow } from './channel.repository';

export interface ChannelView {
  id: string;
  kind: string;
  name: string;
  status: string;
  statusDetail: string | null;
  settings: Record<string, unknown>;
  /** Which credential fields are set; their values never leave the server. */
  credentialKeys: string[];
  createdAt: string;
}

export interface LoadedChannel { row: ChannelRow; ctx: ChannelContext }

export class ChannelService {
  // Decrypted channel contexts, briefly cached: webhook bursts should not decrypt per request.
  readonly #cache = new Map<string, { at: number; value: LoadedChannel }>();

  /** `polling` schedules the first poll of a pollable channel (email, feed, X in polling mode) when it is created. */
  constructor(private readonly db: Kysely<DB>, private readonly box: SecretBox, private readonly clock: Clock, private readonly polling: PollingService | null = null) {}

  view(row: ChannelRow): ChannelView {
    return {
      id: row.id, kind: row.kind, name: row.name, status: row.status, statusDetail: row.status_detail,
      settings: row.settings, credentialKeys: Object.keys(this.credentials(row)).sort(), createdAt: row.created_at.toISOString(),
    };
  }

  credentials(row: ChannelRow): Record<string, string> {
    return row.credentials_enc ? (this.box.open(row.credentials_enc) as Record<string, string>) : {};
  }

  async create(actor: Actor, input: { kind: ChannelKind; name: string; credentials?: Record<string, string>; settings?: Record<string, unknown> }): Promise<{ channel: ChannelView; secret: string | null }> {
    const credentials = { ...(input.credentials ?? {}) };
    // The generic API channel signs with a secret Earshot generates; it is shown once.
    let secret: string | null = null;
    if (input.kind === 'api' && !credentials.secret) {
      secret = randomToken(32);
      credentials.secret = secret;
    }
    return transact(this.db, async (uow) => {
      const row = await insertChannel(uow.tx, {
        brand_id: actor.brandId, kind: input.kind, name: input.name,
        credentials_enc: Object.keys(credentials).length ? this.box.seal(credentials) : null, settings: input.settings ?? {},
      });
      await this.polling?.schedule(uow.tx, row);
      uow.record({ brandId: actor.brandId, actorType: actor.type, actorId: actor.id, action: 'channel.created', subjectType: 'channel', subjectId: row.id, after: { kind: row.kind, name: row.name, credentialKeys: Object.keys(credentials).sort() }, at: this.clock.now() });
      return { channel: this.view(row), secret };
    });
  }

  async list(brandId: string): Promise<ChannelView[]> {
    return (await listChannels(this.db, brandId)).map((r) => this.view(r));
  }

  async get(brandId: string, id: string, ex: Executor = this.db): Promise<ChannelRow> {
    const row = await findChannel(ex, brandId, id);
    if (!row) throw new EarshotError('EARSHOT_CHANNEL_NOT_FOUND', 'channel not found', { field: 'params.id' });
    return row;
  }

  /** For webhook routes: the channel by id alone, with decrypted credentials. */
  async load(id: string, ex: Executor = this.db): Promise<LoadedChannel> {
    const hit = this.#cache.get(id);
    if (hit && Date.now() - hit.at < 5_000) return hit.value;
    const row = await findChannelById(ex, id);
    if (!row) throw new EarshotError('EARSHOT_CHANNEL_NOT_FOUND', 'channel not found', { field: 'params.id' });
    const value = { row, ctx: { channelId: row.id, brandId: row.brand_id, credentials: this.credentials(row), settings: row.settings } };
    this.#cache.set(id, { at: Date.now(), value });
    return value;
  }
}
