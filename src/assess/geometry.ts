/**
 * Plane geometry in the sector's ENU frame (metres, east = x, north = y) for zones and
 * behaviour: point-in-polygon, distance to segments and polylines, the side of a polyline,
 * straight-line predictions into circles and polygons, and covariance ellipses.
 *
 * Everything here is pure and allocation-light: these run for every track at every assessment.
 */

/** A point in the sector plane [m]. */
export interface Point2 {
  e: number;
  n: number;
}

/** A simple polygon (ring without the closing repeat), vertex coordinates in typed arrays. */
export interface Ring {
  readonly e: Float64Array;
  readonly n: Float64Array;
}

/** Axis-aligned bounding box. */
export interface Bounds {
  minE: number;
  maxE: number;
  minN: number;
  maxN: number;
}

export function ringFrom(points: readonly Point2[]): Ring {
  let k = points.length;
  // GeoJSON rings repeat the first vertex at the end; the crossing-number test needs it once.
  if (k > 1 && points[0].e === points[k - 1].e && points[0].n === points[k - 1].n) k--;
  const e = new Float64Array(k), n = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    e[i] = points[i].e;
    n[i] = points[i].n;
  }
  return { e, n };
}

export function boundsOf(e: ArrayLike<number>, n: ArrayLike<number>): Bounds {
  const b: Bounds = { minE: Infinity, maxE: -Infinity, minN: Infinity, maxN: -Infinity };
  for (let i = 0; i < e.length; i++) {
    if (e[i] < b.minE) b.minE = e[i];
    if (e[i] > b.maxE) b.maxE = e[i];
    if (n[i] < b.minN) b.minN = n[i];
    if (n[i] > b.maxN) b.maxN = n[i];
  }
  return b;
}

/**
 * Crossing-number point-in-polygon (W. R. Franklin's PNPOLY). A point exactly on an edge may
 * fall either way, which is irrelevant for metre-scale tracks with metre-scale errors.
 */
export function pointInRing(ring: Ring, x: number, y: number): boolean {
  const pe = ring.e, pn = ring.n, m = pe.length;
  let inside = false;
  for (let i = 0, j = m - 1; i < m; j = i++) {
    if (pn[i] > y !== pn[j] > y && x < ((pe[j] - pe[i]) * (y - pn[i])) / (pn[j] - pn[i]) + pe[i]) inside = !inside;
  }
  return inside;
}

/** Distance from (x, y) to segment a–b. */
export function pointSegmentDistance(x: number, y: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax, dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 > 0 ? Math.min(1, Math.max(0, ((x - ax) * dx + (y - ay) * dy) / len2)) : 0;
  return Math.hypot(x - (ax + t * dx), y - (ay + t * dy));
}

/** Distance from (x, y) to a ring's boundary. */
export function distanceToRing(ring: Ring, x: number, y: number): number {
  const pe = ring.e, pn = ring.n, m = pe.length;
  let best = Infinity;
  for (let i = 0, j = m - 1; i < m; j = i++) {
    const d = pointSegmentDistance(x, y, pe[j], pn[j], pe[i], pn[i]);
    if (d < best) best = d;
  }
  return best;
}

/**
 * Parameter t ∈ [0, 1] along p0→p1 where it meets segment a→b, or −1. Parallel segments never
 * meet here (a move along the line is not a crossing of it).
 */
export function segmentIntersection(
  p0x: number, p0y: number, p1x: number, p1y: number,
  ax: number, ay: number, bx: number, by: number,
): number {
  const rx = p1x - p0x, ry = p1y - p0y, sx = bx - ax, sy = by - ay;
  const denom = rx * sy - ry * sx;
  if (denom === 0) return -1;
  const qx = ax - p0x, qy = ay - p0y;
  const t = (qx * sy - qy * sx) / denom;
  const u = (qx * ry - qy * rx) / denom;
  return t >= 0 && t <= 1 && u >= 0 && u <= 1 ? t : -1;
}

/**
 * Time [s] at which the straight motion p + v·t (t ≥ 0) first enters the circle (c, r), or
 * Infinity if it never does; 0 when already inside. Also the closest approach distance.
 */
export function timeToCircle(px: number, py: number, vx: number, vy: number, cx: number, cy: number, r: number): { t: number; cpaM: number; cpaT: number } {
  const dx = px - cx, dy = py - cy;
  const v2 = vx * vx + vy * vy;
  const d0 = Math.hypot(dx, dy);
  const tc = v2 > 1e-9 ? Math.max(0, -(dx * vx + dy * vy) / v2) : 0;
  const cpaM = Math.hypot(dx + vx * tc, dy + vy * tc);
  if (d0 <= r) return { t: 0, cpaM, cpaT: tc };
  if (v2 <= 1e-9 || cpaM > r) return { t: Infinity, cpaM, cpaT: tc };
  // |d + v t|² = r²  →  v² t² + 2 (d·v) t + |d|² − r² = 0, the smaller root.
  const b = dx * vx + dy * vy, c = d0 * d0 - r * r;
  const disc = b * b - v2 * c;
  const t = (-b - Math.sqrt(Math.max(0, disc))) / v2;
  return { t: Math.max(0, t), cpaM, cpaT: tc };
}

/**
 * Time [s] at which p + v·t first enters a polygon (0 if inside, Infinity if never within
 * `horizonS`), and the closest approach of the ray to the boundary within the horizon.
 */
export function timeToRing(ring: Ring, px: number, py: number, vx: number, vy: number, horizonS: number): { t: number; cpaM: number; cpaT: number } {
  if (pointInRing(ring, px, py)) return { t: 0, cpaM: 0, cpaT: 0 };
  const qx = px + vx * horizonS, qy = py + vy * horizonS;
  const pe = ring.e, pn = ring.n, m = pe.length;
  let first = Infinity;
  for (let i = 0, j = m - 1; i < m; j = i++) {
    const f = segmentIntersection(px, py, qx, qy, pe[j], pn[j], pe[i], pn[i]);
    if (f >= 0 && f * horizonS < first) first = f * horizonS;
  }
  // Closest approach: the nearest vertex-to-ray or ray-end-to-edge distance bounds it well
  // enough for "passing within X m" (polygons here are a few hundred metres across).
  let cpaM = Infinity, cpaT = 0;
  const v2 = vx * vx + vy * vy;
  for (let i = 0; i < m; i++) {
    const t = v2 > 1e-9 ? Math.min(horizonS, Math.max(0, ((pe[i] - px) * vx + (pn[i] - py) * vy) / v2)) : 0;
    const d = Math.hypot(px + vx * t - pe[i], py + vy * t - pn[i]);
    if (d < cpaM) {
      cpaM = d;
      cpaT = t;
    }
  }
  if (first < Infinity) cpaM = 0;
  return { t: first, cpaM, cpaT: first < Infinity ? first : cpaT };
}

/** An error ellipse in the plane: semi-axes [m] and the major axis' compass orientation. */
export interface Ellipse {
  centre: Point2;
  semiMajorM: number;
  semiMinorM: number;
  /** Direction of the major axis, radians clockwise from north in [0, π). */
  orientationRad: number;
  /** Probability mass inside the ellipse. */
  confidence: number;
}

/**
 * The `confidence` ellipse of a 2-D Gaussian with covariance [[pee, pen], [pen, pnn]]: semi-axes
 * √(k λ) with k = −2 ln(1 − confidence) (the χ²₂ quantile), along the eigenvectors.
 */
export function covarianceEllipse(centre: Point2, pee: number, pen: number, pnn: number, confidence = 0.95): Ellipse {
  const k = -2 * Math.log(1 - confidence);
  const tr = pee + pnn, det = pee * pnn - pen * pen;
  const disc = Math.sqrt(Math.max(0, (tr * tr) / 4 - det));
  const l1 = Math.max(0, tr / 2 + disc), l2 = Math.max(0, tr / 2 - disc);
  // Eigenvector of l1 in (east, north); its compass angle is atan2(east, north).
  let ve: number, vn: number;
  if (Math.abs(pen) > 1e-12) {
    ve = l1 - pnn;
    vn = pen;
  } else if (pee >= pnn) {
    ve = 1;
    vn = 0;
  } else {
    ve = 0;
    vn = 1;
  }
  let az = Math.atan2(ve, vn);
  if (az < 0) az += Math.PI;
  if (az >= Math.PI) az -= Math.PI;
  return { centre, semiMajorM: Math.sqrt(k * l1), semiMinorM: Math.sqrt(k * l2), orientationRad: az, confidence };
}

/** Mahalanobis² of a 3-vector against a 3×3 covariance (row-major); NaN when singular. */
export function mahalanobis3(d: ArrayLike<number>, S: ArrayLike<number>): number {
  const a = S[0], b = S[1], c = S[2], e = S[4], f = S[5], i = S[8];
  // Symmetric inverse by cofactors.
  const A = e * i - f * f, B = -(b * i - c * f), C = b * f - c * e;
  const det = a * A + b * B + c * C;
  if (!(Math.abs(det) > 1e-300)) return NaN;
  const E = a * i - c * c, F = -(a * f - b * c), I = a * e - b * b;
  const x = d[0], y = d[1], z = d[2];
  return (A * x * x + E * y * y + I * z * z + 2 * (B * x * y + C * x * z + F * y * z)) / det;
}

/** Mahalanobis² of a 2-vector against a 2×2 covariance [[a, b], [b, c]]. */
export function mahalanobis2d(dx: number, dy: number, a: number, b: number, c: number): number {
  const det = a * c - b * b;
  if (!(det > 1e-300)) return NaN;
  return (c * dx * dx - 2 * b * dx * dy + a * dy * dy) / det;
}

/** Compass bearing (radians clockwise from north, [0, 2π)) of a plane vector. */
export function compass(e: number, n: number): number {
  const a = Math.atan2(e, n);
  return a < 0 ? a + 2 * Math.PI : a;
}

/** Wraps an angle to [−π, π). */
export function wrapPi(a: number): number {
  return a - 2 * Math.PI * Math.floor((a + Math.PI) / (2 * Math.PI));
}
