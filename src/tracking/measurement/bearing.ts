import type { MeasurementModel, StateSpace } from '../types.js';

export interface BearingOptions {
  /** Sensor position in ENU [m]. */
  position: ArrayLike<number>;
  /** Measures elevation too (a camera or a 3-D acoustic array). Requires a 3-D state. */
  elevation?: boolean;
}

/**
 * Bearing-only measurement z = [azimuth (clockwise from north), (elevation)] from a passive
 * sensor: acoustic array, EO/IR camera, RF direction finder. A single bearing fixes no
 * position, so such detections initiate tracks only by triangulation.
 */
export class BearingOnly implements MeasurementModel {
  readonly name: string;
  readonly m: number;
  readonly isAngle: Uint8Array;
  readonly linear = false;
  readonly sensorPosition: Float64Array;
  readonly hasElevation: boolean;

  constructor(opts: BearingOptions) {
    this.sensorPosition = Float64Array.from([opts.position[0], opts.position[1], opts.position[2] ?? 0]);
    this.hasElevation = opts.elevation ?? false;
    this.m = this.hasElevation ? 2 : 1;
    this.isAngle = new Uint8Array(this.m).fill(1);
    this.name = this.hasElevation ? 'bearing(az,el)' : 'bearing(az)';
  }

  predict(x: Float64Array, space: StateSpace, out: Float64Array): void {
    const s = this.sensorPosition;
    const dx = x[0] - s[0], dy = x[1] - s[1];
    out[0] = Math.atan2(dx, dy);
    if (this.hasElevation) {
      const dz = space.dims === 3 ? x[2] - s[2] : 0;
      out[1] = Math.atan2(dz, Math.hypot(dx, dy));
    }
  }

  jacobian(x: Float64Array, space: StateSpace, H: Float64Array): void {
    const { dims: d, n } = space;
    const s = this.sensorPosition;
    const dx = x[0] - s[0], dy = x[1] - s[1], dz = d === 3 ? x[2] - s[2] : 0;
    const rh2 = Math.max(dx * dx + dy * dy, 1e-12);
    const rh = Math.sqrt(rh2);
    H.fill(0, 0, this.m * n);
    H[0] = dy / rh2;
    H[1] = -dx / rh2;
    if (this.hasElevation) {
      const r2 = rh2 + dz * dz;
      H[n] = (-dz * dx) / (r2 * rh);
      H[n + 1] = (-dz * dy) / (r2 * rh);
      if (d === 3) H[n + 2] = rh / r2;
    }
  }

  toPosition(): boolean {
    return false;
  }
}
