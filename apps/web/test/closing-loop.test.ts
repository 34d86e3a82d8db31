import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { sql } from '@earshot/db';
import { surveyToken, systemActor } from '@earshot/core';
import { launchBrowser, openConversation, signedIn, type Desk } from './support/browser';
import { startDeskServer, type DeskServer } from './support/desk-server';
import { TEST_SECRET_KEY } from '../../../test/support/core';

const SHOTS = fileURLToPath(new URL('../../../docs/screenshots/', import.meta.url));
const poll = <T,>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 20_000, interval: 100 });

/** Closing the loop in a real browser: the policy, the follow-up, the customer's survey page, an incident update. */
describe('follow-up, satisfaction and incident updates in the browser', () => {
  let s: DeskServer;
  let browser: Browser;
  let admin: Desk;
  let agent: Desk;

  beforeAll(async () => {
    s = await startDeskServer({ demo: false });
    browser = await launchBrowser();
    admin = await signedIn(browser, s.url, s.users.admin.email, s.password);
    agent = await signedIn(browser, s.url, s.users.agent.email, s.password);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  it('an admin sets the follow-up policy; an agent resolves and sees the follow-up sent', async () => {
    const page = admin.page;
    await page.goto('/admin/followup');
    await page.getByRole('heading', { name: 'Follow-up & satisfaction' }).waitFor();
    await page.getByLabel('Follow up after resolution').check();
    await page.getByLabel('Wait (hours)').fill('4');
    await page.getByLabel('Message').fill('Hi {{first_name}}, {{agent_name}} here. Is everything working again since we spoke?');
    await page.getByLabel('Send a satisfaction survey (1–5) right after each resolution').check();
    await page.getByRole('button', { name: 'Save policy' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    await page.screenshot({ path: join(SHOTS, 'followup-policy.png'), fullPage: true });

    await s.postInbound([{ id: 'loop-1', author: 'ann_loop', name: 'Ann Loop', text: 'My broadband keeps dropping every evening, can you please fix it? I work from home.', visibility: 'private' }]);
    const id = await waitForConversation('ann_loop');
    await openConversation(agent, id);
    await agent.page.locator('#composer-text').fill('We replaced the faulty port at the cabinet; it should hold now.');
    await agent.page.getByRole('button', { name: 'Send', exact: true }).click();
    await agent.page.getByText('We replaced the faulty port at the cabinet').first().waitFor();
    await agent.page.getByRole('button', { name: 'Resolve', exact: true }).click();
    const care = agent.page.getByLabel('After resolution');
    await care.getByText('Follow-up scheduled').waitFor();
    // Four business hours pass (simulated): the follow-up comes due.
    await sql`update followups set due_at = now() where conversation_id = ${id}`.execute(s.core.db);
    await sql`update jobs set run_at = now() where name = 'followup.send' and state = 'queued'`.execute(s.core.db);
    s.core.wakeWorkers();
    await poll(async () => { const f = await s.core.db.selectFrom('followups').select(['status', 'skip_reason']).where('conversation_id', '=', id).executeTakeFirst(); return `${f?.status ?? 'none'} ${f?.skip_reason ?? ''}`.trim(); }).toBe('sent');
    await care.getByText('Follow-up sent').waitFor({ timeout: 20_000 });
    await agent.page.getByText('Is everything working again since we spoke?').first().waitFor();
    await agent.page.screenshot({ path: join(SHOTS, 'followup-sent.png') });
    expect(agent.errors).toEqual([]);
  });

  it('a customer answers the survey page on a phone; the low score shows on the conversation with a task', async () => {
    const id = await waitForConversation('ann_loop');
    const survey = await s.core.db.selectFrom('csat_surveys').select('id').where('conversation_id', '=', id).executeTakeFirstOrThrow();
    const phone = await browser.newContext({ viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true, colorScheme: 'light' });
    const page = await phone.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e))); // the forged link's 404 status is expected, a script error is not
    await page.goto(`${s.url}/csat/${surveyToken(TEST_SECRET_KEY, survey.id)}`);
    await page.getByRole('heading', { name: 'How did we do?' }).waitFor();
    // Nothing overflows the phone's width.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await page.screenshot({ path: join(SHOTS, 'csat-phone.png'), fullPage: true });
    await page.locator('label:has(input[name="score"][value="2"])').click();
    await page.getByLabel('Anything you want to add?').fill('It dropped again last night.');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByRole('heading', { name: 'Tell us a little more' }).waitFor();
    await page.getByLabel('My problem is not fixed').check();
    await page.screenshot({ path: join(SHOTS, 'csat-reasons-phone.png'), fullPage: true });
    await page.getByRole('button', { name: 'Update my answer' }).click();
    await page.getByRole('heading', { name: 'Thank you' }).waitFor();
    expect(await page.textContent('body')).toContain('2/5');
    await page.screenshot({ path: join(SHOTS, 'csat-thanks-phone.png'), fullPage: true });
    // A forged link is a clear page, not an error.
    await page.goto(`${s.url}/csat/${'A'.repeat(43)}`);
    await page.getByRole('heading', { name: 'This survey link is not valid' }).waitFor();
    expect(errors).toEqual([]);
    await phone.close();

    await openConversation(agent, id);
    const care = agent.page.getByLabel('After resolution');
    await care.getByText('2/5', { exact: true }).waitFor();
    await care.getByText(/Follow up on a 2\/5 satisfaction answer/).waitFor();
    await agent.page.screenshot({ path: join(SHOTS, 'csat-task.png') });
    await care.getByLabel('Outcome').fill('Called Ann: engineer visit booked for Friday');
    await care.getByRole('button', { name: 'Mark done' }).click();
    await poll(async () => (await s.core.db.selectFrom('care_tasks').select('status').where('conversation_id', '=', id).executeTakeFirstOrThrow()).status).toBe('done');
  });

  it('an agent posts an incident update to every linked customer and watches it go out', async () => {
    await s.postInbound([
      { id: 'inc-1', author: 'ben_outage', name: 'Ben Ode', text: 'No internet in Leeds since 9am', visibility: 'private' },
      { id: 'inc-2', author: 'cat_outage', name: 'Cat Ruiz', text: 'Is there an outage in Leeds?', visibility: 'private' },
      { id: 'inc-3', author: 'dev_outage', name: 'Dev Shah', text: 'Router shows red light, Leeds', visibility: 'private' },
    ]);
    const ids = [await waitForConversation('ben_outage'), await waitForConversation('cat_outage'), await waitForConversation('dev_outage')];
    const actor = { ...systemActor(s.brandId), type: 'user' as const, id: s.users.agent.id, userId: s.users.agent.id, role: 'agent' as const };
    const [link] = await s.core.incidents.link(actor, ids[0] ?? '', { title: 'Leeds fibre outage' });
    for (const id of ids.slice(1)) await s.core.incidents.link(actor, id, { incidentId: link?.id ?? '' });
    await openConversation(agent, ids[0] ?? '');
    await agent.page.getByRole('button', { name: 'Leeds fibre outage', exact: true }).click();
    const dialog = agent.page.getByRole('dialog');
    await dialog.getByLabel('Update', { exact: true }).fill('Hi {{first_name}}, engineers are repairing a cut cable in Leeds; service should be back by 18:00.');
    await dialog.getByRole('button', { name: 'Send update' }).click();
    await dialog.getByText('3 of 3 sent').waitFor({ timeout: 20_000 });
    await agent.page.screenshot({ path: join(SHOTS, 'incident-update.png') });
    const texts = await s.core.db.selectFrom('messages').select('text').where('conversation_id', 'in', ids).where('direction', '=', 'outbound').execute();
    expect(texts.map((t) => t.text).sort()).toEqual(['Ben', 'Cat', 'Dev'].map((n) => `Hi ${n}, engineers are repairing a cut cable in Leeds; service should be back by 18:00.`));
    expect(agent.errors).toEqual([]);
  });

  async function waitForConversation(handle: string): Promise<string> {
    let id = '';
    await poll(async () => { id = await s.conversationOf(handle).catch(() => ''); return id; }).not.toBe('');
    return id;
  }
});
