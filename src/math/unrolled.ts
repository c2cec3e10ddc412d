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

function compile(params: string[], body: string[]): Kernel {
  return new Function(...params, `"use strict";\n${body.join('\n')}`) as Kernel;
}

/**
 * IMM mixing: given mode estimates x_i (n), P_i (n×n) and mixing weights W[i·r + j] = μ_{i|j},
 * writes every mode's mixed initial condition x0_j → outX[j·n…], P0_j → outP[j·n²…].
 * Computed about mode 0's estimate (offsets d_i = x_i − x_0), so large coordinates do not cancel:
 * P0_j = Σ_i μ_{i|j} (P_i + d_i d_iᵀ) − e_j e_jᵀ with e_j = Σ_i μ_{i|j} d_i.
 */
export type MixKernel = (xs: Float64Array[], Ps: Float64Array[], W: Float64Array, outX: Float64Array, outP: Float64Array) => void;

export function mixKernel(r: number, n: number): MixKernel {
  checkSize('r', r, 8);
  checkSize('n', n, 12);
  const nn = n * n, L: string[] = ['const ref = xs[0];'];
  for (let i = 0; i < r; i++) L.push(`const x${i} = xs[${i}], P${i} = Ps[${i}];`);
  for (let i = 0; i < r; i++) for (let a = 0; a < n; a++) L.push(`const d${i}_${a} = x${i}[${a}] - ref[${a}];`);
  for (let j = 0; j < r; j++) {
    for (let i = 0; i < r; i++) L.push(`const w${i}_${j} = W[${i * r + j}];`);
    for (let a = 0; a < n; a++) L.push(`const e${j}_${a} = ${sum(r, (i) => `w${i}_${j} * d${i}_${a}`)};`);
    for (let a = 0; a < n; a++) {
      for (let b = a; b < n; b++) {
        const v = `${sum(r, (i) => `w${i}_${j} * (P${i}[${a * n + b}] + d${i}_${a} * d${i}_${b})`)} - e${j}_${a} * e${j}_${b}`;
        L.push(a === b ? `outP[${j * nn + a * n + b}] = ${v};` : `outP[${j * nn + a * n + b}] = outP[${j * nn + b * n + a}] = ${v};`);
      }
    }
    for (let a = 0; a < n; a++) L.push(`outX[${j * n + a}] = ref[${a}] + e${j}_${a};`);
  }
  return compile(['xs', 'Ps', 'W', 'outX', 'outP'], L) as unknown as MixKernel;
}

/**
 * Moment matching of a Gaussian mixture: weights w (summing to 1), means x_i, covariances P_i
 * → x = Σ w_i x_i, P = Σ w_i (P_i + (x_i − x)(x_i − x)ᵀ), written to outX and outP.
 */
export type CombineKernel = (xs: Float64Array[], Ps: Float64Array[], w: Float64Array, outX: Float64Array, outP: Float64Array) => void;

export function combineKernel(r: number, n: number): CombineKernel {
  checkSize('r', r, 8);
  checkSize('n', n, 12);
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
  return compile(['xs', 'Ps', 'w', 'outX', 'outP'], L) as unknown as CombineKernel;
}

/**
 * The Kalman update given the cross covariance C (n×m), S⁻¹ (m×m) and the innovation ν (m):
 * K = C S⁻¹, x ← x + K ν, P ← P − K Cᵀ (symmetric by construction: K Cᵀ = C S⁻¹ Cᵀ).
 */
export type GainUpdateKernel = (x: Float64Array, P: Float64Array, C: Float64Array, Sinv: Float64Array, nu: Float64Array) => void;

export function gainUpdateKernel(n: number, m: number): GainUpdateKernel {
  checkSize('n', n, 12);
  checkSize('m', m, 6);
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
  return compile(['x', 'P', 'C', 'Sinv', 'nu'], L) as unknown as GainUpdateKernel;
}

function sum(count: number, term: (i: number) => string): string {
  return Array.from({ length: count }, (_, i) => term(i)).join(' + ');
}
