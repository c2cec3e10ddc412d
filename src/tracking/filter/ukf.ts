import { cholesky, invertSpd, symmetrize, wrapAngle } from '../../math/linalg.js';
import type { GaussianFilter, MeasurementModel, MeasurementPrediction, MotionModel, StateSpace } from '../types.js';

export interface UkfOptions {
  /** Spread of the sigma points (default 1). */
  alpha?: number;
  /** Prior-distribution term of the centre covariance weight; 2 is optimal for a Gaussian (default 2). */
  beta?: number;
  /** Secondary scaling; default 3 − n, which matches the Gaussian's fourth moments. */
  kappa?: number;
  /** Largest state dimension served (default 9). */
  maxN?: number;
  /** Largest measurement dimension served (default 6). */
  maxM?: number;
}

/**
 * Unscented Kalman filter (Julier & Uhlmann; Wan & van der Merwe's scaled form).
 *
 * Sigma points: χ₀ = x, χ±ᵢ = x ± √(n+λ)·Lᵢ with L Lᵀ = P and λ = α²(n+κ) − n; weights
 * Wm₀ = λ/(n+λ), Wc₀ = Wm₀ + 1 − α² + β, Wᵢ = 1/(2(n+λ)).
 *
 * Default α = 1, β = 2, κ = 3 − n: n + λ = 3 for every n, so the points sit ±√3 σ out, where
 * a Gaussian's fourth moment is matched. For n > 3 the centre mean weight Wm₀ = (3 − n)/3 is
 * negative, which is harmless for the mean, but a negative centre weight in a covariance sum
 * can make it indefinite. With β = 2 the centre covariance weight Wc₀ = (9 − n)/3 stays ≥ 0
 * up to n = 9, so the covariances are sums of positive semi-definite terms. For parameter
 * choices that make Wc₀ negative (e.g. the small-α scaled UKF) the covariances are taken about
 * the centre point instead — Σᵢ≥₁ Wᵢ (Yᵢ − Y₀)(Yᵢ − Y₀)ᵀ, Julier's modified form — which is
 * positive semi-definite by construction and still exact for linear models. (Very small α
 * also costs precision: the points differ from x by α·σ, so about −2·log₁₀α digits cancel.)
 *
 * Measurement angles (model.isAngle) are averaged as deviations from the centre point's angle,
 * each wrapped to [−π, π), so points straddling ±π average to the right side of the circle;
 * residuals are wrapped likewise.
 *
 * Scratch buffers are owned by the instance: one filter serves every track without allocating.
 */
export class UnscentedKalmanFilter implements GaussianFilter {
  readonly name = 'ukf';
  readonly alpha: number;
  readonly beta: number;
  /** undefined: 3 − n, chosen per call since n depends on the motion model. */
  readonly kappa: number | undefined;
  private readonly maxN: number;
  private readonly maxM: number;

  private readonly X: Float64Array; // (2·maxN+1) points, stride maxN
  private readonly Xv: Float64Array[];
  private readonly Z: Float64Array; // (2·maxN+1) points, stride maxM
  private readonly Zv: Float64Array[];
  private readonly L: Float64Array;
  private readonly Pj: Float64Array;
  private readonly Q: Float64Array;
  private readonly mean: Float64Array;
  private readonly work: Float64Array;

  // Weights for the current n.
  private wm0 = 0;
  private wc0 = 0;
  private wi = 0;
  private gamma = 0;
  private centred = true;

  constructor(options: UkfOptions = {}) {
    this.alpha = options.alpha ?? 1;
    this.beta = options.beta ?? 2;
    this.kappa = options.kappa;
    const N = (this.maxN = options.maxN ?? 9);
    const M = (this.maxM = options.maxM ?? 6);
    if (!(this.alpha > 0)) throw new RangeError('UKF alpha must be > 0');
    const points = 2 * N + 1;
    this.X = new Float64Array(points * N);
    this.Z = new Float64Array(points * M);
    this.Xv = [];
    this.Zv = [];
    for (let i = 0; i < points; i++) {
      this.Xv.push(this.X.subarray(i * N, (i + 1) * N));
      this.Zv.push(this.Z.subarray(i * M, (i + 1) * M));
    }
    this.L = new Float64Array(N * N);
    this.Pj = new Float64Array(N * N);
    this.Q = new Float64Array(N * N);
    this.mean = new Float64Array(Math.max(N, M));
    this.work = new Float64Array(Math.max(N, M) ** 2);
  }

  predict(x: Float64Array, P: Float64Array, motion: MotionModel, dt: number): void {
    const n = motion.space.n;
    this.checkN(n);
    this.setWeights(n);
    const { X, Xv, Q, mean } = this;
    const N = this.maxN, pts = 2 * n + 1;
    // Noise at the prior mean, as the EKF does: the Q of the interval that starts there.
    motion.noise(x, dt, Q);
    if (!this.sigmaPoints(x, P, n)) this.diagonalSigmaPoints(x, P, n);
    for (let i = 0; i < pts; i++) motion.propagate(Xv[i], dt, Xv[i]);

    for (let a = 0; a < n; a++) {
      let s = this.wm0 * X[a];
      for (let i = 1; i < pts; i++) s += this.wi * X[i * N + a];
      mean[a] = s;
    }
    // Deviations in place: from the mean, or from the centre point in the modified form.
    for (let a = 0; a < n; a++) {
      const ref = this.centred ? mean[a] : X[a];
      for (let i = 0; i < pts; i++) X[i * N + a] -= ref;
    }
    this.weightedOuter(pts, X, N, n, X, N, n, P);
    for (let i = 0; i < n * n; i++) P[i] += Q[i];
    symmetrize(P, n);
    for (let a = 0; a < n; a++) x[a] = mean[a];
  }

  predictMeasurement(
    x: Float64Array, P: Float64Array, space: StateSpace,
    model: MeasurementModel, R: Float64Array, pred: MeasurementPrediction,
  ): boolean {
    const n = space.n, m = model.m;
    this.checkN(n);
    if (m > this.maxM) throw new RangeError(`UKF built for m ≤ ${this.maxM}, got ${m}`);
    this.setWeights(n);
    const { X, Xv, Z, Zv } = this;
    const N = this.maxN, M = this.maxM, pts = 2 * n + 1;
    if (!this.sigmaPoints(x, P, n)) return false;
    for (let i = 0; i < pts; i++) model.predict(Xv[i], space, Zv[i]);

    const zhat = pred.zhat, isAngle = model.isAngle;
    for (let a = 0; a < m; a++) {
      if (isAngle[a]) {
        const ref = Z[a];
        let s = 0;
        for (let i = 1; i < pts; i++) s += wrap(Z[i * M + a] - ref);
        zhat[a] = wrap(ref + this.wi * s);
      } else {
        let s = this.wm0 * Z[a];
        for (let i = 1; i < pts; i++) s += this.wi * Z[i * M + a];
        zhat[a] = s;
      }
    }
    for (let a = 0; a < m; a++) {
      const ref = this.centred ? zhat[a] : Z[a];
      if (isAngle[a]) for (let i = 0; i < pts; i++) Z[i * M + a] = wrap(Z[i * M + a] - ref);
      else for (let i = 0; i < pts; i++) Z[i * M + a] -= ref;
    }
    // The sigma points' weighted mean is x exactly, and χ₀ = x, so both forms use χᵢ − x.
    for (let a = 0; a < n; a++) {
      const xa = x[a];
      for (let i = 0; i < pts; i++) X[i * N + a] -= xa;
    }

    const S = pred.S;
    this.weightedOuter(pts, Z, M, m, Z, M, m, S);
    for (let i = 0; i < m * m; i++) {
      S[i] += R[i];
      pred.R[i] = R[i];
    }
    symmetrize(S, m);
    this.weightedOuter(pts, X, N, n, Z, M, m, pred.C);
    pred.hasH = false;
    pred.logDetS = invertSpd(S, m, pred.Sinv, this.work);
    return Number.isFinite(pred.logDetS);
  }

  private checkN(n: number): void {
    if (n > this.maxN) throw new RangeError(`UKF built for n ≤ ${this.maxN}, got ${n}`);
  }

  private setWeights(n: number): void {
    const a2 = this.alpha * this.alpha;
    const kappa = this.kappa ?? 3 - n;
    const c = a2 * (n + kappa);
    if (!(c > 0)) throw new RangeError(`UKF needs α²(n+κ) > 0 (n=${n}, κ=${kappa})`);
    const lambda = c - n;
    this.wm0 = lambda / c;
    this.wc0 = this.wm0 + 1 - a2 + this.beta;
    this.wi = 1 / (2 * c);
    this.gamma = Math.sqrt(c);
    this.centred = this.wc0 >= 0;
  }

  /** Sigma points of (x, P); false if P (even nudged) has no Cholesky factor. */
  private sigmaPoints(x: Float64Array, P: Float64Array, n: number): boolean {
    const { L, Pj } = this;
    if (!cholesky(P, n, L)) {
      // Rounding can leave a covariance a hair indefinite after many updates; a relative
      // diagonal nudge restores it without changing anything that matters.
      let tr = 0;
      for (let i = 0; i < n; i++) tr += Math.abs(P[i * n + i]);
      let eps = 1e-12 * (tr / n || 1);
      let ok = false;
      for (let attempt = 0; attempt < 6 && !ok; attempt++, eps *= 100) {
        for (let i = 0; i < n * n; i++) Pj[i] = P[i];
        symmetrize(Pj, n);
        for (let i = 0; i < n; i++) Pj[i * n + i] += eps;
        ok = cholesky(Pj, n, L);
      }
      if (!ok) return false;
    }
    this.fillPoints(x, n);
    return true;
  }

  /**
   * Last resort for predict (which cannot fail): spread the points along the axes by the
   * diagonal standard deviations, dropping the correlations of a broken covariance.
   */
  private diagonalSigmaPoints(x: Float64Array, P: Float64Array, n: number): void {
    const L = this.L;
    L.fill(0, 0, n * n);
    for (let i = 0; i < n; i++) {
      const v = P[i * n + i];
      L[i * n + i] = v > 0 && Number.isFinite(v) ? Math.sqrt(v) : 0;
    }
    this.fillPoints(x, n);
  }

  private fillPoints(x: Float64Array, n: number): void {
    const { X, L, gamma } = this;
    const N = this.maxN;
    for (let a = 0; a < n; a++) X[a] = x[a];
    for (let j = 0; j < n; j++) {
      const plus = (1 + j) * N, minus = (1 + n + j) * N;
      for (let a = 0; a < n; a++) {
        const d = gamma * L[a * n + j];
        X[plus + a] = x[a] + d;
        X[minus + a] = x[a] - d;
      }
    }
  }

  /** out(ra×rb) ← Σᵢ Wcᵢ Aᵢ Bᵢᵀ over deviation rows (the centre term drops in the modified form). */
  private weightedOuter(
    pts: number, A: Float64Array, strideA: number, ra: number,
    B: Float64Array, strideB: number, rb: number, out: Float64Array,
  ): void {
    const { wi, wc0, centred } = this;
    for (let a = 0; a < ra; a++) {
      for (let b = 0; b < rb; b++) {
        let s = 0;
        for (let i = 1; i < pts; i++) s += A[i * strideA + a] * B[i * strideB + b];
        s *= wi;
        if (centred) s += wc0 * A[a] * B[b];
        out[a * rb + b] = s;
      }
    }
  }
}

/**
 * wrapAngle with the common in-range case kept local: the call out (rare) is the only place a
 * non-inlined double return would be boxed on the heap.
 */
function wrap(a: number): number {
  return a >= -Math.PI && a < Math.PI ? a : wrapAngle(a);
}
