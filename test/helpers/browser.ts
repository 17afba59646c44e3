import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { repoRoot } from './paths.js';
import { requirePeer } from './peers.js';

/**
 * Debian's Chromium driven by playwright-core (issue 8): headless, no sandbox (tests run as root),
 * no GPU, nothing phoning home, and a fresh empty profile (--user-data-dir, which playwright takes
 * as launchPersistentContext's first argument) in a temporary directory. Closed when the test ends.
 */
export async function launchBrowser(t: TestContext): Promise<BrowserContext> {
  const executablePath = requirePeer('chromium');
  // Removed by this helper after Chromium has closed (it writes to its profile until then).
  const profile = mkdtempSync(join(tmpdir(), 'flowlens-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    viewport: { width: 1400, height: 1000 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  t.after(async () => {
    await context.close();
    rmSync(profile, { recursive: true, force: true, maxRetries: 3 });
  });
  return context;
}

/**
 * A new tab on the portal at `url` + `path`, logged in as flowlens/flowlens through the login form
 * (credentials live in the tab's sessionStorage, so each tab logs in). Errors thrown by the page's
 * scripts fail the test at its end.
 */
export async function portalPage(
  t: TestContext,
  browser: BrowserContext,
  url: string,
  path = '/',
  /** Runs on the new tab before it opens the portal (e.g. to install a fake clock). */
  prepare?: (page: Page) => Promise<void>,
): Promise<{ page: Page }> {
  const page = await browser.newPage();
  await prepare?.(page);
  t.after(() => page.close());
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  t.after(() => {
    if (problems.length > 0) throw new Error(problems.join('\n'));
  });
  await page.goto(`${url}${path}`);
  await page.getByLabel('User').fill('flowlens');
  await page.getByLabel('Password').fill('flowlens');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('navigation', { name: 'Pages' }).waitFor();
  return { page };
}

export const artifactsDir = join(repoRoot, 'test-artifacts', 'portal');

/** A full-page screenshot as test-artifacts/portal/NAME.png (gitignored; CI keeps it). */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(artifactsDir, { recursive: true });
  const path = join(artifactsDir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
