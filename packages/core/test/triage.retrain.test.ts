import { afterAll, beforeAll, expect, it } from 'vitest';
import { Core, JOB_TRIAGE_RETRAIN, systemActor, type Actor, type MessageClassifier, type RetrainInput, type RetrainOutput } from '@earshot/core';
import { createTestDb, describeEachDb, type TestDb } from '../../../test/support/db';
import { apiDelivery, seedBrand, TEST_SECRET_KEY, type SeededBrand } from '../../../test/support/core';

function req(body: string, signature: string) {
  return { method: 'POST', headers: { 'x-earshot-signature': signature }, query: {}, rawBody: Buffer.from(body) };
}

/** Labels every message with the id of the model it was given, so a test can see which one was used. */
const classifier: MessageClassifier = {
  classify: async ({ model }) => ({
    labels: { sentiment: { value: 'negative', confidence: 0.9, reasons: ['x'] }, topic: { value: null, confidence: 0.6, reasons: [] }, model: { id: model?.id ?? null, loaded: model ? await model.load() : null } },
    needsResponse: true,
  }),
};

// The retrain job's bookkeeping with a stand-in trainer (the real one runs in apps/server's pipeline test).
describeEachDb('triage corrections, retrain job, promotion and rollback', (kind) => {
  let db: TestDb;
  let core: Core;
  let brand: SeededBrand;
  let agent: Actor;
  let admin: Actor;
  const calls: RetrainInput[] = [];
  let next: Partial<RetrainOutput> = {};
  let n = 0;

  beforeAll(async () => {
    db = await createTestDb(kind);
    const trainer = {
      retrain: async (input: RetrainInput): Promise<RetrainOutput> => {
        calls.push(input);
        return { model: { trained: input.version }, metrics: { accuracy: 0.8 }, baselineMetrics: { accuracy: 0.8 }, promote: true, ...next };
      },
    };
    core = await Core.create({ handle: db.handle, secretKey: TEST_SECRET_KEY, classifier, trainer, retrainDebounceMs: 0 });
    brand = await seedBrand(core, 'retrain');
    agent = { ...systemActor(brand.brandId), type: 'user', id: brand.agentId, userId: brand.agentId, role: 'agent' };
    admin = { ...systemActor(brand.brandId), type: 'user', id: brand.adminId, userId: brand.adminId, role: 'admin' };
  });
  afterAll(async () => {
    await core?.bus.close();
    await db?.drop();
  });

  async function inbound(): Promise<{ conversationId: string; messageId: string; triage: unknown }> {
    n += 1;
    const d = apiDelivery(brand.apiSecret, [{ id: `r-${n}`, author: `c-${n}`, text: `my bag is lost ${n}` }]);
    await core.ingest.receive(brand.apiChannelId, req(d.body, d.signature), JSON.parse(d.body));
    await core.worker().drain();
    const m = await core.db.selectFrom('messages').select(['id', 'conversation_id', 'triage']).where('provider_message_id', '=', `r-${n}`).executeTakeFirstOrThrow();
    return { conversationId: m.conversation_id, messageId: m.id, triage: m.triage };
  }

  it('refuses bad values and messages of other conversations', async () => {
    const a = await inbound();
    const b = await inbound();
    await expect(core.triage.correct(agent, a.conversationId, a.messageId, { label: 'sentiment', value: 'furious' })).rejects.toMatchObject({ code: 'EARSHOT_VALIDATION' });
    await expect(core.triage.correct(agent, a.conversationId, b.messageId, { label: 'topic', value: 'Bags' })).rejects.toMatchObject({ code: 'EARSHOT_MESSAGE_NOT_FOUND' });
    expect(await core.db.selectFrom('triage_corrections').select('id').execute()).toEqual([]);
  });

  it('retrains from the corrected labels, promotes, and the classifier uses the new model on the next message', async () => {
    const a = await inbound();
    expect(a.triage).toMatchObject({ model: { id: null } });
    await core.triage.correct(agent, a.conversationId, a.messageId, { label: 'topic', value: ' Lost Luggage ' });
    await core.worker().drain();
    expect(calls.at(-1)?.corrections).toEqual([{ text: expect.stringContaining('my bag is lost'), labels: expect.objectContaining({ topic: expect.objectContaining({ value: 'Lost Luggage', confidence: 1 }) }) }]);
    expect(calls.at(-1)?.current).toBeNull();
    const models = await core.triage.models(admin);
    expect(models.map((m) => [m.state, m.corrections])).toEqual([['promoted', 1]]);
    const b = await inbound();
    expect(b.triage).toMatchObject({ model: { id: models[0]?.id, loaded: { trained: models[0]?.version } } });
    const audit = await core.db.selectFrom('audit_events').select('action').where('brand_id', '=', brand.brandId).where('action', 'like', 'triage.%').orderBy('seq').execute();
    expect(audit.map((x) => x.action)).toEqual(['triage.corrected', 'triage.model_trained', 'triage.model_promoted']);
  });

  it('keeps a worse model as a candidate, compares with the current one, and rolls back to the previous and then the default', async () => {
    const first = (await core.triage.models(admin))[0];
    next = { promote: false };
    const a = await inbound();
    await core.triage.correct(agent, a.conversationId, a.messageId, { label: 'needsResponse', value: false });
    await core.worker().drain();
    expect(calls.at(-1)?.current?.id).toBe(first?.id);
    let models = await core.triage.models(admin);
    expect(models.map((m) => m.state).sort()).toEqual(['candidate', 'promoted']);
    const candidate = models.find((m) => m.state === 'candidate');

    await core.triage.promote(admin, candidate?.id ?? '');
    models = await core.triage.models(admin);
    expect(models.find((m) => m.id === candidate?.id)?.state).toBe('promoted');
    expect(models.find((m) => m.id === first?.id)?.state).toBe('retired');

    await core.triage.rollback(admin);
    models = await core.triage.models(admin);
    expect(models.find((m) => m.id === first?.id)?.state).toBe('promoted');
    expect(models.find((m) => m.id === candidate?.id)?.state).toBe('retired');
    expect((await inbound()).triage).toMatchObject({ model: { id: first?.id } });

    // Rolling back the first promoted model leaves the brand on the shipped default.
    await core.triage.rollback(admin);
    expect((await core.triage.models(admin)).some((m) => m.state === 'promoted')).toBe(false);
    expect((await inbound()).triage).toMatchObject({ model: { id: null } });
    await expect(core.triage.rollback(admin)).rejects.toMatchObject({ code: 'EARSHOT_INVALID_STATE' });
    await expect(core.triage.promote(admin, brand.brandId)).rejects.toMatchObject({ code: 'EARSHOT_NOT_FOUND' });
  });

  it('dedupes retrains per brand while one is queued', async () => {
    next = {};
    const a = await inbound();
    for (const value of ['neutral', 'positive', 'negative'] as const) await core.triage.correct(agent, a.conversationId, a.messageId, { label: 'sentiment', value });
    const queued = await core.db.selectFrom('jobs').select(['key']).where('name', '=', JOB_TRIAGE_RETRAIN).where('state', '=', 'queued').execute();
    expect(queued).toEqual([{ key: `retrain:${brand.brandId}` }]);
  });
});
