import { afterAll, beforeAll, expect, it } from 'vitest';
import { EarshotError } from '@earshot/domain';
import { surveyToken, surveyTokenHash, systemActor, SURVEY_LINK_PLACEHOLDER, type Actor, type Worker } from '@earshot/core';
import { describeEachDb } from '../../../test/support/db';
import { apiDelivery, createTestCore, ManualClock, seedBrand, TEST_SECRET_KEY, type SeededBrand, type TestCore } from '../../../test/support/core';

const DAY = 86_400_000;

function req(body: string, signature: string) {
  return { method: 'POST', headers: { 'x-earshot-signature': signature }, query: {}, rawBody: Buffer.from(body) };
}

describeEachDb('satisfaction surveys after resolution', (kind) => {
  let t: TestCore;
  let a: SeededBrand;
  let b: SeededBrand;
  let worker: Worker;
  let agentA: Actor;
  let agentB: Actor;
  const clock = new ManualClock(Date.now());

  beforeAll(async () => {
    t = await createTestCore(kind, { clock });
    a = await seedBrand(t.core, 'csata');
    b = await seedBrand(t.core, 'csatb');
    agentA = { ...systemActor(a.brandId), type: 'user', id: a.agentId, userId: a.agentId, role: 'agent' };
    agentB = { ...systemActor(b.brandId), type: 'user', id: b.agentId, userId: b.agentId, role: 'agent' };
    worker = t.core.worker();
    // Surveys only, no follow-up message: brand A's policy; brand B has none.
    await t.core.followups.setPolicy({ ...agentA, role: 'admin' }, { teamId: null, enabled: false, waitHours: 24, businessHours: true, template: 'x', survey: true });
  });
  afterAll(async () => { await t?.drop(); });

  let seq = 0;
  /** A customer writes; returns the conversation. */
  async function conversation(brand: SeededBrand, text: string, opts: { visibility?: 'public' | 'private'; author?: string } = {}): Promise<string> {
    seq += 1;
    const id = `${brand.slug}-m${seq}`;
    const d = apiDelivery(brand.apiSecret, [{ id, author: opts.author ?? `cust-${seq}`, text, visibility: opts.visibility ?? 'private', sentAt: clock.now().toISOString() }]);
    await t.core.ingest.receive(brand.apiChannelId, req(d.body, d.signature), JSON.parse(d.body));
    await worker.drain();
    const m = await t.core.db.selectFrom('messages').select('conversation_id').where('provider_message_id', '=', id).executeTakeFirstOrThrow();
    return m.conversation_id;
  }
  const surveysOf = (conversationId: string) => t.core.db.selectFrom('csat_surveys').selectAll().where('conversation_id', '=', conversationId).execute();
  const tokenOf = (surveyId: string) => surveyToken(TEST_SECRET_KEY, surveyId);

  it('sends one survey per resolution, signed by the resolving agent, with a link whose token is never stored', async () => {
    const c = await conversation(a, 'My router keeps dropping the connection', { visibility: 'private' });
    await t.core.conversations.setStatus(agentA, c, 'resolved');
    await worker.drain();
    const [s, ...more] = await surveysOf(c);
    expect(more).toHaveLength(0);
    expect(s).toMatchObject({ status: 'sent', agent_id: a.agentId, visibility: 'private', brand_id: a.brandId });
    expect(s!.expires_at.getTime() - s!.sent_at.getTime()).toBe(28 * DAY);
    const msg = await t.core.db.selectFrom('messages').selectAll().where('id', '=', s!.message_id!).executeTakeFirstOrThrow();
    expect(msg).toMatchObject({ direction: 'outbound', visibility: 'private', kind: 'message', author_user_id: a.agentId, delivery_status: 'sent' });
    expect(msg.text).toContain(SURVEY_LINK_PLACEHOLDER);
    expect(msg.text).toContain('Agent csata');
    const token = tokenOf(s!.id);
    // The stored row holds only the hash; the text the provider receives holds the link.
    expect(s!.token_hash).toBe(surveyTokenHash(token));
    expect(JSON.stringify(await t.core.db.selectFrom('csat_surveys').selectAll().execute())).not.toContain(token);
    expect(JSON.stringify(await t.core.db.selectFrom('messages').select('text').execute())).not.toContain(token);
    expect(await t.core.csat.expandText(msg.id, msg.text)).toContain(`http://localhost:3000/csat/${token}`);

    // Reopened and resolved again while the first link still works: no second survey.
    await t.core.conversations.setStatus(agentA, c, 'open');
    await t.core.conversations.setStatus(agentA, c, 'resolved');
    await worker.drain();
    expect(await surveysOf(c)).toHaveLength(1);
  });

  it('sends no survey where no policy asks for one', async () => {
    const c = await conversation(b, 'Help with my order');
    await t.core.conversations.setStatus(agentB, c, 'resolved');
    await worker.drain();
    expect(await surveysOf(c)).toHaveLength(0);
    expect(await t.core.db.selectFrom('messages').select('id').where('conversation_id', '=', c).where('direction', '=', 'outbound').execute()).toHaveLength(0);
  });

  it('sends nothing for a conversation reopened within the wait, marked no-response-needed, or spam', async () => {
    const reopened = await conversation(a, 'Thanks, works now');
    await t.core.conversations.setStatus(agentA, reopened, 'resolved');
    await t.core.conversations.setStatus(agentA, reopened, 'open'); // before the job ran
    const quiet = await conversation(a, 'just saying hi');
    await t.core.db.updateTable('conversations').set({ needs_response: false }).where('id', '=', quiet).execute();
    await t.core.conversations.setStatus(agentA, quiet, 'resolved');
    const spam = await conversation(a, 'buy followers cheap');
    await t.core.conversations.setTags(agentA, spam, ['spam']);
    await t.core.conversations.setStatus(agentA, spam, 'resolved');
    await worker.drain();
    expect(await surveysOf(reopened)).toHaveLength(0);
    expect(await surveysOf(quiet)).toHaveLength(0);
    expect(await surveysOf(spam)).toHaveLength(0);
  });

  it('stores one answer, editable until it expires; a low score opens one follow-up task for the last agent, visible and audited', async () => {
    const c = await conversation(a, 'Billing charged me twice');
    await t.core.conversations.setStatus(agentA, c, 'resolved');
    await worker.drain();
    const [s] = await surveysOf(c);
    const token = tokenOf(s!.id);
    const page = await t.core.csat.publicSurvey(token);
    expect(page).toMatchObject({ brandName: 'Brand csata', agentName: 'Agent csata', answered: false, score: null });

    const low = await t.core.csat.answer(token, { score: 2, comment: 'Still charged twice', reasons: ['not_fixed', 'not_fixed', 'too_slow'] });
    expect(low).toMatchObject({ score: 2, answered: true, reasons: ['not_fixed', 'too_slow'], taskOpened: true });
    const again = await t.core.csat.answer(token, { score: 1, comment: 'Still charged twice, and nobody called' });
    expect(again.taskOpened).toBe(false); // one task per survey
    const rows = await surveysOf(c);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ score: 1, answer_count: 2, comment: 'Still charged twice, and nobody called' });

    const care = await t.core.csat.care(agentA, c);
    expect(care.surveys[0]).toMatchObject({ score: 1, agentName: 'Agent csata' });
    expect(care.tasks).toHaveLength(1);
    expect(care.tasks[0]).toMatchObject({ kind: 'csat_follow_up', assigneeId: a.agentId, status: 'open' });
    expect(new Date(care.tasks[0]!.dueAt).getTime() - clock.now().getTime()).toBe(24 * 3_600_000);
    const mine = await t.core.csat.tasks(agentA, { assignee: 'me' });
    expect(mine.map((x) => x.id)).toContain(care.tasks[0]!.id);
    const timeline = await t.core.conversations.get(agentA, c);
    expect(timeline.messages.some((m) => m.kind === 'event' && m.text.startsWith('Customer rated 2/5'))).toBe(true);
    const audit = await t.core.db.selectFrom('audit_events').select(['action', 'after']).where('brand_id', '=', a.brandId).where('subject_id', '=', c).orderBy('seq').execute();
    expect(audit.map((x) => x.action)).toEqual(expect.arrayContaining(['csat.sent', 'csat.answered', 'task.created', 'csat.answer_changed']));

    const done = await t.core.csat.completeTask(agentA, care.tasks[0]!.id, 'Called: refund issued');
    expect(done).toMatchObject({ status: 'done', outcome: 'Called: refund issued' });
    await expect(t.core.csat.completeTask(agentA, done.id, 'again')).rejects.toMatchObject({ code: 'EARSHOT_INVALID_STATE' });
    // Another brand sees neither the task nor the conversation's care.
    await expect(t.core.csat.completeTask(agentB, done.id, 'x')).rejects.toMatchObject({ code: 'EARSHOT_TASK_NOT_FOUND' });
    await expect(t.core.csat.care(agentB, c)).rejects.toMatchObject({ code: 'EARSHOT_CONVERSATION_NOT_FOUND' });
    expect(await t.core.csat.tasks(agentB, {})).toEqual([]);

    // A good score with no complaint opens nothing; a 3 with a negative comment does.
    const c2 = await conversation(a, 'Where is my parcel?');
    await t.core.conversations.setStatus(agentA, c2, 'resolved');
    await worker.drain();
    const [s2] = await surveysOf(c2);
    expect((await t.core.csat.answer(tokenOf(s2!.id), { score: 5, comment: 'Great, thanks' })).taskOpened).toBe(false);
    expect((await t.core.csat.answer(tokenOf(s2!.id), { score: 3, comment: 'Parcel still not here, terrible' })).taskOpened).toBe(true);
  });

  it('refuses a forged token and an expired link with their own codes', async () => {
    const c = await conversation(a, 'App crashes on start');
    await t.core.conversations.setStatus(agentA, c, 'resolved');
    await worker.drain();
    const [s] = await surveysOf(c);
    const token = tokenOf(s!.id);
    const forged = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    await expect(t.core.csat.publicSurvey(forged)).rejects.toMatchObject({ code: 'EARSHOT_SURVEY_NOT_FOUND' });
    await expect(t.core.csat.answer('not-a-token', { score: 5 })).rejects.toBeInstanceOf(EarshotError);
    await expect(t.core.csat.answer(surveyToken('another-secret', s!.id), { score: 5 })).rejects.toMatchObject({ code: 'EARSHOT_SURVEY_NOT_FOUND' });
    clock.advance(28 * DAY + 1000);
    try {
      await expect(t.core.csat.publicSurvey(token)).rejects.toMatchObject({ code: 'EARSHOT_SURVEY_EXPIRED' });
      await expect(t.core.csat.answer(token, { score: 4 })).rejects.toMatchObject({ code: 'EARSHOT_SURVEY_EXPIRED' });
      expect((await surveysOf(c))[0]!.score).toBeNull();
    } finally {
      clock.advance(-(28 * DAY + 1000));
    }
  });

  it('reports satisfaction by agent and by public/private with response rate', async () => {
    const from = new Date(clock.now().getTime() - DAY).toISOString();
    const to = new Date(clock.now().getTime() + DAY).toISOString();
    const byAgent = await t.core.csat.report(agentA, { groupBy: 'agent', from, to });
    const all = await t.core.db.selectFrom('csat_surveys').select(['score']).where('brand_id', '=', a.brandId).where('status', '=', 'sent').execute();
    const answered = all.filter((x) => x.score !== null).length;
    expect(byAgent.total).toMatchObject({ sent: all.length, answered });
    expect(byAgent.rows).toHaveLength(1);
    expect(byAgent.rows[0]).toMatchObject({ key: a.agentId, label: 'Agent csata', sent: all.length, answered, responseRate: Math.round((answered / all.length) * 1000) / 1000 });
    const byForm = await t.core.csat.report(agentA, { groupBy: 'visibility', from, to });
    expect(byForm.rows.map((r) => r.label)).toEqual(['Private']);
    expect((await t.core.csat.report(agentB, { groupBy: 'agent', from, to })).total.sent).toBe(0);
    await expect(t.core.csat.report(agentA, { groupBy: 'team', from: to, to: from })).rejects.toMatchObject({ code: 'EARSHOT_VALIDATION' });
  });
});
