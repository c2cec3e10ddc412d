import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { CoTParser } from '@tak-ps/node-cot';
import { describe, expect, it } from 'vitest';
import { LocalFrame } from '../../../src/geo/enu.js';
import { OBJECT_CLASSES, type ObjectClass } from '../../../src/model/detection.js';
import {
  affiliationOf, circularErrorM, classOf, courseSpeed, linearErrorM, snapshotFromEnu, snapshotFromTrack,
  trackSnapshotToCot, trackSnapshotToXml, type TrackSnapshot,
} from '../../../src/outputs/tak/cot.js';
import { AFFILIATIONS, AFFILIATION_CODE, CLASS_FUNCTION, affiliationOfType, cotTypeFor } from '../../../src/outputs/tak/cot-types.js';
import { COT_UNKNOWN, cotDeleteEvent, cotEventProblem, cotEventToXml, escapeXml, formatDecimal } from '../../../src/outputs/tak/event.js';
import { parseCotXml } from '../../../src/ingest/cot/parse.js';
import { CartesianPosition } from '../../../src/tracking/measurement/cartesian.js';
import { trackerPreset } from '../../../src/tracking/presets.js';
import type { SensorSpec } from '../../../src/tracking/sensor.js';
import { Tracker } from '../../../src/tracking/tracker.js';
import { Random } from '../../../src/scenario/random.js';
import { cotSchemaProblems } from './cot-schema.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const typesXml = readFileSync(resolve(root, '..', 'shared', 'standards', 'cot', 'CoTtypes.xml'), 'utf8');
/** Every `cot="a-.-…"` entry of MITRE's table (disabled `zot=` entries excluded). */
const tableTypes = new Set([...typesXml.matchAll(/<cot\s+cot="([^"]+)"/g)].map((m) => m[1]));
/** Affiliation letters the table's `is` predicates define (^a-f-, ^a-h-, …). */
const tableAffiliations = new Set([...typesXml.matchAll(/<is\s+what="[a-z]+"\s+match="\^a-([a-z])-"/g)].map((m) => m[1]));

const HIDALGO = LocalFrame.fromDegrees({ latDeg: 26.1, lonDeg: -98.26, heightAboveEllipsoidM: 30 });

function snap(over: Partial<TrackSnapshot> = {}): TrackSnapshot {
  return {
    id: '7', timeMs: Date.UTC(2025, 4, 1, 3, 12, 9, 250), latDeg: 26.1012345678, lonDeg: -98.2598765432, heightAboveEllipsoidM: 75.126,
    velocityEnuMps: [3, -4, 0.5], covarianceEnu: [16, 0, 0, 0, 9, 0, 0, 0, 4], status: 'confirmed',
    classProbabilities: { 'rotary-drone': 0.82, bird: 0.12, 'fixed-wing-drone': 0.06 }, identities: ['rid:1581F5FKD229400F'],
    sensors: ['radar-1', 'eoir-2'], existence: 0.993, flags: ['dark'], ...over,
  };
}

/** Parses with @tak-ps/node-cot (the TAK ecosystem's parser) and returns its raw tree. */
function nodeCot(xml: string) {
  const cot = CoTParser.from_xml(xml);
  return cot.raw.event;
}

describe('2525 types', () => {
  it('every type Centinela can emit exists in MITRE CoTtypes.xml', () => {
    expect(tableTypes.size).toBeGreaterThan(2000);
    for (const a of AFFILIATIONS) expect(tableAffiliations.has(AFFILIATION_CODE[a]), a).toBe(true);
    for (const cls of OBJECT_CLASSES) {
      for (const a of AFFILIATIONS) {
        const type = cotTypeFor(cls, a);
        expect(tableTypes.has('a-.-' + type.slice(4)), `${cls}/${a}: ${type}`).toBe(true);
        expect(affiliationOfType(type)).toBe(a);
      }
    }
  });

  it('maps the classes the way the table names them', () => {
    const desc = (fn: string) => new RegExp(`cot="a-\\.-${fn.replace(/-/g, '\\-')}"\\s+full="([^"]+)"`).exec(typesXml)?.[1];
    expect(desc(CLASS_FUNCTION['rotary-drone'])).toBe('Air/Mil/Rotor/Drone,RPV,UAV');
    expect(desc(CLASS_FUNCTION['fixed-wing-drone'])).toBe('Air/Mil/Fixed/Drone,RPV,UAV');
    expect(desc(CLASS_FUNCTION['manned-aircraft'])).toBe('Air/Civ/fixed');
    expect(desc(CLASS_FUNCTION['ground-vehicle'])).toBe('Gnd/Equip/Vehicle');
    expect(desc(CLASS_FUNCTION.bird)).toBe('Air/Air Track');
    expect(cotTypeFor('rotary-drone', 'hostile')).toBe('a-h-A-M-H-Q');
    expect(cotTypeFor('fixed-wing-drone', 'suspect')).toBe('a-s-A-M-F-Q');
    expect(cotTypeFor('bird', 'neutral')).toBe('a-n-A');
    // A-C (civil aircraft, generic) is disabled in the table, which is why manned aircraft is A-C-F.
    expect(tableTypes.has('a-.-A-C')).toBe(false);
  });
});

describe('ce / le from the covariance', () => {
  it('ce is the 1-sigma semi-major axis and bounds every directional sigma (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 5000, noNaN: true }), fc.double({ min: 0.01, max: 5000, noNaN: true }),
        fc.double({ min: -Math.PI, max: Math.PI, noNaN: true }), fc.double({ min: -Math.PI, max: Math.PI, noNaN: true }),
        (s1, s2, theta, phi) => {
          const c = Math.cos(theta), s = Math.sin(theta);
          // C = R diag(s1², s2²) Rᵀ
          const cee = c * c * s1 * s1 + s * s * s2 * s2;
          const cnn = s * s * s1 * s1 + c * c * s2 * s2;
          const cen = c * s * (s1 * s1 - s2 * s2);
          const ce = circularErrorM(cee, cen, cnn);
          const major = Math.max(s1, s2);
          expect(ce).toBeCloseTo(major, 6 - Math.max(0, Math.ceil(Math.log10(major))));
          const ux = Math.cos(phi), uy = Math.sin(phi);
          const dirSigma = Math.sqrt(ux * ux * cee + 2 * ux * uy * cen + uy * uy * cnn);
          expect(dirSigma).toBeLessThanOrEqual(ce * (1 + 1e-9) + 1e-9);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('a circular error gives exactly sigma; le is the up standard deviation', () => {
    expect(circularErrorM(25, 0, 25)).toBe(5);
    expect(circularErrorM(100, 0, 4)).toBe(10);
    expect(linearErrorM(9)).toBe(3);
    expect(circularErrorM(1, 5, 1)).toBeNaN(); // not positive semi-definite
    expect(circularErrorM(-1, 0, 1)).toBeNaN();
    expect(linearErrorM(-1)).toBeNaN();
  });

  it('the event carries ce/le from the covariance, rounded to cm, and unknown when absent', () => {
    const ev = trackSnapshotToCot(snap({ covarianceEnu: [16, 0, 0, 0, 9, 0, 0, 0, 6.25] }));
    expect(ev.ceM).toBe(4);
    expect(ev.leM).toBe(2.5);
    const noCov = trackSnapshotToCot(snap({ covarianceEnu: null }));
    expect(noCov.ceM).toBe(COT_UNKNOWN);
    expect(noCov.leM).toBe(COT_UNKNOWN);
    const flat = trackSnapshotToCot(snap({ heightAboveEllipsoidM: null }));
    expect(flat.haeM).toBe(COT_UNKNOWN);
    expect(flat.leM).toBe(COT_UNKNOWN);
    expect(flat.ceM).toBe(4);
  });

  it('ce/le survive the XML and node-cot, for random covariances (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.1, max: 300, noNaN: true }), fc.double({ min: 0.1, max: 300, noNaN: true }), fc.double({ min: 0, max: Math.PI, noNaN: true }), fc.double({ min: 0.1, max: 100, noNaN: true }), (s1, s2, th, su) => {
        const c = Math.cos(th), s = Math.sin(th);
        const cee = c * c * s1 * s1 + s * s * s2 * s2, cnn = s * s * s1 * s1 + c * c * s2 * s2, cen = c * s * (s1 * s1 - s2 * s2);
        const xml = trackSnapshotToXml(snap({ covarianceEnu: [cee, cen, 0, cen, cnn, 0, 0, 0, su * su] }));
        const pt = nodeCot(xml).point._attributes;
        expect(Number(pt.ce)).toBeCloseTo(Math.max(s1, s2), 1);
        expect(Number(pt.le)).toBeCloseTo(su, 1);
      }),
      { numRuns: 300 },
    );
  });
});

describe('CoT events from snapshots', () => {
  it('writes the documented event, valid against the MITRE schema and parsed by node-cot', () => {
    const xml = trackSnapshotToXml(snap(), { uidPrefix: 'hidalgo-' });
    const report = cotSchemaProblems(xml);
    expect(report.problems).toEqual([]);
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<event ')).toBe(true);
    expect(report.event.get('uid')).toBe('hidalgo-7');
    expect(report.event.get('type')).toBe('a-u-A-M-H-Q'); // a drone, affiliation not yet assessed
    expect(report.event.get('how')).toBe('m-f');
    expect(report.event.get('time')).toBe('2025-05-01T03:12:09.250Z');
    expect(report.event.get('start')).toBe('2025-05-01T03:12:09.250Z');
    expect(report.event.get('stale')).toBe('2025-05-01T03:12:24.250Z');
    expect(report.point.get('lat')).toBe('26.1012346');
    expect(report.point.get('lon')).toBe('-98.2598765');
    expect(report.point.get('hae')).toBe('75.13');
    expect(report.point.get('ce')).toBe('4.0');
    expect(report.point.get('le')).toBe('2.0');

    const e = nodeCot(xml);
    expect(e._attributes.uid).toBe('hidalgo-7');
    expect(e._attributes.type).toBe('a-u-A-M-H-Q');
    expect(e.detail?.contact?._attributes?.callsign).toBe('CNT-7');
    const track = e.detail?.track?._attributes as { course: string; speed: string };
    expect(Number(track.course)).toBeCloseTo(143.13, 2); // atan2(3, -4)
    expect(Number(track.speed)).toBe(5);
    const remarks = (e.detail?.remarks as { _text?: string })._text ?? '';
    expect(remarks).toBe(
      'Centinela track 7; class rotary-drone (rotary-drone 0.82, bird 0.12, fixed-wing-drone 0.06); status confirmed; existence 0.993; ' +
      'sensors radar-1, eoir-2; identities rid:1581F5FKD229400F; flags dark',
    );
  });

  it('is deterministic: the same snapshot gives the same bytes', () => {
    expect(trackSnapshotToXml(snap())).toBe(trackSnapshotToXml(snap()));
    expect(trackSnapshotToXml(snap(), {}, { declaration: false })).not.toMatch(/\n/);
  });

  it('course is clockwise from true north, in [0, 360)', () => {
    expect(courseSpeed(0, 5)).toEqual({ course: 0, speed: 5 });
    expect(courseSpeed(5, 0).course).toBe(90);
    expect(courseSpeed(0, -5).course).toBe(180);
    expect(courseSpeed(-5, 0).course).toBe(270);
    expect(courseSpeed(-1e-18, 1).course).toBe(0); // no 360
    const ev = trackSnapshotToCot(snap({ velocityEnuMps: [-1e-5, 1, 0] }));
    expect(ev.detail.track!.course).toBe(0);
  });

  it('random snapshots always give schema-valid events that node-cot and our parser read back (property)', () => {
    const cls = fc.constantFrom(...OBJECT_CLASSES);
    const text = fc.string({ unit: 'binary', maxLength: 40 });
    fc.assert(
      fc.property(
        fc.record({
          id: text, t: fc.integer({ min: 0, max: 4102444800000 }),
          lat: fc.double({ min: -90, max: 90, noNaN: true }), lon: fc.double({ min: -180, max: 180, noNaN: true }),
          h: fc.option(fc.double({ min: -500, max: 20000, noNaN: true })),
          v: fc.option(fc.tuple(fc.double({ min: -300, max: 300, noNaN: true }), fc.double({ min: -300, max: 300, noNaN: true }), fc.double({ min: -50, max: 50, noNaN: true }))),
          sig: fc.option(fc.tuple(fc.double({ min: 0, max: 1e5, noNaN: true }), fc.double({ min: 0, max: 1e5, noNaN: true }), fc.double({ min: 0, max: 1e4, noNaN: true }))),
          cls, aff: fc.option(fc.constantFrom(...AFFILIATIONS)), callsign: fc.option(text), ident: fc.array(text, { maxLength: 3 }),
          status: fc.constantFrom('tentative', 'confirmed', 'coasting', 'ended' as const),
        }),
        (r) => {
          const s: TrackSnapshot = {
            id: r.id, timeMs: r.t, latDeg: r.lat, lonDeg: r.lon, heightAboveEllipsoidM: r.h, velocityEnuMps: r.v,
            covarianceEnu: r.sig ? [r.sig[0] ** 2, 0, 0, 0, r.sig[1] ** 2, 0, 0, 0, r.sig[2] ** 2] : null,
            status: r.status, classLabel: r.cls as ObjectClass, identities: r.ident,
          };
          if (r.aff) s.affiliation = r.aff;
          if (r.callsign !== null) s.callsign = r.callsign;
          const ev = trackSnapshotToCot(s);
          expect(cotEventProblem(ev)).toBeNull();
          const xml = cotEventToXml(ev);
          expect(cotSchemaProblems(xml).problems).toEqual([]);
          expect(nodeCot(xml)._attributes.type).toBe(ev.type);
          const back = parseCotXml(xml);
          expect(back.ok).toBe(true);
          if (back.ok) expect(back.event).toEqual(ev);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('escapes hostile identities: quotes, markup, CDATA ends, controls and lone surrogates', () => {
    const nasty = 'x"\'<&>]]><!--\u0000\u0007\r\n\t\uDFFF\uD800\uFFFE\uD83D\uDE81 drone';
    const ev = trackSnapshotToCot(snap({ id: nasty, callsign: nasty, identities: [`rid:${nasty}`] }));
    const xml = cotEventToXml(ev);
    expect(cotSchemaProblems(xml).problems).toEqual([]);
    expect([...xml].some((ch) => ch.charCodeAt(0) < 0x20 && !'\t\n\r'.includes(ch))).toBe(false);
    const parsed = nodeCot(xml);
    const clean = 'x"\'<&>]]><!--\r\n\t\uD83D\uDE81 drone';
    expect(parsed._attributes.uid).toBe('centinela-' + clean);
    const ours = parseCotXml(xml);
    expect(ours.ok && ours.event.uid).toBe('centinela-' + clean);
    expect(ours.ok && ours.event.detail.contact?.callsign).toBe(clean);
    expect(escapeXml('a\tb', true)).toBe('a&#9;b');
  });

  it('formats decimals without exponents or negative zero', () => {
    expect(formatDecimal(1e-7, 2)).toBe('0.0');
    expect(formatDecimal(-1e-9, 7)).toBe('0.0');
    expect(formatDecimal(9999999, 2)).toBe('9999999.0');
    expect(formatDecimal(123456789012.5, 2)).toBe('123456789012.5');
    expect(formatDecimal(-98.26, 7)).toBe('-98.26');
    expect(() => formatDecimal(NaN, 2)).toThrow(RangeError);
    expect(() => formatDecimal(1e21, 2)).toThrow(RangeError);
  });

  it('ended tracks go stale at once; delete events are valid too', () => {
    const ev = trackSnapshotToCot(snap({ status: 'ended' }));
    expect(ev.staleMs - ev.startMs).toBe(1);
    const del = cotDeleteEvent('centinela-7', Date.UTC(2025, 0, 1));
    const xml = cotEventToXml(del);
    expect(cotSchemaProblems(xml).problems).toEqual([]);
    const link = nodeCot(xml).detail?.link;
    expect(Array.isArray(link) ? undefined : link?._attributes?.uid).toBe('centinela-7');
  });

  it('picks class and affiliation by the documented rules', () => {
    expect(classOf({ classProbabilities: { 'rotary-drone': 0.45, 'fixed-wing-drone': 0.4, bird: 0.15 } })).toBe('rotary-drone');
    expect(classOf({ classProbabilities: { bird: 0.3, 'manned-aircraft': 0.3 } })).toBe('unknown');
    expect(classOf({ classProbabilities: { bird: 0.7 } })).toBe('bird');
    expect(classOf({ classLabel: 'ground-vehicle', classProbabilities: { bird: 1 } })).toBe('ground-vehicle');
    const s = snap();
    expect(affiliationOf(s, 'rotary-drone', new Set())).toBe('unknown');
    expect(affiliationOf(s, 'rotary-drone', new Set(['rid:1581F5FKD229400F']))).toBe('friend');
    expect(affiliationOf({ ...s, affiliation: 'hostile' }, 'rotary-drone', new Set(['rid:1581F5FKD229400F']))).toBe('hostile');
    expect(affiliationOf(s, 'bird', new Set())).toBe('neutral');
    expect(trackSnapshotToCot(snap(), { friendlyIdentities: ['rid:1581F5FKD229400F'] }).type).toBe('a-f-A-M-H-Q');
    expect(trackSnapshotToCot(snap({ affiliation: 'hostile' })).type).toBe('a-h-A-M-H-Q');
    expect(trackSnapshotToCot(snap({ classProbabilities: { bird: 0.9 } })).type).toBe('a-n-A');
    expect(trackSnapshotToCot(snap({ classLabel: 'manned-aircraft' }), { typeFunctions: { 'manned-aircraft': 'A-C-H' } }).type).toBe('a-n-A-C-H');
  });

  it('stamps opex/access/qos when asked and refuses impossible positions', () => {
    const ev = trackSnapshotToCot(snap(), { opex: 'e-border', qos: '5-r-d', access: 'Unclassified' });
    const xml = cotEventToXml(ev);
    expect(cotSchemaProblems(xml).problems).toEqual([]);
    expect(xml).toContain('qos="5-r-d"');
    expect(() => trackSnapshotToCot(snap({ latDeg: 91 }))).toThrow(RangeError);
    expect(() => trackSnapshotToCot(snap({ timeMs: -1 }))).not.toThrow(); // caught by the schema check instead
    expect(cotEventProblem(trackSnapshotToCot(snap({ timeMs: -1 })))).toMatch(/time/);
  });
});

describe('snapshots from the tracker and the sector frame', () => {
  it('a live 3-D track becomes a snapshot at the right WGS84 position with its velocity and errors', () => {
    const sensor: SensorSpec = {
      id: 'radar-1', kind: 'radar', model: new CartesianPosition(3), R: Float64Array.of(9, 0, 0, 0, 9, 0, 0, 0, 16),
      pd: 0.95, clutterDensity: 1e-9, coverage: { kind: 'everywhere' },
    };
    const tracker = new Tracker(trackerPreset('default', 3), [sensor]);
    const rng = new Random(7);
    const truth = (k: number) => [800 + 6 * k, -1200 + 8 * k, 60];
    const t0 = Date.UTC(2025, 4, 1, 3, 0, 0);
    for (let k = 0; k < 40; k++) {
      const p = truth(k);
      tracker.process({ timeMs: t0 + k * 1000, sensor: 0, count: 1, z: Float64Array.of(p[0] + 3 * rng.normal(), p[1] + 3 * rng.normal(), p[2] + 4 * rng.normal()), identity: ['rid:ABC123'] });
    }
    const track = tracker.live.find((t) => t.reportable)!;
    expect(track).toBeDefined();
    const s = snapshotFromTrack(track, HIDALGO, { sensorNames: ['radar-1'], classProbabilities: { 'rotary-drone': 0.9 }, affiliation: 'suspect' });
    const want = HIDALGO.enuToGeodetic(...(truth(39) as [number, number, number]), new Float64Array(3));
    expect(s.id).toBe(String(track.id));
    expect(s.timeMs).toBe(t0 + 39_000);
    expect(Math.abs(s.latDeg - want[0]) * 111_000).toBeLessThan(10);
    expect(Math.abs(s.lonDeg - want[1]) * 100_000).toBeLessThan(10);
    expect(Math.abs(s.heightAboveEllipsoidM! - want[2])).toBeLessThan(10);
    expect(s.identities).toEqual(['rid:ABC123']);
    expect(s.sensors).toEqual(['radar-1']);
    const ev = trackSnapshotToCot(s);
    expect(ev.type).toBe('a-s-A-M-H-Q');
    expect(ev.detail.track!.speed).toBeGreaterThan(8);
    expect(ev.detail.track!.speed).toBeLessThan(12);
    expect(Math.abs(ev.detail.track!.course - (Math.atan2(6, 8) * 180) / Math.PI)).toBeLessThan(5);
    // ce from the track covariance's horizontal block (local ENU ≈ sector ENU this close)
    const P = track.estimator.P, n = track.estimator.space.n;
    expect(ev.ceM).toBeCloseTo(circularErrorM(P[0], P[1], P[n + 1]), 1);
    expect(ev.leM).toBeCloseTo(Math.sqrt(P[2 * n + 2]), 1);
    expect(cotSchemaProblems(cotEventToXml(ev)).problems).toEqual([]);
  });

  it('measures course from true north at the target, not at the sector origin', () => {
    // 50 km east of the origin the meridian has converged by Δλ·sin φ ≈ 0.5°·0.44 ≈ 0.22°: true
    // north there leans west of the sector's north axis, so motion along that axis heads east of north.
    const s = snapshotFromEnu(HIDALGO, { id: 'x', timeMs: 0, positionEnu: [50_000, 0], velocityEnu: [0, 10], covarianceEnu: [4, 0, 0, 1], status: 'confirmed' });
    const { course } = courseSpeed(s.velocityEnuMps![0], s.velocityEnuMps![1]);
    expect(course).toBeGreaterThan(0.2);
    expect(course).toBeLessThan(0.24);
    // The covariance turns with it: east variance 4, north 1 stays an ellipse with the same axes
    // (less the sliver, cos² 0.45°, that the sector's tilted east axis puts into the target's up).
    const c = s.covarianceEnu!;
    expect(circularErrorM(c[0], c[1], c[4])).toBeCloseTo(2, 3);
    expect(s.heightAboveEllipsoidM).toBeNull();
  });
});
