import type { Kysely, Transaction, DB } from '@earshot/db';
import type { AuditEntry } from '../audit/audit.types';
import { flushAudit } from '../audit/audit.repository';
import type { InboundBatch } from '../ingest/inbound-batch';
import type { Pool } from '../routing/auto-assign';
import type { SlaJob } from '../sla/sla.schedule';

export type Executor = Kysely<DB> | Transaction<DB>;

/**
 * What one transaction collects besides its SQL: audit entries (written just before commit, in
 * brand order so two transactions never take the per-brand chain locks in opposite orders) and
 * notifications that go out only after commit.
 */
/** Values loaded once per key; a failed load is forgotten so the next caller tries again. */
export class ReadCache {
  readonly #m = new Map<string, Promise<unknown>>();

  get<T>(key: string, load: () => Promise<T>): Promise<T> {
    let p = this.#m.get(key) as Promise<T> | undefined;
    if (!p) {
      p = load();
      this.#m.set(key, p);
      p.catch(() => this.#m.delete(key));
    }
    return p;
  }

  set<T>(key: string, value: T): void {
    this.#m.set(key, Promise.resolve(value));
  }
}

/**
 * When a batch's collected writes run at its end: the ingest batch's own end (its assignments,
 * then its rows) comes first, then everything else (pool cursors, SLA job upserts).
 */
export const FLUSH_ORDER = { rows: 1, default: 2 } as const;

/**
 * What one worker batch shares between its jobs, typed: the routing pools it has locked, the SLA
 * evaluations it will upsert, and, in an ingest batch, the inbound batch (what was read up front
 * and the rows to write). Only a batch that runs without savepoints has one: a job rolled back to
 * its savepoint could leave entries describing rows that no longer exist, so the retry runs every
 * job on plain queries. The owner of an entry keeps it true for the rest of the batch.
 */
export class BatchState {
  /** The ingest use case's batch (process-inbound.usecase.ts), when this batch processes inbound events. */
  inbound: InboundBatch | null = null;
  /** Routing pools locked by this batch, by `brandId:scope` (routing/auto-assign.ts). */
  readonly pools = new Map<string, Pool>();
  /** SLA evaluations to schedule at the end, the latest per conversation (sla/sla.schedule.ts). */
  readonly slaJobs = new Map<string, SlaJob>();
  readonly #flush = new Map<string, { order: number; fn: (uow: UnitOfWork) => Promise<void> }>();

  /**
   * Runs once at the end of the batch, before the audit entries are written (one per key), with
   * the batch's own unit of work: what it records and publishes belongs to the batch, not to the
   * job that registered it.
   */
  beforeCommit(key: string, fn: (uow: UnitOfWork) => Promise<void>, order: number = FLUSH_ORDER.default): void {
    if (!this.#flush.has(key)) this.#flush.set(key, { order, fn });
  }

  async flush(uow: UnitOfWork): Promise<void> {
    // Lowest order first, then in registration order; a flush may register another.
    while (this.#flush.size > 0) {
      let next: [string, { order: number; fn: (uow: UnitOfWork) => Promise<void> }] | undefined;
      for (const e of this.#flush) if (!next || e[1].order < next[1].order) next = e;
      if (!next) break;
      this.#flush.delete(next[0]);
      await next[1].fn(uow);
    }
  }
}

export class UnitOfWork {
  readonly audit: AuditEntry[] = [];
  readonly afterCommit: (() => void)[] = [];
  /**
   * Brand configuration read once per unit of work (routing rules' version, SLA policy, business
   * hours, channel kind, triage model): a worker batch enables it so a hundred messages of one
   * brand do not re-read the same rows a hundred times. Shared with children. Off by default:
   * a transaction that writes configuration must see its own writes.
   */
  #readCache: ReadCache | null;

  constructor(readonly tx: Transaction<DB>, readCache: ReadCache | null = null, readonly batch: BatchState | null = null) {
    this.#readCache = readCache;
  }

  enableReadCache(): this {
    this.#readCache ??= new ReadCache();
    return this;
  }

  /** Puts a value a batch loaded up front into the read cache (ignored when it is off). */
  remember<T>(key: string, value: T): void {
    this.#readCache?.set(key, value);
  }

  /** `load()` once per key while the read cache is on; every time when it is off. */
  cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    return this.#readCache ? this.#readCache.get(key, load) : load();
  }

  record(entry: AuditEntry): void {
    this.audit.push(entry);
  }

  onCommit(fn: () => void): void {
    this.afterCommit.push(fn);
  }

  /** A child for one step that may be rolled back to a savepoint without losing the parent's work. */
  child(tx: Transaction<DB>): UnitOfWork {
    return new UnitOfWork(tx, this.#readCache, this.batch);
  }

  adopt(child: UnitOfWork): void {
    this.audit.push(...child.audit);
    this.afterCommit.push(...child.afterCommit);
  }
}

export async function transact<T>(db: Kysely<DB>, fn: (uow: UnitOfWork) => Promise<T>): Promise<T> {
  let uow: UnitOfWork | undefined;
  const result = await db.transaction().execute(async (tx) => {
    uow = new UnitOfWork(tx);
    const r = await fn(uow);
    await flushAudit(tx, uow.audit);
    return r;
  });
  runAfterCommit(uow);
  return result;
}

export function runAfterCommit(uow: UnitOfWork | undefined): void {
  for (const f of uow?.afterCommit ?? []) {
    try { f(); } catch { /* a failed notification never undoes a commit */ }
  }
}
