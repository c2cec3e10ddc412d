import { invertSpd, mul, mulT, symmetrize } from '../../math/linalg.js';
import type { GaussianFilter, MeasurementModel, MeasurementPrediction, MotionModel, StateSpace } from '../types.js';

const MAX_N = 9;
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
    motion.jacobian(x, dt, F);
    motion.noise(x, dt, Q);
    motion.propagate(x, dt, x);
    mul(F, P, n, n, n, FP);
    mulT(FP, F, n, n, n, P);
    for (let i = 0; i < n * n; i++) P[i] += Q[i];
    symmetrize(P, n);
  }

  predictMeasurement(
    x: Float64Array, P: Float64Array, space: StateSpace,
    model: MeasurementModel, R: Float64Array, pred: MeasurementPrediction,
  ): boolean {
    const n = space.n, m = model.m;
    const { H, S, C } = pred;
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
    pred.logDetS = invertSpd(S, m, pred.Sinv, this.work);
    return Number.isFinite(pred.logDetS);
  }
}
