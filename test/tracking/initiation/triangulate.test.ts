import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { triangulate, type TriangulationResult } from '../../../src/tracking/initiation/triangulate.js';

/** Deterministic PRNG (mulberry32) and Box–Muller normals for the Monte Carlo tests. */
function rng(seed: number): { uniform(): number; normal(): number } {
  let a = seed >>> 0;
  const uniform = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    uniform,
    normal: () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform()),
  };
}

/** Exact bearings from sensors (k×3) to a target. */
function bearings(sensors: Float64Array, k: number, target: ArrayLike<number>) {
  const az = new Float64Array(k), el = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    const dx = target[0] - sensors[3 * i], dy = target[1] - sensors[3 * i + 1], dz = (target[2] ?? 0) - sensors[3 * i + 2];
    az[i] = Math.atan2(dx, dy);
    el[i] = Math.atan2(dz, Math.hypot(dx, dy));
  }
  return { az, el };
}

/** Largest angle between two rays towards the target, as lines (what the solver tests). */
function widestAngle(sensors: Float64Array, k: number, target: ArrayLike<number>, d: 2 | 3): number {
  let best = 0;
  const u = (i: number) => {
    const v = [target[0] - sensors[3 * i], target[1] - sensors[3 * i + 1], d === 3 ? target[2] - sensors[3 * i + 2] : 0];
    const n = Math.hypot(v[0], v[1], v[2]);
    return v.map((c) => c / n);
  };
  for (let i = 0; i < k; i++) for (let j = i + 1; j < k; j++) {
    const a = u(i), b = u(j);
    const c = [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
    best = Math.max(best, Math.asin(Math.min(1, Math.hypot(c[0], c[1], c[2]))));
  }
  return best;
}

// Integers in millimetres: fc.double's bias towards its bounds would stack sensors on one point.
const coord = (lo: number, hi: number) => fc.integer({ min: lo * 1000, max: hi * 1000 }).map((v) => v / 1000);
const geometry = fc.record({
  sensors: fc.array(fc.tuple(coord(-2000, 2000), coord(-2000, 2000), coord(0, 30)), { minLength: 2, maxLength: 5 }),
  target: fc.tuple(coord(-3000, 3000), coord(-3000, 3000), coord(20, 600)),
});

function nees(err: number[], cov: Float64Array, d: number): number {
  // Solve cov·y = err by Gaussian elimination (d ≤ 3) and return errᵀ y.
  const a = Array.from({ length: d }, (_, i) => [...Array.from(cov.subarray(i * d, i * d + d)), err[i]]);
  for (let c = 0; c < d; c++) {
    for (let r = c + 1; r < d; r++) {
      const f = a[r][c] / a[c][c];
      for (let j = c; j <= d; j++) a[r][j] -= f * a[c][j];
    }
  }
  const y = new Array<number>(d).fill(0);
  for (let r = d - 1; r >= 0; r--) {
    let s = a[r][d];
    for (let j = r + 1; j < d; j++) s -= a[r][j] * y[j];
    y[r] = s / a[r][r];
  }
  return err.reduce((s, e, i) => s + e * y[i], 0);
}

describe('triangulate', () => {
  for (const d of [2, 3] as const) {
    it(`recovers a point from noiseless bearings of 2..5 sensors (${d}-D)`, () => {
      fc.assert(
        fc.property(geometry, ({ sensors, target }) => {
          const k = sensors.length;
          const S = Float64Array.from(sensors.flat());
          for (let i = 0; i < k; i++) {
            fc.pre(Math.hypot(target[0] - S[3 * i], target[1] - S[3 * i + 1]) > 50);
          }
          fc.pre(widestAngle(S, k, target, d) > (5 * Math.PI) / 180);
          const { az, el } = bearings(S, k, target);
          const sig = new Float64Array(k).fill(0.01);
          const pos = new Float64Array(3), cov = new Float64Array(9);
          const r = triangulate(S, az, d === 3 ? el : null, sig, d === 3 ? sig : null, k, pos, cov);
          expect(r).not.toBe(false);
          if (r === false) return;
          expect(r.dims).toBe(d);
          expect(r.dof).toBe(k * (d - 1) - d);
          const scale = Math.max(1, Math.hypot(target[0], target[1], d === 3 ? target[2] : 0));
          for (let i = 0; i < d; i++) expect(Math.abs(pos[i] - target[i]) / scale).toBeLessThan(1e-6);
          expect(r.chi2).toBeLessThan(1e-12);
          for (let i = 0; i < d; i++) {
            expect(cov[i * d + i]).toBeGreaterThan(0);
            for (let j = 0; j < d; j++) expect(cov[i * d + j]).toBeCloseTo(cov[j * d + i], 6);
          }
        }),
        { numRuns: 500 },
      );
    });
  }

  it('rejects parallel and anti-parallel rays', () => {
    const S = Float64Array.from([0, 0, 0, 100, 0, 0]);
    const pos = new Float64Array(3), cov = new Float64Array(9);
    const sig = Float64Array.from([0.01, 0.01]);
    const res: TriangulationResult = { dims: 2, chi2: 0, dof: 0, maxIntersectionAngle: 0, rejection: null };
    // Both looking north: parallel.
    expect(triangulate(S, Float64Array.from([0, 0]), null, sig, null, 2, pos, cov, undefined, res)).toBe(false);
    expect(res.rejection).toBe('parallel');
    // Facing each other along the baseline: the target's place on the line is unobservable.
    expect(triangulate(S, Float64Array.from([Math.PI / 2, -Math.PI / 2]), null, sig, null, 2, pos, cov, undefined, res)).toBe(false);
    expect(res.rejection).toBe('parallel');
    // Nearly parallel (0.5°) under the 1° default, accepted with a looser threshold.
    const az = Float64Array.from([0.25, 0.25 - Math.PI / 360]);
    expect(triangulate(S, az, null, sig, null, 2, pos, cov)).toBe(false);
    expect(triangulate(S, az, null, sig, null, 2, pos, cov, { minIntersectionAngle: 0.001 })).not.toBe(false);
    // 3-D: same azimuth and elevation from two sensors.
    const az3 = Float64Array.from([0.3, 0.3]), el3 = Float64Array.from([0.2, 0.2]);
    expect(triangulate(S, az3, el3, sig, sig, 2, pos, cov, undefined, res)).toBe(false);
    expect(res.rejection).toBe('parallel');
  });

  it('property: rejects any set of parallel rays', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(coord(-2000, 2000), coord(-2000, 2000), coord(0, 30)), { minLength: 2, maxLength: 5 }),
        fc.double({ min: -Math.PI, max: Math.PI, noNaN: true }), fc.double({ min: -1.2, max: 1.2, noNaN: true }), fc.boolean(),
        (sensors, az0, el0, threeD) => {
          const k = sensors.length;
          const az = new Float64Array(k).fill(az0), el = new Float64Array(k).fill(el0);
          const sig = new Float64Array(k).fill(0.01);
          const r = triangulate(Float64Array.from(sensors.flat()), az, threeD ? el : null, sig, null, k, new Float64Array(3), new Float64Array(9));
          expect(r).toBe(false);
        },
      ),
    );
  });

  it('rejects an intersection behind a sensor', () => {
    const S = Float64Array.from([0, 0, 0, 100, 0, 0]);
    const res: TriangulationResult = { dims: 2, chi2: 0, dof: 0, maxIntersectionAngle: 0, rejection: null };
    // Rays diverge (north-west and north-east): the lines meet at (50, −50), behind both.
    const az = Float64Array.from([-Math.PI / 4, Math.PI / 4]);
    const sig = Float64Array.from([0.01, 0.01]);
    expect(triangulate(S, az, null, sig, null, 2, new Float64Array(2), new Float64Array(4), undefined, res)).toBe(false);
    expect(res.rejection).toBe('behind');
    // Converging rays meet at (50, 50), in front.
    const ok = triangulate(S, Float64Array.from([Math.PI / 4, -Math.PI / 4]), null, sig, null, 2, new Float64Array(2), new Float64Array(4));
    expect(ok).not.toBe(false);
  });

  it('rejects too few or invalid bearings', () => {
    const pos = new Float64Array(3), cov = new Float64Array(9);
    const one = Float64Array.from([0.1]);
    expect(triangulate(Float64Array.from([0, 0, 0]), one, null, one, null, 1, pos, cov)).toBe(false);
    const S = Float64Array.from([0, 0, 0, 100, 0, 0]);
    expect(triangulate(S, Float64Array.from([0.1, NaN]), null, Float64Array.from([0.01, 0.01]), null, 2, pos, cov)).toBe(false);
    expect(triangulate(S, Float64Array.from([0.1, -0.1]), null, Float64Array.from([0.01, 0]), null, 2, pos, cov)).toBe(false);
  });

  it('flags inconsistent bearing sets through chi2', () => {
    const S = Float64Array.from([0, 0, 0, 1000, 0, 0, 500, -800, 0]);
    const { az } = bearings(S, 3, [400, 1500, 0]);
    const sig = new Float64Array(3).fill(0.005);
    const pos = new Float64Array(2), cov = new Float64Array(4);
    const good = triangulate(S, az, null, sig, null, 3, pos, cov);
    expect(good && good.chi2).toBeLessThan(1e-12);
    az[2] += 0.05; // a 10σ error on one bearing
    const bad = triangulate(S, az, null, sig, null, 3, pos, cov);
    expect(bad).not.toBe(false);
    if (bad !== false) {
      expect(bad.dof).toBe(1);
      expect(bad.chi2).toBeGreaterThan(20);
    }
  });

  for (const d of [2, 3] as const) {
    it(`covariance is consistent with noisy bearings (mean NEES ≈ ${d}, ${d}-D)`, () => {
      const R = rng(1234 + d);
      const trials = 3000;
      let sumNees = 0, sumChi2 = 0, sumDof = 0, used = 0;
      const pos = new Float64Array(3), cov = new Float64Array(9);
      for (let trial = 0; trial < trials; trial++) {
        const k = 2 + Math.floor(R.uniform() * 4);
        const S = new Float64Array(3 * k);
        for (let i = 0; i < k; i++) {
          S[3 * i] = (R.uniform() - 0.5) * 2000;
          S[3 * i + 1] = (R.uniform() - 0.5) * 2000;
          S[3 * i + 2] = R.uniform() * 10;
        }
        const target = [(R.uniform() - 0.5) * 3000, 1500 + R.uniform() * 1500, 50 + R.uniform() * 300];
        if (widestAngle(S, k, target, d) < (15 * Math.PI) / 180) continue;
        const { az, el } = bearings(S, k, target);
        const sAz = new Float64Array(k), sEl = new Float64Array(k);
        for (let i = 0; i < k; i++) {
          sAz[i] = 0.002 + R.uniform() * 0.01;
          sEl[i] = 0.002 + R.uniform() * 0.01;
          az[i] += sAz[i] * R.normal();
          el[i] += sEl[i] * R.normal();
        }
        const r = triangulate(S, az, d === 3 ? el : null, sAz, d === 3 ? sEl : null, k, pos, cov);
        if (r === false) continue;
        const err = Array.from({ length: d }, (_, i) => pos[i] - target[i]);
        sumNees += nees(err, cov, d);
        sumChi2 += r.chi2;
        sumDof += r.dof;
        used++;
      }
      expect(used).toBeGreaterThan(trials / 3);
      const meanNees = sumNees / used;
      expect(meanNees).toBeGreaterThan(0.6 * d);
      expect(meanNees).toBeLessThan(1.6 * d);
      // The residual figure is χ²-distributed with dof degrees of freedom.
      expect(sumChi2 / sumDof).toBeGreaterThan(0.8);
      expect(sumChi2 / sumDof).toBeLessThan(1.2);
    });
  }
});
