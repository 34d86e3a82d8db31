import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.EARSHOT_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Debian's Chromium, headless. Playwright gives every launch a fresh temporary --user-data-dir,
 * so no profile state leaks between runs. Install it with scripts/ensure-test-services.sh.
 */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export interface Desk { context: BrowserContext; page: Page; errors: string[] }

/** A new browser context (its own cookies) signed in as one user. */
export async function signedIn(browser: Browser, baseURL: string, email: string, password: string, opts: { width?: number; height?: number; colorScheme?: 'light' | 'dark' } = {}): Promise<Desk> {
  const context = await browser.newContext({ baseURL, viewport: { width: opts.width ?? 1440, height: opts.height ?? 900 }, colorScheme: opts.colorScheme ?? 'light' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto('/');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Views' }).waitFor();
  return { context, page, errors };
}

/** Opens one conversation in the desk and waits until its composer is there. */
export async function openConversation(d: Desk, id: string): Promise<void> {
  await d.page.goto(`/c/${id}`);
  await d.page.locator('#composer-text').waitFor();
}
