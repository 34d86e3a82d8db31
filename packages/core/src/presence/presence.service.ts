import type { DB, Kysely } from '@earshot/db';
import { EarshotError } from '@earshot/domain';
import type { DeskEvent, EventBus } from '../events/event-bus';
import type { Actor } from '../shared/actor';
import type { Clock } from '../shared/clock';

export type PresenceState = 'viewing' | 'typing' | 'left';
export interface PresenceEntry { userId: string; name: string; state: Exclude<PresenceState, 'left'>; at: string }

/** A desk pings every ~10 s while a conversation is open; an entry older than this has gone. */
export const PRESENCE_TTL_MS = 30_000;
export const PRESENCE_EVENT = 'presence.updated';

/**
 * Who is looking at or typing in a conversation, for collision warnings. Deliberately not stored:
 * it is seconds-old state, kept in memory per process with a short TTL. Every process learns of
 * every ping through the event bus (LISTEN/NOTIFY on a server database), so any API process can
 * answer "who is here".
 */
export class PresenceService {
  // key `${brandId}:${conversationId}` → userId → entry
  readonly #rooms = new Map<string, Map<string, PresenceEntry>>();
  readonly #unsubscribe: () => void;

  constructor(private readonly db: Kysely<DB>, private readonly bus: EventBus, private readonly clock: Clock) {
    this.#unsubscribe = bus.subscribe((e) => this.#apply(e));
  }

  async update(actor: Actor, conversationId: string, state: PresenceState): Promise<PresenceEntry[]> {
    if (!actor.userId) throw new EarshotError('EARSHOT_FORBIDDEN', 'presence is for signed-in agents, not API tokens');
    await this.#ensureConversation(actor.brandId, conversationId);
    const e: DeskEvent = {
      type: PRESENCE_EVENT, brandId: actor.brandId, conversationId, userId: actor.userId, at: this.clock.now().toISOString(),
      data: { name: actor.name ?? 'Someone', state },
    };
    this.#apply(e); // at once for this process; the bus brings it to the others (and back here, harmlessly)
    this.bus.publish(e);
    return this.#live(actor.brandId, conversationId);
  }

  async list(actor: Actor, conversationId: string): Promise<PresenceEntry[]> {
    await this.#ensureConversation(actor.brandId, conversationId);
    return this.#live(actor.brandId, conversationId);
  }

  close(): void { this.#unsubscribe(); this.#rooms.clear(); }

  async #ensureConversation(brandId: string, id: string): Promise<void> {
    const row = await this.db.selectFrom('conversations').select('id').where('brand_id', '=', brandId).where('id', '=', id).executeTakeFirst();
    if (!row) throw new EarshotError('EARSHOT_CONVERSATION_NOT_FOUND', 'conversation not found', { field: 'params.id' });
  }

  #apply(e: DeskEvent): void {
    if (e.type !== PRESENCE_EVENT || !e.conversationId || !e.userId) return;
    const key = `${e.brandId}:${e.conversationId}`;
    const room = this.#rooms.get(key) ?? new Map<string, PresenceEntry>();
    const state = e.data?.state;
    if (state === 'viewing' || state === 'typing') {
      const prior = room.get(e.userId);
      if (prior && prior.at > e.at) return; // an older ping arriving late never overrides a newer one
      room.set(e.userId, { userId: e.userId, name: typeof e.data?.name === 'string' ? e.data.name : 'Someone', state, at: e.at });
    } else {
      room.delete(e.userId);
    }
    if (room.size) this.#rooms.set(key, room); else this.#rooms.delete(key);
  }

  #live(brandId: string, conversationId: string): PresenceEntry[] {
    const key = `${brandId}:${conversationId}`;
    const room = this.#rooms.get(key);
    if (!room) return [];
    const cutoff = this.clock.now().getTime() - PRESENCE_TTL_MS;
    for (const [id, p] of room) if (Date.parse(p.at) < cutoff) room.delete(id);
    if (!room.size) this.#rooms.delete(key);
    return [...room.values()].sort((a, b) => a.name.localeCompare(b.name));
  }
}
