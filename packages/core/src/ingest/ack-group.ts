import { isDatabaseUnavailable } from '@earshot/db';

export interface AckGroupOptions {
  /** Longest a call waits for the flush in flight before its own group starts beside it (ms). */
  windowMs?: number;
  /** A group closes once this many events wait; a call this big or bigger is a group of its own. */
  maxEvents?: number;
}

export const ACK_GROUP_DEFAULTS = { windowMs: 2, maxEvents: 100 } as const;

export interface AckGroupStats {
  /** Commits attempted for whole groups (one transaction each). */
  groups: number;
  /** Calls handed in. */
  calls: number;
  /** Groups whose transaction failed, so each of their calls was retried alone. */
  retried: number;
}

interface Waiting<I, R> {
  item: I;
  resolve: (r: R) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit: concurrent calls share one transaction, so a storm of webhook deliveries costs one
 * commit (one fsync) per group instead of one per delivery.
 *
 * A call with nothing in flight starts its group on the next turn of the event loop (setImmediate),
 * so a lone call does not wait out the window; calls arriving while a flush is in flight form the
 * next group, which starts when that flush ends, after `windowMs`, or at `maxEvents`, whichever is
 * first. A promise settles only after its group's transaction: resolved once it committed.
 *
 * If a group's transaction fails, each call in it is retried alone in its own transaction, so one
 * poison call (a payload PostgreSQL refuses) fails only its own caller. When the database is
 * unreachable the retries are skipped and every caller gets the error: nothing unstored is ever
 * acknowledged.
 */
export class AckGroup<I, R> {
  readonly stats: AckGroupStats = { groups: 0, calls: 0, retried: 0 };
  readonly #windowMs: number;
  readonly #maxEvents: number;
  #pending: Waiting<I, R>[] = [];
  #pendingSize = 0;
  #inFlight = 0;
  #cancelTimer: (() => void) | null = null;

  /**
   * @param commit stores a group in ONE transaction and returns one result per item, in order; it
   *   rejects (having committed nothing) if any of it fails.
   * @param sizeOf how many events an item holds, for `maxEvents`.
   */
  constructor(
    private readonly commit: (items: I[]) => Promise<R[]>,
    private readonly sizeOf: (item: I) => number,
    opts: AckGroupOptions = {},
  ) {
    this.#windowMs = Math.max(0, opts.windowMs ?? ACK_GROUP_DEFAULTS.windowMs);
    this.#maxEvents = Math.max(1, opts.maxEvents ?? ACK_GROUP_DEFAULTS.maxEvents);
  }

  /** Resolves with the item's result once the transaction that stored it committed. */
  submit(item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.stats.calls++;
      const waiting = { item, resolve, reject };
      const size = this.sizeOf(item);
      if (size >= this.#maxEvents) {
        void this.#run([waiting]);
        return;
      }
      if (this.#pendingSize + size > this.#maxEvents) this.#flush();
      this.#pending.push(waiting);
      this.#pendingSize += size;
      if (this.#pendingSize >= this.#maxEvents) this.#flush();
      else this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#cancelTimer) return;
    if (this.#inFlight === 0) {
      const h = setImmediate(() => this.#flush());
      this.#cancelTimer = () => clearImmediate(h);
    } else {
      const h = setTimeout(() => this.#flush(), this.#windowMs);
      this.#cancelTimer = () => clearTimeout(h);
    }
  }

  #flush(): void {
    this.#cancelTimer?.();
    this.#cancelTimer = null;
    if (this.#pending.length === 0) return;
    const group = this.#pending;
    this.#pending = [];
    this.#pendingSize = 0;
    void this.#run(group);
  }

  async #run(group: Waiting<I, R>[]): Promise<void> {
    this.#inFlight++;
    this.stats.groups++;
    try {
      const results = await this.commit(group.map((w) => w.item));
      group.forEach((w, i) => w.resolve(results[i] as R));
    } catch (err) {
      await this.#retryAlone(group, err);
    } finally {
      this.#inFlight--;
      // What gathered meanwhile goes now rather than waiting out its window.
      if (this.#inFlight === 0) this.#flush();
    }
  }

  async #retryAlone(group: Waiting<I, R>[], err: unknown): Promise<void> {
    if (group.length === 1 || isDatabaseUnavailable(err)) {
      for (const w of group) w.reject(err);
      return;
    }
    this.stats.retried++;
    // One by one, in arrival order: an event id two calls share goes to the earlier one that commits.
    for (const w of group) {
      try {
        const [r] = await this.commit([w.item]);
        w.resolve(r as R);
      } catch (e) {
        w.reject(e);
      }
    }
  }
}
