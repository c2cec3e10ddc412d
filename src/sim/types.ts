import type { LocalFrame } from '../geo/enu.js';
import type { Detection, ObjectClass, SensorKind } from '../model/detection.js';
import type { Random } from '../scenario/random.js';

/**
 * The contract between the simulator's world (targets moving over a real sector) and its sensor
 * models. The world advances on a virtual clock; at each sensor's update instant it hands the
 * sensor the true state of every object, and the sensor returns what it would report.
 * Everything is in the sector's ENU frame (metres, seconds, radians) except the Detections,
 * which use the external vocabulary (WGS84 at the edges, src/model/detection.ts).
 */

/** What the world knows of an object at one instant: the ground truth a sensor samples. */
export interface TruthState {
  /** Stable truth id. */
  id: number;
  cls: ObjectClass;
  /** Position in the sector ENU frame [m]; `up` is height above the sector origin's ellipsoid height. */
  e: number;
  n: number;
  u: number;
  /** Velocity in ENU [m/s]. */
  ve: number;
  vn: number;
  vu: number;
  /** Radar cross-section [m²] (a small multirotor ≈ 0.01, a bird ≈ 0.001–0.01, a car ≈ 10). */
  rcsM2: number;
  /** Radio control/video link, or null (fibre-optic or autonomous: RF detectors hear nothing). */
  rf: { protocol: string; frequencyMHz: number; emitterId: string } | null;
  /** Remote ID broadcast, or null (non-compliant). `spoofed` moves the broadcast position. */
  remoteId: {
    serial: string;
    operatorE: number;
    operatorN: number;
    /** When set, the broadcast claims this ENU offset from the true position [m]. */
    spoofOffset?: { e: number; n: number; u: number };
  } | null;
  /** ICAO 24-bit address (hex, upper case) for ADS-B equipped aircraft, else null. */
  icao: string | null;
  callsign: string | null;
  /** Acoustic source level proxy: 1 for a small multirotor; 0 for a silent object. */
  acousticLevel: number;
}

/** Everything a sensor model needs to produce detections at one instant. */
export interface ObservationContext {
  timeMs: number;
  truths: readonly TruthState[];
  /** The sector's frame, for converting to WGS84 in Detections. */
  frame: LocalFrame;
  /** The sensor's own random stream (deterministic per seed and sensor). */
  rng: Random;
  /** Tracks the EO/IR camera may be cued to (ENU positions), empty when none. */
  cues?: readonly { e: number; n: number; u: number }[];
}

/** A simulated sensor. */
export interface SimSensor {
  readonly id: string;
  readonly kind: SensorKind;
  /** Time between reports [ms]. */
  readonly updateIntervalMs: number;
  /** Position in the sector ENU frame [m]. */
  readonly position: { e: number; n: number; u: number };
  /** Appends this instant's detections (true and false) to `out`. */
  observe(ctx: ObservationContext, out: Detection[]): void;
}
