/**
 * The adapters one by one against a minimal host (a MemoryBus, a list of published detections,
 * the metrics sources): Remote ID over TCP (started before its server: reconnects with
 * backoff) and from a followed file, with the conformance frames of the opendroneid Wi-Fi beacon
 * capture; CoT blue force over TCP; the TAK multicast sink; the SAPIENT sink reporting to a
 * parent fusion node; the TrackView → CoT / SAPIENT mapping.
 */
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { MemoryBus } from '../../src/bus/bus.js';
import { CotMulticastListener } from '../../src/ingest/cot/listener.js';
import type { BlueForcePosition } from '../../src/ingest/cot/blue-force.js';
import { SapientServer } from '../../src/ingest/sapient/server.js';
import type { SapientDetection } from '../../src/ingest/sapient/convert.js';
import type { Detection } from '../../src/model/detection.js';
import { trackSnapshotToCot } from '../../src/outputs/tak/cot.js';
import { cotEventToXml, type CotEvent } from '../../src/outputs/tak/event.js';
import type { TrackUpdate, TrackView } from '../../src/pipeline/views.js';
import { cotSnapshotOf, sapientSnapshotOf, stableNodeId, startAdapters, type AdaptersHandle, type AdapterHost } from '../../src/service/adapters.js';
import { parseSiteFile, type SiteFile } from '../../src/service/site-file.js';
import type { ProtoObject } from '../../src/ingest/sapient/schema.js';
import type { SensorConfig } from '../../src/sim/sensor-models.js';
import { locationReport, Peer, radarRegistration, statusWithLocation, ulid } from '../ingest/sapient/peer.js';
import { multicastLoopbackProblem, testPort, waitFor } from '../outputs/tak/helpers.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const standards = process.env.CENTINELA_STANDARDS ?? resolve(root, '..', 'shared', 'standards');
const ridFile = join(standards, 'remoteid', 'decoded', 'odid_wifi_bcn_sample.beacon.decoded.jsonl');
const haveRid = existsSync(ridFile);
if (!haveRid && process.env.CI === 'true') throw new Error(`CI needs the shared standards at ${standards}`);
if (!haveRid) console.warn(`skipping the Remote ID adapter tests: ${ridFile} is absent`);

const dir = mkdtempSync(join(tmpdir(), 'centinela-adapters-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FAST = { initialMs: 50, maxMs: 200, jitter: 0 };
const T0 = Date.now();

class Host implements AdapterHost {
  readonly bus = new MemoryBus();
  readonly published: Detection[] = [];
  readonly metrics: { name: string; labels?: Record<string, string>; read: () => Record<string, number> }[] = [];
  publish(d: Detection): void {
    this.published.push(d);
  }
  addMetricsSource(s: { name: string; labels?: Record<string, string>; read: () => Record<string, number> }): void {
    this.metrics.push(s);
  }
  readonly blueForce: (() => BlueForcePosition[])[] = [];
  addBlueForceSource(read: () => BlueForcePosition[]): void {
    this.blueForce.push(read);
  }
  now(): number {
    return Date.now();
  }
  read(adapter: string): Record<string, number> {
    return this.metrics.find((m) => m.labels?.adapter === adapter)!.read();
  }
}

function site(extra: string): SiteFile {
  return parseSiteFile(`
name: unit
sector:
  origin: { latDeg: 45.545, lonDeg: -122.97, heightAboveEllipsoidM: 100 }
sensors:
  - { id: rid-1, kind: remoteid, position: { latDeg: 45.545, lonDeg: -122.97, heightAboveEllipsoidM: 110 } }
${extra}`, join(dir, 'site.yaml'));
}

/** The beacon capture's frames as hex-feed lines: `@<transmitter> wifi-ie:DD <len> FA 0B BC <element>`. */
function ridLines(): string[] {
  return readFileSync(ridFile, 'utf8').trim().split('\n').map((l) => {
    const ie = (JSON.parse(l) as { ie_hex: string }).ie_hex;
    const len = (3 + ie.length / 2).toString(16).padStart(2, '0');
    return `@02:11:22:33:44:55 wifi-ie:dd${len}fa0bbc${ie}`;
  });
}

let handles: AdaptersHandle[] = [];
const servers: Server[] = [];
afterEach(async () => {
  for (const h of handles) await h.stop();
  handles = [];
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

function view(over: Partial<TrackView> = {}): TrackView {
  return {
    id: 7, trackId: 7, objectId: 7, timeMs: T0, reportable: true, objectAgeS: 12, status: 'confirmed', existence: 0.97,
    latDeg: 45.546, lonDeg: -122.969, heightM: 220, altitudeM: 120, e: 78, n: 111, u: 120,
    velocity: { e: 10, n: 0, u: 0.5 }, speedMps: 10, courseDeg: 90, sigmaHorizontalM: 6, sigmaVerticalM: 9,
    classification: { cls: 'rotary-drone', probability: 0.9, pDrone: 0.95, probabilities: { 'rotary-drone': 0.9, 'fixed-wing-drone': 0.05, bird: 0.02, 'manned-aircraft': 0.01, 'ground-vehicle': 0, unknown: 0.02 }, reasons: [] },
    disposition: 'hostile', affiliation: 'hostile', identities: { remoteId: 'MFG1A0123456789', icao: null, rf: null, callsign: null },
    sensors: ['rid-1'], dark: false, hovering: false, spoof: null, lastHitMs: T0, startMs: T0 - 12_000,
    ...over,
  } as TrackView;
}

describe('TrackView → CoT and SAPIENT snapshots', () => {
  it('keeps the assessment: class, affiliation, identities, ce from σ, course and speed', () => {
    const ev = trackSnapshotToCot(cotSnapshotOf(view()), { uidPrefix: 'centinela-unit-' });
    expect(ev.uid).toBe('centinela-unit-7');
    expect(ev.type).toBe('a-h-A-M-H-Q');
    expect(ev.how).toBe('m-f');
    expect(ev.ceM).toBeCloseTo(6, 6);
    expect(ev.leM).toBeCloseTo(9, 6);
    expect(ev.haeM).toBe(220);
    expect(ev.detail.track).toEqual({ course: 90, speed: 10 });
    expect(ev.detail.remarks).toContain('identities rid:MFG1A0123456789');
    expect(cotEventToXml(ev)).toContain('<point lat="45.546" lon="-122.969" hae="220.0" ce="6.0" le="9.0"/>');
    const friend = trackSnapshotToCot(cotSnapshotOf(view({ affiliation: 'friend', classification: { ...view().classification, cls: 'fixed-wing-drone' }, identities: { remoteId: null, icao: 'A1B2C3', rf: null, callsign: 'N123' } })));
    expect(friend.type).toBe('a-f-A-M-F-Q');
    expect(friend.detail.contact?.callsign).toBe('N123');
    const s = sapientSnapshotOf(view());
    expect(s).toMatchObject({ id: 7, latDeg: 45.546, heightAboveEllipsoidM: 220, positionSigmaM: [6, 6, 9], velocityEnuMps: [10, 0, 0.5], status: 'confirmed' });
  });

  it('gives a site a stable version-5 style SAPIENT node id', () => {
    expect(stableNodeId('hidalgo')).toBe(stableNodeId('hidalgo'));
    expect(stableNodeId('hidalgo')).not.toBe(stableNodeId('pharr'));
    expect(stableNodeId('hidalgo')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

(haveRid ? describe : describe.skip)('Remote ID sources', () => {
  it('remoteid-tcp: connects when its server comes up (backoff), publishes the conformance frames as detections', async () => {
    const port = await freePort();
    const host = new Host();
    handles.push(await startAdapters(host, site(`sources:\n  - { kind: remoteid-tcp, id: rid, host: 127.0.0.1, port: ${port}, sensor: rid-1 }`), { backoff: FAST }));
    await waitFor(() => host.read('rid').connect_failures_total >= 2, 'two refused connections');
    const lines = ridLines();
    const server = createServer((s: Socket) => {
      s.write(lines.join('\n') + '\nzz-not-hex\n');
      s.on('error', () => undefined);
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
    await waitFor(() => host.read('rid').received_total === lines.length + 1, 'every line received');
    const m = host.read('rid');
    expect(m).toMatchObject({ accepted_total: lines.length, rejected_total: 1, connected: 1, connects_total: 1 });
    expect(Object.keys(m).filter((k) => k.startsWith('rejected_') && k !== 'rejected_total')).toHaveLength(1);
    expect(host.published.length).toBeGreaterThan(10);
    const d = host.published[0];
    expect(d.sensorId).toBe('rid-1');
    expect(d.evidence?.remoteId?.serial).toBe('MFG1A0123456789');
    expect(d.measurement).toMatchObject({ kind: 'gnss', latDeg: 45.5457468, lonDeg: -122.9681496 });
    expect(Math.abs(d.timeMs - Date.now())).toBeLessThan(5000); // stamped on receipt: the lines carry no time
    expect(host.metrics.find((x) => x.labels?.adapter === 'rid')!.name).toBe('remoteid_in');
  });

  it('remoteid-file: reads the file, then what is appended to it', async () => {
    const lines = ridLines();
    const file = join(dir, 'frames.hex');
    writeFileSync(file, '# a receiver log\n' + lines.slice(0, 5).join('\n') + '\n');
    const host = new Host();
    handles.push(await startAdapters(host, site(`sources:\n  - { kind: remoteid-file, id: rid-file, path: frames.hex, sensor: rid-1 }`), { backoff: FAST }));
    await waitFor(() => host.read('rid-file').received_total === 5, 'the first five lines');
    appendFileSync(file, lines.slice(5).join('\n') + '\n');
    await waitFor(() => host.read('rid-file').received_total === lines.length, 'the appended lines');
    expect(host.read('rid-file')).toMatchObject({ accepted_total: lines.length, rejected_total: 0, connects_total: 1 });
    expect(host.published.length).toBeGreaterThan(10);
  });
});

/** A host that can add sensors (as the Service does), recording what it was given. */
class GrowingHost extends Host {
  readonly added: SensorConfig[] = [];
  addSensor(c: SensorConfig): void {
    if (this.added.some((x) => x.id === c.id)) throw new Error(`sensor "${c.id}" is already in the pipeline`);
    this.added.push(c);
  }
}

describe('SAPIENT source: undeclared nodes', () => {
  const NODE = '0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6';
  const ack = async (peer: Peer) => (await peer.waitReplies(1))[0].registration_ack as ProtoObject;
  const start = async (host: Host, extra = '') => {
    const h = await startAdapters(host, site(`sources:\n  - { kind: sapient, id: sapient, host: 127.0.0.1, port: 0${extra} }`), { backoff: FAST });
    handles.push(h);
    return h.get('sapient')!.port!;
  };

  it('become sensors of the kind their node type says, placed by their StatusReport', async () => {
    const host = new GrowingHost();
    const port = await start(host);
    const peer = await Peer.connect(port);
    peer.send(radarRegistration(NODE));
    expect((await ack(peer)).acceptance).toBe(true);
    // Before its position: nothing to add, its detections dropped and counted.
    peer.send(locationReport(NODE, Date.now(), 45.55, -122.96, 200, ulid()));
    await waitFor(() => host.read('sapient').awaiting_position_total === 1, 'a detection awaiting the position');
    expect(host.added).toHaveLength(0);
    peer.send(statusWithLocation(NODE, { latDeg: 45.546, lonDeg: -122.971, heightAboveEllipsoidM: 130 }));
    await waitFor(() => host.added.length === 1, 'the node added as a sensor');
    expect(host.added[0]).toMatchObject({
      id: `sapient:${NODE}`, kind: 'radar', measuresRangeRate: false, position: { latDeg: 45.546, lonDeg: -122.971, heightAboveEllipsoidM: 130 },
      reportIntervalS: 1, // report-driven; its registration states no period
    });
    peer.send(locationReport(NODE, Date.now(), 45.55, -122.96, 200, ulid()));
    await waitFor(() => host.published.length === 1, 'its detection published');
    expect(host.published[0].sensorId).toBe(`sapient:${NODE}`);
    // Registering again (a new connection) keeps the one sensor.
    peer.close();
    const again = await Peer.connect(port);
    again.send(radarRegistration(NODE));
    expect((await ack(again)).acceptance).toBe(true);
    again.send(statusWithLocation(NODE, { latDeg: 45.546, lonDeg: -122.971, heightAboveEllipsoidM: 130 }));
    await new Promise((r) => setTimeout(r, 100));
    expect(host.added).toHaveLength(1);
    expect(host.read('sapient').nodes_added).toBe(1);
    again.close();
  });

  it('are report-driven at the report period their registration states', async () => {
    const host = new GrowingHost();
    const peer = await Peer.connect(await start(host));
    const reg = radarRegistration(NODE);
    (reg.registration as ProtoObject).capabilities = [{ category: 'Radar', type: 'Scan Rate', value: '15', units: 'rpm' }];
    peer.send(reg);
    expect((await ack(peer)).acceptance).toBe(true);
    peer.send(statusWithLocation(NODE, { latDeg: 45.546, lonDeg: -122.971, heightAboveEllipsoidM: 130 }));
    await waitFor(() => host.added.length === 1, 'the node added as a sensor');
    expect(host.added[0]).toMatchObject({ id: `sapient:${NODE}`, reportIntervalS: 4 });
    peer.close();
  });

  it('are refused, with the reason in the RegistrationAck, when their type maps onto no sensor, by policy, or when the host cannot add sensors', async () => {
    const seismic = radarRegistration(NODE);
    (seismic.registration as ProtoObject).node_definition = [{ node_type: 5 }]; // NODE_TYPE_SEISMIC
    let peer = await Peer.connect(await start(new GrowingHost()));
    peer.send(seismic);
    let a = await ack(peer);
    expect(a.acceptance).toBe(false);
    expect(String(a.ack_response_reason)).toMatch(/not declared in site unit.*NODE_TYPE_SEISMIC.*maps onto no sensor Centinela fuses/);
    peer.close();

    peer = await Peer.connect(await start(new GrowingHost(), ', undeclaredNodes: refuse'));
    peer.send(radarRegistration(NODE));
    a = await ack(peer);
    expect(a.acceptance).toBe(false);
    expect(String(a.ack_response_reason)).toMatch(/undeclaredNodes: refuse/);
    peer.close();

    peer = await Peer.connect(await start(new Host()));
    peer.send(radarRegistration(NODE));
    a = await ack(peer);
    expect(a.acceptance).toBe(false);
    expect(String(a.ack_response_reason)).toMatch(/cannot add sensors while it runs/);
    peer.close();
  });
});

describe('CoT blue force in', () => {
  it('cot-tcp: keeps the friendly positions a TAK server relays, counts the rest', async () => {
    const now = Date.now();
    const time = (ms: number) => new Date(ms).toISOString();
    const friendly = `<?xml version="1.0" encoding="UTF-8"?><event version="2.0" uid="patrol-7" type="a-f-G-U-C" how="h-e" time="${time(now)}" start="${time(now)}" stale="${time(now + 60_000)}"><point lat="26.1" lon="-98.25" hae="20" ce="5" le="9"/><detail><contact callsign="PATROL 7"/></detail></event>`;
    const hostile = friendly.replace('patrol-7', 'x-1').replace('a-f-G-U-C', 'a-h-G');
    const server = createServer((s) => {
      s.write(friendly + hostile + '<event broken');
      s.on('error', () => undefined);
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const host = new Host();
    const h = await startAdapters(host, site(`sources:\n  - { kind: cot-tcp, id: bf, host: 127.0.0.1, port: ${(server.address() as AddressInfo).port} }`), { backoff: FAST });
    handles.push(h);
    await waitFor(() => h.blueForce().length === 1, 'one blue-force position');
    expect(h.blueForce()[0]).toMatchObject({ uid: 'patrol-7', callsign: 'PATROL 7', latDeg: 26.1, lonDeg: -98.25 });
    // The host (the service) is handed the table, which /api/blueforce reads.
    expect(host.blueForce).toHaveLength(1);
    expect(host.blueForce[0]().map((p) => p.uid)).toEqual(['patrol-7']);
    expect(host.read('bf')).toMatchObject({ accepted_total: 2, blue_force: 1 });
    expect(host.published).toHaveLength(0); // blue force is not a sensor detection
  });
});

describe('sinks', () => {
  it('tak-multicast: a CoT event per track to the SA group, a delete event when it ends', async () => {
    const port = testPort();
    const problem = await multicastLoopbackProblem(port);
    if (problem) {
      console.warn(`skipping the multicast sink test: ${problem}`);
      return;
    }
    const got: CotEvent[] = [];
    const listener = new CotMulticastListener({ port, interface: '127.0.0.1', onEvent: (e) => got.push(e.event) });
    await listener.start();
    try {
      const host = new Host();
      handles.push(await startAdapters(host, site(`sinks:\n  - { kind: tak-multicast, id: sa, port: ${port}, interface: 127.0.0.1, ttl: 0, everyMs: 0 }`), { backoff: FAST }));
      host.bus.publish('tracks', { timeMs: T0, tracks: [view()], removed: [], moved: [] } satisfies TrackUpdate);
      host.bus.publish('tracks', { timeMs: T0 + 500, tracks: [], removed: [7], moved: [] } satisfies TrackUpdate);
      await waitFor(() => got.length >= 2, 'two datagrams');
      expect(got[0]).toMatchObject({ uid: 'centinela-unit-7', type: 'a-h-A-M-H-Q', how: 'm-f' });
      expect(got[1]).toMatchObject({ uid: 'centinela-unit-7.delete', type: 't-x-d-d' });
      expect(host.read('sa')).toMatchObject({ sent_total: 2, ended_total: 1, tracks_total: 1 });
    } finally {
      await listener.close();
    }
  });

  it('sapient: registers with the parent, reports tracks as DetectionReports at most every everyMs, then their end', async () => {
    const got: SapientDetection[] = [];
    const parent = await SapientServer.start({ port: 0, onDetection: (d) => got.push(d) });
    try {
      const host = new Host();
      const h = await startAdapters(host, site(`sinks:\n  - { kind: sapient, id: up, host: 127.0.0.1, port: ${parent.port}, everyMs: 1000 }`), { backoff: FAST });
      handles.push(h);
      await waitFor(() => host.read('up').registered === 1, 'registered');
      expect(parent.nodes()[0]).toMatchObject({ nodeId: stableNodeId('unit'), registered: true, name: 'Centinela unit' });
      const now = Date.now();
      host.bus.publish('tracks', { timeMs: now, tracks: [view({ timeMs: now })], removed: [], moved: [] });
      host.bus.publish('tracks', { timeMs: now + 500, tracks: [view({ timeMs: now + 500 })], removed: [], moved: [] }); // within everyMs: held
      host.bus.publish('tracks', { timeMs: now + 1000, tracks: [], removed: [7], moved: [] });
      await waitFor(() => got.length >= 2, 'two reports');
      expect(got.map((d) => d.state ?? null)).toEqual(['confirmed', 'ended']);
      expect(got[0].objectId).toBe(got[1].objectId);
      expect(got[0].position!.latDeg).toBeCloseTo(45.546, 6);
      expect(got[0].classes[0]).toMatchObject({ label: 'rotary-drone' });
      const m = host.read('up');
      expect(m).toMatchObject({ updates_total: 3, tracks_total: 1, ended_total: 1, sent_detection_report_total: 2 });
      expect(host.metrics.find((x) => x.labels?.adapter === 'up')!.name).toBe('sapient_out');
    } finally {
      await parent.close();
    }
  });
});
