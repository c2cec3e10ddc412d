import { describe, expect, it } from 'vitest';
import { CartesianPosition } from '../../src/tracking/measurement/cartesian.js';
import { BearingOnly } from '../../src/tracking/measurement/bearing.js';
import { trackerPreset } from '../../src/tracking/presets.js';
import type { Scan } from '../../src/tracking/scan.js';
import type { SensorSpec } from '../../src/tracking/sensor.js';
import { Tracker } from '../../src/tracking/tracker.js';
import { ReorderBuffer } from '../../src/tracking/reorder.js';
import { Random } from '../../src/scenario/random.js';

function radarPlots(sigma = 5, pd = 0.95): SensorSpec {
  return {
    id: 'plots', kind: 'radar', model: new CartesianPosition(2), R: Float64Array.of(sigma ** 2, 0, 0, sigma ** 2),
    pd, clutterDensity: 1e-7, coverage: { kind: 'everywhere' },
  };
}

function scanOf(timeMs: number, points: [number, number][], identity?: (string | null)[], sensor = 0): Scan {
  return { timeMs, sensor, count: points.length, z: Float64Array.from(points.flat()), identity: identity ?? null };
}

/** Two targets flying straight, observed at 1 Hz with noise; returns the plots of each second. */
function twoTargets(seconds: number, rng: Random): [number, number][][] {
  const out: [number, number][][] = [];
  for (let k = 0; k < seconds; k++) {
    out.push([
      [-500 + 12 * k + 4 * rng.normal(), 100 + 4 * rng.normal()],
      [300 - 10 * k + 4 * rng.normal(), -200 + 5 * k + 4 * rng.normal()],
    ]);
  }
  return out;
}

describe('Tracker', () => {
  it('confirms one track per target and follows each', () => {
    const tracker = new Tracker(trackerPreset('default'), [radarPlots()]);
    const plots = twoTargets(30, new Random(1));
    plots.forEach((p, k) => tracker.process(scanOf(k * 1000, p)));
    const reported = tracker.reported();
    expect(reported).toHaveLength(2);
    const positions = reported.map((t) => [t.estimator.x[0], t.estimator.x[1]]).sort((a, b) => a[0] - b[0]);
    // At t = 29 s: the first target is at (−152, 100), the second at (10, −55).
    expect(Math.hypot(positions[0][0] - -152, positions[0][1] - 100)).toBeLessThan(15);
    expect(Math.hypot(positions[1][0] - 10, positions[1][1] - -55)).toBeLessThan(15);
    // Velocity is estimated too (state: x, y, vx, vy, ω).
    const east = reported.find((t) => t.estimator.x[0] < 0)!;
    expect(east.estimator.x[2]).toBeGreaterThan(10);
    expect(east.estimator.x[2]).toBeLessThan(14);
  });

  it('says which track each detection went to, so evidence can follow it', () => {
    const tracker = new Tracker(trackerPreset('default'), [radarPlots()]);
    const plots = twoTargets(12, new Random(2));
    plots.forEach((p, k) => tracker.process(scanOf(k * 1000, p)));
    const [a, b] = tracker.reported().sort((x, y) => x.estimator.x[0] - y.estimator.x[0]);
    tracker.process(scanOf(12_000, [[-500 + 12 * 12, 100], [300 - 120, -200 + 60], [1900, 1900]]));
    expect(tracker.trackOfDetection[0]).toBe(a.id);
    expect(tracker.trackOfDetection[1]).toBe(b.id);
    // A far-off plot starts a new tentative track of its own.
    expect([a.id, b.id, -1]).not.toContain(tracker.trackOfDetection[2]);
  });

  it('gives identical tracks for identical input (no clock, no randomness)', () => {
    const run = () => {
      const tracker = new Tracker(trackerPreset('default'), [radarPlots()]);
      twoTargets(20, new Random(7)).forEach((p, k) => tracker.process(scanOf(k * 1000, p)));
      return tracker.reported().map((t) => [t.id, ...t.estimator.x, ...t.estimator.P]);
    };
    expect(run()).toEqual(run());
  });

  it('counts and rejects bad input without losing accepted tracks', () => {
    const tracker = new Tracker(trackerPreset('default'), [radarPlots()]);
    const plots = twoTargets(10, new Random(3));
    plots.forEach((p, k) => tracker.process(scanOf(k * 1000, p)));
    const before = tracker.reported().map((t) => t.id);
    tracker.process(scanOf(10_000, [[NaN, 0], [Infinity, 5]]));
    tracker.process(scanOf(5_000, [[0, 0]])); // older than what was processed
    tracker.process({ timeMs: 11_000, sensor: 9, count: 1, z: Float64Array.of(0, 0) });
    tracker.process({ timeMs: 11_000, sensor: 0, count: 3, z: Float64Array.of(0, 0) }); // z too short
    expect(tracker.stats.rejected['non-finite']).toBe(2);
    expect(tracker.stats.rejected['out-of-order']).toBe(1);
    expect(tracker.stats.rejected['unknown-sensor']).toBe(1);
    expect(tracker.stats.rejected['bad-shape']).toBe(3);
    expect(tracker.reported().map((t) => t.id)).toEqual(before);
  });

  it('binds identity evidence: a Remote ID serial stays with its track through a crossing', () => {
    const gnss: SensorSpec = {
      id: 'rid', kind: 'remoteid', model: new CartesianPosition(2, 'gnss'), R: Float64Array.of(100, 0, 0, 100),
      pd: 0.95, clutterDensity: 1e-9, coverage: { kind: 'everywhere' },
    };
    const tracker = new Tracker(trackerPreset('default'), [gnss]);
    // Two drones cross at the origin at t = 20 s.
    for (let k = 0; k <= 40; k++) {
      const a: [number, number] = [-200 + 10 * k, 0], b: [number, number] = [0, -200 + 10 * k];
      tracker.process(scanOf(k * 1000, [a, b], ['rid:AAA', 'rid:BBB']));
    }
    const tracks = tracker.reported();
    expect(tracks).toHaveLength(2);
    const a = tracks.find((t) => t.identities.has('rid:AAA'))!;
    const b = tracks.find((t) => t.identities.has('rid:BBB'))!;
    expect(a.estimator.x[0]).toBeGreaterThan(150); // AAA flew east
    expect(b.estimator.x[1]).toBeGreaterThan(150); // BBB flew north
    expect(a.identities.has('rid:BBB')).toBe(false);
  });

  it("binds nodes' object references per node: one node's two objects stay apart, two nodes' ids for one object share its track", () => {
    // Report-driven position sensors (SAPIENT nodes), reporting each object on its own timestamp.
    const node = (id: string): SensorSpec => ({ ...radarPlots(3, 0.9), id, reportIntervalMs: 1000 });
    const run = (nodes: number, gapM: number) => {
      const tracker = new Tracker(trackerPreset('default'), [node('a'), node('b')]);
      const rng = new Random(3);
      for (let k = 0; k < 30; k++) {
        const x = -200 + 10 * k;
        const p = (y: number): [number, number] => [x + 3 * rng.normal(), y + 3 * rng.normal()];
        tracker.process(scanOf(k * 1000, [p(0)], ['ref:sapient:a:01OBJ1'], 0));
        tracker.process(scanOf(k * 1000 + 100, [p(gapM)], ['ref:sapient:a:01OBJ2'], 0));
        if (nodes < 2) continue;
        tracker.process(scanOf(k * 1000 + 200, [p(gapM)], ['ref:sapient:b:01XYZ8'], 1));
        tracker.process(scanOf(k * 1000 + 300, [p(0)], ['ref:sapient:b:01XYZ7'], 1));
      }
      return tracker;
    };
    // Two drones 12 m apart, side by side, their gates overlapping all the time: one node's two
    // object ids never share a track.
    const one = run(1, 12);
    expect(one.stats.tracksStarted).toBe(2);
    expect(one.reported().map((t) => [...t.identities])).toEqual([['ref:sapient:a:01OBJ1'], ['ref:sapient:a:01OBJ2']]);
    // A second node's ids for the same drones join their tracks: its first report of each is
    // gated against every track, not only the ones its ids name, and its first look at a track it
    // has not reported yet is no miss (it has not had a whole interval to report it).
    const two = run(2, 12);
    expect(two.stats.tracksStarted).toBe(2);
    const tracks = two.reported();
    expect(tracks.map((t) => [...t.identities].sort())).toEqual([
      ['ref:sapient:a:01OBJ1', 'ref:sapient:b:01XYZ7'],
      ['ref:sapient:a:01OBJ2', 'ref:sapient:b:01XYZ8'],
    ]);
    for (const t of tracks) expect(t.sensors.slice().sort()).toEqual([0, 1]);
  });

  it('starts a track from the bearings of two passive sensors', () => {
    const az = (sx: number, sy: number, x: number, y: number) => Math.atan2(x - sx, y - sy);
    const acoustic = (id: string, x: number, y: number): SensorSpec => ({
      id, kind: 'acoustic', model: new BearingOnly({ position: [x, y, 0] }), R: Float64Array.of(0.01 ** 2),
      pd: 0.9, clutterDensity: 0.01, coverage: { kind: 'sector', x, y, minRange: 0, maxRange: 1500 },
    });
    const tracker = new Tracker(trackerPreset('default'), [acoustic('west', -500, 0), acoustic('east', 500, 0)]);
    for (let k = 0; k < 20; k++) {
      const x = -100 + 5 * k, y = 400;
      tracker.process({ timeMs: k * 1000, sensor: 0, count: 1, z: Float64Array.of(az(-500, 0, x, y)) });
      tracker.process({ timeMs: k * 1000 + 100, sensor: 1, count: 1, z: Float64Array.of(az(500, 0, x, y)) });
    }
    const tracks = tracker.reported();
    expect(tracks).toHaveLength(1);
    expect(Math.hypot(tracks[0].estimator.x[0] - -5, tracks[0].estimator.x[1] - 400)).toBeLessThan(20);
    expect(tracks[0].sensors).toEqual([1, 0]);
  });

  it('lets a selective sensor (RF) miss a track it never heard without eroding it', () => {
    const rf = (selective: boolean): SensorSpec => ({
      id: 'rf', kind: 'rf', model: new BearingOnly({ position: [0, -2000, 0] }), R: Float64Array.of(0.05 ** 2),
      pd: 0.9, clutterDensity: 0.1, coverage: { kind: 'everywhere' }, selective,
    });
    const existenceAfter = (selective: boolean) => {
      const tracker = new Tracker(trackerPreset('default'), [radarPlots(), rf(selective)]);
      twoTargets(15, new Random(4)).forEach((p, k) => {
        tracker.process(scanOf(k * 1000, p));
        tracker.process({ timeMs: k * 1000 + 500, sensor: 1, count: 0, z: new Float64Array(0) });
      });
      return tracker.reported().map((t) => t.existence);
    };
    // A fibre-optic drone is silent on RF: its radar track must stay as sure as without the RF sensor.
    expect(existenceAfter(true)).toHaveLength(2);
    for (const e of existenceAfter(true)) expect(e).toBeGreaterThan(0.99);
    expect(existenceAfter(false)).toHaveLength(0);
  });

  it('uses a clutter map: plots where clutter crowds start tracks less readily', () => {
    const mapped: SensorSpec = { ...radarPlots(), clutterDensityAt: (z, o) => (Math.hypot(z[o], z[o + 1]) < 500 ? 1e-3 : 1e-7) };
    const tracker = new Tracker(trackerPreset('default'), [mapped]);
    tracker.process(scanOf(0, [[100, 100], [3000, 3000]]));
    const [nearRadar, far] = [...tracker.live].sort((a, b) => a.estimator.x[0] - b.estimator.x[0]);
    expect(far.existence).toBeCloseTo(0.01, 6);
    expect(nearRadar.existence).toBeLessThan(far.existence / 1000);
  });

  it('ends a track that is no longer seen', () => {
    const tracker = new Tracker(trackerPreset('default'), [radarPlots()]);
    const plots = twoTargets(10, new Random(5));
    plots.forEach((p, k) => tracker.process(scanOf(k * 1000, p)));
    for (let k = 10; k < 20; k++) tracker.process(scanOf(k * 1000, []));
    expect(tracker.reported()).toHaveLength(0);
    expect(tracker.live).toHaveLength(0);
  });
});

describe('ReorderBuffer', () => {
  it('releases scans in time order within the window and counts the late ones', () => {
    const released: number[] = [];
    const buffer = new ReorderBuffer(500, (s) => released.push(s.timeMs));
    for (const t of [1000, 1300, 1100, 1900, 1200, 2600, 1500, 3000]) buffer.push(scanOf(t, []));
    // 1900 releases up to 1400, so 1200 is late; 2600 releases up to 2100, so 1500 is late.
    expect(buffer.late).toBe(2);
    expect(buffer.size).toBe(2);
    buffer.flush();
    expect(released).toEqual([1000, 1100, 1300, 1900, 2600, 3000]);
  });

  it('feeds the tracker the same result whatever the arrival order inside the window', () => {
    const plots = twoTargets(20, new Random(11));
    const inOrder = new Tracker(trackerPreset('default'), [radarPlots()]);
    plots.forEach((p, k) => inOrder.process(scanOf(k * 1000, p)));
    const shuffled = new Tracker(trackerPreset('default'), [radarPlots()]);
    const buffer = new ReorderBuffer(2500, (s) => shuffled.process(s));
    const order = plots.map((_, k) => k);
    for (let k = 0; k + 1 < order.length; k += 2) [order[k], order[k + 1]] = [order[k + 1], order[k]];
    for (const k of order) buffer.push(scanOf(k * 1000, plots[k]));
    buffer.flush();
    const summary = (t: Tracker) => t.reported().map((x) => [x.id, ...x.estimator.x]);
    expect(summary(shuffled)).toEqual(summary(inOrder));
  });
});
