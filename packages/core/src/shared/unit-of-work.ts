import type { Kysely, Transaction, DB } from '@earshot/db';
import type { AuditEntry } from '../audit/audit.types';
import { flushAudit } from '../audit/audit.repository';

export type Executor = Kysely<DB> | Transaction<DB>;

/**
 * What one transaction collects besides its SQL: audit entries (written just before commit, in
 * brand order so two transactions never take the per-brand chain locks in opposite orders) and
 * notifications that go out only after commit.
 */
export class UnitOfWork {
  readonly audit: AuditEntry[] = [];
  readonly afterCommit: (() => void)[] = [];

  constructor(readonly tx: Transaction<DB>) {}

  record(entry: AuditEntry): void {
    this.audit.push(entry);
  }

  onCommit(fn: () => void): void {
    this.afterCommit.push(fn);
  }

  /** A child for one step that may be rolled back to a savepoint without losing the parent's work. */
  child(tx: Transaction<DB>): UnitOfWork {
    return new UnitOfWork(tx);
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
