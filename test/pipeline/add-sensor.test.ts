/**
 * Sensors added while the pipeline runs (a SAPIENT node registering): fusion, the assessor and
 * the site's sensor list grow together; the new sensor's detections — its own plots and
 * `position` fixes (its position form) — form tracks that name it in TrackView.sensors.
 */
import { describe, expect, it } from 'vitest';
import { LocalFrame } from '../../src/geo/enu.js';
import type { Detection } from '../../src/model/detection.js';
import { Pipeline } from '../../src/pipeline/pipeline.js';
import type { Site } from '../../src/pipeline/site.js';
import type { TrackView } from '../../src/pipeline/views.js';
import { sensorConfigSchema, type SensorConfig } from '../../src/sim/sensor-models.js';

const origin = { latDeg: 26.09, lonDeg: -98.25, heightAboveEllipsoidM: 10 };
const frame = LocalFrame.fromDegrees(origin);
const T0 = Date.parse('2025-11-14T04:00:00Z');
const at = (e: number, n: number, u: number) => {
  const g = frame.enuToGeodetic(e, n, u, new Float64Array(3));
  return { latDeg: g[0], lonDeg: g[1], heightAboveEllipsoidM: g[2] };
};
const radar = (id: string, e: number, n: number): SensorConfig =>
  sensorConfigSchema.parse({ id, kind: 'radar', position: at(e, n, 15), maxRangeM: 3000, measuresRangeRate: false, clutter: { meanPerScan: 0 } });

function site(): Site {
  return {
    name: 'grow', description: '', origin, region: { xmin: -20_000, xmax: 20_000, ymin: -20_000, ymax: 20_000 },
    sensors: [radar('radar-1', 0, 0)], zones: { type: 'FeatureCollection', features: [] },
  };
}

/** A radar plot of a target at (e, n, u) from a sensor at (se, sn, su). */
function plot(sensorId: string, s: [number, number, number], timeMs: number, e: number, n: number, u: number): Detection {
  const dx = e - s[0], dy = n - s[1], dz = u - s[2];
  return {
    sensorId, timeMs,
    measurement: {
      kind: 'polar', rangeM: Math.hypot(dx, dy, dz), azimuthRad: Math.atan2(dx, dy), elevationRad: Math.atan2(dz, Math.hypot(dx, dy)),
      sigma: { rangeM: 5, azimuthRad: 0.5 * (Math.PI / 180), elevationRad: 0.7 * (Math.PI / 180) },
    },
  };
}

function fix(sensorId: string, timeMs: number, e: number, n: number, u: number): Detection {
  return { sensorId, timeMs, measurement: { kind: 'position', ...at(e, n, u), covarianceEnu: [25, 0, 0, 0, 25, 0, 0, 0, 100] } };
}

describe('Pipeline.addSensor', () => {
  it('takes a sensor mid-run: its detections form tracks that name it', () => {
    const s = site();
    const p = new Pipeline(s, null, { reorderWindowMs: 0 });
    const seen = new Map<number, TrackView>();
    const collect = () => {
      for (const v of p.tracks()) seen.set(v.id, v);
    };
    const pos = (id: string): [number, number, number] => {
      const c = s.sensors.find((x) => x.id === id)!.position;
      const q = frame.geodeticToEnu(c.latDeg, c.lonDeg, c.heightAboveEllipsoidM, new Float64Array(3));
      return [q[0], q[1], q[2]];
    };

    // Drone A near radar-1 for the whole minute.
    const droneA = (t: number) => [500 + 8 * t, 300 - 4 * t, 90] as const;
    // Drones B and C 8 km east, beyond radar-1's 3 km: only the sensors added at t = 20 s see them.
    const droneB = (t: number) => [8000 - 6 * t, 200 + 5 * t, 120] as const;
    const droneC = (t: number) => [8500 + 7 * t, -600 + 2 * t, 70] as const;
    // A detection of a sensor nobody has added yet is refused (unknown sensor) and changes nothing.
    expect(p.push(fix('sapient:cam', T0, ...droneC(0)))).toBe(false);
    expect(p.counters.rejected['unknown-sensor']).toBe(1);

    for (let t = 0; t < 60; t++) {
      const timeMs = T0 + t * 1000;
      if (t === 20) {
        p.addSensor(radar('sapient:radar-2', 8200, 0));
        p.addSensor(sensorConfigSchema.parse({ id: 'sapient:cam', kind: 'eoir', position: at(8300, -300, 20), maxRangeM: 3000, horizontalFovDeg: 360 }));
      }
      expect(p.push(plot('radar-1', pos('radar-1'), timeMs, ...droneA(t)))).toBe(true);
      if (t >= 20) {
        expect(p.push(plot('sapient:radar-2', pos('sapient:radar-2'), timeMs, ...droneB(t)))).toBe(true);
        expect(p.push(fix('sapient:cam', timeMs + 100, ...droneC(t)))).toBe(true);
      }
      p.advanceTo(timeMs + 500);
      collect();
    }
    p.flush();
    collect();

    expect(s.sensors.map((c) => c.id)).toEqual(['radar-1', 'sapient:radar-2', 'sapient:cam']);
    expect(p.fusion.specs.map((x) => x.id)).toEqual(s.sensors.map((c) => c.id));
    expect(p.assessor.sensors.map((x) => x.id)).toEqual(s.sensors.map((c) => c.id));
    expect(p.assessor.sensors[1]).toMatchObject({ kind: 'radar', maxRangeM: 3000 });

    const near = (v: TrackView, target: readonly [number, number, number]) => Math.hypot(v.e - target[0], v.n - target[1]) < 50;
    const last = (sensor: string) => [...seen.values()].filter((v) => v.sensors.includes(sensor)).sort((a, b) => b.timeMs - a.timeMs)[0];
    const a = last('radar-1'), b = last('sapient:radar-2'), c = last('sapient:cam');
    expect(a).toBeDefined();
    expect(b, JSON.stringify([...seen.values()].map((v) => [v.id, v.sensors]))).toBeDefined();
    expect(c).toBeDefined();
    expect(b.sensors).toEqual(['sapient:radar-2']);
    expect(c.sensors).toEqual(['sapient:cam']);
    expect(near(b, droneB((b.timeMs - T0) / 1000))).toBe(true);
    expect(near(c, droneC((c.timeMs - T0 - 100) / 1000))).toBe(true);
    expect(b.speedMps).toBeGreaterThan(5);
    expect(c.speedMps).toBeGreaterThan(4);
    // One track per drone, none started by the new sensors before they existed.
    expect(new Set([...seen.values()].filter((v) => v.sensors.includes('sapient:radar-2')).map((v) => v.id)).size).toBe(1);
    expect(new Set([...seen.values()].filter((v) => v.sensors.includes('sapient:cam')).map((v) => v.id)).size).toBe(1);
    expect(p.counters.rejected['unknown-sensor']).toBe(1);
  });

  it('refuses a duplicate id with a clear error and leaves the lists as they were', () => {
    const s = site();
    const p = new Pipeline(s, null);
    expect(() => p.addSensor(radar('radar-1', 100, 100))).toThrow(/sensor "radar-1" is already in the pipeline/);
    p.addSensor(radar('r2', 100, 100));
    expect(() => p.addSensor(radar('r2', 0, 0))).toThrow(/already in the pipeline/);
    expect(s.sensors.map((c) => c.id)).toEqual(['radar-1', 'r2']);
    expect(p.fusion.specs).toHaveLength(2);
    expect(p.assessor.sensors).toHaveLength(2);
    expect(p.hasSensor('r2')).toBe(true);
  });
});
