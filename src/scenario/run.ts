import { CartesianPosition } from '../tracking/measurement/cartesian.js';
import { PolarRadar } from '../tracking/measurement/polar.js';
import type { TrackerConfig } from '../tracking/config.js';
import type { Scan } from '../tracking/scan.js';
import type { SensorSpec } from '../tracking/sensor.js';
import { Tracker } from '../tracking/tracker.js';
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
  const perScan: ScanEstimate[][] = Array.from({ length: scn.num_scans }, () => []);
  const scanSeconds = new Float64Array(scn.num_scans);
  const byId = new Map<number, OutputTrack>();
  let wall = 0, measurements = 0;
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
    const t = scan.timeMs / 1000;
    for (const track of tracker.reported()) {
      const x = track.estimator.x, d = track.estimator.space.dims;
      perScan[k].push({ id: track.id, x: x[0], y: x[1] });
      let out = byId.get(track.id);
      if (!out) {
        out = { id: track.id, states: [] };
        byId.set(track.id, out);
      }
      out.states.push([t, round(x[0], 3), round(x[1], 3), round(x[d], 3), round(x[d + 1], 3)]);
    }
  }
  const tracks = [...byId.values()].sort((a, b) => a.id - b.id);
  return { tracks, perScan, wallSeconds: wall, scanSeconds, measurements, tracker };
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
