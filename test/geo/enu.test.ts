import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { LocalFrame, geodesicDirect, geodeticToEcef, meridionalRadiusM, WGS84_A_M } from '../../src/geo/index.js';

const DEG = Math.PI / 180;

const originArb = fc.record({
  latDeg: fc.double({ min: -90, max: 90, noNaN: true }),
  lonDeg: fc.double({ min: -180, max: 180, noNaN: true }),
  heightAboveEllipsoidM: fc.double({ min: -500, max: 9000, noNaN: true }),
});

/** A point within 100 km of the origin horizontally, from 1 km below to 30 km above its plane. */
const enuArb = fc
  .tuple(
    fc.double({ min: -100_000, max: 100_000, noNaN: true }),
    fc.double({ min: -100_000, max: 100_000, noNaN: true }),
    fc.double({ min: -1_000, max: 30_000, noNaN: true }),
  )
  .filter(([e, n]) => Math.hypot(e, n) <= 100_000);

describe('LocalFrame construction', () => {
  it('converts degrees at the edge and keeps radians inside', () => {
    const f = LocalFrame.fromDegrees({ latDeg: 45, lonDeg: -120, heightAboveEllipsoidM: 12 });
    expect(f.latRad).toBeCloseTo(Math.PI / 4, 15);
    expect(f.lonRad).toBeCloseTo((-2 * Math.PI) / 3, 15);
    expect(f.heightAboveEllipsoidM).toBe(12);
  });

  it('rejects a latitude beyond the poles and non-finite input', () => {
    expect(() => LocalFrame.fromDegrees({ latDeg: 91, lonDeg: 0, heightAboveEllipsoidM: 0 })).toThrow(RangeError);
    expect(() => new LocalFrame({ latRad: Number.NaN, lonRad: 0, heightAboveEllipsoidM: 0 })).toThrow(RangeError);
  });

  it('has an orthonormal rotation with determinant +1 (right-handed ENU)', () => {
    fc.assert(
      fc.property(originArb, (origin) => {
        const r = LocalFrame.fromDegrees(origin).ecefToEnuRotation;
        for (let i = 0; i < 3; i++) {
          for (let j = 0; j < 3; j++) {
            const dot = r[i * 3] * r[j * 3] + r[i * 3 + 1] * r[j * 3 + 1] + r[i * 3 + 2] * r[j * 3 + 2];
            expect(Math.abs(dot - (i === j ? 1 : 0))).toBeLessThan(1e-15);
          }
        }
        const det =
          r[0] * (r[4] * r[8] - r[5] * r[7]) - r[1] * (r[3] * r[8] - r[5] * r[6]) + r[2] * (r[3] * r[7] - r[4] * r[6]);
        expect(det).toBeCloseTo(1, 14);
      }),
    );
  });
});

describe('LocalFrame golden values', () => {
  const out = new Float64Array(3);

  it('maps the origin to (0, 0, 0) and a point straight up to (0, 0, Δh)', () => {
    const f = LocalFrame.fromDegrees({ latDeg: 52.1, lonDeg: 4.3, heightAboveEllipsoidM: 40 });
    f.geodeticToEnu(52.1, 4.3, 40, out);
    expect(Math.hypot(out[0], out[1], out[2])).toBeLessThan(1e-9);
    f.geodeticToEnu(52.1, 4.3, 140, out);
    expect(Math.abs(out[0])).toBeLessThan(1e-9);
    expect(Math.abs(out[1])).toBeLessThan(1e-9);
    expect(out[2]).toBeCloseTo(100, 9);
  });

  it('matches the GeographicLib CartConvert local-cartesian documentation example', () => {
    // `echo 33.3 44.4 6000 | CartConvert -l 33 44 20` => 37288.97 33374.29 5783.64
    // The manual's printed u is 6.6 mm below the exact value (5783.6466155, from evaluating the
    // same definition with 40-digit arithmetic), so the manual is held to 1 cm and the
    // high-precision reference to 1 µm.
    const f = LocalFrame.fromDegrees({ latDeg: 33, lonDeg: 44, heightAboveEllipsoidM: 20 });
    f.geodeticToEnu(33.3, 44.4, 6000, out);
    expect(Math.abs(out[0] - 37288.97)).toBeLessThan(0.01);
    expect(Math.abs(out[1] - 33374.29)).toBeLessThan(0.01);
    expect(Math.abs(out[2] - 5783.64)).toBeLessThan(0.01);
    expect(out[0]).toBeCloseTo(37288.97319662323, 6);
    expect(out[1]).toBeCloseTo(33374.29494690436, 6);
    expect(out[2]).toBeCloseTo(5783.646615518183, 6);
  });

  it('places a point on the equator from the circle geometry of the equator', () => {
    // The equator is a circle of radius a, so a point λ east of an equatorial origin sits at
    // e = a sin λ and drops below the tangent plane by a(1 − cos λ).
    const f = LocalFrame.fromDegrees({ latDeg: 0, lonDeg: 0, heightAboveEllipsoidM: 0 });
    const lambda = 0.01;
    f.geodeticToEnu(0, lambda / DEG, 0, out);
    expect(out[0]).toBeCloseTo(WGS84_A_M * Math.sin(lambda), 6);
    expect(Math.abs(out[1])).toBeLessThan(1e-9);
    expect(out[2]).toBeCloseTo(-WGS84_A_M * (1 - Math.cos(lambda)), 6);
  });

  for (const latDeg of [0, 45, -60]) {
    it(`places a point 1000 m due north along the meridian (origin at ${latDeg}°)`, () => {
      // Over 1 km the meridian is its osculating circle of radius M to ~1e-7 m, so the chord
      // gives n = M sin(s/M) ≈ s − s³/6M² and u = −M(1 − cos(s/M)) ≈ −s²/2M (about −7.9 cm).
      const s = 1000;
      const f = LocalFrame.fromDegrees({ latDeg, lonDeg: 10, heightAboveEllipsoidM: 0 });
      const p = geodesicDirect(latDeg, 10, 0, s);
      f.geodeticToEnu(p.latDeg, p.lonDeg, 0, out);
      const m = meridionalRadiusM(latDeg * DEG);
      expect(Math.abs(out[0])).toBeLessThan(1e-6);
      expect(out[1]).toBeCloseTo(m * Math.sin(s / m), 5);
      expect(out[2]).toBeCloseTo(-m * (1 - Math.cos(s / m)), 5);
      expect(out[2]).toBeLessThan(-0.07);
    });
  }
});

describe('LocalFrame round trips', () => {
  it('ENU → geodetic → ENU within 1 mm for points within 100 km', () => {
    const geo = new Float64Array(3);
    const back = new Float64Array(3);
    fc.assert(
      fc.property(originArb, enuArb, (origin, [e, n, u]) => {
        const f = LocalFrame.fromDegrees(origin);
        f.enuToGeodetic(e, n, u, geo);
        f.geodeticToEnu(geo[0], geo[1], geo[2], back);
        expect(Math.hypot(back[0] - e, back[1] - n, back[2] - u)).toBeLessThan(1e-3);
      }),
      { numRuns: 5_000 },
    );
  });

  it('ENU → ECEF → ENU within 1 mm and preserves distances to the origin', () => {
    const ecef = new Float64Array(3);
    const back = new Float64Array(3);
    fc.assert(
      fc.property(originArb, enuArb, (origin, [e, n, u]) => {
        const f = LocalFrame.fromDegrees(origin);
        f.enuToEcef(e, n, u, ecef);
        const o = f.originEcef;
        expect(Math.abs(Math.hypot(ecef[0] - o[0], ecef[1] - o[1], ecef[2] - o[2]) - Math.hypot(e, n, u))).toBeLessThan(1e-6);
        f.ecefToEnu(ecef[0], ecef[1], ecef[2], back);
        expect(Math.hypot(back[0] - e, back[1] - n, back[2] - u)).toBeLessThan(1e-3);
      }),
      { numRuns: 5_000 },
    );
  });

  it('geodetic → ENU → geodetic within 1 mm for points within 100 km', () => {
    const enu = new Float64Array(3);
    const geo = new Float64Array(3);
    const p0 = new Float64Array(3);
    const p1 = new Float64Array(3);
    fc.assert(
      fc.property(originArb, enuArb, (origin, [e, n, u]) => {
        const f = LocalFrame.fromDegrees(origin);
        // Build a nearby geodetic point through the frame, then compare positions in ECEF so
        // longitude wrap-around and pole singularities cannot fake an error.
        const target = new Float64Array(3);
        f.enuToGeodetic(e, n, u, target);
        f.geodeticToEnu(target[0], target[1], target[2], enu);
        f.enuToGeodetic(enu[0], enu[1], enu[2], geo);
        geodeticToEcef(target[0] * DEG, target[1] * DEG, target[2], p0);
        geodeticToEcef(geo[0] * DEG, geo[1] * DEG, geo[2], p1);
        expect(Math.hypot(p1[0] - p0[0], p1[1] - p0[1], p1[2] - p0[2])).toBeLessThan(1e-3);
        expect(Math.abs(geo[2] - target[2])).toBeLessThan(1e-3);
      }),
      { numRuns: 5_000 },
    );
  });

  it('free-vector rotations are inverse to each other', () => {
    const a = new Float64Array(3);
    const b = new Float64Array(3);
    fc.assert(
      fc.property(originArb, enuArb, (origin, [e, n, u]) => {
        const f = LocalFrame.fromDegrees(origin);
        f.rotateEnuToEcef(e, n, u, a);
        f.rotateEcefToEnu(a[0], a[1], a[2], b);
        expect(Math.hypot(b[0] - e, b[1] - n, b[2] - u)).toBeLessThan(1e-9);
      }),
    );
  });
});

describe('LocalFrame covariance rotation', () => {
  it('ENU → ECEF → ENU restores the covariance and preserves trace and symmetry', () => {
    const sd = fc.double({ min: 0.1, max: 1000, noNaN: true });
    const corr = fc.double({ min: -0.9, max: 0.9, noNaN: true });
    const ecef = new Float64Array(9);
    const back = new Float64Array(9);
    fc.assert(
      fc.property(originArb, sd, sd, sd, corr, (origin, se, sn, su, rho) => {
        const f = LocalFrame.fromDegrees(origin);
        const c = Float64Array.of(se * se, rho * se * sn, 0, rho * se * sn, sn * sn, 0, 0, 0, su * su);
        f.covarianceEnuToEcef(c, ecef);
        const scale = Math.max(se, sn, su) ** 2;
        for (let i = 0; i < 3; i++) {
          for (let j = 0; j < 3; j++) expect(ecef[i * 3 + j]).toBe(ecef[j * 3 + i]);
        }
        expect(Math.abs(ecef[0] + ecef[4] + ecef[8] - (c[0] + c[4] + c[8]))).toBeLessThan(1e-12 * scale);
        f.covarianceEcefToEnu(ecef, back);
        for (let k = 0; k < 9; k++) expect(Math.abs(back[k] - c[k])).toBeLessThan(1e-12 * scale);
      }),
    );
  });

  it('turns a purely vertical ENU variance into variance along the ECEF normal', () => {
    const f = LocalFrame.fromDegrees({ latDeg: 0, lonDeg: 90, heightAboveEllipsoidM: 0 });
    const out = new Float64Array(9);
    // At (0°, 90°) "up" is +y in ECEF.
    f.covarianceEnuToEcef(Float64Array.of(0, 0, 0, 0, 0, 0, 0, 0, 4), out);
    expect(out[4]).toBeCloseTo(4, 14);
    expect(Math.abs(out[0]) + Math.abs(out[8])).toBeLessThan(1e-14);
  });
});
