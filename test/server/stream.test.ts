/* eslint-disable @typescript-eslint/no-explicit-any */
import { EventEmitter } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrackView } from '../../src/pipeline/views.js';
import { Stream } from '../../src/server/stream.js';
import { ServerMetrics } from '../../src/server/metrics.js';
import { WsClient, call, startFixture, wsUrl, type Fixture } from './helpers.js';

let f: Fixture;
beforeAll(async () => {
  f = await startFixture({ seconds: 240 });
});
afterAll(async () => {
  await f?.close();
});

const open = (query = '') => WsClient.open(wsUrl(f, `?token=${f.tokens.viewer}${query}`));
const view = (t: TrackView, change: Partial<TrackView>): TrackView => ({ ...structuredClone(t), ...change });

describe('the live stream', () => {
  it('sends a snapshot, then the track updates as more detections arrive', async () => {
    const c = await open();
    const snap = await c.next((m) => m.type === 'snapshot');
    expect(c.messages[0]).toBe(snap);
    expect(snap.timeMs).toBe(f.pipeline.counters.lastUpdateMs);
    expect(snap.tracks.map((t: any) => t.trackId).sort()).toEqual(f.pipeline.tracks().map((t) => t.trackId).sort());
    expect(snap.alerts.every((a: any) => a.state !== 'resolved')).toBe(true);
    expect(snap.alerts.length).toBeGreaterThan(0);

    const before = c.messages.length;
    f.feedTo(250);
    const upd = await c.next((m) => m.type === 'tracks', before);
    expect(upd.replay).toBe(false);
    expect(upd.timeMs).toBeGreaterThan(snap.timeMs);
    expect(upd.updated.length).toBeGreaterThan(0);
    expect(upd.updated[0]).toHaveProperty('latDeg');
    expect(Array.isArray(upd.removed)).toBe(true);
    const last = await c.next((m) => m.type === 'tracks' && m.timeMs === f.pipeline.counters.lastUpdateMs, before);
    expect(last.updated.map((t: any) => t.trackId).sort()).toEqual(f.pipeline.tracks().map((t) => t.trackId).sort());
    await c.next((m) => m.type === 'event', before);
    c.close();
  });

  it('a filter (darkOnly) keeps non-matching tracks out, and a track leaving it is sent as removed', async () => {
    const c = await open();
    await c.next((m) => m.type === 'snapshot');
    c.send({ type: 'filter', filter: { darkOnly: true } });
    const snap = await c.next((m) => m.type === 'snapshot', 1);
    expect(snap.tracks.every((t: any) => t.dark)).toBe(true);

    const from = c.messages.length;
    f.feedTo(255);
    const upd = await c.next((m) => m.type === 'tracks', from);
    expect(upd.updated.every((t: any) => t.dark)).toBe(true);

    // A track turning dark enters the filter; turning back leaves it (CREATE/UPDATE/DELETE).
    const t = f.pipeline.tracks()[0];
    const at = c.messages.length;
    f.bus.publish('tracks', { timeMs: t.timeMs + 1, tracks: [view(t, { dark: true })], removed: [], moved: [] });
    expect((await c.next((m) => m.type === 'tracks', at)).updated.map((x: any) => x.trackId)).toEqual([t.trackId]);
    const at2 = c.messages.length;
    f.bus.publish('tracks', { timeMs: t.timeMs + 2, tracks: [view(t, { dark: false })], removed: [], moved: [] });
    const left = await c.next((m) => m.type === 'tracks', at2);
    expect(left.updated).toEqual([]);
    expect(left.removed).toEqual([t.trackId]);
    c.close();
  });

  it('filters by class, threat, disposition and bbox from the query string; a bad filter is a 400 before the upgrade', async () => {
    const tracks = f.pipeline.tracks();
    const cls = tracks[0].classification.cls;
    const c = await open(`&filter=${encodeURIComponent(JSON.stringify({ classes: [cls] }))}`);
    const snap = await c.next((m) => m.type === 'snapshot');
    expect(snap.tracks.length).toBe(tracks.filter((t) => t.classification.cls === cls).length);
    c.send({ type: 'filter', filter: { minThreat: 101 } });
    const err = await c.next((m) => m.type === 'error');
    expect(err.message).toMatch(/minThreat/);
    const { latDeg, lonDeg } = tracks[0];
    c.send({ type: 'filter', filter: { bbox: [lonDeg - 1e-4, latDeg - 1e-4, lonDeg + 1e-4, latDeg + 1e-4], dispositions: [tracks[0].disposition] } });
    const boxed = await c.next((m) => m.type === 'snapshot', 1);
    expect(boxed.tracks.map((t: any) => t.trackId)).toContain(tracks[0].trackId);
    expect(boxed.tracks.length).toBeLessThan(tracks.length);
    c.send({ type: 'filter', filter: null });
    const all = await c.next((m, ) => m.type === 'snapshot' && m !== boxed && m !== snap, 2);
    expect(all.tracks.length).toBe(f.pipeline.tracks().length);
    c.close();

    await expect(open(`&filter=${encodeURIComponent('{"darkOnly": "yes"}')}`)).rejects.toThrow(/400/);
    await expect(open('&filter=not-json')).rejects.toThrow(/400/);
  });

  it('bad client messages are counted and answered with an error; the connection lives on', async () => {
    const c = await open();
    await c.next((m) => m.type === 'snapshot');
    c.send('this is not json');
    c.send({ type: 'subscribe', topic: 'everything' });
    c.send({ type: 'filter', filter: { classes: ['ufo'] } });
    c.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    await c.next((m) => m.type === 'error' && /binary/.test(m.message));
    const errors = c.messages.filter((m) => m.type === 'error');
    expect(errors).toHaveLength(4);
    expect(errors.every((e) => e.error === 'bad_message')).toBe(true);
    c.send({ type: 'ping' });
    expect((await c.next((m) => m.type === 'pong')).timeMs).toBe(f.timeMs());
    const metrics = await call(f, 'GET', '/metrics', { token: f.tokens.viewer });
    expect(metrics.text).toMatch(/^centinela_ws_bad_messages_total [4-9]\d*$/m);
    expect(metrics.text).toMatch(/^centinela_ws_clients [1-9]\d*$/m);
    expect(metrics.text).toMatch(/^centinela_ws_messages_sent_total\{type="snapshot"\} [1-9]\d*$/m);
    c.close();
  });

  it('an acknowledgement reaches every client as an alert change', async () => {
    const c = await open(`&filter=${encodeURIComponent(JSON.stringify({ darkOnly: true }))}`);
    await c.next((m) => m.type === 'snapshot');
    const id = f.pipeline.alerts().find((a) => a.state === 'open')!.id;
    expect((await call(f, 'POST', `/api/alerts/${id}/acknowledge`, { token: f.tokens.operator, body: {} })).status).toBe(200);
    const msg = await c.next((m) => m.type === 'alert');
    expect(msg).toMatchObject({ replay: false, change: { kind: 'acknowledged', by: 'operator-user', alert: { id, state: 'acknowledged' } } });
    c.close();
  });

  it('replay output streams with replay: true, with its state changes', async () => {
    const c = await open();
    await c.next((m) => m.type === 'snapshot');
    const span = f.store.detectionSpan()!;
    const r = await call(f, 'POST', '/api/replay', { token: f.tokens.operator, body: { fromMs: span.firstMs, toMs: span.firstMs + 60_000, speed: 1000 } });
    expect(r.status).toBe(200);
    expect((await c.next((m) => m.type === 'replay')).state).toMatchObject({ running: true, fromMs: span.firstMs });
    const upd = await c.next((m) => m.type === 'tracks' && m.replay === true && m.updated.length > 0);
    expect(upd.timeMs).toBeLessThanOrEqual(span.firstMs + 60_000);
    const done = await c.next((m) => m.type === 'replay' && !m.state.running, 0, 10_000);
    expect(done.state.timeMs).toBe(span.firstMs + 60_000);
    // The replay's tracks were all sent as removed when it ended, just before its final state.
    const shown = new Set<number>();
    for (const m of c.messages.slice(0, c.messages.indexOf(done))) {
      if (m.type !== 'tracks' || !m.replay) continue;
      for (const t of m.updated) shown.add(t.trackId);
      for (const id of m.removed) shown.delete(id);
    }
    expect(shown.size).toBe(0);
    c.close();
  });

  it('a replay seek clears the replay tracks a client holds; pause and speed changes do not', async () => {
    const c = await open();
    await c.next((m) => m.type === 'snapshot');
    const span = f.store.detectionSpan()!;
    const post = (path: string, body: unknown) => call(f, 'POST', path, { token: f.tokens.operator, body });
    await post('/api/replay', { fromMs: span.firstMs, toMs: span.firstMs + 200_000, speed: 20 });
    await c.next((m) => m.type === 'tracks' && m.replay && m.updated.length > 0);
    await post('/api/replay/control', { action: 'pause', speed: 50 });
    const paused = await c.next((m) => m.type === 'replay' && m.state.paused);
    const held = new Set<number>();
    for (const m of c.messages.slice(0, c.messages.indexOf(paused))) {
      if (m.type !== 'tracks' || !m.replay) continue;
      for (const t of m.updated) held.add(t.trackId);
      for (const id of m.removed) held.delete(id);
    }
    expect(held.size).toBeGreaterThan(0);
    expect(c.messages.slice(c.messages.indexOf(paused)).some((m) => m.type === 'tracks' && m.replay && m.removed.length > 0)).toBe(false);
    const at = c.messages.length;
    await post('/api/replay/control', { action: 'seek', timeMs: span.firstMs + 10_000 });
    const cleared = await c.next((m) => m.type === 'tracks' && m.replay && m.removed.length > 0, at);
    expect(new Set(cleared.removed)).toEqual(held);
    await post('/api/replay/control', { action: 'stop' });
    c.close();
  });
});

/** A socket whose buffer the test controls. */
class FakeSocket extends EventEmitter {
  readyState = 1;
  bufferedAmount = 0;
  sent: any[] = [];
  terminated = false;
  send(s: string): void {
    this.sent.push(JSON.parse(s));
  }
  close(): void {
    this.readyState = 3;
  }
  terminate(): void {
    this.terminated = true;
    this.readyState = 3;
  }
}

describe('compact moves', () => {
  it('sends a track whose conclusions did not change as a TrackMove (kinematics only)', () => {
    const metrics = new ServerMetrics({ pipeline: f.pipeline, bus: f.bus, defaultMetrics: false });
    const stream = new Stream({ pipeline: f.pipeline, bus: f.bus, metrics, log: f.app.log, now: f.timeMs });
    try {
      const [a] = f.pipeline.tracks();
      const held = new FakeSocket();
      stream.attach(held as any, { tokenId: 't', role: 'viewer', label: 'held', expiresMs: null }, null);
      f.bus.publish('tracks', { timeMs: 2000, tracks: [view(a, { latDeg: a.latDeg + 0.001 })], removed: [], moved: [a.trackId] });
      const move = held.sent.at(-1).updated[0];
      expect(move).toMatchObject({ partial: true, trackId: a.trackId, latDeg: a.latDeg + 0.001 });
      expect(move.classification).toBeUndefined(); // the conclusions stay with the client's full view
    } finally {
      stream.close();
    }
  });
});

describe('backpressure', () => {
  it('a slow client gets its track updates coalesced (counted), then the latest state once it drains; past the hard limit it is cut off', async () => {
    const metrics = new ServerMetrics({ pipeline: f.pipeline, bus: f.bus, defaultMetrics: false });
    const stream = new Stream({ pipeline: f.pipeline, bus: f.bus, metrics, log: f.app.log, now: f.timeMs, highWaterBytes: 1000, hardLimitBytes: 100_000, maxQueued: 3 });
    try {
      const ws = new FakeSocket();
      stream.attach(ws as any, { tokenId: 't', role: 'viewer', label: 'slow', expiresMs: null }, null);
      expect(ws.sent[0].type).toBe('snapshot');
      const [a, b] = f.pipeline.tracks();
      ws.bufferedAmount = 5000; // congested
      for (let i = 0; i < 5; i++) f.bus.publish('tracks', { timeMs: 1000 + i, tracks: [view(a, { speedMps: i }), view(b, { speedMps: i })], removed: [], moved: [] });
      f.bus.publish('tracks', { timeMs: 1005, tracks: [view(a, { speedMps: 99 })], removed: [b.trackId], moved: [] });
      for (let i = 0; i < 5; i++) f.bus.publish('events', { type: 'track-ended', trackId: a.trackId, timeMs: 2000 + i });
      expect(ws.sent).toHaveLength(1);
      const dropped = await metrics.registry.getSingleMetricAsString('centinela_ws_messages_dropped_total');
      expect(dropped).toMatch(/reason="coalesced"\} 10/); // 4 superseded views of a and b each, a once more, b superseded by its removal
      expect(dropped).toMatch(/reason="queue-full"\} 2/);

      ws.bufferedAmount = 0; // drained: the next update flushes what was held, coalesced, before itself
      f.bus.publish('tracks', { timeMs: 1006, tracks: [view(a, { speedMps: 100 })], removed: [], moved: [] });
      const [held, ...rest] = ws.sent.slice(1);
      expect(held).toMatchObject({ type: 'tracks', timeMs: 1005, replay: false, removed: [b.trackId] });
      expect(held.updated.map((t: any) => [t.trackId, t.speedMps])).toEqual([[a.trackId, 99]]);
      expect(rest.map((m) => m.type)).toEqual(['event', 'event', 'event', 'tracks']);
      expect(rest.at(-1).updated[0].speedMps).toBe(100);

      ws.bufferedAmount = 200_000;
      f.bus.publish('events', { type: 'track-ended', trackId: a.trackId, timeMs: 3000 });
      ws.bufferedAmount = 0;
      f.bus.publish('events', { type: 'track-ended', trackId: a.trackId, timeMs: 3001 });
      ws.bufferedAmount = 200_000;
      f.bus.publish('events', { type: 'track-ended', trackId: a.trackId, timeMs: 3002 });
      expect(ws.terminated).toBe(false); // congested: queued, not sent, so the buffer never grows
      ws.bufferedAmount = 0;
      (ws as any).send = () => { ws.bufferedAmount = 200_000; };
      f.bus.publish('events', { type: 'track-ended', trackId: a.trackId, timeMs: 3003 });
      expect(ws.terminated).toBe(true);
      expect(stream.clientCount).toBe(0);
    } finally {
      stream.close();
      metrics.close();
    }
  });
});
