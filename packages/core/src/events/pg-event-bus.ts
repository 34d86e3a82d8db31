import { randomUUID } from 'node:crypto';
import { sql, type DB, type DbHandle, type Kysely } from '@earshot/db';
import { LocalEventBus, type DeskEvent, type EventBus } from './event-bus';

const CHANNEL = 'earshot_events';
/** NOTIFY payloads are limited to 8000 bytes; events carry ids, not content. */
const MAX_PAYLOAD = 7900;

/** One notification: the events of one turn of the publisher's event loop, and which bus sent them. */
interface Notification { o: string; e: DeskEvent[] }

/**
 * Across processes on a PostgreSQL server: every process LISTENs and hands what others publish to
 * its own subscribers (an API process serving SSE hears what a worker process did).
 *
 * A bus delivers its own events to its subscribers at once, and sends them to the others in
 * bulk: everything published in one turn of the event loop (a committed worker batch publishes
 * hundreds) goes out as one statement, packed into as few notifications as fit, each marked with
 * this bus's id so it skips its own when they come back.
 */
export class PgEventBus implements EventBus {
  readonly #local = new LocalEventBus();
  readonly #origin = randomUUID();
  #queue: DeskEvent[] = [];
  #scheduled: NodeJS.Immediate | null = null;
  #unlisten: (() => Promise<void>) | null = null;

  private constructor(private readonly db: Kysely<DB>) {}

  static async create(h: DbHandle): Promise<EventBus> {
    if (!h.listen) return new LocalEventBus();
    const bus = new PgEventBus(h.db);
    bus.#unlisten = await h.listen(CHANNEL, (payload) => bus.#receive(payload));
    return bus;
  }

  publish(e: DeskEvent): void {
    this.#local.publish(e);
    this.#queue.push(e);
    this.#scheduled ??= setImmediate(() => this.#flush());
  }

  subscribe(fn: (e: DeskEvent) => void): () => void { return this.#local.subscribe(fn); }

  async close(): Promise<void> {
    if (this.#scheduled) {
      clearImmediate(this.#scheduled);
      this.#flush();
    }
    await this.#unlisten?.();
    await this.#local.close();
  }

  #flush(): void {
    this.#scheduled = null;
    const payloads = packNotifications(this.#origin, this.#queue);
    this.#queue = [];
    if (payloads.length === 0) return;
    // In order, in one statement (one round trip and one transaction for the lot).
    void sql`select pg_notify(${CHANNEL}, p) from unnest(${payloads}::text[]) with ordinality as n(p, i) order by i`.execute(this.db).catch(() => undefined);
  }

  #receive(payload: string): void {
    let n: Partial<Notification>;
    try { n = JSON.parse(payload) as Partial<Notification>; } catch { return; } // a foreign payload
    if (n.o === this.#origin || !Array.isArray(n.e)) return;
    for (const e of n.e) this.#local.publish(e);
  }
}

/** Events as notification payloads of at most MAX_PAYLOAD bytes each, in order; an event too big on its own is not sent. */
export function packNotifications(origin: string, events: readonly DeskEvent[]): string[] {
  const head = `{"o":${JSON.stringify(origin)},"e":[`;
  const out: string[] = [];
  let parts: string[] = [];
  let size = head.length + 2;
  for (const e of events) {
    const json = JSON.stringify(e);
    const bytes = Buffer.byteLength(json);
    if (bytes + head.length + 2 > MAX_PAYLOAD) continue;
    if (parts.length > 0 && size + bytes + 1 > MAX_PAYLOAD) {
      out.push(`${head}${parts.join(',')}]}`);
      parts = [];
      size = head.length + 2;
    }
    size += bytes + (parts.length > 0 ? 1 : 0);
    parts.push(json);
  }
  if (parts.length > 0) out.push(`${head}${parts.join(',')}]}`);
  return out;
}
