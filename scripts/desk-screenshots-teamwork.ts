// Screenshots of the desk's teamwork features for docs/screenshots (run: npx tsx scripts/desk-screenshots-teamwork.ts):
// @mentions, Merge with…, the customer profile drawer at 1280 px and on a phone, incidents and the
// inbox filtered by one. A real server on a fresh embedded database with the demo data, Debian
// Chromium headless. Not a test.
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { launchBrowser, signedIn } from '../apps/web/test/support/browser';
import { startDeskServer } from '../apps/web/test/support/desk-server';

const SHOTS = fileURLToPath(new URL('../docs/screenshots/', import.meta.url));
mkdirSync(SHOTS, { recursive: true });
const settle = (page: Page) => page.waitForTimeout(400);

const s = await startDeskServer({ demo: true });
await s.waitForJobs();
await s.postInbound([
  { id: 'shot-maria', author: 'maria_g', name: 'Maria Garcia', text: 'My refund for order 4471 still has not arrived. Three weeks now!', followers: 5200 },
  { id: 'shot-maria-work', author: 'maria_work', name: 'M. Garcia (work)', text: 'Writing from my work account: any news on the refund for order 4471?' },
]);
await s.drain();
const convOf = async (handle: string) => (await s.core.db.selectFrom('conversations as c').innerJoin('contact_identities as i', 'i.contact_id', 'c.contact_id')
  .select('c.id').where('c.brand_id', '=', s.brandId).where('i.handle', '=', `@${handle}`).executeTakeFirstOrThrow()).id;
const maria = await convOf('maria_g');
const lee = { type: 'user' as const, id: s.users.agent2.id, userId: s.users.agent2.id, brandId: s.brandId, role: 'agent' as const };
const browser = await launchBrowser();

// 1. Dana hears Lee's @mention live and opens her Mentions.
const dana = await signedIn(browser, s.url, s.users.agent.email, s.password);
await dana.page.locator('.live-live').waitFor();
await s.core.conversations.addNote(lee, maria, '@Dana Reyes can you take this one? Finance says the refund for 4471 went out on Monday; the customer also wrote from a work account.', [s.users.agent.id]);
await dana.page.getByRole('button', { name: 'Mentions, 1 unread' }).click();
await dana.page.getByRole('dialog', { name: 'Notes that mention you' }).getByText('can you take this one').waitFor();
await settle(dana.page);
await dana.page.screenshot({ path: `${SHOTS}mentions-menu.png` });

// 2. The note, highlighted, and the @ picker in the note composer.
await dana.page.getByRole('dialog', { name: 'Notes that mention you' }).getByRole('button').filter({ hasText: 'can you take this one' }).click();
await dana.page.locator('#composer-text').waitFor();
await dana.page.getByRole('tab', { name: 'Internal note' }).click();
await dana.page.locator('#composer-text').pressSequentially('On it. @pr');
await dana.page.getByRole('listbox', { name: 'Mention a colleague' }).waitFor();
await settle(dana.page);
await dana.page.screenshot({ path: `${SHOTS}mentions.png` });
await dana.page.locator('#composer-text').press('Escape');
await dana.page.locator('#composer-text').fill('');

// 3. Merge with…: search, with identities.
const profile = dana.page.getByRole('complementary', { name: 'Customer profile' });
await profile.getByRole('button', { name: 'Merge with…' }).click();
const merge = dana.page.getByRole('dialog', { name: 'Merge with another customer' });
await merge.getByLabel('Search customers by name, handle or email').fill('garcia');
await merge.getByRole('button', { name: 'Choose M. Garcia (work)' }).waitFor();
await settle(dana.page);
await dana.page.screenshot({ path: `${SHOTS}merge-search.png` });
await merge.getByRole('button', { name: 'Choose M. Garcia (work)' }).click();
await dana.page.getByRole('dialog', { name: 'Confirm the merge' }).waitFor();
await settle(dana.page);
await dana.page.screenshot({ path: `${SHOTS}merge-confirm.png` });
await dana.page.getByRole('dialog', { name: 'Confirm the merge' }).getByRole('button', { name: 'Back' }).click();
await merge.getByRole('button', { name: 'Cancel' }).click();

// 4. Incidents: linked in the header and the timeline; the incident's conversations.
const others = await s.core.db.selectFrom('conversations').select('id').where('brand_id', '=', s.brandId).where('id', '!=', maria).orderBy('last_activity_at', 'desc').limit(3).execute();
const [link] = await s.core.incidents.link(lee, maria, { title: 'Refunds delayed: payment provider backlog' });
for (const o of others) await s.core.incidents.link(lee, o.id, { incidentId: link?.id ?? '' });
await dana.page.reload();
await dana.page.locator('.incident-line').waitFor();
await settle(dana.page);
await dana.page.screenshot({ path: `${SHOTS}incident.png` });
await dana.page.locator('.incident-open').click();
await dana.page.getByRole('list', { name: 'Conversations in this incident' }).getByRole('listitem').nth(3).waitFor();
await settle(dana.page);
await dana.page.screenshot({ path: `${SHOTS}incident-conversations.png` });
// The inbox filtered by the incident (a removable chip; Incident among the filters).
await dana.page.getByRole('link', { name: 'Show all conversations of this incident in the inbox' }).click();
await dana.page.waitForURL(`**/c/${maria}?incident=${link?.id ?? ''}`);
await dana.page.getByRole('button', { name: /^Filters/ }).click();
await dana.page.getByRole('listbox', { name: 'Conversations' }).getByRole('option').nth(3).waitFor();
await settle(dana.page);
await dana.page.screenshot({ path: `${SHOTS}incident-filter.png` });
await dana.context.close();

// 5. The profile as a drawer at 1280 × 800, and on a phone.
for (const [w, h, name] of [[1280, 800, 'profile-drawer-1280'], [390, 844, 'phone']] as const) {
  const d = await signedIn(browser, s.url, s.users.agent.email, s.password);
  await d.page.setViewportSize({ width: w, height: h });
  await d.page.goto(`/c/${maria}`);
  await d.page.locator('#composer-text').waitFor();
  if (w < 400) { await settle(d.page); await d.page.screenshot({ path: `${SHOTS}${name}.png` }); }
  await d.page.getByRole('button', { name: 'Customer', exact: true }).click();
  await d.page.getByRole('complementary', { name: 'Customer profile' }).getByText('Identities').waitFor();
  await settle(d.page);
  await d.page.screenshot({ path: `${SHOTS}${w < 400 ? `${name}-profile` : name}.png` });
  await d.context.close();
}
await browser.close();
await s.close();
console.log(`screenshots written to ${SHOTS}: mentions-menu, mentions, merge-search, merge-confirm, incident, incident-conversations, incident-filter, profile-drawer-1280, phone, phone-profile`);
