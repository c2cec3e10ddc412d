import { describe, expect, it } from 'vitest';
import { LocalFrame } from '../../src/geo/enu.js';
import { SectorFusion } from '../../src/fusion/sector.js';
import type { Detection } from '../../src/model/detection.js';
import { sensorConfigSchema, type SensorConfig } from '../../src/sim/sensor-models.js';
import { BearingOnly } from '../../src/tracking/measurement/bearing.js';
import { CartesianPosition } from '../../src/tracking/measurement/cartesian.js';
import { PolarRadar } from '../../src/tracking/measurement/polar.js';

const origin = { latDeg: 26.09, lonDeg: -98.25, heightAboveEllipsoidM: 10 };
const frame = LocalFrame.fromDegrees(origin);
const configs: SensorConfig[] = [
  { id: 'radar', kind: 'radar', position: { latDeg: 26.09, lonDeg: -98.25, heightAboveEllipsoidM: 25 }, sigmaRangeM: 5, sigmaAzimuthDeg: 0.5, sigmaElevationDeg: 0.7 },
  { id: 'mic', kind: 'acoustic', position: { latDeg: 26.091, lonDeg: -98.25, heightAboveEllipsoidM: 12 } },
  { id: 'rf', kind: 'rf', position: { latDeg: 26.092, lonDeg: -98.25, heightAboveEllipsoidM: 12 } },
  { id: 'rid', kind: 'remoteid', position: { latDeg: 26.093, lonDeg: -98.25, heightAboveEllipsoidM: 12 } },
].map((c) => sensorConfigSchema.parse(c));

const T0 = Date.parse('2025-11-14T04:00:00Z');

describe('sector fusion', () => {
  it('maps each sensor kind to its measurement model with the configured noise', () => {
    const f = new SectorFusion(frame, configs);
    const [radar, mic, rf, rid] = f.specs;
    expect(radar.model).toBeInstanceOf(PolarRadar);
    expect(radar.model.m).toBe(4); // range, azimuth, elevation, range rate
    expect(radar.R[0]).toBeCloseTo(25, 9);
    expect(radar.R[5]).toBeCloseTo((0.5 * Math.PI / 180) ** 2, 12);
    expect(mic.model).toBeInstanceOf(BearingOnly);
    expect(mic.model.m).toBe(2);
    expect(rf.model.m).toBe(1);
    expect(rid.model).toBeInstanceOf(CartesianPosition);
    expect(rid.model.m).toBe(3);
  });

  it('turns a Remote ID fix into an ENU position with σ = 95 % bound / 1.96 and its serial as identity', () => {
    const f = new SectorFusion(frame, configs, { reorderWindowMs: 0 });
    const g = frame.enuToGeodetic(300, 400, 50, new Float64Array(3));
    const seen: { z: number[]; R: number[]; id: unknown }[] = [];
    const process = f.tracker.process.bind(f.tracker);
    f.tracker.process = (scan) => {
      seen.push({ z: [...scan.z], R: [...(scan.R ?? [])], id: scan.identity?.[0] });
      process(scan);
    };
    expect(f.push({
      sensorId: 'rid', timeMs: T0,
      measurement: { kind: 'gnss', latDeg: g[0], lonDeg: g[1], heightAboveEllipsoidM: g[2], horizontalAccuracyM: 9.8, verticalAccuracyM: 19.6 },
      evidence: { remoteId: { serial: '1581F000000000001' } },
    })).toBe(true);
    f.flush();
    expect(seen).toHaveLength(1);
    expect(seen[0].z[0]).toBeCloseTo(300, 6);
    expect(seen[0].z[1]).toBeCloseTo(400, 6);
    expect(seen[0].z[2]).toBeCloseTo(50, 6);
    expect(seen[0].R[0]).toBeCloseTo(25, 9);
    expect(seen[0].R[4]).toBeCloseTo(25, 9);
    expect(seen[0].R[8]).toBeCloseTo(100, 9);
    expect(seen[0].id).toBe('rid:1581F000000000001');
  });

  it('groups one sensor instant into one scan and rejects malformed detections with a counted reason', () => {
    const f = new SectorFusion(frame, configs, { reorderWindowMs: 0 });
    const sigma = { rangeM: 5, azimuthRad: 0.5 * Math.PI / 180, elevationRad: 0.7 * Math.PI / 180, rangeRateMps: 0.3 };
    const plot = (t: number, r: number): Detection => ({ sensorId: 'radar', timeMs: T0 + t, measurement: { kind: 'polar', rangeM: r, azimuthRad: 1, elevationRad: 0.05, rangeRateMps: 0, sigma } });
    f.push(plot(0, 1000));
    f.push(plot(0, 2000));
    f.push(plot(0, 3000));
    f.push(plot(1000, 1000));
    expect(f.push({ sensorId: 'nope', timeMs: T0, measurement: { kind: 'bearing', azimuthRad: 0, sigma: { azimuthRad: 0.1 } } })).toBe(false);
    expect(f.push({ sensorId: 'mic', timeMs: T0 + 1000, measurement: { kind: 'bearing', azimuthRad: 0, sigma: { azimuthRad: 0.1 } } })).toBe(false);
    expect(f.push({ sensorId: 'radar', timeMs: T0 + 1000, measurement: { kind: 'bearing', azimuthRad: 0, elevationRad: 0, sigma: { azimuthRad: 0.1 } } })).toBe(false);
    expect(f.push({ ...plot(1000, 1000), measurement: { ...plot(0, 1).measurement, rangeM: NaN } as Detection['measurement'] })).toBe(false);
    expect(new SectorFusion(frame, configs, { validate: true }).push({ sensorId: 'radar', timeMs: T0 } as unknown as Detection)).toBe(false);
    f.flush();
    expect(f.tracker.stats.scans).toBe(2);
    expect(f.tracker.stats.detections).toBe(4);
    expect(f.rejected).toMatchObject({ 'unknown-sensor': 1, 'missing-component': 1, 'wrong-measurement': 1, 'non-finite': 1 });
  });

  it('tracks a drone flying past the radar: one confirmed track near the truth', () => {
    const f = new SectorFusion(frame, configs);
    const radarPos = frame.geodeticToEnu(26.09, -98.25, 25, new Float64Array(3));
    const sigma = { rangeM: 5, azimuthRad: 0.5 * Math.PI / 180, elevationRad: 0.7 * Math.PI / 180, rangeRateMps: 0.3 };
    let x = -1500;
    const y = 800;
    for (let k = 0; k < 60; k++) {
      x += 12;
      const dx = x - radarPos[0], dy = y - radarPos[1], dz = 50 - radarPos[2];
      const r = Math.hypot(dx, dy, dz);
      f.push({ sensorId: 'radar', timeMs: T0 + k * 1000, measurement: {
        kind: 'polar', rangeM: r, azimuthRad: Math.atan2(dx, dy), elevationRad: Math.atan2(dz, Math.hypot(dx, dy)), rangeRateMps: (dx * 12) / r, sigma,
      } });
    }
    f.flush();
    const tracks = f.positionsAt(T0 + 59_000);
    expect(tracks).toHaveLength(1);
    expect(Math.hypot(tracks[0].x - x, tracks[0].y - y)).toBeLessThan(20);
  });
});
