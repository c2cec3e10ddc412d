/**
 * What the browser tests share: Debian's Chromium driven by playwright-core (never a downloaded
 * browser), headless with the flags this machine needs, a fresh profile per run, screenshots
 * under test-artifacts/e2e/. Under CI a missing Chromium or an unbuilt UI fails the test file; on
 * a laptop it is skipped with the reason.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { BrowserContext } from 'playwright-core';

export const ROOT = resolve(import.meta.dirname, '../..');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
export const ARTIFACTS = join(ROOT, 'test-artifacts', 'e2e');
const WEB_BUILT = existsSync(join(ROOT, 'dist', 'web', 'index.html'));

/** Why browser tests cannot run here, or null. */
export const browserMissing = !existsSync(CHROMIUM) ? `no Chromium at ${CHROMIUM}` : !WEB_BUILT ? 'the web UI is not built (npm run build)' : null;
if (browserMissing && process.env.CI === 'true') throw new Error(`end-to-end browser test cannot run under CI: ${browserMissing}`);
if (browserMissing) console.warn(`skipping browser tests: ${browserMissing}`);

/** Chromium with a fresh profile in `profileDir`, 1280 × 800. */
export async function launchBrowser(profileDir: string): Promise<BrowserContext> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const { chromium } = await import('playwright-core');
  return chromium.launchPersistentContext(profileDir, { executablePath: CHROMIUM, args: ARGS, headless: true, viewport: { width: 1280, height: 800 } });
}
