import { invertSpd, mul, mulT, symmetrize } from '../../math/linalg.js';
import { covariancePredictKernel, type CovariancePredictKernel } from '../../math/unrolled.js';

import type { GaussianFilter, MeasurementModel, MeasurementPrediction, MotionModel, StateSpace } from '../types.js';

const MAX_N = 9;

const covarianceKernels = new Map<number, CovariancePredictKernel>();

/** The unrolled P ← F P Fᵀ + Q for state size n, built on first use. */
function covarianceKernel(n: number): CovariancePredictKernel {
  let k = covarianceKernels.get(n);
  if (!k) {
    k = covariancePredictKernel(n);
    covarianceKernels.set(n, k);
  }
  return k;
}
const MAX_M = 6;

/**
 * Kalman filter, extended (first-order linearisation) when a model is nonlinear. With linear
 * models it is exactly the Kalman filter. Scratch buffers are owned by the instance, so one
 * filter serves every track without allocating.
 */
export class ExtendedKalmanFilter implements GaussianFilter {
  readonly name = 'ekf';
  private readonly F = new Float64Array(MAX_N * MAX_N);
  private readonly Q = new Float64Array(MAX_N * MAX_N);
  private readonly FP = new Float64Array(MAX_N * MAX_N);
  private readonly HP = new Float64Array(MAX_M * MAX_N);
  private readonly work = new Float64Array(MAX_M * MAX_M);

  predict(x: Float64Array, P: Float64Array, motion: MotionModel, dt: number): void {
    const n = motion.space.n;
    const { F, Q, FP } = this;
    if (motion.predictCovariance) {
      motion.predictCovariance(x, P, dt, FP);
      motion.propagate(x, dt, x);
      return;
    }
    motion.jacobian(x, dt, F);
    motion.noise(x, dt, Q);
    motion.propagate(x, dt, x);
    covarianceKernel(n)(P, F, Q);
  }

  predictMeasurement(
    x: Float64Array, P: Float64Array, space: StateSpace,
    model: MeasurementModel, R: Float64Array, pred: MeasurementPrediction,
  ): boolean {
    const n = space.n, m = model.m;
    const { H, S, C } = pred;
    if (model.observesPosition) return this.predictPosition(x, P, n, m, R, pred);
    model.predict(x, space, pred.zhat);
    model.jacobian(x, space, H);
    mul(H, P, m, n, n, this.HP);
    mulT(this.HP, H, m, n, m, S);
    for (let i = 0; i < m * m; i++) {
      S[i] += R[i];
      pred.R[i] = R[i];
    }
    symmetrize(S, m);
    // C = P Hᵀ = (H P)ᵀ since P is symmetric.
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) C[i * m + j] = this.HP[j * n + i];
    pred.hasH = true;
    return invertInnovation(pred, this.work);
  }

  /** H selects the position: ẑ, S and C are slices of x and P, no matrix products needed. */
  private predictPosition(x: Float64Array, P: Float64Array, n: number, m: number, R: Float64Array, pred: MeasurementPrediction): boolean {
    const { S, C } = pred;
    for (let i = 0; i < m; i++) {
      pred.zhat[i] = x[i];
      for (let j = 0; j < m; j++) S[i * m + j] = P[i * n + j] + R[i * m + j];
    }
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) C[i * m + j] = P[i * n + j];
    for (let i = 0; i < m * m; i++) pred.R[i] = R[i];
    symmetrize(S, m);
    // A linear update needs no Joseph form: P − K Cᵀ is exact and cheaper.
    pred.hasH = false;
    return invertInnovation(pred, this.work);
  }
}

/**
 * S⁻¹ and log det S into the prediction; false when S is not positive definite. The 2×2 case
 * (every 2-D plot) is written out so no number crosses a call boundary (it would be boxed).
 */
function invertInnovation(pred: MeasurementPrediction, work: Float64Array): boolean {
  const S = pred.S, Si = pred.Sinv;
  if (pred.m === 2) {
    const p = S[0], q = S[1], s = S[3];
    const det = p * s - q * q;
    if (!(p > 0) || !(det > 0)) return false;
    const inv = 1 / det;
    Si[0] = s * inv;
    Si[1] = -q * inv;
    Si[2] = -q * inv;
    Si[3] = p * inv;
    pred.logDetS = Math.log(det);
    return true;
  }
  pred.logDetS = invertSpd(S, pred.m, Si, work);
  return Number.isFinite(pred.logDetS);
}
