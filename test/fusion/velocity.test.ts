/**
 * Broadcast velocity (Remote ID, ADS-B `gnss.velocityEnuMps`): such fixes go to the sensor's
 * velocity form (position + horizontal velocity, CartesianPositionVelocity(2)) with the stated
 * velocity accuracy, start tracks already moving, and keep a fast aircraft one track across
 * report gaps the drone-tuned default preset could not bridge on positions alone.
 */
import { describe, expect, it } from 'vitest';
import { LocalFrame } from '../../src/geo/enu.js';
import { DEFAULT_VELOCITY_BOUND_MPS, SectorFusion } from '../../src/fusion/sector.js';
import type { Detection } from '../../src/model/detection.js';
import { Random } from '../../src/scenario/random.js';
import { sensorConfigSchema, type SensorConfig } from '../../src/sim/sensor-models.js';
import type { Scan } from '../../src/tracking/scan.js';

const origin = { latDeg: 26.09, lonDeg: -98.25, heightAboveEllipsoidM: 10 };
const frame = LocalFrame.fromDegrees(origin);
const configs: SensorConfig[] = [
  { id: 'adsb', kind: 'adsb', position: { latDeg: 26.09, lonDeg: -98.25, heightAboveEllipsoidM: 20 } },
  { id: 'rid', kind: 'remoteid', position: { latDeg: 26.09, lonDeg: -98.25, heightAboveEllipsoidM: 12 }, maxRangeM: 5000 },
].map((c) => sensorConfigSchema.parse(c));
const T0 = Date.parse('2025-11-14T04:00:00Z');

interface Fix {
  timeMs: number;
  e: number;
  n: number;
  u: number;
  ve: number;
  vn: number;
}

function gnss(sensorId: string, f: Fix, o: { hAcc: number; vAcc: number; vel?: [number, number, number]; velAcc?: number; evidence: Detection['evidence'] }): Detection {
  const g = frame.enuToGeodetic(f.e, f.n, f.u, new Float64Array(3));
  return {
    sensorId, timeMs: f.timeMs,
    measurement: {
      kind: 'gnss', latDeg: g[0], lonDeg: g[1], heightAboveEllipsoidM: g[2], horizontalAccuracyM: o.hAcc, verticalAccuracyM: o.vAcc,
      ...(o.vel ? { velocityEnuMps: o.vel } : {}), ...(o.velAcc !== undefined ? { velocityAccuracyMps: o.velAcc } : {}),
    },
    evidence: o.evidence,
  };
}

function spy(f: SectorFusion): Scan[] {
  const seen: Scan[] = [];
  const process = f.tracker.process.bind(f.tracker);
  f.tracker.process = (scan) => {
    seen.push({ ...scan, z: Float64Array.from(scan.z), R: scan.R ? Float64Array.from(scan.R) : null });
    process(scan);
  };
  return seen;
}

/** The horizontal speed of the track holding `identity` (NaN when none does). */
function trackSpeed(f: SectorFusion, identity: string): { speed: number; id: number } | null {
  const t = f.tracker.live.find((x) => x.identities.has(identity));
  if (!t) return null;
  const x = t.estimator.x, d = t.estimator.space.dims;
  return { speed: Math.hypot(x[d], x[d + 1]), id: t.id };
}

/**
 * An airliner at 200 m/s (heading 60°, 1500 m up), ADS-B fixes 1–10 s apart (seeded), NACp-like
 * 30 m (95 %) positions, velocity noise of NACv 2 (3 m/s 95 %). Returns, after every fix, the
 * track's speed and id, and how many tracks were started.
 */
function airliner(withVelocity: boolean, seed: number): { speeds: { speed: number; id: number }[]; started: number } {
  const f = new SectorFusion(frame, configs, { reorderWindowMs: 0 });
  const rng = new Random(seed);
  const speed = 200, head = (60 * Math.PI) / 180, ve = speed * Math.sin(head), vn = speed * Math.cos(head);
  const sh = 30 / 1.96, sVel = 3 / 2.448;
  const out: { speed: number; id: number }[] = [];
  let t = 0;
  while (t < 240) {
    const e = -20_000 + ve * t, n = -10_000 + vn * t;
    const fix: Fix = { timeMs: T0 + Math.round(t * 1000), e: e + sh * rng.normal(), n: n + sh * rng.normal(), u: 1500 + 5 * rng.normal(), ve, vn };
    const vel: [number, number, number] = [ve + sVel * rng.normal(), vn + sVel * rng.normal(), 0];
    f.push(gnss('adsb', fix, { hAcc: 30, vAcc: 45, ...(withVelocity ? { vel, velAcc: 3 } : {}), evidence: { icao: 'A1B2C3' } }));
    f.flush();
    const s = trackSpeed(f, 'icao:A1B2C3');
    if (s) out.push(s);
    // Gaps of 1–10 s, the 10 s one at least twice.
    const gap = out.length === 8 || out.length === 20 ? 10 : 1 + Math.floor(rng.next() * 10);
    t += gap;
  }
  return { speeds: out, started: f.tracker.stats.tracksStarted };
}

describe('sector fusion: broadcast velocity', () => {
  it('fixes with velocity use the velocity form: z = [e, n, u, ve, vn], R with the stated velocity accuracy', () => {
    const f = new SectorFusion(frame, configs, { reorderWindowMs: 0 });
    const seen = spy(f);
    const fix: Fix = { timeMs: T0, e: 300, n: 400, u: 50, ve: 0, vn: 0 };
    f.push(gnss('rid', fix, { hAcc: 10, vAcc: 15, vel: [3, -4, 1], velAcc: 1, evidence: { remoteId: { serial: 'S1' } } }));
    f.push(gnss('rid', { ...fix, timeMs: T0 + 1000 }, { hAcc: 10, vAcc: 15, vel: [3, -4, 1], evidence: { remoteId: { serial: 'S1' } } }));
    f.push(gnss('rid', { ...fix, timeMs: T0 + 2000 }, { hAcc: 10, vAcc: 15, evidence: { remoteId: { serial: 'S1' } } }));
    f.flush();
    expect(seen).toHaveLength(3);
    const [a, b, c] = seen;
    expect(a.spec?.model.name).toBe('gnss-velocity5d');
    expect(a.spec?.model.m).toBe(5);
    expect([...a.z]).toEqual([expect.closeTo(300, 6), expect.closeTo(400, 6), expect.closeTo(50, 6), 3, -4]);
    const sv = 1 / 2.448, sh = 10 / 1.96, su = 15 / 1.96;
    const R = [...a.R!];
    expect(R).toHaveLength(25);
    for (const [k, v] of [[0, sh * sh], [6, sh * sh], [12, su * su], [18, sv * sv], [24, sv * sv]]) expect(R[k]).toBeCloseTo(v, 9);
    // No accuracy stated: the documented default bound.
    expect(b.R![24]).toBeCloseTo((DEFAULT_VELOCITY_BOUND_MPS / 2.448) ** 2, 9);
    // No velocity: the sensor's own position model.
    expect(c.spec ?? null).toBeNull();
    expect(c.z).toHaveLength(3);
    // All three went to one track, which started moving at the stated velocity.
    expect(f.tracker.stats.tracksStarted).toBe(1);
  });

  it('keeps a 200 m/s ADS-B aircraft one track across 1–10 s gaps, its speed within 5 m/s', () => {
    for (const seed of [1, 2, 3]) {
      const { speeds, started } = airliner(true, seed);
      expect(started, `seed ${seed}`).toBe(1);
      expect(new Set(speeds.map((s) => s.id)).size).toBe(1);
      expect(speeds.length).toBeGreaterThan(30);
      for (const s of speeds) expect(Math.abs(s.speed - 200), `seed ${seed}`).toBeLessThan(5);
    }
  });

  it('without velocity the same aircraft is tracked worse: restarted tracks or a lagging speed', () => {
    let worse = 0;
    for (const seed of [1, 2, 3]) {
      const { speeds, started } = airliner(false, seed);
      const maxErr = Math.max(...speeds.map((s) => Math.abs(s.speed - 200)));
      if (started > 1 || maxErr > 5) worse++;
    }
    expect(worse).toBe(3);
  });

  it("a Remote ID drone's speed converges faster with its broadcast velocity", () => {
    const run = (withVelocity: boolean, seed: number): number[] => {
      const f = new SectorFusion(frame, configs, { reorderWindowMs: 0 });
      const rng = new Random(seed);
      const ve = 12, vn = -9; // 15 m/s
      const sh = 10 / 1.96, sVel = 1 / 2.448;
      const err: number[] = [];
      for (let k = 0; k < 20; k++) {
        const fix: Fix = { timeMs: T0 + k * 1000, e: 200 + ve * k + sh * rng.normal(), n: 500 + vn * k + sh * rng.normal(), u: 80 + 2 * rng.normal(), ve, vn };
        const vel: [number, number, number] = [ve + sVel * rng.normal(), vn + sVel * rng.normal(), 0];
        f.push(gnss('rid', fix, { hAcc: 10, vAcc: 15, ...(withVelocity ? { vel, velAcc: 1 } : {}), evidence: { remoteId: { serial: 'DRONE1' } } }));
        f.flush();
        const s = trackSpeed(f, 'rid:DRONE1');
        err.push(s ? Math.abs(s.speed - 15) : NaN);
      }
      return err;
    };
    for (const seed of [1, 2, 3]) {
      const withV = run(true, seed), without = run(false, seed);
      const mean = (a: number[]) => a.reduce((s, x) => s + x, 0) / a.length;
      // From the first fix on, within 1 m/s with velocity; without it, seconds of lag first.
      expect(Math.max(...withV), `seed ${seed}`).toBeLessThan(1);
      expect(mean(withV.slice(0, 10)), `seed ${seed}`).toBeLessThan(mean(without.slice(0, 10)) / 3);
      const settled = (a: number[]) => a.findIndex((_, i) => a.slice(i).every((x) => x < 1));
      expect(settled(withV)).toBe(0);
      expect(settled(without)).toBeGreaterThan(2);
    }
  });
});
