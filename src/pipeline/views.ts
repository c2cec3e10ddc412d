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
