/**
 * The assessment's inputs and outputs. Inputs: fused tracks (as the tracker keeps them) and the
 * evidence that rode on the detections each track took since the last assessment. Outputs:
 * behaviour events, classification, flags and a threat score with its reasons.
 *
 * Frame and units as everywhere inside: sector ENU metres (east, north, up = height above the
 * sector origin's ellipsoid height, which the simulator takes as ground level), seconds, radians;
 * times are milliseconds since the Unix epoch from the sensors' own clocks.
 */
import type { Evidence, ObjectClass, SensorKind } from '../model/detection.js';
import type { Criticality } from './zones.js';
import type { Ellipse, Point2 } from './geometry.js';

export type { ObjectClass } from '../model/detection.js';

/**
 * What the assessment reads of a track. The tracker's `Track` satisfies it structurally, so the
 * live pipeline passes its tracks without copying; the assessment copies the numbers it keeps
 * (tracks are pooled and reused by the tracker after they end).
 */
export interface AssessTrack {
  readonly id: number;
  readonly status: 'tentative' | 'confirmed' | 'coasting' | 'ended';
  /** Time of the state estimate [ms]. */
  readonly timeMs: number;
  /** Time of the first detection [ms]. */
  readonly startMs: number;
  /** Time of the last detection assigned [ms]. */
  readonly lastHitMs: number;
  /** Probability that the track is a real object. */
  readonly existence: number;
  /** Identity evidence bound to the track: "rid:<serial>", "icao:<hex>", "rf:<emitter>". */
  readonly identities: ReadonlySet<string>;
  /** Indices of contributing sensors (into the assessor's sensor list). */
  readonly sensors: readonly number[];
  readonly estimator: {
    /** State: [position (d), velocity (d), …]. */
    readonly x: ArrayLike<number>;
    /** Covariance, n×n row-major. */
    readonly P: ArrayLike<number>;
    readonly space: { readonly dims: 2 | 3; readonly n: number };
  };
}

/** A sensor as the assessment needs it: kind, place and (for RF) the expected detection curve. */
export interface AssessSensor {
  id: string;
  kind: SensorKind;
  /** ENU position [m]. */
  e: number;
  n: number;
  u: number;
  /** Range beyond which it sees nothing [m]. */
  maxRangeM: number;
  /**
   * Passive detectors' Pd curve, Pd = pdMax / (1 + (R / halfPdRangeM)^pdSteepness) (the RF
   * detectors' datasheet model); used to decide whether a drone is inside RF coverage.
   */
  pdMax?: number;
  halfPdRangeM?: number;
  pdSteepness?: number;
  /** An RF detector reports each emitter it hears once per this interval [ms] (its datasheet rate). */
  updateIntervalMs?: number;
}

/**
 * One detection a track took, with the evidence it carried (class label, RF, Remote ID, ICAO).
 * `fix` is the position the detection alone gives (radar polar, Remote ID / ADS-B), in ENU with
 * its covariance; bearings give none but say where they point.
 *
 * Items filed under track id −1 went to no track. RF detections belong there when no track took
 * them: a link heard along a drone's bearing is not silence, whichever track the tracker gave it.
 */
export interface EvidenceItem {
  timeMs: number;
  /** Index into the assessor's sensor list. */
  sensor: number;
  evidence?: Evidence;
  fix?: { e: number; n: number; u: number; cov: ArrayLike<number> };
  /** A bearing's azimuth (clockwise from north) and its σ [rad]. */
  bearing?: { azimuthRad: number; sigmaRad: number };
  /** Velocity a cooperative report states (Remote ID, ADS-B) [m/s], ENU. */
  velocity?: readonly [number, number, number];
}

/** Class probabilities over the vocabulary's classes (they sum to 1). */
export type ClassProbabilities = Record<ObjectClass, number>;

export type Disposition = 'friend' | 'cooperative' | 'unknown' | 'suspect' | 'hostile';

/** A WGS84 position attached to ENU points in events (for a ground team's map or GPS). */
export interface GeoPoint extends Point2 {
  latDeg?: number;
  lonDeg?: number;
}

export type Intent = 'approaching' | 'receding' | 'passing' | 'holding' | 'inside';

interface EventBase {
  trackId: number;
  /** When the assessment established it [ms] (the crossing itself may be earlier). */
  timeMs: number;
}

export type TrackEvent =
  | (EventBase & {
      type: 'border-crossing';
      /** When the track crossed the line (interpolated) [ms]. */
      crossingTimeMs: number;
      direction: 'inbound' | 'outbound';
      from: string;
      to: string;
      point: GeoPoint;
      /** Inferred from a launch point across the border, the crossing itself unseen. */
      inferred: boolean;
    })
  | (EventBase & { type: 'zone-entry' | 'zone-exit'; zoneId: string; zoneName: string; zoneKind: string; criticality: Criticality })
  | (EventBase & { type: 'loiter'; zoneId: string | null; zoneName: string | null; criticality: Criticality | null; dwellS: number; centre: GeoPoint; radiusM: number })
  | (EventBase & { type: 'hover'; startMs: number; durationS: number; position: GeoPoint; heightM: number })
  | (EventBase & {
      type: 'suspected-drop';
      point: GeoPoint;
      /** 95 % ellipse of the drop point on the ground. */
      ellipse: Ellipse;
      side: string | null;
      holdStartMs: number;
      holdEndMs: number;
      descentM: number;
      climbM: number;
    })
  | (EventBase & {
      type: 'launch-point';
      estimate: GeoPoint;
      method: 'observed' | 'back-projected';
      /** Probability region: a circle (observed) or a wedge along the back-projected path. */
      region:
        | { kind: 'circle'; radiusM: number }
        | { kind: 'wedge'; apex: GeoPoint; bearingRad: number; halfAngleRad: number; minRangeM: number; maxRangeM: number };
      side: string | null;
      /** Probability that the launch is on the far (non-defended) side. */
      pFarSide: number;
    })
  | (EventBase & { type: 'intent'; intent: Intent; timeToBorderS: number | null; zones: { zoneId: string; timeToEntryS: number; cpaM: number }[] })
  | (EventBase & { type: 'dark-drone'; flagged: boolean; rfExpectedS: number; reason: string })
  | (EventBase & { type: 'remote-id-spoof'; serial: string; offsetM: number; chi2: number; reason: string })
  | (EventBase & { type: 'classification'; cls: ObjectClass; probability: number; pDrone: number })
  | (EventBase & { type: 'disposition'; disposition: Disposition; previous: Disposition; by?: string })
  | (EventBase & { type: 'track-ended' });

export type TrackEventType = TrackEvent['type'];

/** Everything the assessment concluded about one track, as of its last update. */
export interface TrackAssessment {
  trackId: number;
  /** The object the track belongs to (the first track of its chain; see Assessor). */
  objectId: number;
  timeMs: number;
  /** Confirmed or coasting: shown, scored and alerted on. */
  reportable: boolean;
  /** Seconds since the object was first believed (reportable). */
  objectAgeS: number;
  position: GeoPoint & { u: number };
  velocity: { e: number; n: number; u: number };
  classification: { cls: ObjectClass; probability: number; pDrone: number; probabilities: ClassProbabilities; reasons: string[] };
  disposition: Disposition;
  /** Side of the border it is on (firmly, with hysteresis), or null before that is known. */
  side: string | null;
  onProtectedSide: boolean;
  /** Its last inbound crossing, seen or inferred. */
  crossedInbound: Extract<TrackEvent, { type: 'border-crossing' }> | null;
  zonesInside: string[];
  intent: { intent: Intent; timeToBorderS: number | null; zones: { zoneId: string; timeToEntryS: number; cpaM: number }[] };
  hovering: boolean;
  lastDrop: Extract<TrackEvent, { type: 'suspected-drop' }> | null;
  launch: Extract<TrackEvent, { type: 'launch-point' }> | null;
  zoneLoiter: Extract<TrackEvent, { type: 'loiter' }> | null;
  areaLoiter: boolean;
  dark: boolean;
  darkRfExpectedS: number;
  spoof: { serial: string; offsetM: number; realTrackId: number | null } | null;
  identities: { remoteId: string | null; icao: string | null; rf: string | null; callsign: string | null };
  friend: { by: string; timeMs: number } | null;
  threat: { score: number; evidence: string[] };
}
