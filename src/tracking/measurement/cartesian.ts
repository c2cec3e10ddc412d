import type { MeasurementModel, StateSpace } from '../types.js';

/**
 * Cartesian position (2-D or 3-D) in the sector's ENU frame: a radar or camera plot already
 * converted to a position, or a self-reported GNSS fix (Remote ID, ADS-B) with its stated
 * accuracy as the per-detection R. Linear: H selects the position.
 */
export class CartesianPosition implements MeasurementModel {
  readonly name: string;
  readonly isAngle: Uint8Array;
  readonly linear = true;
  readonly observesPosition = true;
  constructor(readonly m: 2 | 3, kind: 'position' | 'gnss' = 'position') {
    this.name = `${kind}${m}d`;
    this.isAngle = new Uint8Array(m);
  }

  predict(x: Float64Array, _space: StateSpace, out: Float64Array): void {
    for (let i = 0; i < this.m; i++) out[i] = x[i];
  }

  jacobian(_x: Float64Array, space: StateSpace, H: Float64Array): void {
    const n = space.n;
    H.fill(0, 0, this.m * n);
    for (let i = 0; i < this.m; i++) H[i * n + i] = 1;
  }

  toPosition(z: Float64Array, zOffset: number, R: Float64Array, dims: 2 | 3, pos: Float64Array, cov: Float64Array): boolean {
    const m = this.m;
    if (dims > m) return false;
    for (let i = 0; i < dims; i++) {
      pos[i] = z[zOffset + i];
      for (let j = 0; j < dims; j++) cov[i * dims + j] = R[i * m + j];
    }
    return true;
  }
}

/**
 * A self-reported fix together with the velocity the object broadcasts (Remote ID, ADS-B):
 * z = [east, north, up, v_east, v_north(, v_up)] in the sector's ENU frame, m = 3 + velocityDims.
 *
 * For the tracker's 3-D state layout [position (3), velocity (3), ω?] that is exactly the first m
 * state components, so H is a selector and the filters take their position shortcut
 * (`observesPosition`). It therefore needs a 3-D state; with a 2-D state it is meaningless.
 *
 * `velocityDims` 2 takes the horizontal velocity only: decoders fill a missing vertical rate with
 * 0 (an ADS-B velocity message without one, a Remote ID Location without vertical speed), and
 * such a 0 is not a measurement.
 */
export class CartesianPositionVelocity implements MeasurementModel {
  readonly name: string;
  readonly m: 5 | 6;
  readonly isAngle: Uint8Array;
  readonly linear = true;
  readonly observesPosition = true;
  constructor(readonly velocityDims: 2 | 3 = 3, kind: 'position' | 'gnss' = 'gnss') {
    this.m = velocityDims === 2 ? 5 : 6;
    this.name = `${kind}-velocity${this.m}d`;
    this.isAngle = new Uint8Array(this.m);
  }

  predict(x: Float64Array, _space: StateSpace, out: Float64Array): void {
    for (let i = 0; i < this.m; i++) out[i] = x[i];
  }

  jacobian(_x: Float64Array, space: StateSpace, H: Float64Array): void {
    const n = space.n;
    H.fill(0, 0, this.m * n);
    for (let i = 0; i < this.m; i++) H[i * n + i] = 1;
  }

  toPosition(z: Float64Array, zOffset: number, R: Float64Array, dims: 2 | 3, pos: Float64Array, cov: Float64Array): boolean {
    const m = this.m;
    for (let i = 0; i < dims; i++) {
      pos[i] = z[zOffset + i];
      for (let j = 0; j < dims; j++) cov[i * dims + j] = R[i * m + j];
    }
    return true;
  }

  toVelocity(z: Float64Array, zOffset: number, R: Float64Array, dims: 2 | 3, vel: Float64Array, cov: Float64Array): number {
    const m = this.m, k = Math.min(this.velocityDims, dims);
    for (let i = 0; i < k; i++) {
      vel[i] = z[zOffset + 3 + i];
      for (let j = 0; j < k; j++) cov[i * k + j] = R[(3 + i) * m + 3 + j];
    }
    return k;
  }
}
