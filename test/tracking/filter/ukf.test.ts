import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cholesky, invertSpd, mul, mulT, symmetrize, wrapAngle } from '../../../src/math/linalg.js';
import { UnscentedKalmanFilter } from '../../../src/tracking/filter/ukf.js';
import {
  MeasurementPrediction, stateSpace,
  type MeasurementModel, type MotionModel, type StateSpace,
} from '../../../src/tracking/types.js';

// ---- Local models: the real ones are written elsewhere, these pin the UKF alone. ----

/** Nearly-constant velocity, white-noise acceleration q, 2-D or 3-D. */
class LocalCV implements MotionModel {
  readonly name = 'cv-test';
  constructor(readonly space: StateSpace, readonly q: number) {}
  propagate(x: Float64Array, dt: number, out: Float64Array): void {
    const d = this.space.dims;
    for (let i = 0; i < d; i++) { out[i] = x[i] + dt * x[d + i]; out[d + i] = x[d + i]; }
  }
  jacobian(_x: Float64Array, dt: number, F: Float64Array): void {
    const { dims: d, n } = this.space;
    F.fill(0, 0, n * n);
    for (let i = 0; i < n; i++) F[i * n + i] = 1;
    for (let i = 0; i < d; i++) F[i * n + d + i] = dt;
  }
  noise(_x: Float64Array, dt: number, Q: Float64Array): void {
    const { dims: d, n } = this.space;
    Q.fill(0, 0, n * n);
    for (let i = 0; i < d; i++) {
      Q[i * n + i] = (this.q * dt ** 3) / 3;
      Q[i * n + d + i] = Q[(d + i) * n + i] = (this.q * dt ** 2) / 2;
      Q[(d + i) * n + d + i] = this.q * dt;
    }
  }
}

/** Coordinated turn [x, y, vx, vy, ω]: a nonlinear motion for the long runs. */
class LocalCT implements MotionModel {
  readonly name = 'ct-test';
  readonly space = stateSpace(2, true);
  constructor(readonly q: number, readonly qw: number) {}
  propagate(x: Float64Array, dt: number, out: Float64Array): void {
    const [px, py, vx, vy, w] = x;
    const wt = w * dt;
    let s: number, c: number; // sin(ωT)/ω and (1 − cos ωT)/ω
    if (Math.abs(wt) < 1e-9) { s = dt; c = 0.5 * w * dt * dt; } else { s = Math.sin(wt) / w; c = (1 - Math.cos(wt)) / w; }
    out[0] = px + vx * s - vy * c;
    out[1] = py + vx * c + vy * s;
    out[2] = vx * Math.cos(wt) - vy * Math.sin(wt);
    out[3] = vx * Math.sin(wt) + vy * Math.cos(wt);
    out[4] = w;
  }
  jacobian(): void { throw new Error('the UKF must not need a Jacobian'); }
  noise(_x: Float64Array, dt: number, Q: Float64Array): void {
    new LocalCV(stateSpace(2), this.q).noise(_x, dt, Q.subarray(0, 16));
    // Re-lay the 4×4 block into the 5×5 matrix.
    const b = Array.from(Q.subarray(0, 16));
    Q.fill(0, 0, 25);
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) Q[i * 5 + j] = b[i * 4 + j];
    Q[24] = this.qw * dt;
  }
}

/** Linear position measurement (the dims position components). */
class LocalPosition implements MeasurementModel {
  readonly name = 'pos-test';
  readonly linear = true;
  readonly isAngle: Uint8Array;
  constructor(readonly m: number) { this.isAngle = new Uint8Array(m); }
  predict(x: Float64Array, _s: StateSpace, out: Float64Array): void { for (let i = 0; i < this.m; i++) out[i] = x[i]; }
  jacobian(_x: Float64Array, s: StateSpace, H: Float64Array): void {
    H.fill(0, 0, this.m * s.n);
    for (let i = 0; i < this.m; i++) H[i * s.n + i] = 1;
  }
  toPosition(): boolean { return false; }
}

/** Range and azimuth (clockwise from north) from a sensor at the origin. */
class LocalRangeAzimuth implements MeasurementModel {
  readonly name = 'r-az-test';
  readonly m = 2;
  readonly linear = false;
  readonly isAngle = Uint8Array.from([0, 1]);
  predict(x: Float64Array, _s: StateSpace, out: Float64Array): void {
    out[0] = Math.hypot(x[0], x[1]);
    out[1] = Math.atan2(x[0], x[1]);
  }
  jacobian(): void { throw new Error('the UKF must not need a Jacobian'); }
  toPosition(): boolean { return false; }
}

// ---- Reference Kalman filter and helpers. ----

function kfPredict(x: Float64Array, P: Float64Array, motion: MotionModel, dt: number): void {
  const n = motion.space.n;
  const F = new Float64Array(n * n), Q = new Float64Array(n * n), FP = new Float64Array(n * n);
  motion.jacobian(x, dt, F);
  motion.noise(x, dt, Q);
  motion.propagate(x, dt, x);
  mul(F, P, n, n, n, FP);
  mulT(FP, F, n, n, n, P);
  for (let i = 0; i < n * n; i++) P[i] += Q[i];
}

function kfMeasurement(x: Float64Array, P: Float64Array, s: StateSpace, model: MeasurementModel, R: Float64Array) {
  const n = s.n, m = model.m;
  const H = new Float64Array(m * n), HP = new Float64Array(m * n), S = new Float64Array(m * m);
  const zhat = new Float64Array(m), C = new Float64Array(n * m);
  model.predict(x, s, zhat);
  model.jacobian(x, s, H);
  mul(H, P, m, n, n, HP);
  mulT(HP, H, m, n, m, S);
  for (let i = 0; i < m * m; i++) S[i] += R[i];
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) C[i * m + j] = HP[j * n + i];
  return { zhat, S, C };
}

/** UKF-style update with the prediction: x += K ν, P −= K S Kᵀ. */
function update(x: Float64Array, P: Float64Array, z: Float64Array, pred: MeasurementPrediction, model: MeasurementModel): void {
  const n = pred.n, m = pred.m;
  const K = new Float64Array(n * m), KS = new Float64Array(n * m), KSK = new Float64Array(n * n);
  mul(pred.C, pred.Sinv, n, m, m, K);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < m; j++) {
      const v = z[j] - pred.zhat[j];
      s += K[i * m + j] * (model.isAngle[j] ? wrapAngle(v) : v);
    }
    x[i] += s;
  }
  mul(K, pred.S, n, m, m, KS);
  mulT(KS, K, n, m, n, KSK);
  for (let i = 0; i < n * n; i++) P[i] -= KSK[i];
  symmetrize(P, n);
}

function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, rel: number, len = a.length): void {
  let scale = 0;
  for (let i = 0; i < len; i++) scale = Math.max(scale, Math.abs(b[i]));
  for (let i = 0; i < len; i++) expect(Math.abs(a[i] - b[i])).toBeLessThanOrEqual(rel * Math.max(scale, 1e-300));
}

function isSpd(A: Float64Array, n: number): boolean {
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (A[i * n + j] !== A[j * n + i]) return false;
  return cholesky(A, n, new Float64Array(n * n));
}

function rng(seed: number): { normal(): number } {
  let a = seed >>> 0;
  const u = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { normal: () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u()) };
}

/** A random SPD matrix A Aᵀ + εI built from n² entries. */
const spd = (n: number, scale: number) =>
  fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: n * n, maxLength: n * n }).map((e) => {
    const A = Float64Array.from(e, (v) => (v / 1000) * scale);
    const P = new Float64Array(n * n);
    mulT(A, A, n, n, n, P);
    for (let i = 0; i < n; i++) P[i * n + i] += 0.01 * scale * scale;
    return P;
  });
const vec = (n: number, scale: number) =>
  fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: n, maxLength: n }).map((e) => Float64Array.from(e, (v) => (v / 1000) * scale));

// ---- Tests. ----

describe('UnscentedKalmanFilter', () => {
  const configs: [string, UnscentedKalmanFilter][] = [
    ['defaults (α=1, β=2, κ=3−n)', new UnscentedKalmanFilter()],
    ['scaled α=0.1, κ=0 (Wc₀ < 0: modified form)', new UnscentedKalmanFilter({ alpha: 0.1, beta: 2, kappa: 0 })],
    ['α=1, β=0, κ=0', new UnscentedKalmanFilter({ alpha: 1, beta: 0, kappa: 0 })],
  ];
  for (const [label, ukf] of configs) {
    for (const dims of [2, 3] as const) {
      it(`equals the Kalman filter on a linear model, ${dims}-D, ${label}`, () => {
        const space = stateSpace(dims);
        const n = space.n;
        const motion = new LocalCV(space, 0.7);
        const meas = new LocalPosition(dims);
        fc.assert(
          fc.property(vec(n, 1000), spd(n, 30), spd(dims, 10), fc.double({ min: 0.01, max: 10, noNaN: true }), (x0, P0, R, dt) => {
            const xu = x0.slice(), Pu = P0.slice(), xk = x0.slice(), Pk = P0.slice();
            ukf.predict(xu, Pu, motion, dt);
            kfPredict(xk, Pk, motion, dt);
            expectClose(xu, xk, 1e-9);
            expectClose(Pu, Pk, 1e-9);
            const pred = new MeasurementPrediction(n, dims);
            expect(ukf.predictMeasurement(xu, Pu, space, meas, R, pred)).toBe(true);
            const ref = kfMeasurement(xk, Pk, space, meas, R);
            expectClose(pred.zhat, ref.zhat, 1e-9);
            expectClose(pred.S, ref.S, 1e-9);
            expectClose(pred.C, ref.C, 1e-9);
            expect(pred.hasH).toBe(false);
            const Sinv = new Float64Array(dims * dims);
            const logDet = invertSpd(ref.S, dims, Sinv, new Float64Array(dims * dims));
            expectClose(pred.Sinv, Sinv, 1e-7);
            expect(Math.abs(pred.logDetS - logDet)).toBeLessThan(1e-7 * Math.max(1, Math.abs(logDet)));
            for (let i = 0; i < dims * dims; i++) expect(pred.R[i]).toBe(R[i]);
          }),
          { numRuns: 200 },
        );
      });
    }
  }

  it('matches a Monte Carlo estimate of ẑ, S and C for range/azimuth', () => {
    const ukf = new UnscentedKalmanFilter();
    const space = stateSpace(2);
    const meas = new LocalRangeAzimuth();
    const x = Float64Array.from([300, 400, 10, -5]);
    const P = Float64Array.from([
      900, 300, 0, 0,
      300, 1600, 0, 0,
      0, 0, 25, 0,
      0, 0, 0, 25,
    ]);
    const R = Float64Array.from([25, 0, 0, 1e-4]);
    const pred = new MeasurementPrediction(4, 2);
    expect(ukf.predictMeasurement(x, P, space, meas, R, pred)).toBe(true);

    const L = new Float64Array(16);
    expect(cholesky(P, 4, L)).toBe(true);
    const g = rng(7);
    const N = 200_000;
    const zs = new Float64Array(2 * N), xs = new Float64Array(4 * N);
    const xi = new Float64Array(4), z = new Float64Array(2), e = new Float64Array(4);
    const mz = [0, 0];
    for (let k = 0; k < N; k++) {
      for (let i = 0; i < 4; i++) e[i] = g.normal();
      for (let i = 0; i < 4; i++) {
        let s = x[i];
        for (let j = 0; j <= i; j++) s += L[i * 4 + j] * e[j];
        xi[i] = s;
        xs[4 * k + i] = s;
      }
      meas.predict(xi, space, z);
      zs[2 * k] = z[0] + 5 * g.normal();
      zs[2 * k + 1] = z[1] + 0.01 * g.normal();
      mz[0] += zs[2 * k] / N;
      mz[1] += zs[2 * k + 1] / N;
    }
    const S = [0, 0, 0, 0], C = new Array<number>(8).fill(0);
    for (let k = 0; k < N; k++) {
      const d0 = zs[2 * k] - mz[0], d1 = zs[2 * k + 1] - mz[1];
      S[0] += (d0 * d0) / N; S[1] += (d0 * d1) / N; S[3] += (d1 * d1) / N;
      for (let i = 0; i < 4; i++) {
        C[i * 2] += ((xs[4 * k + i] - x[i]) * d0) / N;
        C[i * 2 + 1] += ((xs[4 * k + i] - x[i]) * d1) / N;
      }
    }
    S[2] = S[1];
    // The mean range sits ~1 m beyond h(x̄) = 500 m (range is convex); a linearisation misses
    // that, the unscented transform must not.
    expect(mz[0] - 500).toBeGreaterThan(0.5);
    expect(Math.abs(pred.zhat[0] - mz[0])).toBeLessThan(0.25);
    expect(Math.abs(pred.zhat[1] - mz[1])).toBeLessThan(1e-3); // rad, against 0.07 rad
    for (const i of [0, 3]) expect(Math.abs(pred.S[i] - S[i]) / S[i]).toBeLessThan(0.05);
    expect(Math.abs(pred.S[1] - S[1]) / Math.sqrt(S[0] * S[3])).toBeLessThan(0.05);
    for (let i = 0; i < 4; i++) for (let j = 0; j < 2; j++) {
      const scale = Math.sqrt(P[i * 5] * S[j * 3]);
      expect(Math.abs(pred.C[i * 2 + j] - C[i * 2 + j]) / scale).toBeLessThan(0.03);
    }
  });

  it('averages azimuth circularly across ±π', () => {
    const ukf = new UnscentedKalmanFilter();
    const space = stateSpace(2);
    const meas = new LocalRangeAzimuth();
    // Due south of the sensor: sigma points fall on both sides of the ±π cut.
    const x = Float64Array.from([0, -1000, 0, 0]);
    const P = Float64Array.from([400, 0, 0, 0, 0, 400, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
    const pred = new MeasurementPrediction(4, 2);
    expect(ukf.predictMeasurement(x, P, space, meas, Float64Array.from([1, 0, 0, 1e-6]), pred)).toBe(true);
    expect(Math.abs(Math.abs(pred.zhat[1]) - Math.PI)).toBeLessThan(1e-9);
    // σ_az ≈ 20 m / 1000 m = 0.02 rad, not the ~π of a naive average.
    expect(Math.sqrt(pred.S[3])).toBeGreaterThan(0.015);
    expect(Math.sqrt(pred.S[3])).toBeLessThan(0.025);
    // Cov(east, azimuth) ≈ −400/1000: east of due south is az just above −π, i.e. less than π.
    expect(pred.C[1]).toBeCloseTo(-0.4, 2);
  });

  it('keeps S and P symmetric positive definite over long random runs', () => {
    const meas = new LocalRangeAzimuth();
    const step = fc.record({
      dt: fc.double({ min: 0.05, max: 5, noNaN: true }),
      turn: fc.double({ min: -0.3, max: 0.3, noNaN: true }),
      nr: fc.double({ min: -3, max: 3, noNaN: true }),
      na: fc.double({ min: -3, max: 3, noNaN: true }),
      skip: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.boolean(), fc.array(step, { minLength: 20, maxLength: 200 }),
        fc.double({ min: 0.5, max: 50, noNaN: true }), fc.double({ min: 1e-4, max: 0.05, noNaN: true }),
        (useCt, steps, sr, sa) => {
          const ukf = new UnscentedKalmanFilter();
          const motion: MotionModel = useCt ? new LocalCT(1, 1e-3) : new LocalCV(stateSpace(2), 1);
          const space = motion.space, n = space.n;
          const truth = Float64Array.from([800, 1200, -15, 5, 0]);
          const x = Float64Array.from([780, 1230, 0, 0, 0]).subarray(0, n);
          const P = new Float64Array(n * n);
          for (let i = 0; i < n; i++) P[i * n + i] = i < 2 ? 2500 : i < 4 ? 400 : 0.01;
          const R = Float64Array.from([sr * sr, 0, 0, sa * sa]);
          const pred = new MeasurementPrediction(n, 2);
          const z = new Float64Array(2);
          const ct = new LocalCT(0, 0);
          for (const s of steps) {
            truth[4] = s.turn;
            ct.propagate(truth, s.dt, truth);
            ukf.predict(x, P, motion, s.dt);
            expect(isSpd(P, n)).toBe(true);
            if (!ukf.predictMeasurement(x, P, space, meas, R, pred)) throw new Error('S singular');
            expect(isSpd(pred.S, 2)).toBe(true);
            expect(Number.isFinite(pred.logDetS)).toBe(true);
            if (s.skip) continue;
            meas.predict(truth, space, z);
            z[0] += sr * s.nr;
            z[1] = wrapAngle(z[1] + sa * s.na);
            update(x, P, z, pred, meas);
            expect(isSpd(P, n)).toBe(true);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('reuses its workspaces across state sizes without cross-talk', () => {
    const ukf = new UnscentedKalmanFilter();
    const cv2 = new LocalCV(stateSpace(2), 1), cv3 = new LocalCV(stateSpace(3), 1);
    const run = (motion: LocalCV) => {
      const n = motion.space.n;
      const x = new Float64Array(n).map((_, i) => 100 + i), P = new Float64Array(n * n);
      for (let i = 0; i < n; i++) P[i * n + i] = 10 + i;
      ukf.predict(x, P, motion, 1);
      return [...x, ...P];
    };
    const a = run(cv2);
    run(cv3);
    expect(run(cv2)).toEqual(a);
  });
});
