import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectionSchema } from '../../../src/model/detection.js';
import { RfSensor, type RfConfigInput } from '../../../src/sim/sensors/rf.js';
import type { TruthState } from '../../../src/sim/types.js';
import { truthSetArb } from './arbitraries.js';
import { DEG, MAST, collect, empiricalPd, expectNoise, expectPd, frame, mean, run, stat, truthAt, variance, wrapPi } from './helpers.js';

function rf(over: Partial<RfConfigInput> = {}): RfSensor {
  return new RfSensor({ kind: 'rf', id: 'rf-1', position: MAST, ...over }, frame);
}

const link = (i: number) => ({ protocol: 'ExpressLRS 900', frequencyMHz: 915, emitterId: `rf-${i}` });

describe('RF detector never reports a fibre-optic drone', () => {
  it('its output for any truth set equals its output without the drones that emit nothing', () => {
    const sensor = rf({ falseAlarmsPerUpdate: 0.5, maxRangeM: 4000 });
    fc.assert(
      fc.property(truthSetArb, fc.integer({ min: 0, max: 2 ** 31 - 1 }), (truths, seed) => {
        const withDark = collect(sensor, truths, 5, seed);
        const without = collect(sensor, truths.filter((t) => t.rf !== null), 5, seed);
        expect(withDark).toEqual(without);
      }),
      { numRuns: 200 },
    );
  });

  it('without false alarms, every report is an emitting drone it can hear, on its bearing', () => {
    const sensor = rf({ falseAlarmsPerUpdate: 0, maxRangeM: 4000, sigmaAzimuthDeg: 2 });
    fc.assert(
      fc.property(truthSetArb, fc.integer({ min: 0, max: 2 ** 31 - 1 }), (truths, seed) => {
        const byEmitter = new Map(truths.filter((t) => t.rf !== null).map((t) => [t.rf!.emitterId, t]));
        run(sensor, truths, 3, seed, (dets) => {
          expect(dets.length).toBeLessThanOrEqual(byEmitter.size);
          for (const d of dets) {
            const t = byEmitter.get(d.evidence!.rf!.emitterId!);
            expect(t).toBeDefined();
            const p = sensor.position, dx = t!.e - p.e, dy = t!.n - p.n;
            expect(Math.hypot(dx, dy, t!.u - p.u)).toBeLessThanOrEqual(4000);
            if (d.measurement.kind !== 'bearing') throw new Error('bearing expected');
            // Directly overhead the bearing means nothing; elsewhere it is within 6σ.
            if (Math.hypot(dx, dy) > 1) expect(Math.abs(wrapPi(d.measurement.azimuthRad - Math.atan2(dx, dy)))).toBeLessThan(12 * DEG);
          }
        });
      }),
      { numRuns: 200 },
    );
  });

  it('hears nothing at all from a fibre-optic swarm overhead', () => {
    const fibre: TruthState[] = Array.from({ length: 20 }, (_, i) => truthAt(100 + 50 * i, 18 * i, 5, { id: i, rf: null }));
    expect(collect(rf({ falseAlarmsPerUpdate: 0 }), fibre, 1000, 1)).toHaveLength(0);
  });
});

describe('RF Pd, bearing noise and evidence', () => {
  const sensor = rf({ falseAlarmsPerUpdate: 0 });

  for (const range of [1000, 3500, 4500]) {
    it(`empirical Pd over 10,000 updates matches the model at ${range} m`, () => {
      const p = empiricalPd(sensor, truthAt(range, 170, 2, { rf: link(1) }), 10_000, range);
      expectPd(`rf Pd @ ${range} m`, p, sensor.pd(range));
    });
  }

  it('bearing error has the configured σ and the link signature is reported', () => {
    const s = rf({ falseAlarmsPerUpdate: 0, sigmaAzimuthDeg: 4 });
    const t = truthAt(700, 359, 3, { rf: link(7) });
    const az = Math.atan2(t.e, t.n);
    const res: number[] = [];
    run(s, [t], 21_000, 2, (dets) => {
      for (const d of dets) {
        if (d.measurement.kind !== 'bearing') continue;
        res.push(wrapPi(d.measurement.azimuthRad - az));
        if (res.length === 1) {
          expect(d.measurement).not.toHaveProperty('elevationRad');
          expect(d.measurement.sigma).toEqual({ azimuthRad: 4 * DEG });
          expect(d.evidence).toEqual({ rf: { protocol: 'ExpressLRS 900', frequencyMHz: 915, emitterId: 'rf-7' } });
          expect(detectionSchema.safeParse(d).success).toBe(true);
        }
      }
    });
    expectNoise('rf azimuth', res, 4 * DEG);
  });
});

describe('RF false alarms', () => {
  it('are Poisson with the configured mean, with a random protocol and no emitter continuity', () => {
    const signals = [
      { protocol: 'A', frequencyMHz: 2400 },
      { protocol: 'B', frequencyMHz: 5800 },
    ];
    const s = rf({ falseAlarmsPerUpdate: 0.4, falseAlarmSignals: signals });
    const counts = new Float64Array(40_000);
    const ids = new Set<string>();
    let n = 0, a = 0;
    run(s, [], counts.length, 3, (dets, k) => {
      counts[k] = dets.length;
      for (const d of dets) {
        const e = d.evidence!.rf!;
        ids.add(e.emitterId!);
        n++;
        if (e.protocol === 'A') a++;
        else expect(e).toMatchObject(signals[1]);
      }
    });
    stat('rf false alarms mean', mean(counts), 0.4);
    stat('rf false alarms variance', variance(counts), 0.4);
    expect(Math.abs(mean(counts) / 0.4 - 1)).toBeLessThanOrEqual(0.05);
    expect(Math.abs(variance(counts) / 0.4 - 1)).toBeLessThanOrEqual(0.05);
    expect(Math.abs(a / n - 0.5)).toBeLessThan(0.02);
    expect(ids.size).toBe(n);
  });

  it('are deterministic per seed', () => {
    const ts = [truthAt(900, 10, 3, { rf: link(1) }), truthAt(2000, 100, 2, { id: 2, rf: link(2) })];
    expect(collect(rf(), ts, 500, 9)).toEqual(collect(rf(), ts, 500, 9));
    expect(collect(rf(), ts, 500, 9)).not.toEqual(collect(rf(), ts, 500, 10));
  });
});
