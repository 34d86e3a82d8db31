import type { DbHandle } from '@earshot/db';
import { AuthService } from './auth/auth.service';
import { AdminService } from './brands/admin.service';
import { BrandService } from './brands/brand.service';
import { ChannelService } from './channels/channel.service';
import { ContactService } from './contacts/contact.service';
import { CrmHookService } from './contacts/crm-hook';
import { ConversationService } from './conversations/conversation.service';
import { deliverJob } from './deliver/deliver.job';
import { ChannelLimitsService } from './channels/channel-limits.service';
import { pollJob } from './polling/poll.job';
import { PollingService } from './polling/poll.service';
import { WebchatService } from './webchat/webchat.service';
import { PhoneService } from './webchat/phone.service';
import { callFollowUpJob } from './webchat/call-follow-up.job';
import { LocalEventBus, type EventBus } from './events/event-bus';
import { PgEventBus } from './events/pg-event-bus';
import { ImportService } from './imports/import.service';
import { CannedService } from './canned/canned.service';
import { PresenceService } from './presence/presence.service';
import { MentionService } from './mentions/mention.service';
import { IncidentService } from './incidents/incident.service';
import { KbService } from './kb/kb.service';
import { CommunityService } from './community/community.service';
import { CommunityAuthService } from './community/community-auth.service';
import { CommunityDeskService } from './community/community-desk.service';
import { CommunityMailer } from './community/community.mailer';
import { communityEscalateJob } from './community/community-escalate.job';
import { processInboundJob } from './ingest/process-inbound.usecase';
import { IngestService } from './ingest/ingest.service';
import type { MessageClassifier } from './ingest/message-classifier';
import { countUnfinishedJobs, databaseAnswers } from './jobs/job.queue';
import type { JobDefinition } from './jobs/job.types';
import { AuditTrail } from './audit/audit.service';
import { Worker, type WorkerOptions } from './jobs/worker';
import { SecretBox } from './shared/crypto';
import { RoutingService } from './routing/routing.service';
import { SlaService } from './sla/sla.service';
import { slaEvaluateJob } from './sla/sla.job';
import { TransferService } from './conversations/transfer.service';
import { TriageService } from './triage/triage.service';
import { retrainJob } from './triage/retrain.job';
import type { TriageTrainer } from './triage/triage.types';
import { systemClock, type Clock } from './shared/clock';
import { WebhookService } from './webhooks/webhook.service';
import { AnalyticsService } from './analytics/analytics.service';
import { analyticsRollupJob, ROLLUP_DEBOUNCE_MS } from './analytics/rollup.job';
import { ReplicaReader } from './analytics/read-source';
import { CsatService } from './csat/csat.service';
import { FollowupService } from './followups/followup.service';
import { NoticeService } from './notices/notice.service';
import { policyFor } from './followups/followup.repository';
import type { WebhookOptions } from './webhooks/webhook.options';

/**
 * Jobs per worker batch on the embedded database (one connection shared with the API, so a batch
 * holds acknowledgements up while it runs; see WorkerOptions.maxBatch). 100, as on a server: fewer
 * per-batch statements outweighed the wait (docs/benchmarks.md, round 5: 237–265 → 266–294 events/s,
 * ack p99 not worse).
 */
const EMBEDDED_MAX_BATCH = 100;
/**
 * Batches one worker runs at a time on a PostgreSQL server: while one batch waits for the database
 * the other uses Node's CPU (docs/benchmarks.md, ingest round 5). The embedded database has one
 * connection, so there it is one.
 */
const SERVER_WORKER_CONCURRENCY = 2;

export interface CoreOptions {
  handle: DbHandle;
  secretKey: string;
  clock?: Clock;
  classifier?: MessageClassifier | null;
  /** Trains brands' triage models from corrections (the `triage.retrain` job); null: corrections are stored only. */
  trainer?: TriageTrainer | null;
  /** Corrections within this window share one retrain (default 30 s). */
  retrainDebounceMs?: number;
  /** Share events across processes with LISTEN/NOTIFY (server database only). */
  crossProcessEvents?: boolean;
  /** Outbound webhooks and the CRM hook: private targets, timeouts, retries (defaults are production's). */
  webhooks?: WebhookOptions;
  /**
   * Analytics rollups (ADR 0022): `live` (default true) keeps them current from the desk events and at
   * worker start; `debounceMs` (default 2 s) is how long a catch-up waits to gather changes. Without
   * `live` they move only when `analytics.catchUp` runs (tests that count jobs and batches).
   */
  analytics?: { live?: boolean; debounceMs?: number };
  /** A streaming replica analytics and exports read from while it is up and at most `maxLagSeconds` (30) behind (ADR 0023). Closed with the core. */
  replica?: { handle: DbHandle; maxLagSeconds?: number };
  /** The address customers reach this server at: survey links (default http://localhost:3000). */
  publicUrl?: string;
}

/** Every service, wired once. Apps (HTTP server, CLI, worker) build one Core and use its parts. */
export class Core {
  readonly db;
  readonly clock: Clock;
  readonly box: SecretBox;
  readonly channels: ChannelService;
  readonly polling: PollingService;
  readonly channelLimits: ChannelLimitsService;
  readonly webchat: WebchatService;
  readonly phone: PhoneService;
  readonly ingest: IngestService;
  readonly auth: AuthService;
  readonly admin: AdminService;
  readonly brands: BrandService;
  readonly conversations: ConversationService;
  readonly contacts: ContactService;
  readonly crmHook: CrmHookService;
  readonly imports: ImportService;
  readonly presence: PresenceService;
  readonly canned: CannedService;
  readonly mentions: MentionService;
  readonly incidents: IncidentService;
  readonly kb: KbService;
  readonly community: CommunityService;
  readonly communityAuth: CommunityAuthService;
  readonly communityDesk: CommunityDeskService;
  readonly routing: RoutingService;
  readonly sla: SlaService;
  readonly transfers: TransferService;
  readonly triage: TriageService;
  readonly webhooks: WebhookService;
  readonly audit: AuditTrail;
  readonly analytics: AnalyticsService;
  readonly csat: CsatService;
  readonly followups: FollowupService;
  readonly notices: NoticeService;
  #workers: Worker[] = [];
  #pollsSeeded = false;

  private constructor(readonly handle: DbHandle, readonly bus: EventBus, private readonly opts: CoreOptions) {
    this.db = handle.db;
    this.clock = opts.clock ?? systemClock;
    this.box = new SecretBox(opts.secretKey);
    this.polling = new PollingService(this.db);
    this.channels = new ChannelService(this.db, this.box, this.clock, this.polling);
    this.channelLimits = new ChannelLimitsService(this.db, this.channels, this.polling, this.clock);
    this.ingest = new IngestService(this.db, this.channels, () => this.wakeWorkers());
    this.webchat = new WebchatService(this.db, this.channels, this.ingest, this.clock, opts.secretKey);
    this.phone = new PhoneService(this.db, bus, this.clock, this.ingest, this.webchat);
    this.auth = new AuthService(this.db, this.clock);
    this.routing = new RoutingService(this.db, bus, this.clock);
    this.sla = new SlaService(this.db, bus, this.clock, this.routing);
    // An agent going offline hands their open conversations on, in the same transaction.
    this.brands = new BrandService(this.db, this.clock);
    this.admin = new AdminService(this.db, bus, this.clock, { onAvailabilityChanged: async (uow, brandId, userId, availability) => { if (availability === 'offline') await this.routing.reassignFromAgent(uow, brandId, userId); } });
    this.csat = new CsatService(this.db, bus, this.clock, { publicUrl: opts.publicUrl ?? 'http://localhost:3000', secretKey: opts.secretKey });
    this.followups = new FollowupService(this.db, bus, this.clock);
    this.conversations = new ConversationService(this.db, bus, this.clock, () => this.wakeWorkers(), {
      afterChange: async (uow, brandId, id) => { await this.sla.refresh(uow, brandId, id); },
      onResolved: async (uow, brandId, id, by, at, teamId) => {
        // The team's close-the-loop policy, else the brand's; without one nothing is sent.
        const policy = await policyFor(uow.tx, brandId, teamId);
        if (policy?.survey) await this.csat.onResolved(uow, brandId, id, by, at);
        await this.followups.onResolved(uow, brandId, id, by, at, teamId, policy);
      },
    });
    this.notices = new NoticeService(this.db, bus, this.clock, this.conversations, () => this.wakeWorkers());
    this.transfers = new TransferService(this.db, bus, this.clock, this.routing, this.sla);
    this.crmHook = new CrmHookService(this.db, this.box, this.clock, undefined, { allowPrivate: opts.webhooks?.allowPrivate ?? false });
    this.contacts = new ContactService(this.db, this.clock, this.crmHook);
    this.imports = new ImportService(this.db, this.channels, this.ingest);
    this.presence = new PresenceService(this.db, bus, this.clock);
    this.canned = new CannedService(this.db, this.clock);
    this.mentions = new MentionService(this.db, bus, this.clock);
    this.incidents = new IncidentService(this.db, bus, this.clock);
    this.audit = new AuditTrail(this.db);
    this.kb = new KbService(this.db, this.clock);
    this.community = new CommunityService(this.db, this.clock, opts.classifier ?? null);
    this.communityAuth = new CommunityAuthService(this.db, this.clock, new CommunityMailer(this.db, this.channels));
    this.communityDesk = new CommunityDeskService(this.db, this.clock, this.ingest, this.community);
    this.triage = new TriageService(this.db, bus, this.clock, { retrainDebounceMs: this.#retrainDebounceMs(), wakeWorker: () => this.wakeWorkers() });
    this.webhooks = new WebhookService(this.db, bus, this.box, this.clock, () => this.wakeWorkers(), opts.webhooks);
    this.analytics = new AnalyticsService(this.db, new ReplicaReader(this.db, opts.replica?.handle.db ?? null, opts.replica?.maxLagSeconds), bus, this.clock, { live: opts.analytics?.live ?? true, debounceMs: opts.analytics?.debounceMs ?? ROLLUP_DEBOUNCE_MS });
  }

  #retrainDebounceMs(): number {
    return this.opts.retrainDebounceMs ?? 30_000;
  }

  static async create(opts: CoreOptions): Promise<Core> {
    const bus = opts.crossProcessEvents && opts.handle.kind === 'postgres' ? await PgEventBus.create(opts.handle) : new LocalEventBus();
    return new Core(opts.handle, bus, opts);
  }

  jobs(): JobDefinition[] {
    return [
      processInboundJob({ channels: this.channels, routing: this.routing, sla: this.sla, bus: this.bus, clock: this.clock, classifier: this.opts.classifier ?? null }),
      slaEvaluateJob(this.sla),
      // A reply on the community channel is delivered by Earshot itself (a staff answer in the thread); survey links are filled in when sent.
      deliverJob({ db: this.db, channels: this.channels, bus: this.bus, clock: this.clock, localSenders: { community: (msg) => this.communityDesk.deliverStaffAnswer(msg) }, expandText: (id, text) => this.csat.expandText(id, text) }),
      communityEscalateJob(this.communityDesk),
      this.csat.job(),
      this.followups.job(),
      pollJob({ db: this.db, channels: this.channels, ingest: this.ingest, clock: this.clock }),
      callFollowUpJob({ bus: this.bus, clock: this.clock }),
      retrainJob({ db: this.db, bus: this.bus, clock: this.clock, trainer: this.opts.trainer ?? null, debounceMs: this.#retrainDebounceMs() }),
      ...this.webhooks.jobs(),
      analyticsRollupJob(),
    ];
  }

  worker(opts: Partial<WorkerOptions> = {}): Worker {
    const embedded = this.handle.kind === 'pglite';
    const w = new Worker({ db: this.db, jobs: this.jobs(), ...(embedded ? { maxBatch: EMBEDDED_MAX_BATCH } : { concurrency: SERVER_WORKER_CONCURRENCY }), ...opts });
    this.#workers.push(w);
    // The first worker of a process (re)starts polling for every pollable channel; the job key dedupes.
    if (!this.#pollsSeeded) {
      this.#pollsSeeded = true;
      void this.polling.seedAll().then((n) => { if (n > 0) w.wake(); }, (err: unknown) => opts.onError?.(err));
      // What a crash left un-rolled-up is caught up at start (the cursor is in the database).
      void this.analytics.seedAll().then((n) => { if (n > 0) w.wake(); }, (err: unknown) => opts.onError?.(err));
    }
    return w;
  }

  /** The health check: does the database answer? */
  healthy(): Promise<boolean> {
    return databaseAnswers(this.db);
  }

  /** Jobs not yet done, by name and state. */
  jobCounts(): Promise<{ name: string; state: string; count: number }[]> {
    return countUnfinishedJobs(this.db);
  }

  wakeWorkers(): void {
    for (const w of this.#workers) w.wake();
  }

  async close(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.stop()));
    this.presence.close();
    await this.bus.close();
    await this.opts.replica?.handle.close().catch(() => undefined);
    await this.handle.close();
  }
}
