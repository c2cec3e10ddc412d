/**
 * The tracker's swappable parts, as Stone Soup decomposes a tracker (motion model, measurement
 * model, filter, gate, associator, initiator, deleter), but built for typed-array hot paths:
 * every part writes into caller-owned buffers, nothing allocates per measurement.
 *
 * Frame: the sector's local East-North-Up plane, metres, seconds, radians.
 * State layout (see StateSpace): [position (d), velocity (d), turn rate ω (optional)],
 * d = 2 (x east, y north) or 3 (+ z up).
 * Angles of measurements: azimuth clockwise from north (compass sense, in radians),
 * elevation up from the horizontal plane.
 */

/** Which components a state vector has. */
export interface StateSpace {
  /** 2 (east, north) or 3 (east, north, up). */
  readonly dims: 2 | 3;
  /** Whether the state carries a horizontal turn rate ω [rad/s] after the velocity. */
  readonly turnRate: boolean;
  /** Length of the state vector: 2·dims (+1 with turn rate). */
  readonly n: number;
}

export function stateSpace(dims: 2 | 3, turnRate = false): StateSpace {
  return { dims, turnRate, n: 2 * dims + (turnRate ? 1 : 0) };
}

/** A motion (transition) model over one StateSpace. */
export interface MotionModel {
  readonly name: string;
  readonly space: StateSpace;
  /** out ← f(x, dt). `out` may alias `x`. */
  propagate(x: Float64Array, dt: number, out: Float64Array): void;
  /** F ← ∂f/∂x at x (n×n). */
  jacobian(x: Float64Array, dt: number, F: Float64Array): void;
  /** Q ← process noise covariance over dt (n×n), possibly state dependent. */
  noise(x: Float64Array, dt: number, Q: Float64Array): void;
  /**
   * Optional shortcut: P ← F P Fᵀ + Q in place at the prior x, exploiting F's structure
   * (`scratch` holds n·n entries). Must agree with jacobian and noise.
   */
  predictCovariance?(x: Float64Array, P: Float64Array, dt: number, scratch: Float64Array): void;
}

/**
 * A measurement model of one sensor: z = h(x) + v, v ~ N(0, R).
 * R is passed alongside each measurement (a sensor's nominal R, or a per-detection stated
 * accuracy such as a Remote ID or ADS-B accuracy class).
 */
export interface MeasurementModel {
  readonly name: string;
  /** Dimension of z. */
  readonly m: number;
  /** isAngle[i] = 1 when component i is an angle whose residual wraps to [-π, π). */
  readonly isAngle: Uint8Array;
  /** out(m) ← h(x). */
  predict(x: Float64Array, space: StateSpace, out: Float64Array): void;
  /** H(m×n) ← ∂h/∂x at x. */
  jacobian(x: Float64Array, space: StateSpace, H: Float64Array): void;
  /** Whether h is linear in x (a Kalman filter then needs no linearisation). */
  readonly linear: boolean;
  /** Whether z is the first m state components plus noise (H a selector): filters take a shortcut. */
  readonly observesPosition?: boolean;
  /**
   * Inverts one measurement to a Cartesian position (dims entries) and its covariance
   * (dims×dims), for track initiation and the gating grid. Returns false when the
   * measurement alone does not fix a position (a bearing).
   */
  toPosition(z: Float64Array, zOffset: number, R: Float64Array, dims: 2 | 3, pos: Float64Array, cov: Float64Array): boolean;
  /**
   * Optional, for models that measure velocity too (a broadcast fix with its velocity): the
   * velocity one measurement states, for track initiation. Writes the first k velocity axes
   * (east, north[, up], k ≤ dims) to `vel` and their covariance (k×k) to `cov`, and returns k;
   * the axes past k keep the initiator's prior. Cross terms with the position are not returned.
   */
  toVelocity?(z: Float64Array, zOffset: number, R: Float64Array, dims: 2 | 3, vel: Float64Array, cov: Float64Array): number;
}

/** The predicted measurement of one track for one measurement model: what gating needs. */
export class MeasurementPrediction {
  /** Predicted measurement ẑ (m). */
  readonly zhat: Float64Array;
  /** Innovation covariance S (m×m). */
  readonly S: Float64Array;
  /** S⁻¹. */
  readonly Sinv: Float64Array;
  /** Cross covariance C = Cov(x, z) (n×m); P·Hᵀ for an EKF. */
  readonly C: Float64Array;
  /** Measurement Jacobian at the prediction (m×n) — filled by the EKF, used by the Joseph form. */
  readonly H: Float64Array;
  /** The measurement noise R (m×m) the prediction was made with. */
  readonly R: Float64Array;
  /**
   * log det S. Kept in a typed array behind an accessor: a plain number field rewritten on
   * every prediction may box each new value, and this runs per track per scan.
   */
  private readonly logDet = new Float64Array(1);
  get logDetS(): number {
    return this.logDet[0];
  }
  set logDetS(v: number) {
    this.logDet[0] = v;
  }
  /** Whether H is valid for a Joseph-form update. */
  hasH = false;
  constructor(readonly n: number, readonly m: number) {
    this.zhat = new Float64Array(m);
    this.S = new Float64Array(m * m);
    this.Sinv = new Float64Array(m * m);
    this.C = new Float64Array(n * m);
    this.H = new Float64Array(m * n);
    this.R = new Float64Array(m * m);
  }
}

/** A Bayesian filter for one Gaussian state (x, P). */
export interface GaussianFilter {
  readonly name: string;
  /** x, P ← predicted over dt under `motion` (in place). */
  predict(x: Float64Array, P: Float64Array, motion: MotionModel, dt: number): void;
  /** pred ← predicted measurement statistics of (x, P) for `model` with noise R. Returns false if S is singular. */
  predictMeasurement(
    x: Float64Array, P: Float64Array, space: StateSpace,
    model: MeasurementModel, R: Float64Array, pred: MeasurementPrediction,
  ): boolean;
}
