import type { GaussianFilter, MeasurementModel, MotionModel, StateSpace } from '../types.js';
import { MeasurementPrediction } from '../types.js';
import { innovation, kalmanUpdate, logGaussian, pdaUpdate, UpdateWorkspace } from './update.js';
import { quadForm } from '../../math/linalg.js';
import { combineKernel, mixKernel, positionUpdateKernel, type CombineKernel, type MixKernel, type PositionUpdateKernel } from '../../math/unrolled.js';

/**
 * What a track carries to estimate its state: either one Gaussian under one motion model, or an
 * IMM over several. The track manager only sees the combined (x, P) and these operations.
 */
export interface TrackEstimator {
  readonly space: StateSpace;
  /** Combined state estimate (moment-matched for an IMM). */
  readonly x: Float64Array;
  /** Combined covariance. */
  readonly P: Float64Array;
  /** Model probabilities (length 1 for a single model). */
  readonly modelProbabilities: Float64Array;
  init(x0: ArrayLike<number>, P0: ArrayLike<number>): void;
  predict(dt: number): void;
  /** Predicted measurement of the combined estimate, for gating and association. */
  predictMeasurement(model: MeasurementModel, R: Float64Array, pred: MeasurementPrediction): boolean;
  /** Update with one measurement (pred must come from predictMeasurement on this estimate). */
  update(z: ArrayLike<number>, zOffset: number, model: MeasurementModel, R: Float64Array, pred: MeasurementPrediction): void;
  /**
   * Probabilistic data association update. betas[0] = miss probability, betas[1+k] that of the
   * k-th measurement; lrScale·N(z) is a measurement's likelihood ratio against clutter, missWeight
   * the miss term (both for the IMM's model probabilities).
   */
  updatePda(
    zs: ArrayLike<number>, zOffsets: Int32Array, count: number, betas: Float64Array,
    model: MeasurementModel, R: Float64Array, pred: MeasurementPrediction, lrScale: number, missWeight: number,
  ): void;
}

const positionKernels: PositionUpdateKernel[] = [];

/** The fused position update for (n, m), looked up without building its name on the hot path. */
function positionKernel(n: number, m: number): PositionUpdateKernel {
  const key = n * 4 + m;
  return (positionKernels[key] ??= positionUpdateKernel(n, m));
}

/** A recipe for estimators: builds per-track estimators that share the design's scratch space. */
export interface EstimatorDesign {
  readonly name: string;
  readonly space: StateSpace;
  create(): TrackEstimator;
}

/** One motion model, one Gaussian filter. */
export class SingleModelDesign implements EstimatorDesign {
  readonly name: string;
  readonly space: StateSpace;
  readonly ws = new UpdateWorkspace();
  /** Scratch for the fused position update's likelihood (unused by a single model). */
  readonly logLik = new Float64Array(1);
  constructor(readonly motion: MotionModel, readonly filter: GaussianFilter) {
    this.space = motion.space;
    this.name = `${filter.name}/${motion.name}`;
  }
  create(): TrackEstimator {
    return new SingleModelEstimator(this);
  }
}

class SingleModelEstimator implements TrackEstimator {
  readonly space: StateSpace;
  readonly x: Float64Array;
  readonly P: Float64Array;
  readonly modelProbabilities = Float64Array.of(1);
  constructor(private readonly design: SingleModelDesign) {
    this.space = design.space;
    this.x = new Float64Array(this.space.n);
    this.P = new Float64Array(this.space.n * this.space.n);
  }
  init(x0: ArrayLike<number>, P0: ArrayLike<number>): void {
    this.x.set(x0);
    this.P.set(P0);
  }
  predict(dt: number): void {
    this.design.filter.predict(this.x, this.P, this.design.motion, dt);
  }
  predictMeasurement(model: MeasurementModel, R: Float64Array, pred: MeasurementPrediction): boolean {
    return this.design.filter.predictMeasurement(this.x, this.P, this.space, model, R, pred);
  }
  update(z: ArrayLike<number>, zOffset: number, model: MeasurementModel, R: Float64Array, pred: MeasurementPrediction): void {
    if (model.observesPosition && z instanceof Float64Array && (model.m === 2 || model.m === 3)) {
      positionKernel(this.space.n, model.m)(this.x, this.P, z, zOffset, R, this.design.logLik);
      return;
    }
    kalmanUpdate(this.x, this.P, z, zOffset, pred, model, this.design.ws);
  }
  updatePda(
    zs: ArrayLike<number>, zOffsets: Int32Array, count: number, betas: Float64Array,
    model: MeasurementModel, _R: Float64Array, pred: MeasurementPrediction,
  ): void {
    pdaUpdate(this.x, this.P, zs, zOffsets, count, betas, pred, model, this.design.ws);
  }
}

export interface ImmModel {
  motion: MotionModel;
  /** Mean sojourn time in this mode [s]; the switching matrix follows from it for any dt. */
  sojournS: number;
  /** Initial probability of this mode. */
  initial: number;
}

/**
 * Interacting Multiple Model (Blom & Bar-Shalom): r mode-matched filters mixed at every
 * prediction. All modes share one state space, so a CV mode sits beside a coordinated turn by
 * carrying (and zeroing) the turn-rate slot.
 */
export class ImmDesign implements EstimatorDesign {
  readonly name: string;
  readonly space: StateSpace;
  readonly ws = new UpdateWorkspace();
  readonly r: number;
  /** Per-mode scratch predictions, shared by all tracks (used within one call only). */
  readonly preds = new Map<number, MeasurementPrediction[]>();
  readonly mix: MixKernel;
  readonly combineModes: CombineKernel;
  readonly weights: Float64Array;
  readonly c: Float64Array;
  readonly mixW: Float64Array;
  readonly nu = new Float64Array(8);
  readonly logLik: Float64Array;
  readonly one = new Float64Array(1);

  constructor(readonly modes: ImmModel[], readonly filter: GaussianFilter) {
    if (modes.length < 2) throw new Error('an IMM needs at least two modes');
    this.space = modes[0].motion.space;
    for (const m of modes) {
      if (m.motion.space.n !== this.space.n) throw new Error('IMM modes must share one state space');
    }
    this.r = modes.length;
    const n = this.space.n;
    this.c = new Float64Array(this.r);
    this.mixW = new Float64Array(this.r * this.r);
    this.logLik = new Float64Array(this.r);
    this.pi = new Float64Array(this.r * this.r);
    this.mix = mixKernel(this.r, n);
    this.combineModes = combineKernel(this.r, n);
    this.weights = new Float64Array(this.r);
    this.name = `imm[${modes.map((m) => m.motion.name).join(' + ')}]/${filter.name}`;
  }

  create(): TrackEstimator {
    return new ImmEstimator(this);
  }

  /** Scratch per-mode predictions for measurement dimension m. */
  modePredictions(m: number): MeasurementPrediction[] {
    let p = this.preds.get(m);
    if (!p) {
      p = this.modes.map(() => new MeasurementPrediction(this.space.n, m));
      this.preds.set(m, p);
    }
    return p;
  }

  private cachedDt = NaN;
  private readonly pi: Float64Array;

  /**
   * The mode switching matrix Π(dt) (row i: from mode i), from each mode's mean sojourn time.
   * Cached for the last dt: scans at a steady rate reuse it for every track.
   */
  switching(dt: number): Float64Array {
    if (dt === this.cachedDt) return this.pi;
    const r = this.r, pi = this.pi;
    for (let i = 0; i < r; i++) {
      const stay = Math.exp(-Math.max(dt, 0) / this.modes[i].sojournS);
      for (let j = 0; j < r; j++) pi[i * r + j] = i === j ? stay : (1 - stay) / (r - 1);
    }
    this.cachedDt = dt;
    return pi;
  }
}

class ImmEstimator implements TrackEstimator {
  readonly space: StateSpace;
  readonly x: Float64Array;
  readonly P: Float64Array;
  readonly modelProbabilities: Float64Array;
  /** Mode-conditioned states and covariances, one array each (no views made per call). */
  private readonly xs: Float64Array[];
  private readonly Ps: Float64Array[];

  constructor(private readonly d: ImmDesign) {
    this.space = d.space;
    const n = d.space.n;
    this.x = new Float64Array(n);
    this.P = new Float64Array(n * n);
    this.xs = d.modes.map(() => new Float64Array(n));
    this.Ps = d.modes.map(() => new Float64Array(n * n));
    this.modelProbabilities = new Float64Array(d.r);
  }

  init(x0: ArrayLike<number>, P0: ArrayLike<number>): void {
    const { r, modes } = this.d;
    let total = 0;
    for (const m of modes) total += m.initial;
    for (let j = 0; j < r; j++) {
      this.xs[j].set(x0);
      this.Ps[j].set(P0);
      this.modelProbabilities[j] = modes[j].initial / total;
    }
    this.combine();
  }

  predict(dt: number): void {
    const d = this.d, r = d.r;
    const mu = this.modelProbabilities, { c, mixW } = d;
    const pi = d.switching(dt);
    // Predicted mode probabilities c_j and mixing weights μ_{i|j}.
    for (let j = 0; j < r; j++) {
      let s = 0;
      for (let i = 0; i < r; i++) s += pi[i * r + j] * mu[i];
      c[j] = s;
      for (let i = 0; i < r; i++) mixW[i * r + j] = s > 0 ? (pi[i * r + j] * mu[i]) / s : 0;
    }
    // Mixed initial condition of every mode (unrolled kernel: this runs per track per scan).
    const xs = this.xs, Ps = this.Ps;
    d.mix(xs, Ps, mixW);
    const filter = d.filter, modes = d.modes;
    for (let j = 0; j < r; j++) {
      filter.predict(xs[j], Ps[j], modes[j].motion, dt);
      mu[j] = c[j];
    }
    this.combine();
  }

  predictMeasurement(model: MeasurementModel, R: Float64Array, pred: MeasurementPrediction): boolean {
    return this.d.filter.predictMeasurement(this.x, this.P, this.space, model, R, pred);
  }

  update(z: ArrayLike<number>, zOffset: number, model: MeasurementModel, R: Float64Array, _pred: MeasurementPrediction): void {
    const d = this.d, r = d.r;
    if (model.observesPosition && z instanceof Float64Array && (model.m === 2 || model.m === 3)) {
      // A position: one fused kernel per mode updates it and yields the mode's likelihood.
      const kernel = positionKernel(this.space.n, model.m), one = d.one;
      for (let j = 0; j < r; j++) {
        kernel(this.xs[j], this.Ps[j], z, zOffset, R, one);
        d.logLik[j] = one[0];
      }
      this.reweight(d.logLik);
      this.combine();
      return;
    }
    const preds = d.modePredictions(model.m);
    for (let j = 0; j < r; j++) {
      const xj = this.xs[j], Pj = this.Ps[j];
      const p = preds[j];
      if (!d.filter.predictMeasurement(xj, Pj, this.space, model, R, p)) {
        d.logLik[j] = -Infinity;
        continue;
      }
      innovation(z, zOffset, p, model, d.nu);
      d.logLik[j] = logGaussian(quadForm(d.nu, p.Sinv, model.m), p);
      kalmanUpdate(xj, Pj, z, zOffset, p, model, d.ws);
    }
    this.reweight(d.logLik);
    this.combine();
  }

  updatePda(
    zs: ArrayLike<number>, zOffsets: Int32Array, count: number, betas: Float64Array,
    model: MeasurementModel, R: Float64Array, _pred: MeasurementPrediction, lrScale: number, missWeight: number,
  ): void {
    const d = this.d, r = d.r;
    const preds = d.modePredictions(model.m);
    for (let j = 0; j < r; j++) {
      const xj = this.xs[j], Pj = this.Ps[j];
      const p = preds[j];
      if (!d.filter.predictMeasurement(xj, Pj, this.space, model, R, p)) {
        d.logLik[j] = -Infinity;
        continue;
      }
      let lik = missWeight;
      for (let k = 0; k < count; k++) {
        innovation(zs, zOffsets[k], p, model, d.nu);
        lik += lrScale * Math.exp(logGaussian(quadForm(d.nu, p.Sinv, model.m), p));
      }
      d.logLik[j] = Math.log(lik);
      pdaUpdate(xj, Pj, zs, zOffsets, count, betas, p, model, d.ws);
    }
    this.reweight(d.logLik);
    this.combine();
  }

  /** μ_j ∝ c_j · Λ_j, computed in log space so far-off modes do not underflow to 0/0. */
  private reweight(logLik: Float64Array): void {
    const r = this.d.r, mu = this.modelProbabilities;
    let max = -Infinity;
    for (let j = 0; j < r; j++) if (logLik[j] > max) max = logLik[j];
    if (max === -Infinity) return;
    let total = 0;
    for (let j = 0; j < r; j++) {
      mu[j] *= Math.exp(logLik[j] - max);
      total += mu[j];
    }
    // Keep every mode reachable: a mode at exactly 0 could never come back.
    for (let j = 0; j < r; j++) mu[j] = Math.max(mu[j] / total, 1e-9);
  }

  /** Moment-matched combined estimate of the modes. */
  private combine(): void {
    const r = this.d.r, mu = this.modelProbabilities, w = this.d.weights;
    let total = 0;
    for (let j = 0; j < r; j++) total += mu[j];
    for (let j = 0; j < r; j++) w[j] = mu[j] / total;
    this.d.combineModes(this.xs, this.Ps, w, this.x, this.P);
  }
}
