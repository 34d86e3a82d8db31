import { CHANNEL_SETUP, EarshotError, missingForChannel, type ChannelKind, type SetupField } from '@earshot/domain';
import { lastChallenge, type ChallengeSeen } from './channel-setup.repository';
import type { DB, Kysely } from '@earshot/db';
import { randomToken, type SecretBox } from '../shared/crypto';
import { transact, type Executor } from '../shared/unit-of-work';
import type { Actor } from '../shared/actor';
import type { Clock } from '../shared/clock';
import type { ChannelContext, InboundRequest } from './driver';
import { getDriver } from './registry';
import type { PollingService } from '../polling/poll.service';
import { releaseParkedDeliveries } from '../deliver/paused-channel';
import { CommunitySettings } from '../community/community.settings';
import { findChannel, findChannelById, insertChannel, listChannels, lockChannel, updateChannel, type ChannelRow } from './channel.repository';


/** How long a webhook route may use a channel it looked up (a change made elsewhere shows after this). */
const CHANNEL_CACHE_MS = 5_000;
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

/** An admin's edit: rename, pause or resume, and rotate credentials (a value sets a field, null removes it). */
export interface ChannelUpdate {
  name?: string | undefined;
  status?: 'active' | 'paused' | undefined;
  credentials?: Record<string, string | null> | undefined;
  /** Settings to set (a value) or clear (null); others are kept (a community channel's are then validated as a whole). */
  settings?: Record<string, unknown> | undefined;
  /** Generic API channel: a new signing secret, shown once (the old one stops working at once). */
  rotateSecret?: boolean | undefined;
}

export class ChannelService {
  // Decrypted channel contexts, briefly cached: webhook bursts should not decrypt per request.
  /** Webhook routes' look-ups, kept CHANNEL_CACHE_MS by the injected clock; a change through this service drops its entry. */
  readonly #cache = new Map<string, { at: number; value: LoadedChannel }>();

  /** `polling` schedules the first poll of a pollable channel (email, feed, X in polling mode) when it is created. */
  constructor(private readonly db: Kysely<DB>, private readonly box: SecretBox, private readonly clock: Clock, private readonly polling: PollingService | null = null) {}

  /** The set-up wizard's view of one channel: what its provider needs, what it lacks, its webhook and the last challenge. */
  async setup(brandId: string, id: string): Promise<ChannelSetupView> {
    const row = await findChannel(this.db, brandId, id);
    if (!row) throw new EarshotError('EARSHOT_CHANNEL_NOT_FOUND', 'channel not found', { field: 'params.id' });
    const kind = row.kind as ChannelKind;
    const spec = CHANNEL_SETUP[kind];
    const channel = this.view(row);
    return {
      channel, credentials: spec.credentials, settings: spec.settings, missing: missingForChannel(kind, channel.credentialKeys, row.settings),
      webhookPath: spec.webhook ? `/api/v1/channels/${row.id}/events` : null,
      challenge: spec.challenge ? { kind: spec.challenge, last: await lastChallenge(this.db, row.id) } : null,
    };
  }

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
    const settings = input.kind === 'community' ? checkCommunitySettings(input.settings ?? {}) : input.settings ?? {};
    const missing = missingForChannel(input.kind, Object.keys(credentials), settings);
    return transact(this.db, async (uow) => {
      if (input.kind === 'community' && await uow.tx.selectFrom('channels').select('id').where('brand_id', '=', actor.brandId).where('kind', '=', 'community').executeTakeFirst()) {
        throw new EarshotError('EARSHOT_CONFLICT', 'this brand already has a community channel; change its settings instead', { field: 'body.kind' });
      }
      let row = await insertChannel(uow.tx, {
        brand_id: actor.brandId, kind: input.kind, name: input.name,
        credentials_enc: Object.keys(credentials).length ? this.box.seal(credentials) : null, settings,
      });
      // A channel without what its provider needs is never listed active: it says what it lacks.
      if (missing.length) row = await updateChannel(uow.tx, actor.brandId, row.id, { status: 'disconnected', status_detail: needsDetail(missing) });
      else await this.polling?.schedule(uow.tx, row);
      uow.record({ brandId: actor.brandId, actorType: actor.type, actorId: actor.id, action: 'channel.created', subjectType: 'channel', subjectId: row.id, after: { kind: row.kind, name: row.name, credentialKeys: Object.keys(credentials).sort() }, at: this.clock.now() });
      return { channel: this.view(row), secret };
    });
  }

  /**
   * Edits a channel in one transaction with its audit entries (never credential values). Pausing stops
   * polling and sending (replies wait, see deliver/paused-channel.ts); webhooks are still stored. Resuming
   * polls at once and releases the waiting replies.
   */
  async update(actor: Actor, id: string, input: ChannelUpdate): Promise<{ channel: ChannelView; secret: string | null }> {
    return transact(this.db, async (uow) => {
      const row = await lockChannel(uow.tx, actor.brandId, id);
      if (!row) throw new EarshotError('EARSHOT_CHANNEL_NOT_FOUND', 'channel not found', { field: 'params.id' });
      if (input.rotateSecret && row.kind !== 'api') throw new EarshotError('EARSHOT_VALIDATION', 'rotateSecret is for the generic API channel; set the provider\'s new credentials instead', { field: 'body.rotateSecret' });
      const at = this.clock.now();
      const audit = (action: string, before: Record<string, unknown> | undefined, after: Record<string, unknown>) =>
        uow.record({ brandId: actor.brandId, actorType: actor.type, actorId: actor.id, action, subjectType: 'channel', subjectId: id, before, after, at });
      const set: Parameters<typeof updateChannel>[3] = {};
      let secret: string | null = null;

      if (input.name !== undefined && input.name !== row.name) {
        set.name = input.name;
        audit('channel.renamed', { name: row.name }, { name: input.name });
      }
      const resuming = input.status === 'active' && row.status !== 'active';
      if (input.status !== undefined && input.status !== row.status) {
        set.status = input.status;
        set.status_detail = input.status === 'paused' ? `paused at ${at.toISOString()}` : null;
        audit(input.status === 'paused' ? 'channel.paused' : 'channel.resumed', { status: row.status }, { status: input.status });
      }
      let settings = row.settings;
      if (input.settings !== undefined) {
        let merged: Record<string, unknown> = { ...row.settings };
        for (const [k, v] of Object.entries(input.settings)) {
          if (v === null) delete merged[k];
          else merged[k] = v;
        }
        // A community channel's settings are checked (and their defaults filled in) as a whole.
        if (row.kind === 'community') merged = checkCommunitySettings(merged);
        if (JSON.stringify(merged) !== JSON.stringify(row.settings)) {
          settings = merged;
          audit('channel.settings_changed', { settings: row.settings }, { settings });
        }
      }
      let finalKeys = Object.keys(this.credentials(row));
      if (input.credentials !== undefined || input.rotateSecret) {
        const credentials = this.credentials(row);
        const changed = new Set<string>();
        for (const [k, v] of Object.entries(input.credentials ?? {})) {
          if (v === null) delete credentials[k];
          else credentials[k] = v;
          changed.add(k);
        }
        if (input.rotateSecret) {
          secret = randomToken(32);
          credentials.secret = secret;
          changed.add('secret');
        }
        set.credentials_enc = Object.keys(credentials).length ? this.box.seal(credentials) : null;
        finalKeys = Object.keys(credentials);
        audit('channel.credentials_rotated', { credentialKeys: Object.keys(this.credentials(row)).sort() }, { credentialKeys: Object.keys(credentials).sort(), changedKeys: [...changed].sort() });
      }
      // Completeness decides between disconnected (lacking something) and active; pausing stays the admin's.
      const missing = missingForChannel(row.kind as ChannelKind, finalKeys, settings);
      const wanted = set.status ?? row.status;
      let connected = false;
      if (missing.length) {
        if (input.status === 'active') throw new EarshotError('EARSHOT_VALIDATION', `this channel cannot be active yet: it ${needsDetail(missing)}`, { field: 'body.credentials' });
        if (wanted === 'active' || (row.status === 'disconnected' && row.status_detail?.startsWith(NEEDS))) {
          set.status = 'disconnected';
          set.status_detail = needsDetail(missing);
        }
      } else if (row.status === 'disconnected' && row.status_detail?.startsWith(NEEDS) && wanted === 'disconnected') {
        set.status = 'active';
        set.status_detail = null;
        connected = true;
        audit('channel.connected', { status: row.status }, { status: 'active' });
      }
      if (settings !== row.settings) set.settings = JSON.stringify(settings);
      const next = Object.keys(set).length ? await updateChannel(uow.tx, actor.brandId, id, set) : row;
      if (connected) await this.polling?.schedule(uow.tx, next);
      if (resuming) {
        await this.polling?.pollNow(uow.tx, next);
        await releaseParkedDeliveries(uow.tx, actor.brandId, id);
      }
      uow.onCommit(() => this.#cache.delete(id));
      return { channel: this.view(next), secret };
    });
  }

  /**
   * A provider's webhook delivery: verified over the raw bytes, split into events, stored (idempotent by
   * provider event id) and only then acknowledged. A **paused** channel still stores what its provider
   * pushes — the provider counts an answered delivery as delivered, and refusing it would lose messages or
   * get the webhook disabled; pausing stops our own polling and sending. A disconnected channel refuses (409).
   */
  async receiveWebhook(id: string, req: InboundRequest, body: unknown, ingest: { store(brandId: string, channelId: string, events: { providerEventId: string; payload: unknown }[]): Promise<{ accepted: number; duplicates: number }> }): Promise<{ accepted: number; duplicates: number }> {
    const { row, ctx } = await this.load(id);
    if (row.status === 'disconnected') throw new EarshotError('EARSHOT_INVALID_STATE', 'channel is disconnected', { field: 'params.id' });
    const driver = getDriver(row.kind);
    driver.verify(req, ctx);
    const events = driver.split(body, ctx);
    if (events.length === 0) return { accepted: 0, duplicates: 0 };
    const r = await ingest.store(row.brand_id, row.id, events);
    return { accepted: r.accepted, duplicates: r.duplicates };
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
    if (hit && this.clock.now().getTime() - hit.at < CHANNEL_CACHE_MS) return hit.value;
    const row = await findChannelById(ex, id);
    if (!row) throw new EarshotError('EARSHOT_CHANNEL_NOT_FOUND', 'channel not found', { field: 'params.id' });
    const value = { row, ctx: { channelId: row.id, brandId: row.brand_id, credentials: this.credentials(row), settings: row.settings } };
    this.#cache.set(id, { at: this.clock.now().getTime(), value });
    return value;
  }
}

/** A community channel's settings, parsed (defaults filled in) or refused with the field at fault. */
function checkCommunitySettings(raw: Record<string, unknown>): Record<string, unknown> {
  const r = CommunitySettings.safeParse(raw);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  throw new EarshotError('EARSHOT_VALIDATION', `settings.${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`, { field: `body.settings.${issue?.path.join('.') ?? ''}` });
}

const NEEDS = 'needs ';
/** "needs consumerSecret, accessToken": what the channel lists as its status detail until it has them. */
function needsDetail(missing: string[]): string {
  return `${NEEDS}${missing.join(', ')}`;
}

export interface ChannelSetupView {
  channel: ChannelView;
  credentials: SetupField[];
  settings: SetupField[];
  missing: string[];
  /** Where the provider posts (append to the server's public address); null for channels without webhooks. */
  webhookPath: string | null;
  challenge: { kind: 'x_crc' | 'meta_hub'; last: ChallengeSeen | null } | null;
}
