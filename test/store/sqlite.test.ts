import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Alert, AlertChange, AlertChangeKind, AlertState } from '../../src/alerts/types.js';
import type { TrackEvent } from '../../src/assess/types.js';
import { OBJECT_CLASSES, type Detection } from '../../src/model/detection.js';
import type { TrackView } from '../../src/pipeline/views.js';
import { sensorConfigSchema } from '../../src/sim/sensors/index.js';
import { SCHEMA_VERSION } from '../../src/store/schema.js';
import { SqliteStore } from '../../src/store/sqlite.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

// ── fixtures ──

function detection(timeMs: number, sensorId = 'radar-1', rangeM = 100): Detection {
  return {
    sensorId,
    timeMs,
    measurement: { kind: 'polar', rangeM, azimuthRad: 0.5, sigma: { rangeM: 5, azimuthRad: 0.01 } },
  };
}

function view(trackId: number, timeMs: number, latDeg = 26): TrackView {
  return {
    id: trackId, trackId, objectId: trackId, timeMs, reportable: true, objectAgeS: 1,
    velocity: { e: 1, n: 2, u: 0 },
    classification: {
      cls: 'rotary-drone', probability: 0.8, pDrone: 0.9, reasons: ['micro-Doppler'],
      probabilities: { 'rotary-drone': 0.8, 'fixed-wing-drone': 0.1, bird: 0.05, 'manned-aircraft': 0, 'ground-vehicle': 0, unknown: 0.05 },
    },
    disposition: 'suspect', side: 'US', onProtectedSide: true, crossedInbound: null, zonesInside: [],
    intent: { intent: 'approaching', timeToBorderS: null, zones: [] },
    hovering: false, lastDrop: null, launch: null, zoneLoiter: null, areaLoiter: false, dark: true, darkRfExpectedS: 12,
    spoof: null, identities: { remoteId: null, icao: null, rf: null, callsign: null }, friend: null,
    threat: { score: 0.7, evidence: ['dark'] },
    status: 'confirmed', existence: 0.99, latDeg, lonDeg: -98, heightM: 60, altitudeM: 40,
    e: 10, n: 20, u: 40, speedMps: 12, courseDeg: 350, sigmaHorizontalM: 5, sigmaVerticalM: 8,
    sensors: ['radar-1'], affiliation: 'suspect', lastHitMs: timeMs, startMs: 0,
  };
}

function alert(id: string, openedMs: number, state: AlertState, updatedMs = openedMs): Alert {
  return {
    id, objectId: 1, trackId: 1, trackIds: [1], family: 'incident', rules: ['border-crossing'], title: 'Drone crossed',
    severity: 'high', state, openedMs, updatedMs, acknowledged: null, resolved: null, evidence: ['crossed northbound'],
    events: [], threatScore: 0.8, cls: 'rotary-drone', pDrone: 0.9, disposition: 'suspect', trackEnded: false,
  };
}

function change(kind: AlertChangeKind, a: Alert): AlertChange {
  return { kind, timeMs: a.updatedMs, alert: a, by: kind === 'opened' ? 'system' : 'ops-1', detail: kind };
}

function hover(trackId: number, timeMs: number): TrackEvent {
  return { type: 'hover', trackId, timeMs, startMs: timeMs - 5000, durationS: 5, position: { e: 1, n: 2 }, heightM: 30 };
}

function all(store: SqliteStore, window = {}): Detection[] {
  return [...store.detections(window)];
}

// ── arbitraries: any valid Detection ──

/** JSON has no −0: it comes back as 0 (see its own test), so the property draws plain zeros. */
const real = (c: fc.DoubleConstraints = {}) => fc.double({ noNaN: true, noDefaultInfinity: true, ...c }).map((x) => (x === 0 ? 0 : x));
const positive = real({ min: 1e-9, max: 1e9 });
const text = fc.string({ unit: 'binary', minLength: 1, maxLength: 12 });

const measurement = fc.oneof(
  fc.record(
    { kind: fc.constant('polar' as const), rangeM: real({ min: 0 }), azimuthRad: real(), elevationRad: real(), rangeRateMps: real(),
      sigma: fc.record({ rangeM: positive, azimuthRad: positive, elevationRad: positive }, { requiredKeys: ['rangeM', 'azimuthRad'] }) },
    { requiredKeys: ['kind', 'rangeM', 'azimuthRad', 'sigma'] },
  ),
  fc.record(
    { kind: fc.constant('bearing' as const), azimuthRad: real(), elevationRad: real(), sigma: fc.record({ azimuthRad: positive }) },
    { requiredKeys: ['kind', 'azimuthRad', 'sigma'] },
  ),
  fc.record({
    kind: fc.constant('position' as const), latDeg: real({ min: -90, max: 90 }), lonDeg: real({ min: -180, max: 180 }),
    heightAboveEllipsoidM: real(), covarianceEnu: fc.array(real(), { minLength: 9, maxLength: 9 }),
  }),
  fc.record(
    { kind: fc.constant('gnss' as const), latDeg: real({ min: -90, max: 90 }), lonDeg: real({ min: -180, max: 180 }),
      heightAboveEllipsoidM: real(), horizontalAccuracyM: positive, verticalAccuracyM: positive,
      velocityEnuMps: fc.tuple(real(), real(), real()) },
    { requiredKeys: ['kind', 'latDeg', 'lonDeg', 'heightAboveEllipsoidM', 'horizontalAccuracyM', 'verticalAccuracyM'] },
  ),
);

const evidence = fc.record(
  {
    classLabel: fc.record({ label: fc.constantFrom(...OBJECT_CLASSES), confidence: real({ min: 0, max: 1 }) }),
    rf: fc.record({ protocol: text, frequencyMHz: positive, emitterId: text }, { requiredKeys: ['protocol', 'frequencyMHz'] }),
    remoteId: fc.record({ serial: text, operator: fc.record({ latDeg: real({ min: -90, max: 90 }), lonDeg: real({ min: -180, max: 180 }) }) }, { requiredKeys: ['serial'] }),
    icao: fc.constantFrom('A1B2C3', '000000'),
    callsign: fc.string({ maxLength: 8 }),
  },
  { requiredKeys: [] },
);

/** Few distinct times, so that many detections share one. */
const arbDetection: fc.Arbitrary<Detection> = fc.record(
  { sensorId: text, timeMs: fc.oneof(fc.integer({ min: 0, max: 20 }), real({ min: 0, max: 20 })), measurement, evidence },
  { requiredKeys: ['sensorId', 'timeMs', 'measurement'] },
);

// ── tests ──

describe('SqliteStore', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'centinela-store-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('detections', () => {
    it('round-trip exactly, in time order then insertion order, over any window', () => {
      fc.assert(
        fc.property(
          fc.array(fc.array(arbDetection, { maxLength: 25 }), { maxLength: 4 }),
          fc.option(fc.integer({ min: 0, max: 20 })),
          fc.option(fc.integer({ min: 0, max: 20 })),
          (batches, fromMs, toMs) => {
            const store = SqliteStore.open(':memory:');
            for (const batch of batches) {
              store.addDetections(batch);
              store.flush();
            }
            const window = { fromMs: fromMs ?? undefined, toMs: toMs ?? undefined };
            const expected = batches
              .flat()
              .filter((d) => d.timeMs >= (fromMs ?? -Infinity) && d.timeMs <= (toMs ?? Infinity))
              .sort((a, b) => a.timeMs - b.timeMs); // stable: ties keep insertion order
            expect(all(store, window)).toEqual(expected); // not toStrictEqual: fast-check draws some records without a prototype
            store.close();
          },
        ),
        { numRuns: 150 },
      );
    });

    it('keep insertion order for equal times across read pages, and honour the limit', () => {
      const store = SqliteStore.open(':memory:');
      const ds = Array.from({ length: 2500 }, (_, i) => detection(i < 1200 ? 7 : 8, `s${i}`));
      store.addDetections(ds);
      store.flush();
      expect(all(store).map((d) => d.sensorId)).toEqual(ds.map((d) => d.sensorId));
      expect(all(store, { limit: 1500 })).toEqual(ds.slice(0, 1500));
      expect(all(store, { fromMs: 8, limit: 3 })).toEqual(ds.slice(1200, 1203));
      store.close();
    });

    it('are read lazily, and the store still takes writes while a replay iterates', () => {
      const store = SqliteStore.open(':memory:');
      store.addDetections(Array.from({ length: 3000 }, (_, i) => detection(i)));
      store.flush();
      const replay = store.detections({ fromMs: 0 });
      expect(replay.next().value).toEqual(detection(0));
      store.addDetections([detection(10_000, 'late')]);
      expect(() => store.flush()).not.toThrow();
      expect([...replay].length).toBe(3000); // the 2999 left, then the one written meanwhile
      store.close();
    });

    it('report their time span', () => {
      const store = SqliteStore.open(':memory:');
      expect(store.detectionSpan()).toBeNull();
      store.addDetections([detection(50), detection(10), detection(30)]);
      store.flush();
      expect(store.detectionSpan()).toEqual({ firstMs: 10, lastMs: 50 });
      store.close();
    });

    it('that cannot be stored faithfully are refused and counted; the rest are kept', () => {
      const store = SqliteStore.open(':memory:');
      const cyclic = detection(4) as Detection & { self?: unknown };
      cyclic.self = cyclic;
      const bad = [
        detection(NaN),
        detection(1, 'nan-range', NaN),
        detection(2, 'inf-range', Infinity),
        { ...detection(3), extra: 10n } as unknown as Detection,
        cyclic,
      ];
      const good = [detection(5, 'null-in-a-name'), detection(6, 'ok')];
      store.addDetections([...bad, ...good]);
      store.flush();
      expect(store.rejectedDetections).toBe(bad.length);
      expect(all(store)).toEqual(good);
      store.close();
    });

    it('store −0 as 0 (JSON has no negative zero)', () => {
      const store = SqliteStore.open(':memory:');
      const d = detection(1);
      if (d.measurement.kind === 'polar') d.measurement.azimuthRad = -0;
      store.addDetections([d]);
      store.flush();
      const [back] = all(store);
      expect(back.measurement.kind === 'polar' && Object.is(back.measurement.azimuthRad, 0)).toBe(true);
      store.close();
    });

    it('are visible only after flush, and the queue flushes itself when full', () => {
      const store = SqliteStore.open(':memory:', { maxQueuedRows: 1000 });
      store.addDetections(Array.from({ length: 999 }, (_, i) => detection(i)));
      expect(all(store)).toHaveLength(0);
      store.addDetections([detection(999)]);
      expect(all(store)).toHaveLength(1000);
      store.close();
    });

    it('100k detections flush in one go', () => {
      const store = SqliteStore.open(path.join(dir, 'big.db'));
      store.addDetections(Array.from({ length: 100_000 }, (_, i) => detection(1e12 + i * 10, `s${i % 50}`)));
      store.flush();
      expect(store.detectionSpan()).toEqual({ firstMs: 1e12, lastMs: 1e12 + 999_990 });
      let n = 0;
      for (const _ of store.detections({})) n++;
      expect(n).toBe(100_000);
      store.close();
    });
  });

  describe('tracks', () => {
    it('keep at most one history row per track per interval, plus the final view of a removed track', () => {
      const store = SqliteStore.open(':memory:', { historyIntervalMs: 1000 });
      for (let t = 0; t <= 2750; t += 250) {
        store.addTrackUpdate({ timeMs: t, tracks: [view(1, t, 26 + t / 1e6), view(2, t)], removed: [] });
      }
      store.addTrackUpdate({ timeMs: 3000, tracks: [view(2, 3000)], removed: [1] });
      store.flush();
      expect(store.trackHistory(1).map((p) => p.timeMs)).toEqual([0, 1000, 2000, 2750]);
      expect(store.trackHistory(2).map((p) => p.timeMs)).toEqual([0, 1000, 2000, 3000]);
      expect(store.trackHistory(1, { fromMs: 500, toMs: 2000 }).map((p) => p.timeMs)).toEqual([1000, 2000]);
      expect(store.trackHistory(1)[0]).toEqual({
        timeMs: 0, latDeg: 26, lonDeg: -98, altitudeM: 40, speedMps: 12, courseDeg: 350, cls: 'rotary-drone', pDrone: 0.9, threat: 0.7,
      });
      store.close();
    });

    it('keep the last view, also of a track that ended', () => {
      const store = SqliteStore.open(':memory:');
      store.addTrackUpdate({ timeMs: 0, tracks: [view(1, 0), view(2, 0)], removed: [] });
      store.addTrackUpdate({ timeMs: 1000, tracks: [view(1, 1000, 27)], removed: [2] });
      store.flush();
      expect(store.lastTrackView(1)).toEqual(view(1, 1000, 27));
      expect(store.lastTrackView(2)).toEqual(view(2, 0));
      expect(store.lastTrackView(3)).toBeNull();
      store.close();
    });
  });

  describe('events, alerts, actions, audit', () => {
    it('filter events by track, type and time', () => {
      const store = SqliteStore.open(':memory:');
      const crossed: TrackEvent = { type: 'track-ended', trackId: 2, timeMs: 150 };
      for (const e of [hover(1, 100), hover(2, 200), crossed, hover(1, 300)]) store.addEvent(e);
      store.flush();
      expect(store.events({})).toEqual([hover(1, 100), crossed, hover(2, 200), hover(1, 300)]);
      expect(store.events({ trackId: 1 })).toEqual([hover(1, 100), hover(1, 300)]);
      expect(store.events({ type: 'hover', fromMs: 150 })).toEqual([hover(2, 200), hover(1, 300)]);
      expect(store.events({ trackId: 2, type: 'track-ended' })).toEqual([crossed]);
      expect(store.events({ limit: 1 })).toEqual([hover(1, 100)]);
      store.close();
    });

    it('keep each alert’s latest snapshot and every change in order, newest alert first', () => {
      const store = SqliteStore.open(':memory:');
      const opened = alert('alert-1', 1000, 'open');
      const acked = { ...alert('alert-1', 1000, 'acknowledged', 2000), acknowledged: { by: 'ops-1', timeMs: 2000 } };
      const second = alert('alert-2', 1500, 'open');
      store.addAlertChange(change('opened', opened));
      store.addAlertChange(change('opened', second));
      store.addAlertChange(change('acknowledged', acked));
      store.flush();
      expect(store.alert('alert-1')).toEqual(acked);
      expect(store.alert('alert-9')).toBeNull();
      expect(store.alertChanges('alert-1')).toEqual([change('opened', opened), change('acknowledged', acked)]);
      expect(store.alerts().map((a) => a.id)).toEqual(['alert-2', 'alert-1']);
      expect(store.alerts({ state: 'acknowledged' })).toEqual([acked]);
      expect(store.alerts({ limit: 1 }).map((a) => a.id)).toEqual(['alert-2']);
      store.close();
    });

    it('keep operator actions and the audit trail in time order', () => {
      const store = SqliteStore.open(':memory:');
      store.addAction({ type: 'mark-friendly', trackId: 3, by: 'ops-1', timeMs: 20 });
      store.addAction({ type: 'acknowledge', alertId: 'alert-1', by: 'ops-1', timeMs: 10, note: 'seen' });
      store.addAudit({ timeMs: 10, by: 'ops-1', action: 'acknowledge', alertId: 'alert-1', trackId: null, detail: '' });
      store.addAudit({ timeMs: 20, by: 'system', action: 'login', alertId: null, trackId: 3, detail: 'x' });
      store.flush();
      expect(store.actions({}).map((a) => a.timeMs)).toEqual([10, 20]);
      expect(store.actions({ fromMs: 15 })).toEqual([{ type: 'mark-friendly', trackId: 3, by: 'ops-1', timeMs: 20 }]);
      expect(store.audit({ toMs: 15 })).toEqual([{ timeMs: 10, by: 'ops-1', action: 'acknowledge', alertId: 'alert-1', trackId: null, detail: '' }]);
      expect(store.audit({})).toHaveLength(2);
      store.close();
    });
  });

  describe('retention', () => {
    it('prunes exactly what is older than each retention, and never an unresolved alert', () => {
      const store = SqliteStore.open(':memory:', { retention: { detectionsH: 1, historyH: 2, alertsDays: 3 } });
      const now = 100 * DAY;
      const d = now - HOUR;
      store.addDetections([detection(d - 1), detection(d), detection(now)]);
      const h = now - 2 * HOUR;
      store.addTrackUpdate({ timeMs: h - 1, tracks: [view(1, h - 1), view(2, h - 1)], removed: [] });
      store.addTrackUpdate({ timeMs: h, tracks: [view(2, h)], removed: [] });
      store.addEvent(hover(1, h - 1));
      store.addEvent(hover(1, h));
      const a = now - 3 * DAY;
      const oldResolved = alert('alert-1', a - 10, 'resolved', a - 1);
      const oldOpen = alert('alert-2', a - 10, 'open', a - 5);
      const recentResolved = alert('alert-3', a - 10, 'resolved', a);
      for (const x of [oldResolved, oldOpen, recentResolved]) store.addAlertChange(change('opened', x));
      store.addAction({ type: 'resolve', alertId: 'alert-1', by: 'ops', timeMs: a - 1 });
      store.addAction({ type: 'resolve', alertId: 'alert-3', by: 'ops', timeMs: a });
      store.addAudit({ timeMs: a - 1, by: 'ops', action: 'resolve', alertId: 'alert-1', trackId: null, detail: '' });

      expect(store.prune(now)).toEqual({
        detections: 1, track_history: 2, track_last: 1, events: 1, alert_changes: 1, alerts: 1, actions: 1, audit: 1, activity: 0, activity_tracks: 0,
      });
      // Where they flew outlives the history (kept as long as the alerts): three samples, two tracks.
      const act = store.activity({ fromMs: h - HOUR, toMs: now, all: true });
      expect([act.hoursUtc.reduce((x, y) => x + y, 0), act.tracks]).toEqual([3, 2]);
      expect(all(store).map((x) => x.timeMs)).toEqual([d, now]);
      expect(store.trackHistory(1)).toEqual([]);
      expect(store.trackHistory(2).map((p) => p.timeMs)).toEqual([h]);
      expect(store.lastTrackView(1)).toBeNull();
      expect(store.events({})).toEqual([hover(1, h)]);
      expect(store.alerts().map((x) => x.id)).toEqual(['alert-3', 'alert-2']);
      expect(store.alertChanges('alert-1')).toEqual([]);
      expect(store.alertChanges('alert-2')).toHaveLength(1);
      expect(store.actions({}).map((x) => x.timeMs)).toEqual([a]);
      expect(store.audit({})).toEqual([]);
      store.close();
    });

    it('takes the retention passed to prune over the one it was opened with', () => {
      const store = SqliteStore.open(':memory:', { retention: { detectionsH: 1, historyH: 1, alertsDays: 1 } });
      store.addDetections([detection(0)]);
      expect(store.prune(10 * HOUR, { detectionsH: 24, historyH: 24, alertsDays: 1 }).detections).toBe(0);
      expect(store.prune(10 * HOUR).detections).toBe(1);
      store.close();
    });
  });

  describe('settings and tokens', () => {
    it('keeps meta values, but not the schema version', () => {
      const store = SqliteStore.open(':memory:');
      expect(store.getMeta('site')).toBeNull();
      store.setMeta('site', 'Hidalgo');
      store.setMeta('site', 'Roma');
      expect(store.getMeta('site')).toBe('Roma');
      expect(store.getMeta('schema_version')).toBe(String(SCHEMA_VERSION));
      expect(() => store.setMeta('schema_version', '7')).toThrow(/managed by the store/);
      store.close();
    });

    it('finds tokens by hash and revokes them', () => {
      const store = SqliteStore.open(':memory:');
      const admin = { id: 't1', hash: 'aa'.repeat(32), role: 'admin' as const, label: 'setup', createdMs: 1, expiresMs: null, revoked: false };
      const viewer = { id: 't2', hash: 'bb'.repeat(32), role: 'viewer' as const, label: 'wall', createdMs: 2, expiresMs: 99, revoked: false };
      store.addToken(admin);
      store.addToken(viewer);
      expect(store.tokenByHash(admin.hash)).toEqual(admin);
      expect(store.tokenByHash('cc'.repeat(32))).toBeNull();
      expect(() => store.addToken({ ...viewer, id: 't3' })).toThrow(/UNIQUE/);
      expect(store.revokeToken('t2')).toBe(true);
      expect(store.revokeToken('t9')).toBe(false);
      expect(store.tokenByHash(viewer.hash)).toEqual({ ...viewer, revoked: true });
      expect(store.tokens().map((t) => [t.id, t.revoked])).toEqual([['t1', false], ['t2', true]]);
      store.close();
    });
  });

  describe('the file', () => {
    it('keeps everything across a restart, in WAL mode', () => {
      const file = path.join(dir, 'centinela.db');
      const store = SqliteStore.open(file);
      const opened = alert('alert-1', 5, 'open');
      store.addDetections([detection(5), detection(6)]);
      store.addTrackUpdate({ timeMs: 5, tracks: [view(1, 5)], removed: [] });
      store.addEvent(hover(1, 5));
      store.addAlertChange(change('opened', opened));
      store.addAction({ type: 'acknowledge', alertId: 'alert-1', by: 'ops', timeMs: 6 });
      store.addAudit({ timeMs: 6, by: 'ops', action: 'acknowledge', alertId: 'alert-1', trackId: 1, detail: '' });
      store.setMeta('site', 'Roma');
      store.close(); // flushes what is queued

      const raw = new Database(file);
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
      raw.close();

      const again = SqliteStore.open(file);
      expect(all(again)).toEqual([detection(5), detection(6)]);
      expect(again.trackHistory(1)).toHaveLength(1);
      expect(again.lastTrackView(1)).toEqual(view(1, 5));
      expect(again.events({})).toEqual([hover(1, 5)]);
      expect(again.alert('alert-1')).toEqual(opened);
      expect(again.alertChanges('alert-1')).toHaveLength(1);
      expect(again.actions({})).toHaveLength(1);
      expect(again.audit({})).toHaveLength(1);
      expect(again.getMeta('site')).toBe('Roma');
      again.close();
      again.close(); // a second close is harmless
    });

    it('refuses a file that is not SQLite, with a clear error', () => {
      const file = path.join(dir, 'notes.db');
      fs.writeFileSync(file, 'these are not the droids you are looking for\n'.repeat(100));
      expect(() => SqliteStore.open(file)).toThrow(/notes\.db: cannot open the store: not an SQLite database, or corrupt/);
    });

    it('refuses an SQLite database that is not a store, and a store from a newer version', () => {
      const foreign = path.join(dir, 'foreign.db');
      const other = new Database(foreign);
      other.exec('CREATE TABLE things (x)');
      other.close();
      expect(() => SqliteStore.open(foreign)).toThrow(/not a Centinela store/);

      const newer = path.join(dir, 'newer.db');
      SqliteStore.open(newer).close();
      const raw = new Database(newer);
      raw.prepare(`UPDATE meta SET value = '99' WHERE key = 'schema_version'`).run();
      raw.close();
      expect(() => SqliteStore.open(newer)).toThrow(new RegExp(`schema version 99 is newer than this build supports \\(${SCHEMA_VERSION}\\)`));
    });

    it('upgrades a version-1 store in place, keeping what it holds (its history in the activity tables), and then keeps run-time sensors', () => {
      const old = path.join(dir, 'v1.db');
      let store = SqliteStore.open(old);
      store.setMeta('kept', 'yes');
      const t = Date.parse('2026-11-20T05:10:00Z');
      store.addTrackUpdate({ timeMs: t, tracks: [view(7, t)], removed: [] });
      store.addTrackUpdate({ timeMs: t + 2000, tracks: [view(7, t + 2000)], removed: [] });
      store.close();
      // What the first build wrote: schema version 1, none of the later tables.
      const raw = new Database(old);
      raw.exec(`DROP TABLE sensors; DROP TABLE activity; DROP TABLE activity_tracks; UPDATE meta SET value = '1' WHERE key = 'schema_version'`);
      raw.close();
      store = SqliteStore.open(old);
      expect(store.getMeta('schema_version')).toBe(String(SCHEMA_VERSION));
      expect(store.getMeta('kept')).toBe('yes');
      const act = store.activity({ fromMs: t, toMs: t, all: true });
      expect([act.hoursUtc[5], act.tracks, act.cells.length]).toEqual([2, 1, 1]);
      const radar = (id: string, latDeg: number) => sensorConfigSchema.parse({ id, kind: 'radar', position: { latDeg, lonDeg: -98.2, heightAboveEllipsoidM: 20 } });
      store.saveSensor(radar('sapient:n1', 26.1), 1000);
      store.saveSensor(radar('sapient:n0', 26.1), 2000);
      store.saveSensor(radar('sapient:n1', 26.2), 3000); // the same node, moved
      store.close();
      store = SqliteStore.open(old);
      expect(store.savedSensors().map((c) => [c.id, c.position.latDeg])).toEqual([['sapient:n1', 26.2], ['sapient:n0', 26.1]]);
      store.close();
    });
  });
});
