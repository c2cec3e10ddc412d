import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { SapientDetection } from '../../../src/ingest/sapient/convert.js';
import { isUlid } from '../../../src/ingest/sapient/ids.js';
import { encodeSapientMessage } from '../../../src/ingest/sapient/schema.js';
import { SapientServer, type RejectEvent, type SapientServerOptions } from '../../../src/ingest/sapient/server.js';
import { validateSapientMessage } from '../../../src/ingest/sapient/validate.js';
import { SapientClient, type SapientClientOptions } from '../../../src/outputs/sapient/client.js';
import { classificationFor, fusionNodeRegistration, statusReport, trackReport } from '../../../src/outputs/sapient/report.js';
import type { TrackSnapshot } from '../../../src/outputs/sapient/track.js';

const T0 = Date.parse('2025-11-14T04:00:00Z');
const SITE = { latDeg: 26.1, lonDeg: -98.26, heightAboveEllipsoidM: 20 };
const NODE = '5a1d2c3b-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

let servers: SapientServer[] = [];
let clients: SapientClient[] = [];
afterEach(async () => {
  for (const c of clients) await c.stop();
  for (const s of servers) await s.close();
  clients = [];
  servers = [];
});

async function until(cond: () => boolean, timeoutMs = 4000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function parent(opts: SapientServerOptions = {}) {
  const got: SapientDetection[] = [];
  const rejects: RejectEvent[] = [];
  const server = await SapientServer.start({ port: 0, onDetection: (d) => got.push(d), onReject: (e) => rejects.push(e), ...opts });
  servers.push(server);
  return { server, got, rejects };
}

function client(port: number, opts: Partial<SapientClientOptions> = {}): SapientClient {
  const c = new SapientClient({ host: '127.0.0.1', port, nodeId: NODE, location: SITE, backoff: { initialMs: 20, maxMs: 200 }, ...opts });
  clients.push(c);
  return c;
}

const track = (id: number, t: number, extra: Partial<TrackSnapshot> = {}): TrackSnapshot => ({
  id, timeMs: T0 + t * 1000, latDeg: 26.11 + id * 1e-3 + t * 1e-5, lonDeg: -98.25 - t * 2e-5, heightAboveEllipsoidM: 90 + t,
  velocityEnuMps: [-2, 1.1, 0.2], positionSigmaM: [6, 7, 12], status: 'confirmed', existence: 0.97, ...extra,
});

describe('SAPIENT messages of a Centinela fusion node', () => {
  it('are valid under every rule of the standard', () => {
    const reg = fusionNodeRegistration(T0, { nodeId: NODE, name: 'n', shortName: 's', statusIntervalMs: 2500, softwareVersion: '1' });
    expect(validateSapientMessage(reg)).toEqual([]);
    const rep = trackReport(track(1, 0, { classProbabilities: { 'rotary-drone': 0.6, bird: 0.3, unknown: 0.1 } }), NODE, undefined, '01JCRS00000000000000000001', '01JCRS00000000000000000002');
    expect(validateSapientMessage(rep)).toEqual([]);
    expect(validateSapientMessage(statusReport(T0, NODE, undefined, '01JCRS00000000000000000003', { first: true, location: SITE }))).toEqual([]);
    for (const m of [reg, rep]) expect(encodeSapientMessage(m).length).toBeGreaterThan(0);
  });

  it('map class probabilities onto the taxonomy, the inverse of ingest', () => {
    expect(classificationFor({ 'rotary-drone': 0.5, 'fixed-wing-drone': 0.1, 'manned-aircraft': 0.2, bird: 0.15, 'ground-vehicle': 0.05 })).toEqual([
      { type: 'Air Vehicle', confidence: Math.fround(0.8), sub_class: [
        { type: 'UAV Rotary Wing', confidence: Math.fround(0.5), level: 1 },
        { type: 'UAV Fixed Wing', confidence: Math.fround(0.1), level: 1 },
        { type: 'Manned Rotary Wing', confidence: Math.fround(0.1), level: 1 },
        { type: 'Manned Fixed Wing', confidence: Math.fround(0.1), level: 1 },
      ] },
      { type: 'Animal', confidence: Math.fround(0.15), sub_class: [{ type: 'Bird', confidence: Math.fround(0.15), level: 1 }] },
      { type: 'Land Vehicle', confidence: Math.fround(0.05) },
    ]);
    expect(classificationFor(undefined)).toEqual([]);
  });
});

describe('SAPIENT client reporting to a parent fusion node', () => {
  it('registers as a fusion node, reports its position, and reports tracks the parent places exactly', async () => {
    const { server, got, rejects } = await parent();
    const c = client(server.port);
    c.start();
    await c.registered();
    await until(() => server.node(NODE)?.position !== undefined);
    expect(server.node(NODE)).toMatchObject({ registered: true, nodeTypes: ['NODE_TYPE_FUSION_NODE'], position: SITE, statusIntervalMs: 5000 });
    const probs = { 'rotary-drone': 0.7, 'manned-aircraft': 0.2, unknown: 0.1 } as const;
    const snaps = [track(1, 0, { classProbabilities: probs }), track(2, 0), track(1, 1, { classProbabilities: probs }), track(2, 1, { status: 'ended' })];
    expect(c.report(snaps)).toBe(4);
    await until(() => got.length === 4);
    expect(rejects).toEqual([]);
    got.forEach((d, i) => {
      const s = snaps[i];
      expect(d.detection.measurement).toMatchObject({ kind: 'position', latDeg: s.latDeg, lonDeg: s.lonDeg, heightAboveEllipsoidM: s.heightAboveEllipsoidM, covarianceEnu: [36, 0, 0, 0, 49, 0, 0, 0, 144] });
      expect(d.detection.timeMs).toBe(s.timeMs);
      expect(d.velocityEnuMps).toEqual([-2, 1.1, 0.2]);
      expect(d.detectionConfidence).toBeCloseTo(0.97, 6);
      expect(d.state).toBe(s.status);
      expect(isUlid(d.objectId)).toBe(true);
    });
    // One stable object id per track, different between tracks.
    expect(got[0].objectId).toBe(got[2].objectId);
    expect(got[1].objectId).toBe(got[3].objectId);
    expect(got[0].objectId).not.toBe(got[1].objectId);
    expect(new Set(got.map((d) => d.reportId)).size).toBe(4);
    // Classes survive the round trip through the taxonomy.
    const cls = Object.fromEntries(got[0].classes.map((k) => [k.label, k.confidence]));
    expect(cls['rotary-drone']).toBeCloseTo(0.7, 6);
    expect(cls['manned-aircraft']).toBeCloseTo(0.2, 6);
    expect(cls.unknown).toBeCloseTo(0.1, 6);
    expect(got[0].detection.evidence?.classLabel?.label).toBe('rotary-drone');
    expect(c.metrics()).toMatchObject({ state: 'registered', registrations: 1, sent: { registration: 1, detection_report: 4 } });
    expect(c.metrics().trackedObjects).toBe(1); // track 2 ended
  });

  it('reconnects with exponential backoff until the parent is up', async () => {
    // Find a free port, leave it closed for a while.
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const delays: number[] = [];
    const c = client(port, { random: () => 0.5, onEvent: (e) => e.kind === 'backoff' && delays.push(e.delayMs!) });
    c.start();
    await until(() => delays.length >= 3);
    expect(delays.slice(0, 3)).toEqual([20, 40, 80]);
    const { server } = await parent({ port });
    await c.registered();
    expect(server.node(NODE)?.registered).toBe(true);
    // The parent goes away and comes back: the client registers again, backoff reset.
    await server.close();
    await until(() => c.state !== 'registered');
    const again = await parent({ port });
    await until(() => c.state === 'registered');
    expect(again.server.node(NODE)?.registered).toBe(true);
    expect(c.metrics().registrations).toBe(2);
  });

  it('backs off when the parent refuses its registration', async () => {
    const { server } = await parent({ acceptRegistration: () => ({ accept: false, reasons: ['not on the list'] }) });
    const refusals: string[] = [];
    const c = client(server.port, { onEvent: (e) => e.kind === 'refused' && refusals.push(e.detail!) });
    c.start();
    await until(() => refusals.length >= 2);
    expect(refusals[0]).toBe('not on the list');
    expect(c.report([track(1, 0)])).toBe(0);
    expect(c.metrics().dropped.notRegistered).toBe(1);
  });

  it('answers the basic tasks of its parent and refuses the rest', async () => {
    const { server, got } = await parent();
    const c = client(server.port);
    c.start();
    await c.registered();
    await expect(server.request(NODE, 'Status')).resolves.toMatchObject({ status: 'TASK_STATUS_ACCEPTED' });
    await expect(server.request(NODE, 'Stop')).resolves.toMatchObject({ status: 'TASK_STATUS_ACCEPTED' });
    expect(c.report([track(1, 0)])).toBe(0);
    expect(c.metrics().dropped.paused).toBe(1);
    await expect(server.request(NODE, 'Start')).resolves.toMatchObject({ status: 'TASK_STATUS_ACCEPTED' });
    expect(c.report([track(1, 0)])).toBe(1);
    await until(() => got.length === 1);
    const r = await server.sendTask(NODE, { command: { detection_threshold: 3 } });
    expect(r.status).toBe('TASK_STATUS_REJECTED');
    expect(r.reasons[0]).toMatch(/request/);
    await expect(server.request(NODE, 'Registration')).resolves.toMatchObject({ status: 'TASK_STATUS_ACCEPTED' });
    await until(() => c.metrics().registrations === 2);
  });

  it('skips snapshots it cannot place and keeps its id table bounded', async () => {
    const { server } = await parent();
    const c = client(server.port, { maxTracks: 2, trackIdTtlMs: 10_000 });
    c.start();
    await c.registered();
    expect(c.report([track(1, 0, { latDeg: NaN }), track(1, 0, { lonDeg: 200 })])).toBe(0);
    expect(c.metrics().dropped.invalid).toBe(2);
    const a = c.objectIdFor(1, T0), b = c.objectIdFor(2, T0);
    expect(c.objectIdFor(1, T0 + 1)).toBe(a);
    c.objectIdFor(3, T0 + 2); // evicts 2, the least recently used
    expect(c.metrics().trackedObjects).toBe(2);
    expect(c.objectIdFor(2, T0 + 3)).not.toBe(b);
    c.objectIdFor(4, T0 + 60_000); // everything older than the TTL goes
    expect(c.metrics().trackedObjects).toBe(1);
  });

  it('says goodbye when stopped', async () => {
    const { server } = await parent();
    const c = client(server.port);
    c.start();
    await c.registered();
    await c.stop();
    await until(() => server.node(NODE)?.registered === false);
    expect(server.node(NODE)?.system).toBe('SYSTEM_GOODBYE');
    expect(c.state).toBe('stopped');
  });
});
