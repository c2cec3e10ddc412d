import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JpdaSolver } from '../../../src/tracking/association/jpda.js';

/** Reference: enumerate every joint hypothesis. */
function bruteForce(lik: Float64Array, miss: Float64Array, nT: number, nM: number): Float64Array | null {
  const stride = nM + 1;
  const beta = new Float64Array(nT * stride);
  const choice = new Int32Array(nT);
  let total = 0;
  const used = new Uint8Array(nM);
  const rec = (t: number, w: number): void => {
    if (w === 0) return;
    if (t === nT) {
      total += w;
      for (let i = 0; i < nT; i++) beta[i * stride + 1 + choice[i]] += w;
      return;
    }
    choice[t] = -1;
    rec(t + 1, w * miss[t]);
    for (let m = 0; m < nM; m++) {
      if (used[m] || lik[t * nM + m] === 0) continue;
      used[m] = 1;
      choice[t] = m;
      rec(t + 1, w * lik[t * nM + m]);
      used[m] = 0;
    }
  };
  rec(0, 1);
  if (!(total > 0)) return null;
  for (let i = 0; i < beta.length; i++) beta[i] /= total;
  return beta;
}

/** Random cluster: likelihood ratios spanning a few decades, with gating zeros. */
const cluster = (maxT: number, maxM: number, zeroMiss = false) =>
  fc.record({ nT: fc.integer({ min: 1, max: maxT }), nM: fc.integer({ min: 0, max: maxM }) }).chain(({ nT, nM }) =>
    fc.record({
      nT: fc.constant(nT),
      nM: fc.constant(nM),
      lik: fc.array(
        fc.oneof(fc.constant(0), fc.double({ min: -3, max: 4, noNaN: true }).map((e) => 10 ** e)),
        { minLength: nT * nM, maxLength: nT * nM },
      ),
      miss: fc.array(
        zeroMiss
          ? fc.oneof(fc.constant(0), fc.double({ min: 0.01, max: 1, noNaN: true }))
          : fc.double({ min: 0.01, max: 1, noNaN: true }),
        { minLength: nT, maxLength: nT },
      ),
    }),
  );

function rowSums(beta: Float64Array, nT: number, nM: number): number[] {
  const out: number[] = [];
  for (let t = 0; t < nT; t++) {
    let s = 0;
    for (let j = 0; j <= nM; j++) s += beta[t * (nM + 1) + j];
    out.push(s);
  }
  return out;
}

describe('JpdaSolver', () => {
  const solver = new JpdaSolver();

  it('equals brute-force enumeration on random small clusters', () => {
    fc.assert(
      fc.property(cluster(5, 6, true), ({ nT, nM, lik, miss }) => {
        const L = Float64Array.from(lik), W = Float64Array.from(miss);
        const beta = new Float64Array(nT * (nM + 1));
        const exact = solver.marginals(L, W, nT, nM, beta);
        const ref = bruteForce(L, W, nT, nM);
        if (ref === null) {
          expect(exact).toBe(false);
        } else {
          expect(exact).toBe(true);
          for (let i = 0; i < ref.length; i++) expect(Math.abs(beta[i] - ref[i])).toBeLessThan(1e-12);
        }
        for (const s of rowSums(beta, nT, nM)) expect(Math.abs(s - 1)).toBeLessThan(1e-12);
        for (const b of beta) expect(b).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 1000 },
    );
  });

  it('rows sum to one, also on larger clusters and with the fallback', () => {
    fc.assert(
      fc.property(cluster(12, 14), fc.integer({ min: 2, max: 5000 }), ({ nT, nM, lik, miss }, bound) => {
        const beta = new Float64Array(nT * (nM + 1));
        solver.marginals(Float64Array.from(lik), Float64Array.from(miss), nT, nM, beta, bound);
        for (const s of rowSums(beta, nT, nM)) expect(Math.abs(s - 1)).toBeLessThan(1e-12);
        for (const b of beta) expect(b).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 300 },
    );
  });

  it('a track with no gated measurement is missed with probability one', () => {
    fc.assert(
      fc.property(cluster(5, 6), fc.nat(), ({ nT, nM, lik, miss }, pick) => {
        const t = pick % nT;
        const L = Float64Array.from(lik);
        L.fill(0, t * nM, (t + 1) * nM);
        const beta = new Float64Array(nT * (nM + 1));
        expect(solver.marginals(L, Float64Array.from(miss), nT, nM, beta)).toBe(true);
        expect(beta[t * (nM + 1)]).toBe(1);
        for (let m = 0; m < nM; m++) expect(beta[t * (nM + 1) + 1 + m]).toBe(0);
      }),
    );
  });

  it('is equivariant under permutations of tracks and measurements', () => {
    const perm = (n: number) => fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n });
    fc.assert(
      fc.property(
        cluster(5, 6).chain((c) => fc.record({ c: fc.constant(c), pt: perm(c.nT), pm: perm(c.nM) })),
        ({ c: { nT, nM, lik, miss }, pt, pm }) => {
          const L = Float64Array.from(lik), W = Float64Array.from(miss);
          const L2 = new Float64Array(nT * nM), W2 = new Float64Array(nT);
          for (let t = 0; t < nT; t++) {
            W2[pt[t]] = W[t];
            for (let m = 0; m < nM; m++) L2[pt[t] * nM + pm[m]] = L[t * nM + m];
          }
          const b1 = new Float64Array(nT * (nM + 1)), b2 = new Float64Array(nT * (nM + 1));
          solver.marginals(L, W, nT, nM, b1);
          solver.marginals(L2, W2, nT, nM, b2);
          for (let t = 0; t < nT; t++) {
            expect(Math.abs(b1[t * (nM + 1)] - b2[pt[t] * (nM + 1)])).toBeLessThan(1e-12);
            for (let m = 0; m < nM; m++) {
              expect(Math.abs(b1[t * (nM + 1) + 1 + m] - b2[pt[t] * (nM + 1) + 1 + pm[m]])).toBeLessThan(1e-12);
            }
          }
        },
      ),
    );
  });

  it('two identical tracks share their measurements equally', () => {
    const L = Float64Array.from([5, 2, 5, 2]);
    const W = Float64Array.from([0.1, 0.1]);
    const beta = new Float64Array(6);
    expect(solver.marginals(L, W, 2, 2, beta)).toBe(true);
    for (let j = 0; j < 3; j++) expect(beta[j]).toBeCloseTo(beta[3 + j], 14);
  });

  it('reduces to PDA for a single track', () => {
    const L = Float64Array.from([3, 0, 1]);
    const beta = new Float64Array(4);
    expect(solver.marginals(L, Float64Array.from([1]), 1, 3, beta)).toBe(true);
    [0.2, 0.6, 0, 0.2].forEach((v, i) => expect(beta[i]).toBeCloseTo(v, 15));
  });

  it('stays exact on a large sparse cluster whatever the track order (nM > 31)', () => {
    // A chain: track k gates measurements k and k+1 only. Visited in order its frontier is one
    // measurement wide; listed scrambled it would be wide without the solver's track ordering.
    const nT = 60, nM = 61;
    const perm = [...Array(nT).keys()];
    for (let i = nT - 1; i > 0; i--) {
      const j = (i * 7919 + 13) % (i + 1);
      [perm[i], perm[j]] = [perm[j], perm[i]];
    }
    const L = new Float64Array(nT * nM), W = new Float64Array(nT).fill(0.2);
    for (let k = 0; k < nT; k++) {
      const t = perm[k];
      L[t * nM + k] = 1 + (k % 3);
      L[t * nM + k + 1] = 2 + (k % 2);
    }
    const beta = new Float64Array(nT * (nM + 1));
    expect(solver.marginals(L, W, nT, nM, beta)).toBe(true);
    expect(solver.lastNodeCount).toBeLessThan(4 * nT);
    for (const s of rowSums(beta, nT, nM)) expect(Math.abs(s - 1)).toBeLessThan(1e-12);
    // A chain's marginals can be checked by brute force on a short piece of it.
    const nT2 = 7, nM2 = 8;
    const L2 = new Float64Array(nT2 * nM2);
    for (let k = 0; k < nT2; k++) {
      L2[((k * 3) % nT2) * nM2 + k] = 1 + (k % 3);
      L2[((k * 3) % nT2) * nM2 + k + 1] = 2 + (k % 2);
    }
    const W2 = W.subarray(0, nT2);
    const b2 = new Float64Array(nT2 * (nM2 + 1));
    expect(solver.marginals(L2, W2, nT2, nM2, b2)).toBe(true);
    const ref = bruteForce(L2, W2, nT2, nM2)!;
    for (let i = 0; i < ref.length; i++) expect(Math.abs(b2[i] - ref[i])).toBeLessThan(1e-12);
  });

  it('equals brute force on sparse medium clusters (≤ 9 tracks, ≤ 12 measurements)', () => {
    const sparse = fc.record({ nT: fc.integer({ min: 2, max: 9 }), nM: fc.integer({ min: 1, max: 12 }) }).chain(({ nT, nM }) =>
      fc.record({
        nT: fc.constant(nT),
        nM: fc.constant(nM),
        lik: fc.array(fc.oneof({ arbitrary: fc.constant(0), weight: 3 }, { arbitrary: fc.double({ min: 0.01, max: 100, noNaN: true }), weight: 1 }), {
          minLength: nT * nM, maxLength: nT * nM,
        }),
        miss: fc.array(fc.double({ min: 0.01, max: 1, noNaN: true }), { minLength: nT, maxLength: nT }),
      }),
    );
    fc.assert(
      fc.property(sparse, ({ nT, nM, lik, miss }) => {
        const L = Float64Array.from(lik), W = Float64Array.from(miss);
        const beta = new Float64Array(nT * (nM + 1));
        expect(solver.marginals(L, W, nT, nM, beta)).toBe(true);
        const ref = bruteForce(L, W, nT, nM)!;
        for (let i = 0; i < ref.length; i++) expect(Math.abs(beta[i] - ref[i])).toBeLessThan(1e-11);
      }),
      { numRuns: 150 },
    );
  });

  it('falls back to cheap JPDA beyond the bound and reports it', () => {
    const nT = 10, nM = 10;
    const L = new Float64Array(nT * nM).fill(1), W = new Float64Array(nT).fill(0.5);
    const beta = new Float64Array(nT * (nM + 1));
    expect(solver.marginals(L, W, nT, nM, beta, 100)).toBe(false);
    for (const s of rowSums(beta, nT, nM)) expect(Math.abs(s - 1)).toBeLessThan(1e-12);
    // With the default bound the fully connected 10×10 cluster (~5000 graph nodes) is exact.
    expect(solver.marginals(L, W, nT, nM, beta)).toBe(true);
    for (const s of rowSums(beta, nT, nM)) expect(Math.abs(s - 1)).toBeLessThan(1e-12);
    for (let t = 1; t < nT; t++) expect(beta[t * (nM + 1)]).toBeCloseTo(beta[0], 12);
  });

  it('gives the same answer after the workspaces have grown (no stale state)', () => {
    const L = Float64Array.from([2, 1, 0, 3, 1, 1]);
    const W = Float64Array.from([0.3, 0.2]);
    const a = new Float64Array(8), b = new Float64Array(8);
    const fresh = new JpdaSolver();
    fresh.marginals(L, W, 2, 3, a);
    const big = new Float64Array(12 * 12).fill(1);
    fresh.marginals(big, new Float64Array(12).fill(0.5), 12, 12, new Float64Array(12 * 13));
    fresh.marginals(L, W, 2, 3, b);
    expect([...b]).toEqual([...a]);
  });
});
