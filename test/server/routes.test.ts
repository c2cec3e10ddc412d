/* eslint-disable @typescript-eslint/no-explicit-any */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { geodesicInverse } from '../../src/geo/index.js';
import { call, startFixture, type Fixture } from './helpers.js';

let f: Fixture;
beforeAll(async () => {
  // border-night's first 300 s: an alert at ~126 s (its track ends) and another at ~290 s.
  f = await startFixture({
    seconds: 300,
    ctx: {
      metricsSources: [{ name: 'test_adapter', labels: { source: 'unit' }, read: () => ({ received: 7, rejected_total: 2 }) }],
      // Two CoT sources: one unit reported by both (the later report wins), one gone stale.
      blueForce: [() => [unit('patrol-7', 100, 26.1), unit('gone', 50, 26.2, 0)], () => [unit('patrol-7', 200, 26.15), unit('boat-2', 10, 26.05)]],
    },
  });
});
afterAll(async () => {
  await f?.close();
});

function unit(uid: string, timeMs: number, latDeg: number, staleMs = Number.MAX_SAFE_INTEGER) {
  return {
    uid, callsign: uid.toUpperCase(), type: 'a-f-G-U-C', how: 'h-e', latDeg, lonDeg: -98.25, heightAboveEllipsoidM: 20, ceM: 5, leM: null,
    timeMs, startMs: timeMs, staleMs, group: { name: 'Cyan', role: 'Team Member' }, courseDeg: null, speedMps: null,
  };
}

const get = (path: string, role: 'viewer' | 'operator' | 'admin' = 'viewer') => call(f, 'GET', path, { token: f.tokens[role] });
const post = (path: string, body?: unknown, role: 'viewer' | 'operator' | 'admin' = 'operator') => call(f, 'POST', path, { token: f.tokens[role], body });

describe('service routes', () => {
  it('GET /health answers without a token', async () => {
    const r = await call(f, 'GET', '/health');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'ok', timeMs: f.timeMs() });
    expect(r.body.uptimeS).toBeGreaterThanOrEqual(0);
  });

  it('GET /api/session tells the token\'s role and label', async () => {
    for (const role of ['viewer', 'operator', 'admin'] as const) {
      const r = await get('/api/session', role);
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ role, label: `${role}-user`, tokenId: f.tokenIds[role], expiresMs: null });
    }
  });
});

describe('reads', () => {
  it('GET /api/tracks lists the pipeline\'s current tracks', async () => {
    const r = await get('/api/tracks');
    expect(r.status).toBe(200);
    expect(r.body.timeMs).toBe(f.pipeline.counters.lastUpdateMs);
    expect(r.body.tracks.length).toBe(f.pipeline.tracks().length);
    expect(r.body.tracks.length).toBeGreaterThan(0);
    const t = r.body.tracks[0];
    for (const k of ['trackId', 'latDeg', 'lonDeg', 'altitudeM', 'speedMps', 'classification', 'threat', 'sensors', 'affiliation', 'dark']) expect(t).toHaveProperty(k);
  });

  it('GET /api/tracks/:id: live view with its alerts, the stored view of an ended track, 404, 400', async () => {
    const alert = f.pipeline.alerts().find((a) => f.pipeline.track(a.trackId))!;
    expect(alert).toBeDefined();
    const live = await get(`/api/tracks/${alert.trackId}`);
    expect(live.status).toBe(200);
    expect(live.body).toMatchObject({ trackId: alert.trackId, live: true });
    expect(live.body.alerts.map((a: any) => a.id)).toContain(alert.id);

    const ended = f.pipeline.alerts().find((a) => !f.pipeline.track(a.trackId))!;
    expect(ended).toBeDefined();
    const stored = await get(`/api/tracks/${ended.trackId}`);
    expect(stored.status).toBe(200);
    expect(stored.body).toMatchObject({ trackId: ended.trackId, live: false });
    expect(stored.body.alerts.map((a: any) => a.id)).toContain(ended.id);

    const missing = await get('/api/tracks/999999');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ error: 'not_found', message: 'no track 999999' });
    const bad = await get('/api/tracks/abc');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('bad_request');
    expect(bad.body.message).toMatch(/params\.id/);
  });

  it('GET /api/tracks/:id/history and /events read the store', async () => {
    const id = f.pipeline.tracks()[0].trackId;
    const h = await get(`/api/tracks/${id}/history`);
    expect(h.status).toBe(200);
    expect(h.body.points.length).toBeGreaterThan(1);
    expect(Object.keys(h.body.points[0]).sort()).toEqual(['altitudeM', 'cls', 'courseDeg', 'latDeg', 'lonDeg', 'pDrone', 'speedMps', 'threat', 'timeMs']);
    const last = h.body.points[h.body.points.length - 1].timeMs;
    const windowed = await get(`/api/tracks/${id}/history?from=${last}&to=${last}`);
    expect(windowed.body.points).toHaveLength(1);
    expect((await get('/api/tracks/999999/history')).status).toBe(404);

    const e = await get(`/api/tracks/${id}/events`);
    expect(e.status).toBe(200);
    expect(e.body.events.length).toBeGreaterThan(0);
    expect(e.body.events.every((x: any) => x.trackId === id)).toBe(true);
  });

  it('GET /api/events filters by type, track, window and limit', async () => {
    const all = await get('/api/events?limit=10000');
    expect(all.status).toBe(200);
    expect(all.body.events.length).toBeGreaterThan(10);
    const type = all.body.events[0].type;
    const typed = await get(`/api/events?type=${type}`);
    expect(typed.body.events.length).toBeGreaterThan(0);
    expect(typed.body.events.every((x: any) => x.type === type)).toBe(true);
    const limited = await get('/api/events?limit=3');
    expect(limited.body.events).toHaveLength(3);
    const t0 = f.startMs + 200_000;
    const late = await get(`/api/events?from=${t0}`);
    expect(late.body.events.every((x: any) => x.timeMs >= t0)).toBe(true);
    expect((await get('/api/events?limit=0')).status).toBe(400);
  });

  it('GET /api/alerts lists newest first, by state; GET /api/alerts/:id adds its changes', async () => {
    const r = await get('/api/alerts');
    expect(r.status).toBe(200);
    expect(r.body.alerts.length).toBeGreaterThanOrEqual(2);
    const opened = r.body.alerts.map((a: any) => a.openedMs);
    expect([...opened].sort((a, b) => b - a)).toEqual(opened);
    const open = await get('/api/alerts?state=open');
    expect(open.body.alerts.every((a: any) => a.state === 'open')).toBe(true);
    expect((await get('/api/alerts?state=closed')).status).toBe(400);

    const one = await get(`/api/alerts/${r.body.alerts[0].id}`);
    expect(one.status).toBe(200);
    expect(one.body.id).toBe(r.body.alerts[0].id);
    expect(one.body.changes[0]).toMatchObject({ kind: 'opened' });
    expect((await get('/api/alerts/alert-9999')).status).toBe(404);
  });

  it('GET /api/zones is the site\'s GeoJSON with the border and its sides', async () => {
    const r = await get('/api/zones');
    expect(r.status).toBe(200);
    expect(r.body.type).toBe('FeatureCollection');
    const border = r.body.features.find((x: any) => x.properties.kind === 'border');
    expect(border.geometry.type).toBe('LineString');
    expect(border.properties.sides).toBeDefined();
    const site = r.body.features.find((x: any) => x.properties.kind === 'protected-site');
    expect(site.properties.radiusM).toBeGreaterThan(0);
  });

  it('GET /api/sensors gives each sensor with a geodesic coverage polygon', async () => {
    const r = await get('/api/sensors');
    expect(r.status).toBe(200);
    expect(r.body.sensors).toHaveLength(f.site.sensors.length);
    const radar = r.body.sensors.find((s: any) => s.kind === 'radar');
    expect(radar).toMatchObject({ maxRangeM: 5000, azimuthWidthDeg: 360 });
    const ring = radar.coverage.coordinates[0];
    expect(ring[0]).toEqual(ring[ring.length - 1]);
    for (const [lon, lat] of ring) expect(geodesicInverse(radar.latDeg, radar.lonDeg, lat, lon).distanceM).toBeCloseTo(5000, 3);
  });

  it('GET /api/sector gives name, origin and bounds', async () => {
    const r = await get('/api/sector');
    expect(r.status).toBe(200);
    expect(r.body.name).toBe(f.site.name);
    expect(r.body.origin).toMatchObject({ latDeg: f.site.origin.latDeg, lonDeg: f.site.origin.lonDeg });
    const [[w, s], [e, n]] = r.body.bounds;
    expect(w).toBeLessThan(r.body.origin.lonDeg);
    expect(e).toBeGreaterThan(r.body.origin.lonDeg);
    expect(s).toBeLessThan(r.body.origin.latDeg);
    expect(n).toBeGreaterThan(r.body.origin.latDeg);
    expect(r.body.timeMs).toBe(f.pipeline.counters.lastUpdateMs);
  });

  it('GET /api/blueforce: friendly units from every CoT source, the latest report per uid, none stale', async () => {
    const r = await get('/api/blueforce');
    expect(r.status).toBe(200);
    expect(r.body.positions.map((p: any) => [p.uid, p.latDeg])).toEqual([['boat-2', 26.05], ['patrol-7', 26.15]]);
    expect(r.body.positions[1]).toMatchObject({ callsign: 'PATROL-7', group: { name: 'Cyan', role: 'Team Member' } });
  });

  it('GET /api/activity: where and when drones flew, kept as the history is written, by cell and UTC hour', async () => {
    f.record();
    const r = await get('/api/activity');
    expect(r.status).toBe(200);
    const now = f.pipeline.counters.lastUpdateMs!;
    expect(r.body).toMatchObject({ toMs: now, fromMs: now - 86_400_000, all: false, cellDeg: 1 / 500 });
    expect(r.body.cells.length).toBeGreaterThan(0);
    expect(r.body.tracks).toBeGreaterThan(0);
    // The same track-seconds by place and by hour; border-night runs from 04:00 UTC.
    const total = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    expect(total(r.body.cells.map((c: any) => c.trackSeconds))).toBe(total(r.body.hoursUtc));
    expect(r.body.hoursUtc[4]).toBe(total(r.body.hoursUtc));
    // Every stored sample of a likely drone lies in a returned cell, and they add up to it.
    const half = r.body.cellDeg / 2;
    let samples = 0;
    const tracks = new Set<number>();
    for (const t of f.pipeline.tracks()) {
      for (const p of f.store.trackHistory(t.trackId).filter((h) => h.pDrone >= 0.5)) {
        samples++;
        tracks.add(t.trackId);
        expect(r.body.cells.some((c: any) => Math.abs(c.latDeg - p.latDeg) <= half + 1e-9 && Math.abs(c.lonDeg - p.lonDeg) <= half + 1e-9)).toBe(true);
      }
    }
    expect(total(r.body.hoursUtc)).toBeGreaterThanOrEqual(samples);
    expect(r.body.tracks).toBeGreaterThanOrEqual(tracks.size);
    // Everything tracked counts more than the drones alone; a window before the run has nothing.
    const all = await get('/api/activity?all=true');
    expect(all.body.all).toBe(true);
    expect(total(all.body.hoursUtc)).toBeGreaterThan(total(r.body.hoursUtc));
    expect(all.body.tracks).toBeGreaterThan(r.body.tracks);
    const before = await get(`/api/activity?to=${f.startMs - 3_600_000}`);
    expect(before.body).toMatchObject({ cells: [], tracks: 0 });
    expect((await get(`/api/activity?from=${f.timeMs()}&to=${f.startMs}`)).status).toBe(400);
    expect((await get('/api/activity?all=maybe')).status).toBe(400);
    expect((await get('/api/activity?hours=0.05')).body.fromMs).toBe(now - 180_000);
  });

  it('GET /api/export/tracks.geojson: a Point per track (no arrays in properties) and LineString trails', async () => {
    const r = await get('/api/export/tracks.geojson');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/application\/geo\+json/);
    const fc = JSON.parse(r.text);
    const points = fc.features.filter((x: any) => x.geometry.type === 'Point');
    const trails = fc.features.filter((x: any) => x.geometry.type === 'LineString');
    expect(points).toHaveLength(f.pipeline.tracks().length);
    for (const p of points) expect(Object.values(p.properties).some(Array.isArray)).toBe(false);
    expect(trails.length).toBeGreaterThan(0);
    expect(trails[0].geometry.coordinates.length).toBeGreaterThanOrEqual(2);
    const none = JSON.parse((await get('/api/export/tracks.geojson?trailS=0')).text);
    expect(none.features.every((x: any) => x.geometry.type === 'Point')).toBe(true);
  });
});

describe('operator actions', () => {
  it('acknowledge, then resolve: the alert changes, its log and the audit trail say who', async () => {
    const id = f.pipeline.alerts().find((a) => a.state === 'open')!.id;
    const ack = await post(`/api/alerts/${id}/acknowledge`, { note: 'team 2 on the way' });
    expect(ack.status).toBe(200);
    expect(ack.body).toMatchObject({ id, state: 'acknowledged', acknowledged: { by: 'operator-user', timeMs: f.timeMs(), note: 'team 2 on the way' } });
    expect(f.pipeline.alert(id)!.state).toBe('acknowledged');

    const detail = await get(`/api/alerts/${id}`);
    expect(detail.body.changes.map((c: any) => [c.kind, c.by])).toContainEqual(['acknowledged', 'operator-user']);

    f.record(); // the service's recorder writes the alert manager's audit trail on its timer
    const audit = await get('/api/audit');
    expect(audit.status).toBe(200);
    expect(audit.body.entries).toContainEqual(expect.objectContaining({ action: 'acknowledged', by: 'operator-user', alertId: id }));

    const again = await post(`/api/alerts/${id}/acknowledge`, {}, 'admin');
    expect(again.status).toBe(200);
    expect(again.body.acknowledged.by).toBe('operator-user');

    const res = await post(`/api/alerts/${id}/resolve`, undefined, 'admin');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id, state: 'resolved', resolved: { by: 'admin-user', reason: 'operator' } });

    const late = await post(`/api/alerts/${id}/acknowledge`, {});
    expect(late.status).toBe(409);
    expect(late.body.error).toBe('conflict');
    expect((await post(`/api/alerts/${id}/resolve`, {})).body.state).toBe('resolved');
    expect((await post('/api/alerts/alert-9999/acknowledge', {})).status).toBe(404);
    expect((await post('/api/alerts/alert-9999/resolve', {})).status).toBe(404);
  });

  it('mark friendly resolves the track\'s alerts as friendly; 404 for an unknown track', async () => {
    const alert = f.pipeline.alerts().find((a) => a.state !== 'resolved' && f.pipeline.track(a.trackId))!;
    expect(alert).toBeDefined();
    const r = await post(`/api/tracks/${alert.trackId}/friendly`, { note: 'CBP drone' });
    expect(r.status).toBe(200);
    expect(r.body.changes).toContainEqual(expect.objectContaining({ kind: 'suppressed', by: 'operator-user' }));
    expect(f.pipeline.alert(alert.id)).toMatchObject({ state: 'resolved', resolved: { reason: 'friendly', by: 'operator-user' } });
    expect((await post('/api/tracks/999999/friendly', {})).status).toBe(404);
  });
});

describe('replay', () => {
  it('reports the stored span, starts, pauses, seeks, resumes and stops', async () => {
    const g = await get('/api/replay', 'operator');
    expect(g.status).toBe(200);
    expect(g.body.span.firstMs).toBeGreaterThanOrEqual(f.startMs);
    expect(g.body.state.running).toBe(false);
    const fromMs = g.body.span.firstMs;

    const start = await post('/api/replay', { fromMs, toMs: fromMs + 120_000, speed: 10 });
    expect(start.status).toBe(200);
    expect(start.body).toMatchObject({ running: true, paused: false, speed: 10, fromMs, toMs: fromMs + 120_000 });
    const pause = await post('/api/replay/control', { action: 'pause' });
    expect(pause.body).toMatchObject({ running: true, paused: true });
    const seek = await post('/api/replay/control', { action: 'seek', timeMs: fromMs + 60_000 });
    expect(seek.body.timeMs).toBe(fromMs + 60_000);
    expect(seek.body.detections).toBeGreaterThan(0);
    const resume = await post('/api/replay/control', { action: 'resume', speed: 20 });
    expect(resume.body).toMatchObject({ paused: false, speed: 20 });
    const stop = await post('/api/replay/control', { action: 'stop' });
    expect(stop.body.running).toBe(false);

    expect((await post('/api/replay/control', { action: 'seek' })).status).toBe(400);
    const notRunning = await post('/api/replay/control', { action: 'seek', timeMs: fromMs });
    expect(notRunning.status).toBe(409);
    expect((await post('/api/replay', { fromMs, speed: 5000 })).status).toBe(400);
    expect((await post('/api/replay', { fromMs, toMs: fromMs - 1, speed: 1 })).status).toBe(400);
    expect((await post('/api/replay/control', { action: 'rewind' })).status).toBe(400);
  });
});

describe('admin', () => {
  it('creates, lists and revokes tokens; the secret is shown once and never listed', async () => {
    const c = await post('/api/tokens', { role: 'viewer', label: 'wall display', ttlH: 12 }, 'admin');
    expect(c.status).toBe(200);
    expect(c.body).toMatchObject({ role: 'viewer', label: 'wall display', expiresMs: f.timeMs() + 12 * 3_600_000 });
    expect(c.body.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const s = await call(f, 'GET', '/api/session', { token: c.body.token });
    expect(s.body).toMatchObject({ role: 'viewer', label: 'wall display' });

    const list = await get('/api/tokens', 'admin');
    expect(list.status).toBe(200);
    const listed = list.body.tokens.find((t: any) => t.id === c.body.id);
    expect(listed).toMatchObject({ role: 'viewer', label: 'wall display', revoked: false });
    expect(list.text).not.toContain(c.body.token);
    expect(list.text).not.toContain('hash');

    const del = await call(f, 'DELETE', `/api/tokens/${c.body.id}`, { token: f.tokens.admin });
    expect(del.status).toBe(200);
    expect(del.body).toEqual({ id: c.body.id, revoked: true });
    expect((await call(f, 'GET', '/api/session', { token: c.body.token })).status).toBe(401);
    expect((await call(f, 'DELETE', '/api/tokens/tok-nope', { token: f.tokens.admin })).status).toBe(404);

    const audit = await get('/api/audit');
    expect(audit.body.entries).toContainEqual(expect.objectContaining({ action: 'token-create', by: 'admin-user' }));
    expect(audit.body.entries).toContainEqual(expect.objectContaining({ action: 'token-revoke', by: 'admin-user', detail: c.body.id }));
    expect((await post('/api/tokens', { role: 'root', label: 'x' }, 'admin')).status).toBe(400);
    expect((await post('/api/tokens', { role: 'viewer', label: '' }, 'admin')).status).toBe(400);
  });

  it('settings: defaults, a partial change merges, bad values are refused', async () => {
    const g = await get('/api/settings');
    expect(g.status).toBe(200);
    expect(g.body).toEqual({ retention: { detectionsH: 24, historyH: 168, alertsDays: 365 }, basemapStyleUrl: null });
    const put = await call(f, 'PUT', '/api/settings', { token: f.tokens.admin, body: { retention: { detectionsH: 48 }, basemapStyleUrl: 'https://tiles.example.org/style.json' } });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ retention: { detectionsH: 48, historyH: 168, alertsDays: 365 }, basemapStyleUrl: 'https://tiles.example.org/style.json' });
    expect((await get('/api/settings')).body).toEqual(put.body);
    const clear = await call(f, 'PUT', '/api/settings', { token: f.tokens.admin, body: { basemapStyleUrl: null } });
    expect(clear.body.basemapStyleUrl).toBeNull();
    expect(clear.body.retention.detectionsH).toBe(48);
    for (const body of [{ basemapStyleUrl: 'ftp://x/style.json' }, { retention: { detectionsH: -1 } }, { colour: 'red' }]) {
      const r = await call(f, 'PUT', '/api/settings', { token: f.tokens.admin, body });
      expect(r.status).toBe(400);
      expect(r.body.error).toBe('bad_request');
    }
  });
});

describe('documentation and metrics', () => {
  it('the OpenAPI document lists every API route with the bearer scheme', async () => {
    const r = await get('/docs/json');
    expect(r.status).toBe(200);
    expect(r.body.openapi).toMatch(/^3\./);
    expect(r.body.components.securitySchemes.bearerAuth).toEqual({ type: 'http', scheme: 'bearer' });
    const paths = Object.keys(r.body.paths);
    for (const p of [
      '/health', '/metrics', '/api/session', '/api/tracks', '/api/tracks/{id}', '/api/tracks/{id}/history', '/api/tracks/{id}/events',
      '/api/alerts', '/api/alerts/{id}', '/api/events', '/api/zones', '/api/sensors', '/api/sector', '/api/export/tracks.geojson', '/api/activity', '/api/blueforce',
      '/api/audit', '/api/alerts/{id}/acknowledge', '/api/alerts/{id}/resolve', '/api/tracks/{id}/friendly', '/api/replay',
      '/api/replay/control', '/api/tokens', '/api/tokens/{id}', '/api/settings', '/api/stream',
    ]) expect(paths).toContain(p);
    expect(r.body.paths['/health'].get.security).toEqual([]);
    expect(r.body.paths['/api/stream'].get.parameters.map((p: any) => p.name)).toEqual(expect.arrayContaining(['token', 'filter']));
    expect(r.body.paths['/api/replay'].post.requestBody.content['application/json'].schema.properties.speed.maximum).toBe(1000);
    expect(r.body.paths['/api/alerts'].get.parameters.map((p: any) => p.name)).toContain('state');
  });

  it('the docs page takes ?token= and then a cookie (a browser cannot send the header)', async () => {
    const page = await call(f, 'GET', `/docs?token=${f.tokens.viewer}`);
    expect(page.status).toBe(200);
    const cookie = page.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^centinela_docs=.*HttpOnly/);
    const json = await call(f, 'GET', '/docs/json', { headers: { cookie: cookie.split(';')[0] } });
    expect(json.status).toBe(200);
    expect((await call(f, 'GET', `/api/tracks?token=${f.tokens.viewer}`)).status).toBe(401); // the API itself takes only the header
    expect((await call(f, 'GET', '/api/tracks', { headers: { cookie: cookie.split(';')[0] } })).status).toBe(401);
  });

  it('/metrics exposes pipeline, bus, HTTP, WebSocket, auth, process and plugged-in counters', async () => {
    await call(f, 'GET', '/api/tracks', { token: 'not-a-valid-token-at-all' });
    f.feedTo(305); // detections by source are counted from the bus once the server runs
    const r = await get('/metrics');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/text\/plain/);
    const m = r.text;
    expect(m).toMatch(new RegExp(`^centinela_detections_accepted_total ${f.pipeline.counters.accepted}$`, 'm'));
    expect(m).toMatch(/^centinela_detections_rejected_total\{reason="late"\} \d+$/m);
    expect(m).toMatch(/^centinela_detections_received_total\{sensor="radar-hidalgo"\} [1-9]\d*$/m);
    expect(m).toMatch(new RegExp(`^centinela_tracks\\{status="confirmed"\\} \\d+$`, 'm'));
    expect(m).toMatch(/^centinela_alerts\{state="open"\} \d+$/m);
    expect(m).toMatch(/^centinela_bus_messages_total\{topic="tracks"\} [1-9]\d*$/m);
    expect(m).toMatch(/^centinela_http_requests_total\{method="GET",route="\/api\/tracks",status="200"\} [1-9]\d*$/m);
    expect(m).toMatch(/^centinela_ws_clients \d+$/m);
    expect(m).toMatch(/^centinela_auth_failures_total\{reason="unknown"\} [1-9]\d*$/m);
    expect(m).toMatch(/^process_cpu_user_seconds_total /m);
    expect(m).toMatch(/^centinela_test_adapter_received\{source="unit"\} 7$/m);
    expect(m).toMatch(/^# TYPE centinela_test_adapter_rejected_total counter$/m);
  });
});

describe('input validation', () => {
  it('bad JSON, unknown fields, wrong media type → 400/415 with a clear message', async () => {
    const id = f.pipeline.alerts()[0].id;
    const empty = await call(f, 'POST', '/api/alerts/alert-9999/acknowledge', { token: f.tokens.operator, rawBody: '' });
    expect(empty.status).toBe(404); // an empty JSON body is no body, not an error
    const poisoned = await call(f, 'POST', `/api/alerts/${id}/acknowledge`, { token: f.tokens.operator, rawBody: '{"__proto__": {"admin": true}}' });
    expect(poisoned.status).toBe(400);
    const badJson = await call(f, 'POST', `/api/alerts/${id}/acknowledge`, { token: f.tokens.operator, rawBody: '{"note": ' });
    expect(badJson.status).toBe(400);
    expect(badJson.body.error).toBe('bad_request');
    expect(badJson.body.message).toMatch(/JSON/);
    const unknown = await post('/api/replay', { fromMs: 0, sped: 2 });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toMatch(/sped/);
    const text = await call(f, 'POST', '/api/replay', { token: f.tokens.operator, rawBody: 'fromMs=0', headers: { 'content-type': 'text/plain' } });
    expect(text.status).toBe(400);
    expect(text.body.message).toMatch(/expected object/);
    const wrongType = await call(f, 'POST', '/api/replay', { token: f.tokens.operator, rawBody: 'fromMs=0', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(wrongType.status).toBe(415);
    expect(wrongType.body.error).toBe('unsupported_media_type');
  });

  it('a body over 64 KiB → 413', async () => {
    const id = f.pipeline.alerts()[0].id;
    const r = await post(`/api/alerts/${id}/acknowledge`, { note: 'x'.repeat(70 * 1024) });
    expect(r.status).toBe(413);
    expect(r.body.error).toBe('payload_too_large');
  });

  it('a plain GET of the stream → 426', async () => {
    const r = await get('/api/stream');
    expect(r.status).toBe(426);
    expect(r.body.error).toBe('upgrade_required');
  });

  it('an unknown route with a token → 404 JSON', async () => {
    const r = await get('/api/nothing-here');
    expect(r.status).toBe(404);
    expect(r.body.error).toBe('not_found');
  });
});
