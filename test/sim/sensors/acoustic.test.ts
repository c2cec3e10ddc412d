import { describe, expect, it } from 'vitest';
import { detectionSchema } from '../../../src/model/detection.js';
import { AcousticSensor, type AcousticConfigInput } from '../../../src/sim/sensors/acoustic.js';
import { DEG, MAST, MAST_U, collect, empiricalPd, expectNoise, expectPd, frame, mean, run, stat, truthAt, variance, wrapPi } from './helpers.js';

function acoustic(over: Partial<AcousticConfigInput> = {}): AcousticSensor {
  return new AcousticSensor({ kind: 'acoustic', id: 'mic-1', position: MAST, ...over }, frame);
}

describe('acoustic Pd by range and source level', () => {
  const a = acoustic({ falseAlarmsPerUpdate: 0, pdMax: 0.9, halfPdRangeM: 300, pdSteepness: 4, maxRangeM: 600 });

  it('follows pdMax / (1 + (R / (R½ √L))^k)', () => {
    expect(a.pd(300, 1)).toBeCloseTo(0.45, 12);
    expect(a.pd(600, 4)).toBeCloseTo(0.45, 12);
    expect(a.pd(150, 1)).toBeCloseTo(0.9 / (1 + 0.5 ** 4), 12);
    expect(a.pd(10, 0)).toBe(0);
  });

  for (const [range, level] of [
    [100, 1],
    [300, 1],
    [450, 1],
    [450, 4],
  ] as const) {
    it(`empirical Pd over 10,000 updates matches the model at ${range} m, level ${level}`, () => {
      const p = empiricalPd(a, truthAt(range, 250, 10, { acousticLevel: level }), 10_000, range * 10 + level);
      expectPd(`acoustic Pd @ ${range} m level ${level}`, p, a.pd(range, level));
    });
  }

  it('never hears a silent object, nor anything beyond its range or below its elevation cover', () => {
    expect(collect(a, [truthAt(50, 0, 10, { acousticLevel: 0, cls: 'bird' })], 2000, 1)).toHaveLength(0);
    expect(collect(a, [truthAt(610, 0, 10, { acousticLevel: 100 })], 2000, 1)).toHaveLength(0);
    expect(collect(a, [truthAt(100, 0, -20)], 2000, 1)).toHaveLength(0);
  });
});

describe('acoustic noise and false bearings', () => {
  it('azimuth and elevation errors have the configured σ', () => {
    const a = acoustic({ falseAlarmsPerUpdate: 0, sigmaAzimuthDeg: 2.5, sigmaElevationDeg: 4 });
    const t = truthAt(120, 359.5, 20);
    const az = Math.atan2(t.e, t.n), el = Math.atan2(t.u - MAST_U, Math.hypot(t.e, t.n));
    const daz: number[] = [], del: number[] = [];
    run(a, [t], 25_000, 2, (dets) => {
      for (const d of dets) {
        const m = d.measurement;
        if (m.kind !== 'bearing') throw new Error('bearing expected');
        daz.push(wrapPi(m.azimuthRad - az));
        del.push(m.elevationRad! - el);
      }
    });
    expectNoise('acoustic azimuth', daz, 2.5 * DEG);
    expectNoise('acoustic elevation', del, 4 * DEG);
  });

  it('false bearings are Poisson with the configured mean, all round', () => {
    const a = acoustic({ falseAlarmsPerUpdate: 0.3 });
    const counts = new Float64Array(40_000);
    const azs: number[] = [];
    run(a, [], counts.length, 3, (dets, k) => {
      counts[k] = dets.length;
      for (const d of dets) azs.push(d.measurement.kind === 'bearing' ? d.measurement.azimuthRad : NaN);
    });
    stat('acoustic false bearings mean', mean(counts), 0.3);
    stat('acoustic false bearings variance', variance(counts), 0.3);
    expect(Math.abs(mean(counts) / 0.3 - 1)).toBeLessThanOrEqual(0.05);
    expect(Math.abs(variance(counts) / 0.3 - 1)).toBeLessThanOrEqual(0.05);
    // Uniform over [0, 2π): a quarter in each quadrant.
    for (let q = 0; q < 4; q++) {
      const f = azs.filter((x) => x >= (q * Math.PI) / 2 && x < ((q + 1) * Math.PI) / 2).length / azs.length;
      expect(Math.abs(f - 0.25)).toBeLessThan(0.02);
    }
  });

  it('is deterministic per seed, with valid Detections and optional labels', () => {
    const cfg = { classification: { accuracy: 0.8, classes: ['rotary-drone', 'bird'] as ('rotary-drone' | 'bird')[] } };
    const ts = [truthAt(200, 10, 10), truthAt(250, 100, 5, { id: 2 })];
    const a = collect(acoustic(cfg), ts, 500, 5), b = collect(acoustic(cfg), ts, 500, 5);
    expect(a.length).toBeGreaterThan(300);
    expect(b).toEqual(a);
    for (const d of a) {
      expect(detectionSchema.safeParse(d).success).toBe(true);
      expect(d.evidence?.classLabel?.confidence).toBe(0.8);
    }
  });
});
