import { EventEmitter } from 'node:events';
import type { DeskEventType } from '@earshot/domain';

/** What agents' screens hear about: small, id-only events; the desk refetches what it shows. */
export interface DeskEvent {
  /** One of the names in `DESK_EVENT_TYPES` (packages/domain/src/events.ts), which the desk listens for. */
  type: DeskEventType;
  brandId: string;
  conversationId?: string;
  messageId?: string;
  userId?: string;
  at: string;
  data?: Record<string, unknown>;
}

export interface EventBus {
  publish(e: DeskEvent): void;
  subscribe(fn: (e: DeskEvent) => void): () => void;
  close(): Promise<void>;
}

/** One process (embedded database, tests). */
export class LocalEventBus implements EventBus {
  readonly #em = new EventEmitter().setMaxListeners(0);
  publish(e: DeskEvent): void { this.#em.emit('event', e); }
  subscribe(fn: (e: DeskEvent) => void): () => void {
    this.#em.on('event', fn);
    return () => { this.#em.off('event', fn); };
  }
  async close(): Promise<void> { this.#em.removeAllListeners(); }
}
