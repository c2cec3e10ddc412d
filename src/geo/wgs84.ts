/**
 * WGS84 ellipsoid and the exact geodetic ⇄ ECEF conversions.
 *
 * Angles are radians and lengths metres; heights are always above the WGS84 ellipsoid (never
 * above mean sea level). These functions run once per measurement in the tracker's hot path, so
 * they write into a caller-owned `out` and allocate nothing.
 */

/** Semi-major (equatorial) axis, m. Defining constant of WGS84. */
export const WGS84_A_M = 6378137;
/** Flattening f = (a − b) / a. Defining constant of WGS84. */
export const WGS84_F = 1 / 298.257223563;
/** Semi-minor (polar) axis b = a(1 − f), m. */
export const WGS84_B_M = WGS84_A_M * (1 - WGS84_F);
/** First eccentricity squared e² = f(2 − f). */
export const WGS84_E2 = WGS84_F * (2 - WGS84_F);
/** Second eccentricity squared e′² = e² / (1 − e²). */
export const WGS84_EP2 = WGS84_E2 / (1 - WGS84_E2);

const ONE_MINUS_F = 1 - WGS84_F;
const ONE_MINUS_E2 = 1 - WGS84_E2;
const E2_A = WGS84_E2 * WGS84_A_M;
const EP2_B = WGS84_EP2 * WGS84_B_M;

/**
 * One Bowring pass from the starting guess below leaves ≤ 1e-9 rad at 1000 km height (≤ 1e-13 rad
 * near the surface) and the second reaches roundoff, so the loop normally ends after 2–3 passes.
 * The cap only guards against a value that keeps flipping its last bit.
 */
const MAX_ITERATIONS = 8;
/**
 * A few ulps of a unit vector (≈ 6 nm at the Earth's surface). Because each pass shrinks the
 * error by orders of magnitude, a step this small means the previous answer was already exact;
 * a tighter tolerance would just spin on last-bit flips.
 */
const CONVERGENCE_TOL = 1e-15;

/**
 * Prime-vertical radius of curvature N(φ) = a / √(1 − e² sin²φ), m.
 * @param latRad geodetic latitude, rad
 */
export function primeVerticalRadiusM(latRad: number): number {
  const s = Math.sin(latRad);
  return WGS84_A_M / Math.sqrt(1 - WGS84_E2 * s * s);
}

/**
 * Meridional radius of curvature M(φ) = a(1 − e²) / (1 − e² sin²φ)^{3/2}, m.
 * @param latRad geodetic latitude, rad
 */
export function meridionalRadiusM(latRad: number): number {
  const s = Math.sin(latRad);
  const w2 = 1 - WGS84_E2 * s * s;
  return (WGS84_A_M * ONE_MINUS_E2) / (w2 * Math.sqrt(w2));
}

/**
 * Geodetic (latitude, longitude, height above ellipsoid) → ECEF, exact.
 * @param latRad geodetic latitude, rad
 * @param lonRad longitude, rad (any range)
 * @param heightAboveEllipsoidM height above the WGS84 ellipsoid, m
 * @param out receives [x, y, z] in metres
 * @returns `out`
 */
export function geodeticToEcef(
  latRad: number,
  lonRad: number,
  heightAboveEllipsoidM: number,
  out: Float64Array,
): Float64Array {
  const sLat = Math.sin(latRad);
  const cLat = Math.cos(latRad);
  const n = WGS84_A_M / Math.sqrt(1 - WGS84_E2 * sLat * sLat);
  const r = (n + heightAboveEllipsoidM) * cLat;
  out[0] = r * Math.cos(lonRad);
  out[1] = r * Math.sin(lonRad);
  out[2] = (n * ONE_MINUS_E2 + heightAboveEllipsoidM) * sLat;
  return out;
}

/**
 * ECEF → geodetic (latitude, longitude, height above ellipsoid), accurate to roundoff
 * (≪ 1 mm) for heights from well below the surface (−10 km and deeper) to beyond 1000 km,
 * including the poles and the equator. Not intended for points near the Earth's centre.
 *
 * Bowring's reduced-latitude iteration is used rather than a closed form: the closed forms
 * (Vermeille, Heikkinen) lose digits to cancellation in some regions unless carefully
 * re-arranged, whereas this fixed-point iteration is well conditioned wherever the point is
 * outside the evolute of the ellipse (|distance from centre| ≳ 43 km).
 *
 * @param x ECEF x, m
 * @param y ECEF y, m
 * @param z ECEF z, m
 * @param out receives [latRad, lonRad, heightAboveEllipsoidM]; lon in (−π, π]
 * @returns `out`
 */
export function ecefToGeodetic(x: number, y: number, z: number, out: Float64Array): Float64Array {
  const p = Math.hypot(x, y);

  // Reduced latitude β is carried as an un-normalised (cos, sin) pair to avoid trig in the loop.
  // Start from tan β = z / ((1 − f) p), exact for a point on the surface, so the first pass is
  // already close even at 1000 km height.
  let cb = ONE_MINUS_F * p;
  let sb = z;
  let norm = Math.hypot(cb, sb);
  cb /= norm;
  sb /= norm;

  // Un-normalised (cos φ, sin φ) of the geodetic latitude.
  let cLat = 0;
  let sLat = 0;
  for (let i = 0; i < MAX_ITERATIONS; i++) {
    sLat = z + EP2_B * sb * sb * sb;
    cLat = p - E2_A * cb * cb * cb;
    // tan β = (1 − f) tan φ
    let ncb = cLat;
    let nsb = ONE_MINUS_F * sLat;
    norm = Math.hypot(ncb, nsb);
    ncb /= norm;
    nsb /= norm;
    const change = Math.abs(ncb - cb) + Math.abs(nsb - sb);
    cb = ncb;
    sb = nsb;
    if (change < CONVERGENCE_TOL) break;
  }

  norm = Math.hypot(cLat, sLat);
  cLat /= norm;
  sLat /= norm;

  // This height formula has no 1/cos φ or 1/sin φ term, so it stays exact at the poles and the
  // equator alike (the textbook p/cos φ − N blows up at the poles).
  const h = p * cLat + z * sLat - WGS84_A_M * Math.sqrt(1 - WGS84_E2 * sLat * sLat);

  out[0] = Math.atan2(sLat, cLat);
  out[1] = Math.atan2(y, x);
  out[2] = h;
  return out;
}
