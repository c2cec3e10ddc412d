import { expect, it } from 'vitest';
import { fuzzSapient } from '../../../bench/fuzz/sapient.js';

// The full run (≥ 1,000,000 inputs) is `node dist/bench/fuzz/sapient.js`; this keeps the harness
// working and catches a crash early.
it('survives a short fuzz run: no crash, every reject with a reason', async () => {
  const s = await fuzzSapient(20_000, 7);
  expect(s.crashes, s.crashSamples.join('\n')).toBe(0);
  const rejected = Object.values(s.rejectsByReason).reduce((a, b) => a + b, 0);
  expect(rejected).toBeGreaterThan(s.iterations / 4);
  expect(s.accepted).toBeGreaterThan(0);
  expect(Object.keys(s.rejectsByReason)).toEqual(expect.arrayContaining(['frame_oversize', 'frame_truncated', 'protobuf_wire: max depth exceeded', 'is_mandatory']));
}, 120_000);
