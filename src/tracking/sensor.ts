import type { MeasurementModel } from './types.js';

/** Where a sensor can see: a box in the sector frame, or a range/azimuth sector around it. */
export type Coverage =
  | { kind: 'everywhere' }
  | { kind: 'box'; xmin: number; xmax: number; ymin: number; ymax: number }
  | { kind: 'sector'; x: number; y: number; minRange: number; maxRange: number; azMin?: number; azMax?: number };

/** What the tracker knows of a sensor: its specification, as a deployed sensor's datasheet gives it. */
export interface SensorSpec {
  id: string;
  /** Sensor kind from the vocabulary (radar, acoustic, eoir, rf, remoteid, adsb) or a scenario type. */
  kind: string;
  model: MeasurementModel;
  /** Nominal measurement noise covariance (m×m); a detection may carry its own. */
  R: Float64Array;
  /** Probability of detecting a target in coverage per scan. */
  pd: number;
  /**
   * Clutter (false detection) density in the measurement space per scan: 1/m² for a 2-D
   * position, 1/(m·rad) for range/azimuth, 1/rad for an azimuth bearing.
   */
  clutterDensity: number;
  /**
   * Optional clutter map: the false-detection density at one measurement (z[offset…]), for a
   * sensor whose clutter is far from uniform — radar ground clutter crowds the short ranges,
   * the horizon and zero Doppler. Defaults to `clutterDensity` everywhere.
   */
  clutterDensityAt?: (z: Float64Array, offset: number) => number;
  coverage: Coverage;
  /**
   * A selective sensor detects only objects carrying what it senses — an RF link, a Remote ID
   * or ADS-B transmitter, an audible rotor. Its silence says nothing about a track it has never
   * detected (a fibre-optic drone is no less real for being RF-silent), so only tracks it has
   * detected before lose existence when it misses them.
   */
  selective?: boolean;
  /**
   * Report-driven sensors (Remote ID, ADS-B; SAPIENT nodes, which send one DetectionReport per
   * object) pass on what each object reports, or what they report of each object, on its own
   * clock, so a scan is one or a few reports, not a look at every object. A scan of such a sensor
   * touches only the tracks its detections' identities name (so thousands of asynchronous
   * reports a second cost per report, not per report × track; a detection whose identity names
   * no track yet is weighed against every track, as it may be an object other sensors track), and
   * a track is charged a miss at most once per this interval [ms], once the sensor has been silent
   * about it that long: since its last report of the track, or — a non-selective sensor that never
   * reported it — since the track began.
   */
  reportIntervalMs?: number;
}

/** Whether an (x, y) position lies in a coverage region. */
export function inCoverage(c: Coverage, x: number, y: number): boolean {
  switch (c.kind) {
    case 'everywhere':
      return true;
    case 'box':
      return x >= c.xmin && x <= c.xmax && y >= c.ymin && y <= c.ymax;
    case 'sector': {
      const dx = x - c.x, dy = y - c.y;
      const r = Math.hypot(dx, dy);
      if (r < c.minRange || r > c.maxRange) return false;
      if (c.azMin === undefined || c.azMax === undefined) return true;
      const az = Math.atan2(dx, dy);
      return c.azMin <= c.azMax ? az >= c.azMin && az <= c.azMax : az >= c.azMin || az <= c.azMax;
    }
  }
}
