/**
 * Small dense linear algebra on row-major Float64Arrays.
 *
 * The tracker's matrices are tiny (n ≤ 9), so plain loops over typed arrays beat any library:
 * no allocation, no bounds-checked objects. Every function writes into a caller-owned `out`,
 * which must not alias an input unless the doc says so.
 */

/** out(r×c) = a(r×k) · b(k×c) */
export function mul(a: Float64Array, b: Float64Array, r: number, k: number, c: number, out: Float64Array): void {
  for (let i = 0; i < r; i++) {
    for (let j = 0; j < c; j++) {
      let s = 0;
      for (let t = 0; t < k; t++) s += a[i * k + t] * b[t * c + j];
      out[i * c + j] = s;
    }
  }
}

/** out(r×c) = a(r×k) · bᵀ where b is (c×k) */
export function mulT(a: Float64Array, b: Float64Array, r: number, k: number, c: number, out: Float64Array): void {
  for (let i = 0; i < r; i++) {
    for (let j = 0; j < c; j++) {
      let s = 0;
      for (let t = 0; t < k; t++) s += a[i * k + t] * b[j * k + t];
      out[i * c + j] = s;
    }
  }
}

/** out(r×c) = aᵀ · b where a is (k×r) and b is (k×c) */
export function tMul(a: Float64Array, b: Float64Array, k: number, r: number, c: number, out: Float64Array): void {
  for (let i = 0; i < r; i++) {
    for (let j = 0; j < c; j++) {
      let s = 0;
      for (let t = 0; t < k; t++) s += a[t * r + i] * b[t * c + j];
      out[i * c + j] = s;
    }
  }
}

/** Makes a square matrix exactly symmetric in place (averages mirrored entries). */
export function symmetrize(a: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = 0.5 * (a[i * n + j] + a[j * n + i]);
      a[i * n + j] = v;
      a[j * n + i] = v;
    }
  }
}

/**
 * Lower Cholesky factor L (L·Lᵀ = a) into `out`. Returns false if `a` is not positive definite.
 * `out` may alias `a`.
 */
export function cholesky(a: Float64Array, n: number, out: Float64Array): boolean {
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j];
    for (let k = 0; k < j; k++) d -= out[j * n + k] * out[j * n + k];
    if (!(d > 0)) return false;
    const ljj = Math.sqrt(d);
    out[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j];
      for (let k = 0; k < j; k++) s -= out[i * n + k] * out[j * n + k];
      out[i * n + j] = s / ljj;
    }
    for (let k = j + 1; k < n; k++) out[j * n + k] = 0;
  }
  return true;
}

/**
 * Inverse of a symmetric positive-definite matrix through its Cholesky factor, into `out`;
 * `work` needs n·n entries. Returns log(det a), or NaN if `a` is not positive definite.
 */
export function invertSpd(a: Float64Array, n: number, out: Float64Array, work: Float64Array): number {
  // The 2×2 case (every 2-D position or range/azimuth plot) stays small enough to inline,
  // so its result needs no boxing.
  if (n === 2) {
    const p = a[0], q = 0.5 * (a[1] + a[2]), s = a[3];
    const det = p * s - q * q;
    if (!(p > 0) || !(det > 0)) return NaN;
    const inv = 1 / det;
    out[0] = s * inv; out[1] = -q * inv; out[2] = -q * inv; out[3] = p * inv;
    return Math.log(det);
  }
  return invertSpdGeneral(a, n, out, work);
}

function invertSpdGeneral(a: Float64Array, n: number, out: Float64Array, work: Float64Array): number {
  if (n === 1) {
    const v = a[0];
    if (!(v > 0)) return NaN;
    out[0] = 1 / v;
    return Math.log(v);
  }
  if (!cholesky(a, n, work)) return NaN;
  let logDet = 0;
  for (let i = 0; i < n; i++) logDet += 2 * Math.log(work[i * n + i]);
  // Invert L in place (lower triangular), then out = L⁻ᵀ L⁻¹.
  for (let i = 0; i < n; i++) {
    work[i * n + i] = 1 / work[i * n + i];
    for (let j = 0; j < i; j++) {
      let s = 0;
      for (let k = j; k < i; k++) s -= work[i * n + k] * work[k * n + j];
      work[i * n + j] = s * work[i * n + i];
    }
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = i; k < n; k++) s += work[k * n + i] * work[k * n + j];
      out[i * n + j] = s;
      out[j * n + i] = s;
    }
  }
  return logDet;
}

/** Quadratic form vᵀ·M·v for an m×m matrix. */
export function quadForm(v: Float64Array, mInv: Float64Array, m: number): number {
  let s = 0;
  for (let i = 0; i < m; i++) {
    let r = 0;
    for (let j = 0; j < m; j++) r += mInv[i * m + j] * v[j];
    s += v[i] * r;
  }
  return s;
}

/** Sets an n×n matrix to the identity. */
export function identity(out: Float64Array, n: number): void {
  out.fill(0, 0, n * n);
  for (let i = 0; i < n; i++) out[i * n + i] = 1;
}

/** Wraps an angle to [-π, π). */
export function wrapAngle(a: number): number {
  const TWO_PI = 2 * Math.PI;
  if (a >= -Math.PI && a < Math.PI) return a;
  a = (a + Math.PI) % TWO_PI;
  if (a < 0) a += TWO_PI;
  return a - Math.PI;
}
