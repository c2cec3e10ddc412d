/**
 * Synthetic tracks and zones for the assessment tests: a straight east–west border along
 * north = 0 (US to the north, defended; MX to the south), a protected site and a no-fly area,
 * and tracks that fly scripted paths with a chosen position uncertainty.
 */
import { Assessor, type AssessorConfig } from '../../src/assess/assessor.js';
import type { AssessSensor, AssessTrack, EvidenceItem } from '../../src/assess/types.js';
import { BorderLine, ZoneSet, type AreaZone } from '../../src/assess/zones.js';
import { ringFrom, boundsOf } from '../../src/assess/geometry.js';

export const T0 = Date.parse('2025-11-14T04:00:00Z');

export function straightBorder(): BorderLine {
  // West to east: the left of travel is north.
  return new BorderLine([-20_000, 20_000], [0, 0], 'Rio Grande', 'US', 'MX', true, 'high');
}

export const SITE: AreaZone = { id: 'poe', name: 'Port of entry', kind: 'protected-site', criticality: 'critical', shape: { kind: 'circle', centre: { e: 0, n: 2000 }, radiusM: 300 } };

const nfRing = ringFrom([{ e: 3000, n: 1000 }, { e: 4000, n: 1000 }, { e: 4000, n: 2000 }, { e: 3000, n: 2000 }]);
export const NO_FLY: AreaZone = { id: 'nf', name: 'Station', kind: 'no-fly', criticality: 'high', shape: { kind: 'polygon', ring: nfRing, bounds: boundsOf(nfRing.e, nfRing.n) }, ceilingM: 150 };

export function testZones(): ZoneSet {
  return new ZoneSet(straightBorder(), [SITE, NO_FLY]);
}

/** Sensors: 0 radar, 1 acoustic, 2 EO/IR, 3 RF (covering everything near the border), 4 Remote ID, 5 ADS-B. */
export const SENSORS: AssessSensor[] = [
  { id: 'radar', kind: 'radar', e: 0, n: 1000, u: 15, maxRangeM: 5000 },
  { id: 'mic', kind: 'acoustic', e: 0, n: 500, u: 3, maxRangeM: 600 },
  { id: 'cam', kind: 'eoir', e: 100, n: 500, u: 20, maxRangeM: 2500 },
  { id: 'rf', kind: 'rf', e: 0, n: 800, u: 10, maxRangeM: 6000, pdMax: 0.95, halfPdRangeM: 4000, pdSteepness: 6, updateIntervalMs: 1000 },
  { id: 'rid', kind: 'remoteid', e: 0, n: 900, u: 5, maxRangeM: 2000 },
  { id: 'adsb', kind: 'adsb', e: 0, n: 900, u: 5, maxRangeM: 150_000 },
];

export function makeAssessor(extra: Partial<AssessorConfig> = {}): Assessor {
  return new Assessor({ zones: testZones(), sensors: SENSORS, ...extra });
}

/** A mutable fake track in the tracker's shape (3-D state with turn rate: n = 7). */
export class FakeTrack implements AssessTrack {
  status: AssessTrack['status'] = 'confirmed';
  timeMs = T0;
  startMs = T0;
  lastHitMs = T0;
  existence = 0.99;
  identities = new Set<string>();
  sensors: number[] = [0];
  readonly estimator = { x: new Float64Array(7), P: new Float64Array(49), space: { dims: 3 as const, n: 7 } };

  constructor(readonly id: number, e: number, n: number, u: number, sigmaM = 5) {
    this.set(T0, e, n, u, 0, 0, 0, sigmaM);
  }

  set(timeMs: number, e: number, n: number, u: number, ve: number, vn: number, vu: number, sigmaM = 5, sigmaUM = sigmaM): this {
    this.timeMs = timeMs;
    this.lastHitMs = timeMs;
    const x = this.estimator.x, P = this.estimator.P;
    x.set([e, n, u, ve, vn, vu, 0]);
    P.fill(0);
    P[0] = P[8] = sigmaM * sigmaM;
    P[16] = sigmaUM * sigmaUM;
    P[24] = P[32] = 0.25;
    P[40] = 0.25;
    P[48] = 1e-4;
    return this;
  }
}

export interface Waypoint {
  /** Seconds from T0. */
  t: number;
  e: number;
  n: number;
  u: number;
}

/** Position and velocity at time tS along a piecewise-linear path. */
export function along(path: readonly Waypoint[], tS: number): { e: number; n: number; u: number; ve: number; vn: number; vu: number } {
  if (tS <= path[0].t) return { e: path[0].e, n: path[0].n, u: path[0].u, ve: 0, vn: 0, vu: 0 };
  for (let i = 1; i < path.length; i++) {
    const a = path[i - 1], b = path[i];
    if (tS <= b.t) {
      const f = (tS - a.t) / (b.t - a.t), dt = b.t - a.t;
      return { e: a.e + f * (b.e - a.e), n: a.n + f * (b.n - a.n), u: a.u + f * (b.u - a.u), ve: (b.e - a.e) / dt, vn: (b.n - a.n) / dt, vu: (b.u - a.u) / dt };
    }
  }
  const l = path[path.length - 1];
  return { e: l.e, n: l.n, u: l.u, ve: 0, vn: 0, vu: 0 };
}

/** Evidence a radar plot of a drone carries: a class label and the fix. */
export function radarItem(timeMs: number, e: number, n: number, u: number, label: 'rotary-drone' | 'bird' | 'manned-aircraft' = 'rotary-drone'): EvidenceItem {
  return { timeMs, sensor: 0, evidence: { classLabel: { label, confidence: 0.85 } }, fix: { e, n, u, cov: [25, 0, 0, 0, 25, 0, 0, 0, 100] } };
}

export interface FlyOptions {
  /** Seconds between assessments (default 0.5). */
  stepS?: number;
  /** Evidence each step for each track (default: a radar plot with a drone label every second). */
  evidence?: (track: FakeTrack, tS: number, pos: { e: number; n: number; u: number }) => EvidenceItem[];
  sigmaM?: number;
  sigmaUM?: number;
}

/**
 * Flies tracks along paths through an assessor from t = fromS to toS; returns every event and
 * alert change. Each track's path is in `paths` by track id.
 */
export function fly(
  a: Assessor, tracks: FakeTrack[], paths: Map<number, readonly Waypoint[]>, fromS: number, toS: number, opts: FlyOptions = {},
): { events: ReturnType<Assessor['update']>['events']; alerts: ReturnType<Assessor['update']>['alerts'] } {
  const step = opts.stepS ?? 0.5;
  const events: ReturnType<Assessor['update']>['events'] = [];
  const alerts: ReturnType<Assessor['update']>['alerts'] = [];
  for (let tS = fromS; tS <= toS + 1e-9; tS += step) {
    const timeMs = Math.round(T0 + tS * 1000);
    const ev = new Map<number, EvidenceItem[]>();
    for (const t of tracks) {
      const p = along(paths.get(t.id)!, tS);
      t.set(timeMs, p.e, p.n, p.u, p.ve, p.vn, p.vu, opts.sigmaM ?? 5, opts.sigmaUM ?? opts.sigmaM ?? 5);
      const items = opts.evidence ? opts.evidence(t, tS, p) : Math.abs(tS - Math.round(tS)) < 1e-9 ? [radarItem(timeMs, p.e, p.n, p.u)] : [];
      if (items.length) ev.set(t.id, items);
    }
    const u = a.update(timeMs, tracks, ev);
    events.push(...u.events);
    alerts.push(...u.alerts);
  }
  return { events, alerts };
}
