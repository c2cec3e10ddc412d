/**
 * The operator UI's smoothness with N tracks: Debian's Chromium (headless, through
 * playwright-core — never a downloaded browser) opens the UI on the benchmark's server, waits for
 * the tracks, then reads the UI's own requestAnimationFrame interval recorder for 20 s.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export type UiFrames = { skipped: string } | { p50: number; p95: number; frames: number; shown: number };

interface Hooks {
  totalTracks(): number;
  trackCount(): number;
  frameTimes(): number[];
  resetFrameTimes(): void;
}

export async function measureUiFrames(url: string, token: string, n: number, log: (l: string) => void, seconds = 20): Promise<UiFrames> {
  if (!existsSync(CHROMIUM)) return { skipped: `no Chromium at ${CHROMIUM}` };
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'centinela-chromium-'));
  // A fresh profile directory per run (playwright passes it as --user-data-dir).
  const browser = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true, viewport: { width: 1280, height: 800 } });
  try {
    const page = await browser.newPage();
    await page.goto(`${url}/?token=${token}`);
    const has = await page.waitForFunction(() => typeof (globalThis as unknown as { __centinela?: unknown }).__centinela === 'object', null, { timeout: 15_000 }).then(() => true, () => false);
    if (!has) return { skipped: 'the UI did not load (is dist/web built?)' };
    await page.waitForFunction((want) => (globalThis as unknown as { __centinela: Hooks }).__centinela.totalTracks() >= want, Math.floor(n * 0.99), { timeout: 60_000 });
    log(`  UI shows the tracks; recording frame times for ${seconds} s…`);
    await page.evaluate(() => (globalThis as unknown as { __centinela: Hooks }).__centinela.resetFrameTimes());
    await page.waitForTimeout(seconds * 1000);
    const { times, shown } = await page.evaluate(() => {
      const c = (globalThis as unknown as { __centinela: Hooks }).__centinela;
      return { times: c.frameTimes(), shown: c.trackCount() };
    });
    const s = [...times].sort((a, b) => a - b);
    const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? NaN;
    return { p50: q(0.5), p95: q(0.95), frames: s.length, shown };
  } finally {
    await browser.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
