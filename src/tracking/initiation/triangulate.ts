/**
 * Track initiation from bearings of two or more passive sensors (acoustic arrays, cameras, RF
 * direction finders): the weighted least-squares intersection of their rays.
 *
 * Convention (ENU metres): azimuth clockwise from north (az = 0 → +y, az = π/2 → +x),
 * elevation up from the horizontal. A ray's direction is u = (sin az·cos el, cos az·cos el, sin el).
 *
 * Why this weighting: the distance from a point p to the measured ray, along the ray's
 * horizontal normal e_az = (cos az, −sin az, 0), is exactly r_h·sin(Δaz) (r_h the horizontal
 * range, Δaz the azimuth error); along the vertical normal e_el it is r·sin(Δel) to first
 * order. Weighting the
 * squared normal distances by 1/(r_h·σ_az)² and 1/(r·σ_el)² therefore minimises
 * Σ sin²(Δangle)/σ² — the maximum-likelihood criterion to first order — while staying a
 * linear problem, and the normal matrix Σ e eᵀ/(r σ)² is exactly the Fisher information of the
 * angle measurements at p, so its inverse is the position covariance. Ranges are unknown at
 * first, so the first solve weights by σ alone and the following passes reweight with the
 * ranges to the current estimate (a noiseless bearing set intersects exactly whatever the weights).
 *
 * The returned figure `chi2` = Σ (angle residual/σ)² is χ²(dof) for consistent bearings; the
 * caller compares it with a quantile to refuse sets that do not come from one target.
 */
import { wrapAngle } from '../../math/linalg.js';

export type TriangulationRejection = 'too-few' | 'invalid' | 'parallel' | 'behind' | 'singular';

export interface TriangulationOptions {
  /**
   * Minimum angle [rad] between the two most divergent rays (default 1°). Below it the
   * position along the rays is unobservable in practice: its standard deviation is about
   * r·σ/sin(angle), already ~57·r·σ at 1°. Rays are compared as lines, so anti-parallel rays
   * (sensors facing each other) count as parallel.
   */
  minIntersectionAngle?: number;
  /** Range reweighting passes after the first (σ-only) solve (default 2). */
  iterations?: number;
  /**
   * Minimum distance [m] of the intersection in front of every sensor, measured along that
   * sensor's ray (default 0: strictly in front). A bearing is a half-line, not a
   * line: an intersection behind a sensor means the bearings belong to different targets.
   */
  minRange?: number;
}

/** Diagnostics of one triangulation; pass one in to reuse it (nothing is then allocated). */
export interface TriangulationResult {
  /** Components of the position (2 for horizontal bearings only, 3 with elevation). */
  dims: 2 | 3;
  /** Σ (angle residual / σ)² at the solution: χ² with `dof` degrees of freedom when consistent. */
  chi2: number;
  /** Angles measured − position components (0 for two horizontal bearings: always consistent). */
  dof: number;
  /** Angle [rad, 0..π/2] between the two most divergent rays (what the parallel test checks). */
  maxIntersectionAngle: number;
  /** Why the last call returned false, or null after a success. */
  rejection: TriangulationRejection | null;
}

const DEFAULT_MIN_ANGLE = Math.PI / 180;
/** Smallest det/Π(diagonal) of the normal matrix accepted (reciprocal-condition-like guard). */
const SINGULAR = 1e-12;
/** Floor on the horizontal range in the azimuth weight, relative to the slant range (zenith). */
const MIN_COS_EL = 1e-6;

// Scratch space shared by all calls: JavaScript runs one call at a time and nothing here is
// re-entrant, so a module-level workspace is safe and keeps the call allocation-free.
let cap = 0;
let dirs = new Float64Array(0); // k × 3: ray directions
let eAz = new Float64Array(0); // k × 3: horizontal normals
let eEl = new Float64Array(0); // k × 3: vertical normals
let wAz = new Float64Array(0); // k: weights of the horizontal normal distances
let wEl = new Float64Array(0); // k: weights of the vertical normal distances
let sigAz = new Float64Array(0); // k: σ_az
let sigEl = new Float64Array(0); // k: σ_el
const A = new Float64Array(9);
const Ainv = new Float64Array(9);
const rhs = new Float64Array(3);
const p = new Float64Array(3);

function reserve(k: number): void {
  if (k <= cap) return;
  cap = Math.max(k, 2 * cap, 8);
  dirs = new Float64Array(3 * cap);
  eAz = new Float64Array(3 * cap);
  eEl = new Float64Array(3 * cap);
  wAz = new Float64Array(cap);
  wEl = new Float64Array(cap);
  sigAz = new Float64Array(cap);
  sigEl = new Float64Array(cap);
}

function reject(result: TriangulationResult | undefined, why: TriangulationRejection): false {
  if (result) result.rejection = why;
  return false;
}

/**
 * Intersects k ≥ 2 bearing rays.
 *
 * @param sensorPos k×3 sensor positions (ENU m); in 2-D the third component is ignored
 * @param azimuth k azimuths [rad], clockwise from north
 * @param elevation k elevations [rad], or null for horizontal bearings only (2-D solution)
 * @param sigmaAz k azimuth standard deviations [rad]
 * @param sigmaEl k elevation standard deviations [rad]; null with elevations given → sigmaAz
 * @param outPos position (2 or 3 entries)
 * @param outCov covariance (2×2 or 3×3, row-major)
 * @param options thresholds and passes, see TriangulationOptions
 * @param result filled and returned instead of a new object (also carries the rejection
 *   reason after a false return)
 * @returns the diagnostics on success — the caller should also test `chi2` against a χ²
 *   quantile with `dof` degrees of freedom to refuse inconsistent bearing sets — or false
 *   when the rays are too few, invalid, near-parallel, meet behind a sensor, or the normal
 *   matrix is singular (outPos/outCov are then unspecified).
 */
export function triangulate(
  sensorPos: Float64Array, azimuth: Float64Array, elevation: Float64Array | null,
  sigmaAz: Float64Array, sigmaEl: Float64Array | null, k: number,
  outPos: Float64Array, outCov: Float64Array,
  options?: TriangulationOptions, result?: TriangulationResult,
): TriangulationResult | false {
  const d: 2 | 3 = elevation ? 3 : 2;
  if (result) { result.dims = d; result.chi2 = NaN; result.dof = 0; result.maxIntersectionAngle = 0; }
  if (!(k >= 2)) return reject(result, 'too-few');
  reserve(k);
  const sEl = sigmaEl ?? sigmaAz;

  for (let i = 0; i < k; i++) {
    const az = azimuth[i], el = elevation ? elevation[i] : 0;
    const sa = sigmaAz[i], se = sEl[i];
    if (!Number.isFinite(az) || !Number.isFinite(el) || !(sa > 0) || !(se > 0) || !(Math.abs(el) < Math.PI / 2)
      || !Number.isFinite(sensorPos[3 * i]) || !Number.isFinite(sensorPos[3 * i + 1])
      || (d === 3 && !Number.isFinite(sensorPos[3 * i + 2]))) {
      return reject(result, 'invalid');
    }
    const sinAz = Math.sin(az), cosAz = Math.cos(az), sinEl = Math.sin(el), cl = Math.cos(el);
    const o = 3 * i;
    dirs[o] = sinAz * cl; dirs[o + 1] = cosAz * cl; dirs[o + 2] = sinEl;
    eAz[o] = cosAz; eAz[o + 1] = -sinAz; eAz[o + 2] = 0;
    eEl[o] = -sinAz * sinEl; eEl[o + 1] = -cosAz * sinEl; eEl[o + 2] = cl;
    sigAz[i] = sa;
    sigEl[i] = se;
    // Unknown range: unit ranges make the first solve weight by angular accuracy only.
    const cosEl = Math.max(cl, MIN_COS_EL);
    wAz[i] = 1 / (cosEl * cosEl * sa * sa);
    wEl[i] = 1 / (se * se);
  }

  // Geometry test on the widest pair: |u_i × u_j| = sin of the angle between the lines (in 2-D
  // the directions are horizontal, so this is |sin(az_i − az_j)|).
  let maxSin = 0;
  for (let i = 0; i < k; i++) {
    for (let j = i + 1; j < k; j++) {
      const a = 3 * i, b = 3 * j;
      const cx = dirs[a + 1] * dirs[b + 2] - dirs[a + 2] * dirs[b + 1];
      const cy = dirs[a + 2] * dirs[b] - dirs[a] * dirs[b + 2];
      const cz = dirs[a] * dirs[b + 1] - dirs[a + 1] * dirs[b];
      const s = Math.sqrt(cx * cx + cy * cy + cz * cz);
      if (s > maxSin) maxSin = s;
    }
  }
  const maxAngle = Math.asin(Math.min(1, maxSin));
  if (result) result.maxIntersectionAngle = maxAngle;
  if (!(maxAngle >= (options?.minIntersectionAngle ?? DEFAULT_MIN_ANGLE))) return reject(result, 'parallel');

  const passes = 1 + Math.max(0, Math.floor(options?.iterations ?? 2));
  for (let pass = 0; pass < passes; pass++) {
    if (pass > 0) reweight(sensorPos, k, d);
    if (!solve(sensorPos, k, d)) return reject(result, 'singular');
  }

  const minRange = options?.minRange ?? 0;
  for (let i = 0; i < k; i++) {
    const o = 3 * i;
    let along = (p[0] - sensorPos[o]) * dirs[o] + (p[1] - sensorPos[o + 1]) * dirs[o + 1];
    if (d === 3) along += (p[2] - sensorPos[o + 2]) * dirs[o + 2];
    if (!(along > minRange)) return reject(result, 'behind');
  }

  // Covariance: the information at the final estimate, with ranges to it.
  reweight(sensorPos, k, d);
  buildNormal(sensorPos, k, d);
  if (!invertSmallSpd(A, d, Ainv)) return reject(result, 'singular');
  for (let i = 0; i < d; i++) outPos[i] = p[i];
  for (let i = 0; i < d * d; i++) outCov[i] = Ainv[i];

  let chi2 = 0;
  for (let i = 0; i < k; i++) {
    const o = 3 * i;
    const dx = p[0] - sensorPos[o], dy = p[1] - sensorPos[o + 1];
    let ra = azimuth[i] - Math.atan2(dx, dy);
    // Call out only when needed: a double returned by a call V8 does not inline is boxed.
    if (!(ra >= -Math.PI && ra < Math.PI)) ra = wrapAngle(ra);
    ra /= sigmaAz[i];
    chi2 += ra * ra;
    if (elevation) {
      const dz = p[2] - sensorPos[o + 2];
      const re = (elevation[i] - Math.atan2(dz, Math.sqrt(dx * dx + dy * dy))) / sEl[i];
      chi2 += re * re;
    }
  }
  const dof = k * (d === 3 ? 2 : 1) - d;
  const out = result ?? { dims: d, chi2: 0, dof: 0, maxIntersectionAngle: maxAngle, rejection: null };
  out.dims = d;
  out.chi2 = chi2;
  out.dof = dof;
  out.maxIntersectionAngle = maxAngle;
  out.rejection = null;
  return out;
}

/** Weights from the ranges to the current estimate p. */
function reweight(sensorPos: Float64Array, k: number, d: 2 | 3): void {
  for (let i = 0; i < k; i++) {
    const o = 3 * i;
    const dx = p[0] - sensorPos[o], dy = p[1] - sensorPos[o + 1];
    const dz = d === 3 ? p[2] - sensorPos[o + 2] : 0;
    const rh2 = dx * dx + dy * dy, r2 = rh2 + dz * dz;
    // A target over the sensor leaves azimuth undefined; the floor keeps the weight finite.
    // A zero range (target at the sensor) would make the weights infinite: use a tiny floor.
    const r2f = Math.max(r2, 1e-12);
    const rh2f = Math.max(rh2, MIN_COS_EL * MIN_COS_EL * r2f);
    const sa = sigAz[i], se = sigEl[i];
    wAz[i] = 1 / (rh2f * sa * sa);
    wEl[i] = 1 / (r2f * se * se);
  }
}

/** A p = rhs with A = Σ w e eᵀ, rhs = Σ w e eᵀ s over the ray normals. */
function solve(sensorPos: Float64Array, k: number, d: 2 | 3): boolean {
  buildNormal(sensorPos, k, d);
  if (!invertSmallSpd(A, d, Ainv)) return false;
  for (let i = 0; i < d; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += Ainv[i * d + j] * rhs[j];
    p[i] = s;
  }
  return true;
}

function buildNormal(sensorPos: Float64Array, k: number, d: 2 | 3): void {
  A.fill(0);
  rhs.fill(0);
  for (let i = 0; i < k; i++) {
    const o = 3 * i;
    addNormal(eAz, o, wAz[i], sensorPos, d);
    if (d === 3) addNormal(eEl, o, wEl[i], sensorPos, d);
  }
}

function addNormal(e: Float64Array, o: number, w: number, sensorPos: Float64Array, d: number): void {
  let es = 0;
  for (let a = 0; a < d; a++) es += e[o + a] * sensorPos[o + a];
  for (let a = 0; a < d; a++) {
    const wa = w * e[o + a];
    rhs[a] += wa * es;
    for (let b = 0; b < d; b++) A[a * d + b] += wa * e[o + b];
  }
}

/**
 * Inverse of a 2×2 or 3×3 symmetric matrix by cofactors, refusing it unless it is positive
 * definite with det ≥ SINGULAR · Π diagonal (Hadamard's ratio, 1 for a diagonal matrix, → 0
 * as the matrix degenerates) — the numerical guard behind the geometric parallel-ray test.
 * Local rather than linalg's invertSpd: it returns a flag, not a double, so a call that V8
 * does not inline allocates nothing.
 */
function invertSmallSpd(a: Float64Array, d: 2 | 3, out: Float64Array): boolean {
  if (d === 2) {
    const p = a[0], q = a[1], r = a[3];
    const det = p * r - q * q;
    if (!(p > 0) || !(det > SINGULAR * p * r)) return false;
    out[0] = r / det; out[1] = -q / det; out[2] = -q / det; out[3] = p / det;
    return true;
  }
  const a00 = a[0], a01 = a[1], a02 = a[2], a11 = a[4], a12 = a[5], a22 = a[8];
  const c00 = a11 * a22 - a12 * a12;
  const c01 = a02 * a12 - a01 * a22;
  const c02 = a01 * a12 - a02 * a11;
  const det = a00 * c00 + a01 * c01 + a02 * c02;
  if (!(a00 > 0) || !(a00 * a11 - a01 * a01 > 0) || !(det > SINGULAR * a00 * a11 * a22)) return false;
  const c11 = a00 * a22 - a02 * a02;
  const c12 = a01 * a02 - a00 * a12;
  const c22 = a00 * a11 - a01 * a01;
  out[0] = c00 / det; out[1] = c01 / det; out[2] = c02 / det;
  out[3] = c01 / det; out[4] = c11 / det; out[5] = c12 / det;
  out[6] = c02 / det; out[7] = c12 / det; out[8] = c22 / det;
  return true;
}
