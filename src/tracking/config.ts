import type { EstimatorDesign } from './filter/estimator.js';

/** When a tentative track becomes confirmed. */
export type ConfirmationRule =
  /** Integrated track existence (a sequential log-likelihood-ratio test) reaches `threshold`. */
  | { kind: 'existence'; threshold: number; minHits: number }
  /** At least m detections in the last n expected scans. */
  | { kind: 'm-of-n'; m: number; n: number };

/** When a track ends. */
export type DeletionRule =
  /** Existence falls below a threshold (separate for tentative and confirmed tracks). */
  | { kind: 'existence'; tentative: number; confirmed: number }
  /** Consecutive missed scans. */
  | { kind: 'misses'; tentative: number; confirmed: number };

export interface TrackerConfig {
  name: string;
  estimator: EstimatorDesign;
  /**
   * A cheaper estimator for tentative tracks (most are clutter that dies after a scan or two);
   * a track moves to `estimator` when confirmed. Must share position and velocity layout.
   */
  tentativeEstimator?: EstimatorDesign;
  /** Association of confirmed tracks: global nearest neighbour or joint probabilistic. */
  association: 'gnn' | 'jpda';
  /** Probability that a target's detection falls in its gate (sets the χ² gate). */
  gateProbability: number;
  /** Standard deviation of each velocity component of a new track [m/s] (the targets' speed spread). */
  initialVelocityStd: number;
  /** Vertical velocity std of a new 3-D track [m/s]. */
  initialVerticalVelocityStd: number;
  /** Initial turn-rate std of a new track with a turn-rate state [rad/s]. */
  initialTurnRateStd: number;
  /** Prior probability that an unexplained detection is a new target rather than clutter. */
  initialExistence: number;
  /** Probability that a target survives one second (its expected lifetime). */
  survivalPerSecond: number;
  confirmation: ConfirmationRule;
  deletion: DeletionRule;
  /** A confirmed track is reported while its existence is at least this. */
  reportExistence: number;
  /** Gate inflation for a detection whose identity (Remote ID, ICAO…) a track already carries. */
  identityGateFactor: number;
  /** Longest gap between bearings of two passive sensors paired for triangulation [ms]. */
  bearingPairWindowMs: number;
  /** Largest consistency (normalised angle residual) accepted from a triangulation. */
  triangulationMaxResidual: number;
  /** Most hypotheses JPDA may enumerate in one cluster before it approximates. */
  jpdaMaxHypotheses: number;
}
