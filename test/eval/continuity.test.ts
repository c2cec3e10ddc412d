import { describe, it, expect } from 'vitest';
import { countContinuity } from '../../src/eval/continuity.js';
import { evaluateRun, type LabelledPoint } from '../../src/eval/evaluate.js';

const P = (id: number, x: number, y = 0): LabelledPoint => ({ id, x, y });

describe('ID switches and fragmentations', () => {
  it('counts on a crafted run through evaluateRun', () => {
    // Truth 1 at x = 0, truth 2 at x = 1000, 8 scans.
    //  scan 0: track 10 on truth 1                     (first acquisition: nothing)
    //  scan 1: track 10 on truth 1
    //  scan 2: nothing near truth 1                    (untracked)
    //  scan 3: track 11 on truth 1                     (fragmentation + ID switch)
    //  scan 4: track 11 far away (30 m, beyond c)      (untracked: d ≥ c does not count)
    //  scan 5: track 11 on truth 1                     (fragmentation, same id → no switch)
    //  scan 6: track 10 on truth 1                     (ID switch back to 10)
    //  scan 7: track 10 on truth 1
    // Truth 2: untracked until scan 4, then track 20 throughout (no events), born at scan 2.
    const truth = [
      [P(1, 0)],
      [P(1, 0)],
      [P(1, 0), P(2, 1000)],
      [P(1, 0), P(2, 1000)],
      [P(1, 0), P(2, 1000)],
      [P(1, 0), P(2, 1000)],
      [P(1, 0), P(2, 1000)],
      [P(1, 0), P(2, 1000)],
    ];
    const est = [
      [P(10, 1)],
      [P(10, 2)],
      [],
      [P(11, 3)],
      [P(11, 30), P(20, 1001)],
      [P(11, 1), P(20, 1001)],
      [P(10, 1), P(20, 1001)],
      [P(10, 1), P(20, 1001)],
    ];
    const r = evaluateRun(truth, est);
    expect(r.idSwitches).toBe(2);
    expect(r.fragmentations).toBe(2);
    expect(r.numTrackIds).toBe(3);
  });

  it('a swap between two crossing truths is two switches, no fragmentation', () => {
    const scans = [
      { truthIds: [1, 2], estIds: [7, 8], assignment: [0, 1] },
      { truthIds: [1, 2], estIds: [7, 8], assignment: [1, 0] },
      { truthIds: [1, 2], estIds: [7, 8], assignment: [1, 0] },
    ];
    expect(countContinuity(scans)).toEqual({ idSwitches: 2, fragmentations: 0 });
  });

  it('absence of a truth from a scan is neither tracked nor untracked; ending untracked adds nothing', () => {
    const scans = [
      { truthIds: [1], estIds: [5], assignment: [0] },
      { truthIds: [], estIds: [], assignment: [] },
      { truthIds: [1], estIds: [5], assignment: [0] },
      { truthIds: [1], estIds: [], assignment: [-1] },
    ];
    expect(countContinuity(scans)).toEqual({ idSwitches: 0, fragmentations: 0 });
  });
});
