import { sql, type DB, type DbHandle, type Kysely } from '@earshot/db';
import { LocalEventBus, type DeskEvent, type EventBus } from './event-bus';

const CHANNEL = 'earshot_events';

/**
 * Across processes on a PostgreSQL server: publish = NOTIFY, and every process LISTENs and hands
 * events to its own subscribers (an API process serving SSE hears what a worker process did).
 */
export class PgEventBus implements EventBus {
  readonly #local = new LocalEventBus();
  #unlisten: (() => Promise<void>) | null = null;

  private constructor(private readonly db: Kysely<DB>) {}

  static async create(h: DbHandle): Promise<EventBus> {
    if (!h.listen) return new LocalEventBus();
    const bus = new PgEventBus(h.db);
    bus.#unlisten = await h.listen(CHANNEL, (payload) => {
      try { bus.#local.publish(JSON.parse(payload) as DeskEvent); } catch { /* ignore foreign payloads */ }
    });
    return bus;
  }

  publish(e: DeskEvent): void {
    // NOTIFY payloads are limited to 8000 bytes: events carry ids, not content.
    void sql`select pg_notify(${CHANNEL}, ${JSON.stringify(e).slice(0, 7900)})`.execute(this.db).catch(() => undefined);
  }

  subscribe(fn: (e: DeskEvent) => void): () => void { return this.#local.subscribe(fn); }

  async close(): Promise<void> {
    await this.#unlisten?.();
    await this.#local.close();
  }
}
