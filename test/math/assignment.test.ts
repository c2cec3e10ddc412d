import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { AssignmentSolver } from '../../src/math/assignment.js';

/**
 * Brute force over all injective maps of the smaller side into the larger one.
 * Ranks assignments the way the solver promises: most finite pairs first, then least finite cost.
 */
function bruteForce(cost: Float64Array, rows: number, cols: number): { finitePairs: number; cost: number } {
  const small = Math.min(rows, cols);
  const large = Math.max(rows, cols);
  const at = (a: number, b: number): number => (rows <= cols ? cost[a * cols + b] : cost[b * cols + a]);
  const used = new Uint8Array(large);
  let best = { finitePairs: -1, cost: Infinity };
  const rec = (a: number, pairs: number, sum: number): void => {
    if (a === small) {
      if (pairs > best.finitePairs || (pairs === best.finitePairs && sum < best.cost)) best = { finitePairs: pairs, cost: sum };
      return;
    }
    for (let b = 0; b < large; b++) {
      if (used[b]) continue;
      used[b] = 1;
      const c = at(a, b);
      if (c === Infinity) rec(a + 1, pairs, sum);
      else rec(a + 1, pairs + 1, sum + c);
      used[b] = 0;
    }
  };
  rec(0, 0, 0);
  if (small === 0) return { finitePairs: 0, cost: 0 };
  return best;
}

/** Checks the solver's output is a valid (partial) assignment using only finite pairs; returns its stats. */
function checkOutput(cost: Float64Array, rows: number, cols: number, rowToCol: Int32Array, total: number) {
  const seen = new Set<number>();
  let pairs = 0;
  let sum = 0;
  for (let i = 0; i < rows; i++) {
    const j = rowToCol[i];
    if (j === -1) continue;
    expect(j).toBeGreaterThanOrEqual(0);
    expect(j).toBeLessThan(cols);
    expect(seen.has(j)).toBe(false);
    seen.add(j);
    expect(cost[i * cols + j]).not.toBe(Infinity);
    pairs++;
    sum += cost[i * cols + j];
  }
  expect(total).toBeCloseTo(sum, 9);
  return { pairs, sum };
}

const matrixArb = fc
  .record({ rows: fc.integer({ min: 0, max: 6 }), cols: fc.integer({ min: 0, max: 6 }) })
  .chain(({ rows, cols }) =>
    fc
      .array(
        fc.oneof(
          { weight: 6, arbitrary: fc.double({ min: -100, max: 100, noNaN: true, noDefaultInfinity: true }) },
          { weight: 3, arbitrary: fc.integer({ min: 0, max: 4 }) }, // ties
          { weight: 2, arbitrary: fc.constant(Infinity) },
        ),
        { minLength: rows * cols, maxLength: rows * cols },
      )
      .map((vals) => ({ rows, cols, cost: Float64Array.from(vals) })),
  );

describe('AssignmentSolver', () => {
  it('matches brute force on random rectangular matrices (with forbidden entries)', () => {
    const solver = new AssignmentSolver(); // shared: exercises workspace reuse across shapes
    fc.assert(
      fc.property(matrixArb, ({ rows, cols, cost }) => {
        const rowToCol = new Int32Array(rows);
        const colToRow = new Int32Array(cols);
        const total = solver.solve(cost, rows, cols, rowToCol, colToRow);
        const { pairs, sum } = checkOutput(cost, rows, cols, rowToCol, total);
        const bf = bruteForce(cost, rows, cols);
        expect(pairs).toBe(bf.finitePairs);
        expect(Math.abs(sum - bf.cost)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(bf.cost)));
        for (let j = 0; j < cols; j++) {
          if (colToRow[j] >= 0) expect(rowToCol[colToRow[j]]).toBe(j);
        }
        for (let i = 0; i < rows; i++) {
          if (rowToCol[i] >= 0) expect(colToRow[rowToCol[i]]).toBe(i);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('assigns every row when rows ≤ cols, every column when rows > cols (all finite)', () => {
    const solver = new AssignmentSolver();
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        (rows, cols, seed) => {
          const cost = new Float64Array(rows * cols);
          let s = seed;
          for (let k = 0; k < cost.length; k++) {
            s = (Math.imul(s, 1103515245) + 12345) >>> 0;
            cost[k] = (s % 1000) / 7;
          }
          const rowToCol = new Int32Array(rows);
          solver.solve(cost, rows, cols, rowToCol);
          const assigned = rowToCol.filter((j) => j >= 0).length;
          expect(assigned).toBe(Math.min(rows, cols));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('solves a known 3×3 and its transpose shape', () => {
    const solver = new AssignmentSolver();
    const cost = Float64Array.from([4, 1, 3, 2, 0, 5, 3, 2, 2]);
    const r = new Int32Array(3);
    expect(solver.solve(cost, 3, 3, r)).toBe(5);
    expect(Array.from(r)).toEqual([1, 0, 2]);
    // 3×2: rows > cols; the best two rows take the columns.
    const tall = Float64Array.from([10, 10, 1, 9, 9, 1]);
    const r2 = new Int32Array(3);
    expect(solver.solve(tall, 3, 2, r2)).toBe(2);
    expect(Array.from(r2)).toEqual([-1, 0, 1]);
  });

  it('reports forced forbidden pairs as -1 and terminates when all entries are forbidden', () => {
    const solver = new AssignmentSolver();
    const r = new Int32Array(2);
    // Row 1 can only use column 0, row 0 prefers column 0: optimum gives column 0 to row 1.
    expect(solver.solve(Float64Array.from([1, 50, 2, Infinity]), 2, 2, r)).toBe(52);
    expect(Array.from(r)).toEqual([1, 0]);
    // Both rows can only use column 0: one of them must be -1.
    expect(solver.solve(Float64Array.from([1, Infinity, 2, Infinity]), 2, 2, r)).toBe(1);
    expect(Array.from(r)).toEqual([0, -1]);
    expect(solver.solve(Float64Array.from([Infinity, Infinity, Infinity, Infinity]), 2, 2, r)).toBe(0);
    expect(Array.from(r)).toEqual([-1, -1]);
  });

  it('handles empty shapes and rejects NaN', () => {
    const solver = new AssignmentSolver();
    const r = new Int32Array(3).fill(7);
    expect(solver.solve(new Float64Array(0), 3, 0, r)).toBe(0);
    expect(Array.from(r)).toEqual([-1, -1, -1]);
    expect(solver.solve(new Float64Array(0), 0, 4, r)).toBe(0);
    expect(() => solver.solve(Float64Array.from([NaN]), 1, 1, r)).toThrow(RangeError);
    expect(() => solver.solve(Float64Array.from([-Infinity]), 1, 1, r)).toThrow(RangeError);
  });

  it('is fast enough for a 900×900 GOSPA-like matrix', () => {
    // Points with nearby partners plus spread-out extras; cost min(d, 20)^2 like GOSPA.
    const n = 900;
    let s = 12345;
    const rnd = (): number => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return s / 2 ** 32;
    };
    const tx = new Float64Array(n);
    const ty = new Float64Array(n);
    const ex = new Float64Array(n);
    const ey = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      tx[i] = rnd() * 2000;
      ty[i] = rnd() * 2000;
      ex[i] = i < 800 ? tx[i] + (rnd() - 0.5) * 20 : rnd() * 2000;
      ey[i] = i < 800 ? ty[i] + (rnd() - 0.5) * 20 : rnd() * 2000;
    }
    const cost = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const d = Math.hypot(tx[i] - ex[j], ty[i] - ey[j]);
        cost[i * n + j] = Math.min(d, 20) ** 2;
      }
    }
    const solver = new AssignmentSolver();
    const r = new Int32Array(n);
    solver.solve(cost, n, n, r); // warm up
    const t0 = performance.now();
    for (let k = 0; k < 5; k++) solver.solve(cost, n, n, r);
    const ms = (performance.now() - t0) / 5;
    expect(new Set(r).size).toBe(n);
    // Generous bound (shared CI machines); typically a few tens of ms.
    expect(ms).toBeLessThan(1000);
  });
});
