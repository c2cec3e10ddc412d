/**
 * What the pipeline tells the outside world about a track: the tracker's state and the
 * assessment's conclusions in one JSON-ready object (REST, WebSocket, store, TAK, SAPIENT out).
 * Plain data only — no typed arrays, no class instances — so it serialises as it is.
 */
import type { TrackAssessment } from '../assess/types.js';

/** MIL-STD-2525 standard identity, from the disposition (what the map symbol shows). */
export type Affiliation = 'friend' | 'neutral' | 'unknown' | 'suspect' | 'hostile';

export interface TrackView extends Omit<TrackAssessment, 'position'> {
  /** The track id (= trackId; the short name clients key on). */
  id: number;
  /** Tracker status: confirmed (seen recently) or coasting (predicted through misses). */
  status: 'confirmed' | 'coasting';
  /** Probability the track is a real object. */
  existence: number;
  /** WGS84 position and height above the ellipsoid [m]. */
  latDeg: number;
  lonDeg: number;
  heightM: number;
  /** Height above the sector's ground (its origin height) [m]. */
  altitudeM: number;
  /** Sector ENU position [m]. */
  e: number;
  n: number;
  u: number;
  /** Ground speed [m/s] and course over ground, clockwise from true north [deg]. */
  speedMps: number;
  courseDeg: number;
  /** Horizontal position error: 1σ along the ellipse's major axis [m], and vertical 1σ [m]. */
  sigmaHorizontalM: number;
  sigmaVerticalM: number;
  /** Ids of the sensors that contributed detections. */
  sensors: string[];
  affiliation: Affiliation;
  /** The time of the tracker's last detection on it [ms]. */
  lastHitMs: number;
  /** When it was first detected [ms]. */
  startMs: number;
}

/**
 * One assessment tick's output: the views of tracks that changed since the previous update (a new
 * detection or prediction moved them, or they became reportable), and the tracks gone since. A
 * consumer keeps the rest as they were (CREATE/UPDATE/DELETE).
 */
export interface TrackUpdate {
  timeMs: number;
  tracks: TrackView[];
  /**
   * Ids (among `tracks`) whose conclusions — class, disposition, flags, threat, events — are those
   * of the last full view published for them, and recent: only the kinematics moved. Streams may
   * send those as a TrackMove (a tenth of the size; 2,000 tracks at 1 Hz is megabytes a second).
   */
  moved?: number[];
  /** Ids of tracks that ended or stopped being reportable since the previous update. */
  removed: number[];
}

export function affiliationOf(d: TrackAssessment['disposition']): Affiliation {
  switch (d) {
    case 'friend': return 'friend';
    case 'cooperative': return 'neutral';
    case 'suspect': return 'suspect';
    case 'hostile': return 'hostile';
    default: return 'unknown';
  }
}

/** A track's kinematics only: what changes every update. Clients merge it into the full view they hold. */
export interface TrackMove extends Pick<TrackView, 'id' | 'trackId' | 'timeMs' | 'status' | 'existence' | 'latDeg' | 'lonDeg' | 'heightM' | 'altitudeM' | 'e' | 'n' | 'u' | 'velocity' | 'speedMps' | 'courseDeg' | 'sigmaHorizontalM' | 'sigmaVerticalM' | 'lastHitMs' | 'objectAgeS'> {
  partial: true;
}

export function moveOf(v: TrackView): TrackMove {
  return {
    partial: true, id: v.id, trackId: v.trackId, timeMs: v.timeMs, status: v.status, existence: v.existence,
    latDeg: v.latDeg, lonDeg: v.lonDeg, heightM: v.heightM, altitudeM: v.altitudeM, e: v.e, n: v.n, u: v.u,
    velocity: v.velocity, speedMps: v.speedMps, courseDeg: v.courseDeg, sigmaHorizontalM: v.sigmaHorizontalM,
    sigmaVerticalM: v.sigmaVerticalM, lastHitMs: v.lastHitMs, objectAgeS: v.objectAgeS,
  };
}
