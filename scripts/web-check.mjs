#!/usr/bin/env node
/**
 * Drives the operator UI in a headless Chromium against a running server: signs in with the
 * token in the URL, checks the token left the address bar and the map came up (or its WebGL
 * fallback), clicks a track on the map (the track overlay's hit test) and sees its panel, opens
 * the first alert's track, takes screenshots, and measures frame times (requestAnimationFrame
 * intervals, the UI's own recorder) while the picture updates.
 *
 *   node bin/centinela.js demo --port 8080 &     # prints http://localhost:8080/?token=…
 *   node scripts/web-check.mjs --url 'http://localhost:8080/?token=…' [--seconds 10]
 *        [--out test-artifacts/web] [--chromium /usr/bin/chromium] [--max-p95 50]
 *        [--width 1280 --height 800] [--min-tracks 1]
 *
 * Uses playwright-core with a browser already on the machine (never downloads one), with a fresh
 * profile directory each run (as the benchmark does). Prints one JSON object; exits 1 when a
 * check fails or p95 exceeds --max-p95.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import process from 'node:process';
import { URL } from 'node:url';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');

function args(argv) {
  const out = { seconds: 10, out: 'test-artifacts/web', chromium: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', width: 1280, height: 800, minTracks: 1, maxP95: Infinity };
  for (let i = 2; i < argv.length; i++) {
    const k = argv[i].replace(/^--/, '');
    const v = argv[++i];
    if (k === 'url') out.url = v;
    else if (k === 'seconds') out.seconds = Number(v);
    else if (k === 'out') out.out = v;
    else if (k === 'chromium') out.chromium = v;
    else if (k === 'width') out.width = Number(v);
    else if (k === 'height') out.height = Number(v);
    else if (k === 'min-tracks') out.minTracks = Number(v);
    else if (k === 'max-p95') out.maxP95 = Number(v);
    else throw new Error(`unknown option --${k}`);
  }
  if (!out.url) throw new Error('--url http://host:port/?token=… is required');
  return out;
}

const opts = args(process.argv);
const outDir = resolve(opts.out);
mkdirSync(outDir, { recursive: true });
const checks = [];
const check = (name, ok, detail = '') => checks.push({ name, ok: !!ok, detail });

const profile = mkdtempSync(join(tmpdir(), 'centinela-web-check-'));
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: opts.chromium,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  headless: true,
  viewport: { width: opts.width, height: opts.height },
});
const result = { url: opts.url.replace(/token=[^&]+/, 'token=…'), checks, screenshots: [] };
try {
  const page = await browser.newPage();
  const errors = [];
  const external = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (/^https?:$/.test(u.protocol) && u.host !== new URL(opts.url).host) external.push(r.url());
  });
  const shot = async (name) => {
    const path = join(outDir, `${name}.png`);
    await page.screenshot({ path });
    result.screenshots.push(path);
  };

  await page.goto(opts.url);
  await page.waitForFunction(() => globalThis.__centinela && (globalThis.__centinela.mapReady() || globalThis.__centinela.mapFailed()), null, { timeout: 30_000 });
  check('token removed from the address bar', !page.url().includes('token='), page.url().replace(/token=[^&]+/, 'token=…'));
  const failed = await page.evaluate(() => globalThis.__centinela.mapFailed());
  check('map drawn (WebGL)', !failed, failed ? 'fallback shown' : '');
  check('map canvas has its test id', (await page.locator('[data-testid=map-canvas]').count()) === 1 || failed);
  result.webgl = await page.evaluate(() => globalThis.__centinela.webgl());

  const deadline = Date.now() + 60_000;
  let tracks = 0;
  while (Date.now() < deadline) {
    tracks = await page.evaluate(() => globalThis.__centinela.trackCount());
    if (tracks >= opts.minTracks) break;
    await page.waitForTimeout(500);
  }
  check(`at least ${opts.minTracks} track(s) on screen`, tracks >= opts.minTracks, `${tracks}`);
  check('tab title shows the track count', /tracks/.test(await page.title()), await page.title());
  await page.waitForTimeout(1500);
  await shot('overview');

  if (!failed && tracks > 0) {
    // Click the track nearest the map's centre where the map projects it (tracks are drawn on
    // the overlay canvas: this exercises its hit test).
    const target = await page.evaluate(() => {
      const m = globalThis.__centinela.map();
      const box = m.getContainer().getBoundingClientRect();
      let best = null;
      for (const t of globalThis.__centinela.tracks()) {
        const p = m.project([t.lonDeg, t.latDeg]);
        const d = Math.hypot(p.x - box.width / 2, p.y - box.height / 2);
        if (!best || d < best.d) best = { id: t.trackId, x: box.left + p.x, y: box.top + p.y, d };
      }
      return best;
    });
    if (target) {
      await page.mouse.click(target.x, target.y);
      const opened = await page.waitForSelector('[data-testid=track-panel]:not(.hidden)', { timeout: 5000 }).then(() => true, () => false);
      check('clicking a track on the map opens its panel', opened, opened ? (await page.locator('[data-testid=track-title]').textContent()) ?? '' : `clicked T${target.id} at ${Math.round(target.x)},${Math.round(target.y)}`);
      await page.keyboard.press('Escape');
    }
  }

  const alerts = page.locator('[data-testid=alert-item]');
  result.alerts = await alerts.count();
  if (result.alerts > 0) {
    await alerts.first().locator('.a-title').click();
    await page.waitForSelector('[data-testid=track-panel]:not(.hidden)', { timeout: 5000 });
    check('alert opens its track panel', true);
    await page.waitForTimeout(2000);
    await shot('alert-track');
    await page.keyboard.press('Escape');
  }

  await page.evaluate(() => globalThis.__centinela.resetFrameTimes());
  await page.waitForTimeout(opts.seconds * 1000);
  result.frames = await page.evaluate(() => globalThis.__centinela.frameStats());
  result.renderCost = await page.evaluate(() => globalThis.__centinela.renderCost());
  result.tracks = await page.evaluate(() => globalThis.__centinela.trackCount());
  check(`frame p95 ≤ ${opts.maxP95} ms`, !(result.frames.p95Ms > opts.maxP95), `${result.frames.p95Ms?.toFixed(1)} ms`);
  check('no page errors', errors.length === 0, errors.slice(0, 3).join(' | '));
  check('nothing fetched from another host', external.length === 0, external.slice(0, 3).join(' '));
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}
result.ok = checks.every((c) => c.ok);
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
process.exit(result.ok ? 0 : 1);
