import { describe, expect, it } from 'vitest';
import { geodesicInverse } from '../../src/geo/index.js';
import { siteOfScenario } from '../../src/pipeline/site.js';
import { coveragePolygon, sectorBounds, sensorInfo } from '../../src/server/geometry.js';
import { loadSimScenario } from '../../src/sim/scenario.js';

/** Twice the signed area of a lon/lat ring (positive: counter-clockwise). */
function signedArea(ring: number[][]): number {
  let a = 0;
  for (let i = 0; i + 1 < ring.length; i++) a += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1];
  return a;
}

describe('sensor coverage outlines', () => {
  it('a full-circle coverage is a closed, counter-clockwise geodesic circle of the sensor range', () => {
    const p = coveragePolygon(26.1, -98.26, 5000);
    const ring = p.coordinates[0];
    expect(p.type).toBe('Polygon');
    expect(ring[0]).toEqual(ring[ring.length - 1]);
    expect(signedArea(ring)).toBeGreaterThan(0);
    for (const [lon, lat] of ring) expect(geodesicInverse(26.1, -98.26, lat, lon).distanceM).toBeCloseTo(5000, 3);
  });

  it('a sector runs from the sensor out to the range between boresight ± width/2', () => {
    const ring = coveragePolygon(26.1, -98.26, 3000, 180, 90).coordinates[0];
    expect(ring[0]).toEqual(ring[ring.length - 1]);
    expect(signedArea(ring)).toBeGreaterThan(0);
    const arc = ring.filter(([lon, lat]) => !(lon === -98.26 && lat === 26.1));
    expect(arc.length).toBe(ring.length - 2); // the apex appears twice (open and close)
    for (const [lon, lat] of arc) {
      const g = geodesicInverse(26.1, -98.26, lat, lon);
      expect(g.distanceM).toBeCloseTo(3000, 3);
      expect(g.initialAzimuthDeg).toBeGreaterThanOrEqual(135 - 1e-9);
      expect(g.initialAzimuthDeg).toBeLessThanOrEqual(225 + 1e-9);
    }
  });

  it('radar and EO/IR sectors come from their configs', () => {
    const site = siteOfScenario(loadSimScenario('border-night'));
    const radar = site.sensors.find((s) => s.kind === 'radar')!;
    const narrow = sensorInfo({ ...radar, boresightAzimuthDeg: 200, azimuthWidthDeg: 120 } as typeof radar);
    expect(narrow.azimuthWidthDeg).toBe(120);
    expect(narrow.boresightAzimuthDeg).toBe(200);
    expect(narrow.coverage.coordinates[0][0]).toEqual([radar.position.lonDeg, radar.position.latDeg]);
    const eoir = sensorInfo(site.sensors.find((s) => s.kind === 'eoir')!);
    expect(eoir.azimuthWidthDeg).toBe(360); // unrestricted pan
    expect(eoir.homeCoverage?.type).toBe('Polygon');
  });
});

describe('sector bounds', () => {
  it('enclose the region converted exactly from ENU, around the origin', () => {
    const site = siteOfScenario(loadSimScenario('border-night'));
    const [[w, s], [e, n]] = sectorBounds(site);
    expect(w).toBeLessThan(site.origin.lonDeg);
    expect(e).toBeGreaterThan(site.origin.lonDeg);
    expect(s).toBeLessThan(site.origin.latDeg);
    expect(n).toBeGreaterThan(site.origin.latDeg);
    // 17 km east-west, 14 km north-south (border-night's region).
    expect(geodesicInverse(site.origin.latDeg, w, site.origin.latDeg, e).distanceM).toBeGreaterThan(16_900);
    expect(geodesicInverse(s, site.origin.lonDeg, n, site.origin.lonDeg).distanceM).toBeCloseTo(14_000, -2);
  });

  it('fall back to the ground sensors\' coverage without a region', () => {
    const site = { ...siteOfScenario(loadSimScenario('border-night')), region: null };
    const [[w, s], [e, n]] = sectorBounds(site);
    expect(e - w).toBeGreaterThan(0.1);
    expect(e - w).toBeLessThan(0.3); // ADS-B's 150 km is left out
    expect(n - s).toBeGreaterThan(0.05);
  });
});
