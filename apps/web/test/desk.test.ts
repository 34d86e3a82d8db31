import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { sql } from '@earshot/db';
import { launchBrowser, openConversation, signedIn, type Desk } from './support/browser';
import { startDeskServer, type DeskServer } from './support/desk-server';

/**
 * The desk in a real browser (Debian Chromium, headless) against a real server on a fresh
 * database: every flow an agent relies on, end to end through the UI.
 */
// Waiting for the UI (not a timed assertion): poll until the condition holds or the test's own timeout.
const poll = <T,>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 20_000, interval: 100 });

describe('agent desk in the browser', () => {
  let s: DeskServer;
  let browser: Browser;
  let dana: Desk;
  const conv: Record<string, string> = {};

  const messagesOf = (id: string) => s.core.db.selectFrom('messages').selectAll().where('conversation_id', '=', id).orderBy('created_at').execute();

  beforeAll(async () => {
    s = await startDeskServer({ demo: false });
    await s.postInbound([
      { id: 'm-refund', author: 'maria_g', name: 'Maria Garcia', text: 'My refund for order 4471 still has not arrived. This is ridiculous, three weeks now!', followers: 5200 },
      { id: 'm-praise', author: 'tom_k', name: 'Tom Kim', text: 'Love the new app update, great job team!' },
      { id: 'm-wifi', author: 'ana_p', name: 'Ana Pereira', text: 'Is the wifi on flight 212 down? Cannot connect at all.' },
      { id: 'm-xss', author: 'mallory', name: 'Mallory <b>Evil</b>', text: 'Look <img src=x onerror=window.__xss=1> and <script>window.__xss=2</script> [click](javascript:window.__xss=3) javascript:window.__xss=4 https://example.com/help' },
    ]);
    await s.drain();
    for (const h of ['maria_g', 'tom_k', 'ana_p', 'mallory']) conv[h] = await s.conversationOf(h);
    browser = await launchBrowser();
    dana = await signedIn(browser, s.url, s.users.agent.email, s.password);
  });
  // A failing browser test leaves a screenshot of the agent's page behind, to see what went wrong.
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail' && dana) await dana.page.screenshot({ path: join(tmpdir(), `desk-test-${ctx.task.name.replace(/\W+/g, '-')}.png`) }).catch(() => undefined);
  });
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  it('signs in, refuses a wrong password and signs out', async () => {
    const ctx = await browser.newContext({ baseURL: s.url });
    const page = await ctx.newPage();
    await page.goto('/');
    await page.getByLabel('Email').fill(s.users.agent2.email);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await poll(() => page.getByRole('alert').textContent()).toMatch(/email or password|credentials|sign in/i);
    await page.getByLabel('Password').fill(s.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Views' }).waitFor();
    expect(await page.locator('.me-name').textContent()).toBe('Lee Chen');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('You have signed out.').waitFor();
    await page.reload();
    await page.getByRole('button', { name: 'Sign in' }).waitFor(); // the session is really gone
    await ctx.close();
  });

  it('lists the queue and narrows it with search and status filters', async () => {
    const { page } = dana;
    const rows = page.getByRole('listbox', { name: 'Conversations' }).getByRole('option');
    await poll(() => rows.count()).toBe(4);
    await page.getByRole('searchbox').fill('refund');
    await poll(() => rows.allTextContents()).toEqual([expect.stringContaining('Maria Garcia')]);
    await page.getByRole('searchbox').fill('');
    await poll(() => rows.count()).toBe(4);
    for (const st of ['Open', 'Pending']) await page.getByRole('button', { name: st.toLowerCase(), exact: true }).click();
    await page.getByRole('button', { name: 'resolved', exact: true }).click();
    await page.getByText('No conversations match this view and these filters.').waitFor();
    await page.getByRole('button', { name: 'resolved', exact: true }).click();
    await page.getByRole('button', { name: 'open', exact: true }).click();
    await poll(() => rows.count()).toBe(4);
    await page.getByRole('button', { name: 'Unassigned', exact: true }).click();
    await poll(() => rows.count()).toBe(4);
    await page.getByRole('button', { name: 'Mine', exact: true }).click();
    await page.getByText('No conversations match this view and these filters.').waitFor();
    await page.getByRole('button', { name: 'All', exact: true }).click();
  });

  it('Breaching soon lists the nearest SLA deadline first, each row with its countdown', async () => {
    const { page } = dana;
    const rows = page.getByRole('listbox', { name: 'Conversations' }).getByRole('option');
    const due = (await sql<{ id: string; has_due: boolean }>`
      select id, least(sla_first_response_due_at, sla_next_response_due_at, sla_resolution_due_at) is not null as has_due
      from conversations where brand_id = ${s.brandId} and status in ('open', 'pending')
      order by coalesce(least(sla_first_response_due_at, sla_next_response_due_at, sla_resolution_due_at), 'infinity'), id`.execute(s.core.db)).rows;
    expect(due.filter((r) => r.has_due).length).toBeGreaterThan(1);
    await page.getByRole('button', { name: 'Breaching soon' }).click();
    await poll(() => rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-conversation-id')))).toEqual(due.map((r) => r.id));
    expect(await page.getByLabel('Sort').inputValue()).toBe('sla_due');
    expect(await page.getByRole('button', { name: 'Breaching soon' }).getAttribute('aria-pressed')).toBe('true');
    await poll(() => rows.locator('.sla').allTextContents()).toEqual(due.filter((r) => r.has_due).map(() => expect.stringMatching(/left|over|breached/)));
    await page.getByRole('button', { name: 'All', exact: true }).click();
    expect(await page.getByLabel('Sort').inputValue()).toBe('recent');
    const recent = (await sql<{ id: string }>`select id from conversations where brand_id = ${s.brandId} and status in ('open', 'pending')
      order by last_activity_at desc, id desc`.execute(s.core.db)).rows.map((r) => r.id);
    await poll(() => rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-conversation-id')))).toEqual(recent);
  });

  it('opens a conversation with its timeline, triage labels and the customer beside it', async () => {
    const { page } = dana;
    await page.getByRole('option').filter({ hasText: 'Maria Garcia' }).click();
    await page.waitForURL(`**/c/${conv.maria_g}`);
    const msg = page.locator('article.msg').first();
    await poll(() => msg.textContent()).toContain('My refund for order 4471');
    await poll(() => msg.getByLabel('Triage labels').textContent()).toMatch(/negative/);
    await msg.getByRole('button', { name: 'Why?' }).click();
    await msg.locator('.reasons li').first().waitFor();
    const profile = page.getByRole('complementary', { name: 'Customer profile' });
    await poll(() => profile.textContent()).toContain('@maria_g');
    // j moves down the queue, k up. The four messages arrived in one batch, so Maria's place in the
    // list is read from the page: move to her neighbour and back. Only the conversation list's rows:
    // a page-wide getByRole('option') also returns the <option>s of the selects (Sort comes first),
    // which once made the "neighbour" of the top row an empty id. Keys go to the page, not to the
    // "Why?" button that still has focus.
    const rows = page.getByRole('listbox', { name: 'Conversations' }).getByRole('option');
    const order = await rows.evaluateAll((els) => els.map((el) => el.getAttribute('data-conversation-id') ?? ''));
    expect([...order].sort()).toEqual(Object.values(conv).sort()); // the four rows, nothing else
    const at = order.indexOf(conv.maria_g ?? '');
    const up = at > 0;
    const neighbour = order[up ? at - 1 : at + 1] ?? '';
    const [away, back] = up ? ['k', 'j'] as const : ['j', 'k'] as const;
    await page.evaluate(() => { (document.activeElement as HTMLElement | null)?.blur(); });
    await page.locator('body').press(away);
    await page.waitForURL(`**/c/${neighbour}`);
    await page.locator('body').press(back);
    await page.waitForURL(`**/c/${conv.maria_g}`);
  });

  it('replies publicly, signed with the agent\'s name', async () => {
    const { page } = dana;
    await openConversation(dana, conv.maria_g ?? '');
    await page.locator('#composer-text').fill('So sorry Maria, I am checking your refund right now.');
    expect(await page.getByLabel('Characters').count()).toBe(0); // the generic API channel has no length limit
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.getByText('Public reply queued.').waitFor();
    await poll(async () => (await messagesOf(conv.maria_g ?? '')).filter((m) => m.direction === 'outbound').map((m) => [m.visibility, m.text]))
      .toEqual([['public', 'So sorry Maria, I am checking your refund right now. — Dana']]);
    await page.locator('article.msg-outbound').filter({ hasText: 'checking your refund' }).waitFor();
  });

  it('flags personal data in a public reply and moves it to private in one click', async () => {
    const { page } = dana;
    const text = 'Please call us back on +1 415 555 0199 or write to refunds@example.com with booking number ABC12345.';
    await page.locator('#composer-text').fill(text);
    const guard = page.getByRole('alert').filter({ hasText: 'Personal data in a public reply' });
    await poll(() => guard.textContent()).toMatch(/phone number.*email address|email address.*phone number/);
    expect(await page.getByRole('button', { name: 'Send', exact: true }).isDisabled()).toBe(true);
    await guard.getByRole('button', { name: 'Move to private' }).click();
    expect(await page.getByRole('tab', { name: 'Private message' }).getAttribute('aria-selected')).toBe('true');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.getByText('Private message queued.').waitFor();
    await poll(async () => (await messagesOf(conv.maria_g ?? '')).filter((m) => m.text === text).map((m) => m.visibility)).toEqual(['private']);
  });

  it('Mentions needing response: open public posts triage says need an answer; not DMs, not the one just answered', async () => {
    const { page } = dana;
    await s.postInbound([{ id: 'm-dm', author: 'dave_dm', name: 'Dave Direct', text: 'Where is my refund? My booking is ABC12345, please check.', visibility: 'private' }]);
    await s.drain();
    const dm = await s.conversationOf('dave_dm');
    const triage = new Map((await s.core.db.selectFrom('conversations').select(['id', 'needs_response']).where('brand_id', '=', s.brandId).execute()).map((r) => [r.id, r.needs_response]));
    // Triage says both Maria (answered in the tests above) and the DM need a response: the view leaves them out for that.
    expect([triage.get(conv.maria_g ?? ''), triage.get(dm)]).toEqual([true, true]);
    const expected = [conv.tom_k, conv.ana_p, conv.mallory].filter((id): id is string => !!id && triage.get(id) === true);
    expect(expected.length).toBeGreaterThan(0);
    await page.goto('/');
    const rows = page.getByRole('listbox', { name: 'Conversations' }).getByRole('option');
    await poll(() => rows.count()).toBe(5);
    const view = page.getByRole('button', { name: 'Mentions needing response' });
    await view.click();
    expect(await view.getAttribute('aria-pressed')).toBe('true');
    await poll(async () => (await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-conversation-id') ?? ''))).sort()).toEqual(expected.sort());
    await page.getByRole('button', { name: 'All', exact: true }).click();
    await poll(() => rows.count()).toBe(5);
  });

  it('assigns to a colleague and transfers to a team with a note', async () => {
    const { page } = dana;
    const team = await s.core.admin.createTeam({ type: 'system', id: 'test', brandId: s.brandId }, { name: 'Refunds', skills: ['refunds'], memberIds: [s.users.agent2.id] });
    await openConversation(dana, conv.maria_g ?? '');
    await page.locator('#assign-select').selectOption({ label: 'Lee Chen' });
    await poll(async () => (await s.core.db.selectFrom('conversations').select('assignee_id').where('id', '=', conv.maria_g ?? '').executeTakeFirstOrThrow()).assignee_id).toBe(s.users.agent2.id);
    await page.getByRole('button', { name: 'Transfer…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Transfer to a team' });
    await dialog.locator('select').selectOption({ label: 'Refunds' });
    await dialog.getByLabel(/Note for the team/).fill('Refund for order 4471 is three weeks late; customer is upset.');
    await dialog.getByRole('button', { name: 'Transfer', exact: true }).click();
    await poll(async () => (await s.core.db.selectFrom('conversations').select('team_id').where('id', '=', conv.maria_g ?? '').executeTakeFirstOrThrow()).team_id).toBe(team.id);
  });

  it('corrects a triage label', async () => {
    const { page } = dana;
    await openConversation(dana, conv.tom_k ?? '');
    const labels = page.locator('article.msg-inbound').first().getByLabel('Triage labels');
    const correct = labels.getByRole('button', { name: 'Correct' });
    await correct.click();
    await labels.getByLabel('Label').selectOption('intent');
    await labels.getByLabel('Correct value').selectOption('feedback');
    await labels.getByRole('button', { name: 'Save correction' }).click();
    await poll(() => labels.textContent()).toContain('feedback ✎');
  });

  it('shows who else is viewing and typing, live, between two agents', async () => {
    const lee = await signedIn(browser, s.url, s.users.agent2.email, s.password);
    await openConversation(dana, conv.ana_p ?? '');
    await openConversation(lee, conv.ana_p ?? '');
    const banner = dana.page.locator('.collision');
    await poll(() => banner.textContent()).toContain('Lee Chen is viewing');
    await lee.page.locator('#composer-text').fill('Checking the wifi status');
    await poll(() => banner.textContent()).toContain('Lee Chen is typing a reply');
    expect(await lee.page.locator('.collision').textContent()).toContain('Dana Reyes is viewing');
    await lee.page.goto('/');
    await poll(() => banner.count()).toBe(0);
    await lee.context.close();
  });

  it('holds an agency agent\'s public reply until a brand agent approves it', async () => {
    const sam = await signedIn(browser, s.url, s.users.agency.email, s.password);
    await openConversation(sam, conv.ana_p ?? '');
    await sam.page.locator('#composer-text').fill('Hi Ana, the onboard wifi is being restarted.');
    await sam.page.getByRole('button', { name: 'Send for approval' }).click();
    await sam.page.getByText(/Sent for approval/).waitFor();
    await sam.page.getByText('Waiting for a brand agent to approve this public reply.').waitFor();
    await openConversation(dana, conv.ana_p ?? '');
    const draft = dana.page.locator('article.msg').filter({ hasText: 'wifi is being restarted' });
    await poll(() => draft.textContent()).toContain('awaiting approval');
    await draft.getByRole('button', { name: 'Approve and send' }).click();
    await poll(async () => (await messagesOf(conv.ana_p ?? '')).filter((m) => m.text.includes('wifi is being restarted')).map((m) => m.delivery_status))
      .toEqual([expect.stringMatching(/queued|sending|sent/)]);
    // The agency agent sees it leave the approval state without reloading.
    await poll(() => sam.page.locator('article.msg').filter({ hasText: 'wifi is being restarted' }).textContent()).not.toContain('awaiting approval');
    await sam.context.close();
  });

  it('shows a new inbound message without a reload', async () => {
    const { page } = dana;
    await page.goto('/');
    await page.locator('.live-live').waitFor();
    await s.postInbound([{ id: 'm-live', author: 'liv_e', name: 'Olivia Live', text: 'Hello? My baggage was left in Lisbon.' }]);
    await page.getByRole('option').filter({ hasText: 'Olivia Live' }).waitFor();
  });

  it('lets an admin create a team and a canned response that agents fill in', async () => {
    const alex = await signedIn(browser, s.url, s.users.admin.email, s.password);
    await alex.page.getByRole('link', { name: 'Admin' }).click();
    await alex.page.getByRole('link', { name: 'Teams & skills' }).click();
    await alex.page.getByLabel('Name', { exact: true }).fill('Baggage');
    await alex.page.getByLabel('Skills', { exact: true }).fill('baggage, lost items');
    await alex.page.getByRole('button', { name: 'Create team' }).click();
    await alex.page.getByRole('cell', { name: 'Baggage', exact: true }).waitFor();
    expect((await s.core.admin.listTeams(s.brandId)).find((t) => t.name === 'Baggage')?.skills).toEqual(['baggage', 'lost items']);

    await alex.page.getByRole('link', { name: 'Canned responses' }).click();
    await alex.page.getByLabel('Title').fill('Baggage apology');
    await alex.page.getByLabel('Text').fill('Hi {{contact.first_name}}, I am sorry about your bag. I will track it personally. {{agent.name}}');
    await alex.page.getByRole('button', { name: 'Create', exact: true }).click();
    await alex.page.getByText('Baggage apology').waitFor();
    await alex.context.close();

    const live = await s.conversationOf('liv_e');
    await openConversation(dana, live);
    await dana.page.getByLabel('Insert canned response').selectOption({ label: 'Baggage apology' });
    expect(await dana.page.locator('#composer-text').inputValue()).toBe('Hi Olivia, I am sorry about your bag. I will track it personally. Dana Reyes');
  });

  it('renders hostile customer text as text: no markup, no script, no javascript: links', async () => {
    const { page } = dana;
    await openConversation(dana, conv.mallory ?? '');
    const msg = page.locator('article.msg-inbound').first();
    await poll(() => msg.locator('.msg-text').textContent()).toContain('<img src=x onerror=window.__xss=1>');
    expect(await msg.locator('.msg-text img, .msg-text script, .msg-text b').count()).toBe(0);
    expect(await page.locator('a[href^="javascript:" i]').count()).toBe(0);
    expect(await msg.locator('.msg-text a').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href))).toEqual(['https://example.com/help']);
    expect(await page.locator('h1').first().textContent()).toBe('Mallory <b>Evil</b>');
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
  });

  it('sends an expired session back to sign-in with a message', async () => {
    await s.core.db.deleteFrom('sessions').where('user_id', '=', s.users.agent.id).execute();
    await dana.page.getByRole('button', { name: 'Resolve', exact: true }).click();
    await dana.page.getByText('Your session has expired. Sign in again to continue.').waitFor();
    expect(dana.errors).toEqual([]);
  });
});
