import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import geographiclib from 'geographiclib-geodesic';
import {
  WGS84_A_M,
  WGS84_B_M,
  WGS84_F,
  ecefToGeodetic,
  geodeticToEcef,
  meridionalRadiusM,
  primeVerticalRadiusM,
} from '../../src/geo/index.js';

const DEG = Math.PI / 180;

/** Wraps an angle difference to (−π, π] so ±180° longitudes compare as equal. */
function wrapRad(d: number): number {
  return Math.atan2(Math.sin(d), Math.cos(d));
}

/**
 * Horizontal position error in metres between two geodetic points close to each other, using
 * the local radii of curvature so that a longitude error near a pole counts for (almost) nothing,
 * as it should.
 */
function horizontalErrorM(latRad: number, hM: number, dLatRad: number, dLonRad: number): number {
  const north = dLatRad * (meridionalRadiusM(latRad) + hM);
  const east = wrapRad(dLonRad) * (primeVerticalRadiusM(latRad) + hM) * Math.cos(latRad);
  return Math.hypot(north, east);
}

describe('WGS84 constants', () => {
  it('match the defining values and GeographicLib', () => {
    expect(WGS84_A_M).toBe(6378137);
    expect(1 / WGS84_F).toBe(298.257223563);
    expect(geographiclib.Constants.WGS84.a).toBe(WGS84_A_M);
    expect(geographiclib.Constants.WGS84.f).toBe(WGS84_F);
    expect(WGS84_B_M).toBeCloseTo(6356752.314245, 6);
  });
});

describe('geodeticToEcef golden values', () => {
  const out = new Float64Array(3);

  it('puts (0°, 0°, 0 m) on the x axis at the equatorial radius', () => {
    geodeticToEcef(0, 0, 0, out);
    expect(out[0]).toBe(6378137);
    expect(out[1]).toBe(0);
    expect(out[2]).toBe(0);
  });

  it('puts (0°, 90°, 1000 m) on the y axis', () => {
    geodeticToEcef(0, 90 * DEG, 1000, out);
    expect(Math.abs(out[0])).toBeLessThan(1e-6);
    expect(out[1]).toBeCloseTo(6379137, 6);
    expect(out[2]).toBe(0);
  });

  it('puts the north and south poles on the z axis at the polar radius', () => {
    geodeticToEcef(90 * DEG, 0, 0, out);
    expect(Math.abs(out[0])).toBeLessThan(1e-6);
    expect(out[1]).toBe(0);
    expect(out[2]).toBeCloseTo(6356752.314245, 6);
    geodeticToEcef(-90 * DEG, 123 * DEG, 0, out);
    expect(out[2]).toBeCloseTo(-6356752.314245, 6);
  });

  it('matches the GeographicLib CartConvert documentation example (33.3°, 44.4°, 6000 m)', () => {
    // `echo 33.3 44.4 6000 | CartConvert` => 3816209.60 3737108.55 3485109.57
    geodeticToEcef(33.3 * DEG, 44.4 * DEG, 6000, out);
    expect(out[0]).toBeCloseTo(3816209.6, 2);
    expect(out[1]).toBeCloseTo(3737108.55, 2);
    expect(out[2]).toBeCloseTo(3485109.57, 2);
  });
});

describe('ecefToGeodetic golden values', () => {
  const out = new Float64Array(3);

  it('recovers the poles exactly, height included', () => {
    ecefToGeodetic(0, 0, 6356752.314245 + 500, out);
    expect(out[0]).toBe(Math.PI / 2);
    expect(out[2]).toBeCloseTo(500, 6);
    ecefToGeodetic(0, 0, -(6356752.314245 - 10_000), out);
    expect(out[0]).toBe(-Math.PI / 2);
    expect(out[2]).toBeCloseTo(-10_000, 6);
  });

  it('recovers points on the equator with zero latitude', () => {
    ecefToGeodetic(-(6378137 + 1_000_000), 0, 0, out);
    expect(out[0]).toBe(0);
    expect(Math.abs(out[1])).toBeCloseTo(Math.PI, 15);
    expect(out[2]).toBeCloseTo(1_000_000, 6);
  });

  it('inverts the CartConvert documentation example', () => {
    ecefToGeodetic(3816209.6044930913, 3737108.5502542644, 3485109.572568041, out);
    expect(out[0] / DEG).toBeCloseTo(33.3, 11);
    expect(out[1] / DEG).toBeCloseTo(44.4, 11);
    expect(out[2]).toBeCloseTo(6000, 6);
  });
});

describe('geodetic → ECEF → geodetic round trip', () => {
  const latDeg = fc.double({ min: -90, max: 90, noNaN: true });
  const lonDeg = fc.double({ min: -180, max: 180, noNaN: true });
  const hM = fc.double({ min: -10_000, max: 1_000_000, noNaN: true });

  it('is within 1 mm horizontally and vertically anywhere from −10 km to +1000 km', () => {
    const ecef = new Float64Array(3);
    const geo = new Float64Array(3);
    fc.assert(
      fc.property(latDeg, lonDeg, hM, (lat, lon, h) => {
        const latRad = lat * DEG;
        const lonRad = lon * DEG;
        geodeticToEcef(latRad, lonRad, h, ecef);
        ecefToGeodetic(ecef[0], ecef[1], ecef[2], geo);
        expect(Math.abs(geo[2] - h)).toBeLessThan(1e-3);
        expect(horizontalErrorM(latRad, h, geo[0] - latRad, geo[1] - lonRad)).toBeLessThan(1e-3);
        // Latitude alone must also be near machine precision, not merely sub-millimetre.
        expect(Math.abs(geo[0] - latRad)).toBeLessThan(1e-10);
      }),
      { numRuns: 20_000 },
    );
  });

  it('stays at the nanometre level, far below the 1 mm requirement', () => {
    const ecef = new Float64Array(3);
    const geo = new Float64Array(3);
    let worstM = 0;
    fc.assert(
      fc.property(latDeg, lonDeg, hM, (lat, lon, h) => {
        const latRad = lat * DEG;
        geodeticToEcef(latRad, lon * DEG, h, ecef);
        ecefToGeodetic(ecef[0], ecef[1], ecef[2], geo);
        const err = Math.max(Math.abs(geo[2] - h), horizontalErrorM(latRad, h, geo[0] - latRad, geo[1] - lon * DEG));
        worstM = Math.max(worstM, err);
      }),
      { numRuns: 20_000 },
    );
    expect(worstM).toBeLessThan(1e-6);
  });

  it('handles the exact poles, the equator and the antimeridian', () => {
    const ecef = new Float64Array(3);
    const geo = new Float64Array(3);
    for (const lat of [-90, -89.999999, 0, 1e-12, 89.999999, 90]) {
      for (const lon of [-180, -90, 0, 90, 180]) {
        for (const h of [-10_000, 0, 100, 1_000_000]) {
          const latRad = lat * DEG;
          geodeticToEcef(latRad, lon * DEG, h, ecef);
          ecefToGeodetic(ecef[0], ecef[1], ecef[2], geo);
          expect(Math.abs(geo[2] - h)).toBeLessThan(1e-6);
          expect(horizontalErrorM(latRad, h, geo[0] - latRad, geo[1] - lon * DEG)).toBeLessThan(1e-6);
        }
      }
    }
  });
});

describe('ecefToGeodetic on arbitrary ECEF points', () => {
  it('returns a geodetic point that maps back to the same ECEF position', () => {
    // Generates ECEF points directly (not via geodeticToEcef) so the inverse is exercised on
    // inputs the forward function did not shape.
    const dir = fc.tuple(
      fc.double({ min: -1, max: 1, noNaN: true }),
      fc.double({ min: -1, max: 1, noNaN: true }),
      fc.double({ min: -1, max: 1, noNaN: true }),
    ).filter(([x, y, z]) => Math.hypot(x, y, z) > 1e-3);
    const radius = fc.double({ min: 6_346_000, max: 7_400_000, noNaN: true });
    const geo = new Float64Array(3);
    const back = new Float64Array(3);
    fc.assert(
      fc.property(dir, radius, ([dx, dy, dz], r) => {
        const s = r / Math.hypot(dx, dy, dz);
        const x = dx * s;
        const y = dy * s;
        const z = dz * s;
        ecefToGeodetic(x, y, z, geo);
        geodeticToEcef(geo[0], geo[1], geo[2], back);
        expect(Math.hypot(back[0] - x, back[1] - y, back[2] - z)).toBeLessThan(1e-6);
      }),
      { numRuns: 10_000 },
    );
  });
});
