/**
 * `centinela serve` with a TAK feed, in Chromium: a site file whose CoT source is a TCP server
 * this test runs (as a TAK server relays it: a friendly patrol reporting every second, a hostile
 * marker that is not blue force). The operator logs in from the login URL and sees the patrol on
 * the map, its callsign beside a friendly 2525 symbol; the screenshot is test-artifacts/e2e/7-blue-force.png.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { serve, type Served } from '../../src/cli/serve.js';
import { ARTIFACTS, ROOT, browserMissing, launchBrowser } from './browser.js';

const iso = (ms: number) => new Date(ms).toISOString();
/** A CoT event as a TAK server relays it. */
function cot(uid: string, type: string, callsign: string, latDeg: number, lonDeg: number): string {
  const now = Date.now();
  return `<?xml version="1.0" encoding="UTF-8"?><event version="2.0" uid="${uid}" type="${type}" how="h-e" time="${iso(now)}" start="${iso(now)}" stale="${iso(now + 60_000)}"><point lat="${latDeg}" lon="${lonDeg}" hae="20" ce="5" le="9"/><detail><contact callsign="${callsign}"/><__group name="Cyan" role="Team Lead"/></detail></event>`;
}

describe.skipIf(browserMissing !== null)('serve with a TAK feed: friendly units on the map (Chromium)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'centinela-serve-e2e-'));
  const sockets: Socket[] = [];
  let tak: Server;
  let feed: NodeJS.Timeout;
  let served: Served;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    tak = createServer((s) => {
      sockets.push(s);
      s.on('error', () => undefined);
    });
    await new Promise<void>((r) => tak.listen(0, '127.0.0.1', () => r()));
    feed = setInterval(() => {
      for (const s of sockets) s.write(cot('patrol-7', 'a-f-G-U-C', 'PATROL 7', 26.1, -98.262) + cot('x-1', 'a-h-G', 'HOSTILE', 26.09, -98.25));
    }, 1000);
    writeFileSync(join(dir, 'site.yaml'), `
name: bf-test
sector:
  origin: { latDeg: 26.09, lonDeg: -98.25, heightAboveEllipsoidM: 10 }
zones: ${join(ROOT, 'examples', 'hidalgo-zones.geojson')}
sensors:
  - { id: radar-1, kind: radar, position: { latDeg: 26.1, lonDeg: -98.26, heightAboveEllipsoidM: 25 }, measuresRangeRate: false }
sources:
  - { kind: cot-tcp, id: tak-in, host: 127.0.0.1, port: ${(tak.address() as AddressInfo).port} }
`);
    served = await serve({ config: join(dir, 'site.yaml'), port: 0, host: '127.0.0.1', db: ':memory:', signals: false, print: false });
    context = await launchBrowser(join(dir, 'profile'));
    page = await context.newPage();
  }, 60_000);

  afterAll(async () => {
    clearInterval(feed);
    await context?.close();
    await served?.stop();
    for (const s of sockets) s.destroy();
    await new Promise((r) => tak?.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows the friendly patrol with its callsign; the hostile marker is not blue force', async () => {
    // The login URL names localhost; the service listens on 127.0.0.1 here.
    await page.goto(served.loginUrl.replace('localhost', '127.0.0.1'));
    await page.waitForFunction('window.__centinela && window.__centinela.mapReady()', null, { timeout: 30_000 });
    await page.waitForFunction('window.__centinela.blueForceCount() === 1', null, { timeout: 20_000 });
    const marker = page.locator('.bf-marker[data-uid="patrol-7"]');
    await marker.waitFor({ state: 'visible', timeout: 10_000 });
    expect(await marker.textContent()).toBe('PATROL 7');
    expect(await marker.getAttribute('title')).toMatch(/^PATROL 7 \(a-f-G-U-C\) · \d\d:\d\d:\d\dZ · ±5 m · Cyan Team Lead$/);
    expect(await page.locator('.bf-marker[data-uid="x-1"]').count()).toBe(0);
    await page.waitForFunction('window.__centinela.map().loaded() && window.__centinela.map().areTilesLoaded()', null, { timeout: 15_000 });
    await page.screenshot({ path: join(ARTIFACTS, '7-blue-force.png') });

    // The layer switch hides them.
    await page.getByTestId('btn-layers').click();
    await page.getByTestId('layer-blueforce').uncheck();
    await marker.waitFor({ state: 'detached', timeout: 5000 });
  }, 60_000);
});
