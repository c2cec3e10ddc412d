import type { TrackerConfig } from './config.js';
import { ImmDesign, SingleModelDesign, type EstimatorDesign } from './filter/estimator.js';
import { ExtendedKalmanFilter } from './filter/kalman.js';
import { UnscentedKalmanFilter } from './filter/ukf.js';
import { ConstantVelocity } from './motion/constant-velocity.js';
import { CoordinatedTurn } from './motion/coordinated-turn.js';
import { Hover } from './motion/hover.js';
import { stateSpace } from './types.js';

/**
 * Named tracker configurations. `default` is the one configuration every scenario runs when no
 * --tracker is given; the others exist to compare against it (and against Stone Soup's runs).
 */
export const TRACKER_NAMES = ['default', 'imm-gnn', 'imm-jpda', 'cv-gnn', 'cv-jpda', 'imm-ukf', 'stonesoup-gnn'] as const;
export type TrackerName = (typeof TRACKER_NAMES)[number];

function base(name: string, estimator: EstimatorDesign, association: 'gnn' | 'jpda'): TrackerConfig {
  return {
    name,
    estimator,
    association,
    gateProbability: 0.9995,
    initialVelocityStd: 15,
    initialVerticalVelocityStd: 3,
    initialTurnRateStd: 0.05,
    initialExistence: 0.01,
    survivalPerSecond: 0.99,
    confirmation: { kind: 'existence', threshold: 0.5, minHits: 2 },
    deletion: { kind: 'existence', tentative: 0.002, confirmed: 0.02 },
    reportExistence: 0.5,
    identityGateFactor: 3,
    bearingPairWindowMs: 1500,
    triangulationMaxResidual: 9,
    jpdaMaxHypotheses: 20000,
  };
}

/** IMM over a quiet CV, a coordinated turn and a hover mode: a drone's three ways of flying. */
function immDesign(dims: 2 | 3, filter: 'ekf' | 'ukf' = 'ekf'): ImmDesign {
  const space = stateSpace(dims, true);
  return new ImmDesign(
    [
      { motion: new ConstantVelocity(space, 0.1, 0.1, 1e-4), sojournS: 15, initial: 0.6 },
      { motion: new CoordinatedTurn(space, 0.1, 0.01), sojournS: 8, initial: 0.3 },
      { motion: new Hover(space, 2, 0.1), sojournS: 15, initial: 0.1 },
    ],
    filter === 'ekf' ? new ExtendedKalmanFilter() : new UnscentedKalmanFilter(),
  );
}

/** Tentative tracks run a plain CV filter with a manoeuvre-tolerant q until confirmed. */
function withTentativeCv(c: TrackerConfig, dims: 2 | 3): TrackerConfig {
  c.tentativeEstimator = cvDesign(dims, 1);
  return c;
}

function cvDesign(dims: 2 | 3, q: number): SingleModelDesign {
  return new SingleModelDesign(new ConstantVelocity(stateSpace(dims), q), new ExtendedKalmanFilter());
}

export function trackerPreset(name: string, dims: 2 | 3 = 2): TrackerConfig {
  switch (name) {
    case 'default':
    case 'imm-gnn':
      return withTentativeCv(base(name, immDesign(dims), 'gnn'), dims);
    case 'imm-jpda':
      return withTentativeCv(base(name, immDesign(dims), 'jpda'), dims);
    case 'imm-ukf':
      return base(name, immDesign(dims, 'ukf'), 'gnn');
    case 'cv-gnn':
      return base(name, cvDesign(dims, 1), 'gnn');
    case 'cv-jpda':
      return base(name, cvDesign(dims, 1), 'jpda');
    case 'stonesoup-gnn': {
      // Stone Soup's recorded configuration: CV q = 4, 3 hits to confirm, 3 misses to delete.
      const c = base(name, cvDesign(dims, 4), 'gnn');
      c.initialVelocityStd = 20;
      c.gateProbability = 0.9999;
      c.confirmation = { kind: 'm-of-n', m: 3, n: 3 };
      c.deletion = { kind: 'misses', tentative: 2, confirmed: 3 };
      c.reportExistence = 0;
      return c;
    }
    default:
      throw new Error(`unknown tracker "${name}" (known: ${TRACKER_NAMES.join(', ')})`);
  }
}
