/**
 * End to end on loopback: a Service (':memory:' store, port 0) with a site file whose sources
 * are a Beast feed (a TCP server this test runs, replaying dump1090-fa's Beast output of the
 * conformance recording) and a SAPIENT fusion-node listener (a declared test node registers; an
 * undeclared radar node 1 km away registers, gives its position in a StatusReport and becomes a
 * sensor; both report the same two drones by `location`, each drone in a DetectionReport of its
 * own with the node's object id; a node of a type Centinela cannot fuse is refused), and whose
 * sink is a TAK server connection (a TCP listener this test runs). Each drone must keep one track
 * fed by both nodes, the aircraft its own, and their CoT must reach the TAK listener; the
 * counters must reach /metrics, the added sensor /api/sensors.
 *
 * The service runs on a clock 10× the wall clock, so the 42 s the recorded aircraft flies take
 * 4.2 s here; the Beast frames are paced so the aircraft flies at its reported ground speed.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { geodesicDistanceM } from '../../src/geo/geodesic.js';
import { LocalFrame } from '../../src/geo/enu.js';
import { AdsbSource, BeastDecoder, encodeBeastFrame, type BeastFrame } from '../../src/ingest/adsb/index.js';
import { CotReceiver } from '../../src/ingest/cot/receiver.js';
import { CotStreamCutter } from '../../src/ingest/cot/stream.js';
import { msToTimestamp } from '../../src/ingest/sapient/json.js';
import type { ProtoObject } from '../../src/ingest/sapient/schema.js';
import type { CotEvent } from '../../src/outputs/tak/event.js';
import type { TrackView } from '../../src/pipeline/views.js';
import { createToken } from '../../src/server/auth.js';
import { startAdapters, type AdaptersHandle } from '../../src/service/adapters.js';
import { Service } from '../../src/service/service.js';
import { loadSiteFile } from '../../src/service/site-file.js';
import { Peer, radarRegistration, statusWithLocation, ulid } from '../ingest/sapient/peer.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const standards = process.env.CENTINELA_STANDARDS ?? resolve(root, '..', 'shared', 'standards');
const beastFile = join(standards, 'adsb', 'derived', 'modes1.beast.dump1090-fa.bin');
const have = existsSync(beastFile);
if (!have && process.env.CI === 'true') throw new Error(`CI needs the shared standards at ${standards}`);
if (!have) console.warn(`skipping the adapters end-to-end test: ${beastFile} is absent`);

const SPEED = 10;
const NODE = '3f2b8c1e-5d6a-4e7f-9a0b-1c2d3e4f5a6b';
const STRANGER = '9a1d4e2f-6b3c-4d5e-8f7a-2b3c4d5e6f70';
const SEISMIC = '5c0ffee0-1234-4abc-8def-0123456789ab';
/** The sector: where the recorded aircraft flies (Sicily), the drone near the origin. */
const ORIGIN = { latDeg: 37.0, lonDeg: 13.8, heightAboveEllipsoidM: 50 };
const frame = LocalFrame.fromDegrees(ORIGIN);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The recording's Beast frames, each with the time [s] to send it so the aircraft flies at 197 m/s. */
function pacedFrames(fixes: [number, number][]): { frame: BeastFrame; atS: number }[] {
  const frames: BeastFrame[] = [];
  new BeastDecoder().push(readFileSync(beastFile), (f) => frames.push({ ...f, data: f.data.slice() }), () => undefined);
  // Where each position frame puts the aircraft (frames a second apart: no fix looks like a jump).
  const src = new AdsbSource({ sensorId: 'pace', beastTime: 'ticks' });
  const anchors: { i: number; s: number }[] = [];
  let prev: [number, number] | null = null, dist = 0;
  frames.forEach((f, i) => {
    const m = src.ingestBeastFrame({ ...f, timestampTicks: i * 12_000_000 })?.detection?.measurement;
    if (m?.kind !== 'gnss') return;
    if (prev) dist += geodesicDistanceM(prev[0], prev[1], m.latDeg, m.lonDeg);
    prev = [m.latDeg, m.lonDeg];
    fixes.push(prev);
    anchors.push({ i, s: dist / 197 });
  });
  return frames.map((f, i) => {
    const k = anchors.findIndex((a) => a.i >= i);
    if (k <= 0) return { frame: f, atS: k === 0 ? anchors[0].s : anchors[anchors.length - 1].s };
    const a = anchors[k - 1], b = anchors[k];
    return { frame: f, atS: a.s + ((b.s - a.s) * (i - a.i)) / (b.i - a.i) };
  });
}

/** A TCP server: `onConnection` for each client. */
async function listen(onConnection: (s: Socket) => void): Promise<Server> {
  const server = createServer(onConnection);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return server;
}

function detectionReport(nodeId: string, timeMs: number, e: number, n: number, u: number, objectId = '01JCRS0000RADARTRACK000001'): ProtoObject {
  const g = frame.enuToGeodetic(e, n, u, new Float64Array(3));
  return {
    timestamp: msToTimestamp(timeMs), node_id: nodeId,
    detection_report: {
      report_id: ulid(), object_id: objectId,
      location: { x: g[1], y: g[0], z: g[2], x_error: 3, y_error: 3, z_error: 5, coordinate_system: 1, datum: 1 },
      classification: [{ type: 'Air Vehicle', confidence: 0.9, sub_class: [{ type: 'UAV Rotary Wing', confidence: 0.85, level: 1 }] }],
    },
  };
}

(have ? describe : describe.skip)('adapters end to end (loopback)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'centinela-e2e-'));
  const cot: CotEvent[] = [];
  /** The recorded aircraft's positions (dump1090's decode, in order). */
  const fixes: [number, number][] = [];
  const sockets: Socket[] = [];
  let beast: Server, tak: Server;
  let service: Service;
  let adapters: AdaptersHandle;
  let beastDone: Promise<void>;

  beforeAll(async () => {
    const paced = pacedFrames(fixes);
    let startBeast!: (s: Socket) => void;
    const connected = new Promise<Socket>((r) => (startBeast = r));
    beast = await listen((s) => {
      sockets.push(s);
      startBeast(s);
    });
    tak = await listen((s) => {
      sockets.push(s);
      const receiver = new CotReceiver((e) => cot.push(e.event));
      const cutter = new CotStreamCutter((m) => receiver.streamMessage(m), (reason, m) => receiver.framingReject(reason, m), 64 * 1024);
      s.on('data', (c: Buffer) => cutter.push(c));
      s.on('error', () => undefined);
    });
    writeFileSync(join(dir, 'site.yaml'), `
name: e2e
sector:
  origin: { latDeg: ${ORIGIN.latDeg}, lonDeg: ${ORIGIN.lonDeg}, heightAboveEllipsoidM: ${ORIGIN.heightAboveEllipsoidM} }
  region: { eastM: [-30000, 30000], northM: [-30000, 30000] }
sensors:
  - { id: adsb-rx, kind: adsb, position: { latDeg: 37.0, lonDeg: 13.8, heightAboveEllipsoidM: 60 } }
  - { id: radar-sapient, kind: radar, position: { latDeg: 37.0, lonDeg: 13.8, heightAboveEllipsoidM: 60 }, maxRangeM: 5000, measuresRangeRate: false }
sources:
  - { kind: adsb-beast, id: beast, host: 127.0.0.1, port: ${(beast.address() as AddressInfo).port}, sensor: adsb-rx }
  - { kind: sapient, id: sapient, host: 127.0.0.1, port: 0, nodes: [{ nodeId: ${NODE}, sensor: radar-sapient }] }
sinks:
  - { kind: tak-tcp, id: tak, host: 127.0.0.1, port: ${(tak.address() as AddressInfo).port}, everyMs: 1000 }
`);
    const site = loadSiteFile(join(dir, 'site.yaml'));
    const t0 = Date.now();
    service = await Service.start({
      site: site.site, dbPath: ':memory:', host: '127.0.0.1', port: 0, logger: pino({ level: 'silent' }),
      now: () => t0 + (Date.now() - t0) * SPEED,
    });
    adapters = await startAdapters(service, site, { backoff: { initialMs: 50, maxMs: 500, jitter: 0 } });

    // The Beast feed: every frame at its paced time, once the client has connected.
    beastDone = (async () => {
      const s = await connected;
      const start = Date.now();
      for (const { frame: f, atS } of paced) {
        const wait = start + (atS * 1000) / SPEED - Date.now();
        if (wait > 0) await sleep(wait);
        s.write(encodeBeastFrame(f.data, 0, f.signal));
      }
    })();
  });

  afterAll(async () => {
    await adapters?.stop();
    await service?.stop();
    for (const s of sockets) s.destroy();
    await Promise.all([beast, tak].map((srv) => new Promise((r) => srv?.close(r))));
    rmSync(dir, { recursive: true, force: true });
  });

  it('SAPIENT nodes register (an undeclared radar becomes a sensor, a seismic node is refused) and the feeds become tracks with CoT at the TAK server', async () => {
    const port = adapters.get('sapient')!.port!;
    expect(port).toBeGreaterThan(0);
    const strangerSensor = `sapient:${STRANGER}`;

    // A node type Centinela cannot fuse: refused, the reason in the RegistrationAck.
    const seismic = await Peer.connect(port);
    const seismicReg = radarRegistration(SEISMIC);
    (seismicReg.registration as ProtoObject).node_definition = [{ node_type: 5 }]; // NODE_TYPE_SEISMIC
    seismic.send(seismicReg);
    const [refused] = await seismic.waitReplies(1);
    expect((refused.registration_ack as ProtoObject).acceptance).toBe(false);
    expect(String((refused.registration_ack as ProtoObject).ack_response_reason)).toMatch(/not declared in site e2e.*NODE_TYPE_SEISMIC.*maps onto no sensor/);
    seismic.close();

    // An undeclared radar: accepted; a sensor once its StatusReport places it.
    const stranger = await Peer.connect(port);
    stranger.send(radarRegistration(STRANGER));
    const [welcome] = await stranger.waitReplies(1);
    expect((welcome.registration_ack as ProtoObject).acceptance).toBe(true);
    expect(service.pipeline.hasSensor(strangerSensor)).toBe(false);
    // 1 km south-east of the declared radar, both covering both drones.
    const strangerAt = frame.enuToGeodetic(800, -600, 15, new Float64Array(3));
    stranger.send(statusWithLocation(STRANGER, { latDeg: strangerAt[0], lonDeg: strangerAt[1], heightAboveEllipsoidM: strangerAt[2] }));
    for (let i = 0; i < 100 && !service.pipeline.hasSensor(strangerSensor); i++) await sleep(20);
    expect(service.pipeline.hasSensor(strangerSensor)).toBe(true);
    expect(service.pipeline.site.sensors.find((c) => c.id === strangerSensor)).toMatchObject({ kind: 'radar', reportIntervalS: 1 });
    // The declared node's sensor is report-driven too (the site file's default for SAPIENT-fed sensors).
    expect(service.pipeline.site.sensors.find((c) => c.id === 'radar-sapient')?.reportIntervalS).toBe(1);

    // Tracks as the pipeline shows them, polled through the run (latest view per track id).
    const seen = new Map<number, TrackView>();
    /** Each track's existence as the pipeline showed it, with the service time, oldest first. */
    const existence = new Map<number, { timeMs: number; existence: number }[]>();
    const poll = setInterval(() => {
      for (const t of service.pipeline.tracks()) {
        seen.set(t.id, t);
        existence.set(t.id, [...(existence.get(t.id) ?? []), { timeMs: service.now(), existence: t.existence }]);
      }
    }, 50);
    const node = await Peer.connect(port);
    node.send(radarRegistration(NODE));
    const [ack] = await node.waitReplies(1);
    expect((ack.registration_ack as ProtoObject).acceptance).toBe(true);
    // The drone: 40 s at 12 m/s east, 3 m/s north, 80 m up; the other drone 10 m/s west, 4 m/s
    // north, 120 m up, from (600, −500). Each node reports each drone about once a second (service
    // time), in a DetectionReport of its own on its own timestamp, under its own object id.
    const drone1 = (k: number) => [-400 + 12 * k, 300 + 3 * k, 80] as const;
    const drone2 = (k: number) => [600 - 10 * k, -500 + 4 * k, 120] as const;
    const feedStart = service.now();
    for (let k = 0; k < 40; k++) {
      node.send(detectionReport(NODE, service.now(), ...drone1(k), '01JCRS0000RADARTRACK000001'));
      await sleep(250 / SPEED);
      stranger.send(detectionReport(STRANGER, service.now(), ...drone2(k), '01JCRS0000STRANGERTRACK001'));
      await sleep(250 / SPEED);
      node.send(detectionReport(NODE, service.now(), ...drone2(k + 0.5), '01JCRS0000RADARTRACK000002'));
      await sleep(250 / SPEED);
      stranger.send(detectionReport(STRANGER, service.now(), ...drone1(k + 0.75), '01JCRS0000STRANGERTRACK002'));
      await sleep(250 / SPEED);
    }
    const feedEnd = service.now();
    await beastDone;
    await sleep(1500); // a few service seconds for the last scans and assessments
    clearInterval(poll);

    const latest = (pick: (t: TrackView) => boolean) => [...seen.values()].filter(pick).sort((x, y) => y.timeMs - x.timeMs)[0];
    const aircraft = latest((t) => t.identities.icao === '4D2023');
    const both = (t: TrackView) => [...t.sensors].sort().join() === ['radar-sapient', strangerSensor].join();
    const drone = latest((t) => both(t) && t.n > 100);
    const other = latest((t) => both(t) && t.n < 100);
    const listing = JSON.stringify([...seen.values()].map((t) => [t.id, t.sensors, t.identities, Math.round(t.e), Math.round(t.n)]));
    expect(aircraft, listing).toBeDefined();
    expect(drone, listing).toBeDefined();
    expect(other, listing).toBeDefined();
    // One track per drone all along, fed by both nodes: no restarts, no duplicates.
    const sapientTracks = [...seen.values()].filter((t) => t.sensors.some((x) => x === 'radar-sapient' || x === strangerSensor));
    expect(sapientTracks.map((t) => t.id).sort(), listing).toEqual([drone.id, other.id].sort());
    // Sure of both once established (after 10 s of service time) and while both are reported: a
    // node's report of one drone is no miss of the other (with every report a look at all the node
    // covers, existence dips to ≈ 0.93). After the feed ends they fade, as they should.
    for (const t of [drone, other]) {
      const fed = existence.get(t.id)!.filter((x) => x.timeMs >= feedStart + 10_000 && x.timeMs <= feedEnd);
      expect(fed.length).toBeGreaterThan(20);
      expect(Math.min(...fed.map((x) => x.existence))).toBeGreaterThan(0.98);
    }
    // The other drone flies e = 600 − 10k, n = −500 + 4k, u = 120.
    expect(Math.abs(other.n - (-500 + (600 - other.e) * 0.4))).toBeLessThan(20);
    expect(other.e).toBeLessThan(600);
    expect(Math.abs(other.u - 120)).toBeLessThan(20);
    expect(other.speedMps).toBeGreaterThan(6);
    expect(aircraft.sensors).toEqual(['adsb-rx']);
    expect(aircraft.identities.callsign).toBe('AMC421');
    expect(aircraft.affiliation).toBe('neutral'); // cooperative
    // Where dump1090 put it: within 2 km of one of its fixes.
    expect(Math.min(...fixes.map(([lat, lon]) => geodesicDistanceM(aircraft.latDeg, aircraft.lonDeg, lat, lon)))).toBeLessThan(2000);
    // The drone flies e = −400 + 12k, n = 300 + 3k, u = 80 (sector frame).
    expect(Math.abs(drone.n - (300 + (drone.e + 400) / 4))).toBeLessThan(20);
    expect(drone.e).toBeGreaterThan(-400);
    expect(Math.abs(drone.u - 80)).toBeLessThan(20);
    expect(drone.speedMps).toBeGreaterThan(8);
    expect(drone.classification.cls).toBe('rotary-drone');

    // CoT at the TAK server, one uid per track, typed by class.
    const uids = new Set(cot.map((e) => e.uid));
    expect(uids.has(`centinela-e2e-${aircraft.id}`)).toBe(true);
    expect(uids.has(`centinela-e2e-${drone.id}`)).toBe(true);
    const lastOf = (uid: string) => cot.filter((e) => e.uid === uid).at(-1)!;
    const a = lastOf(`centinela-e2e-${aircraft.id}`), d = lastOf(`centinela-e2e-${drone.id}`);
    // Cooperative (ADS-B) → neutral; the class (manned aircraft, or unknown air while the
    // drone-tuned tracker's speed estimate is still catching up with 197 m/s) is the assessor's.
    expect(a.type).toMatch(/^a-n-A(-C-F)?$/);
    expect(a.detail.remarks).toContain('icao:4D2023');
    expect(a.how).toBe('m-f');
    expect(a.detail.contact?.callsign).toBe('AMC421');
    expect(Math.min(...fixes.map(([lat, lon]) => geodesicDistanceM(a.latDeg, a.lonDeg, lat, lon)))).toBeLessThan(2000);
    expect(d.type).toMatch(/^a-[ushn]-A-M-H-Q$/);
    expect(d.detail.track?.speed).toBeGreaterThan(5);

    // Counters reach /metrics.
    const { secret } = createToken(service.store, 'admin', 'e2e', 1);
    const metrics = await (await fetch(`${service.url}/metrics`, { headers: { authorization: `Bearer ${secret}` } })).text();
    const value = (name: string) => Number(new RegExp(`^${name}\\{adapter="[^"]+"\\} (\\S+)$`, 'm').exec(metrics)?.[1] ?? NaN);
    expect(value('centinela_adsb_in_received_total')).toBe(98);
    expect(value('centinela_adsb_in_detections_total')).toBeGreaterThan(15);
    expect(value('centinela_sapient_in_accepted_total')).toBeGreaterThanOrEqual(83);
    expect(value('centinela_sapient_in_rejected_registration_refused_total')).toBe(1);
    expect(value('centinela_sapient_in_nodes_registered')).toBe(2);
    expect(value('centinela_sapient_in_nodes_added')).toBe(1);
    expect(value('centinela_sapient_in_awaiting_position_total')).toBe(0);
    expect(value('centinela_tak_out_sent_total')).toBeGreaterThan(2);
    expect(value('centinela_tak_out_connected')).toBe(1);
    // The added sensor is on /api/sensors.
    const listed = (await (await fetch(`${service.url}/api/sensors`, { headers: { authorization: `Bearer ${secret}` } })).json()) as { sensors: { id: string; kind: string }[] };
    expect(listed.sensors.map((x) => x.id)).toEqual(['adsb-rx', 'radar-sapient', strangerSensor]);
    node.close();
    stranger.close();
  });
});
