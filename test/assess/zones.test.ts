import { describe, expect, it } from 'vitest';
import { LocalFrame } from '../../src/geo/enu.js';
import { pointSegmentDistance } from '../../src/assess/geometry.js';
import { ZoneError, areaContains, areaSignedDistance, timeToArea, zonesFromGeoJson } from '../../src/assess/zones.js';
import { zonesOf } from '../../src/pipeline/site.js';
import { loadSimScenario } from '../../src/sim/scenario.js';
import { Simulation } from '../../src/sim/simulator.js';
import { straightBorder } from './helpers.js';

const origin = { latDeg: 26.09, lonDeg: -98.25, heightAboveEllipsoidM: 10 };
const frame = LocalFrame.fromDegrees(origin);

function geoJson() {
  return {
    type: 'FeatureCollection',
    features: [
      {
        type: 'Feature', geometry: { type: 'LineString', coordinates: [[-98.3, 26.09], [-98.25, 26.085], [-98.2, 26.09]] },
        properties: { kind: 'border', name: 'river', sides: { north: 'US', south: 'MX' }, protected: 'US', criticality: 'high' },
      },
      { type: 'Feature', geometry: { type: 'Point', coordinates: [-98.25, 26.1] }, properties: { kind: 'protected-site', id: 'poe', name: 'Port', radiusM: 250, criticality: 'critical' } },
      {
        type: 'Feature', geometry: { type: 'Polygon', coordinates: [[[-98.24, 26.1], [-98.23, 26.1], [-98.23, 26.11], [-98.24, 26.11], [-98.24, 26.1]]] },
        properties: { kind: 'no-fly', id: 'station', ceilingM: 120 },
      },
      { type: 'Feature', geometry: { type: 'Point', coordinates: [-98.2, 26.2] }, properties: { kind: 'something-else' } },
    ],
  };
}

describe('zones from GeoJSON', () => {
  it('reads the border with its named sides, point-and-radius sites and polygons into the sector frame', () => {
    const z = zonesFromGeoJson(geoJson(), frame);
    const b = z.border!;
    expect(b.leftName).toBe('US'); // the line runs eastward, so north is its left
    expect(b.protectedName).toBe('US');
    expect(b.farName).toBe('MX');
    const p = frame.geodeticToEnu(26.1, -98.25, 10, new Float64Array(3));
    expect(b.sideName(p[0], p[1])).toBe('US');
    const q = frame.geodeticToEnu(26.07, -98.25, 10, new Float64Array(3));
    expect(b.sideName(q[0], q[1])).toBe('MX');
    expect(b.signedDistance(p[0], p[1])).toBeGreaterThan(0);
    expect(b.signedDistance(q[0], q[1])).toBeLessThan(0);
    expect(z.areas.map((a) => a.id)).toEqual(['poe', 'station']);
    expect(z.areas[1].criticality).toBe('medium'); // the default for a no-fly area
    expect(areaContains(z.areas[0], p[0], p[1])).toBe(true);
    expect(areaSignedDistance(z.areas[0], p[0] + 300, p[1])).toBeCloseTo(50, 3);
    const s = frame.geodeticToEnu(26.105, -98.235, 10, new Float64Array(3));
    expect(z.areasAt(s[0], s[1], 50).map((a) => a.id)).toEqual(['station']);
    expect(z.areasAt(s[0], s[1], 200).map((a) => a.id)).toEqual([]); // above its ceiling
  });

  it('names what is wrong with a bad feature', () => {
    const bad = geoJson();
    (bad.features[1].properties as Record<string, unknown>).radiusM = -1;
    expect(() => zonesFromGeoJson(bad, frame)).toThrow(ZoneError);
    expect(() => zonesFromGeoJson(bad, frame)).toThrow(/features\[1\] \(Port\): a Point zone needs properties.radiusM/);
    const noSides = geoJson();
    (noSides.features[0].properties as Record<string, unknown>).sides = {};
    expect(() => zonesFromGeoJson(noSides, frame)).toThrow(/sides/);
    expect(() => zonesFromGeoJson({ type: 'Feature' }, frame)).toThrow(/FeatureCollection/);
  });

  it('predicts entry into a circular zone', () => {
    const z = zonesFromGeoJson(geoJson(), frame);
    const c = z.areas[0].shape.kind === 'circle' ? z.areas[0].shape.centre : { e: 0, n: 0 };
    const r = timeToArea(z.areas[0], c.e - 1250, c.n, 10, 0, 300);
    expect(r.t).toBeCloseTo(100, 6);
  });
});

describe('the border line', () => {
  it('distance agrees exactly with a brute-force search over the segments', () => {
    const z = zonesOf(loadSimScenario('border-night'), frame);
    const b = z.border!;
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    for (let k = 0; k < 3000; k++) {
      const e = -15_000 + 30_000 * rnd(), n = -10_000 + 20_000 * rnd();
      let best = Infinity;
      for (let s = 0; s + 1 < b.e.length; s++) best = Math.min(best, pointSegmentDistance(e, n, b.e[s], b.n[s], b.e[s + 1], b.n[s + 1]));
      const tol = 1e-6;
      expect(Math.abs(b.nearest(e, n).distanceM - best)).toBeLessThan(tol);
      expect(Math.abs(Math.abs(b.signedDistance(e, n)) - best)).toBeLessThan(tol);
    }
  });

  it('puts the sides where the simulator truth does (the real Rio Grande)', () => {
    const scenario = loadSimScenario('border-night');
    const sim = new Simulation(scenario, { durationS: 1 });
    const truth = sim.world.border!;
    const b = zonesOf(scenario, sim.world.frame).border!;
    expect(b.protectedName).toBe('US');
    let seed = 3;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    for (let k = 0; k < 2000; k++) {
      const e = -8000 + 17_000 * rnd(), n = -6000 + 14_000 * rnd();
      expect(b.isLeft(e, n)).toBe(truth.isLeft(e, n));
    }
  });

  it('finds where a move crosses it and how fast a track closes on it', () => {
    const b = straightBorder();
    const c = b.crossing(0, -100, 0, 100)!;
    expect(c.fraction).toBeCloseTo(0.5, 12);
    expect(b.crossing(0, -100, 0, -50)).toBeNull();
    const cl = b.closing(0, -100, 0, 10);
    expect(cl.distanceM).toBeCloseTo(100, 9);
    expect(cl.closingMps).toBeCloseTo(10, 9);
  });
});
