import type { SensorSpec } from './sensor.js';

/**
 * A scan: the detections one sensor reported for one instant (a radar sweep's plots, a
 * camera frame's bearings, a batch of Remote ID fixes). The tracker's unit of input.
 */
export interface Scan {
  /** Sensor timestamp [ms since the Unix epoch, or since a scenario's start]. */
  timeMs: number;
  /** Index of the sensor in the tracker's sensor list. */
  sensor: number;
  /** Number of detections. */
  count: number;
  /** Measurements, count × m, in the sensor model's component order. */
  z: Float64Array;
  /** Per-detection noise covariance (count × m × m) when detections state their own accuracy. */
  R?: Float64Array | null;
  /**
   * Per-detection identity evidence: "rid:<serial>", "icao:<hex>", "rf:<emitter>", a reporting
   * node's object reference "ref:<issuer>:<object id>" (e.g. "ref:sapient:<node uuid>:<ULID>"), or null.
   */
  identity?: ReadonlyArray<string | null> | null;
  /**
   * The sensor as it reports in this scan, when its detections come in another form than its
   * usual one (a radar or camera node that reports fixed positions instead of plots or bearings;
   * Remote ID / ADS-B fixes that carry the broadcast velocity):
   * the measurement model, nominal noise and clutter density of that form, with the sensor's own
   * coverage, Pd and selectivity. Absent: the tracker's `sensors[sensor]`. Tracks still record
   * the sensor by its index, so the contributing sensor is the same either way.
   */
  spec?: SensorSpec | null;
}
