/** A short run of the ADS-B fuzzer (bench/fuzz/adsb.ts runs 1,000,000 inputs). */
import { describe, expect, it } from 'vitest';
import { fuzzAdsb } from '../../../bench/fuzz/adsb.js';

describe('ADS-B fuzzing (short run)', () => {
  it('40,000 random and mutated inputs through every decoder: no crash, no hang, every reject counted by reason', () => {
    const r = fuzzAdsb(40_000, 7);
    expect(r.crashSamples).toEqual([]);
    expect(r).toMatchObject({ iterations: 40_000, crashes: 0, hangs: 0 });
    expect(Object.keys(r.perTarget)).toHaveLength(8);
    expect(Object.keys(r.rejectsByReason).length).toBeGreaterThan(15);
    for (const reason of Object.keys(r.rejectsByReason)) expect(reason).toMatch(/^[a-z0-9-]+$/);
    expect(r.accepted).toBeGreaterThan(10_000);
    expect(r.maxHeapMB).toBeLessThan(300);
  });
});
