/**
 * Straight-line kernels for the tracker's fixed-size inner loops, generated once per size.
 *
 * The IMM mixes r mode estimates of n states for every track at every scan. Written as loops
 * over runtime sizes, V8 spends most of the time on index arithmetic and bounds checks (≈ 1 µs
 * per mixing for r = 3, n = 5); the same arithmetic unrolled with constant indices runs about
 * seven times faster. The generators take only small integers, so the generated source is
 * fully determined by (r, n, m) — no data ever reaches `new Function`.
 */

type Kernel = (...args: Float64Array[]) => void;

function checkSize(name: string, v: number, max: number): void {
  if (!Number.isInteger(v) || v < 1 || v > max) throw new RangeError(`${name} must be an integer in 1..${max}, got ${v}`);
}

const compiled = new Map<string, Kernel>();

/**
 * Compiles a kernel once per name for the whole process: a fresh copy would run unoptimised
 * (allocating a number box per operation) until V8 tiers it up again.
 */
function kernel(name: string, params: string[], build: () => string[]): Kernel {
  let k = compiled.get(name);
  if (!k) {
    // The sourceURL names the kernel in profiles and stack traces.
    k = new Function(...params, `"use strict";\n${build().join('\n')}\n//# sourceURL=centinela-kernel-${name}.js`) as Kernel;
    compiled.set(name, k);
  }
  return k;
}

/**
 * IMM mixing in place: given mode estimates x_i (n), P_i (n×n) and mixing weights
 * W[i·r + j] = μ_{i|j}, replaces every mode's estimate by its mixed initial condition.
 * Computed about mode 0's estimate (offsets d_i = x_i − x_0), so large coordinates do not cancel:
 * x0_j = x_0 + e_j, P0_j = Σ_i μ_{i|j} (P_i + d_i d_iᵀ) − e_j e_jᵀ with e_j = Σ_i μ_{i|j} d_i.
 * Every input is read into locals before anything is written.
 */
export type MixKernel = (xs: Float64Array[], Ps: Float64Array[], W: Float64Array) => void;

export function mixKernel(r: number, n: number): MixKernel {
  checkSize('r', r, 8);
  checkSize('n', n, 12);
  return kernel(`mix-r${r}-n${n}`, ['xs', 'Ps', 'W'], () => {
    const L: string[] = [];
    for (let i = 0; i < r; i++) L.push(`const x${i} = xs[${i}], P${i} = Ps[${i}];`);
    for (let a = 0; a < n; a++) L.push(`const ref${a} = x0[${a}];`);
    for (let i = 0; i < r; i++) for (let a = 0; a < n; a++) L.push(`const d${i}_${a} = x${i}[${a}] - ref${a};`);
    for (let i = 0; i < r; i++) for (let a = 0; a < n; a++) for (let b = a; b < n; b++) L.push(`const M${i}_${a}_${b} = P${i}[${a * n + b}] + d${i}_${a} * d${i}_${b};`);
    for (let j = 0; j < r; j++) {
      for (let i = 0; i < r; i++) L.push(`const w${i}_${j} = W[${i * r + j}];`);
      for (let a = 0; a < n; a++) L.push(`const e${j}_${a} = ${sum(r, (i) => `w${i}_${j} * d${i}_${a}`)};`);
    }
    for (let j = 0; j < r; j++) {
      for (let a = 0; a < n; a++) {
        for (let b = a; b < n; b++) {
          const v = `${sum(r, (i) => `w${i}_${j} * M${i}_${a}_${b}`)} - e${j}_${a} * e${j}_${b}`;
          L.push(a === b ? `P${j}[${a * n + b}] = ${v};` : `P${j}[${a * n + b}] = P${j}[${b * n + a}] = ${v};`);
        }
      }
      for (let a = 0; a < n; a++) L.push(`x${j}[${a}] = ref${a} + e${j}_${a};`);
    }
    return L;
  }) as unknown as MixKernel;
}

/**
 * Moment matching of a Gaussian mixture: weights w (summing to 1), means x_i, covariances P_i
 * → x = Σ w_i x_i, P = Σ w_i (P_i + (x_i − x)(x_i − x)ᵀ), written to outX and outP.
 */
export type CombineKernel = (xs: Float64Array[], Ps: Float64Array[], w: Float64Array, outX: Float64Array, outP: Float64Array) => void;

export function combineKernel(r: number, n: number): CombineKernel {
  checkSize('r', r, 8);
  checkSize('n', n, 12);
  return kernel(`combine-r${r}-n${n}`, ['xs', 'Ps', 'w', 'outX', 'outP'], () => {
    const L: string[] = [];
    for (let i = 0; i < r; i++) L.push(`const x${i} = xs[${i}], P${i} = Ps[${i}], w${i} = w[${i}];`);
    for (let a = 0; a < n; a++) L.push(`const m${a} = ${sum(r, (i) => `w${i} * x${i}[${a}]`)}; outX[${a}] = m${a};`);
    for (let i = 0; i < r; i++) for (let a = 0; a < n; a++) L.push(`const d${i}_${a} = x${i}[${a}] - m${a};`);
    for (let a = 0; a < n; a++) {
      for (let b = a; b < n; b++) {
        const v = sum(r, (i) => `w${i} * (P${i}[${a * n + b}] + d${i}_${a} * d${i}_${b})`);
        L.push(a === b ? `outP[${a * n + b}] = ${v};` : `outP[${a * n + b}] = outP[${b * n + a}] = ${v};`);
      }
    }
    return L;
  }) as unknown as CombineKernel;
}

/**
 * The Kalman update given the cross covariance C (n×m), S⁻¹ (m×m) and the innovation ν (m):
 * K = C S⁻¹, x ← x + K ν, P ← P − K Cᵀ (symmetric by construction: K Cᵀ = C S⁻¹ Cᵀ).
 */
export type GainUpdateKernel = (x: Float64Array, P: Float64Array, C: Float64Array, Sinv: Float64Array, nu: Float64Array) => void;

export function gainUpdateKernel(n: number, m: number): GainUpdateKernel {
  checkSize('n', n, 12);
  checkSize('m', m, 6);
  return kernel(`gain-n${n}-m${m}`, ['x', 'P', 'C', 'Sinv', 'nu'], () => {
    const L: string[] = [];
    for (let k = 0; k < m; k++) L.push(`const nu${k} = nu[${k}];`);
    for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) L.push(`const s${a}_${b} = Sinv[${a * m + b}];`);
    for (let i = 0; i < n; i++) for (let k = 0; k < m; k++) L.push(`const c${i}_${k} = C[${i * m + k}];`);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < m; k++) L.push(`const k${i}_${k} = ${sum(m, (l) => `c${i}_${l} * s${l}_${k}`)};`);
      L.push(`x[${i}] += ${sum(m, (k) => `k${i}_${k} * nu${k}`)};`);
    }
    for (let i = 0; i < n; i++) {
      for (let j = i; j < n; j++) {
        const v = `0.5 * (P[${i * n + j}] + P[${j * n + i}]) - (${sum(m, (k) => `k${i}_${k} * c${j}_${k}`)})`;
        L.push(i === j ? `P[${i * n + j}] = ${v};` : `P[${i * n + j}] = P[${j * n + i}] = ${v};`);
      }
    }
    return L;
  }) as unknown as GainUpdateKernel;
}

/**
 * Covariance prediction P ← F P Fᵀ + Q for a dense n×n F (a linearised transition such as the
 * coordinated turn's), unrolled; the result is written symmetric.
 */
export type CovariancePredictKernel = (P: Float64Array, F: Float64Array, Q: Float64Array) => void;

export function covariancePredictKernel(n: number): CovariancePredictKernel {
  checkSize('n', n, 12);
  return kernel(`covariance-n${n}`, ['P', 'F', 'Q'], () => {
    const L: string[] = [];
    for (let i = 0; i < n * n; i++) L.push(`const f${i} = F[${i}], p${i} = P[${i}];`);
    // FP = F·P, then (F·P)·Fᵀ, skipping nothing: straight-line code beats branching on zeros.
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) L.push(`const g${i}_${j} = ${sum(n, (t) => `f${i * n + t} * p${t * n + j}`)};`);
    for (let i = 0; i < n; i++) {
      for (let j = i; j < n; j++) {
        const v = `Q[${i * n + j}] + ${sum(n, (t) => `g${i}_${t} * f${j * n + t}`)}`;
        L.push(i === j ? `P[${i * n + j}] = ${v};` : `P[${i * n + j}] = P[${j * n + i}] = ${v};`);
      }
    }
    return L;
  }) as unknown as CovariancePredictKernel;
}

/**
 * The whole Kalman update for a measurement of the first m state components (a position):
 * S = P[0:m, 0:m] + R, ν = z − x[0:m], K = P[:, 0:m] S⁻¹, x ← x + K ν, P ← P − K P[0:m, :],
 * and out[0] ← log N(ν; 0, S), the likelihood an IMM weighs its modes by. m is 2 or 3
 * (S inverted by cofactors). out[0] is −Infinity, and nothing changes, if S is not positive
 * definite.
 */
export type PositionUpdateKernel = (x: Float64Array, P: Float64Array, z: Float64Array, zo: number, R: Float64Array, out: Float64Array) => void;

export function positionUpdateKernel(n: number, m: number): PositionUpdateKernel {
  checkSize('n', n, 12);
  if (m !== 2 && m !== 3) throw new RangeError(`m must be 2 or 3, got ${m}`);
  return kernel(`position-update-n${n}-m${m}`, ['x', 'P', 'z', 'zo', 'R', 'out'], () => {
    const L: string[] = [];
    for (let a = 0; a < m; a++) for (let b = a; b < m; b++) L.push(`const s${a}${b} = P[${a * n + b}] + 0.5 * (R[${a * m + b}] + R[${b * m + a}]);`);
    for (let a = 0; a < m; a++) L.push(`const v${a} = z[zo + ${a}] - x[${a}];`);
    if (m === 2) {
      L.push('const det = s00 * s11 - s01 * s01;');
      L.push('if (!(s00 > 0) || !(det > 0)) { out[0] = -Infinity; return; }');
      L.push('const id = 1 / det;');
      L.push('const i00 = s11 * id, i01 = -s01 * id, i11 = s00 * id;');
    } else {
      L.push('const c00 = s11 * s22 - s12 * s12, c01 = s02 * s12 - s01 * s22, c02 = s01 * s12 - s02 * s11;');
      L.push('const det = s00 * c00 + s01 * c01 + s02 * c02;');
      L.push('if (!(s00 > 0) || !(s00 * s11 - s01 * s01 > 0) || !(det > 0)) { out[0] = -Infinity; return; }');
      L.push('const id = 1 / det;');
      L.push('const i00 = c00 * id, i01 = c01 * id, i02 = c02 * id;');
      L.push('const i11 = (s00 * s22 - s02 * s02) * id, i12 = (s01 * s02 - s00 * s12) * id, i22 = (s00 * s11 - s01 * s01) * id;');
    }
    const inv = (a: number, b: number) => (a <= b ? `i${a}${b}` : `i${b}${a}`);
    for (let a = 0; a < m; a++) L.push(`const u${a} = ${sum(m, (b) => `${inv(a, b)} * v${b}`)};`);
    L.push(`const d2 = ${sum(m, (a) => `v${a} * u${a}`)};`);
    L.push(`out[0] = -0.5 * (d2 + Math.log(det) + ${m * Math.log(2 * Math.PI)});`);
    // C = P[:, 0:m] (read before P changes), K = C S⁻¹.
    for (let i = 0; i < n; i++) for (let k = 0; k < m; k++) L.push(`const c${i}_${k} = P[${i * n + k}];`);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < m; k++) L.push(`const k${i}_${k} = ${sum(m, (l) => `c${i}_${l} * ${inv(l, k)}`)};`);
      L.push(`x[${i}] += ${sum(m, (k) => `c${i}_${k} * u${k}`)};`);
    }
    for (let i = 0; i < n; i++) {
      for (let j = i; j < n; j++) {
        const v = `0.5 * (P[${i * n + j}] + P[${j * n + i}]) - (${sum(m, (k) => `k${i}_${k} * c${j}_${k}`)})`;
        L.push(i === j ? `P[${i * n + j}] = ${v};` : `P[${i * n + j}] = P[${j * n + i}] = ${v};`);
      }
    }
    return L;
  }) as unknown as PositionUpdateKernel;
}

function sum(count: number, term: (i: number) => string): string {
  return Array.from({ length: count }, (_, i) => term(i)).join(' + ');
}
