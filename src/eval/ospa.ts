/**
 * OSPA (Schuhmacher, Vo & Vo 2008), the textbook definition on 2-D positions, p = 2, c = 20 m
 * by default. For |X| = m ≤ |Y| = n, n > 0:
 *
 *   OSPA = ( (1/n) · ( min over injections π Σ_i min(d(x_i, y_π(i)), c)^p  +  c^p · (n − m) ) )^(1/p)
 *
 * and OSPA(∅, ∅) = 0. It is bounded by [0, c]; unlike GOSPA it normalises by the larger
 * cardinality, so it reads as "metres per object" but cannot tell a missed target from a
 * badly placed one.
 */
import { cappedCostMatrix, checkPC, DEFAULT_C, DEFAULT_P, type GospaResult } from './gospa.js';
import { AssignmentSolver } from '../math/assignment.js';

export interface OspaOptions {
  p?: number;
  c?: number;
  solver?: AssignmentSolver;
}

const sharedSolver = new AssignmentSolver();
let costScratch: Float64Array = new Float64Array(0);
let colScratch = new Int32Array(0);

/** OSPA between truth and estimate positions (interleaved x, y). Symmetric in its arguments. */
export function ospa(truth: Float64Array, nTruth: number, est: Float64Array, nEst: number, opts: OspaOptions = {}): number {
  const p = opts.p ?? DEFAULT_P;
  const c = opts.c ?? DEFAULT_C;
  checkPC(p, c);
  const n = Math.max(nTruth, nEst);
  const m = Math.min(nTruth, nEst);
  if (n === 0) return 0;
  let sum = 0;
  if (m > 0) {
    costScratch = cappedCostMatrix(truth, nTruth, est, nEst, p, c, costScratch);
    if (colScratch.length < nTruth) colScratch = new Int32Array(Math.max(nTruth, colScratch.length * 2));
    sum = (opts.solver ?? sharedSolver).solve(costScratch, nTruth, nEst, colScratch);
  }
  // The ratio can exceed c^p by rounding only; clamp to keep the documented bound exact.
  return Math.min(c, ((sum + c ** p * (n - m)) / n) ** (1 / p));
}

/**
 * OSPA from an already computed GOSPA result with the same p and c (saves a second assignment).
 * Valid because both minimise the same cost Σ min(d, c)^p; every capped pair (d ≥ c) shows up in
 * GOSPA as one missed plus one false, so  Σ min(d,c)^p + c^p·(n − m) = loc + c^p·(nMissed + nFalse + n − m)/2.
 */
export function ospaFromGospa(g: GospaResult, nTruth: number, nEst: number, p = DEFAULT_P, c = DEFAULT_C): number {
  const n = Math.max(nTruth, nEst);
  if (n === 0) return 0;
  const m = Math.min(nTruth, nEst);
  const total = g.localisation + (c ** p * (g.nMissed + g.nFalse + (n - m))) / 2;
  return Math.min(c, (total / n) ** (1 / p));
}
