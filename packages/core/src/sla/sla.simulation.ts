import type { DB, Kysely } from '@earshot/db';
import type { Worker } from '../jobs/worker';
import { nextSlaDue, releaseDueSlaJobs } from './sla.schedule';

export interface SettableClock { now(): Date; set(t: Date | string | number): void }

/**
 * Simulated time (replay, tests): moves the clock forward to `until`, stopping at every SLA
 * evaluation due on the way so warnings and breaches happen at their simulated instants, and
 * lets the worker run what became due. Returns how many stops were made.
 */
export async function advanceSimulatedTime(db: Kysely<DB>, worker: Worker, clock: SettableClock, until: Date, maxStops = 100_000): Promise<number> {
  let stops = 0;
  for (; stops < maxStops; stops++) {
    const next = await nextSlaDue(db);
    if (!next || next.getTime() > until.getTime()) break;
    if (next.getTime() > clock.now().getTime()) clock.set(next);
    await releaseDueSlaJobs(db, clock.now());
    await worker.drain();
  }
  if (until.getTime() > clock.now().getTime()) clock.set(until);
  if ((await releaseDueSlaJobs(db, clock.now())) > 0) await worker.drain();
  return stops;
}
