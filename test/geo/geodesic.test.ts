import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { geodesicDirect, geodesicDistanceM, geodesicInverse, normalizeBearingDeg } from '../../src/geo/index.js';

/** Degrees-minutes-seconds to decimal degrees. */
function dms(d: number, m: number, s: number): number {
  return d + m / 60 + s / 3600;
}

/** Smallest absolute difference between two bearings, degrees. */
function bearingDiffDeg(a: number, b: number): number {
  const d = Math.abs(a - b) % 360;
  return Math.min(d, 360 - d);
}

/**
 * Bearing tolerance for a geodesic of length `distanceM`. End points round-trip through double
 * precision degrees (~1e-9 m), which tilts a short line by up to that over its length, so the
 * tolerance must widen as the line shortens.
 */
function azimuthTolDeg(distanceM: number): number {
  return 1e-8 + ((1e-8 / distanceM) * 180) / Math.PI;
}

describe('normalizeBearingDeg', () => {
  it('maps into [0, 360)', () => {
    expect(normalizeBearingDeg(-90)).toBe(270);
    expect(normalizeBearingDeg(180)).toBe(180);
    expect(normalizeBearingDeg(360)).toBe(0);
    expect(normalizeBearingDeg(-1e-15)).toBeLessThan(360);
    fc.assert(
      fc.property(fc.double({ min: -1e6, max: 1e6, noNaN: true }), (x) => {
        const b = normalizeBearingDeg(x);
        expect(b).toBeGreaterThanOrEqual(0);
        expect(b).toBeLessThan(360);
      }),
    );
  });
});

describe('geodesic golden values', () => {
  it('JFK → Singapore Changi matches the GeodSolve(1) manual example', () => {
    // `echo 40:38:23N 073:46:44W 01:21:33N 103:59:22E | GeodSolve -i -: -p 0`
    //   => 003:18:29.9 177:29:09.2 15347628
    const r = geodesicInverse(dms(40, 38, 23), -dms(73, 46, 44), dms(1, 21, 33), dms(103, 59, 22));
    expect(Math.abs(r.distanceM - 15347628)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(r.initialAzimuthDeg - dms(3, 18, 29.9))).toBeLessThan(0.05 / 3600);
    expect(Math.abs(r.finalAzimuthDeg - dms(177, 29, 9.2))).toBeLessThan(0.05 / 3600);
  });

  it('Wellington → Salamanca matches the geographiclib-geodesic README', () => {
    // README: "The distance is 19959679.267 m."
    expect(geodesicDistanceM(-41.32, 174.81, 40.96, -5.5)).toBeCloseTo(19959679.267, 3);
    expect(geodesicInverse(-41.32, 174.81, 40.96, -5.5).distanceM).toBeCloseTo(19959679.267, 3);
  });

  it('20000 km south-west of Perth matches the geographiclib-geodesic README', () => {
    // README: "The position is (32.11195529, -63.95925278)."
    const r = geodesicDirect(-32.06, 115.74, 225, 20000e3);
    expect(r.latDeg).toBeCloseTo(32.11195529, 8);
    expect(r.lonDeg).toBeCloseTo(-63.95925278, 8);
  });

  it('reports compass bearings in [0, 360)', () => {
    // Due west along the equator: GeographicLib says −90°, a compass says 270°.
    const r = geodesicInverse(0, 10, 0, 9);
    expect(r.initialAzimuthDeg).toBeCloseTo(270, 9);
    expect(r.finalAzimuthDeg).toBeCloseTo(270, 9);
    expect(r.distanceM).toBeCloseTo((6378137 * Math.PI) / 180, 6);
  });
});

describe('geodesic inverse/direct consistency', () => {
  const lat = fc.double({ min: -90, max: 90, noNaN: true });
  const lon = fc.double({ min: -180, max: 180, noNaN: true });

  it('the direct problem from the inverse azimuth lands on the target with the same final azimuth', () => {
    fc.assert(
      fc.property(lat, lon, lat, lon, (lat1, lon1, lat2, lon2) => {
        const inv = geodesicInverse(lat1, lon1, lat2, lon2);
        const dir = geodesicDirect(lat1, lon1, inv.initialAzimuthDeg, inv.distanceM);
        expect(geodesicDistanceM(dir.latDeg, dir.lonDeg, lat2, lon2)).toBeLessThan(1e-6);
        // Bearings are undefined at a pole, so only compare them away from the poles.
        if (Math.abs(lat1) < 89.9 && Math.abs(lat2) < 89.9 && inv.distanceM > 1) {
          expect(bearingDiffDeg(dir.finalAzimuthDeg, inv.finalAzimuthDeg)).toBeLessThan(azimuthTolDeg(inv.distanceM));
        }
      }),
      { numRuns: 2_000 },
    );
  });

  it('the inverse problem recovers the distance and azimuth of a direct solution', () => {
    // Below ~19 970 km (πb) every geodesic is still the shortest path, so the inverse must
    // return the same line.
    const azimuth = fc.double({ min: 0, max: 360, maxExcluded: true, noNaN: true });
    const dist = fc.double({ min: 1, max: 19_000_000, noNaN: true });
    const midLat = fc.double({ min: -89, max: 89, noNaN: true });
    fc.assert(
      fc.property(midLat, lon, azimuth, dist, (lat1, lon1, azi1, s) => {
        const dir = geodesicDirect(lat1, lon1, azi1, s);
        const inv = geodesicInverse(lat1, lon1, dir.latDeg, dir.lonDeg);
        expect(Math.abs(inv.distanceM - s)).toBeLessThan(1e-6);
        if (Math.abs(dir.latDeg) < 89.9) {
          expect(bearingDiffDeg(inv.initialAzimuthDeg, azi1)).toBeLessThan(azimuthTolDeg(s));
          expect(bearingDiffDeg(inv.finalAzimuthDeg, dir.finalAzimuthDeg)).toBeLessThan(azimuthTolDeg(s));
        }
      }),
      { numRuns: 2_000 },
    );
  });

  it('distance is symmetric and reversing the path flips the bearings by 180°', () => {
    fc.assert(
      fc.property(lat, lon, lat, lon, (lat1, lon1, lat2, lon2) => {
        const ab = geodesicInverse(lat1, lon1, lat2, lon2);
        const ba = geodesicInverse(lat2, lon2, lat1, lon1);
        expect(Math.abs(ab.distanceM - ba.distanceM)).toBeLessThan(1e-6);
        if (Math.abs(lat1) < 89.9 && Math.abs(lat2) < 89.9 && ab.distanceM > 1 && ab.distanceM < 19_000_000) {
          expect(bearingDiffDeg(ba.initialAzimuthDeg, ab.finalAzimuthDeg + 180)).toBeLessThan(azimuthTolDeg(ab.distanceM));
        }
      }),
      { numRuns: 2_000 },
    );
  });
});
