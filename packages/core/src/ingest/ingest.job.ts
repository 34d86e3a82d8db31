import type { CanonicalMessage } from '@earshot/domain';
import type { DeskEvent, EventBus } from '../events/event-bus';
import type { ChannelService } from '../channels/channel.service';
import { getDriver } from '../channels/registry';
import type { JobDefinition } from '../jobs/job.types';
import { PermanentJobError, type JobRow } from '../jobs/job.types';
import type { Clock } from '../shared/clock';
import type { UnitOfWork } from '../shared/unit-of-work';
import type { MessageClassifier } from './message-classifier';
import { prefetchIngest, type PrefetchItem } from './prefetch';
import { resolveMessage, type ResolveHooks } from './resolve';

import { JOB_INGEST } from './job-name';

export { JOB_INGEST };

export interface IngestJobDeps {
  channels: ChannelService;
  bus: EventBus;
  clock: Clock;
  classifier?: MessageClassifier | null;
  hooks?: ResolveHooks;
}

const eventIdOf = (job: JobRow): string => String(job.payload.eventId ?? '');

/** normalize → resolve (→ triage, route) for one stored provider event, inside the job's transaction. */
export function ingestJob(deps: IngestJobDeps): JobDefinition {
  return {
    name: JOB_INGEST,
    mode: 'transactional',
    batchSize: 100,
    // The batch's raw events in one query; marked processed in one statement after the batch.
    async prepare(jobs, uow) {
      const ids = jobs.map(eventIdOf).filter((id) => /^\d+$/.test(id));
      if (ids.length === 0) return;
      const rows = await uow.tx.selectFrom('inbound_events').selectAll().where('id', 'in', ids).execute();
      for (const r of rows) uow.remember(`inbound-event:${r.id}`, r);
      // Without savepoints the batch also reads what every message will look up, in a few statements.
      const batch = uow.batch;
      if (!batch) return;
      const items: PrefetchItem[] = [];
      for (const r of rows) {
        if (r.processed_at) continue;
        const { row, ctx } = await deps.channels.load(r.channel_id, uow.tx);
        let messages: CanonicalMessage[];
        try { messages = getDriver(row.kind).normalize(r.payload, ctx); } catch { continue; } // the job itself reports it
        batch.set(`normalized:${r.id}`, messages);
        for (const message of messages) items.push({ channel: row, message });
      }
      await prefetchIngest(uow.tx, batch, items);
    },
    async afterBatch(done, uow) {
      const ids = done.map(eventIdOf).filter((id) => /^\d+$/.test(id));
      if (ids.length > 0) await uow.tx.updateTable('inbound_events').set({ processed_at: deps.clock.now() }).where('id', 'in', ids).where('processed_at', 'is', null).execute();
    },
    async handle(job, uow: UnitOfWork) {
      const eventId = eventIdOf(job);
      const event = await uow.cached(`inbound-event:${eventId}`, () => uow.tx.selectFrom('inbound_events').selectAll().where('id', '=', eventId).executeTakeFirst());
      if (!event) throw new PermanentJobError(`inbound event ${eventId} not found`);
      if (event.processed_at) return; // already done by an earlier run
      const { row, ctx } = await deps.channels.load(event.channel_id, uow.tx);
      let messages: CanonicalMessage[] | undefined = uow.batch?.get<CanonicalMessage[]>(`normalized:${eventId}`);
      try {
        messages ??= getDriver(row.kind).normalize(event.payload, ctx);
      } catch (err) {
        throw new PermanentJobError(`cannot normalize event ${eventId}: ${err instanceof Error ? err.message : String(err)}`);
      }
      const events: DeskEvent[] = [];
      for (const m of messages) {
        const r = await resolveMessage(uow, { brandId: row.brand_id, channel: row, message: m, inboundEventId: event.id, clock: deps.clock, classifier: deps.classifier ?? null, hooks: deps.hooks });
        if (r) events.push(...r.events);
      }
      uow.onCommit(() => { for (const e of events) deps.bus.publish(e); });
    },
  };
}
