import { describe, expect, it } from 'vitest';
import { detectionSchema } from '../../../src/model/detection.js';
import { RadarSensor, type RadarConfigInput } from '../../../src/sim/sensors/radar.js';
import { DEG, MAST, MAST_U, collect, expectNoise, expectPd, frame, mean, run, stat, truth, truthAt, variance, wrapPi } from './helpers.js';

const NO_CLUTTER = { meanPerScan: 0 };

function radar(over: Partial<RadarConfigInput> = {}): RadarSensor {
  return new RadarSensor({ kind: 'radar', id: 'radar-1', position: MAST, ...over }, frame);
}

describe('radar Pd (Swerling 1, SNR ∝ RCS/R⁴)', () => {
  const r = radar({ clutter: NO_CLUTTER });

  it('is calibrated: a 0.01 m² target has the configured Pd at the reference range', () => {
    expect(r.pd(2000, 0.01)).toBeCloseTo(0.8, 12);
    const other = radar({ referencePd: 0.5, referenceRangeM: 1200, pfa: 1e-8 });
    expect(other.pd(1200, 0.01)).toBeCloseTo(0.5, 12);
    // Closed form: Pd = Pfa^(1/(1+SNR)), SNR = SNR_ref (σ/σ_ref)(R_ref/R)⁴, SNR_ref = ln Pfa / ln Pd_ref − 1.
    const snrRef = Math.log(1e-6) / Math.log(0.8) - 1;
    const snr = snrRef * (0.004 / 0.01) * (2000 / 1500) ** 4;
    expect(r.pd(1500, 0.004)).toBeCloseTo(1e-6 ** (1 / (1 + snr)), 12);
    // Falls with range and rises with RCS.
    expect(r.pd(3000, 0.01)).toBeLessThan(r.pd(2000, 0.01));
    expect(r.pd(2000, 0.1)).toBeGreaterThan(r.pd(2000, 0.01));
  });

  for (const [range, rcs, cls] of [
    [1000, 0.01, 'rotary-drone'],
    [2000, 0.01, 'rotary-drone'],
    [3000, 0.01, 'rotary-drone'],
    [4500, 0.01, 'rotary-drone'],
    [1200, 0.003, 'bird'],
  ] as const) {
    it(`empirical Pd over 10,000 scans matches the model: ${cls} ${rcs} m² at ${range} m`, () => {
      const t = truthAt(range, 40, 3, { rcsM2: rcs, cls });
      let hits = 0;
      run(r, [t], 10_000, 1000 + range, (d) => (hits += d.length));
      expectPd(`radar Pd ${cls} ${rcs} m² @ ${range} m`, hits / 10_000, r.pd(range, rcs));
    });
  }
});

describe('radar noise', () => {
  it('range, azimuth, elevation and range-rate errors have the configured σ', () => {
    const r = radar({ clutter: NO_CLUTTER, sigmaRangeM: 7, sigmaAzimuthDeg: 0.4, sigmaElevationDeg: 0.9, sigmaRangeRateMps: 0.25 });
    // Near north so the azimuth residual must wrap; moving so range rate is not zero.
    const t = truthAt(800, 0.1, 6, { ve: 3, vn: -12, vu: 1 });
    const dx = t.e, dy = t.n, dz = t.u - MAST_U;
    const R = Math.hypot(dx, dy, dz), az = Math.atan2(dx, dy), el = Math.atan2(dz, Math.hypot(dx, dy));
    const rr = (dx * t.ve + dy * t.vn + dz * t.vu) / R;
    const res: number[][] = [[], [], [], []];
    run(r, [t], 21_000, 7, (dets, k) => {
      for (const d of dets) {
        const m = d.measurement;
        if (m.kind !== 'polar') throw new Error('radar must report polar');
        if (k === 0) expect(m.sigma).toEqual({ rangeM: 7, azimuthRad: 0.4 * DEG, elevationRad: 0.9 * DEG, rangeRateMps: 0.25 });
        res[0].push(m.rangeM - R);
        res[1].push(wrapPi(m.azimuthRad - az));
        res[2].push(m.elevationRad! - el);
        res[3].push(m.rangeRateMps! - rr);
      }
    });
    expectNoise('radar range', res[0], 7);
    expectNoise('radar azimuth', res[1], 0.4 * DEG);
    expectNoise('radar elevation', res[2], 0.9 * DEG);
    expectNoise('radar range rate', res[3], 0.25);
  });

  it('omits range rate when it does not measure it', () => {
    const r = radar({ clutter: NO_CLUTTER, measuresRangeRate: false });
    const d = collect(r, [truthAt(500, 10, 5)], 20, 1);
    expect(d.length).toBeGreaterThan(0);
    for (const x of d) expect(x.measurement).not.toHaveProperty('rangeRateMps');
  });
});

describe('radar coverage', () => {
  it('the elevation mask hides a drone 15 m up at 3 km and shows one at 150 m', () => {
    const r = radar({ clutter: NO_CLUTTER, minElevationDeg: 0.5 });
    const low = truth({ e: 0, n: 3000, u: 15 });
    const high = truth({ e: 0, n: 3000, u: 150 });
    expect(Math.atan2(low.u - MAST_U, 3000) / DEG).toBeLessThan(0.5);
    let lowHits = 0, highHits = 0;
    run(r, [low], 10_000, 3, (d) => (lowHits += d.length));
    run(r, [high], 10_000, 4, (d) => (highHits += d.length));
    expect(lowHits).toBe(0);
    expectPd('radar Pd high drone 3 km', highHits / 10_000, r.pd(Math.hypot(3000, 140), 0.01));
  });

  it('a terrain mask sector hides what the open sectors show', () => {
    const r = radar({ clutter: NO_CLUTTER, terrainMask: [{ fromAzimuthDeg: 350, toAzimuthDeg: 20, elevationDeg: 4 }] });
    expect(r.maskElevationRad(0) / DEG).toBeCloseTo(4);
    expect(r.maskElevationRad(355 * DEG) / DEG).toBeCloseTo(4);
    expect(r.maskElevationRad(30 * DEG) / DEG).toBeCloseTo(0.5);
    expect(collect(r, [truthAt(1000, 5, 3)], 2000, 5)).toHaveLength(0);
    expect(collect(r, [truthAt(1000, 45, 3)], 2000, 5).length).toBeGreaterThan(1800);
  });

  it('sees only inside its azimuth sector and range limits', () => {
    const r = radar({ clutter: NO_CLUTTER, boresightAzimuthDeg: 90, azimuthWidthDeg: 120, minRangeM: 100 });
    expect(collect(r, [truthAt(500, 0, 5), truthAt(500, 200, 5), truthAt(60, 90, 5), truthAt(5100, 90, 5)], 1000, 6)).toHaveLength(0);
    expect(collect(r, [truthAt(500, 140, 5)], 1000, 6).length).toBeGreaterThan(990);
  });
});

describe('radar clutter', () => {
  it('is Poisson with the configured mean, close in, low and near zero range rate', () => {
    const cl = { meanPerScan: 4, rangeScaleM: 600, elevationScaleDeg: 0.4, rangeRateSpreadMps: 0.3 };
    const r = radar({ clutter: cl, minRangeM: 30, maxRangeM: 5000, minElevationDeg: 0.5, sigmaElevationDeg: 0.2 });
    const scans = 20_000;
    const counts = new Float64Array(scans);
    const ranges: number[] = [], els: number[] = [], rrs: number[] = [];
    run(r, [], scans, 11, (dets, k) => {
      counts[k] = dets.length;
      for (const d of dets) {
        const m = d.measurement;
        if (m.kind !== 'polar') throw new Error('polar expected');
        ranges.push(m.rangeM);
        els.push(m.elevationRad!);
        rrs.push(m.rangeRateMps!);
      }
    });
    stat('radar clutter mean per scan', mean(counts), 4);
    stat('radar clutter variance per scan', variance(counts), 4);
    expect(Math.abs(mean(counts) / 4 - 1)).toBeLessThanOrEqual(0.02);
    expect(Math.abs(variance(counts) / 4 - 1)).toBeLessThanOrEqual(0.05);
    // Truncated exponential range: mean = lo + L − (hi − lo) e^{−(hi−lo)/L} / (1 − e^{−(hi−lo)/L}).
    const q = Math.exp(-(5000 - 30) / 600);
    const expectedRange = 30 + 600 - ((5000 - 30) * q) / (1 - q);
    stat('radar clutter mean range', mean(ranges), expectedRange);
    expect(Math.abs(mean(ranges) / expectedRange - 1)).toBeLessThan(0.02);
    // Elevation: mask + Exp(0.4°) + N(0, 0.2°) noise.
    stat('radar clutter mean elevation [deg]', mean(els) / DEG, 0.9);
    expect(Math.abs(mean(els) / DEG - 0.9)).toBeLessThan(0.02);
    expect(Math.sqrt(variance(rrs))).toBeCloseTo(Math.hypot(0.3, 0.3), 1);
  });

  it('labels clutter with a random class when classification is on', () => {
    const r = radar({ clutter: { meanPerScan: 2 }, classification: { accuracy: 0.9, classes: ['rotary-drone', 'bird'] } });
    const d = collect(r, [], 2000, 12);
    const drones = d.filter((x) => x.evidence?.classLabel?.label === 'rotary-drone').length;
    expect(drones / d.length).toBeGreaterThan(0.45);
    expect(drones / d.length).toBeLessThan(0.55);
  });
});

describe('radar classification (micro-Doppler)', () => {
  it('labels drones and birds with the configured accuracy within its range', () => {
    const r = radar({ clutter: NO_CLUTTER, classification: { accuracy: 0.85, maxRangeM: 1500, classes: ['rotary-drone', 'bird'] } });
    const drone = truthAt(700, 30, 4, { id: 1, cls: 'rotary-drone' });
    const bird = truthAt(700, 200, 4, { id: 2, cls: 'bird', rcsM2: 0.01 });
    let right = 0, total = 0;
    run(r, [drone, bird], 10_000, 13, (dets) => {
      for (const d of dets) {
        const m = d.measurement;
        if (m.kind !== 'polar') continue;
        const cls = Math.abs(wrapPi(m.azimuthRad - 30 * DEG)) < 10 * DEG ? 'rotary-drone' : 'bird';
        expect(d.evidence?.classLabel?.confidence).toBe(0.85);
        if (d.evidence?.classLabel?.label === cls) right++;
        total++;
      }
    });
    expect(total).toBeGreaterThan(10_000);
    expectPd('radar micro-Doppler accuracy', right / total, 0.85);
    const far = collect(r, [truthAt(2000, 30, 4, { rcsM2: 1 })], 100, 14);
    expect(far.length).toBeGreaterThan(0);
    for (const d of far) expect(d.evidence).toBeUndefined();
  });
});

describe('radar output', () => {
  it('is deterministic per seed and valid Detections', () => {
    const r1 = radar({ classification: { accuracy: 0.9 } });
    const r2 = radar({ classification: { accuracy: 0.9 } });
    const ts = [truthAt(900, 10, 3), truthAt(1500, 100, 2, { id: 2, cls: 'bird', rcsM2: 0.005 })];
    const a = collect(r1, ts, 300, 99), b = collect(r2, ts, 300, 99), c = collect(r1, ts, 300, 100);
    expect(a.length).toBeGreaterThan(300);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
    for (const d of a) expect(detectionSchema.safeParse(d).success).toBe(true);
    expect(a.every((d) => d.sensorId === 'radar-1')).toBe(true);
  });

  it('rejects invalid configs with the path at fault', () => {
    expect(() => radar({ minRangeM: 6000 })).toThrow(/minRangeM/);
    expect(() => radar({ referencePd: 1 })).toThrow(/referencePd/);
    expect(() => new RadarSensor({ kind: 'radar', id: 'r', position: MAST, maxRange: 5 } as never, frame)).toThrow(/maxRange/);
  });
});
