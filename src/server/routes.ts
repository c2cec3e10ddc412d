/**
 * The REST routes of docs/api.md. Each route declares who may call it (`access`), its inputs as zod
 * schemas (validated here, 400 with the offending fields otherwise) and its answer for the OpenAPI
 * document. Live state comes from the pipeline; what it no longer holds (ended tracks, history,
 * events, the audit trail) from the store.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Alert, OperatorAction } from '../alerts/types.js';
import type { BlueForcePosition } from '../ingest/cot/blue-force.js';
import type { Replay } from '../pipeline/replay.js';
import type { TrackView } from '../pipeline/views.js';
import type { StoredToken } from '../store/store.js';
import { createToken, type Access, type Principal } from './auth.js';
import { HttpError, badRequest, conflict, describeZodError, notFound } from './errors.js';
import { sectorBounds, sensorInfo, tracksGeoJson } from './geometry.js';
import type { ServerMetrics } from './metrics.js';
import * as S from './schemas.js';
import { readSettings, writeSettings } from './settings.js';
import type { Stream } from './stream.js';
import type { CoreContext } from './context.js';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
type Out<T> = T extends z.ZodType ? z.output<T> : undefined;

interface RouteDef<P, Q, B> {
  method: Method;
  url: string;
  access: Access;
  summary: string;
  description?: string;
  tags: string[];
  params?: P;
  query?: Q;
  body?: B;
  /** Answer schemas by status (documentation). */
  response?: Record<number, z.ZodType>;
  handler: (input: { params: Out<P>; query: Out<Q>; body: Out<B>; req: FastifyRequest; reply: FastifyReply }) => unknown;
}

function parse<T extends z.ZodType>(schema: T, data: unknown, where: string): z.output<T> {
  const r = schema.safeParse(data);
  if (!r.success) throw badRequest(describeZodError(where, r.error));
  return r.data;
}

/** Registers a route: access in its config, zod inputs checked before the handler, JSON schemas for the OpenAPI document. */
export function route<P extends z.ZodType | undefined = undefined, Q extends z.ZodType | undefined = undefined, B extends z.ZodType | undefined = undefined>(
  app: FastifyInstance,
  def: RouteDef<P, Q, B>,
): void {
  const response: Record<number, unknown> = {};
  for (const [status, s] of Object.entries(def.response ?? {})) response[Number(status)] = S.jsonSchema(s, 'output');
  const err = S.jsonSchema(S.errorSchema, 'output');
  if (def.params || def.query || def.body) response[400] ??= { ...err, description: 'Invalid input' };
  if (def.access !== 'public') {
    response[401] ??= { ...err, description: 'No valid token' };
    response[403] ??= { ...err, description: 'The token\'s role may not do this' };
    response[429] ??= { ...err, description: 'Too many failed authentications from this address' };
  }
  app.route({
    method: def.method,
    url: def.url,
    config: { access: def.access },
    schema: {
      summary: def.summary,
      ...(def.description ? { description: def.description } : {}),
      tags: def.tags,
      ...(def.params ? { params: S.jsonSchema(def.params) } : {}),
      ...(def.query ? { querystring: S.jsonSchema(def.query) } : {}),
      ...(def.body ? { body: S.jsonSchema(def.body) } : {}),
      ...(def.access === 'public' ? { security: [] } : {}),
      response,
    },
    handler: async (req, reply) => {
      const params = (def.params ? parse(def.params, req.params ?? {}, 'params') : undefined) as Out<P>;
      const query = (def.query ? parse(def.query, req.query ?? {}, 'query') : undefined) as Out<Q>;
      const body = (def.body ? parse(def.body, req.body ?? {}, 'body') : undefined) as Out<B>;
      return def.handler({ params, query, body, req, reply });
    },
  });
}

export interface RouteDeps extends CoreContext {
  replay: Replay;
  stream: Stream;
  metrics: ServerMetrics;
  startedMs: number;
  blueForce: readonly (() => readonly BlueForcePosition[])[];
}

const principalOf = (req: FastifyRequest): Principal => {
  if (!req.principal) throw new HttpError(401, 'unauthorized', 'a bearer token is required');
  return req.principal;
};

export function registerRoutes(app: FastifyInstance, d: RouteDeps): void {
  const { pipeline, store, site } = d;
  // Sensors can join while the service runs (SAPIENT nodes registering, Pipeline.addSensor, which
  // only ever appends to the pipeline's site.sensors): outlines are recomputed when the list grew.
  let sensorCache: { count: number; infos: ReturnType<typeof sensorInfo>[] } = { count: -1, infos: [] };
  const sensors = () => {
    const list = pipeline.site.sensors;
    if (sensorCache.count !== list.length) sensorCache = { count: list.length, infos: list.map(sensorInfo) };
    return sensorCache.infos;
  };
  const bounds = sectorBounds(site, pipeline.frame);
  const timeNow = () => pipeline.counters.lastUpdateMs ?? d.now();

  // Operator actions are audited by the alert manager (its trail is recorded in the store by the
  // owner's recorder); what only the API does (tokens, settings, replay) is audited here.
  const audit = (p: Principal, action: string, detail: string) => {
    store.addAudit({ timeMs: d.now(), by: p.label, action, alertId: null, trackId: null, detail });
  };
  const trackOrStored = (id: number): { view: TrackView; live: boolean } | null => {
    const live = pipeline.track(id);
    if (live) return { view: live, live: true };
    const stored = store.lastTrackView(id);
    return stored ? { view: stored, live: false } : null;
  };
  const act = (action: OperatorAction) => {
    const changes = pipeline.act(action);
    store.flush();
    return changes;
  };

  // ── unauthenticated ──
  route(app, {
    method: 'GET', url: '/health', access: 'public', tags: ['service'], summary: 'Liveness (no token needed)',
    response: { 200: z.object({ status: z.literal('ok'), uptimeS: z.number(), timeMs: z.number() }) },
    handler: () => ({ status: 'ok', uptimeS: Math.round((Date.now() - d.startedMs) / 100) / 10, timeMs: d.now() }),
  });

  route(app, {
    method: 'GET', url: '/metrics', access: 'viewer', tags: ['service'], summary: 'Prometheus metrics (text exposition format)',
    handler: async ({ reply }) => {
      const text = await d.metrics.render();
      return reply.type(d.metrics.contentType).send(text);
    },
  });

  route(app, {
    method: 'GET', url: '/api/session', access: 'viewer', tags: ['auth'], summary: 'The presented token\'s role and label',
    response: { 200: z.object({ role: z.enum(S.ROLES), label: z.string(), tokenId: z.string(), expiresMs: z.number().nullable() }) },
    handler: ({ req }) => {
      const p = principalOf(req);
      return { role: p.role, label: p.label, tokenId: p.tokenId, expiresMs: p.expiresMs };
    },
  });

  // ── reads ──
  route(app, {
    method: 'GET', url: '/api/tracks', access: 'viewer', tags: ['tracks'], summary: 'Current reportable tracks',
    response: { 200: z.object({ timeMs: z.number(), tracks: z.array(S.trackViewSchema) }) },
    handler: () => ({ timeMs: timeNow(), tracks: pipeline.tracks() }),
  });

  route(app, {
    method: 'GET', url: '/api/tracks/:id', access: 'viewer', tags: ['tracks'], params: S.trackIdParams,
    summary: 'One track (live, or its last stored view) with its alerts',
    response: { 200: S.trackViewSchema.and(z.object({ live: z.boolean(), alerts: z.array(S.alertSchema) })), 404: S.errorSchema },
    handler: ({ params }) => {
      const t = trackOrStored(params.id);
      if (!t) throw notFound(`no track ${params.id}`);
      const alerts = mergeAlerts(pipeline.alerts(), []).filter(
        (a) => a.trackIds.includes(params.id) || a.objectId === t.view.objectId || a.objectId === params.id,
      );
      return { ...t.view, live: t.live, alerts };
    },
  });

  route(app, {
    method: 'GET', url: '/api/tracks/:id/history', access: 'viewer', tags: ['tracks'], params: S.trackIdParams, query: S.windowQuery,
    summary: 'A track\'s stored history (positions, class, threat over time)',
    response: { 200: z.object({ points: z.array(S.historyPointSchema) }), 404: S.errorSchema },
    handler: ({ params, query }) => {
      const points = store.trackHistory(params.id, { fromMs: query.from, toMs: query.to, limit: query.limit });
      if (points.length === 0 && !trackOrStored(params.id)) throw notFound(`no track ${params.id}`);
      return { points };
    },
  });

  route(app, {
    method: 'GET', url: '/api/tracks/:id/events', access: 'viewer', tags: ['tracks'], params: S.trackIdParams,
    summary: 'A track\'s behaviour events',
    response: { 200: z.object({ events: z.array(S.trackEventSchema) }) },
    handler: ({ params }) => ({ events: store.events({ trackId: params.id, limit: 10_000 }) }),
  });

  route(app, {
    method: 'GET', url: '/api/alerts', access: 'viewer', tags: ['alerts'], query: S.alertsQuery,
    summary: 'Alerts, newest first (optionally of one state)',
    response: { 200: z.object({ alerts: z.array(S.alertSchema) }) },
    handler: ({ query }) => {
      const limit = query.limit ?? 1000;
      const live = pipeline.alerts().filter((a) => !query.state || a.state === query.state);
      const alerts = mergeAlerts(live, store.alerts({ state: query.state, limit }));
      return { alerts: alerts.slice(0, limit) };
    },
  });

  route(app, {
    method: 'GET', url: '/api/alerts/:id', access: 'viewer', tags: ['alerts'], params: S.stringIdParams,
    summary: 'One alert with its changes (who did what, when)',
    response: { 200: S.alertSchema.and(z.object({ changes: z.array(S.alertChangeSchema) })), 404: S.errorSchema },
    handler: ({ params }) => {
      const a = pipeline.alert(params.id) ?? store.alert(params.id);
      if (!a) throw notFound(`no alert ${params.id}`);
      return { ...a, changes: store.alertChanges(params.id) };
    },
  });

  route(app, {
    method: 'GET', url: '/api/events', access: 'viewer', tags: ['events'], query: S.eventsQuery,
    summary: 'Behaviour events in a time window (by type, by track)',
    response: { 200: z.object({ events: z.array(S.trackEventSchema) }) },
    handler: ({ query }) => ({
      events: store.events({ fromMs: query.from, toMs: query.to, type: query.type, trackId: query.trackId, limit: query.limit ?? 1000 }),
    }),
  });

  route(app, {
    method: 'GET', url: '/api/zones', access: 'viewer', tags: ['site'], summary: 'Zones as GeoJSON (border line with sides, protected sites, no-fly areas)',
    response: { 200: S.geoJsonSchema },
    handler: () => site.zones,
  });

  route(app, {
    method: 'GET', url: '/api/sensors', access: 'viewer', tags: ['site'], summary: 'Sensors with their coverage outlines (WGS84 geodesic)',
    response: {
      200: z.object({
        sensors: z.array(z.looseObject({
          id: z.string(), kind: z.string(), latDeg: z.number(), lonDeg: z.number(), heightM: z.number(), maxRangeM: z.number(),
          boresightAzimuthDeg: z.number(), azimuthWidthDeg: z.number(), coverage: S.polygonSchema,
        })),
      }),
    },
    handler: () => ({ sensors: sensors() }),
  });

  route(app, {
    method: 'GET', url: '/api/sector', access: 'viewer', tags: ['site'], summary: 'The sector: name, origin, bounds [[w,s],[e,n]]',
    response: {
      200: z.object({
        name: z.string(), description: z.string(),
        origin: z.object({ latDeg: z.number(), lonDeg: z.number(), heightAboveEllipsoidM: z.number() }),
        bounds: z.array(z.array(z.number())), timeMs: z.number(),
      }),
    },
    handler: () => ({ name: site.name, description: site.description, origin: { ...site.origin }, bounds, timeMs: timeNow() }),
  });

  route(app, {
    method: 'GET', url: '/api/export/tracks.geojson', access: 'viewer', tags: ['tracks'], query: S.exportQuery,
    summary: 'Current tracks as GeoJSON: a Point per track (its view minus arrays) and a LineString trail',
    response: { 200: S.geoJsonSchema },
    handler: ({ query, reply }) => {
      const trailMs = (query.trailS ?? 600) * 1000;
      const fc = tracksGeoJson(pipeline.tracks(), (t) => (trailMs > 0 ? store.trackHistory(t.trackId, { fromMs: t.timeMs - trailMs, toMs: t.timeMs }) : []));
      return reply.type('application/geo+json').send(JSON.stringify(fc));
    },
  });

  route(app, {
    method: 'GET', url: '/api/blueforce', access: 'viewer', tags: ['site'],
    summary: 'Friendly units from the CoT sources (TAK), the latest report per uid, not yet stale',
    response: { 200: z.object({ timeMs: z.number(), positions: z.array(S.blueForceSchema) }) },
    handler: () => {
      const nowMs = d.now();
      const byUid = new Map<string, BlueForcePosition>();
      for (const read of d.blueForce) {
        for (const p of read()) {
          const old = byUid.get(p.uid);
          if (p.staleMs > nowMs && (!old || old.timeMs < p.timeMs)) byUid.set(p.uid, p);
        }
      }
      return { timeMs: nowMs, positions: [...byUid.values()].sort((a, b) => (a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0)) };
    },
  });

  route(app, {
    method: 'GET', url: '/api/activity', access: 'viewer', tags: ['tracks'], query: S.activityQuery,
    summary: 'Where and when drones (or all tracks) flew: track-seconds per grid cell and per UTC hour of day, over whole hours (the heatmap)',
    response: { 200: S.activitySchema },
    handler: ({ query }) => {
      const toMs = query.to ?? timeNow(), fromMs = query.from ?? toMs - (query.hours ?? 24) * 3600_000;
      if (fromMs > toMs) throw badRequest(`from (${fromMs}) is after to (${toMs})`);
      const all = query.all === 'true' || query.all === '1';
      return { fromMs, toMs, all, ...store.activity({ fromMs, toMs, all }) };
    },
  });

  route(app, {
    method: 'GET', url: '/api/audit', access: 'viewer', tags: ['alerts'], query: S.windowQuery,
    summary: 'The audit trail: who did what, when',
    response: { 200: z.object({ entries: z.array(S.auditEntrySchema) }) },
    handler: ({ query }) => ({ entries: store.audit({ fromMs: query.from, toMs: query.to, limit: query.limit ?? 1000 }) }),
  });

  // ── operator actions ──
  route(app, {
    method: 'POST', url: '/api/alerts/:id/acknowledge', access: 'operator', tags: ['alerts'], params: S.stringIdParams, body: S.noteBody,
    summary: 'Acknowledge an alert (by = the token\'s label)',
    response: { 200: S.alertSchema, 404: S.errorSchema, 409: S.errorSchema },
    handler: ({ params, body, req }) => {
      const p = principalOf(req);
      const a = pipeline.alert(params.id);
      if (!a) throw notFound(`no alert ${params.id}`);
      if (a.state === 'resolved') throw conflict(`${a.id} is resolved; only an open alert can be acknowledged`);
      act({ type: 'acknowledge', alertId: a.id, by: p.label, timeMs: d.now(), ...(body.note ? { note: body.note } : {}) });
      return pipeline.alert(params.id);
    },
  });

  route(app, {
    method: 'POST', url: '/api/alerts/:id/resolve', access: 'operator', tags: ['alerts'], params: S.stringIdParams, body: S.noteBody,
    summary: 'Resolve an alert',
    response: { 200: S.alertSchema, 404: S.errorSchema },
    handler: ({ params, body, req }) => {
      const p = principalOf(req);
      const a = pipeline.alert(params.id);
      if (!a) throw notFound(`no alert ${params.id}`);
      if (a.state !== 'resolved') {
        act({ type: 'resolve', alertId: a.id, by: p.label, timeMs: d.now(), ...(body.note ? { note: body.note } : {}) });
      }
      return pipeline.alert(params.id);
    },
  });

  route(app, {
    method: 'POST', url: '/api/tracks/:id/friendly', access: 'operator', tags: ['tracks'], params: S.trackIdParams, body: S.noteBody,
    summary: 'Mark a track\'s object friendly: its alerts resolve as friendly and no more open for it',
    response: { 200: z.object({ changes: z.array(S.alertChangeSchema) }), 404: S.errorSchema },
    handler: ({ params, body, req }) => {
      const p = principalOf(req);
      if (!trackOrStored(params.id)) throw notFound(`no track ${params.id}`);
      const changes = act({ type: 'mark-friendly', trackId: params.id, by: p.label, timeMs: d.now(), ...(body.note ? { note: body.note } : {}) });
      return { changes };
    },
  });

  // ── replay ──
  const replayState = S.replayStateSchema;
  route(app, {
    method: 'GET', url: '/api/replay', access: 'operator', tags: ['replay'], summary: 'What the store holds to replay, and the replay\'s state',
    response: { 200: z.object({ span: z.object({ firstMs: z.number(), lastMs: z.number() }).nullable(), state: replayState }) },
    handler: () => ({ span: store.detectionSpan(), state: d.replay.status }),
  });

  route(app, {
    method: 'POST', url: '/api/replay', access: 'operator', tags: ['replay'], body: S.replayStartBody,
    summary: 'Start (or restart) a replay of [fromMs, toMs] at speed 0.1–1000; output streams on the WebSocket with replay: true',
    response: { 200: replayState },
    handler: ({ body, req }) => {
      const p = principalOf(req);
      let state;
      try {
        state = d.replay.start(body.fromMs, body.toMs ?? null, body.speed);
      } catch (err) {
        if (err instanceof RangeError) throw badRequest(err.message);
        throw err;
      }
      audit(p, 'replay-start', `from ${body.fromMs} to ${body.toMs ?? 'end'} at ${body.speed}×`);
      store.flush();
      return state;
    },
  });

  route(app, {
    method: 'POST', url: '/api/replay/control', access: 'operator', tags: ['replay'], body: S.replayControlBody,
    summary: 'Pause, resume, stop or seek the replay (speed, if given, applies too)',
    response: { 200: replayState, 409: S.errorSchema },
    handler: ({ body }) => {
      const r = d.replay;
      if (body.action === 'seek' && body.timeMs === undefined) throw badRequest('body.timeMs: seek needs the time to go to');
      if (body.speed !== undefined) r.setSpeed(body.speed);
      try {
        switch (body.action) {
          case 'pause': return r.pause();
          case 'resume': return r.resume();
          case 'stop': return r.stop();
          case 'seek': return r.seek(body.timeMs!);
        }
      } catch (err) {
        if (err instanceof RangeError) throw conflict(err.message);
        throw err;
      }
    },
  });

  // ── admin ──
  const tokenInfo = (t: StoredToken) => ({ id: t.id, role: t.role, label: t.label, createdMs: t.createdMs, expiresMs: t.expiresMs, revoked: t.revoked });
  route(app, {
    method: 'GET', url: '/api/tokens', access: 'admin', tags: ['admin'], summary: 'Tokens (never their secrets)',
    response: { 200: z.object({ tokens: z.array(S.tokenInfoSchema) }) },
    handler: () => ({ tokens: store.tokens().map(tokenInfo) }),
  });

  route(app, {
    method: 'POST', url: '/api/tokens', access: 'admin', tags: ['admin'], body: S.tokenCreateBody,
    summary: 'Create a token; its secret is in the answer and nowhere else',
    response: { 200: z.object({ token: z.string(), id: z.string(), role: z.enum(S.ROLES), label: z.string(), expiresMs: z.number().nullable() }) },
    handler: ({ body, req }) => {
      const p = principalOf(req);
      const now = d.now();
      const { id, secret } = createToken(store, body.role, body.label, body.ttlH, now);
      audit(p, 'token-create', `${id} (${body.role}, "${body.label}")`);
      store.flush();
      return { token: secret, id, role: body.role, label: body.label, expiresMs: body.ttlH === undefined ? null : now + Math.round(body.ttlH * 3_600_000) };
    },
  });

  route(app, {
    method: 'DELETE', url: '/api/tokens/:id', access: 'admin', tags: ['admin'], params: S.stringIdParams,
    summary: 'Revoke a token (its WebSocket sessions are closed)',
    response: { 200: z.object({ id: z.string(), revoked: z.literal(true) }), 404: S.errorSchema },
    handler: ({ params, req }) => {
      const p = principalOf(req);
      if (!store.tokens().some((t) => t.id === params.id)) throw notFound(`no token ${params.id}`);
      store.revokeToken(params.id);
      audit(p, 'token-revoke', params.id);
      store.flush();
      d.stream.closeToken(params.id);
      return { id: params.id, revoked: true };
    },
  });

  route(app, {
    method: 'GET', url: '/api/settings', access: 'viewer', tags: ['admin'], summary: 'Settings (retention, basemap style URL); every role reads them, the UI needs the basemap',
    response: { 200: S.settingsSchema },
    handler: () => readSettings(store),
  });

  route(app, {
    method: 'PUT', url: '/api/settings', access: 'admin', tags: ['admin'], body: S.settingsBody,
    summary: 'Change settings (retention fields merge; basemapStyleUrl null restores the offline basemap)',
    response: { 200: S.settingsSchema },
    handler: ({ body, req }) => {
      const p = principalOf(req);
      const s = writeSettings(store, body);
      audit(p, 'settings-update', JSON.stringify(body));
      store.flush();
      return s;
    },
  });
}

/** Alerts from the pipeline (authoritative) and the store (earlier runs), deduplicated, newest first. */
function mergeAlerts(live: readonly Alert[], stored: readonly Alert[]): Alert[] {
  const byId = new Map<string, Alert>();
  for (const a of stored) byId.set(a.id, a);
  for (const a of live) byId.set(a.id, a);
  return [...byId.values()].sort((a, b) => b.openedMs - a.openedMs || alertNo(b.id) - alertNo(a.id));
}

function alertNo(id: string): number {
  return Number(/(\d+)$/.exec(id)?.[1] ?? 0);
}
