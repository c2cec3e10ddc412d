import { mul, mulT, quadForm, symmetrize, wrapAngle } from '../../math/linalg.js';
import { gainUpdateKernel, type GainUpdateKernel } from '../../math/unrolled.js';
import type { MeasurementModel, MeasurementPrediction } from '../types.js';

const MAX_N = 9;
const MAX_M = 6;
const LOG_2PI = Math.log(2 * Math.PI);

/** Scratch space for the measurement update, owned by whoever calls it (one per tracker). */
export class UpdateWorkspace {
  readonly nu = new Float64Array(MAX_M);
  readonly nuSum = new Float64Array(MAX_M);
  readonly spread = new Float64Array(MAX_M * MAX_M);
  readonly K = new Float64Array(MAX_N * MAX_M);
  readonly KS = new Float64Array(MAX_N * MAX_M);
  readonly A = new Float64Array(MAX_N * MAX_N);
  readonly B = new Float64Array(MAX_N * MAX_N);
  readonly T = new Float64Array(MAX_N * MAX_N);
}

/** ν ← z − ẑ with angle components wrapped. */
export function innovation(z: ArrayLike<number>, zOffset: number, pred: MeasurementPrediction, model: MeasurementModel, nu: Float64Array): void {
  const m = pred.m;
  for (let i = 0; i < m; i++) {
    const v = z[zOffset + i] - pred.zhat[i];
    nu[i] = model.isAngle[i] ? wrapAngle(v) : v;
  }
}

/** Squared Mahalanobis distance νᵀ S⁻¹ ν of measurement z (read from z at zOffset). */
export function mahalanobis2(z: ArrayLike<number>, zOffset: number, pred: MeasurementPrediction, model: MeasurementModel, nu: Float64Array): number {
  innovation(z, zOffset, pred, model, nu);
  return quadForm(nu, pred.Sinv, pred.m);
}

/** log N(ν; 0, S) given ν's squared Mahalanobis distance. */
export function logGaussian(d2: number, pred: MeasurementPrediction): number {
  return -0.5 * (d2 + pred.logDetS + pred.m * LOG_2PI);
}

/** K ← C S⁻¹ (n×m). */
function gain(pred: MeasurementPrediction, ws: UpdateWorkspace): void {
  mul(pred.C, pred.Sinv, pred.n, pred.m, pred.m, ws.K);
}

/**
 * Kalman update of (x, P) with one measurement. Uses the Joseph form when the prediction has a
 * Jacobian (it keeps P symmetric positive definite under rounding); the UKF's P − K S Kᵀ
 * otherwise.
 */
export function kalmanUpdate(
  x: Float64Array, P: Float64Array, z: ArrayLike<number>, zOffset: number,
  pred: MeasurementPrediction, model: MeasurementModel, ws: UpdateWorkspace,
): void {
  const n = pred.n, m = pred.m;
  innovation(z, zOffset, pred, model, ws.nu);
  if (!pred.hasH) {
    gainUpdate(n, m)(x, P, pred.C, pred.Sinv, ws.nu);
    return;
  }
  gain(pred, ws);
  const K = ws.K;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < m; j++) s += K[i * m + j] * ws.nu[j];
    x[i] += s;
  }
  josephCovariance(P, pred, ws);
}

const gainKernels = new Map<number, GainUpdateKernel>();

/** The unrolled x ← x + Kν, P ← P − K Cᵀ kernel for state size n and measurement size m. */
function gainUpdate(n: number, m: number): GainUpdateKernel {
  const key = n * 16 + m;
  let k = gainKernels.get(key);
  if (!k) {
    k = gainUpdateKernel(n, m);
    gainKernels.set(key, k);
  }
  return k;
}

/** P ← (I − K H) P (I − K H)ᵀ + K R Kᵀ. */
function josephCovariance(P: Float64Array, pred: MeasurementPrediction, ws: UpdateWorkspace): void {
  const n = pred.n, m = pred.m;
  const { K, A, B, T, KS } = ws;
  mul(K, pred.H, n, m, n, A);
  for (let i = 0; i < n * n; i++) A[i] = -A[i];
  for (let i = 0; i < n; i++) A[i * n + i] += 1;
  mul(A, P, n, n, n, B);
  mulT(B, A, n, n, n, T);
  mul(K, pred.R, n, m, m, KS);
  mulT(KS, K, n, m, n, B);
  for (let i = 0; i < n * n; i++) P[i] = T[i] + B[i];
  symmetrize(P, n);
}

/** P ← P − w · K S Kᵀ, computed as w · K Cᵀ (K S = C), upper triangle mirrored. */
function subtractKSK(P: Float64Array, pred: MeasurementPrediction, ws: UpdateWorkspace, w: number): void {
  const n = pred.n, m = pred.m, K = ws.K, C = pred.C;
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let s = 0;
      for (let k = 0; k < m; k++) s += K[i * m + k] * C[j * m + k];
      const v = 0.5 * (P[i * n + j] + P[j * n + i]) - w * s;
      P[i * n + j] = v;
      P[j * n + i] = v;
    }
  }
}

/**
 * Probabilistic data association update (the JPDA per-track step): x moves by the
 * β-weighted innovation; P is the miss/hit mixture plus the spread of innovations.
 * zs holds `count` measurements of dimension m at zOffsets[k]; betas[0] is the miss
 * probability, betas[1+k] that of measurement k.
 */
export function pdaUpdate(
  x: Float64Array, P: Float64Array, zs: ArrayLike<number>, zOffsets: Int32Array, count: number,
  betas: Float64Array, pred: MeasurementPrediction, model: MeasurementModel, ws: UpdateWorkspace,
): void {
  const n = pred.n, m = pred.m;
  const { nu, nuSum, spread, K, KS, B } = ws;
  nuSum.fill(0, 0, m);
  spread.fill(0, 0, m * m);
  for (let k = 0; k < count; k++) {
    const b = betas[1 + k];
    if (b === 0) continue;
    innovation(zs, zOffsets[k], pred, model, nu);
    for (let i = 0; i < m; i++) {
      nuSum[i] += b * nu[i];
      for (let j = 0; j < m; j++) spread[i * m + j] += b * nu[i] * nu[j];
    }
  }
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) spread[i * m + j] -= nuSum[i] * nuSum[j];
  gain(pred, ws);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < m; j++) s += K[i * m + j] * nuSum[j];
    x[i] += s;
  }
  subtractKSK(P, pred, ws, 1 - betas[0]);
  mul(K, spread, n, m, m, KS);
  mulT(KS, K, n, m, n, B);
  for (let i = 0; i < n * n; i++) P[i] += B[i];
  symmetrize(P, n);
}
