import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectionSchema } from '../../../src/model/detection.js';
import { AdsbSensor, type AdsbConfigInput } from '../../../src/sim/sensors/adsb.js';
import { truthSetArb } from './arbitraries.js';
import { MAST, collect, empiricalPd, expectNoise, expectPd, frame, run, truthAt } from './helpers.js';

function adsb(over: Partial<AdsbConfigInput> = {}): AdsbSensor {
  return new AdsbSensor({ kind: 'adsb', id: 'adsb-1', position: MAST, ...over }, frame);
}

const aircraft = { cls: 'manned-aircraft' as const, rcsM2: 5, acousticLevel: 0, icao: 'A1B2C3', callsign: 'SWA1234' };

describe('ADS-B receiver', () => {
  it('reports only aircraft with an ICAO address', () => {
    const sensor = adsb();
    fc.assert(
      fc.property(truthSetArb, fc.integer({ min: 0, max: 2 ** 31 - 1 }), (truths, seed) => {
        const all = collect(sensor, truths, 3, seed);
        expect(all).toEqual(collect(sensor, truths.filter((t) => t.icao !== null), 3, seed));
        const icaos = new Set(truths.map((t) => t.icao));
        for (const d of all) expect(icaos.has(d.evidence!.icao!)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('runs at 1 Hz and states NACp/GVA accuracy', () => {
    const s = adsb({ nacp: 10, gva: 1 });
    expect(s.updateIntervalMs).toBe(1000);
    expect(s.horizontalAccuracyM).toBe(10);
    expect(s.verticalAccuracyM).toBe(150);
    expect(adsb().horizontalAccuracyM).toBe(30);
    expect(adsb().verticalAccuracyM).toBe(45);
  });

  for (const range of [20_000, 120_000, 145_000]) {
    it(`empirical Pd over 10,000 updates matches the model at ${range / 1000} km`, () => {
      const s = adsb({ halfPdRangeM: 130_000, pdSteepness: 8 });
      const p = empiricalPd(s, truthAt(range, 120, 1, aircraft), 10_000, range);
      expectPd(`adsb Pd @ ${range / 1000} km`, p, s.pd(range));
    });
  }

  it('position and velocity errors have the σ implied by NACp, GVA and NACv; evidence is ICAO and callsign', () => {
    const s = adsb({ pdMax: 1 });
    const t = truthAt(15_000, 300, 4, { ...aircraft, ve: -60, vn: 20, vu: -3 });
    const res: number[][] = [[], [], [], []];
    run(s, [t], 20_000, 5, (dets) => {
      for (const d of dets) {
        const m = d.measurement;
        if (m.kind !== 'gnss') throw new Error('gnss expected');
        if (res[0].length === 0) {
          expect(d.evidence).toEqual({ icao: 'A1B2C3', callsign: 'SWA1234' });
          expect(m.horizontalAccuracyM).toBe(30);
          expect(detectionSchema.safeParse(d).success).toBe(true);
        }
        const p = frame.geodeticToEnu(m.latDeg, m.lonDeg, m.heightAboveEllipsoidM, new Float64Array(3));
        res[0].push(p[0] - t.e);
        res[1].push(p[1] - t.n);
        res[2].push(p[2] - t.u);
        res[3].push(m.velocityEnuMps![0] - t.ve);
      }
    });
    expectNoise('adsb east', res[0], s.sigmaHorizontalM);
    expectNoise('adsb north', res[1], s.sigmaHorizontalM);
    expectNoise('adsb up', res[2], s.sigmaVerticalM);
    expectNoise('adsb velocity east', res[3], s.sigmaVelocityMps);
    expect(s.sigmaVelocityMps).toBeCloseTo(3 / 2.4477, 3);
  });

  it('omits a missing callsign, cuts a long one, and is deterministic', () => {
    const a = collect(adsb({ pdMax: 1 }), [truthAt(5000, 0, 3, { ...aircraft, callsign: null })], 5, 6);
    expect(a[0].evidence).toEqual({ icao: 'A1B2C3' });
    const b = collect(adsb({ pdMax: 1 }), [truthAt(5000, 0, 3, { ...aircraft, callsign: 'LONGCALLSIGN' })], 5, 6);
    expect(b[0].evidence!.callsign).toBe('LONGCALL');
    expect(collect(adsb(), [truthAt(5000, 0, 3, aircraft)], 100, 7)).toEqual(collect(adsb(), [truthAt(5000, 0, 3, aircraft)], 100, 7));
  });
});
