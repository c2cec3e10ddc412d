import type { StateSpace } from '../types.js';

/**
 * P ← F P Fᵀ (in place, through `out`) for the block transition shared by the constant-velocity
 * and hover models, p' = p + g·v, v' = e·v, with a turn-rate slot (if any) reset to zero.
 * Closed-form blocks cost O(n²) instead of the O(n³) of general products: this runs for every
 * mode of every track at every scan.
 */
export function kinematicCovariance(P: Float64Array, space: StateSpace, g: number, e: number, out: Float64Array): void {
  const { dims: d, n } = space;
  const g2 = g * g, e2 = e * e;
  for (let i = 0; i < d; i++) {
    const pi = i, vi = d + i;
    for (let j = 0; j < d; j++) {
      const pj = j, vj = d + j;
      const pp = P[pi * n + pj], pv = P[pi * n + vj], vp = P[vi * n + pj], vv = P[vi * n + vj];
      out[pi * n + pj] = pp + g * (pv + vp) + g2 * vv;
      out[pi * n + vj] = e * (pv + g * vv);
      out[vi * n + pj] = e * (vp + g * vv);
      out[vi * n + vj] = e2 * vv;
    }
  }
  if (space.turnRate) {
    const w = 2 * d;
    for (let i = 0; i < n; i++) {
      out[w * n + i] = 0;
      out[i * n + w] = 0;
    }
  }
  for (let k = 0; k < n * n; k++) P[k] = out[k];
}

/** Adds the white-noise-acceleration block Q (spectral density per axis) over dt to P. */
export function addAccelerationNoise(P: Float64Array, space: StateSpace, q: number, qVertical: number, dt: number): void {
  const { dims: d, n } = space;
  const dt2 = dt * dt, dt3 = dt2 * dt;
  for (let i = 0; i < d; i++) {
    const qi = i === 2 ? qVertical : q;
    P[i * n + i] += (qi * dt3) / 3;
    P[i * n + d + i] += (qi * dt2) / 2;
    P[(d + i) * n + i] += (qi * dt2) / 2;
    P[(d + i) * n + d + i] += qi * dt;
  }
}
