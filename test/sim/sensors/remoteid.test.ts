import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectionSchema } from '../../../src/model/detection.js';
import { RemoteIdSensor, type RemoteIdConfigInput } from '../../../src/sim/sensors/remoteid.js';
import type { TruthState } from '../../../src/sim/types.js';
import { truthSetArb } from './arbitraries.js';
import { MAST, collect, empiricalPd, expectNoise, expectPd, frame, mean, run, stat, truthAt } from './helpers.js';

function rid(over: Partial<RemoteIdConfigInput> = {}): RemoteIdSensor {
  return new RemoteIdSensor({ kind: 'remoteid', id: 'rid-1', position: MAST, ...over }, frame);
}

const broadcast = (serial: string, extra: Partial<NonNullable<TruthState['remoteId']>> = {}) => ({ serial, operatorE: -200, operatorN: 150, ...extra });

/** ENU of a gnss Detection's position. */
function enuOf(m: { latDeg: number; lonDeg: number; heightAboveEllipsoidM: number }): Float64Array {
  return frame.geodeticToEnu(m.latDeg, m.lonDeg, m.heightAboveEllipsoidM, new Float64Array(3));
}

describe('Remote ID receiver never reports a non-compliant drone', () => {
  it('its output for any truth set equals its output without the non-compliant objects', () => {
    const sensor = rid({ maxRangeM: 3000, halfPdRangeM: 2000 });
    fc.assert(
      fc.property(truthSetArb, fc.integer({ min: 0, max: 2 ** 31 - 1 }), (truths, seed) => {
        const all = collect(sensor, truths, 4, seed);
        const compliant = truths.filter((t) => t.remoteId !== null);
        expect(all).toEqual(collect(sensor, compliant, 4, seed));
        const serials = new Set(compliant.map((t) => t.remoteId!.serial));
        for (const d of all) expect(serials.has(d.evidence!.remoteId!.serial)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('hears nothing from non-compliant drones next to it', () => {
    const dark = Array.from({ length: 10 }, (_, i) => truthAt(50 + 30 * i, 36 * i, 10, { id: i, remoteId: null, rf: { protocol: 'x', frequencyMHz: 2400, emitterId: `e${i}` } }));
    expect(collect(rid(), dark, 1000, 1)).toHaveLength(0);
  });
});

describe('Remote ID Pd, accuracy, spoofing and evidence', () => {
  const sensor = rid();

  for (const range of [500, 1000, 1400]) {
    it(`empirical Pd over 10,000 updates matches the model at ${range} m`, () => {
      const p = empiricalPd(sensor, truthAt(range, 30, 5, { remoteId: broadcast('S1') }), 10_000, range);
      expectPd(`remoteid Pd @ ${range} m`, p, sensor.pd(range));
    });
  }

  it('reports nothing beyond its range', () => {
    expect(collect(sensor, [truthAt(2100, 30, 5, { remoteId: broadcast('S1') })], 1000, 1)).toHaveLength(0);
  });

  it('position and velocity errors have the σ implied by the stated 95 % accuracy', () => {
    const s = rid({ horizontalAccuracyM: 10, verticalAccuracyM: 25, speedAccuracyMps: 1, pdMax: 1 });
    expect(s.sigmaHorizontalM).toBeCloseTo(10 / 2.4477, 3);
    expect(s.sigmaVerticalM).toBeCloseTo(25 / 1.96, 3);
    const t = truthAt(300, 200, 10, { ve: 8, vn: -3, vu: 1, remoteId: broadcast('S2') });
    const res: number[][] = [[], [], [], [], [], []];
    run(s, [t], 20_000, 2, (dets) => {
      for (const d of dets) {
        const m = d.measurement;
        if (m.kind !== 'gnss') throw new Error('gnss expected');
        if (res[0].length === 0) {
          expect(m.horizontalAccuracyM).toBe(10);
          expect(m.verticalAccuracyM).toBe(25);
          expect(detectionSchema.safeParse(d).success).toBe(true);
        }
        const p = enuOf(m);
        res[0].push(p[0] - t.e);
        res[1].push(p[1] - t.n);
        res[2].push(p[2] - t.u);
        res[3].push(m.velocityEnuMps![0] - t.ve);
        res[4].push(m.velocityEnuMps![1] - t.vn);
        res[5].push(m.velocityEnuMps![2] - t.vu);
      }
    });
    expectNoise('remoteid east', res[0], s.sigmaHorizontalM);
    expectNoise('remoteid north', res[1], s.sigmaHorizontalM);
    expectNoise('remoteid up', res[2], s.sigmaVerticalM);
    for (let k = 3; k < 6; k++) expectNoise(`remoteid velocity ${'enu'[k - 3]}`, res[k], s.sigmaVelocityMps);
    // The stated bound holds: 95 % of horizontal errors inside it.
    let inside = 0;
    for (let i = 0; i < res[0].length; i++) if (Math.hypot(res[0][i], res[1][i]) <= 10) inside++;
    stat('remoteid fraction inside 95 % horizontal bound', inside / res[0].length, 0.95);
    expect(Math.abs(inside / res[0].length - 0.95)).toBeLessThan(0.01);
  });

  it('a spoofer broadcasts its false position; serial and operator position are reported', () => {
    const off = { e: 400, n: -250, u: 30 };
    const t = truthAt(400, 60, 5, { remoteId: broadcast('SPOOF-1', { spoofOffset: off }) });
    const de: number[] = [], dn: number[] = [], du: number[] = [];
    const op = frame.enuToGeodetic(-200, 150, 0, new Float64Array(3));
    run(rid({ pdMax: 1 }), [t], 4000, 3, (dets) => {
      for (const d of dets) {
        if (d.measurement.kind !== 'gnss') continue;
        const p = enuOf(d.measurement);
        de.push(p[0] - t.e);
        dn.push(p[1] - t.n);
        du.push(p[2] - t.u);
        expect(d.evidence!.remoteId!.serial).toBe('SPOOF-1');
        expect(d.evidence!.remoteId!.operator!.latDeg).toBeCloseTo(op[0], 9);
        expect(d.evidence!.remoteId!.operator!.lonDeg).toBeCloseTo(op[1], 9);
      }
    });
    expect(mean(de)).toBeCloseTo(off.e, 0);
    expect(mean(dn)).toBeCloseTo(off.n, 0);
    expect(Math.abs(mean(du) - off.u)).toBeLessThan(1);
  });

  it('is deterministic per seed', () => {
    const ts = [truthAt(400, 10, 5, { remoteId: broadcast('A') }), truthAt(900, 100, 5, { id: 2, remoteId: broadcast('B') })];
    expect(collect(rid(), ts, 300, 4)).toEqual(collect(rid(), ts, 300, 4));
    expect(collect(rid(), ts, 300, 4)).not.toEqual(collect(rid(), ts, 300, 5));
  });
});
