import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Core, JOB_TRIAGE_RETRAIN } from '@earshot/core';
import { buildApp } from '../src/http/app';
import { createTrainer, loadClassifier } from '../src/triage-classifier';
import { describeEachDb, createTestDb, type TestDb } from '../../../test/support/db';
import { apiDelivery, seedBrand, TEST_SECRET_KEY, type SeededBrand } from '../../../test/support/core';
import { as, login, type Session } from '../../../test/support/http';

interface LabelJson { value: unknown; confidence: number; reasons: string[] }
interface MessageJson { id: string; direction: string; text: string; triage: Record<string, unknown> | null }
interface DetailJson { conversation: { id: string; needsResponse: boolean; triage: Record<string, unknown> | null }; messages: MessageJson[] }

// The real pipeline: signed API delivery → ingest job with the real classifier → REST API; the
// retrain job runs through the worker with the real trainer (on the first 1,500 dev rows, so the
// suite stays quick; production trains on all of them).
describeEachDb('triage in the pipeline: labels, corrections, retraining', (kind) => {
  let db: TestDb;
  let core: Core;
  let app: FastifyInstance;
  let brand: SeededBrand;
  let agent: Session;
  // A second brand for the learning loop, so its model learns only from its own corrections.
  let learner: SeededBrand;
  let learnerAgent: Session;
  let learnerAdmin: Session;
  let n = 0;

  beforeAll(async () => {
    db = await createTestDb(kind);
    core = await Core.create({ handle: db.handle, secretKey: TEST_SECRET_KEY, classifier: await loadClassifier(), trainer: createTrainer({ baseRows: 1500 }), retrainDebounceMs: 600_000 });
    app = await buildApp({ core, webDist: null, loginRateLimit: 10_000 });
    await app.ready();
    brand = await seedBrand(core, 'triage');
    agent = await login(app, brand.emails.agent, brand.password);
    learner = await seedBrand(core, 'learner');
    learnerAgent = await login(app, learner.emails.agent, learner.password);
    learnerAdmin = await login(app, learner.emails.admin, learner.password);
  });
  afterAll(async () => {
    await app?.close();
    await core?.bus.close();
    await db?.drop();
  });

  /** Posts one inbound message from a new customer, runs the worker, returns its conversation. */
  async function inbound(text: string, followers = 10, to: { brand: SeededBrand; session: Session } = { brand, session: agent }): Promise<DetailJson> {
    const { brand: b, session } = to;
    n += 1;
    const d = apiDelivery(b.apiSecret, [{ id: `t-${n}`, author: `cust-${n}`, text, followers }]);
    const res = await app.inject({ method: 'POST', url: `/api/v1/channels/${b.apiChannelId}/events`, headers: { 'content-type': 'application/json', 'x-earshot-signature': d.signature }, payload: d.body });
    expect(res.statusCode).toBeLessThan(300);
    await core.worker().drain();
    const m = await core.db.selectFrom('messages').select('conversation_id').where('brand_id', '=', b.brandId).where('provider_message_id', '=', `t-${n}`).executeTakeFirstOrThrow();
    return (await as(app, session)('GET', `/api/v1/conversations/${m.conversation_id}`)).json<DetailJson>();
  }

  const label = (m: MessageJson | undefined, name: string): LabelJson => (m?.triage?.[name] ?? { value: undefined, confidence: -1, reasons: [] }) as LabelJson;

  it('labels every inbound message in its ingest run, and the API returns the labels with their reasons', async () => {
    const detail = await inbound('@united my flight was cancelled and nobody helped, I am calling my lawyer', 250_000);
    const message = detail.messages.find((m) => m.direction === 'inbound');
    for (const name of ['sentiment', 'topic', 'intent', 'needsResponse']) {
      expect(label(message, name).confidence, name).toBeGreaterThan(0);
      expect(label(message, name).reasons.length, name).toBeGreaterThan(0);
    }
    expect(label(message, 'sentiment').value).toBe('negative');
    expect(label(message, 'sentiment').reasons.join(' ')).toMatch(/cancel|nobody|helped|lawyer/i);
    expect(label(message, 'topic').value).toBe('Cancelled Flight');
    expect(label(message, 'intent').value).toBe('complaint');
    expect(label(message, 'needsResponse').value).toBe(true);
    const urgency = message?.triage?.urgency as { score: number; reasons: string[] };
    expect(urgency.score).toBeGreaterThanOrEqual(45);
    expect(urgency.reasons.join('\n')).toContain('legal words: lawyer');
    expect(urgency.reasons.join('\n')).toContain('250,000 followers');
    expect(message?.triage?.language).toMatchObject({ value: 'eng' });
    expect(message?.triage?.priority).toMatchObject({ value: expect.stringMatching(/high|urgent/) });
    // Denormalised on the conversation for the inbox.
    expect(detail.conversation.triage).toEqual(message?.triage);
    expect(detail.conversation.needsResponse).toBe(true);
  });

  it('stores, audits and applies a correction made through the API, and schedules a retrain', async () => {
    const detail = await inbound('@united thanks, what a great crew today');
    const message = detail.messages.find((m) => m.direction === 'inbound');
    const url = `/api/v1/conversations/${detail.conversation.id}/messages/${message?.id ?? ''}/corrections`;
    expect((await as(app, agent)('POST', url, { label: 'sentiment', value: 'angry' })).statusCode).toBe(400);
    const res = await as(app, agent)('POST', url, { label: 'needsResponse', value: true });
    expect(res.statusCode).toBe(200);
    expect(res.json<MessageJson>().triage?.needsResponse).toMatchObject({ value: true, confidence: 1, reasons: ['corrected by an agent'] });

    const after = (await as(app, agent)('GET', `/api/v1/conversations/${detail.conversation.id}`)).json<DetailJson>();
    expect(after.conversation.needsResponse).toBe(true);
    expect(after.conversation.triage?.corrections).toEqual({ needsResponse: true });
    const rows = await core.db.selectFrom('triage_corrections').selectAll().where('brand_id', '=', brand.brandId).execute();
    expect(rows).toMatchObject([{ message_id: message?.id, label: 'needsResponse', old_value: false, new_value: true, agent_id: brand.agentId }]);
    const audit = await core.db.selectFrom('audit_events').select(['action', 'actor_id', 'subject_id']).where('brand_id', '=', brand.brandId).where('action', '=', 'triage.corrected').execute();
    expect(audit).toEqual([{ action: 'triage.corrected', actor_id: brand.agentId, subject_id: message?.id }]);
    const jobs = await core.db.selectFrom('jobs').select(['name', 'key', 'state']).where('name', '=', JOB_TRIAGE_RETRAIN).execute();
    expect(jobs).toEqual([{ name: JOB_TRIAGE_RETRAIN, key: `retrain:${brand.brandId}`, state: 'queued' }]);
  });

  it('retrains the brand model from corrections: a new topic reaches a similar new message; promotion and rollback', async () => {
    const toLearner = { brand: learner, session: learnerAgent };
    const wifi = [
      '@united the wifi was down the entire trip',
      '@united paid for wifi and it never connected',
      '@united no wifi again on this plane, useless',
      '@united why does the wifi never work on your flights',
      '@united wifi kept dropping the whole flight',
      '@united inflight wifi did not work at all today',
    ];
    for (const text of wifi) {
      const d = await inbound(text, 10, toLearner);
      const m = d.messages.find((x) => x.direction === 'inbound');
      expect(label(m, 'topic').value).not.toBe('Wifi');
      const res = await as(app, learnerAgent)('POST', `/api/v1/conversations/${d.conversation.id}/messages/${m?.id ?? ''}/corrections`, { label: 'topic', value: 'Wifi' });
      expect(res.statusCode).toBe(200);
    }
    // One retrain for all the corrections (key `retrain:<brand>`, debounced); let the debounce elapse.
    const queued = await core.db.selectFrom('jobs').select('id').where('name', '=', JOB_TRIAGE_RETRAIN).where('brand_id', '=', learner.brandId).where('state', '=', 'queued').execute();
    expect(queued.length).toBe(1);
    await core.db.updateTable('jobs').set({ run_at: new Date() }).where('name', '=', JOB_TRIAGE_RETRAIN).where('brand_id', '=', learner.brandId).where('state', '=', 'queued').execute();
    await core.worker().drain();
    const jobs = await core.db.selectFrom('jobs').select(['state', 'last_error']).where('name', '=', JOB_TRIAGE_RETRAIN).where('brand_id', '=', learner.brandId).execute();
    expect(jobs.every((j) => j.state === 'done')).toBe(true);

    const models = (await as(app, learnerAgent)('GET', '/api/v1/triage/models')).json<{ items: Array<{ id: string; state: string; corrections: number; metrics: Record<string, number>; baselineMetrics: Record<string, number> }> }>().items;
    const promoted = models.find((m) => m.state === 'promoted');
    expect(promoted).toBeDefined();
    expect(promoted?.corrections).toBeGreaterThanOrEqual(6);
    expect(promoted?.metrics.accuracy).toBeGreaterThanOrEqual((promoted?.baselineMetrics.accuracy ?? 1) - 0.01);
    expect((await core.db.selectFrom('audit_events').select('action').where('brand_id', '=', learner.brandId).where('action', 'in', ['triage.model_trained', 'triage.model_promoted']).execute()).length).toBe(2);

    const probe = '@united the wifi on board did not work for the whole flight';
    const learned = (await inbound(probe, 10, toLearner)).messages.find((m) => m.direction === 'inbound');
    expect(label(learned, 'topic').value).toBe('Wifi');
    expect(label(learned, 'topic').reasons.join(' ')).toMatch(/wifi/i);
    expect(learned?.triage?.model).toMatchObject({ brandModelId: promoted?.id });

    // Agents cannot roll back; a supervisor or admin can, back to the shipped default here.
    expect((await as(app, learnerAgent)('POST', '/api/v1/triage/models/rollback')).statusCode).toBe(403);
    const rolled = await as(app, learnerAdmin)('POST', '/api/v1/triage/models/rollback');
    expect(rolled.statusCode).toBe(200);
    expect(rolled.json<{ items: Array<{ id: string; state: string }> }>().items.find((m) => m.id === promoted?.id)?.state).toBe('retired');
    const unlearned = (await inbound(probe, 10, toLearner)).messages.find((m) => m.direction === 'inbound');
    expect(label(unlearned, 'topic').value).not.toBe('Wifi');
    expect(unlearned?.triage?.model).toMatchObject({ brandModelId: null });

    // Promote it again by hand.
    expect((await as(app, learnerAdmin)('POST', `/api/v1/triage/models/${promoted?.id ?? ''}/promote`)).statusCode).toBe(200);
    expect(label((await inbound(probe, 10, toLearner)).messages.find((m) => m.direction === 'inbound'), 'topic').value).toBe('Wifi');
    // The other brand still uses the shipped default.
    expect(label((await inbound(probe)).messages.find((m) => m.direction === 'inbound'), 'topic').value).not.toBe('Wifi');
  }, 300_000);
});
