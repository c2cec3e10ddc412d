import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { gospa } from '../../src/eval/gospa.js';
import { ospa, ospaFromGospa } from '../../src/eval/ospa.js';

const pts = (...xy: number[]): Float64Array => Float64Array.from(xy);
const g = (a: Float64Array, b: Float64Array) => gospa(a, a.length / 2, b, b.length / 2);
const o = (a: Float64Array, b: Float64Array) => ospa(a, a.length / 2, b, b.length / 2);

// Sets on a 1 m grid within ±40 m: close enough that pairs at d < c are common, far enough that
// cut-offs happen, and distinct sets differ by ≥ 1 m somewhere, so d(X,Y) > 0 is a meaningful check.
const setArb = fc
  .array(fc.tuple(fc.integer({ min: -40, max: 40 }), fc.integer({ min: -40, max: 40 })), { maxLength: 7 })
  .map((a) => Float64Array.from(a.flat()));

function sameMultiset(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  const key = (x: Float64Array) =>
    Array.from({ length: x.length / 2 }, (_, i) => `${x[2 * i]},${x[2 * i + 1]}`)
      .sort()
      .join(';');
  return key(a) === key(b);
}

describe('GOSPA hand cases', () => {
  it('one pair at 3 m: localisation 9, nothing missed or false', () => {
    const r = g(pts(0, 0), pts(3, 0));
    expect(r.localisation).toBeCloseTo(9, 12);
    expect(r.missed).toBe(0);
    expect(r.false).toBe(0);
    expect(r.gospa).toBeCloseTo(3, 12);
    expect(r.nAssigned).toBe(1);
    expect(Array.from(r.assignment)).toEqual([0]);
  });

  it('one pair at 25 m (beyond c = 20): one missed + one false, 200 m² each', () => {
    const r = g(pts(0, 0), pts(15, 20));
    expect(r.localisation).toBe(0);
    expect(r.missed).toBe(200);
    expect(r.false).toBe(200);
    expect(r.gospa).toBeCloseTo(20, 12);
    expect(r.nMissed).toBe(1);
    expect(r.nFalse).toBe(1);
    expect(Array.from(r.assignment)).toEqual([-1]);
  });

  it('a pair at exactly c counts as missed + false', () => {
    const r = g(pts(0, 0), pts(20, 0));
    expect(r.nAssigned).toBe(0);
    expect(r.missed + r.false).toBe(400);
  });

  it('empty sets', () => {
    const e = new Float64Array(0);
    expect(g(e, e)).toMatchObject({ gospa: 0, localisation: 0, missed: 0, false: 0, nAssigned: 0, nMissed: 0, nFalse: 0 });
    const m = g(pts(1, 2, 3, 4), e);
    expect(m).toMatchObject({ missed: 400, false: 0, nMissed: 2, nFalse: 0 });
    expect(m.gospa).toBeCloseTo(20, 12);
    const f = g(e, pts(1, 2));
    expect(f).toMatchObject({ missed: 0, false: 200, nFalse: 1 });
    expect(Array.from(f.assignment)).toEqual([]);
  });

  it('picks the globally optimal assignment, not the greedy one', () => {
    // truth (0,0), (11,0); estimates (1,0), (-9,0). Greedy takes the 1 m pair and leaves a 20 m
    // pair (capped: 1 + 400 = 401); optimal crosses over: 9 m and 10 m → 81 + 100 = 181.
    const r = g(pts(0, 0, 11, 0), pts(1, 0, -9, 0));
    expect(r.localisation).toBeCloseTo(181, 9);
    expect(Array.from(r.assignment)).toEqual([1, 0]);
  });

  it('rejects non-finite positions and bad parameters', () => {
    expect(() => g(pts(NaN, 0), pts(0, 0))).toThrow(RangeError);
    expect(() => gospa(pts(0, 0), 1, pts(0, 0), 1, { c: 0 })).toThrow(RangeError);
    expect(() => gospa(pts(0, 0), 1, pts(0, 0), 1, { p: 0.5 })).toThrow(RangeError);
  });

  it('parts add up: gospa² = loc + missed + false', () => {
    fc.assert(
      fc.property(setArb, setArb, (a, b) => {
        const r = g(a, b);
        expect(r.gospa ** 2).toBeCloseTo(r.localisation + r.missed + r.false, 9);
        expect(r.nAssigned + r.nMissed).toBe(a.length / 2);
        expect(r.nAssigned + r.nFalse).toBe(b.length / 2);
      }),
    );
  });
});

describe('GOSPA metric axioms (fast-check)', () => {
  const tol = 1e-9;
  it('identity: d(X, X) = 0', () => {
    fc.assert(
      fc.property(setArb, (a) => {
        expect(g(a, a).gospa).toBeLessThanOrEqual(tol);
      }),
    );
  });
  it('symmetry: d(X, Y) = d(Y, X)', () => {
    fc.assert(
      fc.property(setArb, setArb, (a, b) => {
        expect(Math.abs(g(a, b).gospa - g(b, a).gospa)).toBeLessThanOrEqual(tol);
      }),
    );
  });
  it('positivity: d(X, Y) > 0 for X ≠ Y', () => {
    fc.assert(
      fc.property(setArb, setArb, (a, b) => {
        fc.pre(!sameMultiset(a, b));
        // Grid spacing 1 m ⇒ some point is ≥ 1 m from its partner or unpaired ⇒ d ≥ 1.
        expect(g(a, b).gospa).toBeGreaterThan(1 - tol);
      }),
    );
  });
  it('triangle inequality: d(X, Z) ≤ d(X, Y) + d(Y, Z)', () => {
    fc.assert(
      fc.property(setArb, setArb, setArb, (a, b, c) => {
        expect(g(a, c).gospa).toBeLessThanOrEqual(g(a, b).gospa + g(b, c).gospa + tol);
      }),
      { numRuns: 500 },
    );
  });
});

describe('OSPA', () => {
  it('hand cases', () => {
    const e = new Float64Array(0);
    expect(o(e, e)).toBe(0);
    expect(o(pts(0, 0), e)).toBe(20);
    expect(o(e, pts(0, 0, 5, 5))).toBe(20);
    expect(o(pts(0, 0), pts(3, 4))).toBeCloseTo(5, 12);
    expect(o(pts(0, 0), pts(30, 0))).toBeCloseTo(20, 12);
    // One pair at 3 m plus one extra estimate: sqrt((9 + 400) / 2).
    expect(o(pts(0, 0), pts(3, 0, 100, 100))).toBeCloseTo(Math.sqrt(409 / 2), 12);
    // Two pairs at 6 m and 8 m: sqrt((36 + 64) / 2).
    expect(o(pts(0, 0, 100, 0), pts(6, 0, 100, 8))).toBeCloseTo(Math.sqrt(50), 12);
  });

  it('stays within [0, c], is symmetric, and agrees with ospaFromGospa', () => {
    fc.assert(
      fc.property(setArb, setArb, (a, b) => {
        const v = o(a, b);
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(20);
        expect(Math.abs(v - o(b, a))).toBeLessThanOrEqual(1e-9);
        const fromG = ospaFromGospa(g(a, b), a.length / 2, b.length / 2);
        expect(Math.abs(v - fromG)).toBeLessThanOrEqual(1e-9);
      }),
    );
  });

  it('respects other c and p', () => {
    expect(ospa(pts(0, 0), 1, pts(0, 50), 1, { c: 100, p: 1 })).toBeCloseTo(50, 12);
    expect(ospa(pts(0, 0), 1, new Float64Array(0), 0, { c: 7 })).toBe(7);
  });
});
