import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectionFromReport } from '../../../src/ingest/sapient/convert.js';
import { encodeSapientMessage } from '../../../src/ingest/sapient/schema.js';
import { parseSapientBinary } from '../../../src/ingest/sapient/validate.js';
import { trackReport } from '../../../src/outputs/sapient/report.js';
import { OBJECT_CLASSES } from '../../../src/model/detection.js';

const NODE = '5a1d2c3b-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const finite = (min: number, max: number) => fc.double({ min, max, noNaN: true, noDefaultInfinity: true });

describe('track report → wire → Detection (property)', () => {
  it('any finite track survives the standard and our own ingest unchanged', () => {
    fc.assert(
      fc.property(
        fc.record({
          id: fc.oneof(fc.nat(), fc.string({ minLength: 1, maxLength: 12 })),
          timeMs: fc.integer({ min: 0, max: 4_102_444_800_000 }),
          latDeg: finite(-90, 90), lonDeg: finite(-180, 180), heightAboveEllipsoidM: finite(-500, 20_000),
          velocityEnuMps: fc.tuple(finite(-200, 200), finite(-200, 200), finite(-50, 50)),
          positionSigmaM: fc.tuple(finite(0.1, 1e4), finite(0.1, 1e4), finite(0.1, 1e4)),
          cls: fc.constantFrom(...OBJECT_CLASSES),
          p: finite(0.55, 1),
        }),
        (t) => {
          const msg = trackReport({ ...t, classProbabilities: { [t.cls]: t.p } }, NODE, undefined, '01JCRS00000000000000000001', '01JCRS00000000000000000002');
          const parsed = parseSapientBinary(encodeSapientMessage(msg));
          expect(parsed.violations).toEqual([]);
          const r = detectionFromReport(parsed.message!, { sensorId: 's' });
          if (!r.ok) throw new Error(r.detail);
          const m = r.value.detection.measurement;
          expect(m).toMatchObject({ kind: 'position', latDeg: t.latDeg, lonDeg: t.lonDeg, heightAboveEllipsoidM: t.heightAboveEllipsoidM + 0 }); // (−0 + N = 0)
          expect(r.value.detection.timeMs).toBe(t.timeMs);
          expect(r.value.velocityEnuMps).toEqual(t.velocityEnuMps);
          expect(r.value.detection.evidence?.classLabel?.label).toBe(t.cls);
          expect(r.value.detection.evidence?.classLabel?.confidence).toBeCloseTo(t.p, 6);
        },
      ),
      { numRuns: 500 },
    );
  });
});
