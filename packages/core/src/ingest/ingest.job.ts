import type { CanonicalMessage } from '@earshot/domain';
import type { DeskEvent, EventBus } from '../events/event-bus';
import type { ChannelService } from '../channels/channel.service';
import { getDriver } from '../channels/registry';
import type { JobDefinition } from '../jobs/job.types';
import { PermanentJobError } from '../jobs/job.types';
import type { Clock } from '../shared/clock';
import type { UnitOfWork } from '../shared/unit-of-work';
import type { MessageClassifier } from './message-classifier';
import { resolveMessage, type ResolveHooks } from './resolve';

export const JOB_INGEST = 'ingest.process';

export interface IngestJobDeps {
  channels: ChannelService;
  bus: EventBus;
  clock: Clock;
  classifier?: MessageClassifier | null;
  hooks?: ResolveHooks;
}

/** normalize → resolve (→ triage, route) for one stored provider event, inside the job's transaction. */
export function ingestJob(deps: IngestJobDeps): JobDefinition {
  return {
    name: JOB_INGEST,
    mode: 'transactional',
    batchSize: 100,
    async handle(job, uow: UnitOfWork) {
      const eventId = String(job.payload.eventId ?? '');
      const event = await uow.tx.selectFrom('inbound_events').selectAll().where('id', '=', eventId).executeTakeFirst();
      if (!event) throw new PermanentJobError(`inbound event ${eventId} not found`);
      if (event.processed_at) return; // already done by an earlier run
      const { row, ctx } = await deps.channels.load(event.channel_id, uow.tx);
      let messages: CanonicalMessage[];
      try {
        messages = getDriver(row.kind).normalize(event.payload, ctx);
      } catch (err) {
        throw new PermanentJobError(`cannot normalize event ${eventId}: ${err instanceof Error ? err.message : String(err)}`);
      }
      const events: DeskEvent[] = [];
      for (const m of messages) {
        const r = await resolveMessage(uow, { brandId: row.brand_id, channel: row, message: m, raw: event.payload, clock: deps.clock, classifier: deps.classifier ?? null, hooks: deps.hooks });
        if (r) events.push(...r.events);
      }
      await uow.tx.updateTable('inbound_events').set({ processed_at: deps.clock.now() }).where('id', '=', eventId).execute();
      uow.onCommit(() => { for (const e of events) deps.bus.publish(e); });
    },
  };
}
