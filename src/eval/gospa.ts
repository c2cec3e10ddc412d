/**
 * Per-scan GOSPA (generalised optimal sub-pattern assignment, Rahmathullah, García-Fernández &
 * Svensson 2017) on 2-D positions, with α = 2 and no switching term — the definition that
 * Stone Soup's recorded results use (../shared/scenarios/README.md):
 *
 *   GOSPA = ( min over assignments Σ d(x_i, y_j)^p  +  c^p/2 · (#missed + #false) )^(1/p)
 *
 * solved as a rectangular assignment on cost min(d, c)^p. With α = 2 an assigned pair at
 * d ≥ c costs exactly c^p = c^p/2 + c^p/2, i.e. the same as leaving both unassigned, so such a
 * pair is reported as one missed truth plus one false estimate. The parts are reported unrooted
 * (m² for p = 2), as Stone Soup reports them, so that they add up: gospa^p = loc + missed + false.
 */
import { AssignmentSolver } from '../math/assignment.js';

export interface GospaOptions {
  /** order, ≥ 1 (default 2) */
  p?: number;
  /** cut-off distance [m] (default 20) */
  c?: number;
  /** reuse a solver (and its workspace) across calls; a shared module solver is used otherwise */
  solver?: AssignmentSolver;
}

export interface GospaResult {
  /** rooted GOSPA [m] */
  gospa: number;
  /** Σ d^p over assigned pairs with d < c [m^p] */
  localisation: number;
  /** c^p/2 per missed truth [m^p] */
  missed: number;
  /** c^p/2 per false estimate [m^p] */
  false: number;
  nAssigned: number;
  nMissed: number;
  nFalse: number;
  /** truth index → estimate index, or -1 when unassigned or the pair is at d ≥ c */
  assignment: Int32Array;
}

export const DEFAULT_P = 2;
export const DEFAULT_C = 20;

// Shared scratch: evaluation is synchronous, so one module-level workspace is safe and avoids
// reallocating a ~900×900 matrix every scan.
const sharedSolver = new AssignmentSolver();
let costScratch: Float64Array = new Float64Array(0);
let colScratch = new Int32Array(0);

/** Validates (p, c) once so every metric rejects nonsense the same way. */
export function checkPC(p: number, c: number): void {
  if (!(p >= 1) || !Number.isFinite(p)) throw new RangeError(`metric order p must be finite and ≥ 1, got ${p}`);
  if (!(c > 0) || !Number.isFinite(c)) throw new RangeError(`cut-off c must be finite and > 0, got ${c}`);
}

/**
 * Fills `out` (na×nb row-major) with min(d, c)^p between interleaved (x, y) point lists.
 * Returns `out` or a grown replacement when it is too small.
 */
export function cappedCostMatrix(
  a: Float64Array,
  na: number,
  b: Float64Array,
  nb: number,
  p: number,
  c: number,
  out: Float64Array,
): Float64Array {
  if (a.length < 2 * na || b.length < 2 * nb) throw new RangeError('position array shorter than 2·count');
  if (out.length < na * nb) out = new Float64Array(Math.max(na * nb, Math.ceil(out.length * 1.5)));
  const c2 = c * c;
  const cp = c ** p;
  for (let i = 0; i < na; i++) {
    const ax = a[2 * i];
    const ay = a[2 * i + 1];
    const row = i * nb;
    for (let j = 0; j < nb; j++) {
      const dx = ax - b[2 * j];
      const dy = ay - b[2 * j + 1];
      const d2 = dx * dx + dy * dy;
      // p = 2 is the only case that matters in practice; skip the sqrt/pow for it.
      out[row + j] = d2 >= c2 ? cp : p === 2 ? d2 : Math.sqrt(d2) ** p;
    }
  }
  return out;
}

/**
 * GOSPA between truth and estimate positions (interleaved x, y).
 * Throws on non-finite coordinates: a NaN position would otherwise silently become "far away".
 */
export function gospa(
  truth: Float64Array,
  nTruth: number,
  est: Float64Array,
  nEst: number,
  opts: GospaOptions = {},
): GospaResult {
  const p = opts.p ?? DEFAULT_P;
  const c = opts.c ?? DEFAULT_C;
  checkPC(p, c);
  checkFinite(truth, nTruth, 'truth');
  checkFinite(est, nEst, 'estimate');
  const half = c ** p / 2; // c^p/α with α = 2
  const assignment = new Int32Array(nTruth).fill(-1);

  let localisation = 0;
  let nAssigned = 0;
  if (nTruth > 0 && nEst > 0) {
    costScratch = cappedCostMatrix(truth, nTruth, est, nEst, p, c, costScratch);
    if (colScratch.length < nTruth) colScratch = new Int32Array(Math.max(nTruth, colScratch.length * 2));
    (opts.solver ?? sharedSolver).solve(costScratch, nTruth, nEst, colScratch);
    const c2 = c * c;
    for (let i = 0; i < nTruth; i++) {
      const j = colScratch[i];
      if (j < 0) continue;
      const dx = truth[2 * i] - est[2 * j];
      const dy = truth[2 * i + 1] - est[2 * j + 1];
      const d2 = dx * dx + dy * dy;
      if (d2 >= c2) continue; // capped pair = one missed + one false
      assignment[i] = j;
      nAssigned++;
      localisation += p === 2 ? d2 : Math.sqrt(d2) ** p;
    }
  }
  const nMissed = nTruth - nAssigned;
  const nFalse = nEst - nAssigned;
  const missed = half * nMissed;
  const falsePart = half * nFalse;
  return {
    gospa: (localisation + missed + falsePart) ** (1 / p),
    localisation,
    missed,
    false: falsePart,
    nAssigned,
    nMissed,
    nFalse,
    assignment,
  };
}

/** Packs objects with x, y into an interleaved Float64Array (reusing `out` when big enough). */
export function packPositions(points: ReadonlyArray<{ x: number; y: number }>, out?: Float64Array): Float64Array {
  const n = points.length;
  const buf = out && out.length >= 2 * n ? out : new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    buf[2 * i] = points[i].x;
    buf[2 * i + 1] = points[i].y;
  }
  return buf;
}

function checkFinite(a: Float64Array, n: number, what: string): void {
  if (!Number.isInteger(n) || n < 0 || a.length < 2 * n) throw new RangeError(`${what}: bad count ${n} for ${a.length} values`);
  for (let k = 0; k < 2 * n; k++) {
    if (!Number.isFinite(a[k])) throw new RangeError(`${what} position ${k >> 1} is not finite`);
  }
}
