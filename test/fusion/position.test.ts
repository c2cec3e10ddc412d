/**
 * `position` detections (what SAPIENT `location` reports become) from sensors of any kind, their
 * covariance rotated from ENU at the target into the sector frame, and sensors added while the
 * sector runs.
 */
import { describe, expect, it } from 'vitest';
import { LocalFrame } from '../../src/geo/enu.js';
import { SectorFusion } from '../../src/fusion/sector.js';
import type { Detection } from '../../src/model/detection.js';
import { sensorConfigSchema, type SensorConfig } from '../../src/sim/sensor-models.js';
import { CartesianPosition } from '../../src/tracking/measurement/cartesian.js';
import type { Scan } from '../../src/tracking/scan.js';

const origin = { latDeg: 26.09, lonDeg: -98.25, heightAboveEllipsoidM: 10 };
const frame = LocalFrame.fromDegrees(origin);
const configs: SensorConfig[] = [
  { id: 'radar', kind: 'radar', position: { latDeg: 26.09, lonDeg: -98.25, heightAboveEllipsoidM: 25 }, measuresRangeRate: false, maxRangeM: 30_000 },
  { id: 'cam', kind: 'eoir', position: { latDeg: 26.091, lonDeg: -98.25, heightAboveEllipsoidM: 30 }, horizontalFovDeg: 40, maxRangeM: 3000 },
  { id: 'rid', kind: 'remoteid', position: { latDeg: 26.093, lonDeg: -98.25, heightAboveEllipsoidM: 12 } },
].map((c) => sensorConfigSchema.parse(c));
const T0 = Date.parse('2025-11-14T04:00:00Z');

function position(sensorId: string, timeMs: number, e: number, n: number, u: number, cov: number[]): Detection {
  const g = frame.enuToGeodetic(e, n, u, new Float64Array(3));
  return { sensorId, timeMs, measurement: { kind: 'position', latDeg: g[0], lonDeg: g[1], heightAboveEllipsoidM: g[2], covarianceEnu: cov } };
}

/** Records every scan the tracker gets. */
function spy(f: SectorFusion): Scan[] {
  const seen: Scan[] = [];
  const process = f.tracker.process.bind(f.tracker);
  f.tracker.process = (scan) => {
    seen.push({ ...scan, z: Float64Array.from(scan.z), R: scan.R ? Float64Array.from(scan.R) : null });
    process(scan);
  };
  return seen;
}

/** The covariance ENU-at-target → ECEF → sector ENU, by the frames' own rotations. */
function viaEcef(latDeg: number, lonDeg: number, h: number, cov: number[]): Float64Array {
  const here = LocalFrame.fromDegrees({ latDeg, lonDeg, heightAboveEllipsoidM: h });
  const ecef = here.covarianceEnuToEcef(Float64Array.from(cov), new Float64Array(9));
  return frame.covarianceEcefToEnu(ecef, new Float64Array(9));
}

describe('sector fusion: position detections', () => {
  it('a remoteid or adsb sensor takes positions in its own Cartesian model with the stated covariance', () => {
    const f = new SectorFusion(frame, configs, { reorderWindowMs: 0 });
    const seen = spy(f);
    const cov = [16, 2, 0, 2, 9, 0, 0, 0, 100];
    const d = position('rid', T0, 300, 400, 50, cov);
    expect(f.push(d)).toBe(true);
    f.flush();
    expect(seen).toHaveLength(1);
    expect(seen[0].spec ?? null).toBeNull();
    expect([...seen[0].z]).toEqual([expect.closeTo(300, 6), expect.closeTo(400, 6), expect.closeTo(50, 6)]);
    // 500 m from the origin the frames differ by 78 µrad: R is the stated covariance within 0.01 m²,
    // and exactly that covariance carried through ECEF.
    const m = d.measurement as Extract<Detection['measurement'], { kind: 'position' }>;
    const want = viaEcef(m.latDeg, m.lonDeg, m.heightAboveEllipsoidM, cov);
    for (let k = 0; k < 9; k++) {
      expect(Math.abs(seen[0].R![k] - cov[k])).toBeLessThan(0.01);
      expect(seen[0].R![k]).toBeCloseTo(want[k], 9);
    }
  });

  it('rotates the covariance from ENU at the target into the sector frame (exactly, 20 km out)', () => {
    const f = new SectorFusion(frame, configs, { reorderWindowMs: 0 });
    const seen = spy(f);
    const cov = [25, 0, 0, 0, 25, 0, 0, 0, 250_000]; // a 2-D fix: the height barely known
    const d = position('radar', T0, 15_000, -13_000, 200, cov);
    expect(f.push(d)).toBe(true);
    f.flush();
    const m = d.measurement as Extract<Detection['measurement'], { kind: 'position' }>;
    const want = viaEcef(m.latDeg, m.lonDeg, m.heightAboveEllipsoidM, cov);
    for (let k = 0; k < 9; k++) expect(seen[0].R![k]).toBeCloseTo(want[k], 6);
    // The tilt is what the rotation is for: ~3 mrad here, so the vertical variance leaks into east/north.
    expect(Math.abs(seen[0].R![2])).toBeGreaterThan(100);
    expect(seen[0].R![2]).toBeCloseTo(seen[0].R![6], 9);
  });

  it('a radar or camera that reports positions gets a Cartesian form of its spec; its scans name the sensor', () => {
    const f = new SectorFusion(frame, configs, { reorderWindowMs: 0 });
    const seen = spy(f);
    const cov = [9, 0, 0, 0, 9, 0, 0, 0, 25];
    let e = -1500;
    const n = 800;
    for (let k = 0; k < 40; k++) {
      e += 12;
      expect(f.push(position('radar', T0 + k * 1000, e + ((k * 7) % 5) - 2, n + ((k * 3) % 5) - 2, 60, cov))).toBe(true);
    }
    f.flush();
    expect(seen).toHaveLength(40);
    const spec = seen[0].spec!;
    expect(spec.model).toBeInstanceOf(CartesianPosition);
    expect(spec.model.m).toBe(3);
    expect(spec.id).toBe('radar');
    expect(spec.pd).toBe(f.specs[0].pd);
    expect(spec.coverage).toBe(f.specs[0].coverage);
    expect(spec.clutterDensity).toBeGreaterThan(0);
    expect(seen.every((s) => s.sensor === 0)).toBe(true);
    expect(f.stats.rejected).toMatchObject({ 'tracker:bad-shape': 0, 'tracker:unknown-sensor': 0 });
    const tracks = f.positionsAt(T0 + 39_000);
    expect(tracks).toHaveLength(1);
    expect(Math.hypot(tracks[0].x - e, tracks[0].y - n)).toBeLessThan(10);
    expect(f.reported()[0].sensors).toEqual([0]);
  });

  it('one sensor mixing plots and positions at one instant sends one scan per form, in arrival order', () => {
    const f = new SectorFusion(frame, configs, { reorderWindowMs: 0 });
    const seen = spy(f);
    const sigma = { rangeM: 5, azimuthRad: 0.01, elevationRad: 0.01 };
    const plot = (r: number): Detection => ({ sensorId: 'radar', timeMs: T0, measurement: { kind: 'polar', rangeM: r, azimuthRad: 1, elevationRad: 0.05, sigma } });
    f.push(plot(1000));
    f.push(plot(1100));
    f.push(position('radar', T0, 2000, 300, 50, [9, 0, 0, 0, 9, 0, 0, 0, 25]));
    f.push(plot(1200));
    f.flush();
    expect(seen.map((s) => [s.spec ? 'position' : 'plot', s.count])).toEqual([['plot', 2], ['position', 1], ['plot', 1]]);
    expect(seen.every((s) => s.timeMs === T0)).toBe(true);
  });

  it('refuses a covariance that is not one, and a position from a bearing sensor is taken in its position form', () => {
    const f = new SectorFusion(frame, configs, { reorderWindowMs: 0 });
    const seen = spy(f);
    expect(f.push(position('cam', T0, 100, 100, 50, [9, 0, 0, 0, -1, 0, 0, 0, 25]))).toBe(false); // negative variance
    expect(f.push(position('cam', T0, 100, 100, 50, [9, 8, 0, 0, 9, 0, 0, 0, 25]))).toBe(false); // not symmetric
    expect(f.push(position('cam', T0, 100, 100, 50, [9, 10, 0, 10, 9, 0, 0, 0, 25]))).toBe(false); // |ρ| > 1
    expect(f.rejected.invalid).toBe(3);
    expect(f.push(position('cam', T0, 100, 100, 50, [9, 1, 0, 1, 9, 0, 0, 0, 25]))).toBe(true);
    f.flush();
    expect(seen).toHaveLength(1);
    expect(seen[0].sensor).toBe(1);
    expect(seen[0].spec?.model.m).toBe(3);
    // A camera that fixes positions was cued there: all round to its range, and selective.
    expect(seen[0].spec?.coverage).toMatchObject({ kind: 'sector', minRange: 0, maxRange: 3000 });
    expect(seen[0].spec?.coverage).not.toHaveProperty('azMin');
    expect(seen[0].spec?.selective).toBe(true);
  });
});

describe('sector fusion: sensors added while it runs', () => {
  it('addSensor grows the tracker\'s sensor list; its detections form tracks; ids stay unique', () => {
    const f = new SectorFusion(frame, configs.slice(0, 1), { reorderWindowMs: 0 });
    const late = sensorConfigSchema.parse({ id: 'sapient:node-1', kind: 'radar', position: { latDeg: 26.095, lonDeg: -98.245, heightAboveEllipsoidM: 20 }, measuresRangeRate: false });
    expect(f.push(position('sapient:node-1', T0, 0, 0, 50, [9, 0, 0, 0, 9, 0, 0, 0, 25]))).toBe(false);
    expect(f.rejected['unknown-sensor']).toBe(1);
    expect(f.hasSensor('sapient:node-1')).toBe(false);
    const i = f.addSensor(late);
    expect(i).toBe(1);
    expect(f.hasSensor('sapient:node-1')).toBe(true);
    expect(f.tracker.sensors).toBe(f.specs);
    expect(f.tracker.sensors).toHaveLength(2);
    expect(() => f.addSensor(late)).toThrow(/duplicate sensor id/);
    const pos = frame.geodeticToEnu(26.095, -98.245, 20, new Float64Array(3));
    const sigma = { rangeM: 5, azimuthRad: 0.005, elevationRad: 0.01 };
    let e = -1000;
    for (let k = 0; k < 30; k++) {
      e += 10;
      const dx = e - pos[0], dy = 500 - pos[1], dz = 60 - pos[2];
      expect(f.push({ sensorId: 'sapient:node-1', timeMs: T0 + k * 1000, measurement: {
        kind: 'polar', rangeM: Math.hypot(dx, dy, dz), azimuthRad: Math.atan2(dx, dy), elevationRad: Math.atan2(dz, Math.hypot(dx, dy)), sigma,
      } })).toBe(true);
    }
    f.flush();
    const tracks = f.positionsAt(T0 + 29_000);
    expect(tracks).toHaveLength(1);
    expect(Math.hypot(tracks[0].x - e, tracks[0].y - 500)).toBeLessThan(25);
    expect(f.reported()[0].sensors).toEqual([1]);
  });
});
