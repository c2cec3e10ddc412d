import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import type { Random } from '../../../src/scenario/random.js';
import {
  AcousticSensor,
  AdsbSensor,
  EoirSensor,
  RadarSensor,
  RemoteIdSensor,
  RfSensor,
  createSensor,
  sensorConfigSchema,
  type SensorConfigInput,
} from '../../../src/sim/sensors/index.js';
import { MAST, frame, truthAt } from './helpers.js';

const position = { latDeg: 26.105, lonDeg: -98.26, heightAboveEllipsoidM: 45 };

describe('createSensor', () => {
  const cases: [SensorConfigInput, new (...a: never[]) => unknown, number][] = [
    [{ kind: 'radar', id: 'r', position }, RadarSensor, 1000],
    [{ kind: 'acoustic', id: 'a', position }, AcousticSensor, 500],
    [{ kind: 'eoir', id: 'c', position }, EoirSensor, 200],
    [{ kind: 'rf', id: 'f', position, updateIntervalS: 2 }, RfSensor, 2000],
    [{ kind: 'remoteid', id: 'i', position }, RemoteIdSensor, 1000],
    [{ kind: 'adsb', id: 'b', position }, AdsbSensor, 1000],
  ];

  it.each(cases)('builds a %o sensor with its ENU position', (config, cls, intervalMs) => {
    const s = createSensor(config, frame);
    expect(s).toBeInstanceOf(cls);
    expect(s.kind).toBe(config.kind);
    expect(s.id).toBe(config.id);
    expect(s.updateIntervalMs).toBe(intervalMs);
    const enu = frame.geodeticToEnu(position.latDeg, position.lonDeg, position.heightAboveEllipsoidM, new Float64Array(3));
    expect(s.position.e).toBeCloseTo(enu[0], 6);
    expect(s.position.n).toBeCloseTo(enu[1], 6);
    expect(s.position.u).toBeCloseTo(enu[2], 6);
    expect(Math.hypot(s.position.e - 995, s.position.n - 555)).toBeLessThan(15); // 0.005° lat ≈ 554 m, 0.01° lon ≈ 1000 m here
  });

  it('rejects bad configs with the path and the problem', () => {
    const bad = (c: unknown) => {
      try {
        createSensor(c as SensorConfigInput, frame);
      } catch (e) {
        expect(e).toBeInstanceOf(ZodError);
        return (e as ZodError).issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      }
      throw new Error('accepted a bad config');
    };
    expect(bad({ kind: 'sonar', id: 'x', position })).toMatch(/kind/);
    expect(bad({ kind: 'radar', id: 'x', position: { latDeg: 95, lonDeg: 0, heightAboveEllipsoidM: 0 } })).toMatch(/position\.latDeg/);
    expect(bad({ kind: 'radar', id: 'x', position, sigmaAzimuthDeg: -1 })).toMatch(/sigmaAzimuthDeg/);
    expect(bad({ kind: 'eoir', id: 'x', position, fovDeg: 10 })).toMatch(/fovDeg/);
    expect(bad({ kind: 'adsb', id: 'x', position, nacp: 12 })).toMatch(/nacp/);
    expect(bad({ kind: 'acoustic', id: '', position })).toMatch(/id/);
  });

  it('exposes a schema the scenario loader can embed, filling documented defaults', () => {
    const c = sensorConfigSchema.parse({ kind: 'radar', id: 'r', position: MAST });
    expect(c.kind === 'radar' && c.minElevationDeg).toBe(0.5);
    expect(c.kind === 'radar' && c.clutter.meanPerScan).toBe(5);
    const sensors = (['radar', 'acoustic', 'eoir', 'rf', 'remoteid', 'adsb'] as const).map((kind) => createSensor({ kind, id: kind, position: MAST }, frame));
    // All six share one contract: append to `out`, never replace it.
    const out = [{ sensorId: 'earlier', timeMs: 0, measurement: { kind: 'bearing' as const, azimuthRad: 0, sigma: { azimuthRad: 1 } } }];
    const t = truthAt(200, 5, 4, { rf: { protocol: 'p', frequencyMHz: 2400, emitterId: 'e' }, icao: 'ABCDEF', remoteId: { serial: 's', operatorE: 0, operatorN: 0 } });
    // A stream whose every uniform draw is 0: each sensor detects everything it covers, with no false alarms.
    const detectAll = { next: () => 0, normal: () => 0, poisson: () => 0, uniform: (a: number) => a } as unknown as Random;
    for (const s of sensors) s.observe({ timeMs: 1, truths: [t], frame, rng: detectAll }, out);
    expect(out[0].sensorId).toBe('earlier');
    expect(new Set(out.slice(1).map((d) => d.sensorId))).toEqual(new Set(['radar', 'acoustic', 'eoir', 'rf', 'remoteid', 'adsb']));
  });
});
