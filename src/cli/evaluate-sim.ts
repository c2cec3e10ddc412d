import { performance } from 'node:perf_hooks';
import { evaluateRun, type LabelledPoint, type RunEvaluation } from '../eval/evaluate.js';
import { SectorFusion } from '../fusion/sector.js';
import type { Scenario } from '../sim/scenario.js';
import { Simulation } from '../sim/simulator.js';
import type { SimSensor, TruthState } from '../sim/types.js';
import { inCoverage, type SensorSpec } from '../tracking/sensor.js';

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
 * sensing it have Pd ≥ ½ on it (see `observable`). An object the sensors cannot see is no
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
        if (!observable(sim.world.sensors, fusion.specs, s)) continue;
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

/** A sensor model's own Pd at a range (the sensor models expose it; optional in the SimSensor contract). */
interface WithPd {
  pd?: (rangeM: number, x?: number) => number;
  config?: { minElevationDeg?: number };
}

/**
 * Whether the sector can place this object now: a sensor that fixes a position (radar above its
 * elevation mask; a Remote ID or ADS-B receiver hearing this object) has Pd ≥ ½ on it, or two
 * passive sensors that can sense it do (for triangulation). Pd comes from each sensor model's own
 * `pd(range, …)` when it has one; otherwise the tracker spec's coverage decides.
 */
function observable(sensors: readonly SimSensor[], specs: readonly SensorSpec[], s: TruthState): boolean {
  let passive = 0;
  for (let i = 0; i < sensors.length; i++) {
    const sen = sensors[i] as SimSensor & WithPd, sp = specs[i];
    const de = s.e - sen.position.e, dn = s.n - sen.position.n, du = s.u - sen.position.u;
    const r = Math.hypot(de, dn, du);
    const likely = (x?: number) => (sen.pd ? sen.pd(r, x) >= 0.5 : inCoverage(sp.coverage, s.e, s.n));
    switch (sen.kind) {
      case 'radar': {
        const el = (Math.atan2(du, Math.hypot(de, dn)) * 180) / Math.PI;
        if (el >= (sen.config?.minElevationDeg ?? 0) && likely(s.rcsM2)) return true;
        break;
      }
      case 'remoteid': if (s.remoteId && likely()) return true; break;
      case 'adsb': if (s.icao && likely()) return true; break;
      case 'eoir': if (likely()) passive++; break;
      case 'acoustic': if (s.acousticLevel > 0 && likely(s.acousticLevel)) passive++; break;
      case 'rf': if (s.rf && likely()) passive++; break;
    }
  }
  return passive >= 2;
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
