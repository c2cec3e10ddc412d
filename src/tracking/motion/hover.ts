import type { MotionModel, StateSpace } from '../types.js';
import { kinematicCovariance } from './kinematic-covariance.js';

/**
 * Near-stationary (hover) model: velocity decays to zero with time constant tau (an
 * Ornstein–Uhlenbeck velocity), position wanders slightly. A hovering multirotor over a drop
 * point or a port of entry fits this far better than a constant-velocity model, whose velocity
 * noise keeps the estimate jittering.
 */
export class Hover implements MotionModel {
  readonly name: string;
  /**
   * @param tau velocity decay time constant [s]
   * @param q acceleration spectral density of the residual motion [m²/s³]
   */
  constructor(
    readonly space: StateSpace,
    readonly tau: number,
    readonly q: number,
  ) {
    this.name = `hover${space.dims}d(tau=${tau},q=${q})`;
  }

  propagate(x: Float64Array, dt: number, out: Float64Array): void {
    const d = this.space.dims;
    const e = Math.exp(-dt / this.tau);
    const g = this.tau * (1 - e);
    for (let i = 0; i < d; i++) {
      out[i] = x[i] + g * x[d + i];
      out[d + i] = e * x[d + i];
    }
    if (this.space.turnRate) out[2 * d] = 0;
  }

  jacobian(_x: Float64Array, dt: number, F: Float64Array): void {
    const { dims: d, n } = this.space;
    const e = Math.exp(-dt / this.tau);
    F.fill(0, 0, n * n);
    for (let i = 0; i < d; i++) {
      F[i * n + i] = 1;
      F[i * n + d + i] = this.tau * (1 - e);
      F[(d + i) * n + d + i] = e;
    }
  }

  noise(_x: Float64Array, dt: number, Q: Float64Array): void {
    // Exact discretisation of an OU velocity driven by white acceleration q.
    const { dims: d, n } = this.space;
    const t = this.tau, e = Math.exp(-dt / t), e2 = e * e;
    const qvv = ((this.q * t) / 2) * (1 - e2);
    const qpv = ((this.q * t * t) / 2) * (1 - 2 * e + e2);
    const qpp = this.q * t * t * (dt - 2 * t * (1 - e) + (t / 2) * (1 - e2));
    Q.fill(0, 0, n * n);
    for (let i = 0; i < d; i++) {
      Q[i * n + i] = qpp;
      Q[i * n + d + i] = qpv;
      Q[(d + i) * n + i] = qpv;
      Q[(d + i) * n + d + i] = qvv;
    }
    if (this.space.turnRate) Q[n * n - 1] = 1e-4 * dt;
  }

  predictCovariance(x: Float64Array, P: Float64Array, dt: number, scratch: Float64Array): void {
    const n = this.space.n;
    const e = Math.exp(-dt / this.tau);
    kinematicCovariance(P, this.space, this.tau * (1 - e), e, scratch);
    // Q is diagonal in blocks; reuse noise() into scratch and add.
    this.noise(x, dt, scratch);
    for (let k = 0; k < n * n; k++) P[k] += scratch[k];
  }
}
