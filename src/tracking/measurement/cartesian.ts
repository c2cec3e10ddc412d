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
