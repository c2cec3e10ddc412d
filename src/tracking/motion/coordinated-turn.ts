import type { MotionModel, StateSpace } from '../types.js';

/**
 * Coordinated turn in the horizontal plane with the turn rate ω as a state (rad/s,
 * counter-clockwise seen from above, i.e. positive turns left), nearly-constant vertical
 * velocity in 3-D. Needs a state space with a turn-rate slot. Nonlinear in ω: use an EKF or UKF.
 */
export class CoordinatedTurn implements MotionModel {
  readonly name: string;
  /**
   * @param q acceleration spectral density on every position axis [m²/s³]
   * @param qTurn turn-rate spectral density [rad²/s³]
   */
  constructor(
    readonly space: StateSpace,
    readonly q: number,
    readonly qTurn: number,
    readonly qVertical = q,
  ) {
    if (!space.turnRate) throw new Error('CoordinatedTurn needs a state space with a turn rate');
    this.name = `ct${space.dims}d(q=${q},qw=${qTurn})`;
  }

  propagate(x: Float64Array, dt: number, out: Float64Array): void {
    const d = this.space.dims;
    const px = x[0], py = x[1], vx = x[d], vy = x[d + 1], w = x[2 * d];
    const k = this.coefficients(w, dt);
    const a = k[0], b = k[1], c = k[4], s = k[5];
    out[0] = px + a * vx - b * vy;
    out[1] = py + b * vx + a * vy;
    out[d] = c * vx - s * vy;
    out[d + 1] = s * vx + c * vy;
    if (d === 3) {
      out[2] = x[2] + dt * x[5];
      out[5] = x[5];
    }
    out[2 * d] = w;
  }

  jacobian(x: Float64Array, dt: number, F: Float64Array): void {
    const { dims: d, n } = this.space;
    const vx = x[d], vy = x[d + 1], w = x[2 * d];
    const k = this.coefficients(w, dt);
    const a = k[0], b = k[1], da = k[2], db = k[3], c = k[4], s = k[5];
    F.fill(0, 0, n * n);
    for (let i = 0; i < n; i++) F[i * n + i] = 1;
    const iw = 2 * d;
    F[0 * n + d] = a; F[0 * n + d + 1] = -b; F[0 * n + iw] = da * vx - db * vy;
    F[1 * n + d] = b; F[1 * n + d + 1] = a; F[1 * n + iw] = db * vx + da * vy;
    F[d * n + d] = c; F[d * n + d + 1] = -s; F[d * n + iw] = -dt * (s * vx + c * vy);
    F[(d + 1) * n + d] = s; F[(d + 1) * n + d + 1] = c; F[(d + 1) * n + iw] = dt * (c * vx - s * vy);
    if (d === 3) F[2 * n + 5] = dt;
  }

  private readonly coef = new Float64Array(6);
  private coefW = NaN;
  private coefDt = NaN;

  /**
   * [a, b, ∂a/∂ω, ∂b/∂ω, cos ωT, sin ωT] with a = sin(ωT)/ω, b = (1 − cos ωT)/ω; Taylor series
   * near ω = 0 where the closed forms lose all precision. Cached: the Jacobian follows the
   * propagation at the same (ω, T).
   */
  private coefficients(w: number, dt: number): Float64Array {
    const k = this.coef;
    if (w === this.coefW && dt === this.coefDt) return k;
    const wt = w * dt;
    const c = Math.cos(wt), s = Math.sin(wt);
    if (Math.abs(wt) < 1e-4) {
      const t2 = dt * dt, t3 = t2 * dt;
      k[0] = dt - (w * w * t3) / 6;
      k[1] = (w * t2) / 2;
      k[2] = -(w * t3) / 3;
      k[3] = t2 / 2 - (w * w * t2 * t2) / 8;
    } else {
      k[0] = s / w;
      k[1] = (1 - c) / w;
      k[2] = (dt * c) / w - s / (w * w);
      k[3] = (dt * s) / w - (1 - c) / (w * w);
    }
    k[4] = c;
    k[5] = s;
    this.coefW = w;
    this.coefDt = dt;
    return k;
  }

  noise(_x: Float64Array, dt: number, Q: Float64Array): void {
    const { dims: d, n } = this.space;
    Q.fill(0, 0, n * n);
    const dt2 = dt * dt, dt3 = dt2 * dt;
    for (let i = 0; i < d; i++) {
      const q = i === 2 ? this.qVertical : this.q;
      Q[i * n + i] = (q * dt3) / 3;
      Q[i * n + d + i] = (q * dt2) / 2;
      Q[(d + i) * n + i] = (q * dt2) / 2;
      Q[(d + i) * n + d + i] = q * dt;
    }
    Q[n * n - 1] = this.qTurn * dt;
  }
}
