/**
 * Tracks out as Cursor-on-Target: a track snapshot → a CoT event → XML or TAK protocol v1.
 *
 * A {@link TrackSnapshot} is the edge's view of a track at one instant: WGS84 position, local
 * ENU velocity and covariance at that position, status, class and identities. It is built from a
 * live tracker Track and the sector's LocalFrame ({@link snapshotFromTrack}) or from any ENU
 * state ({@link snapshotFromEnu}, used by the CLI for recorded tracks), then turned into a
 * {@link CotEvent} by {@link trackSnapshotToCot}. Everything here is pure and deterministic: the
 * event's times come from the track's own time, never from the wall clock.
 *
 * Error convention (CoT: "the one sigma point for a zero mean normal distribution"):
 *   ce = √λmax of the horizontal 2×2 covariance block — the semi-major axis of the 1-sigma
 *        error ellipse. It is exactly σ for a circular error, and never understates the error in
 *        any direction (the standard deviation along every horizontal direction is ≤ ce), which is
 *        what a ground team driving to the point needs. The probability that the horizontal error
 *        falls inside the ce circle is ≥ 39.3 % (= 1 − e^(−1/2), equality when circular); scale by
 *        2.4477 for a 95 % circle, by 1.1774 for CEP50 of a circular error.
 *   le = √(up variance): the 1-sigma vertical error (68.3 % two-sided).
 * A 2-D track (no height state) reports hae and le as unknown (9999999).
 */

import { LocalFrame } from '../../geo/enu.js';
import { OBJECT_CLASSES, type ObjectClass } from '../../model/detection.js';
import type { Track, TrackStatus } from '../../tracking/track.js';
import { AFFILIATIONS, cotTypeFor, type Affiliation } from './cot-types.js';
import { COT_UNKNOWN, cotEventToXml, roundTo, xmlSafe, type CotEvent, type XmlWriteOptions } from './event.js';

const RAD_TO_DEG = 180 / Math.PI;

/** One track at one instant, as the outputs (TAK, SAPIENT, GeoJSON) see it. */
export interface TrackSnapshot {
  /** Stable track id (unique within one tracker; deployments prefix CoT uids per site). */
  id: string;
  /** Time of the estimate, ms since the Unix epoch (UTC). */
  timeMs: number;
  latDeg: number;
  lonDeg: number;
  /** Height above the WGS84 ellipsoid, m; null for a 2-D (horizontal) track. */
  heightAboveEllipsoidM: number | null;
  /** Velocity east, north, up [m/s] in the local ENU frame at the track position; null if unknown. */
  velocityEnuMps: [number, number, number] | null;
  /**
   * Position covariance [m²], 3×3 row-major, in the local ENU frame at the track position; null if
   * unknown. For a 2-D track the up row and column are not meaningful.
   */
  covarianceEnu: number[] | null;
  status: TrackStatus;
  /** Class probabilities from assessment (need not sum to 1; missing classes count as 0). */
  classProbabilities?: Partial<Record<ObjectClass, number>>;
  /** A decided class label; wins over the probabilities. */
  classLabel?: ObjectClass;
  /** Affiliation/disposition from assessment or an operator; derived when absent (see cot options). */
  affiliation?: Affiliation;
  /** Identity evidence: "rid:<serial>", "icao:<hex>", "rf:<emitter>". */
  identities: string[];
  /** Ids of the sensors that contributed. */
  sensors?: string[];
  /** Probability the track is a real object. */
  existence?: number;
  /** Flags such as "dark" (seen, but silent on RF and Remote ID). */
  flags?: string[];
  /** A display name; default `<callsignPrefix><id>`. */
  callsign?: string;
}

/** What the tracker does not know but the snapshot carries (assessment results, names). */
export interface SnapshotExtras {
  /** Snapshot id; default the track's numeric id. */
  id?: string;
  /** Sensor ids by tracker sensor index (e.g. `tracker.sensors.map((s) => s.id)`). */
  sensorNames?: readonly string[];
  classProbabilities?: Partial<Record<ObjectClass, number>>;
  classLabel?: ObjectClass;
  affiliation?: Affiliation;
  flags?: string[];
  callsign?: string;
}

/** An ENU state in a sector frame, the common input of {@link snapshotFromEnu}. */
export interface EnuState {
  id: string;
  timeMs: number;
  /** Position in the sector frame [m]: [e, n] (2-D) or [e, n, u]. */
  positionEnu: ArrayLike<number>;
  /** Velocity in the sector frame [m/s]: [ve, vn] or [ve, vn, vu]; null if unknown. */
  velocityEnu: ArrayLike<number> | null;
  /** Position covariance in the sector frame, d×d row-major with d = positionEnu.length; null if unknown. */
  covarianceEnu: ArrayLike<number> | null;
  status: TrackStatus;
}

/**
 * A snapshot from a state in a sector's local frame. Position, velocity and covariance are carried
 * exactly (ENU → ECEF → the ENU frame at the target), so course is measured from true north at
 * the target, not at the sector origin (they differ by the meridian convergence, ~0.04° at 10 km).
 */
export function snapshotFromEnu(frame: LocalFrame, s: EnuState, extras: Omit<SnapshotExtras, 'id' | 'sensorNames'> & { identities?: string[]; sensors?: string[]; existence?: number } = {}): TrackSnapshot {
  const d = s.positionEnu.length;
  if (d !== 2 && d !== 3) throw new RangeError(`position must have 2 or 3 components, got ${d}`);
  const e = s.positionEnu[0], n = s.positionEnu[1], u = d === 3 ? s.positionEnu[2] : 0;
  if (![e, n, u].every(Number.isFinite)) throw new RangeError(`non-finite position for track ${s.id}`);
  const geo = frame.enuToGeodetic(e, n, u, new Float64Array(3));
  const here = LocalFrame.fromDegrees({ latDeg: geo[0], lonDeg: geo[1], heightAboveEllipsoidM: geo[2] });

  let velocity: [number, number, number] | null = null;
  if (s.velocityEnu) {
    const ve = s.velocityEnu[0], vn = s.velocityEnu[1], vu = s.velocityEnu.length > 2 ? s.velocityEnu[2] : 0;
    if ([ve, vn, vu].every(Number.isFinite)) {
      const ecef = frame.rotateEnuToEcef(ve, vn, vu, new Float64Array(3));
      const local = here.rotateEcefToEnu(ecef[0], ecef[1], ecef[2], new Float64Array(3));
      velocity = [local[0], local[1], d === 3 ? local[2] : 0];
    }
  }

  let covariance: number[] | null = null;
  if (s.covarianceEnu && s.covarianceEnu.length >= d * d) {
    const c3 = new Float64Array(9);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) c3[i * 3 + j] = s.covarianceEnu[i * d + j];
    if (c3.every(Number.isFinite)) {
      const ecef = frame.covarianceEnuToEcef(c3, new Float64Array(9));
      covariance = Array.from(here.covarianceEcefToEnu(ecef, new Float64Array(9)));
    }
  }

  const snap: TrackSnapshot = {
    id: s.id,
    timeMs: s.timeMs,
    latDeg: geo[0],
    lonDeg: geo[1],
    heightAboveEllipsoidM: d === 3 ? geo[2] : null,
    velocityEnuMps: velocity,
    covarianceEnu: covariance,
    status: s.status,
    identities: extras.identities ?? [],
  };
  if (extras.sensors) snap.sensors = extras.sensors;
  if (extras.existence !== undefined) snap.existence = extras.existence;
  if (extras.classProbabilities) snap.classProbabilities = extras.classProbabilities;
  if (extras.classLabel) snap.classLabel = extras.classLabel;
  if (extras.affiliation) snap.affiliation = extras.affiliation;
  if (extras.flags) snap.flags = extras.flags;
  if (extras.callsign !== undefined) snap.callsign = extras.callsign;
  return snap;
}

/**
 * A snapshot of a live tracker Track. The estimator's combined (x, P) is read, not copied into
 * the tracker: the track is left untouched. State layout: [position (d), velocity (d), ω?].
 */
export function snapshotFromTrack(track: Track, frame: LocalFrame, extras: SnapshotExtras = {}): TrackSnapshot {
  const est = track.estimator;
  const d = est.space.dims, n = est.space.n;
  const pos = Array.from(est.x.subarray(0, d));
  const vel = Array.from(est.x.subarray(d, 2 * d));
  const cov: number[] = [];
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) cov.push(est.P[i * n + j]);
  const names = extras.sensorNames;
  const sensors = track.sensors.map((k) => names?.[k] ?? `sensor-${k}`);
  const { id, sensorNames: _sensorNames, ...rest } = extras;
  return snapshotFromEnu(
    frame,
    { id: id ?? String(track.id), timeMs: track.timeMs, positionEnu: pos, velocityEnu: vel, covarianceEnu: cov, status: track.status },
    { ...rest, identities: [...track.identities].sort(), sensors, existence: track.existence },
  );
}

/**
 * Horizontal 1-sigma circular error [m] from the 2×2 covariance block [[cee, cen], [cen, cnn]]:
 * √ of its largest eigenvalue (see the module comment). NaN when the block is not a covariance.
 */
export function circularErrorM(cee: number, cen: number, cnn: number): number {
  if (!Number.isFinite(cee) || !Number.isFinite(cen) || !Number.isFinite(cnn) || cee < 0 || cnn < 0) return NaN;
  const mean = (cee + cnn) / 2;
  const half = Math.hypot((cee - cnn) / 2, cen);
  // A slightly indefinite block (round-off) still has λmax ≥ 0; a grossly indefinite one is not a covariance.
  if (cen * cen > cee * cnn * (1 + 1e-9) + 1e-18) return NaN;
  return Math.sqrt(mean + half);
}

/** Vertical 1-sigma linear error [m] from the up variance; NaN when not a variance. */
export function linearErrorM(cuu: number): number {
  return Number.isFinite(cuu) && cuu >= 0 ? Math.sqrt(cuu) : NaN;
}

/** Course [deg clockwise from true north, [0, 360)] and horizontal speed [m/s] from an ENU velocity. */
export function courseSpeed(ve: number, vn: number): { course: number; speed: number } {
  const speed = Math.hypot(ve, vn);
  let course = Math.atan2(ve, vn) * RAD_TO_DEG;
  if (course < 0) course += 360;
  if (!(course < 360)) course = 0; // atan2 gives exactly 360 for tiny negative ve after the wrap
  return { course, speed };
}

export interface CotTrackOptions {
  /** Prefix of every uid; give each site its own so two Centinela nodes never collide (default "centinela-"). */
  uidPrefix?: string;
  /** Validity window after the track time, ms (default 15 000). */
  staleAfterMs?: number;
  /** CoT `how` (default "m-f", machine-fused). */
  how?: string;
  /** Callsign for snapshots without one: prefix + id (default "CNT-"). */
  callsignPrefix?: string;
  /** Per-class overrides of the 2525 function code (see cot-types.ts). */
  typeFunctions?: Partial<Record<ObjectClass, string>>;
  /** Identities of the agency's own fleet: a track carrying one is a friend (fratricide guard). */
  friendlyIdentities?: Iterable<string>;
  /** A class must reach this probability to be shown (default 0.5); see {@link classOf}. */
  minClassProbability?: number;
  /** CoT `opex` (e.g. "e-exercise", "s" for a simulation), `access` and `qos` to stamp on events. */
  opex?: string;
  access?: string;
  qos?: string;
}

/**
 * The class to show. A decided label wins. Otherwise the most probable class if it reaches
 * `min`; failing that, when the two drone classes together reach `min`, the likelier drone
 * class (what matters to a counter-drone operator is that it is a drone); else "unknown".
 * Ties break in OBJECT_CLASSES order, so the choice is deterministic.
 */
export function classOf(s: Pick<TrackSnapshot, 'classLabel' | 'classProbabilities'>, min = 0.5): ObjectClass {
  if (s.classLabel) return s.classLabel;
  const p = s.classProbabilities;
  if (!p) return 'unknown';
  const prob = (c: ObjectClass) => {
    const v = p[c];
    return typeof v === 'number' && Number.isFinite(v) ? v : 0;
  };
  let best: ObjectClass = 'unknown', bestP = -1;
  for (const c of OBJECT_CLASSES) if (prob(c) > bestP) { best = c; bestP = prob(c); }
  if (bestP >= min) return best;
  const r = prob('rotary-drone'), f = prob('fixed-wing-drone');
  if (r + f >= min) return r >= f ? 'rotary-drone' : 'fixed-wing-drone';
  return 'unknown';
}

/**
 * The affiliation to show. A stated one wins; then a friendly identity makes a friend. Without an
 * assessment, birds and manned aircraft are neutral and everything else unknown: hostile and
 * suspect are judgements the assessment stage (or an operator) makes, never this formatter.
 */
export function affiliationOf(s: TrackSnapshot, cls: ObjectClass, friendly: ReadonlySet<string>): Affiliation {
  if (s.affiliation && (AFFILIATIONS as readonly string[]).includes(s.affiliation)) return s.affiliation;
  for (const id of s.identities) if (friendly.has(id)) return 'friend';
  if (cls === 'bird' || cls === 'manned-aircraft') return 'neutral';
  return 'unknown';
}

/** The `<remarks>` text: class with its evidence, status, existence, sensors, identities, flags. */
export function remarksFor(s: TrackSnapshot, cls: ObjectClass): string {
  const parts: string[] = [`Centinela track ${s.id}`];
  const probs = s.classProbabilities
    ? Object.entries(s.classProbabilities)
        .filter((kv): kv is [string, number] => typeof kv[1] === 'number' && Number.isFinite(kv[1]) && kv[1] > 0)
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
        .map(([c, v]) => `${c} ${v.toFixed(2)}`)
    : [];
  parts.push(`class ${cls}${s.classLabel ? ' (label)' : ''}${probs.length ? ` (${probs.join(', ')})` : ''}`);
  parts.push(`status ${s.status}`);
  if (s.existence !== undefined && Number.isFinite(s.existence)) parts.push(`existence ${s.existence.toFixed(3)}`);
  if (s.sensors && s.sensors.length) parts.push(`sensors ${s.sensors.join(', ')}`);
  if (s.identities.length) parts.push(`identities ${s.identities.join(', ')}`);
  if (s.flags && s.flags.length) parts.push(`flags ${s.flags.join(', ')}`);
  return parts.join('; ');
}

/**
 * The CoT event for a snapshot: 2525 type by class and affiliation, how = m-f, ce/le from the
 * covariance, stale = time + TTL, `<track course speed>`, `<contact callsign>`, `<remarks>`.
 * An ended track gets stale = time + 1 ms so receivers drop it (send {@link cotDeleteEvent} too
 * for TAK clients that keep stale objects on the map).
 * @throws RangeError when the snapshot's time or position is outside what CoT can carry
 */
export function trackSnapshotToCot(s: TrackSnapshot, options: CotTrackOptions = {}): CotEvent {
  const {
    uidPrefix = 'centinela-', staleAfterMs = 15_000, how = 'm-f', callsignPrefix = 'CNT-',
    typeFunctions, minClassProbability = 0.5,
  } = options;
  if (!Number.isFinite(s.latDeg) || !Number.isFinite(s.lonDeg) || Math.abs(s.latDeg) > 90) {
    throw new RangeError(`track ${s.id}: position ${s.latDeg}, ${s.lonDeg} is not a WGS84 position`);
  }
  if (!(staleAfterMs > 0)) throw new RangeError('staleAfterMs must be positive');
  const friendly = new Set(options.friendlyIdentities ?? []);
  const cls = classOf(s, minClassProbability);
  const affiliation = affiliationOf(s, cls, friendly);
  const timeMs = Math.round(s.timeMs);

  let ce = NaN, le = NaN;
  const c = s.covarianceEnu;
  if (c && c.length >= 9) {
    ce = circularErrorM(c[0], (c[1] + c[3]) / 2, c[4]);
    if (s.heightAboveEllipsoidM !== null) le = linearErrorM(c[8]);
  }
  const known = (v: number) => (Number.isFinite(v) && v < COT_UNKNOWN ? roundTo(v, 2) : COT_UNKNOWN);
  // Longitude is folded into [−180, 180] (enuToGeodetic returns (−180, 180] already).
  const lon = s.lonDeg > 180 ? s.lonDeg - 360 : s.lonDeg < -180 ? s.lonDeg + 360 : s.lonDeg;
  const h = s.heightAboveEllipsoidM;

  const ev: CotEvent = {
    uid: xmlSafe(uidPrefix + s.id),
    type: cotTypeFor(cls, affiliation, typeFunctions),
    how,
    timeMs,
    startMs: timeMs,
    staleMs: timeMs + (s.status === 'ended' ? 1 : Math.round(staleAfterMs)),
    latDeg: roundTo(s.latDeg, 7),
    lonDeg: roundTo(lon, 7),
    haeM: h !== null && Number.isFinite(h) && Math.abs(h) < COT_UNKNOWN ? roundTo(h, 2) : COT_UNKNOWN,
    ceM: known(ce),
    leM: known(le),
    detail: {
      contact: { callsign: xmlSafe(s.callsign ?? `${callsignPrefix}${s.id}`) },
      remarks: xmlSafe(remarksFor(s, cls)),
    },
  };
  if (s.velocityEnuMps && Number.isFinite(s.velocityEnuMps[0]) && Number.isFinite(s.velocityEnuMps[1])) {
    const { course, speed } = courseSpeed(s.velocityEnuMps[0], s.velocityEnuMps[1]);
    let courseR = roundTo(course, 2);
    if (courseR >= 360) courseR = 0; // 359.996 rounds to 360.00, which the track schema excludes
    ev.detail.track = { course: courseR, speed: roundTo(speed, 2) };
  }
  if (options.opex !== undefined) ev.opex = options.opex;
  if (options.access !== undefined) ev.access = options.access;
  if (options.qos !== undefined) ev.qos = options.qos;
  return ev;
}

/** Snapshot → CoT XML in one call. */
export function trackSnapshotToXml(s: TrackSnapshot, options: CotTrackOptions = {}, xml: XmlWriteOptions = {}): string {
  return cotEventToXml(trackSnapshotToCot(s, options), xml);
}
