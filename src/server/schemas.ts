/**
 * What enters the API, as zod schemas (validated at the edge: bodies, query strings, route
 * parameters, WebSocket messages), and what leaves it, described for the OpenAPI document.
 * Both are converted to JSON Schema (OpenAPI 3.0 dialect) with `z.toJSONSchema`; response schemas
 * only document — answers are serialised with JSON.stringify, so a schema can never strip a field.
 */
import { z } from 'zod';
import { OBJECT_CLASSES } from '../model/detection.js';
import { MAX_REPLAY_SPEED, MIN_REPLAY_SPEED } from '../pipeline/replay.js';

export const ROLES = ['viewer', 'operator', 'admin'] as const;
export const ALERT_STATES = ['open', 'acknowledged', 'resolved'] as const;
export const DISPOSITIONS = ['friend', 'cooperative', 'unknown', 'suspect', 'hostile'] as const;

/** A time in a query string [ms since the Unix epoch]. */
const msQuery = z.coerce.number().int().min(0).max(8.64e15);
const limitQuery = z.coerce.number().int().min(1).max(10_000);
const timeMs = z.number().finite().min(0).max(8.64e15);

// ── route parameters ──
export const trackIdParams = z.object({ id: z.coerce.number().int().min(0).max(2 ** 31 - 1) });
export const stringIdParams = z.object({ id: z.string().min(1).max(128) });

// ── query strings (unknown parameters are ignored: caches add their own) ──
export const windowQuery = z.object({ from: msQuery.optional(), to: msQuery.optional(), limit: limitQuery.optional() });
export const alertsQuery = z.object({ state: z.enum(ALERT_STATES).optional(), limit: limitQuery.optional() });
export const eventsQuery = z.object({
  from: msQuery.optional(), to: msQuery.optional(), type: z.string().min(1).max(64).optional(),
  trackId: z.coerce.number().int().min(0).optional(), limit: limitQuery.optional(),
});
export const exportQuery = z.object({
  /** Trail length behind each track [s] (default 600; 0: no trails). */
  trailS: z.coerce.number().min(0).max(86_400).optional(),
});
export const activityQuery = z.object({
  /** Window [ms since the epoch]: `to` defaults to now, `from` to `hours` before `to`. */
  from: msQuery.optional(), to: msQuery.optional(),
  /** Window length [h] when `from` is not given (default 24). */
  hours: z.coerce.number().min(0.01).max(24 * 366).optional(),
  /** Everything tracked (`true`), not only drones (samples at P(drone) ≥ ½; the default). */
  all: z.enum(['true', 'false', '1', '0']).optional(),
});
export const activitySchema = z.object({
  fromMs: z.number(), toMs: z.number(), all: z.boolean(), cellDeg: z.number(), tracks: z.number().int(),
  cells: z.array(z.object({ latDeg: z.number(), lonDeg: z.number(), trackSeconds: z.number() })),
  hoursUtc: z.array(z.number()).length(24),
});
export const blueForceSchema = z.object({
  uid: z.string(), callsign: z.string().nullable(), type: z.string(), how: z.string(),
  latDeg: z.number(), lonDeg: z.number(), heightAboveEllipsoidM: z.number().nullable(), ceM: z.number().nullable(), leM: z.number().nullable(),
  timeMs: z.number(), startMs: z.number(), staleMs: z.number(),
  group: z.object({ name: z.string(), role: z.string() }).nullable(), courseDeg: z.number().nullable(), speedMps: z.number().nullable(),
});
export const streamQuery = z.object({
  token: z.string().max(512).optional(),
  /** A StreamFilter as JSON. */
  filter: z.string().max(8192).optional(),
});

// ── bodies (strict: a misspelt field is an error, not silently ignored) ──
export const noteBody = z.strictObject({ note: z.string().max(2000).optional() });
export const replayStartBody = z.strictObject({
  fromMs: timeMs,
  toMs: timeMs.nullable().optional(),
  speed: z.number().min(MIN_REPLAY_SPEED).max(MAX_REPLAY_SPEED).default(1),
});
export const replayControlBody = z.strictObject({
  action: z.enum(['pause', 'resume', 'stop', 'seek']),
  speed: z.number().min(MIN_REPLAY_SPEED).max(MAX_REPLAY_SPEED).optional(),
  timeMs: timeMs.optional(),
});
export const tokenCreateBody = z.strictObject({
  role: z.enum(ROLES),
  label: z.string().trim().min(1).max(100),
  ttlH: z.number().positive().max(24 * 365 * 10).optional(),
});
export const retentionSchema = z.strictObject({
  detectionsH: z.number().positive().max(24 * 365 * 10),
  historyH: z.number().positive().max(24 * 365 * 10),
  alertsDays: z.number().positive().max(365 * 100),
});
export const basemapUrlSchema = z
  .string()
  .max(2048)
  .refine((s) => /^https?:\/\//i.test(s) || s.startsWith('/'), { message: 'must be an http(s) URL or a path on this server' });
export const settingsBody = z.strictObject({
  retention: retentionSchema.partial().optional(),
  basemapStyleUrl: basemapUrlSchema.nullable().optional(),
});

// ── WebSocket ──
export const streamFilterSchema = z.strictObject({
  classes: z.array(z.enum(OBJECT_CLASSES)).max(OBJECT_CLASSES.length).optional(),
  minThreat: z.number().min(0).max(100).optional(),
  dispositions: z.array(z.enum(DISPOSITIONS)).max(DISPOSITIONS.length).optional(),
  darkOnly: z.boolean().optional(),
  bbox: z
    .tuple([z.number().min(-180).max(180), z.number().min(-90).max(90), z.number().min(-180).max(180), z.number().min(-90).max(90)])
    .refine(([w, s, e, n]) => w <= e && s <= n, { message: 'bbox is [west, south, east, north] with west ≤ east and south ≤ north' })
    .optional(),
});
export type StreamFilter = z.output<typeof streamFilterSchema>;
export const clientMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('filter'), filter: streamFilterSchema.nullable() }),
  z.strictObject({ type: z.literal('ping') }),
]);
export type ClientMessage = z.output<typeof clientMessageSchema>;

// ── answers (documentation only) ──
const loose = (shape: z.ZodRawShape, description: string) => z.looseObject(shape).describe(description);
export const errorSchema = z.object({ error: z.string(), message: z.string() }).describe('An error');
export const trackViewSchema = loose(
  {
    trackId: z.number(), objectId: z.number(), timeMs: z.number(), status: z.enum(['confirmed', 'coasting']),
    latDeg: z.number(), lonDeg: z.number(), heightM: z.number(), altitudeM: z.number(),
    speedMps: z.number(), courseDeg: z.number(), sigmaHorizontalM: z.number(),
    classification: z.looseObject({ cls: z.string(), probability: z.number(), pDrone: z.number() }),
    disposition: z.enum(DISPOSITIONS), affiliation: z.string(), dark: z.boolean(),
    threat: z.object({ score: z.number(), evidence: z.array(z.string()) }),
    sensors: z.array(z.string()), startMs: z.number(), lastHitMs: z.number(),
  },
  'TrackView: tracker state and assessment of one track (src/pipeline/views.ts)',
);
export const trackEventSchema = loose({ type: z.string(), trackId: z.number(), timeMs: z.number() }, 'TrackEvent (src/assess/types.ts)');
export const alertSchema = loose(
  {
    id: z.string(), objectId: z.number(), trackId: z.number(), trackIds: z.array(z.number()), title: z.string(),
    severity: z.string(), state: z.enum(ALERT_STATES), openedMs: z.number(), updatedMs: z.number(),
    acknowledged: z.looseObject({ by: z.string(), timeMs: z.number() }).nullable(),
    resolved: z.looseObject({ by: z.string(), timeMs: z.number(), reason: z.string() }).nullable(),
    evidence: z.array(z.string()), threatScore: z.number(),
  },
  'Alert (src/alerts/types.ts)',
);
export const alertChangeSchema = z.object({ kind: z.string(), timeMs: z.number(), alert: alertSchema, by: z.string(), detail: z.string() });
export const historyPointSchema = z.object({
  timeMs: z.number(), latDeg: z.number(), lonDeg: z.number(), altitudeM: z.number(), speedMps: z.number(),
  courseDeg: z.number(), cls: z.string(), pDrone: z.number(), threat: z.number(),
});
export const auditEntrySchema = z.object({
  timeMs: z.number(), by: z.string(), action: z.string(), alertId: z.string().nullable(), trackId: z.number().nullable(), detail: z.string(),
});
export const replayStateSchema = z.looseObject({
  running: z.boolean(), paused: z.boolean(), speed: z.number(), timeMs: z.number().nullable(),
  fromMs: z.number().nullable(), toMs: z.number().nullable(), detections: z.number(),
});
export const tokenInfoSchema = z.object({
  id: z.string(), role: z.enum(ROLES), label: z.string(), createdMs: z.number(), expiresMs: z.number().nullable(), revoked: z.boolean(),
});
export const settingsSchema = z.object({ retention: retentionSchema, basemapStyleUrl: z.string().nullable() });
export const geoJsonSchema = z.looseObject({ type: z.literal('FeatureCollection'), features: z.array(z.looseObject({})) }).describe('GeoJSON FeatureCollection');
export const polygonSchema = z.object({ type: z.literal('Polygon'), coordinates: z.array(z.array(z.array(z.number()))) });

/** JSON Schema (OpenAPI 3.0 dialect) of a zod schema, as the input it accepts. */
export function jsonSchema(s: z.ZodType, io: 'input' | 'output' = 'input'): Record<string, unknown> {
  return z.toJSONSchema(s, { target: 'openapi-3.0', io, unrepresentable: 'any' }) as Record<string, unknown>;
}
