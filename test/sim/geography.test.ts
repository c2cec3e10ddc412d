import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalFrame } from '../../src/geo/enu.js';
import { BorderGeometry, BUILTIN_SITES, loadBuiltinBorder, REFERENCE_POINTS, scenariosDir } from '../../src/sim/geography.js';

// A frame at the Hidalgo–Reynosa bridge: every check below is in metres on the real map.
const frame = LocalFrame.fromDegrees({ latDeg: 26.09, lonDeg: -98.25, heightAboveEllipsoidM: 10 });
const line = loadBuiltinBorder('rio-grande');
const border = new BorderGeometry(line, frame);
const p = new Float64Array(3);
const enu = (latDeg: number, lonDeg: number) => {
  frame.geodeticToEnu(latDeg, lonDeg, 10, p);
  return { e: p[0], n: p[1] };
};

describe('the Rio Grande border line', () => {
  it('is small, attributed to OpenStreetMap (ODbL) and names its sides', () => {
    expect(statSync(join(scenariosDir(), 'geography', 'rio-grande-border.geojson')).size).toBeLessThan(60_000);
    expect(line.attribution).toBe('© OpenStreetMap contributors, ODbL');
    expect(line.left).toBe('US');
    expect(line.right).toBe('MX');
    expect(line.coordinates.length).toBeGreaterThan(300);
    // Spans the sector from west of Reynosa to east of Pharr.
    const lons = line.coordinates.map((c) => c[0]);
    expect(Math.min(...lons)).toBeLessThan(-98.45);
    expect(Math.max(...lons)).toBeGreaterThan(-98.05);
  });

  it('passes under the international bridges, whose published midpoints sit on the river', () => {
    for (const id of ['hidalgo-bridge', 'pharr-bridge', 'anzalduas-bridge'] as const) {
      const s = BUILTIN_SITES[id];
      const q = enu(s.latDeg, s.lonDeg);
      expect(border.distanceTo(q.e, q.n), id).toBeLessThan(100);
    }
  });

  it('has the United States north: McAllen, the Hidalgo port of entry and the airport in the US; Reynosa in Mexico', () => {
    const mcallen = enu(REFERENCE_POINTS.mcallen.latDeg, REFERENCE_POINTS.mcallen.lonDeg);
    const reynosa = enu(REFERENCE_POINTS.reynosa.latDeg, REFERENCE_POINTS.reynosa.lonDeg);
    const port = enu(BUILTIN_SITES['hidalgo-port-of-entry'].latDeg, BUILTIN_SITES['hidalgo-port-of-entry'].lonDeg);
    const airport = enu(REFERENCE_POINTS.mcallenAirport.latDeg, REFERENCE_POINTS.mcallenAirport.lonDeg);
    expect(border.sideName(mcallen.e, mcallen.n)).toBe('US');
    expect(border.sideName(port.e, port.n)).toBe('US');
    expect(border.sideName(airport.e, airport.n)).toBe('US');
    expect(border.sideName(reynosa.e, reynosa.n)).toBe('MX');
    // 1 km due north / south of the Hidalgo bridge.
    const b = enu(BUILTIN_SITES['hidalgo-bridge'].latDeg, BUILTIN_SITES['hidalgo-bridge'].lonDeg);
    expect(border.sideName(b.e, b.n + 1000)).toBe('US');
    expect(border.sideName(b.e, b.n - 1000)).toBe('MX');
  });

  it('finds where a straight move crosses it, and in which direction', () => {
    const b = enu(BUILTIN_SITES['hidalgo-bridge'].latDeg, BUILTIN_SITES['hidalgo-bridge'].lonDeg);
    const c = border.crossing(b.e, b.n - 800, b.e, b.n + 800)!;
    expect(c).not.toBeNull();
    expect(c.to).toBe('left');
    expect(Math.hypot(c.e - b.e, c.n - b.n)).toBeLessThan(150);
    expect(border.crossing(b.e, b.n + 800, b.e, b.n - 800)!.to).toBe('right');
    expect(border.crossing(b.e, b.n + 500, b.e + 100, b.n + 900)).toBeNull();
  });

  it('agrees with the exact side test everywhere on a grid over the sector (the cell cache is sound)', () => {
    // Reference: count the crossings of a ray due north (even = already north of the line).
    for (let e = -15000; e <= 15000; e += 1500) {
      for (let n = -8000; n <= 12000; n += 1000) {
        let count = 0;
        for (let y = n; y < 60_000; ) {
          const c = border.crossing(e, y, e, 60_000);
          if (!c) break;
          count++;
          y = c.n + 0.01;
        }
        expect(border.isLeft(e, n), `(${e}, ${n})`).toBe(count % 2 === 0);
      }
    }
  });
});
