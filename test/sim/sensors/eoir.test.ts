import { describe, expect, it } from 'vitest';
import { detectionSchema } from '../../../src/model/detection.js';
import { EoirSensor, type EoirConfigInput } from '../../../src/sim/sensors/eoir.js';
import { DEG, MAST, MAST_U, collect, empiricalPd, expectNoise, expectPd, frame, mean, run, stat, truthAt, variance, wrapPi } from './helpers.js';

function camera(over: Partial<EoirConfigInput> = {}): EoirSensor {
  return new EoirSensor({ kind: 'eoir', id: 'cam-1', position: MAST, falseAlarmsPerUpdate: 0, ...over }, frame);
}

describe('EO/IR Pd inside the field of view', () => {
  const c = camera({ homeAzimuthDeg: 180, homeElevationDeg: 3 });

  for (const range of [500, 1500, 2500]) {
    it(`empirical Pd over 10,000 updates matches the model at ${range} m`, () => {
      const p = empiricalPd(c, truthAt(range, 183, 4), 10_000, range);
      expectPd(`eoir Pd @ ${range} m`, p, c.pd(range));
    });
  }

  it('sees nothing outside its field of view or range', () => {
    expect(c.pd(1500)).toBeCloseTo(0.475, 12);
    const outside = [truthAt(500, 180 + 11, 3), truthAt(500, 180, 3 + 7), truthAt(500, 90, 3), truthAt(3100, 180, 3)];
    expect(collect(c, outside, 2000, 1)).toHaveLength(0);
  });
});

describe('EO/IR cueing', () => {
  const target = truthAt(800, 90, 5);
  const cue = { e: target.e + 5, n: target.n - 5, u: target.u };

  it('points at a cue and sees the cued object outside its home view', () => {
    const c = camera();
    expect(collect(c, [target], 500, 2)).toHaveLength(0);
    let hits = 0;
    run(c, [target], 10_000, 3, (d) => (hits += d.length), [cue]);
    expectPd('eoir cued Pd @ 800 m', hits / 10_000, c.pd(800));
    expect(c.pointing.azimuthRad / DEG).toBeCloseTo(90, 0);
  });

  it('chooses the nearest reachable cue and ignores cues beyond its slew limits', () => {
    const limited = camera({ panHalfRangeDeg: 60 });
    run(limited, [target], 10, 4, () => {}, [cue]);
    expect(limited.pointing.azimuthRad).toBe(0); // 90° is beyond ±60° of home: stays home
    const tooHigh = camera({ tiltMaxDeg: 30 });
    run(tooHigh, [], 1, 4, () => {}, [{ e: 0, n: 10, u: 200 }]);
    expect(tooHigh.pointing.elevationRad / DEG).toBeCloseTo(2, 9);
    const c = camera();
    const far = truthAt(2000, 300, 2), near = truthAt(600, 45, 3);
    run(c, [], 1, 5, () => {}, [far, near, { e: 0, n: 5000, u: 10 }]);
    expect(c.pointing.azimuthRad / DEG).toBeCloseTo(45, 6);
    run(c, [], 1, 5, () => {}, []);
    expect(c.pointing.azimuthRad / DEG).toBeCloseTo(0, 6); // uncued: back home
  });

  it('slews at its configured rate, the short way round, and stays within pan limits', () => {
    const c = camera({ slewRateDegPerS: 20, updateIntervalS: 0.5, homeAzimuthDeg: 10 });
    const az: number[] = [];
    run(c, [], 12, 6, () => az.push(c.pointing.azimuthRad / DEG), [truthAt(500, 300, 2)]);
    expect(az[0]).toBeCloseTo(300, 6); // the first update starts on the cue
    expect(az[11]).toBeCloseTo(300, 6);
    // Uncued, it returns home at 10° per 0.5 s update, clockwise through north (70°, not 290°).
    run(c, [], 8, 7, () => az.push(c.pointing.azimuthRad / DEG), [], 12);
    expect(az[12]).toBeCloseTo(310, 6);
    expect(az[13]).toBeCloseTo(320, 6);
    expect(az[18]).toBeCloseTo(10, 6);
    expect(az[19]).toBeCloseTo(10, 6);

    // Pan limits 90° ± 100° (350° … 190° through east). From 185° to 355° the short way (170°
    // through west) is forbidden, so it goes the long way (190° back through east).
    const limited = camera({ slewRateDegPerS: 20, updateIntervalS: 0.5, homeAzimuthDeg: 90, panHalfRangeDeg: 100 });
    run(limited, [], 1, 8, () => {}, [truthAt(500, 185, 2)]);
    expect(limited.pointing.azimuthRad / DEG).toBeCloseTo(185, 6);
    const seen: number[] = [];
    run(limited, [], 21, 8, () => seen.push(limited.pointing.azimuthRad / DEG), [truthAt(500, 355, 2)], 1);
    expect(seen[0]).toBeCloseTo(175, 6);
    expect(seen[9]).toBeCloseTo(85, 6);
    expect(seen[18]).toBeCloseTo(355, 6);
    expect(seen[20]).toBeCloseTo(355, 6);
    for (const a of seen) expect(Math.abs(wrapPi((a - 90) * DEG))).toBeLessThanOrEqual(100 * DEG + 1e-9);
  });
});

describe('EO/IR evidence, noise and false alarms', () => {
  it('labels drones and birds with the configured accuracy at short range only', () => {
    const c = camera({ homeAzimuthDeg: 0, horizontalFovDeg: 60, classification: { accuracy: 0.9, maxRangeM: 1000, classes: ['rotary-drone', 'bird'] } });
    const drone = truthAt(400, -15, 3, { id: 1, cls: 'rotary-drone' });
    const bird = truthAt(400, 15, 3, { id: 2, cls: 'bird' });
    let right = 0, total = 0;
    run(c, [drone, bird], 10_000, 9, (dets) => {
      for (const d of dets) {
        if (d.measurement.kind !== 'bearing') continue;
        const cls = wrapPi(d.measurement.azimuthRad) < 0 ? 'rotary-drone' : 'bird';
        if (d.evidence?.classLabel?.label === cls) right++;
        total++;
      }
    });
    expect(total).toBeGreaterThan(10_000);
    expectPd('eoir class accuracy', right / total, 0.9);
    const far = collect(c, [truthAt(1200, 0, 3)], 200, 10);
    expect(far.length).toBeGreaterThan(100);
    for (const d of far) expect(d.evidence).toBeUndefined();
  });

  it('bearing errors have the configured σ', () => {
    const c = camera({ sigmaAzimuthDeg: 0.08, sigmaElevationDeg: 0.06 });
    const t = truthAt(300, 0.01, 2);
    const az = Math.atan2(t.e, t.n), el = Math.atan2(t.u - MAST_U, Math.hypot(t.e, t.n));
    const daz: number[] = [], del: number[] = [];
    run(c, [t], 21_000, 11, (dets) => {
      for (const d of dets) {
        if (d.measurement.kind !== 'bearing') continue;
        daz.push(wrapPi(d.measurement.azimuthRad - az));
        del.push(d.measurement.elevationRad! - el);
      }
    });
    expectNoise('eoir azimuth', daz, 0.08 * DEG);
    expectNoise('eoir elevation', del, 0.06 * DEG);
  });

  it('false alarms are Poisson with the configured mean and inside the field of view', () => {
    const c = camera({ falseAlarmsPerUpdate: 0.5, homeAzimuthDeg: 200, sigmaAzimuthDeg: 0.01, sigmaElevationDeg: 0.01 });
    const counts = new Float64Array(40_000);
    let outside = 0;
    run(c, [], counts.length, 12, (dets, k) => {
      counts[k] = dets.length;
      for (const d of dets) {
        const m = d.measurement;
        if (m.kind !== 'bearing' || Math.abs(wrapPi(m.azimuthRad - 200 * DEG)) > 10.1 * DEG || Math.abs(m.elevationRad! - 2 * DEG) > 6.1 * DEG) outside++;
      }
    });
    expect(outside).toBe(0);
    stat('eoir false alarms mean', mean(counts), 0.5);
    expect(Math.abs(mean(counts) / 0.5 - 1)).toBeLessThanOrEqual(0.05);
    expect(Math.abs(variance(counts) / 0.5 - 1)).toBeLessThanOrEqual(0.05);
  });

  it('is deterministic per seed and emits valid Detections', () => {
    const ts = [truthAt(400, 2, 2), truthAt(900, 5, 3, { id: 2, cls: 'bird' })];
    const cues = [{ e: ts[0].e, n: ts[0].n, u: ts[0].u }];
    const a: unknown[] = [], b: unknown[] = [];
    run(camera({ falseAlarmsPerUpdate: 0.2, slewRateDegPerS: 30 }), ts, 300, 13, (d) => a.push(...d), cues);
    run(camera({ falseAlarmsPerUpdate: 0.2, slewRateDegPerS: 30 }), ts, 300, 13, (d) => b.push(...d), cues);
    expect(a.length).toBeGreaterThan(300);
    expect(b).toEqual(a);
    for (const d of a) expect(detectionSchema.safeParse(d).success).toBe(true);
  });
});
