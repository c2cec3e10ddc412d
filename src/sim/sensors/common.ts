/**
 * Pieces every simulated sensor shares: the config fields a scenario file writes for any sensor,
 * the class-label (evidence) model, the range-dependent Pd curve of the passive sensors, and the
 * angle and random-draw helpers. Nothing here allocates per call, because sensors run for every
 * object at every update (a thousand objects for an hour in `stress`).
 *
 * Angle conventions, shared with the tracker's measurement models (src/tracking/measurement):
 * azimuth clockwise from north, elevation up from the horizontal, both measured along the sector
 * ENU axes from the sensor's ENU position. Within a sector of ~20 km the sensor's own horizontal
 * tilts by under 0.2° from the sector's, and the tracker predicts with the same convention, so the
 * simulator and the tracker agree exactly.
 */
import { z } from 'zod';
import type { LocalFrame } from '../../geo/enu.js';
import { OBJECT_CLASSES, type ObjectClass } from '../../model/detection.js';
import type { Random } from '../../scenario/random.js';

export const DEG = Math.PI / 180;
export const TWO_PI = 2 * Math.PI;

/** Multiplier from a 2-D Gaussian's per-axis σ to its 95 % radius: √(−2 ln 0.05) (Rayleigh). */
export const RADIAL_95_PER_SIGMA = Math.sqrt(-2 * Math.log(0.05));
/** Multiplier from a 1-D Gaussian's σ to its two-sided 95 % bound. */
export const AXIAL_95_PER_SIGMA = 1.959963984540054;

export const finite = z.number().finite();
export const positive = finite.positive();
export const probability = finite.min(0).max(1);
/** A compass angle a person writes in YAML [deg]. */
export const azimuthDeg = finite.min(-360).max(360);

/** Where a sensor stands: WGS84 degrees and height above the ellipsoid [m] (not above sea level). */
export const geodeticPositionSchema = z.strictObject({
  latDeg: finite.min(-90).max(90),
  lonDeg: finite.min(-180).max(180),
  heightAboveEllipsoidM: finite.min(-1000).max(100_000),
});
export type GeodeticPosition = z.infer<typeof geodeticPositionSchema>;

/** Config fields every sensor has. */
export const sensorBaseFields = {
  /** Sensor id, carried in each Detection's `sensorId`. */
  id: z.string().min(1).max(128),
  /** Mounting position (antenna/microphone/lens phase centre), WGS84. */
  position: geodeticPositionSchema,
  /**
   * Fusion only (the simulator ignores it): the sensor is report-driven — it reports each object
   * in a message of its own, on its own clock (a SAPIENT node), so fusion takes silence about a
   * track it has reported as a miss only once per this interval [s]. Remote ID and ADS-B are
   * report-driven at `updateIntervalS` without it. Absent: a scan is a look at all the sensor covers.
   */
  reportIntervalS: finite.min(0.01).max(3600).optional(),
};

/** Time between reports [s] (SI); the SimSensor exposes it in ms. */
export function updateIntervalField(defaultS: number) {
  return finite.min(0.001).max(3600).default(defaultS);
}

/**
 * A sensor's classifier (radar micro-Doppler, camera, acoustic signature). Model: a truth whose
 * class is in `classes` gets its own class with probability `accuracy` and each other class with
 * probability (1 − accuracy)/(K − 1); a truth of a class it does not know (and a false plot) gets
 * a uniformly random class from `classes`: a classifier does not know what it does not know.
 * The reported confidence is `accuracy`, which is the posterior of the label being right under
 * equal priors, i.e. what a calibrated classifier would state.
 */
export const classifierSchema = z
  .strictObject({
    /** Probability the label is the truth's class, 0…1. */
    accuracy: probability,
    /** Labels only within this slant range [m] (micro-Doppler needs SNR, a camera needs pixels). */
    maxRangeM: positive.default(1e9),
    /** The classes it tells apart (at least two, no repeats). */
    classes: z
      .array(z.enum(OBJECT_CLASSES))
      .min(2)
      .default(['rotary-drone', 'fixed-wing-drone', 'bird', 'manned-aircraft', 'ground-vehicle']),
  })
  .refine((c) => new Set(c.classes).size === c.classes.length, { message: 'classifier classes must not repeat', path: ['classes'] });
export type ClassifierConfig = z.infer<typeof classifierSchema>;

/** Draws a label for a truth of class `cls` (or for a false plot when `cls` is null). */
export function drawLabel(rng: Random, cls: ObjectClass | null, c: ClassifierConfig): ObjectClass {
  const k = c.classes.length;
  const i = cls === null ? -1 : c.classes.indexOf(cls);
  if (i < 0) return c.classes[Math.floor(rng.next() * k)];
  if (rng.next() < c.accuracy) return c.classes[i];
  let j = Math.floor(rng.next() * (k - 1));
  if (j >= i) j++;
  return c.classes[j];
}

/**
 * Config fields of the range-dependent Pd curve used by the passive and cooperative sensors:
 *   Pd(r) = pdMax / (1 + (r / halfPdRangeM)^pdSteepness),   0 beyond maxRangeM.
 * pdMax is the close-in Pd (a sensor misses some updates even at short range), halfPdRangeM the
 * range where Pd has fallen to pdMax/2, pdSteepness how sharp the edge of coverage is.
 */
export function rangePdFields(d: { pdMax: number; halfPdRangeM: number; pdSteepness: number; maxRangeM: number }) {
  return {
    /** Pd per update close in, 0…1. */
    pdMax: probability.default(d.pdMax),
    /** Slant range at which Pd = pdMax/2 [m]. */
    halfPdRangeM: positive.default(d.halfPdRangeM),
    /** Exponent of the Pd roll-off with range (higher = sharper coverage edge). */
    pdSteepness: finite.min(0.5).max(50).default(d.pdSteepness),
    /** Hard coverage limit: nothing is reported beyond this slant range [m]. */
    maxRangeM: positive.default(d.maxRangeM),
  };
}

/** The Pd curve above (without the hard range limit). */
export function rangePd(rangeM: number, pdMax: number, halfPdRangeM: number, steepness: number): number {
  return pdMax / (1 + Math.pow(rangeM / halfPdRangeM, steepness));
}

/** Angle wrapped to (−π, π]. */
export function wrapPi(a: number): number {
  a = a % TWO_PI;
  if (a > Math.PI) a -= TWO_PI;
  else if (a <= -Math.PI) a += TWO_PI;
  return a;
}

/** Angle wrapped to [0, 2π): a compass azimuth. */
export function wrapTwoPi(a: number): number {
  a = a % TWO_PI;
  if (a < 0) a += TWO_PI;
  return a >= TWO_PI ? 0 : a;
}

/** Exponential draw with the given mean. */
export function exponential(rng: Random, mean: number): number {
  return -mean * Math.log(1 - rng.next());
}

/** Exponential with scale `scale` truncated to [lo, hi] (inverse CDF, one draw). */
export function truncatedExponential(rng: Random, lo: number, hi: number, scale: number): number {
  const span = 1 - Math.exp(-(hi - lo) / scale);
  return Math.min(hi, lo - scale * Math.log(1 - rng.next() * span));
}

/** A fresh upper-case hex string of `digits` digits (for identities with no continuity). */
export function randomHex(rng: Random, digits: number): string {
  let s = '';
  for (let i = 0; i < digits; i++) s += Math.floor(rng.next() * 16).toString(16).toUpperCase();
  return s;
}

/** A sensor's mounting position in the sector ENU frame. */
export function positionEnu(frame: LocalFrame, p: GeodeticPosition): { e: number; n: number; u: number } {
  const v = frame.geodeticToEnu(p.latDeg, p.lonDeg, p.heightAboveEllipsoidM, new Float64Array(3));
  return { e: v[0], n: v[1], u: v[2] };
}
