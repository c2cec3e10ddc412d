import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cholesky } from '../../src/math/linalg.js';
import { CartesianPosition } from '../../src/tracking/measurement/cartesian.js';
import { PolarRadar } from '../../src/tracking/measurement/polar.js';
import { trackerPreset } from '../../src/tracking/presets.js';
import { MeasurementPrediction } from '../../src/tracking/types.js';

/** P is symmetric to rounding and has a Cholesky factor. */
function isSpd(P: Float64Array, n: number): boolean {
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (Math.abs(P[i * n + j] - P[j * n + i]) > 1e-9 * (1 + Math.abs(P[i * n + j]))) return false;
  return cholesky(P, n, new Float64Array(n * n));
}

describe('covariance stays symmetric positive definite', () => {
  const step = fc.record({
    dt: fc.double({ min: 0.01, max: 5, noNaN: true }),
    polar: fc.boolean(),
    dx: fc.double({ min: -50, max: 50, noNaN: true }),
    dy: fc.double({ min: -50, max: 50, noNaN: true }),
    miss: fc.boolean(),
  });
  for (const name of ['default', 'cv-gnn', 'imm-ukf']) {
    it(`over long random predict/update runs (${name})`, () => {
      fc.assert(
        fc.property(fc.array(step, { minLength: 50, maxLength: 300 }), (steps) => {
          const est = trackerPreset(name).estimator.create();
          const n = est.space.n;
          const P0 = new Float64Array(n * n);
          for (let i = 0; i < n; i++) P0[i * n + i] = i < 2 ? 25 : i < 4 ? 225 : 0.0025;
          est.init([1000, 2000, 10, -5, 0].slice(0, n), P0);
          const cart = new CartesianPosition(2), radar = new PolarRadar({ position: [0, 0, 0] });
          const Rc = Float64Array.of(25, 0, 0, 25), Rp = Float64Array.of(100, 0, 0, 4e-6);
          const pc = new MeasurementPrediction(n, 2), pp = new MeasurementPrediction(n, 2);
          const z = new Float64Array(2);
          for (const s of steps) {
            est.predict(s.dt);
            if (!isSpd(est.P, n)) return false;
            if (s.miss) continue;
            const x = est.x[0] + s.dx, y = est.x[1] + s.dy;
            if (s.polar) {
              if (!est.predictMeasurement(radar, Rp, pp)) return false;
              z[0] = Math.hypot(x, y);
              z[1] = Math.atan2(x, y);
              est.update(z, 0, radar, Rp, pp);
            } else {
              if (!est.predictMeasurement(cart, Rc, pc)) return false;
              z[0] = x;
              z[1] = y;
              est.update(z, 0, cart, Rc, pc);
            }
            if (!isSpd(est.P, n)) return false;
          }
          return true;
        }),
        { numRuns: 60, seed: 42 },
      );
    });
  }

  it('the Kalman update shrinks the position variance', () => {
    const est = trackerPreset('cv-gnn').estimator.create();
    const P0 = new Float64Array(16);
    P0[0] = P0[5] = 100;
    P0[10] = P0[15] = 50;
    est.init([0, 0, 1, 1], P0);
    const cart = new CartesianPosition(2), R = Float64Array.of(25, 0, 0, 25), pred = new MeasurementPrediction(4, 2);
    est.predictMeasurement(cart, R, pred);
    est.update(Float64Array.of(3, 4), 0, cart, R, pred);
    expect(est.P[0]).toBeCloseTo((100 * 25) / 125, 9);
    expect(est.x[0]).toBeCloseTo((3 * 100) / 125, 9);
  });
});
