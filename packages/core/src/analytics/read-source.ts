import { sql, type DB } from '@earshot/db';
import type { Kysely } from 'kysely';

/** Where a read went, and why not to the replica when it did not (the API says so in a header). */
export interface ReadSource { source: 'primary' | 'replica'; reason?: 'no_replica' | 'replica_down' | 'replica_lagging' | 'replica_failed'; lagSeconds?: number }

/** How long a replica's health is trusted before it is asked again. */
const CHECK_MS = 2000;

/**
 * Picks the database analytics and exports read from (ADR 0023): the streaming replica when one is
 * configured, answering, in recovery and no more than `maxLagSeconds` behind; the primary otherwise.
 * Lag is the age of the last replayed transaction while WAL waits to be replayed (an idle primary
 * sends nothing, so a replica with nothing to replay is current).
 */
export class ReplicaReader {
  #checked: { at: number; pick: ReadSource } | null = null;

  constructor(readonly primary: Kysely<DB>, readonly replica: Kysely<DB> | null, private readonly maxLagSeconds = 30) {}

  async pick(): Promise<{ db: Kysely<DB> } & ReadSource> {
    if (!this.replica) return { db: this.primary, source: 'primary', reason: 'no_replica' };
    const now = Date.now();
    if (!this.#checked || now - this.#checked.at > CHECK_MS) this.#checked = { at: now, pick: await this.#check(this.replica) };
    const p = this.#checked.pick;
    return { db: p.source === 'replica' ? this.replica : this.primary, ...p };
  }

  /** A query on the replica failed: use the primary until the next check. */
  markFailed(): void {
    this.#checked = { at: Date.now(), pick: { source: 'primary', reason: 'replica_failed' } };
  }

  async #check(replica: Kysely<DB>): Promise<ReadSource> {
    try {
      const r = await sql<{ recovering: boolean; lag: number | string | null }>`
        select pg_is_in_recovery() as recovering,
          case when not pg_is_in_recovery() or pg_last_wal_receive_lsn() is not distinct from pg_last_wal_replay_lsn() then 0
               else extract(epoch from now() - pg_last_xact_replay_timestamp()) end as lag`.execute(replica);
      const row = r.rows[0];
      const lag = Math.max(0, Number(row?.lag ?? 0));
      if (lag > this.maxLagSeconds) return { source: 'primary', reason: 'replica_lagging', lagSeconds: Math.round(lag) };
      return { source: 'replica', lagSeconds: Math.round(lag) };
    } catch {
      return { source: 'primary', reason: 'replica_down' };
    }
  }
}

/** The header value: `replica; lag=0` or `primary; reason=replica_down`. */
export function readSourceHeader(s: ReadSource): string {
  return [s.source, ...(s.reason ? [`reason=${s.reason}`] : []), ...(s.lagSeconds !== undefined ? [`lag=${s.lagSeconds}`] : [])].join('; ');
}
