/**
 * Scores a whole run the way Stone Soup's recorded results were scored
 * (../shared/scenarios/README.md): per scan GOSPA (p = 2, c = 20 m, α = 2) and OSPA on (x, y),
 * then plain means over all scans (a scan with no truth and no estimates counts as 0), plus
 * track continuity (ID switches, fragmentations) on the per-scan GOSPA assignment.
 */
import { AssignmentSolver } from '../math/assignment.js';
import { ContinuityCounter } from './continuity.js';
import { DEFAULT_C, DEFAULT_P, gospa, packPositions } from './gospa.js';
import { ospaFromGospa } from './ospa.js';
import type { ScenarioMeasurementSource, ScenarioTruthSource } from './scenario-types.js';

/** A labelled 2-D position: a truth target (id = target id) or an estimate (id = track id). */
export interface LabelledPoint {
  id: number;
  x: number;
  y: number;
}

export type PointsPerScan = ReadonlyArray<ReadonlyArray<LabelledPoint>>;

export interface EvaluateOptions {
  /** metric order (default 2) */
  p?: number;
  /** cut-off [m] (default 20) */
  c?: number;
}

export interface RunMeans {
  gospa: number;
  localisation: number;
  missed: number;
  false: number;
  ospa: number;
  nAssigned: number;
  nMissed: number;
  nFalse: number;
  nTruth: number;
  nEst: number;
}

export interface PerScanSeries {
  gospa: number[];
  localisation: number[];
  missed: number[];
  false: number[];
  ospa: number[];
  nTruth: number[];
  nEst: number[];
}

export interface RunEvaluation {
  numScans: number;
  p: number;
  c: number;
  /** means over all scans; GOSPA parts unrooted [m^p] */
  mean: RunMeans;
  perScan: PerScanSeries;
  idSwitches: number;
  fragmentations: number;
  /** distinct estimate (track) ids that appear in any scan */
  numTrackIds: number;
}

/**
 * Evaluates a run. `truthPerScan[k]` and `estimatesPerScan[k]` belong to scan k; both must have
 * the same length (a scan without output must be present as an empty list, so that it is scored).
 */
export function evaluateRun(truthPerScan: PointsPerScan, estimatesPerScan: PointsPerScan, opts: EvaluateOptions = {}): RunEvaluation {
  const p = opts.p ?? DEFAULT_P;
  const c = opts.c ?? DEFAULT_C;
  const K = truthPerScan.length;
  if (estimatesPerScan.length !== K) {
    throw new RangeError(`evaluateRun: ${K} truth scans but ${estimatesPerScan.length} estimate scans`);
  }
  const solver = new AssignmentSolver();
  const continuity = new ContinuityCounter();
  const perScan: PerScanSeries = { gospa: [], localisation: [], missed: [], false: [], ospa: [], nTruth: [], nEst: [] };
  const sum: RunMeans = { gospa: 0, localisation: 0, missed: 0, false: 0, ospa: 0, nAssigned: 0, nMissed: 0, nFalse: 0, nTruth: 0, nEst: 0 };
  const trackIds = new Set<number>();
  let tBuf: Float64Array = new Float64Array(0);
  let eBuf: Float64Array = new Float64Array(0);

  for (let k = 0; k < K; k++) {
    const truth = truthPerScan[k];
    const est = estimatesPerScan[k];
    tBuf = packPositions(truth, tBuf);
    eBuf = packPositions(est, eBuf);
    const g = gospa(tBuf, truth.length, eBuf, est.length, { p, c, solver });
    const o = ospaFromGospa(g, truth.length, est.length, p, c);

    perScan.gospa.push(g.gospa);
    perScan.localisation.push(g.localisation);
    perScan.missed.push(g.missed);
    perScan.false.push(g.false);
    perScan.ospa.push(o);
    perScan.nTruth.push(truth.length);
    perScan.nEst.push(est.length);

    sum.gospa += g.gospa;
    sum.localisation += g.localisation;
    sum.missed += g.missed;
    sum.false += g.false;
    sum.ospa += o;
    sum.nAssigned += g.nAssigned;
    sum.nMissed += g.nMissed;
    sum.nFalse += g.nFalse;
    sum.nTruth += truth.length;
    sum.nEst += est.length;

    continuity.update(
      truth.map((q) => q.id),
      est.map((q) => q.id),
      g.assignment,
    );
    for (const q of est) trackIds.add(q.id);
  }

  const mean = { ...sum };
  if (K > 0) for (const key of Object.keys(mean) as (keyof RunMeans)[]) mean[key] /= K;
  const { idSwitches, fragmentations } = continuity.result();
  return { numScans: K, p, c, mean, perScan, idSwitches, fragmentations, numTrackIds: trackIds.size };
}

/** Scan index of time t, or throws when t is not (within 1e-6 scan) on the scan grid. */
function scanIndex(scenario: ScenarioTruthSource, t: number, what: string): number {
  const dt = scenario.scan_interval;
  const k = Math.round((t - scenario.t0) / dt);
  if (Math.abs(scenario.t0 + k * dt - t) > 1e-6 * dt || k < 0 || k >= scenario.num_scans) {
    throw new RangeError(`${what}: time ${t} is not a scan time of ${scenario.name} (t0 ${scenario.t0}, Δt ${dt}, ${scenario.num_scans} scans)`);
  }
  return k;
}

/**
 * Ground truth per scan: entry k lists every target alive at t = t0 + k·scan_interval with its
 * (x, y). States are matched to scans by time (not by position in `states`), so a file whose
 * states skip scans is still read correctly.
 */
export function truthPerScanFromScenario(scenario: ScenarioTruthSource): LabelledPoint[][] {
  const out: LabelledPoint[][] = Array.from({ length: scenario.num_scans }, () => []);
  for (const tr of scenario.truth) {
    for (const s of tr.states) {
      const k = scanIndex(scenario, s[0], `truth ${tr.id}`);
      out[k].push({ id: tr.id, x: s[1], y: s[2] });
    }
  }
  return out;
}

/**
 * The `raw_oracle` reference floor: per scan, the target-originated measurements themselves
 * (z[i] with origin[i] ≠ -1) as estimates, labelled with their target id. This reads `origin`,
 * which a tracker must never do; it exists only to reproduce Stone Soup's measurement-noise floor.
 * Cartesian sensors only (range-bearing measurements are not positions).
 */
export function rawOracleFromScenario(scenario: ScenarioMeasurementSource): LabelledPoint[][] {
  const types = new Map(scenario.sensors.map((s) => [s.id, s.type] as const));
  const out: LabelledPoint[][] = Array.from({ length: scenario.num_scans }, () => []);
  for (const scan of scenario.scans) {
    if (types.get(scan.sensor) !== 'cartesian') {
      throw new RangeError(`rawOracleFromScenario: scan ${scan.k} is from non-Cartesian sensor ${scan.sensor}`);
    }
    const origin = scan.origin;
    if (!origin || origin.length !== scan.z.length) {
      throw new RangeError(`rawOracleFromScenario: scan ${scan.k} has no origin label per measurement`);
    }
    const k = scanIndex(scenario, scan.t, `scan ${scan.k}`);
    for (let i = 0; i < scan.z.length; i++) {
      if (origin[i] !== -1) out[k].push({ id: origin[i], x: scan.z[i][0], y: scan.z[i][1] });
    }
  }
  return out;
}
