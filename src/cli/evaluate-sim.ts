import { performance } from 'node:perf_hooks';
import { evaluateRun, type LabelledPoint, type RunEvaluation } from '../eval/evaluate.js';
import { SectorFusion } from '../fusion/sector.js';
import type { Scenario } from '../sim/scenario.js';
import { Simulation } from '../sim/simulator.js';
import { AcousticSensor, AdsbSensor, EoirSensor, RadarSensor, RemoteIdSensor } from '../sim/sensors/index.js';
import type { SimSensor, TruthState } from '../sim/types.js';

export interface SimEvalOptions {
  seed?: number;
  tracker?: string;
  /** GOSPA cut-off [m] (default 20) and order (default 2). */
  c?: number;
  p?: number;
  durationS?: number;
  /** Scoring interval [ms] (default 1000). */
  intervalMs?: number;
  /** Wall clock for the timing figures (the pipeline itself never reads one). */
  now?: () => number;
}

export interface SimEvalResult {
  scenario: string;
  seed: number;
  tracker: string;
  evaluation: RunEvaluation;
  detections: number;
  tracks: number;
  truthObjects: number;
  crossings: number;
  wallSeconds: number;
  fusion: SectorFusion['stats'];
}

/**
 * Runs a simulator scenario through fusion and the tracker and scores the tracker's live
 * picture against the truth: once a second, GOSPA on horizontal (east, north) positions with
 * cut-off c (20 m) between the reported tracks (extrapolated to that instant) and the objects
 * the sector could see then.
 *
 * Which truths are scored: airborne objects (drones, birds, aircraft) inside the surveilled
 * region that the sector can place at that instant — a position-fixing sensor (radar above its
 * elevation mask, a Remote ID / ADS-B receiver hearing that object) or two passive sensors
 * with elevation sensing it have Pd ≥ ½ on it (see `observable`). An object the sensors cannot see is no
 * tracker's fault; one they can is.
 * Ground vehicles are radar clutter by design (never targets), so a track on one counts as false.
 */
export function evaluateSimScenario(scenario: Scenario, opts: SimEvalOptions = {}): SimEvalResult {
  const now = opts.now ?? (() => performance.now());
  const sim = new Simulation(scenario, { seed: opts.seed, durationS: opts.durationS, truthIntervalMs: opts.intervalMs ?? 1000 });
  const pending: { timeMs: number; truth: LabelledPoint[] }[] = [];
  const truthScans: LabelledPoint[][] = [];
  const estScans: LabelledPoint[][] = [];
  const score = (upToMs: number) => {
    while (pending.length > 0 && pending[0].timeMs < upToMs) {
      const p = pending.shift()!;
      truthScans.push(p.truth);
      estScans.push(fusion.positionsAt(p.timeMs));
    }
  };
  const fusion = new SectorFusion(sim.world.frame, scenario.sensors, {
    tracker: opts.tracker, region: scenario.region, beforeScan: score,
  });
  const region = scenario.region;
  const ids = new Set<number>();
  let detections = 0;
  const t0 = now();
  for (const item of sim.run()) {
    if (item.type === 'detection') {
      detections++;
      fusion.push(item.detection);
    } else if (item.type === 'truth') {
      const truth: LabelledPoint[] = [];
      for (const s of item.states) {
        if (s.cls === 'ground-vehicle' || s.u < 1) continue; // on the ground: not airborne
        if (s.e < region.xmin || s.e > region.xmax || s.n < region.ymin || s.n > region.ymax) continue;
        if (!observable(sim.world.sensors, s)) continue;
        truth.push({ id: s.id, x: s.e, y: s.n });
        ids.add(s.id);
      }
      pending.push({ timeMs: item.timeMs, truth });
      fusion.advanceTo(item.timeMs);
    }
  }
  fusion.flush();
  score(Infinity);
  const wallSeconds = (now() - t0) / 1000;
  const evaluation = evaluateRun(truthScans, estScans, { c: opts.c ?? 20, p: opts.p ?? 2 });
  return {
    scenario: scenario.name, seed: sim.seed, tracker: opts.tracker ?? 'default', evaluation, detections,
    tracks: fusion.tracker.stats.tracksConfirmed, truthObjects: ids.size,
    crossings: sim.events.filter((e) => e.type === 'crossing').length, wallSeconds, fusion: fusion.stats,
  };
}

/**
 * Whether the sector can place this object now — the one definition every simulator score uses
 * (this tracker evaluation, the operational benchmark's "in coverage"):
 *   - a radar has Pd ≥ ½ on it (its own Swerling curve at this range and RCS) inside its instrumented
 *     volume: range in [min, max], azimuth within its sector, elevation between its (terrain) mask
 *     and its ceiling;
 *   - a Remote ID / ADS-B receiver hears this object (it broadcasts) with Pd ≥ ½; or
 *   - two passive sensors that measure elevation (acoustic arrays within their elevation band,
 *     uncued EO/IR within its home field of view) have Pd ≥ ½ on it, for a 3-D bearing cut.
 * RF detectors give azimuth only: the 3-D tracker cannot start a track from them, so they place
 * nothing on their own (they still feed tracks that exist).
 */
export function observable(sensors: readonly SimSensor[], t: TruthState): boolean {
  let passive = 0;
  for (const s of sensors) {
    const dx = t.e - s.position.e, dy = t.n - s.position.n, dz = t.u - s.position.u;
    const rh = Math.hypot(dx, dy), r = Math.hypot(rh, dz);
    const az = Math.atan2(dx, dy), el = Math.atan2(dz, rh);
    if (s instanceof RadarSensor) {
      const c = s.config;
      if (r < c.minRangeM || r > c.maxRangeM) continue;
      if (c.azimuthWidthDeg < 360 && Math.abs(wrapPi(az - c.boresightAzimuthDeg * DEG)) > (c.azimuthWidthDeg * DEG) / 2) continue;
      if (el < s.maskElevationRad(az) || el > c.maxElevationDeg * DEG) continue;
      if (s.pd(r, t.rcsM2) >= 0.5) return true;
    } else if (s instanceof RemoteIdSensor) {
      if (t.remoteId && r <= s.config.maxRangeM && s.pd(r) >= 0.5) return true;
    } else if (s instanceof AdsbSensor) {
      if (t.icao && r <= s.config.maxRangeM && s.pd(r) >= 0.5) return true;
    } else if (s instanceof AcousticSensor) {
      const c = s.config;
      if (r <= c.maxRangeM && el >= c.minElevationDeg * DEG && el <= c.maxElevationDeg * DEG && s.pd(r, t.acousticLevel) >= 0.5) passive++;
    } else if (s instanceof EoirSensor) {
      const c = s.config;
      const inFov = Math.abs(wrapPi(az - c.homeAzimuthDeg * DEG)) <= (c.horizontalFovDeg * DEG) / 2
        && Math.abs(el - c.homeElevationDeg * DEG) <= (c.verticalFovDeg * DEG) / 2;
      if (inFov && r <= c.maxRangeM && s.pd(r) >= 0.5) passive++;
    }
  }
  return passive >= 2;
}

const DEG = Math.PI / 180;

function wrapPi(a: number): number {
  return Math.atan2(Math.sin(a), Math.cos(a));
}

/** The `--json` summary of a simulator evaluation (the same keys as for scenario files, plus the sim's). */
export function simSummary(r: SimEvalResult): Record<string, unknown> {
  const e = r.evaluation;
  return {
    scenario: r.scenario, seed: r.seed, tracker: r.tracker,
    gospa: { mean: e.mean.gospa, localisation: e.mean.localisation, missed: e.mean.missed, false: e.mean.false },
    ospa: e.mean.ospa, tracks: r.tracks, idSwitches: e.idSwitches, fragmentations: e.fragmentations,
    measurements: r.detections, truthObjects: r.truthObjects, crossings: r.crossings, scans: e.numScans,
    wallSeconds: r.wallSeconds, measPerSecond: r.wallSeconds > 0 ? r.detections / r.wallSeconds : 0, fusion: r.fusion,
  };
}
