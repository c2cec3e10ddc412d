import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  covarianceEllipse, mahalanobis2d, mahalanobis3, pointInRing, ringFrom, segmentIntersection, timeToCircle, timeToRing, wrapPi,
} from '../../src/assess/geometry.js';

/** Reference point-in-polygon: the winding number, summing the signed angles the edges subtend. */
function windingInside(pts: { e: number; n: number }[], x: number, y: number): boolean {
  let total = 0;
  for (let i = 0; i < pts.length; i++) {
    const a = pts[i], b = pts[(i + 1) % pts.length];
    const a1 = Math.atan2(a.n - y, a.e - x), a2 = Math.atan2(b.n - y, b.e - x);
    let d = a2 - a1;
    while (d > Math.PI) d -= 2 * Math.PI;
    while (d < -Math.PI) d += 2 * Math.PI;
    total += d;
  }
  return Math.abs(total) > Math.PI;
}

/** A simple (star-shaped, hence non-self-intersecting) polygon from sorted angles and radii. */
const starPolygon = fc
  .array(fc.record({ a: fc.double({ min: 0, max: 2 * Math.PI, noNaN: true }), r: fc.double({ min: 50, max: 1000, noNaN: true }) }), { minLength: 3, maxLength: 24 })
  .map((vs) => {
    const sorted = [...vs].sort((p, q) => p.a - q.a);
    const out: { e: number; n: number }[] = [];
    for (const v of sorted) if (!out.length || Math.abs(v.a - sorted[out.length - 1].a) > 1e-6) out.push({ e: 300 + v.r * Math.sin(v.a), n: -200 + v.r * Math.cos(v.a) });
    return out;
  })
  .filter((p) => p.length >= 3);

describe('point in polygon', () => {
  it('agrees with the winding-number reference on random star polygons and points', () => {
    fc.assert(
      fc.property(starPolygon, fc.double({ min: -1000, max: 1600, noNaN: true }), fc.double({ min: -1500, max: 1100, noNaN: true }), (poly, x, y) => {
        const ring = ringFrom(poly);
        // Points within a hair of an edge may go either way in either method; skip them.
        for (let i = 0; i < poly.length; i++) {
          const a = poly[i], b = poly[(i + 1) % poly.length];
          const dx = b.e - a.e, dy = b.n - a.n, l2 = dx * dx + dy * dy;
          const t = Math.max(0, Math.min(1, ((x - a.e) * dx + (y - a.n) * dy) / l2));
          if (Math.hypot(x - a.e - t * dx, y - a.n - t * dy) < 1e-6) return;
        }
        expect(pointInRing(ring, x, y)).toBe(windingInside(poly, x, y));
      }),
      { numRuns: 2000 },
    );
  });

  it('accepts a GeoJSON-style closed ring (first vertex repeated)', () => {
    const ring = ringFrom([{ e: 0, n: 0 }, { e: 10, n: 0 }, { e: 10, n: 10 }, { e: 0, n: 10 }, { e: 0, n: 0 }]);
    expect(ring.e.length).toBe(4);
    expect(pointInRing(ring, 5, 5)).toBe(true);
    expect(pointInRing(ring, 15, 5)).toBe(false);
  });
});

describe('segments and predictions', () => {
  it('finds where two segments cross and ignores parallel ones', () => {
    expect(segmentIntersection(0, -1, 0, 1, -1, 0, 1, 0)).toBeCloseTo(0.5, 12);
    expect(segmentIntersection(0, 0, 1, 0, 0, 1, 1, 1)).toBe(-1);
    expect(segmentIntersection(0, -1, 0, -0.5, -1, 0, 1, 0)).toBe(-1);
  });

  it('predicts the entry into a circle and the closest approach', () => {
    const r = timeToCircle(-1000, 0, 10, 0, 0, 0, 100);
    expect(r.t).toBeCloseTo(90, 9);
    expect(r.cpaM).toBeCloseTo(0, 9);
    const miss = timeToCircle(-1000, 500, 10, 0, 0, 0, 100);
    expect(miss.t).toBe(Infinity);
    expect(miss.cpaM).toBeCloseTo(500, 9);
    expect(timeToCircle(10, 0, 0, 0, 0, 0, 100).t).toBe(0);
  });

  it('predicts the entry into a polygon within a horizon', () => {
    const ring = ringFrom([{ e: 100, n: -50 }, { e: 200, n: -50 }, { e: 200, n: 50 }, { e: 100, n: 50 }]);
    expect(timeToRing(ring, 0, 0, 10, 0, 60).t).toBeCloseTo(10, 9);
    expect(timeToRing(ring, 0, 0, 10, 0, 5).t).toBe(Infinity);
    expect(timeToRing(ring, 150, 0, 0, 0, 60).t).toBe(0);
  });
});

describe('covariance ellipse and Mahalanobis distance', () => {
  it('gives the 95 % ellipse axes and the compass orientation of the major axis', () => {
    const k = Math.sqrt(-2 * Math.log(0.05));
    const east = covarianceEllipse({ e: 0, n: 0 }, 100, 0, 4);
    expect(east.semiMajorM).toBeCloseTo(10 * k, 9);
    expect(east.semiMinorM).toBeCloseTo(2 * k, 9);
    expect(east.orientationRad).toBeCloseTo(Math.PI / 2, 9); // along east
    const north = covarianceEllipse({ e: 0, n: 0 }, 4, 0, 100);
    expect(north.orientationRad).toBeCloseTo(0, 9);
    const diag = covarianceEllipse({ e: 0, n: 0 }, 50, 49, 50); // elongated along north-east
    expect(diag.orientationRad).toBeCloseTo(Math.PI / 4, 6);
  });

  it('property: the ellipse axes are the eigenvalues of the covariance', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.1, max: 1e4, noNaN: true }), fc.double({ min: 0.1, max: 1e4, noNaN: true }), fc.double({ min: -0.99, max: 0.99, noNaN: true }), (a, c, rho) => {
        const b = rho * Math.sqrt(a * c);
        const el = covarianceEllipse({ e: 0, n: 0 }, a, b, c, 0.95);
        const k = -2 * Math.log(0.05);
        const l1 = (el.semiMajorM ** 2) / k, l2 = (el.semiMinorM ** 2) / k;
        expect(l1 + l2).toBeCloseTo(a + c, 6 - Math.log10(a + c));
        expect(l1 * l2).toBeCloseTo(a * c - b * b, 4 - Math.log10(Math.max(1, a * c)));
      }),
    );
  });

  it('computes Mahalanobis² in 2-D and 3-D', () => {
    expect(mahalanobis2d(3, 4, 9, 0, 16)).toBeCloseTo(2, 12);
    expect(mahalanobis3([1, 2, 3], [1, 0, 0, 0, 4, 0, 0, 0, 9])).toBeCloseTo(3, 12);
    expect(wrapPi(3 * Math.PI)).toBeCloseTo(-Math.PI, 12);
  });
});
