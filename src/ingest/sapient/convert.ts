/**
 * SAPIENT DetectionReport → Detection (src/model), the vocabulary fusion consumes.
 *
 * Positions:
 * - `location`: x is longitude, y latitude (LAT_LNG_DEG_M, LAT_LNG_RAD_M), or UTM easting and
 *   northing (UTM_M, zone from `utm_zone` or the node's registered zone). z is height above the
 *   ellipsoid for datum WGS84_E; for WGS84_G it is above the geoid, and we add the site's geoid
 *   separation N (configured; 0 when unknown — Centinela carries no geoid model). Becomes a
 *   `position` measurement with a diagonal ENU covariance from x/y/z_error.
 * - `range_bearing`: relative to the node's position (surveyed in configuration, or the latest
 *   `StatusReport.node_location`). Azimuth is made true-north (TRUE as is; MAGNETIC plus the
 *   configured declination; GRID plus the UTM grid convergence; PLATFORM cannot be resolved
 *   without the platform heading and is refused). Becomes a `polar` measurement (the radar's own
 *   geometry, which the tracker's PolarRadar model wants), or a `bearing` one when there is no
 *   range; or, on request, a `position` measurement with the polar noise carried through the
 *   Jacobian.
 * Errors are taken as one-sigma. For LAT_LNG_*_M the horizontal errors are in metres by default
 * (the coordinate system pairs angles with metres and no sensor states a position error in
 * degrees); `locationErrorUnits: 'coordinate'` reads them in the coordinate's own unit instead.
 *
 * Class evidence: the taxonomy (Air Vehicle → UAV Rotary Wing / UAV Fixed Wing / Manned …,
 * Animal → Bird, Land Vehicle, Unknown, …) is walked to the deepest level that maps onto
 * OBJECT_CLASSES; the most confident class becomes `evidence.classLabel` and the whole
 * distribution travels alongside. The node's object id becomes `evidence.objectRef`
 * (`sapient:<node uuid>:<object id>`), the identity fusion binds the object's track with; it also
 * travels in the envelope, with velocity (`enu_velocity`), behaviours and signals, for which
 * Detection has no field.
 */
import { LocalFrame } from '../../geo/enu.js';
import { primeVerticalRadiusM, meridionalRadiusM } from '../../geo/wgs84.js';
import { OBJECT_CLASSES, type Detection, type Evidence, type Measurement, type ObjectClass } from '../../model/detection.js';
import { timestampToMs } from './json.js';
import { enumInfo, has, type ProtoObject } from './schema.js';
import { gridConvergenceRad, parseUtmZone, utmToGeodetic, utmZoneOf } from './utm.js';

const DEG = Math.PI / 180;
const TWO_PI = 2 * Math.PI;

export interface GeodeticPosition {
  latDeg: number;
  lonDeg: number;
  heightAboveEllipsoidM: number;
}

/** What the conversion needs to know about the node that sent the report. */
export interface ConversionContext {
  /** Detection.sensorId for this node. */
  sensorId: string;
  /** The node's position (surveyed, or from its latest StatusReport): needed for range_bearing. */
  nodePosition?: GeodeticPosition;
  /** UTM zone the node registered (`location_definition.zone`), used when a report omits it. */
  defaultUtmZone?: string;
  /** Magnetic declination at the node [deg, east positive]: needed for RANGE_BEARING_DATUM_MAGNETIC. */
  magneticDeclinationDeg?: number;
  /** Geoid separation N at the site [m] (height above ellipsoid = height above geoid + N). */
  geoidSeparationM?: number;
}

export interface ConversionOptions {
  /** Range-bearing reports become `polar` (default) or `position` measurements. */
  rangeBearingAs?: 'polar' | 'position';
  /** Units of x_error / y_error for LAT_LNG_* locations (default metres). */
  locationErrorUnits?: 'metres' | 'coordinate';
  /** One-sigma assumed when a report states no horizontal / vertical error [m]. */
  defaultHorizontalSigmaM?: number;
  defaultVerticalSigmaM?: number;
  /** When z is absent: one-sigma of the assumed height (the node's) [m]. */
  unknownHeightSigmaM?: number;
  defaultRangeSigmaM?: number;
  defaultAngleSigmaDeg?: number;
  /** Confidence given to a class the sensor named without a confidence. */
  defaultClassConfidence?: number;
}

const DEFAULTS: Required<ConversionOptions> = {
  rangeBearingAs: 'polar',
  locationErrorUnits: 'metres',
  defaultHorizontalSigmaM: 10,
  defaultVerticalSigmaM: 15,
  unknownHeightSigmaM: 500,
  defaultRangeSigmaM: 10,
  defaultAngleSigmaDeg: 1,
  defaultClassConfidence: 0.5,
};

export interface ClassEvidence {
  label: ObjectClass;
  confidence: number;
}

/** A Detection and what the report said that Detection cannot hold. */
export interface SapientDetection {
  detection: Detection;
  /** The sending node's UUID. */
  nodeId: string;
  /** The node's own track id for the object (ULID): a strong association hint. */
  objectId: string;
  reportId: string;
  /** WGS84 position of the object when the report fixes one (location, or range with bearing). */
  position?: GeodeticPosition;
  /** Velocity east, north, up [m/s] from `enu_velocity` (up 0 when not given). */
  velocityEnuMps?: [number, number, number];
  /** Its one-sigma errors [m/s], when given. */
  velocitySigmaMps?: [number, number, number];
  /** Every class the taxonomy mapped to, most confident first. */
  classes: ClassEvidence[];
  /** The taxonomy as sent, flattened: "Air Vehicle/UAV Rotary Wing" with its confidence. */
  taxonomy: { path: string; confidence?: number }[];
  detectionConfidence?: number;
  behaviours: { type: string; confidence?: number }[];
  /** `state` (e.g. "lost"), `id` (e.g. a tail number or Remote ID serial), `colour`, as sent. */
  state?: string;
  id?: string;
  colour?: string;
}

export type ConversionResult =
  | { ok: true; value: SapientDetection }
  | { ok: false; reason: ConversionRejectReason; detail: string };

export type ConversionRejectReason =
  | 'unsupported_location'
  | 'node_position_unknown'
  | 'unsupported_bearing_datum'
  | 'non_finite';

// ---------------------------------------------------------------------------------------------

/** Converts one validated SapientMessage carrying a DetectionReport. */
export function detectionFromReport(msg: ProtoObject, ctx: ConversionContext, options: ConversionOptions = {}): ConversionResult {
  const o = { ...DEFAULTS, ...options };
  const report = msg.detection_report as ProtoObject;
  const timeMs = timestampToMs(msg.timestamp as ProtoObject);
  if (!Number.isFinite(timeMs)) return { ok: false, reason: 'non_finite', detail: 'timestamp' };

  let measurement: Measurement;
  let position: GeodeticPosition | undefined;
  if (has(report, 'location')) {
    const r = locationToGeodetic(report.location as ProtoObject, ctx, o);
    if (!r.ok) return r;
    position = r.position;
    measurement = { kind: 'position', ...r.position, covarianceEnu: diag3(r.sigmaEnu) };
  } else {
    const r = rangeBearingMeasurement(report.range_bearing as ProtoObject, ctx, o);
    if (!r.ok) return r;
    measurement = r.measurement;
    position = r.position;
  }
  if (!finiteDeep(measurement)) return { ok: false, reason: 'non_finite', detail: 'a coordinate or error is not finite' };

  const taxonomy: { path: string; confidence?: number }[] = [];
  const classes = classify((report.classification as ProtoObject[] | undefined) ?? [], o.defaultClassConfidence, taxonomy);
  const detection: Detection = { sensorId: ctx.sensorId, timeMs, measurement };
  // The node's object id names the object each report is about (a node reports its objects one
  // message each, on their own timestamps): fusion binds tracks with it.
  const objectRef = objectRefOf(String(msg.node_id), String(report.object_id));
  const evidence: Evidence = {};
  if (classes.length) evidence.classLabel = { label: classes[0].label, confidence: classes[0].confidence };
  if (objectRef) evidence.objectRef = objectRef;
  if (classes.length || objectRef) detection.evidence = evidence;

  const out: SapientDetection = {
    detection,
    nodeId: String(msg.node_id),
    objectId: String(report.object_id),
    reportId: String(report.report_id),
    classes,
    taxonomy,
    behaviours: ((report.behaviour as ProtoObject[] | undefined) ?? []).map((b) => ({
      type: String(b.type),
      ...(has(b, 'confidence') ? { confidence: b.confidence as number } : {}),
    })),
  };
  if (position) out.position = position;
  if (has(report, 'enu_velocity')) {
    const v = report.enu_velocity as ProtoObject;
    const vel: [number, number, number] = [num(v.east_rate), num(v.north_rate), has(v, 'up_rate') ? num(v.up_rate) : 0];
    if (vel.every(Number.isFinite)) {
      out.velocityEnuMps = vel;
      if (has(v, 'east_rate_error') || has(v, 'north_rate_error') || has(v, 'up_rate_error')) {
        out.velocitySigmaMps = [num(v.east_rate_error ?? NaN), num(v.north_rate_error ?? NaN), num(v.up_rate_error ?? NaN)];
      }
    }
  }
  if (has(report, 'detection_confidence')) out.detectionConfidence = report.detection_confidence as number;
  if (has(report, 'state')) out.state = String(report.state);
  if (has(report, 'id')) out.id = String(report.id);
  if (has(report, 'colour')) out.colour = String(report.colour);
  return { ok: true, value: out };
}

/**
 * `evidence.objectRef` for a node's object: `sapient:<node uuid, lower case>:<object ULID, upper
 * case>` (both are case-insensitive on the wire), or undefined when either is unusable.
 */
export function objectRefOf(nodeId: string, objectId: string): string | undefined {
  const node = nodeId.trim().toLowerCase(), obj = objectId.trim().toUpperCase();
  if (!/^[0-9a-z-]{1,64}$/.test(node) || !/^[0-9A-Z]{1,64}$/.test(obj)) return undefined;
  return `sapient:${node}:${obj}`;
}

function num(v: unknown): number {
  return typeof v === 'number' ? v : NaN;
}

function diag3(s: [number, number, number]): number[] {
  return [s[0] * s[0], 0, 0, 0, s[1] * s[1], 0, 0, 0, s[2] * s[2]];
}

function finiteDeep(v: unknown): boolean {
  if (typeof v === 'number') return Number.isFinite(v);
  if (Array.isArray(v)) return v.every(finiteDeep);
  if (v && typeof v === 'object') return Object.values(v).every(finiteDeep);
  return true;
}

function sigmaOr(v: unknown, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : fallback;
}

// ---------------------------------------------------------------------------------------------
// Location

type LocationResult =
  | { ok: true; position: GeodeticPosition; sigmaEnu: [number, number, number] }
  | { ok: false; reason: ConversionRejectReason; detail: string };

const LOC_CS = enumInfo.get('LocationCoordinateSystem')!.values;
const LOC_DATUM = enumInfo.get('LocationDatum')!.values;

/** A SAPIENT Location → WGS84 position (height above the ellipsoid) with one-sigma ENU errors. */
export function locationToGeodetic(
  loc: ProtoObject,
  ctx: Pick<ConversionContext, 'defaultUtmZone' | 'geoidSeparationM' | 'nodePosition'>,
  options: ConversionOptions = {},
): LocationResult {
  const o = { ...DEFAULTS, ...options };
  const x = num(loc.x), y = num(loc.y);
  if (!Number.isFinite(x) || !Number.isFinite(y)) return { ok: false, reason: 'non_finite', detail: 'location x/y' };
  const cs = loc.coordinate_system as number;
  let latDeg: number, lonDeg: number;
  let sE: number, sN: number;
  if (cs === LOC_CS.LOCATION_COORDINATE_SYSTEM_LAT_LNG_DEG_M || cs === LOC_CS.LOCATION_COORDINATE_SYSTEM_LAT_LNG_RAD_M) {
    const toDeg = cs === LOC_CS.LOCATION_COORDINATE_SYSTEM_LAT_LNG_RAD_M ? 1 / DEG : 1;
    latDeg = y * toDeg;
    lonDeg = x * toDeg;
    if (Math.abs(latDeg) > 90 || Math.abs(lonDeg) > 180) return { ok: false, reason: 'unsupported_location', detail: `latitude ${latDeg}, longitude ${lonDeg} out of range` };
    sE = sigmaOr(loc.x_error, NaN);
    sN = sigmaOr(loc.y_error, NaN);
    if (o.locationErrorUnits === 'coordinate') {
      // An angular error → metres along the parallel and the meridian at this latitude.
      const lat = latDeg * DEG;
      const radPerUnit = cs === LOC_CS.LOCATION_COORDINATE_SYSTEM_LAT_LNG_RAD_M ? 1 : DEG;
      sE *= radPerUnit * primeVerticalRadiusM(lat) * Math.cos(lat);
      sN *= radPerUnit * meridionalRadiusM(lat);
    }
  } else if (cs === LOC_CS.LOCATION_COORDINATE_SYSTEM_UTM_M) {
    const zone = parseUtmZone((loc.utm_zone as string | undefined) || ctx.defaultUtmZone);
    if (!zone) return { ok: false, reason: 'unsupported_location', detail: 'UTM location without a usable utm_zone (report or registration)' };
    if (x < 100_000 || x > 900_000 || y < 0 || y > 10_000_000) {
      return { ok: false, reason: 'unsupported_location', detail: `UTM easting ${x}, northing ${y} outside the zone's grid` };
    }
    ({ latDeg, lonDeg } = utmToGeodetic(x, y, zone));
    sE = sigmaOr(loc.x_error, NaN);
    sN = sigmaOr(loc.y_error, NaN);
  } else {
    return { ok: false, reason: 'unsupported_location', detail: `coordinate system ${String(cs)}` };
  }
  const datum = loc.datum as number;
  if (datum !== LOC_DATUM.LOCATION_DATUM_WGS84_E && datum !== LOC_DATUM.LOCATION_DATUM_WGS84_G) {
    return { ok: false, reason: 'unsupported_location', detail: `datum ${String(datum)}` };
  }
  let h: number, sU: number;
  if (has(loc, 'z')) {
    h = num(loc.z) + (datum === LOC_DATUM.LOCATION_DATUM_WGS84_G ? (ctx.geoidSeparationM ?? 0) : 0);
    sU = sigmaOr(loc.z_error, o.defaultVerticalSigmaM);
  } else {
    // A 2-D fix: assume the node's height, with an uncertainty that lets the tracker ignore it.
    h = ctx.nodePosition?.heightAboveEllipsoidM ?? 0;
    sU = o.unknownHeightSigmaM;
  }
  return {
    ok: true,
    position: { latDeg, lonDeg, heightAboveEllipsoidM: h },
    sigmaEnu: [Number.isNaN(sE) ? o.defaultHorizontalSigmaM : sE, Number.isNaN(sN) ? o.defaultHorizontalSigmaM : sN, sU],
  };
}

// ---------------------------------------------------------------------------------------------
// Range and bearing

const RB_CS = enumInfo.get('RangeBearingCoordinateSystem')!.values;
const RB_DATUM = enumInfo.get('RangeBearingDatum')!.values;

type RangeBearingResult =
  | { ok: true; measurement: Measurement; position?: GeodeticPosition }
  | { ok: false; reason: ConversionRejectReason; detail: string };

function rangeBearingMeasurement(rb: ProtoObject, ctx: ConversionContext, o: Required<ConversionOptions>): RangeBearingResult {
  const cs = rb.coordinate_system as number;
  let angle: number, dist: number;
  switch (cs) {
    case RB_CS.RANGE_BEARING_COORDINATE_SYSTEM_DEGREES_M: angle = DEG; dist = 1; break;
    case RB_CS.RANGE_BEARING_COORDINATE_SYSTEM_RADIANS_M: angle = 1; dist = 1; break;
    case RB_CS.RANGE_BEARING_COORDINATE_SYSTEM_DEGREES_KM: angle = DEG; dist = 1000; break;
    case RB_CS.RANGE_BEARING_COORDINATE_SYSTEM_RADIANS_KM: angle = 1; dist = 1000; break;
    default: return { ok: false, reason: 'unsupported_location', detail: `range-bearing coordinate system ${String(cs)}` };
  }
  if (!has(rb, 'azimuth')) return { ok: false, reason: 'unsupported_location', detail: 'range_bearing without an azimuth' };
  const node = ctx.nodePosition;
  if (!node && (has(rb, 'range') || o.rangeBearingAs === 'position')) {
    return { ok: false, reason: 'node_position_unknown', detail: 'range_bearing from a node whose position is not known (survey it, or send StatusReport.node_location)' };
  }
  let az = num(rb.azimuth) * angle;
  switch (rb.datum as number) {
    case RB_DATUM.RANGE_BEARING_DATUM_TRUE:
      break;
    case RB_DATUM.RANGE_BEARING_DATUM_MAGNETIC:
      if (ctx.magneticDeclinationDeg === undefined) {
        return { ok: false, reason: 'unsupported_bearing_datum', detail: 'magnetic bearing from a node with no configured magnetic declination' };
      }
      az += ctx.magneticDeclinationDeg * DEG;
      break;
    case RB_DATUM.RANGE_BEARING_DATUM_GRID: {
      if (!node) return { ok: false, reason: 'node_position_unknown', detail: 'grid bearing needs the node position for the grid convergence' };
      const zone = parseUtmZone(ctx.defaultUtmZone) ?? utmZoneOf(node.latDeg, node.lonDeg);
      az += gridConvergenceRad(node.latDeg, node.lonDeg, zone);
      break;
    }
    default:
      return { ok: false, reason: 'unsupported_bearing_datum', detail: `bearing datum ${enumInfo.get('RangeBearingDatum')!.byNumber.get(rb.datum as number) ?? String(rb.datum)} (platform heading unknown)` };
  }
  az = ((az % TWO_PI) + TWO_PI) % TWO_PI;
  const hasEl = has(rb, 'elevation');
  const el = hasEl ? num(rb.elevation) * angle : undefined;
  const sAz = sigmaOr(rb.azimuth_error, NaN) * angle || o.defaultAngleSigmaDeg * DEG;
  const sEl = sigmaOr(rb.elevation_error, NaN) * angle || o.defaultAngleSigmaDeg * DEG;

  if (!has(rb, 'range')) {
    return {
      ok: true,
      measurement: { kind: 'bearing', azimuthRad: az, ...(el !== undefined ? { elevationRad: el } : {}), sigma: { azimuthRad: sAz, ...(el !== undefined ? { elevationRad: sEl } : {}) } },
    };
  }
  const range = num(rb.range) * dist;
  if (!(range >= 0)) return { ok: false, reason: 'unsupported_location', detail: `range ${range}` };
  const sR = sigmaOr(rb.range_error, NaN) * dist || o.defaultRangeSigmaM;
  const frame = LocalFrame.fromDegrees(node!);
  const elev = el ?? 0;
  const ce = Math.cos(elev);
  const e = range * ce * Math.sin(az), n = range * ce * Math.cos(az), u = range * Math.sin(elev);
  const g = frame.enuToGeodetic(e, n, u, new Float64Array(3));
  const position = { latDeg: g[0], lonDeg: g[1], heightAboveEllipsoidM: g[2] };
  if (o.rangeBearingAs === 'polar') {
    return {
      ok: true,
      position,
      measurement: {
        kind: 'polar', rangeM: range, azimuthRad: az, ...(el !== undefined ? { elevationRad: el } : {}),
        sigma: { rangeM: sR, azimuthRad: sAz, ...(el !== undefined ? { elevationRad: sEl } : {}) },
      },
    };
  }
  // Position: J · diag(σr², σaz², σel²) · Jᵀ in the node's ENU frame (≈ the ENU frame at the
  // object for the short ranges of these sensors; the difference is the Earth's curvature).
  const se = Math.sin(elev), sa = Math.sin(az), ca = Math.cos(az);
  const sElEff = el === undefined ? Math.PI / 6 : sEl; // no elevation: a wide band around the horizon
  const J = [
    ce * sa, range * ce * ca, -range * se * sa,
    ce * ca, -range * ce * sa, -range * se * ca,
    se, 0, range * ce,
  ];
  const d = [sR * sR, sAz * sAz, sElEff * sElEff];
  const cov = new Array<number>(9).fill(0);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) {
    let s = 0;
    for (let k = 0; k < 3; k++) s += J[i * 3 + k] * d[k] * J[j * 3 + k];
    cov[i * 3 + j] = s;
  }
  // Floor the variances: at range 0 the Jacobian is singular.
  for (let i = 0; i < 3; i++) cov[i * 4] = Math.max(cov[i * 4], 1e-6);
  return { ok: true, position, measurement: { kind: 'position', ...position, covarianceEnu: cov } };
}

// ---------------------------------------------------------------------------------------------
// Classification taxonomy → OBJECT_CLASSES

/** Level-0 class names of the standard's taxonomy (lower case) and what each means here. */
const TOP: Record<string, ObjectClass | null> = {
  'air vehicle': null, // drone or manned aircraft: only a sub-class decides
  animal: null, // bird, or another animal
  'land vehicle': 'ground-vehicle',
  unknown: 'unknown',
  human: 'unknown',
  'sea vessel': 'unknown',
  'fixed object': 'unknown',
  equipment: 'unknown',
};

/** Sub-class names (any level, lower case). */
const SUB: Record<string, ObjectClass> = {
  'uav rotary wing': 'rotary-drone',
  'uav fixed wing': 'fixed-wing-drone',
  'manned rotary wing': 'manned-aircraft',
  'manned fixed wing': 'manned-aircraft',
  'uas control station': 'unknown',
  bird: 'bird',
  // Names seen in the wild for the same classes.
  multirotor: 'rotary-drone',
  'rotary wing uav': 'rotary-drone',
  'fixed wing uav': 'fixed-wing-drone',
};

function norm(s: unknown): string {
  return String(s ?? '').trim().replace(/\s+/g, ' ').toLowerCase();
}

/**
 * Walks the classification trees. Each branch yields the classes of its deepest mapped nodes,
 * with the node's own confidence (or the nearest ancestor's, or the default). Nodes that map to
 * one class add up, capped at 1 (the taxonomy's classes are disjoint: Manned Rotary Wing and
 * Manned Fixed Wing together are our manned-aircraft). Most confident first.
 */
export function classify(entries: readonly ProtoObject[], defaultConfidence = DEFAULTS.defaultClassConfidence, taxonomy?: { path: string; confidence?: number }[]): ClassEvidence[] {
  const best = new Map<ObjectClass, number>();
  const visit = (node: ProtoObject, level: number, inherited: number, path: string, depth: number): ClassEvidence[] => {
    const name = norm(node.type);
    const conf = clamp01(has(node, 'confidence') ? (node.confidence as number) : inherited);
    const p = path ? `${path}/${String(node.type)}` : String(node.type);
    taxonomy?.push({ path: p, ...(has(node, 'confidence') ? { confidence: node.confidence as number } : {}) });
    const children = depth < 16 ? ((node.sub_class as ProtoObject[] | undefined) ?? []) : [];
    const below = children.flatMap((c) => visit(c, level + 1, conf, p, depth + 1));
    if (below.length) return below;
    const label = level === 0 && name in TOP ? TOP[name] : SUB[name] ?? null;
    return label ? [{ label, confidence: conf }] : [];
  };
  for (const e of entries) {
    for (const c of visit(e, 0, defaultConfidence, '', 0)) best.set(c.label, Math.min(1, (best.get(c.label) ?? 0) + c.confidence));
  }
  return [...best.entries()]
    .map(([label, confidence]) => ({ label, confidence }))
    .sort((a, b) => b.confidence - a.confidence || OBJECT_CLASSES.indexOf(a.label) - OBJECT_CLASSES.indexOf(b.label));
}

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}
