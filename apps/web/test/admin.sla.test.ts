import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, signedIn, type Desk } from './support/browser';
import { startDeskServer, type DeskServer } from './support/desk-server';

const poll = <T,>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 20_000, interval: 100 });
const SHOTS = fileURLToPath(new URL('../../../docs/screenshots/', import.meta.url));
const shot = async (page: Page, name: string) => { if (process.env.EARSHOT_SCREENSHOTS === '1') await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true }); };
const berlinDate = (iso: string) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(iso));

/** SLA policy and business hours as forms: a holiday moves the preview's due times; bad input is named by the field. */
describe('admin: SLA policy and business hours forms in the browser', () => {
  let s: DeskServer;
  let browser: Browser;
  let alex: Desk;

  beforeAll(async () => {
    s = await startDeskServer({ demo: false });
    browser = await launchBrowser();
    alex = await signedIn(browser, s.url, s.users.admin.email, s.password);
  });
  afterEach(async (ctx) => {
    if (ctx.task.result?.state === 'fail' && alex) await alex.page.screenshot({ path: join(tmpdir(), `admin-sla-${ctx.task.name.replace(/\W+/g, '-')}.png`), fullPage: true }).catch(() => undefined);
  });
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  it('sets weekly hours with a holiday and sees the due times move, then saves; a bad time zone is shown by its field', async () => {
    const { page } = alex;
    await page.goto('/admin/sla');
    const form = page.getByRole('form', { name: 'Business hours' });
    await form.getByLabel('Time zone').fill('Europe/Berlin');
    if (await form.getByLabel('Open around the clock (24/7)').isChecked()) await form.getByLabel('Open around the clock (24/7)').uncheck();
    for (const day of ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday']) {
      const open = form.getByLabel(`Open on ${day}`);
      if (!(await open.isChecked())) await open.check();
      await form.getByLabel(`${day} opens`).fill('09:00');
      await form.getByLabel(`${day} closes`).fill('17:00');
    }
    for (const day of ['Saturday', 'Sunday']) if (await form.getByLabel(`Open on ${day}`).isChecked()) await form.getByLabel(`Open on ${day}`).uncheck();

    const normalDue = page.getByRole('table', { name: 'Due times' }).locator('tr[data-priority="normal"] td[data-metric="first_response"] time');
    // The preview follows the draft after a short pause: wait until it stops changing.
    let seen = '';
    await poll(async () => {
      const now = (await normalDue.getAttribute('datetime')) ?? '';
      const stable = now !== '' && now === seen;
      seen = now;
      await page.waitForTimeout(400);
      return stable;
    }).toBe(true);
    const before = (await normalDue.getAttribute('datetime')) ?? '';
    const urgentBefore = await page.locator('tr[data-priority="urgent"] td[data-metric="first_response"] time').getAttribute('datetime');
    // A holiday on the day the normal first response falls due pushes it to the next open day.
    const holiday = berlinDate(before);
    await form.getByLabel('Add a holiday').fill(holiday);
    await form.getByRole('button', { name: 'Add holiday' }).click();
    await poll(async () => (await normalDue.getAttribute('datetime')) ?? '').not.toBe(before);
    const after = (await normalDue.getAttribute('datetime')) ?? '';
    expect(new Date(after).getTime()).toBeGreaterThan(new Date(before).getTime());
    expect(berlinDate(after)).not.toBe(holiday);
    // Urgent runs 24/7: the holiday does not move it (beyond the clock ticking).
    const urgentAfter = await page.locator('tr[data-priority="urgent"] td[data-metric="first_response"] time').getAttribute('datetime');
    expect(Math.abs(new Date(urgentAfter ?? '').getTime() - new Date(urgentBefore ?? '').getTime())).toBeLessThan(60_000);
    await page.getByRole('region', { name: 'Due time preview' }).scrollIntoViewIfNeeded();
    await shot(page, 'admin-sla');

    await form.getByLabel('Time zone').fill('Mars/Olympus');
    await form.getByRole('button', { name: 'Save business hours' }).click();
    await poll(() => form.locator('[data-field="body.hours.timeZone"] .field-error').textContent()).toContain('EARSHOT_VALIDATION');
    await form.getByLabel('Time zone').fill('Europe/Berlin');
    await form.getByRole('button', { name: 'Save business hours' }).click();
    await poll(() => form.getByRole('status').textContent()).toBe('Saved.');
    const saved = await s.core.sla.getHours({ type: 'system', id: 'test', brandId: s.brandId }, null);
    expect(saved.hours).toMatchObject({ timeZone: 'Europe/Berlin', holidays: [holiday], weekly: { mon: [{ start: '09:00', end: '17:00' }], sat: [] } });

    // The policy form: a negative target is refused next to its field.
    const policy = page.getByRole('form', { name: 'SLA policy' });
    await policy.getByLabel('First response target for normal (hours)').fill('-2');
    await policy.getByRole('button', { name: 'Save SLA policy' }).click();
    await poll(() => policy.locator('[data-field="body.policy.targets.normal.first_response"] .field-error').textContent()).toContain('EARSHOT_VALIDATION');
    await policy.getByLabel('First response target for normal (hours)').fill('2');
    await policy.getByRole('button', { name: 'Save SLA policy' }).click();
    await poll(() => policy.getByRole('status').textContent()).toBe('Saved.');
    expect(((await s.core.sla.getPolicy({ type: 'system', id: 'test', brandId: s.brandId }, null)).policy as { targets: { normal: { first_response: number } } }).targets.normal.first_response).toBe(120);
    expect(alex.errors).toEqual([]);
  });

  it('shows the forms in the dark theme', async () => {
    const dark = await signedIn(browser, s.url, s.users.admin.email, s.password, { colorScheme: 'dark' });
    await dark.page.goto('/admin/sla');
    await dark.page.getByRole('table', { name: 'Due times' }).waitFor();
    await shot(dark.page, 'admin-sla-dark');
    await dark.context.close();
  });
});
