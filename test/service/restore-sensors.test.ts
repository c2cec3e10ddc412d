/**
 * Sensors that joined while the service ran outlive a restart: an undeclared SAPIENT radar node
 * registers, is placed by its StatusReport and reports; after a restart on the same store its
 * sensor is there before the node comes back, a replay pipeline accepts every detection it
 * stored, and the node registering again keeps its sensor instead of being refused.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { Pipeline } from '../../src/pipeline/pipeline.js';
import { startAdapters, type AdaptersHandle } from '../../src/service/adapters.js';
import { Service } from '../../src/service/service.js';
import { parseSiteFile } from '../../src/service/site-file.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import { Peer, locationReport, radarRegistration, statusWithLocation, ulid } from '../ingest/sapient/peer.js';

const NODE = '7b3e9d10-2a4c-4f5e-8a6b-0c1d2e3f4a5b';
const SENSOR = `sapient:${NODE}`;
const ORIGIN = { latDeg: 26.1, lonDeg: -98.26, heightAboveEllipsoidM: 20 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(ok: () => boolean, what: string, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe('sensors added at run time', () => {
  const dir = mkdtempSync(join(tmpdir(), 'centinela-sensors-'));
  const dbPath = join(dir, 'store.db');
  const siteFile = () => parseSiteFile(`
name: restore
sector:
  origin: { latDeg: ${ORIGIN.latDeg}, lonDeg: ${ORIGIN.lonDeg}, heightAboveEllipsoidM: ${ORIGIN.heightAboveEllipsoidM} }
sensors:
  - { id: rid-1, kind: remoteid, position: { latDeg: 26.1, lonDeg: -98.26, heightAboveEllipsoidM: 25 } }
sources:
  - { kind: sapient, id: sapient, host: 127.0.0.1, port: 0 }
`, join(dir, 'site.yaml'));
  const running: { service: Service; adapters: AdaptersHandle }[] = [];
  const start = async () => {
    const site = siteFile();
    const service = await Service.start({ site: site.site, dbPath, host: '127.0.0.1', port: 0, logger: pino({ level: 'silent' }) });
    const adapters = await startAdapters(service, site, { backoff: { initialMs: 50, maxMs: 200, jitter: 0 } });
    running.push({ service, adapters });
    return { service, adapters, port: adapters.get('sapient')!.port! };
  };
  const stop = async () => {
    const r = running.pop()!;
    await r.adapters.stop();
    await r.service.stop();
  };

  afterAll(async () => {
    while (running.length) await stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('come back after a restart: replay reads what they reported, and their node finds its sensor', async () => {
    // First run: the node registers undeclared, is placed, reports a drone for a few seconds.
    let run = await start();
    let peer = await Peer.connect(run.port);
    peer.send(radarRegistration(NODE));
    expect(((await peer.waitReplies(1))[0].registration_ack as Record<string, unknown>).acceptance).toBe(true);
    peer.send(statusWithLocation(NODE, { latDeg: 26.095, lonDeg: -98.255, heightAboveEllipsoidM: 30 }));
    await waitFor(() => run.service.pipeline.hasSensor(SENSOR), 'the node added as a sensor');
    const t0 = Date.now();
    for (let k = 0; k < 6; k++) {
      peer.send(locationReport(NODE, t0 + k * 200, 26.1 + k * 1e-5, -98.26, 80, ulid()));
      await sleep(200);
    }
    peer.close();
    await stop(); // flushes the store

    const stored = (() => {
      const s = SqliteStore.open(dbPath);
      try {
        return [...s.detections({ fromMs: 0, toMs: Number.MAX_SAFE_INTEGER })].filter((d) => d.sensorId === SENSOR);
      } finally {
        s.close();
      }
    })();
    expect(stored.length).toBeGreaterThanOrEqual(5);

    // Second run: the sensor is back before its node is.
    run = await start();
    expect(run.service.pipeline.hasSensor(SENSOR)).toBe(true);
    expect(run.service.pipeline.site.sensors.find((c) => c.id === SENSOR)).toMatchObject({
      kind: 'radar', position: { latDeg: 26.095, lonDeg: -98.255, heightAboveEllipsoidM: 30 },
    });
    // A replay is a fresh pipeline on the service's site: every stored detection of the node accepted.
    const replay = new Pipeline(run.service.pipeline.site, null, { publish: false });
    expect(stored.map((d) => replay.push(d))).toEqual(stored.map(() => true));
    replay.close();

    // The node registers again: accepted, its sensor kept (not added twice, not refused as taken).
    peer = await Peer.connect(run.port);
    peer.send(radarRegistration(NODE));
    expect(((await peer.waitReplies(1))[0].registration_ack as Record<string, unknown>).acceptance).toBe(true);
    peer.send(locationReport(NODE, Date.now(), 26.1, -98.26, 80, ulid()));
    const metrics = () => run.adapters.get('sapient')!.metrics();
    await waitFor(() => (metrics().published_total ?? 0) >= 1, 'its detection published without a new StatusReport');
    expect(metrics().nodes_added ?? 0).toBe(0);
    expect(run.service.pipeline.site.sensors.filter((c) => c.id === SENSOR)).toHaveLength(1);
    peer.close();
  });
});
