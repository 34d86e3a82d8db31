// Screenshots of the knowledge base for docs/screenshots (run: npx tsx scripts/kb-screenshots.ts): the
// admin editor with its preview, the composer's suggested articles for a real TWCS question (light and
// dark), and the public article page. A real server on a fresh embedded database with the demo data,
// Debian Chromium headless. Not a test.
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { sql } from '@earshot/db';
import { launchBrowser, openConversation, signedIn } from '../apps/web/test/support/browser';
import { startDeskServer } from '../apps/web/test/support/desk-server';

const SHOTS = fileURLToPath(new URL('../docs/screenshots/', import.meta.url));
mkdirSync(SHOTS, { recursive: true });
const settle = (page: Page) => page.waitForTimeout(400);

const s = await startDeskServer({ demo: true });
await s.waitForJobs({ names: ['ingest.process'] });
// TWCS tweet 634: "why is my order at my local courier for the last 6 days and still hasn't been delivered to me??"
const courier = (await sql<{ id: string }>`select conversation_id as id from messages where brand_id = ${s.brandId} and text like ${'%my local courier%'} limit 1`.execute(s.core.db)).rows[0]?.id;
if (!courier) throw new Error('the TWCS sample was not imported');
const browser = await launchBrowser();

// 1. The admin section: a seeded article open in the editor, Markdown beside its preview.
const priya = await signedIn(browser, s.url, s.users.supervisor.email, s.password);
await priya.page.goto('/admin/kb');
await priya.page.getByRole('list', { name: 'Articles' }).waitFor();
await settle(priya.page);
await priya.page.screenshot({ path: `${SHOTS}kb-admin-list.png` });
await priya.page.locator('[data-article-slug="where-is-my-order"]').getByRole('button', { name: 'Edit' }).click();
await priya.page.getByTestId('kb-preview').locator('ol').waitFor();
await settle(priya.page);
await priya.page.screenshot({ path: `${SHOTS}kb-admin.png` });

// 2. The composer: suggested articles for the customer's question, one link inserted.
for (const scheme of ['light', 'dark'] as const) {
  const dana = await signedIn(browser, s.url, s.users.agent.email, s.password, { colorScheme: scheme });
  await openConversation(dana, courier);
  const suggested = dana.page.getByRole('region', { name: /Suggested articles/ });
  await suggested.getByRole('link').first().waitFor();
  if (scheme === 'light') {
    await dana.page.locator('#composer-text').fill('So sorry your parcel is stuck at the courier. I have asked them to deliver it tomorrow; in case anything else goes wrong:');
    await suggested.getByRole('button', { name: /^Insert link to/ }).first().click();
  }
  await settle(dana.page);
  await dana.page.screenshot({ path: `${SHOTS}${scheme === 'light' ? 'kb-suggestions' : 'kb-suggestions-dark'}.png` });
  await dana.context.close();
}

// 3. The public page a customer opens from the reply.
const reader = await browser.newContext({ viewport: { width: 1100, height: 900 } });
const pub = await reader.newPage();
await pub.goto(`${s.url}/kb/demo/where-is-my-order`);
await pub.screenshot({ path: `${SHOTS}kb-public.png` });

await browser.close();
await s.close();
console.log(`screenshots in ${SHOTS}`);
