import type { MeasurementModel, StateSpace } from '../types.js';

export interface PolarOptions {
  /** Sensor position in ENU [m] (3 entries; the up entry is ignored in a 2-D state). */
  position: ArrayLike<number>;
  /** Measures elevation (a 3-D radar). Requires a 3-D state. */
  elevation?: boolean;
  /** Measures range rate (Doppler) [m/s], positive receding. */
  rangeRate?: boolean;
}

/**
 * Radar polar measurement z = [range, azimuth (clockwise from north), (elevation), (range rate)]
 * of a sensor at a known position. In a 2-D state the target is taken at the sensor's height,
 * so range is horizontal.
 */
export class PolarRadar implements MeasurementModel {
  readonly name: string;
  readonly m: number;
  readonly isAngle: Uint8Array;
  readonly linear = false;
  private readonly sx: number;
  private readonly sy: number;
  private readonly sz: number;
  readonly hasElevation: boolean;
  readonly hasRangeRate: boolean;

  constructor(opts: PolarOptions) {
    this.sx = opts.position[0];
    this.sy = opts.position[1];
    this.sz = opts.position[2] ?? 0;
    this.hasElevation = opts.elevation ?? false;
    this.hasRangeRate = opts.rangeRate ?? false;
    this.m = 2 + (this.hasElevation ? 1 : 0) + (this.hasRangeRate ? 1 : 0);
    this.isAngle = new Uint8Array(this.m);
    this.isAngle[1] = 1;
    if (this.hasElevation) this.isAngle[2] = 1;
    this.name = `polar(r,az${this.hasElevation ? ',el' : ''}${this.hasRangeRate ? ',rr' : ''})`;
  }

  predict(x: Float64Array, space: StateSpace, out: Float64Array): void {
    const d = space.dims;
    const dx = x[0] - this.sx, dy = x[1] - this.sy, dz = d === 3 ? x[2] - this.sz : 0;
    const rh2 = dx * dx + dy * dy;
    const r = Math.sqrt(rh2 + dz * dz);
    out[0] = r;
    out[1] = Math.atan2(dx, dy);
    let k = 2;
    if (this.hasElevation) out[k++] = Math.atan2(dz, Math.sqrt(rh2));
    if (this.hasRangeRate) {
      const vz = d === 3 ? x[5] : 0;
      out[k] = r > 0 ? (dx * x[d] + dy * x[d + 1] + dz * vz) / r : 0;
    }
  }

  jacobian(x: Float64Array, space: StateSpace, H: Float64Array): void {
    const { dims: d, n } = space;
    const dx = x[0] - this.sx, dy = x[1] - this.sy, dz = d === 3 ? x[2] - this.sz : 0;
    const rh2 = Math.max(dx * dx + dy * dy, 1e-12);
    const rh = Math.sqrt(rh2);
    const r2 = rh2 + dz * dz;
    const r = Math.sqrt(r2);
    H.fill(0, 0, this.m * n);
    // range
    H[0] = dx / r; H[1] = dy / r; if (d === 3) H[2] = dz / r;
    // azimuth = atan2(dx, dy)
    H[n] = dy / rh2; H[n + 1] = -dx / rh2;
    let row = 2;
    if (this.hasElevation) {
      const o = row * n;
      H[o] = (-dz * dx) / (r2 * rh);
      H[o + 1] = (-dz * dy) / (r2 * rh);
      if (d === 3) H[o + 2] = rh / r2;
      row++;
    }
    if (this.hasRangeRate) {
      const o = row * n;
      const vx = x[d], vy = x[d + 1], vz = d === 3 ? x[5] : 0;
      const rr = (dx * vx + dy * vy + dz * vz) / r;
      H[o] = (vx - rr * (dx / r)) / r;
      H[o + 1] = (vy - rr * (dy / r)) / r;
      if (d === 3) H[o + 2] = (vz - rr * (dz / r)) / r;
      H[o + d] = dx / r;
      H[o + d + 1] = dy / r;
      if (d === 3) H[o + 5] = dz / r;
    }
  }

  toPosition(z: Float64Array, zOffset: number, R: Float64Array, dims: 2 | 3, pos: Float64Array, cov: Float64Array): boolean {
    const m = this.m;
    const r = z[zOffset], az = z[zOffset + 1];
    const el = this.hasElevation ? z[zOffset + 2] : 0;
    if (dims === 3 && !this.hasElevation) return false;
    const ce = Math.cos(el), se = Math.sin(el), ca = Math.cos(az), sa = Math.sin(az);
    const rh = r * ce;
    pos[0] = this.sx + rh * sa;
    pos[1] = this.sy + rh * ca;
    if (dims === 3) pos[2] = this.sz + r * se;
    // First-order covariance: J diag(σ) Jᵀ with J = ∂pos/∂(r, az, el).
    const sr2 = R[0], sa2 = R[m + 1], se2 = this.hasElevation ? R[2 * m + 2] : 0;
    const jr = [ce * sa, ce * ca, se];
    const ja = [rh * ca, -rh * sa, 0];
    const je = [-r * se * sa, -r * se * ca, r * ce];
    for (let i = 0; i < dims; i++) {
      for (let j = 0; j < dims; j++) {
        cov[i * dims + j] = jr[i] * jr[j] * sr2 + ja[i] * ja[j] * sa2 + je[i] * je[j] * se2;
      }
    }
    return true;
  }
}
