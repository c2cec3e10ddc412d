/**
 * The minimal view of a fused track the SAPIENT client reports. Kept here, not in src/model,
 * until the operator application settles its track vocabulary; anything that can fill these
 * fields (the tracker's Track plus the sector's LocalFrame, a replay, a test) can be reported.
 */
import type { ObjectClass } from '../../model/detection.js';

export interface TrackSnapshot {
  /** The fusion engine's stable track id. The client maps it to a stable ULID object_id. */
  id: string | number;
  /** Time of the state [ms since the Unix epoch, UTC]. */
  timeMs: number;
  latDeg: number;
  lonDeg: number;
  heightAboveEllipsoidM: number;
  /** Velocity east, north, up [m/s]. */
  velocityEnuMps?: readonly [number, number, number];
  /** One-sigma position errors east, north, up [m]. */
  positionSigmaM?: readonly [number, number, number];
  /** One-sigma velocity errors east, north, up [m/s]. */
  velocitySigmaMps?: readonly [number, number, number];
  /** Class probabilities (need not sum to 1; missing classes count as 0). */
  classProbabilities?: Partial<Record<ObjectClass, number>>;
  status?: 'tentative' | 'confirmed' | 'coasting' | 'ended';
  /** Probability the track is a real object, reported as detection_confidence. */
  existence?: number;
}
