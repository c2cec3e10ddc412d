import fc from 'fast-check';
import { OBJECT_CLASSES } from '../../../src/model/detection.js';
import type { TruthState } from '../../../src/sim/types.js';

/**
 * Random truth sets for the property tests: positions over a sector larger than any sensor's
 * short-range coverage, and every combination of RF link (or fibre optic), Remote ID (compliant
 * or not, honest or spoofing) and ADS-B.
 */
const coord = fc.double({ min: -6000, max: 6000, noNaN: true });
const truthArb = fc.record({
  cls: fc.constantFrom(...OBJECT_CLASSES),
  e: coord,
  n: coord,
  u: fc.double({ min: -20, max: 600, noNaN: true }),
  ve: fc.double({ min: -30, max: 30, noNaN: true }),
  vn: fc.double({ min: -30, max: 30, noNaN: true }),
  vu: fc.double({ min: -5, max: 5, noNaN: true }),
  rcsM2: fc.double({ min: 0.001, max: 10, noNaN: true }),
  hasRf: fc.boolean(),
  compliant: fc.boolean(),
  spoof: fc.option(fc.record({ e: coord, n: coord, u: fc.double({ min: -50, max: 50, noNaN: true }) }), { nil: undefined }),
  hasIcao: fc.boolean(),
  acousticLevel: fc.double({ min: 0, max: 4, noNaN: true }),
});

export const truthSetArb = fc.array(truthArb, { maxLength: 25 }).map((xs) =>
  xs.map(
    (x, i): TruthState => ({
      id: i + 1,
      cls: x.cls,
      e: x.e,
      n: x.n,
      u: x.u,
      ve: x.ve,
      vn: x.vn,
      vu: x.vu,
      rcsM2: x.rcsM2,
      rf: x.hasRf ? { protocol: 'DJI OcuSync 3', frequencyMHz: 2437, emitterId: `rf-${i + 1}` } : null,
      remoteId: x.compliant
        ? { serial: `SN${i + 1}`, operatorE: x.e / 2, operatorN: x.n / 2, ...(x.spoof ? { spoofOffset: x.spoof } : {}) }
        : null,
      icao: x.hasIcao ? (0xa00000 + i).toString(16).toUpperCase() : null,
      callsign: x.hasIcao ? `N${i + 1}` : null,
      acousticLevel: x.acousticLevel,
    }),
  ),
);
