/**
 * Report-driven sensors beyond Remote ID and ADS-B: a SAPIENT node sends one DetectionReport per
 * object, each on its own timestamp, with the node's object id (evidence.objectRef). With the
 * sensor's `reportIntervalS` set, a report touches only its own object's track and silence is a
 * miss once per interval, so every object keeps one track; without it every report is a look at
 * all the node covers, a miss for every other object, and tracks restart.
 */
import { describe, expect, it } from 'vitest';
import { SectorFusion } from '../../src/fusion/sector.js';
import { LocalFrame } from '../../src/geo/enu.js';
import type { Detection } from '../../src/model/detection.js';
import { sensorConfigSchema } from '../../src/sim/sensor-models.js';

const origin = { latDeg: 26.09, lonDeg: -98.25, heightAboveEllipsoidM: 10 };
const frame = LocalFrame.fromDegrees(origin);
const T0 = Date.parse('2025-11-14T04:00:00Z');
const NODE_A = 'a8654cdf-4328-47de-81fa-c495589e30c8';
const NODE_B = '3f2b8c1e-5d6a-4e7f-9a0b-1c2d3e4f5a6b';
const SIGMA_H = 3, SIGMA_U = 5;

/** A SAPIENT-fed radar node (as a site file declares one) at an ENU point of the sector. */
function node(id: string, e: number, n: number, reportIntervalS?: number) {
  const g = frame.enuToGeodetic(e, n, 15, new Float64Array(3));
  return sensorConfigSchema.parse({
    id, kind: 'radar', position: { latDeg: g[0], lonDeg: g[1], heightAboveEllipsoidM: g[2] }, maxRangeM: 5000, measuresRangeRate: false,
    ...(reportIntervalS !== undefined ? { reportIntervalS } : {}),
  });
}

/** Deterministic N(0, 1) draws. */
function gaussian(seed: number): () => number {
  let s = seed >>> 0;
  const u = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

interface Obj {
  e0: number;
  n0: number;
  ve: number;
  vn: number;
  u: number;
}

const at = (o: Obj, tS: number) => ({ e: o.e0 + o.ve * tS, n: o.n0 + o.vn * tS, u: o.u });

/** A DetectionReport `location` (as the SAPIENT converter makes it) of object `j` from `sensorId`/`nodeId`. */
function report(sensorId: string, nodeId: string, j: number, timeMs: number, p: { e: number; n: number; u: number }, rnd: () => number): Detection {
  const g = frame.enuToGeodetic(p.e + SIGMA_H * rnd(), p.n + SIGMA_H * rnd(), p.u + SIGMA_U * rnd(), new Float64Array(3));
  return {
    sensorId, timeMs,
    measurement: {
      kind: 'position', latDeg: g[0], lonDeg: g[1], heightAboveEllipsoidM: g[2],
      covarianceEnu: [SIGMA_H ** 2, 0, 0, 0, SIGMA_H ** 2, 0, 0, 0, SIGMA_U ** 2],
    },
    evidence: { classLabel: { label: 'rotary-drone', confidence: 0.8 }, objectRef: `sapient:${nodeId}:01JCRS0000OBJECT${String(j).padStart(10, '0')}` },
  };
}

/**
 * `objects` reported for `seconds` by each node of `nodes`: object j once a second at
 * j·(1000 / objects) ms (+ a node's offset) into each second, so no two reports share a timestamp.
 */
function run(objects: Obj[], nodes: { sensorId: string; nodeId: string; offsetMs: number }[], reportIntervalS: number | undefined, seconds = 60) {
  const f = new SectorFusion(frame, nodes.map((nd, i) => node(nd.sensorId, 100 * i, -200, reportIntervalS)), { validate: true });
  const rnd = gaussian(7);
  const stream: Detection[] = [];
  for (let k = 0; k < seconds; k++) {
    for (const nd of nodes) {
      objects.forEach((o, j) => {
        const timeMs = T0 + k * 1000 + Math.floor((j * 1000) / objects.length) + nd.offsetMs;
        stream.push(report(nd.sensorId, nd.nodeId, j, timeMs, at(o, (timeMs - T0) / 1000), rnd));
      });
    }
  }
  stream.sort((a, b) => a.timeMs - b.timeMs);
  const timesDistinct = new Set(stream.map((d) => d.timeMs)).size === stream.length;
  for (const d of stream) expect(f.push(d)).toBe(true);
  f.flush();
  return { f, timesDistinct, endMs: stream[stream.length - 1].timeMs };
}

/** Whether each object has exactly one reported track, near it, bound to its object ids (and no other track exists). */
function expectOneTrackPerObject(f: SectorFusion, objects: Obj[], endMs: number, refsPerTrack: number): void {
  const reported = f.tracker.reported();
  expect(reported).toHaveLength(objects.length);
  expect(f.tracker.live).toHaveLength(objects.length);
  const positions = f.positionsAt(endMs);
  const claimed = new Set<number>();
  objects.forEach((o, j) => {
    const p = at(o, (endMs - T0) / 1000);
    const near = positions.filter((t) => Math.hypot(t.x - p.e, t.y - p.n) < 15);
    expect(near, `object ${j}`).toHaveLength(1);
    const track = reported.find((t) => t.id === near[0].id)!;
    expect(claimed.has(track.id)).toBe(false);
    claimed.add(track.id);
    const refs = [...track.identities];
    expect(refs).toHaveLength(refsPerTrack);
    for (const r of refs) expect(r.endsWith(`:01JCRS0000OBJECT${String(j).padStart(10, '0')}`)).toBe(true);
    expect(track.existence).toBeGreaterThan(0.9);
  });
}

const TWO: Obj[] = [
  { e0: -300, n0: 400, ve: 8, vn: 2, u: 80 },
  { e0: 200, n0: 700, ve: -6, vn: -3, u: 120 },
];
/** Twenty drones on a 5 × 4 grid 250 m apart, each on its own course. */
const TWENTY: Obj[] = Array.from({ length: 20 }, (_, j) => ({
  e0: -600 + 250 * (j % 5), n0: 200 + 250 * Math.floor(j / 5), ve: 6 * Math.cos(j), vn: 6 * Math.sin(j), u: 60 + 5 * j,
}));

describe('report-driven SAPIENT-fed sensors (reportIntervalS)', () => {
  it('sets SensorSpec.reportIntervalMs for any kind, and on its position form', () => {
    const f = new SectorFusion(frame, [node('r1', 0, 0, 1), node('r2', 0, 0), node('r3', 0, 0, 2.5)], { reorderWindowMs: 0 });
    expect(f.specs.map((s) => s.reportIntervalMs)).toEqual([1000, undefined, 2500]);
    const forms: (number | undefined)[] = [];
    const process = f.tracker.process.bind(f.tracker);
    f.tracker.process = (scan) => {
      forms.push(scan.spec?.reportIntervalMs);
      process(scan);
    };
    for (const id of ['r1', 'r2', 'r3']) expect(f.push(report(id, NODE_A, 0, T0, at(TWO[0], 0), () => 0))).toBe(true); // `location` reports: the position form
    f.flush();
    expect(forms).toEqual([1000, undefined, 2500]);
  });

  it('keeps exactly one track per object for a node reporting two objects on interleaved timestamps for a minute', () => {
    const { f, timesDistinct, endMs } = run(TWO, [{ sensorId: 'radar-node', nodeId: NODE_A, offsetMs: 0 }], 1);
    expect(timesDistinct).toBe(true);
    expect(f.tracker.stats.scans).toBe(120);
    expect(f.tracker.stats.tracksStarted).toBe(2);
    expectOneTrackPerObject(f, TWO, endMs, 1);
  });

  it('keeps exactly one track per object for twenty objects', () => {
    const { f, timesDistinct, endMs } = run(TWENTY, [{ sensorId: 'radar-node', nodeId: NODE_A, offsetMs: 0 }], 1);
    expect(timesDistinct).toBe(true);
    expect(f.tracker.stats.scans).toBe(1200);
    expect(f.tracker.stats.tracksStarted).toBe(20);
    expectOneTrackPerObject(f, TWENTY, endMs, 1);
  });

  it('without reportIntervalS each report is a look at everything: the twenty objects\' tracks keep restarting', () => {
    const { f } = run(TWENTY, [{ sensorId: 'radar-node', nodeId: NODE_A, offsetMs: 0 }], undefined);
    expect(f.tracker.stats.tracksStarted).toBeGreaterThan(100);
    expect(f.tracker.reported().length).toBeLessThan(20);
  });

  it("fuses two nodes' reports of the same objects into one track each, holding both nodes' object ids", () => {
    const nodes = [{ sensorId: 'node-a', nodeId: NODE_A, offsetMs: 0 }, { sensorId: 'node-b', nodeId: NODE_B, offsetMs: 250 }];
    const { f, timesDistinct, endMs } = run(TWO, nodes, 1);
    expect(timesDistinct).toBe(true);
    expect(f.tracker.stats.tracksStarted).toBe(2);
    expectOneTrackPerObject(f, TWO, endMs, 2);
    for (const t of f.tracker.reported()) expect(t.sensors.length).toBe(2);
  });
});
