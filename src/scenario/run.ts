import { CartesianPosition } from '../tracking/measurement/cartesian.js';
import { PolarRadar } from '../tracking/measurement/polar.js';
import type { TrackerConfig } from '../tracking/config.js';
import type { Scan } from '../tracking/scan.js';
import type { SensorSpec } from '../tracking/sensor.js';
import { Tracker } from '../tracking/tracker.js';
import type { Track } from '../tracking/track.js';
import { wrapAngle } from '../math/linalg.js';
import type { CuasScenario } from './cuas-format.js';

/** A track's online output: its state at every scan it was reported, [t, x, y, vx, vy]. */
export interface OutputTrack {
  id: number;
  states: [number, number, number, number, number][];
}

/** What one scan's display showed. */
export interface ScanEstimate {
  id: number;
  x: number;
  y: number;
}

export interface ScenarioRun {
  tracks: OutputTrack[];
  /** Reported estimates per scan index k. */
  perScan: ScanEstimate[][];
  /** Seconds spent inside the tracker's per-scan step. */
  wallSeconds: number;
  /** Seconds per scan index k spent in the tracker. */
  scanSeconds: Float64Array;
  measurements: number;
  tracker: Tracker;
}

/**
 * The tracker's view of a scenario's sensors: noise, Pd and clutter density, as a sensor's
 * specification gives them. Coverage is the surveilled area (and the radar's range).
 * Bearings are converted from the file's mathematical convention to azimuth clockwise from north.
 */
export function scenarioSensors(scn: CuasScenario): SensorSpec[] {
  return scn.sensors.map((s): SensorSpec => {
    if (s.type === 'cartesian') {
      const v = s.sigma_xy ** 2;
      return {
        id: s.id, kind: 'cartesian', model: new CartesianPosition(2), R: Float64Array.of(v, 0, 0, v),
        pd: s.pd, clutterDensity: s.clutter_density, coverage: { kind: 'box', ...scn.area },
      };
    }
    const [x, y] = s.position;
    return {
      id: s.id, kind: 'radar', model: new PolarRadar({ position: [x, y, 0] }),
      R: Float64Array.of(s.sigma_r ** 2, 0, 0, s.sigma_bearing ** 2),
      pd: s.pd, clutterDensity: s.clutter_density,
      coverage: { kind: 'sector', x, y, minRange: s.clutter_region.r_min, maxRange: s.clutter_region.r_max },
    };
  });
}

/** Builds every scan's typed arrays up front, so the timed loop holds the tracker only. */
export function scenarioScans(scn: CuasScenario): { k: number; scan: Scan }[] {
  const index = new Map(scn.sensors.map((s, i) => [s.id, i]));
  return scn.scans.map((s) => {
    const sensor = index.get(s.sensor)!;
    const rb = scn.sensors[sensor].type === 'range_bearing';
    const z = new Float64Array(s.z.length * 2);
    s.z.forEach(([a, b], i) => {
      z[2 * i] = a;
      z[2 * i + 1] = rb ? wrapAngle(Math.PI / 2 - b) : b;
    });
    return { k: s.k, scan: { timeMs: s.t * 1000, sensor, count: s.z.length, z } };
  });
}

/**
 * Runs a tracker over a scenario and collects its online output: after each scan index, every
 * reported track's current state (what a live display shows — exactly what is scored).
 * `now` is the caller's clock in milliseconds (the tracker itself never reads one).
 */
export function runScenario(scn: CuasScenario, config: TrackerConfig, now: () => number = () => 0): ScenarioRun {
  const tracker = new Tracker(config, scenarioSensors(scn), scn.area);
  const scans = scenarioScans(scn);
  const scanSeconds = new Float64Array(scn.num_scans);
  // The online output goes to flat typed buffers while the clock runs (no objects, so no
  // garbage collection charged to the tracker); objects are built after the timed loop.
  const out = new OutputBuffer();
  let wall = 0, measurements = 0;
  const reported: Track[] = [];
  for (let s = 0; s < scans.length; s++) {
    const { k, scan } = scans[s];
    const t0 = now();
    tracker.process(scan);
    const dt = (now() - t0) / 1000;
    wall += dt;
    if (k >= 0 && k < scn.num_scans) scanSeconds[k] += dt;
    measurements += scan.count;
    const lastOfK = s + 1 === scans.length || scans[s + 1].k !== k;
    if (!lastOfK || k < 0 || k >= scn.num_scans) continue;
    for (const track of tracker.reported(reported)) out.push(k, scan.timeMs / 1000, track.id, track.estimator.x, track.estimator.space.dims);
  }
  const { perScan, tracks } = out.materialise(scn.num_scans);
  return { tracks, perScan, wallSeconds: wall, scanSeconds, measurements, tracker };
}

/** Growable columns of (scan, time, id, x, y, vx, vy) rows. */
class OutputBuffer {
  private n = 0;
  private k = new Int32Array(1024);
  private id = new Int32Array(1024);
  private v = new Float64Array(5 * 1024);

  push(k: number, t: number, id: number, x: Float64Array, d: number): void {
    if (this.n === this.k.length) this.grow();
    const i = this.n++, o = 5 * i;
    this.k[i] = k;
    this.id[i] = id;
    this.v[o] = t;
    this.v[o + 1] = x[0];
    this.v[o + 2] = x[1];
    this.v[o + 3] = x[d];
    this.v[o + 4] = x[d + 1];
  }

  materialise(numScans: number): { perScan: ScanEstimate[][]; tracks: OutputTrack[] } {
    const perScan: ScanEstimate[][] = Array.from({ length: numScans }, () => []);
    const byId = new Map<number, OutputTrack>();
    for (let i = 0; i < this.n; i++) {
      const o = 5 * i, id = this.id[i];
      perScan[this.k[i]].push({ id, x: this.v[o + 1], y: this.v[o + 2] });
      let track = byId.get(id);
      if (!track) {
        track = { id, states: [] };
        byId.set(id, track);
      }
      track.states.push([this.v[o], round(this.v[o + 1], 3), round(this.v[o + 2], 3), round(this.v[o + 3], 3), round(this.v[o + 4], 3)]);
    }
    return { perScan, tracks: [...byId.values()].sort((a, b) => a.id - b.id) };
  }

  private grow(): void {
    const k = new Int32Array(2 * this.k.length), id = new Int32Array(2 * this.id.length), v = new Float64Array(2 * this.v.length);
    k.set(this.k);
    id.set(this.id);
    v.set(this.v);
    this.k = k;
    this.id = id;
    this.v = v;
  }
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
