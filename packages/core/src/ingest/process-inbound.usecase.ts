import type { CanonicalMessage } from '@earshot/domain';
import type { DeskEvent, EventBus } from '../events/event-bus';
import type { ChannelService } from '../channels/channel.service';
import { getDriver } from '../channels/registry';
import type { JobDefinition, JobFailure, JobRow } from '../jobs/job.types';
import { jobPayload } from '../jobs/job.types';
import { PermanentJobError } from '../jobs/job.types';
import type { RoutingService } from '../routing/routing.service';
import type { Clock } from '../shared/clock';
import type { UnitOfWork } from '../shared/unit-of-work';
import type { SlaService } from '../sla/sla.service';
import { InboundBatch, type InboundItem } from './inbound-batch';
import { JOB_INGEST } from './job-name';
import type { MessageClassifier } from './message-classifier';
import { resolveMessage } from './resolve';

export { JOB_INGEST };

export interface ProcessInboundDeps {
  channels: ChannelService;
  routing: RoutingService;
  sla: SlaService;
  bus: EventBus;
  clock: Clock;
  classifier: MessageClassifier | null;
}

/**
 * How a stored provider event becomes a triaged, routed conversation on an SLA clock: the whole
 * inbound pipeline, top to bottom, for one worker batch of `ingest.process` jobs (up to 100 events),
 * in the batch's transaction:
 *
 * 1. **load** the batch's raw events (one query) and **normalize** each through its channel's
 *    driver into canonical messages; an event that cannot be normalized fails alone (dead job).
 * 2. **prefetch** what every message will look up (`InboundBatch.prefetch`: stored message ids,
 *    authors' identities, thread keys, returning customers' facts, their conversations locked in id
 *    order and those conversations' SLA logs) — five statements for the batch.
 * 3. for each message, in arrival order:
 *    - **resolve**: find or create the customer and the conversation, triage a customer's text,
 *      store the message once, reopen a resolved conversation (resolve.ts; rows kept in memory);
 *    - **route**: the brand's rules → priority, team, tags, and an assignment request queued on the
 *      batch (`RoutingService.route`);
 *    - **clock**: the SLA clock from the conversation's log, and its next evaluation
 *      (`SlaService.refresh`); the brand's own reply seen on the provider (an echo) moves the clock too.
 * 4. **assign** the queued conversations in the pools' locks (`RoutingService.assignQueued`).
 * 5. **write** the batch's rows: one multi-row statement per table (`IngestBatchWrites.flush`).
 * 6. **mark** the events processed. The worker then writes the SLA jobs, marks the jobs done, seals
 *    the audit entries into the brand's hash chain and commits; desk events go out after commit.
 *
 * A job rerun alone under a savepoint (after any failure in the batch) takes the same steps with
 * no `InboundBatch`: each look-up and write is then its own statement.
 */
export function processInboundJob(deps: ProcessInboundDeps): JobDefinition {
  return {
    name: JOB_INGEST,
    mode: 'transactional',
    batchSize: 100,
    handleBatch: (jobs, uow) => processInbound(deps, jobs, uow),
  };
}

async function processInbound(deps: ProcessInboundDeps, jobs: JobRow[], uow: UnitOfWork): Promise<JobFailure[]> {
  const { tx } = uow;
  const failed: JobFailure[] = [];

  // 1. load and normalize
  const ids = jobs.map(eventIdOf);
  const wanted = ids.filter((id) => /^\d+$/.test(id));
  const rows = wanted.length === 0 ? [] : await tx.selectFrom('inbound_events').select(['id', 'channel_id', 'payload', 'processed_at']).where('id', 'in', wanted).execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  const items: InboundItem[] = [];
  const done: string[] = [];
  for (const job of jobs) {
    const event = byId.get(eventIdOf(job));
    if (!event) {
      failed.push({ job, error: new PermanentJobError(`inbound event ${eventIdOf(job)} not found`) });
      continue;
    }
    if (event.processed_at) continue; // already done by an earlier run
    const { row: channel, ctx } = await deps.channels.load(event.channel_id, tx);
    let messages: CanonicalMessage[];
    try {
      messages = getDriver(channel.kind).normalize(event.payload, ctx);
    } catch (err) {
      failed.push({ job, error: new PermanentJobError(`cannot normalize event ${event.id}: ${err instanceof Error ? err.message : String(err)}`) });
      continue;
    }
    for (const message of messages) items.push({ channel, message, eventId: event.id });
    done.push(event.id);
  }

  // 2. prefetch (only in a batch of its own transaction: a savepoint rerun asks the tables)
  const batch = uow.batch ? await InboundBatch.prefetch(tx, items) : null;
  if (uow.batch) uow.batch.inbound = batch;

  // 3. resolve → route → clock, message by message
  const events: DeskEvent[] = [];
  for (const item of items) {
    const r = await resolveMessage(uow, batch, {
      brandId: item.channel.brand_id, channel: item.channel, message: item.message, inboundEventId: item.eventId, clock: deps.clock, classifier: deps.classifier,
    });
    if (!r) continue;
    events.push(...r.events);
    if (r.kind === 'inbound') {
      const s = r.stored;
      const routed = await deps.routing.route(uow, batch, s);
      await deps.sla.refresh(uow, s.conversation.brand_id, s.conversation.id, { conversation: routed.conversation, alsoSet: routed.pending, ...(s.created ? { createdWith: s.message } : {}) });
    } else {
      // The brand's own reply answers the customer: the clock stops (or moves to the next response) at once.
      await deps.sla.refresh(uow, r.conversation.brand_id, r.conversation.id, { conversation: r.conversation });
    }
  }

  // 4. assign, 5. write
  if (batch) {
    await deps.routing.assignQueued(uow, batch);
    await batch.writes.flush(tx);
  }

  // 6. mark processed
  if (done.length > 0) await tx.updateTable('inbound_events').set({ processed_at: deps.clock.now() }).where('id', 'in', done).where('processed_at', 'is', null).execute();
  uow.onCommit(() => { for (const e of events) deps.bus.publish(e); });
  return failed;
}

const eventIdOf = (job: JobRow): string => jobPayload(job, JOB_INGEST).eventId;
