import { describe, expect, it } from 'vitest';
import { LocalFrame } from '../../../src/geo/enu.js';
import { detectionSchema, identityOf } from '../../../src/model/detection.js';
import { classify, detectionFromReport, type ConversionContext } from '../../../src/ingest/sapient/convert.js';
import { msToTimestamp, sapientFromJson } from '../../../src/ingest/sapient/json.js';
import type { ProtoObject } from '../../../src/ingest/sapient/schema.js';
import { geodeticToUtm, gridConvergenceRad, parseUtmZone, utmToGeodetic } from '../../../src/ingest/sapient/utm.js';
import { validateSapientMessage } from '../../../src/ingest/sapient/validate.js';

const NODE = 'a8654cdf-4328-47de-81fa-c495589e30c8';
const T0 = Date.parse('2025-11-14T04:00:00Z');
// A radar on the Rio Grande near Hidalgo, TX.
const site = { latDeg: 26.1, lonDeg: -98.26, heightAboveEllipsoidM: 20 };
const ctx: ConversionContext = { sensorId: 'sapient:radar', nodePosition: site };
const DEG = Math.PI / 180;

/** A DetectionReport message from proto3 JSON (checked valid first). */
function report(body: Record<string, unknown>): ProtoObject {
  const r = sapientFromJson({
    timestamp: new Date(T0).toISOString(),
    nodeId: NODE,
    detectionReport: { reportId: '01GGYFBAXGDG7AGAHRZ6XSNY12', objectId: '01GGYFBAXH4VYRQYEX7S3XGK3H', ...body },
  });
  expect(r.violations).toEqual([]);
  expect(validateSapientMessage(r.message)).toEqual([]);
  return r.message;
}

const latLng = (x: number, y: number, extra: Record<string, unknown> = {}) => ({
  location: { x, y, coordinateSystem: 'LOCATION_COORDINATE_SYSTEM_LAT_LNG_DEG_M', datum: 'LOCATION_DATUM_WGS84_E', ...extra },
});

describe('UTM', () => {
  it('matches GeographicLib at known points', () => {
    const a = geodeticToUtm(0, 0, { zone: 31, north: true });
    expect(a.easting).toBeCloseTo(166021.4431, 3);
    expect(a.northing).toBeCloseTo(0, 6);
    const b = geodeticToUtm(33.3, 44.4, { zone: 38, north: true }); // GeoConvert's own example
    expect(b.easting).toBeCloseTo(444140.54, 2);
    expect(b.northing).toBeCloseTo(3684706.36, 2);
  });

  it('inverts to well under a millimetre across a zone', () => {
    for (const lat of [-79, -45, -10, 0, 12, 26.1, 51.17, 83]) {
      for (const dLon of [-3, -1.5, 0, 2, 3]) {
        const z = { zone: 14, north: lat >= 0 };
        const lon = -99 + dLon;
        const { easting, northing } = geodeticToUtm(lat, lon, z);
        const back = utmToGeodetic(easting, northing, z);
        expect(Math.abs(back.latDeg - lat) * 111_000).toBeLessThan(1e-4);
        expect(Math.abs(back.lonDeg - lon) * 111_000 * Math.cos(lat * DEG)).toBeLessThan(1e-4);
      }
    }
  });

  it('reads zones as SAPIENT writes them', () => {
    expect(parseUtmZone('30U')).toEqual({ zone: 30, north: true });
    expect(parseUtmZone('14 r')).toEqual({ zone: 14, north: true });
    expect(parseUtmZone('56H')).toEqual({ zone: 56, north: false });
    expect(parseUtmZone('61U')).toBeNull();
    expect(parseUtmZone('')).toBeNull();
  });

  it('gives grid north east of true north east of the central meridian (north)', () => {
    expect(gridConvergenceRad(45, -96, { zone: 14, north: true })).toBeGreaterThan(0);
    expect(gridConvergenceRad(45, -100, { zone: 14, north: true })).toBeLessThan(0);
  });
});

describe('DetectionReport → Detection', () => {
  it('location: x is longitude, y latitude; errors are one-sigma metres', () => {
    const r = detectionFromReport(report(latLng(-98.25, 26.11, { z: 80, xError: 3, yError: 4, zError: 6 })), ctx);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const d = r.value.detection;
    expect(detectionSchema.safeParse(d).success).toBe(true);
    expect(d.timeMs).toBe(T0);
    expect(d.sensorId).toBe('sapient:radar');
    expect(d.measurement).toEqual({ kind: 'position', latDeg: 26.11, lonDeg: -98.25, heightAboveEllipsoidM: 80, covarianceEnu: [9, 0, 0, 0, 16, 0, 0, 0, 36] });
    expect(r.value.position).toEqual({ latDeg: 26.11, lonDeg: -98.25, heightAboveEllipsoidM: 80 });
  });

  it('location: radians, the geoid datum, and a missing height', () => {
    const rad = detectionFromReport(report({ location: { x: -98.25 * DEG, y: 26.11 * DEG, z: 50, coordinateSystem: 'LOCATION_COORDINATE_SYSTEM_LAT_LNG_RAD_M', datum: 'LOCATION_DATUM_WGS84_G' } }), { ...ctx, geoidSeparationM: -26 });
    expect(rad.ok && rad.value.position).toMatchObject({ heightAboveEllipsoidM: 24 });
    expect(rad.ok && rad.value.position!.latDeg).toBeCloseTo(26.11, 12);
    const flat = detectionFromReport(report(latLng(-98.25, 26.11)), ctx);
    expect(flat.ok && flat.value.position!.heightAboveEllipsoidM).toBe(20); // the node's height
    expect(flat.ok && flat.value.detection.measurement.kind === 'position' && flat.value.detection.measurement.covarianceEnu[8]).toBe(500 * 500);
  });

  it('location: errors in the coordinate unit on request', () => {
    const r = detectionFromReport(report(latLng(-98.25, 26.11, { z: 1, xError: 1e-4, yError: 1e-4 })), ctx, { locationErrorUnits: 'coordinate' });
    if (!r.ok || r.value.detection.measurement.kind !== 'position') throw new Error('expected a position');
    const c = r.value.detection.measurement.covarianceEnu;
    expect(Math.sqrt(c[4])).toBeCloseTo(11.07, 1); // 1e-4° of latitude ≈ 11.07 m
    expect(Math.sqrt(c[0])).toBeCloseTo(11.13 * Math.cos(26.11 * DEG), 1);
  });

  it('location: UTM with the zone from the report or the registration', () => {
    const { easting, northing } = geodeticToUtm(26.11, -98.25, { zone: 14, north: true });
    const loc = { x: easting, y: northing, z: 30, coordinateSystem: 'LOCATION_COORDINATE_SYSTEM_UTM_M', datum: 'LOCATION_DATUM_WGS84_E' };
    for (const [body, c] of [[{ ...loc, utmZone: '14R' }, ctx], [loc, { ...ctx, defaultUtmZone: '14R' }]] as const) {
      const r = detectionFromReport(report({ location: body }), c);
      expect(r.ok).toBe(true);
      if (r.ok) {
        expect(r.value.position!.latDeg).toBeCloseTo(26.11, 9);
        expect(r.value.position!.lonDeg).toBeCloseTo(-98.25, 9);
      }
    }
    expect(detectionFromReport(report({ location: loc }), ctx)).toMatchObject({ ok: false, reason: 'unsupported_location' });
  });

  it("refuses Dstl's sample location (latitude/longitude numbers labelled UTM)", () => {
    const r = detectionFromReport(report(latLng(51.17, -1.82, { coordinateSystem: 'LOCATION_COORDINATE_SYSTEM_UTM_M', utmZone: '30U' })), ctx);
    expect(r).toMatchObject({ ok: false, reason: 'unsupported_location' });
  });

  it('range_bearing: a polar measurement about the node, and the WGS84 point it fixes', () => {
    const rb = { azimuth: 30, elevation: 2, range: 1.5, azimuthError: 0.5, elevationError: 0.8, rangeError: 0.005, coordinateSystem: 'RANGE_BEARING_COORDINATE_SYSTEM_DEGREES_KM', datum: 'RANGE_BEARING_DATUM_TRUE' };
    const r = detectionFromReport(report({ rangeBearing: rb }), ctx);
    if (!r.ok || r.value.detection.measurement.kind !== 'polar') throw new Error('expected polar');
    const m = r.value.detection.measurement;
    expect(detectionSchema.safeParse(r.value.detection).success).toBe(true);
    expect(m.rangeM).toBe(1500);
    expect(m.azimuthRad).toBeCloseTo(30 * DEG, 12);
    expect(m.elevationRad).toBeCloseTo(2 * DEG, 12);
    expect(m.sigma).toEqual({ rangeM: 5, azimuthRad: 0.5 * DEG, elevationRad: 0.8 * DEG });
    const frame = LocalFrame.fromDegrees(site);
    const enu = frame.geodeticToEnu(r.value.position!.latDeg, r.value.position!.lonDeg, r.value.position!.heightAboveEllipsoidM, new Float64Array(3));
    expect(Math.hypot(enu[0], enu[1], enu[2])).toBeCloseTo(1500, 6);
    expect(Math.atan2(enu[0], enu[1])).toBeCloseTo(30 * DEG, 9);
  });

  it('range_bearing: as a position measurement, with the polar noise through the Jacobian', () => {
    const rb = { azimuth: 0, elevation: 0, range: 1000, azimuthError: 0.01, elevationError: 0.02, rangeError: 5, coordinateSystem: 'RANGE_BEARING_COORDINATE_SYSTEM_RADIANS_M', datum: 'RANGE_BEARING_DATUM_TRUE' };
    const r = detectionFromReport(report({ rangeBearing: rb }), ctx, { rangeBearingAs: 'position' });
    if (!r.ok || r.value.detection.measurement.kind !== 'position') throw new Error('expected position');
    const c = r.value.detection.measurement.covarianceEnu;
    expect(c[0]).toBeCloseTo(100, 6); // (1000 m × 0.01 rad)² east
    expect(c[4]).toBeCloseTo(25, 6); // range along north
    expect(c[8]).toBeCloseTo(400, 6); // (1000 × 0.02)² up
  });

  it('range_bearing without a range is a bearing; without a node position a range cannot be placed', () => {
    const rb = { azimuth: 350, elevation: 5, coordinateSystem: 'RANGE_BEARING_COORDINATE_SYSTEM_DEGREES_M', datum: 'RANGE_BEARING_DATUM_TRUE' };
    const r = detectionFromReport(report({ rangeBearing: rb }), { sensorId: 'mic' });
    expect(r.ok && r.value.detection.measurement).toMatchObject({ kind: 'bearing', azimuthRad: 350 * DEG, elevationRad: 5 * DEG });
    expect(detectionFromReport(report({ rangeBearing: { ...rb, range: 100 } }), { sensorId: 'mic' })).toMatchObject({ ok: false, reason: 'node_position_unknown' });
  });

  it('range_bearing: magnetic and grid north become true north; platform north cannot', () => {
    const rb = (datum: string) => report({ rangeBearing: { azimuth: 10, range: 500, coordinateSystem: 'RANGE_BEARING_COORDINATE_SYSTEM_DEGREES_M', datum } });
    expect(detectionFromReport(rb('RANGE_BEARING_DATUM_MAGNETIC'), ctx)).toMatchObject({ ok: false, reason: 'unsupported_bearing_datum' });
    const mag = detectionFromReport(rb('RANGE_BEARING_DATUM_MAGNETIC'), { ...ctx, magneticDeclinationDeg: 3.5 });
    expect(mag.ok && mag.value.detection.measurement.kind === 'polar' && mag.value.detection.measurement.azimuthRad).toBeCloseTo(13.5 * DEG, 12);
    const grid = detectionFromReport(rb('RANGE_BEARING_DATUM_GRID'), ctx);
    const gamma = gridConvergenceRad(site.latDeg, site.lonDeg, { zone: 14, north: true });
    expect(grid.ok && grid.value.detection.measurement.kind === 'polar' && grid.value.detection.measurement.azimuthRad).toBeCloseTo(10 * DEG + gamma, 12);
    expect(detectionFromReport(rb('RANGE_BEARING_DATUM_PLATFORM'), ctx)).toMatchObject({ ok: false, reason: 'unsupported_bearing_datum' });
  });

  it('carries the velocity, the object id and the behaviours in the envelope', () => {
    const r = detectionFromReport(report({
      ...latLng(-98.25, 26.11, { z: 40 }),
      enuVelocity: { eastRate: 3, northRate: -4, upRate: 0.5, eastRateError: 0.3, northRateError: 0.3, upRateError: 0.2 },
      behaviour: [{ type: 'loitering', confidence: 0.6 }],
      id: '1581F000000000001',
      detectionConfidence: 0.9,
    }), ctx);
    if (!r.ok) throw new Error(r.detail);
    expect(r.value.velocityEnuMps).toEqual([3, -4, 0.5]);
    expect(r.value.velocitySigmaMps?.[2]).toBeCloseTo(0.2, 6);
    expect(r.value.objectId).toBe('01GGYFBAXH4VYRQYEX7S3XGK3H');
    expect(r.value.behaviours[0].type).toBe('loitering');
    expect(r.value.id).toBe('1581F000000000001');
    expect(r.value.detectionConfidence).toBeCloseTo(0.9, 6);
  });
});

describe('classification taxonomy → class evidence', () => {
  const c = (type: string, confidence?: number, sub?: ProtoObject[]): ProtoObject => ({ type, ...(confidence !== undefined ? { confidence } : {}), ...(sub ? { sub_class: sub } : {}) });
  const s = (type: string, confidence?: number, sub?: ProtoObject[]): ProtoObject => ({ ...c(type, confidence, sub), level: 1 });

  it('maps the standard taxonomy onto OBJECT_CLASSES at the deepest level it can', () => {
    expect(classify([c('Air Vehicle', 0.9, [s('UAV Rotary Wing', 0.7), s('UAV Fixed Wing', 0.2)])])).toEqual([
      { label: 'rotary-drone', confidence: 0.7 },
      { label: 'fixed-wing-drone', confidence: 0.2 },
    ]);
    expect(classify([c('Animal', 0.8, [s('Bird')])])).toEqual([{ label: 'bird', confidence: 0.8 }]);
    expect(classify([c('Land Vehicle ', 0.6)])).toEqual([{ label: 'ground-vehicle', confidence: 0.6 }]);
    expect(classify([c('Human', 0.8, [s('Male', 0.6)])])).toEqual([{ label: 'unknown', confidence: 0.8 }]);
    expect(classify([c('Air Vehicle', 0.9)])).toEqual([]); // drone or manned: undecided
    expect(classify([c('Air Vehicle', 0.4, [s('Manned Rotary Wing', 0.2), s('Manned Fixed Wing', 0.2)])])).toEqual([{ label: 'manned-aircraft', confidence: 0.4 }]);
    expect(classify([c('air  vehicle', undefined, [s('uav rotary wing')])], 0.5)).toEqual([{ label: 'rotary-drone', confidence: 0.5 }]);
  });

  it('puts the most confident class in Detection.evidence', () => {
    const msg = sapientFromJson({
      timestamp: new Date(T0).toISOString(), nodeId: NODE,
      detectionReport: {
        reportId: '01GGYFBAXGDG7AGAHRZ6XSNY12', objectId: '01GGYFBAXH4VYRQYEX7S3XGK3H', ...latLng(-98.25, 26.11),
        classification: [{ type: 'Animal', confidence: 0.3, subClass: [{ type: 'Bird', level: 1 }] }, { type: 'Air Vehicle', confidence: 0.65, subClass: [{ type: 'UAV Rotary Wing', confidence: 0.6, level: 1 }] }],
      },
    }).message;
    const r = detectionFromReport(msg, ctx);
    expect(r.ok && r.value.detection.evidence).toEqual({
      classLabel: { label: 'rotary-drone', confidence: expect.closeTo(0.6, 6) },
      objectRef: `sapient:${NODE}:01GGYFBAXH4VYRQYEX7S3XGK3H`,
    });
    expect(r.ok && r.value.taxonomy.map((t) => t.path)).toEqual(['Animal', 'Animal/Bird', 'Air Vehicle', 'Air Vehicle/UAV Rotary Wing']);
  });

  it("carries the node's object id as the detection's identity (per node; ids are case-insensitive)", () => {
    const msg = report(latLng(-98.25, 26.11));
    (msg.detection_report as ProtoObject).object_id = '01ggyfbaxh4vyrqyex7s3xgk3h';
    msg.node_id = NODE.toUpperCase();
    const r = detectionFromReport(msg, ctx);
    if (!r.ok) throw new Error(r.detail);
    const ref = `sapient:${NODE}:01GGYFBAXH4VYRQYEX7S3XGK3H`;
    expect(r.value.detection.evidence).toEqual({ objectRef: ref });
    expect(identityOf(r.value.detection.evidence)).toBe(`ref:${ref}`);
    expect(detectionSchema.safeParse(r.value.detection).success).toBe(true);
    // Stronger identities the evidence carries come first.
    expect(identityOf({ objectRef: ref, remoteId: { serial: '1581F5FJC2' } })).toBe('rid:1581F5FJC2');
    expect(identityOf({ objectRef: ref, icao: '4D2023' })).toBe('icao:4D2023');
    expect(identityOf({ objectRef: ref, rf: { protocol: 'ocusync', frequencyMHz: 2440, emitterId: 'e1' } })).toBe('rf:e1');
  });

  it('uses the message timestamp as the detection time', () => {
    const m = report(latLng(-98.25, 26.11));
    m.timestamp = msToTimestamp(T0 + 1234.5);
    const r = detectionFromReport(m, ctx);
    expect(r.ok && r.value.detection.timeMs).toBeCloseTo(T0 + 1234.5, 6);
  });
});
