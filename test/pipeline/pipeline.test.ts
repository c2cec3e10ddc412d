import { describe, expect, it } from 'vitest';
import { MemoryBus } from '../../src/bus/bus.js';
import type { AlertChange } from '../../src/alerts/types.js';
import type { Detection } from '../../src/model/detection.js';
import { Pipeline } from '../../src/pipeline/pipeline.js';
import { siteOfScenario } from '../../src/pipeline/site.js';
import type { TrackUpdate } from '../../src/pipeline/views.js';
import { loadSimScenario } from '../../src/sim/scenario.js';
import { Simulation } from '../../src/sim/simulator.js';

const scenario = loadSimScenario('border-night');
const site = siteOfScenario(scenario);
const detections = (durationS: number): Detection[] =>
  [...new Simulation(scenario, { durationS }).run()].flatMap((i) => (i.type === 'detection' ? [i.detection] : []));
const first600 = detections(600);

function run(ds: readonly Detection[], opts: ConstructorParameters<typeof Pipeline>[2] = {}) {
  const bus = new MemoryBus();
  const updates: TrackUpdate[] = [];
  const alerts: AlertChange[] = [];
  bus.subscribe('tracks', (u) => updates.push(u));
  bus.subscribe('alerts', (c) => alerts.push(c));
  const p = new Pipeline(site, bus, opts);
  for (const d of ds) bus.publish('detections', d);
  p.flush();
  return { p, bus, updates, alerts };
}

describe('Pipeline (border-night, first 10 min)', () => {
  const { p, updates, alerts } = run(first600);

  it('publishes track views on the sector, every half second of sensor time', () => {
    expect(updates.length).toBeGreaterThan(600);
    expect(updates[1].timeMs - updates[0].timeMs).toBeGreaterThanOrEqual(500);
    const views = updates.flatMap((u) => u.tracks);
    expect(views.length).toBeGreaterThan(1000);
    for (const v of views.slice(0, 2000)) {
      expect(v.latDeg).toBeGreaterThan(26.0);
      expect(v.latDeg).toBeLessThan(26.2);
      expect(v.lonDeg).toBeGreaterThan(-98.36);
      expect(v.lonDeg).toBeLessThan(-98.14);
      expect(v.speedMps).toBeCloseTo(Math.hypot(v.velocity.e, v.velocity.n), 6);
      expect(v.sigmaHorizontalM).toBeGreaterThan(0);
      expect(v.sensors.every((s) => site.sensors.some((c) => c.id === s))).toBe(true);
      expect(JSON.parse(JSON.stringify(v))).toEqual(v); // plain data: it crosses the wire as it is
    }
  });

  it('marks kinematics-only changes as moved, with a full view of every track at least every 5 s', () => {
    const lastFull = new Map<number, number>();
    let moves = 0;
    for (const u of updates) {
      const moved = new Set(u.moved);
      for (const id of moved) expect(u.tracks.some((t) => t.id === id)).toBe(true);
      for (const t of u.tracks) {
        if (moved.has(t.id)) {
          moves++;
          expect(lastFull.has(t.id)).toBe(true); // a move only follows a full view
          expect(u.timeMs - lastFull.get(t.id)!).toBeLessThan(5000);
        } else lastFull.set(t.id, u.timeMs);
      }
      for (const id of u.removed) lastFull.delete(id);
    }
    expect(moves).toBeGreaterThan(0);
  });

  it('reports every track that disappears exactly once as removed', () => {
    const shown = new Set<number>();
    for (const u of updates) {
      for (const id of u.removed) {
        expect(shown.has(id)).toBe(true);
        shown.delete(id);
      }
      for (const v of u.tracks) shown.add(v.id);
    }
  });

  it('opens alerts on crossing drones and counts what it accepted', () => {
    expect(alerts.some((c) => c.kind === 'opened' && c.alert.family === 'incident')).toBe(true);
    expect(p.alerts().length).toBeGreaterThan(0);
    expect(p.counters.accepted).toBe(first600.length);
    expect(p.tracks().length).toBe(updates.at(-1)!.tracks.length);
  });

  it('gives the same output for the same input (replay equals live)', () => {
    const again = run(first600);
    expect(JSON.stringify(again.updates)).toBe(JSON.stringify(updates));
  });
});

describe('Pipeline restart', () => {
  it('continues track numbering and carries on with stored alerts, acknowledgements kept', () => {
    const a = run(first600.slice(0, Math.floor(first600.length / 2)));
    const opened = a.p.alerts()[0];
    expect(opened).toBeDefined();
    const changes = a.p.act({ type: 'acknowledge', alertId: opened.id, by: 'ana', timeMs: opened.openedMs + 1000 });
    expect(changes[0].alert.state).toBe('acknowledged');
    const stored = a.p.alerts().map((x) => structuredClone(x));
    const b = run(first600.slice(Math.floor(first600.length / 2)), { firstTrackId: a.p.lastTrackId + 1, restoreAlerts: stored });
    expect(b.p.alert(opened.id)?.state).toBe('acknowledged');
    expect(b.p.alert(opened.id)?.acknowledged?.by).toBe('ana');
    const ids = b.updates.flatMap((u) => u.tracks.map((t) => t.id));
    expect(Math.min(...ids)).toBeGreaterThan(a.p.lastTrackId);
    const fresh = b.p.alerts().filter((x) => !stored.some((s) => s.id === x.id));
    for (const x of fresh) expect(Number(x.id.slice(6))).toBeGreaterThan(stored.length);
  });
});

describe('Pipeline input', () => {
  it('refuses malformed detections, counts why, and loses none of the good ones', () => {
    const good = first600.slice(0, 3000);
    const bad: unknown[] = [
      { sensorId: 'radar-hidalgo', timeMs: good[10].timeMs, measurement: { kind: 'polar', rangeM: -5, azimuthRad: 0, sigma: { rangeM: 1, azimuthRad: 0.01 } } },
      { sensorId: 'nobody', timeMs: good[10].timeMs, measurement: { kind: 'bearing', azimuthRad: 0, sigma: { azimuthRad: 0.01 } } },
      { sensorId: 'radar-hidalgo', timeMs: Number.NaN, measurement: null },
      'not an object',
    ];
    const mixed: Detection[] = [...good.slice(0, 11), ...(bad as Detection[]), ...good.slice(11)];
    const clean = run(good);
    const dirty = run(mixed);
    expect(dirty.p.counters.accepted).toBe(good.length);
    const r = dirty.p.counters.rejected;
    expect(r.invalid + r['unknown-sensor']).toBe(bad.length);
    expect(JSON.stringify(dirty.updates)).toBe(JSON.stringify(clean.updates));
  });
});
