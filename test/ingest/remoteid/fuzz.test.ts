/** A short run of the Remote ID fuzzer (bench/fuzz/remoteid.ts runs 1,000,000 inputs). */
import { describe, expect, it } from 'vitest';
import { fuzzRemoteId } from '../../../bench/fuzz/remoteid.js';

describe('Remote ID fuzzing (short run)', () => {
  it('52,000 random and mutated inputs through every decoder: no crash, no hang, every reject counted by reason', () => {
    const r = fuzzRemoteId(52_000, 7);
    expect(r.crashSamples).toEqual([]);
    expect(r).toMatchObject({ iterations: 52_000, crashes: 0, hangs: 0 });
    expect(Object.keys(r.perTarget)).toHaveLength(13);
    expect(Object.keys(r.rejectsByReason).length).toBeGreaterThan(30);
    for (const reason of Object.keys(r.rejectsByReason)) expect(reason).toMatch(/^[a-z0-9.-]+$/);
    expect(r.accepted).toBeGreaterThan(5_000);
    expect(r.maxHeapMB).toBeLessThan(300);
  });
});
