import type { TrackEstimator } from './filter/estimator.js';
import { MeasurementPrediction } from './types.js';

export type TrackStatus = 'tentative' | 'confirmed' | 'coasting' | 'ended';

/**
 * One track's mutable record. Track objects are pooled by the tracker (a clutter point that
 * starts a tentative track must not cost an allocation), so everything here is reset in `reset`.
 */
export class Track {
  id = 0;
  status: TrackStatus = 'tentative';
  /** Time of the state estimate [ms since epoch, or scenario ms]. */
  timeMs = 0;
  /** Time of the first detection. */
  startMs = 0;
  /** Time of the last detection assigned. */
  lastHitMs = 0;
  /** Probability that the track is a real object (integrated track existence). */
  existence = 0;
  hits = 0;
  /** Consecutive scans in which an expected detection was missing. */
  misses = 0;
  /** Bit i set when the i-th most recent expected scan had a detection (M-of-N rules). */
  hitHistory = 0;
  /** Identity evidence bound to this track: "rid:<serial>", "icao:<hex>", "rf:<emitter>", "ref:<issuer>:<object>". */
  readonly identities = new Set<string>();
  /** Indices of sensors that contributed detections, in order of first contribution. */
  readonly sensors: number[] = [];
  /** Time of each contributing sensor's last detection, parallel to `sensors` [ms]. */
  private readonly sensorHitMs: number[] = [];
  /** Per measurement dimension, the prediction scratch this track uses in the current scan. */
  private readonly preds = new Map<number, MeasurementPrediction>();
  /** Scratch per scan: the prediction for the current scan's sensor (valid when predValid). */
  pred!: MeasurementPrediction;
  /** Scratch per scan: whether this track has a valid prediction for the current scan's sensor. */
  predValid = false;
  /** Scratch per scan: the detection probability expected from the current sensor. */
  pdNow = 0;
  /** Scratch per scan: the detection probability a miss by the current sensor is weighed with. */
  pdMiss = 0;

  /** The estimator in use: `initial` while tentative (when there is one), then `full`. */
  estimator: TrackEstimator;

  /**
   * @param full the configured estimator (e.g. the IMM) a confirmed track runs
   * @param initial a cheaper one for tentative tracks, most of which are clutter and die young
   */
  constructor(readonly full: TrackEstimator, readonly initial: TrackEstimator | null = null) {
    this.estimator = initial ?? full;
  }

  /**
   * Moves the estimate from the tentative estimator to the full one. The states share position
   * and velocity; a turn-rate component the initial state lacks starts at 0 with `turnRateVar`.
   */
  promote(turnRateVar: number): void {
    const from = this.estimator, to = this.full;
    if (from === to) return;
    const m = from.space.n, n = to.space.n;
    const x = new Float64Array(n), P = new Float64Array(n * n);
    for (let i = 0; i < m; i++) {
      x[i] = from.x[i];
      for (let j = 0; j < m; j++) P[i * n + j] = from.P[i * m + j];
    }
    for (let i = m; i < n; i++) P[i * n + i] = turnRateVar;
    to.init(x, P);
    this.estimator = to;
  }

  reset(id: number, timeMs: number, existence: number): void {
    this.id = id;
    this.status = 'tentative';
    this.timeMs = timeMs;
    this.startMs = timeMs;
    this.lastHitMs = timeMs;
    this.existence = existence;
    this.hits = 1;
    this.misses = 0;
    this.hitHistory = 1;
    // Set.clear() allocates a fresh table even when empty; pooled tracks must not.
    if (this.identities.size > 0) this.identities.clear();
    this.sensors.length = 0;
    this.sensorHitMs.length = 0;
    this.predValid = false;
    this.estimator = this.initial ?? this.full;
  }

  /** This track's prediction scratch for measurement dimension m (per estimator state size). */
  prediction(m: number): MeasurementPrediction {
    const n = this.estimator.space.n, key = n * 16 + m;
    let p = this.preds.get(key);
    if (!p) {
      p = new MeasurementPrediction(n, m);
      this.preds.set(key, p);
    }
    return p;
  }

  /** Records that a sensor contributed a detection, and when. */
  addSensor(sensor: number, timeMs: number): void {
    const i = this.sensors.indexOf(sensor);
    if (i < 0) {
      this.sensors.push(sensor);
      this.sensorHitMs.push(timeMs);
    } else this.sensorHitMs[i] = timeMs;
  }

  /** When a sensor last contributed a detection [ms], or −∞ if it never did. */
  lastHitBy(sensor: number): number {
    const i = this.sensors.indexOf(sensor);
    return i < 0 ? -Infinity : this.sensorHitMs[i];
  }

  /** Whether a live display shows it: confirmed or coasting. */
  get reportable(): boolean {
    return this.status === 'confirmed' || this.status === 'coasting';
  }
}
