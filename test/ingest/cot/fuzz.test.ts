import { describe, expect, it } from 'vitest';
import { fuzzCot } from '../../../bench/fuzz/cot.js';

describe('CoT-in fuzzing (a short run of bench/fuzz/cot.ts; the full run takes 1,000,000 inputs)', () => {
  it('no crash, every reject counted with its reason, bounded memory, reproducible', () => {
    const a = fuzzCot(30_000, 7);
    expect(a.crashes, JSON.stringify(a.firstCrash)).toBe(0);
    expect(a.accepted).toBeGreaterThan(0);
    const rejects = Object.values(a.rejectsByReason).reduce((s, n) => s + n, 0);
    expect(rejects).toBeGreaterThan(30_000); // three decoders per input, most inputs broken
    for (const k of ['xml:doctype', 'xml:too-deep', 'xml:bad-utf8', 'proto:bad-protobuf', 'mesh:bad-frame']) expect(a.rejectsByReason[k], k).toBeGreaterThan(0);
    expect(a.maxHeapMB).toBeLessThan(512);
    expect(a.slowestMs).toBeLessThan(1000);
    const b = fuzzCot(2_000, 7);
    const c = fuzzCot(2_000, 7);
    expect(b.rejectsByReason).toEqual(c.rejectsByReason);
  });
});
