import type { MotionModel, StateSpace } from '../types.js';
import { addAccelerationNoise, kinematicCovariance } from './kinematic-covariance.js';

/**
 * Nearly-constant velocity (white-noise acceleration, spectral density q per axis) in 2-D or 3-D.
 * In a state with a turn-rate slot the rate is driven to zero, so this model can sit in an IMM
 * next to the coordinated turn (Li & Jilkov's augmented-state CV).
 */
export class ConstantVelocity implements MotionModel {
  readonly name: string;
  /**
   * @param q horizontal acceleration spectral density [m²/s³]
   * @param qVertical vertical spectral density [m²/s³] (3-D only; drones climb less than they turn)
   * @param qTurn turn-rate noise [rad²/s³] kept on the ω slot so mixing with a CT model stays well posed
   */
  constructor(
    readonly space: StateSpace,
    readonly q: number,
    readonly qVertical = q,
    readonly qTurn = 1e-4,
  ) {
    this.name = `cv${space.dims}d(q=${q})`;
  }

  propagate(x: Float64Array, dt: number, out: Float64Array): void {
    const d = this.space.dims;
    for (let i = 0; i < d; i++) {
      out[i] = x[i] + dt * x[d + i];
      out[d + i] = x[d + i];
    }
    if (this.space.turnRate) out[2 * d] = 0;
  }

  jacobian(_x: Float64Array, dt: number, F: Float64Array): void {
    const { dims: d, n } = this.space;
    F.fill(0, 0, n * n);
    for (let i = 0; i < 2 * d; i++) F[i * n + i] = 1;
    for (let i = 0; i < d; i++) F[i * n + d + i] = dt;
    // ω row stays zero: the CV hypothesis says "not turning".
  }

  noise(_x: Float64Array, dt: number, Q: Float64Array): void {
    const n = this.space.n;
    Q.fill(0, 0, n * n);
    addAccelerationNoise(Q, this.space, this.q, this.qVertical, dt);
    if (this.space.turnRate) Q[n * n - 1] = this.qTurn * dt;
  }

  predictCovariance(_x: Float64Array, P: Float64Array, dt: number, scratch: Float64Array): void {
    const n = this.space.n;
    kinematicCovariance(P, this.space, dt, 1, scratch);
    addAccelerationNoise(P, this.space, this.q, this.qVertical, dt);
    if (this.space.turnRate) P[n * n - 1] += this.qTurn * dt;
  }
}
