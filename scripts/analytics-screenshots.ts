// Screenshots of the analytics dashboard for docs/screenshots (run: npx tsx scripts/analytics-screenshots.ts):
// light and dark at desktop width and the 390 px phone layout, with the demo data (the TWCS sample,
// whose conversations spread over months) over the last 90 days. Not a test.
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { launchBrowser, signedIn } from '../apps/web/test/support/browser';
import { startDeskServer } from '../apps/web/test/support/desk-server';

const SHOTS = fileURLToPath(new URL('../docs/screenshots/', import.meta.url));
mkdirSync(SHOTS, { recursive: true });

const s = await startDeskServer({ demo: true });
await s.postInbound([
  { id: 'shot-1', author: 'kim_api', name: 'Kim Api', text: 'My parcel is late again, this is terrible service' },
  { id: 'shot-2', author: 'lou_api', name: 'Lou Api', text: 'Thanks for the quick help yesterday!' },
]);
await s.waitForJobs({ names: ['ingest.process'] });
await s.core.analytics.catchUp(s.brandId);
const browser = await launchBrowser();

for (const [name, opts] of [
  // Tall viewports: the dashboard scrolls inside the desk's main area, which a full-page shot does not follow.
  ['analytics-light', { colorScheme: 'light', width: 1440, height: 2000 }],
  ['analytics-dark', { colorScheme: 'dark', width: 1440, height: 2000 }],
  ['analytics-390', { colorScheme: 'light', width: 390, height: 1500 }],
] as const) {
  // Signed in at desktop width (the sign-in helper waits for the inbox's side navigation), then resized.
  const d = await signedIn(browser, s.url, s.users.supervisor.email, s.password, { colorScheme: opts.colorScheme });
  await d.page.setViewportSize({ width: opts.width, height: opts.height });
  await d.page.goto('/analytics?range=90');
  await d.page.locator('[data-chart="agents"] .bar-row').first().waitFor();
  await d.page.locator('[data-chart="fairness"] .bar-row').first().waitFor();
  await d.page.waitForTimeout(400);
  await d.page.screenshot({ path: `${SHOTS}${name}.png`, });
  await d.context.close();
}

await browser.close();
await s.close();
console.log(`screenshots in ${SHOTS}`);
