import { z } from 'zod';

/**
 * A Detection (a plot, a measurement) in the vocabulary of ../shared/DESIGN.md: what one sensor
 * reported at one instant, before any fusion. Units are SI with angles in radians; positions on
 * Earth are WGS84 degrees with height above the ellipsoid. Azimuths are clockwise from true
 * north, elevations up from the local horizontal, both at the sensor.
 *
 * This is the exchange format between sources (simulator, SAPIENT, Remote ID, ADS-B, replay)
 * and the fusion engine; the zod schema validates it where it enters from outside.
 */

export const SENSOR_KINDS = ['radar', 'acoustic', 'eoir', 'rf', 'remoteid', 'adsb'] as const;
export type SensorKind = (typeof SENSOR_KINDS)[number];

export const OBJECT_CLASSES = ['rotary-drone', 'fixed-wing-drone', 'bird', 'manned-aircraft', 'ground-vehicle', 'unknown'] as const;
export type ObjectClass = (typeof OBJECT_CLASSES)[number];

const finite = z.number().finite();
const positive = z.number().finite().positive();

export const polarMeasurementSchema = z.object({
  kind: z.literal('polar'),
  rangeM: finite.nonnegative(),
  azimuthRad: finite,
  elevationRad: finite.optional(),
  rangeRateMps: finite.optional(),
  /** One-sigma noise of each component, as the sensor specifies it. */
  sigma: z.object({ rangeM: positive, azimuthRad: positive, elevationRad: positive.optional(), rangeRateMps: positive.optional() }),
});

export const bearingMeasurementSchema = z.object({
  kind: z.literal('bearing'),
  azimuthRad: finite,
  elevationRad: finite.optional(),
  sigma: z.object({ azimuthRad: positive, elevationRad: positive.optional() }),
});

/** A 3-D position with its covariance in the local ENU frame at that position [m²], row-major 3×3. */
export const positionMeasurementSchema = z.object({
  kind: z.literal('position'),
  latDeg: finite.min(-90).max(90),
  lonDeg: finite.min(-180).max(180),
  heightAboveEllipsoidM: finite,
  covarianceEnu: z.array(finite).length(9),
});

/** A position the object reports about itself (Remote ID, ADS-B) with its stated accuracy. */
export const gnssMeasurementSchema = z.object({
  kind: z.literal('gnss'),
  latDeg: finite.min(-90).max(90),
  lonDeg: finite.min(-180).max(180),
  heightAboveEllipsoidM: finite,
  /** 95 % horizontal accuracy bound as broadcast [m]. */
  horizontalAccuracyM: positive,
  /** 95 % vertical accuracy bound as broadcast [m]. */
  verticalAccuracyM: positive,
  /** Velocity east, north, up [m/s], when reported. */
  velocityEnuMps: z.tuple([finite, finite, finite]).optional(),
  /**
   * 95 % bound on the horizontal velocity error as broadcast [m/s] (Remote ID speed accuracy
   * category, ADS-B NACv), when stated. Fusion assumes 3 m/s without it.
   */
  velocityAccuracyMps: positive.optional(),
});

export const measurementSchema = z.discriminatedUnion('kind', [
  polarMeasurementSchema,
  bearingMeasurementSchema,
  positionMeasurementSchema,
  gnssMeasurementSchema,
]);
export type Measurement = z.infer<typeof measurementSchema>;

export const evidenceSchema = z.object({
  /** A sensor's own classification (radar micro-Doppler, EO/IR, acoustic signature). */
  classLabel: z.object({ label: z.enum(OBJECT_CLASSES), confidence: finite.min(0).max(1) }).optional(),
  /** What an RF detector heard. */
  rf: z.object({ protocol: z.string().max(64), frequencyMHz: positive, emitterId: z.string().max(64).optional() }).optional(),
  /** Remote ID identity and operator position. */
  remoteId: z
    .object({
      serial: z.string().min(1).max(64),
      operator: z.object({ latDeg: finite.min(-90).max(90), lonDeg: finite.min(-180).max(180) }).optional(),
    })
    .optional(),
  /** ADS-B / Mode S identity. */
  icao: z.string().regex(/^[0-9A-F]{6}$/).optional(),
  callsign: z.string().max(8).optional(),
  /**
   * The reporting node's own id for the object, scoped by the node: `<issuer>:<object id>`, e.g.
   * `sapient:<node uuid>:<object ULID>` for a SAPIENT DetectionReport's object_id. Each node
   * numbers its own objects (two nodes may each have a number for one object), and a node that
   * reports each object in a message of its own names with it which object the report is about.
   */
  objectRef: z.string().min(3).max(200).regex(/^[^:\s]+:\S*:[^:\s]+$/).optional(),
});
export type Evidence = z.infer<typeof evidenceSchema>;

export const detectionSchema = z.object({
  sensorId: z.string().min(1).max(128),
  /** Sensor timestamp, milliseconds since the Unix epoch (UTC). */
  timeMs: finite,
  measurement: measurementSchema,
  evidence: evidenceSchema.optional(),
});
export type Detection = z.infer<typeof detectionSchema>;

/**
 * The identity string the tracker binds tracks with, from a detection's evidence (or null): the
 * strongest the detection carries — what the object broadcasts about itself (Remote ID serial,
 * ICAO address), then its radio's emitter id, then the reporting node's own object id
 * (`ref:<issuer>:<object id>`, whose kind is per issuer: see the tracker's identity kinds).
 */
export function identityOf(e: Evidence | undefined): string | null {
  if (!e) return null;
  if (e.remoteId) return `rid:${e.remoteId.serial}`;
  if (e.icao) return `icao:${e.icao}`;
  if (e.rf?.emitterId) return `rf:${e.rf.emitterId}`;
  if (e.objectRef) return `ref:${e.objectRef}`;
  return null;
}
