/**
 * `centinela eval <scenario> --ops`: the operational benchmark. Simulator → fusion → tracker →
 * assessment → alerts on a simulator scenario, scored against its ground truth:
 *
 *   crossingsAlerted       share of drones crossing inbound (first inbound crossing, where some
 *                          sensor arrangement could place the drone at that moment) that got an
 *                          incident alert on a track following them, at any time after 2 min
 *                          before the crossing; `crossingsAlertedAll` counts every crossing drone
 *   timeToAlertP50/P95     alert time − true crossing time over those alerted [s] (negative: the
 *                          alert came first, e.g. on entering a bridge zone that straddles the river)
 *   darkPrecision/Recall   tracks flagged dark whose object is a dark drone (no RF link, no
 *                          Remote ID) / flagged tracks; dark drones flagged / dark drones tracked
 *                          as something for ≥ 30 s inside RF coverage
 *   dropErrorMedian/P90    horizontal error of the suspected-drop point against the true release
 *                          point, over the drops detected (detection share beside: of the drops
 *                          the sensors could see — the drone placeable for ≥ 10 s of the minute
 *                          before the release — and of all)
 *   launchErrorMedian      error of each threat drone's launch-point estimate [m]
 *   falseAlertsPer24h      alerts opened on objects that are not threats (non-threat truth, or no
 *                          truth at all; a spoofing alert on a Remote ID spoofer is right), per
 *                          24 h of scenario time; with benign-day among the runs, its own rate
 *                          (every alert there is false), which is what `--json` reports
 *   classConfusion         truth class × assessed class over matched track-seconds
 *   droneVsBirdAccuracy    over matched track-seconds of drones and birds: called a drone iff
 *                          P(drone) ≥ 0.5
 *   mannedAlertedAsDrone   alerts on tracks following manned aircraft
 *   gospa                  mean per-second GOSPA (c = 20 m, p = 2, 2-D) of the reported tracks
 *                          against the objects some sensor arrangement could place
 *
 * Tracks are tied to truth once a second by nearest neighbour within 100 m (greedy, nearest
 * first), and an alert or event to the object its track followed nearest that time.
 */
import { performance } from 'node:perf_hooks';
import { AssessedSector, assessSensorsFrom } from '../assess/pipeline.js';
import { Assessor, type AssessorConfig } from '../assess/assessor.js';
import { expectedRfPd } from '../assess/flags.js';
import { zonesOf } from '../pipeline/site.js';
import type { AssessSensor, TrackEvent } from '../assess/types.js';
import { gospa } from '../eval/gospa.js';
import { SectorFusion } from '../fusion/sector.js';
import { OBJECT_CLASSES, type ObjectClass } from '../model/detection.js';
import { loadSimScenario, type Scenario } from '../sim/scenario.js';
import { Simulation } from '../sim/simulator.js';
import { observable } from './evaluate-sim.js';

export interface OpsOptions {
  seed?: number;
  durationS?: number;
  tracker?: string;
  /** Sensor time between assessments [ms] (default 500). */
  assessEveryMs?: number;
  /** Overrides of the assessor's configuration (the benchmark uses none: one configuration for all). */
  assessor?: Partial<Omit<AssessorConfig, 'zones' | 'sensors' | 'frame'>>;
  now?: () => number;
  /** Called once a second for every track tied to a truth object (diagnostics: why was X missed?). */
  trace?: (timeMs: number, truthId: number, trackId: number, assessment: ReturnType<Assessor['assessment']>) => void;
}

/** What one run of one scenario and seed measured (raw, before aggregation). */
export interface OpsRun {
  scenario: string;
  seed: number;
  durationS: number;
  /** Per crossing drone: in coverage at the crossing, alert delay [s] or null. */
  crossings: { truthId: number; inCoverage: boolean; delayS: number | null }[];
  darkFlaggedTracks: number;
  darkFlaggedCorrect: number;
  darkEligible: number;
  darkEligibleFlagged: number;
  /** Dark drones tracked long enough inside RF coverage but never flagged (truth ids). */
  darkMissed: number[];
  /** Per true drop: whether the drone was in sensor coverage over the 30 s before it, and the error of the suspected-drop point [m] (null: not detected). */
  drops: { truthId: number; timeMs: number; inCoverage: boolean; errorM: number | null }[];
  launches: { truthId: number; errorM: number; method: string }[];
  alertsOpened: number;
  falseAlerts: number;
  /** What each alert on a non-threat was about: truth id (−1: nothing real), its class, the alert's first title. */
  falseAlertList: { truthId: number; cls: ObjectClass | null; title: string }[];
  mannedAlertedAsDrone: number;
  /** truth class → assessed class → track-seconds. */
  confusion: Record<string, Record<string, number>>;
  droneBird: { correct: number; total: number };
  gospaSum: number;
  gospaScans: number;
  detections: number;
  wallSeconds: number;
}

const DRONE = new Set<ObjectClass>(['rotary-drone', 'fixed-wing-drone']);
const MATCH_GATE_M = 100;
const ALERT_LEAD_MS = 120_000;
const ALERT_TRUTH_TOLERANCE_MS = 5_000;

/** Compact per-track truth labels over time. */
class Labels {
  readonly times: number[] = [];
  readonly truths: number[] = [];
  add(t: number, id: number): void {
    this.times.push(t);
    this.truths.push(id);
  }
  /** Truth followed nearest `t` (within tolerance), else the track's majority; −1 for none. */
  at(t: number, tol: number): number {
    let best = -1, bestD = Infinity;
    // Binary search for the nearest sample.
    let lo = 0, hi = this.times.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.times[mid] < t) lo = mid + 1;
      else hi = mid;
    }
    for (const k of [lo - 1, lo]) {
      if (k < 0 || k >= this.times.length) continue;
      const d = Math.abs(this.times[k] - t);
      if (d < bestD) {
        bestD = d;
        best = this.truths[k];
      }
    }
    return bestD <= tol ? best : this.majority();
  }
  /** Time to the nearest labelled sample [ms]. */
  distance(t: number): number {
    let lo = 0, hi = this.times.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.times[mid] < t) lo = mid + 1;
      else hi = mid;
    }
    let d = Infinity;
    if (lo < this.times.length) d = Math.min(d, Math.abs(this.times[lo] - t));
    if (lo > 0) d = Math.min(d, Math.abs(this.times[lo - 1] - t));
    return d;
  }
  near(t: number, tol: number): boolean {
    return this.distance(t) <= tol;
  }
  majority(): number {
    const c = new Map<number, number>();
    let best = -1, n = 0;
    for (const id of this.truths) {
      const v = (c.get(id) ?? 0) + 1;
      c.set(id, v);
      if (v > n) {
        n = v;
        best = id;
      }
    }
    return best;
  }
}

interface TruthCopy {
  id: number;
  cls: ObjectClass;
  e: number;
  n: number;
  u: number;
  observable: boolean;
}

/** Runs one scenario and seed through the whole chain and scores it. */
export function runOpsScenario(scenario: Scenario, opts: OpsOptions = {}): OpsRun {
  const now = opts.now ?? (() => performance.now());
  const t0 = now();
  const sim = new Simulation(scenario, { seed: opts.seed, durationS: opts.durationS, truthIntervalMs: 1000 });
  const world = sim.world;
  const frame = world.frame;
  const metaById = new Map(world.targets.map((t) => [t.meta.id, t.meta]));
  const isDark = (id: number) => {
    const m = metaById.get(id);
    return !!m && DRONE.has(m.cls) && m.rf === null && m.remoteId === null;
  };
  const sensors: AssessSensor[] = assessSensorsFrom(scenario.sensors, frame);
  const rfSensors = sensors.filter((s) => s.kind === 'rf');
  const assessor = new Assessor({ zones: zonesOf(scenario, frame), sensors, frame, ...opts.assessor });
  const fusion = new SectorFusion(frame, scenario.sensors, { tracker: opts.tracker, region: scenario.region });

  const labels = new Map<number, Labels>();
  /** The tracks each object was seen with (an alert's object may have tracks nearer the truth than its own). */
  const objectTracks = new Map<number, Set<number>>();
  const alertRecords: { timeMs: number; trackId: number; objectId: number; family: string; title: string }[] = [];
  const eventRecords: TrackEvent[] = [];
  const flaggedTracks = new Set<number>();
  const confusion: Record<string, Record<string, number>> = {};
  const droneBird = { correct: 0, total: 0 };
  const darkSeconds = new Map<number, number>(); // dark truth → seconds tracked inside RF coverage
  let gospaSum = 0, gospaScans = 0;

  const pending: { timeMs: number; truths: TruthCopy[] }[] = [];
  const score = (upToMs: number) => {
    while (pending.length > 0 && pending[0].timeMs < upToMs) {
      const p = pending.shift()!;
      scoreInstant(p.timeMs, p.truths);
    }
  };
  const scoreInstant = (timeMs: number, truths: TruthCopy[]) => {
    const tracks = fusion.positionsAt(timeMs);
    // GOSPA over the objects the sensors could place, airborne (as the tracker's own eval does).
    const scored = truths.filter((t) => t.observable && t.cls !== 'ground-vehicle' && t.u >= 1);
    const tp = new Float64Array(2 * scored.length), ep = new Float64Array(2 * tracks.length);
    scored.forEach((t, i) => { tp[2 * i] = t.e; tp[2 * i + 1] = t.n; });
    tracks.forEach((t, i) => { ep[2 * i] = t.x; ep[2 * i + 1] = t.y; });
    gospaSum += gospa(tp, scored.length, ep, tracks.length, { c: 20, p: 2 }).gospa;
    gospaScans++;
    // Labels: nearest truth within the gate, greedily, nearest pairs first (grid-bucketed).
    const cell = MATCH_GATE_M;
    const grid = new Map<number, number[]>();
    const key = (cx: number, cy: number) => cx * 100_003 + cy;
    truths.forEach((t, i) => {
      const k = key(Math.floor(t.e / cell), Math.floor(t.n / cell));
      let l = grid.get(k);
      if (!l) grid.set(k, (l = []));
      l.push(i);
    });
    const pairs: { d: number; k: number; i: number }[] = [];
    tracks.forEach((tr, k) => {
      const cx = Math.floor(tr.x / cell), cy = Math.floor(tr.y / cell);
      for (let dx = -1; dx <= 1; dx++) for (let dy = -1; dy <= 1; dy++) {
        for (const i of grid.get(key(cx + dx, cy + dy)) ?? []) {
          const d = Math.hypot(truths[i].e - tr.x, truths[i].n - tr.y);
          if (d <= MATCH_GATE_M) pairs.push({ d, k, i });
        }
      }
    });
    pairs.sort((a, b) => a.d - b.d || a.k - b.k || a.i - b.i);
    const usedT = new Set<number>(), usedK = new Set<number>();
    for (const p of pairs) {
      if (usedT.has(p.i) || usedK.has(p.k)) continue;
      usedT.add(p.i);
      usedK.add(p.k);
      const tr = tracks[p.k], truth = truths[p.i];
      let l = labels.get(tr.id);
      if (!l) labels.set(tr.id, (l = new Labels()));
      l.add(timeMs, truth.id);
      const a = assessor.assessment(tr.id);
      opts.trace?.(timeMs, truth.id, tr.id, a);
      if (!a) continue;
      const row = (confusion[truth.cls] ??= {});
      row[a.classification.cls] = (row[a.classification.cls] ?? 0) + 1;
      if (DRONE.has(truth.cls) || truth.cls === 'bird') {
        droneBird.total++;
        if ((a.classification.pDrone >= 0.5) === DRONE.has(truth.cls)) droneBird.correct++;
      }
      if (isDark(truth.id) && expectedRfPd(rfSensors, truth.e, truth.n, truth.u) >= 0.5) darkSeconds.set(truth.id, (darkSeconds.get(truth.id) ?? 0) + 1);
    }
  };

  const pipeline = new AssessedSector(fusion, assessor, {
    assessEveryMs: opts.assessEveryMs ?? 500,
    beforeScan: score,
    onUpdate: (u) => {
      for (const t of fusion.tracker.live) {
        const o = assessor.objectOf(t.id);
        if (o === undefined || o === t.id) continue;
        let s = objectTracks.get(o);
        if (!s) objectTracks.set(o, (s = new Set()));
        s.add(t.id);
      }
      for (const c of u.alerts) if (c.kind === 'opened') alertRecords.push({ timeMs: c.timeMs, trackId: c.alert.trackId, objectId: c.alert.objectId, family: c.alert.family, title: c.alert.title });
      for (const e of u.events) {
        if (e.type === 'suspected-drop' || e.type === 'launch-point') eventRecords.push(e);
        else if (e.type === 'dark-drone' && e.flagged) flaggedTracks.add(e.trackId);
      }
    },
  });

  // Coverage history of the drones that drop (to judge whether a drop was observable).
  const droppers = new Set(world.targets.filter((t) => t.meta.drops.length > 0).map((t) => t.meta.id));
  const coverageLog = new Map<number, { t: number; ok: boolean }[]>();
  // Crossings (first inbound per drone) wait for the next truth sample to judge coverage.
  const firstInbound = new Map<number, { timeMs: number; inCoverage: boolean | null }>();
  let detections = 0;
  for (const item of sim.run()) {
    if (item.type === 'detection') {
      detections++;
      pipeline.push(item.detection);
    } else if (item.type === 'event') {
      const e = item.event;
      if (e.type === 'crossing' && e.direction === 'inbound' && DRONE.has(metaById.get(e.targetId)?.cls ?? 'unknown') && !firstInbound.has(e.targetId)) {
        firstInbound.set(e.targetId, { timeMs: e.timeMs, inCoverage: null });
      }
    } else {
      // Ground vehicles are never scored (radar clutter by design): their coverage is not needed.
      const truths: TruthCopy[] = item.states.map((s) => ({ id: s.id, cls: s.cls, e: s.e, n: s.n, u: s.u, observable: s.cls !== 'ground-vehicle' && observable(world.sensors, s) }));
      for (const t of truths) {
        const c = firstInbound.get(t.id);
        if (c && c.inCoverage === null && item.timeMs >= c.timeMs) c.inCoverage = t.observable;
        if (droppers.has(t.id)) {
          let l = coverageLog.get(t.id);
          if (!l) coverageLog.set(t.id, (l = []));
          l.push({ t: item.timeMs, ok: t.observable });
        }
      }
      pending.push({ timeMs: item.timeMs, truths });
      pipeline.advanceTo(item.timeMs);
    }
  }
  pipeline.flush();
  score(Infinity);

  const truthOf = (trackId: number, timeMs: number) => labels.get(trackId)?.at(timeMs, ALERT_TRUTH_TOLERANCE_MS) ?? -1;
  /** The object an alert is about: its own track's, else another track of the same object's (nearest in time). */
  const alertTruth = (a: { trackId: number; objectId: number; timeMs: number }) => {
    const own = labels.get(a.trackId);
    if (own && own.near(a.timeMs, ALERT_TRUTH_TOLERANCE_MS)) return own.at(a.timeMs, ALERT_TRUTH_TOLERANCE_MS);
    let best = -1, bestD = Infinity;
    for (const k of [a.objectId, ...(objectTracks.get(a.objectId) ?? [])]) {
      const l = labels.get(k);
      if (!l) continue;
      const d = l.distance(a.timeMs);
      if (d < bestD) {
        bestD = d;
        best = l.at(a.timeMs, Infinity);
      }
    }
    return bestD <= 60_000 ? best : own ? own.majority() : -1;
  };

  // Alerts → objects.
  const firstAlert = new Map<number, number>();
  let manned = 0;
  const falseAlertList: OpsRun['falseAlertList'] = [];
  for (const a of alertRecords) {
    const id = alertTruth(a);
    const m = metaById.get(id);
    // A spoofing alert on a Remote ID spoofer is right, whatever the scenario calls a threat.
    const rightSpoof = a.family === 'identity' && m?.remoteId?.spoofOffset !== undefined;
    if (!m || (!m.threat && !rightSpoof)) falseAlertList.push({ truthId: m ? id : -1, cls: m?.cls ?? null, title: a.title });
    if (m?.cls === 'manned-aircraft') manned++;
    if (a.family === 'incident' && id >= 0 && !firstAlert.has(id)) firstAlert.set(id, a.timeMs);
  }
  // A drone's alerts in time order: the first one at or after (crossing − lead).
  const alertTimes = new Map<number, number[]>();
  for (const a of alertRecords) {
    if (a.family !== 'incident') continue;
    const id = alertTruth(a);
    if (id < 0) continue;
    let l = alertTimes.get(id);
    if (!l) alertTimes.set(id, (l = []));
    l.push(a.timeMs);
  }
  const crossings: OpsRun['crossings'] = [];
  for (const [id, c] of firstInbound) {
    const t = (alertTimes.get(id) ?? []).find((x) => x >= c.timeMs - ALERT_LEAD_MS);
    crossings.push({ truthId: id, inCoverage: c.inCoverage === true, delayS: t === undefined ? null : (t - c.timeMs) / 1000 });
  }

  // Dark flags.
  let darkCorrect = 0;
  for (const k of flaggedTracks) if (isDark(labels.get(k)?.majority() ?? -1)) darkCorrect++;
  const flaggedTruths = new Set<number>();
  for (const k of flaggedTracks) {
    const id = labels.get(k)?.majority() ?? -1;
    if (isDark(id)) flaggedTruths.add(id);
  }
  let eligible = 0, eligibleFlagged = 0;
  const darkMissed: number[] = [];
  for (const [id, s] of darkSeconds) {
    if (s < 30) continue;
    eligible++;
    if (flaggedTruths.has(id)) eligibleFlagged++;
    else darkMissed.push(id);
  }

  // Drops and launches.
  const dropEvents = eventRecords.filter((e): e is Extract<TrackEvent, { type: 'suspected-drop' }> => e.type === 'suspected-drop');
  const drops: OpsRun['drops'] = [];
  for (const ev of sim.events) {
    if (ev.type !== 'drop') continue;
    const p = frame.geodeticToEnu(ev.latDeg, ev.lonDeg, frame.heightAboveEllipsoidM, new Float64Array(3));
    let best: number | null = null;
    for (const d of dropEvents) {
      if (d.holdStartMs > ev.timeMs + 30_000 || d.timeMs < ev.timeMs - 30_000) continue;
      if (truthOf(d.trackId, d.holdEndMs) !== ev.targetId) continue;
      const err = Math.hypot(d.point.e - p[0], d.point.n - p[1]);
      if (best === null || err < best) best = err;
    }
    // Seen over its hold: placeable for at least 10 s of the minute before the release (it comes
    // down to a few metres to release, under every radar's mask, so the last seconds rarely are).
    const log = (coverageLog.get(ev.targetId) ?? []).filter((x) => x.t >= ev.timeMs - 60_000 && x.t <= ev.timeMs);
    const inCoverage = log.filter((x) => x.ok).length >= 10;
    drops.push({ truthId: ev.targetId, timeMs: ev.timeMs, inCoverage, errorM: best });
  }
  const launchByTruth = new Map<number, { startMs: number; errorM: number; method: string }>();
  for (const e of eventRecords) {
    if (e.type !== 'launch-point') continue;
    const id = labels.get(e.trackId)?.majority() ?? -1;
    const m = metaById.get(id);
    if (!m?.threat || !m.launch) continue;
    const l = m.launch;
    const err = Math.hypot(e.estimate.e - l.e, e.estimate.n - l.n);
    const prev = launchByTruth.get(id);
    // The first track on the object gives its launch estimate (a later fragment starts mid-flight);
    // a revision of that same track (the cable bound) replaces it.
    const startMs = labels.get(e.trackId)!.times[0];
    if (!prev || startMs < prev.startMs || (startMs === prev.startMs)) launchByTruth.set(id, { startMs, errorM: err, method: e.method });
  }

  return {
    scenario: scenario.name, seed: sim.seed, durationS: world.durationS, crossings,
    darkFlaggedTracks: flaggedTracks.size, darkFlaggedCorrect: darkCorrect, darkEligible: eligible, darkEligibleFlagged: eligibleFlagged, darkMissed,
    drops, launches: [...launchByTruth].map(([truthId, v]) => ({ truthId, errorM: v.errorM, method: v.method })),
    alertsOpened: alertRecords.length, falseAlerts: falseAlertList.length, falseAlertList, mannedAlertedAsDrone: manned, confusion, droneBird,
    gospaSum, gospaScans, detections, wallSeconds: (now() - t0) / 1000,
  };
}

// ---------------------------------------------------------------------------------- summary

export interface OpsSummary {
  scenarios: string[];
  runs: number;
  hours: number;
  crossingDrones: number;
  crossingDronesInCoverage: number;
  crossingsAlerted: number;
  crossingsAlertedAll: number;
  timeToAlertP50: number | null;
  timeToAlertP95: number | null;
  darkPrecision: number | null;
  darkRecall: number | null;
  darkFlagged: number;
  darkEligible: number;
  drops: number;
  dropsInCoverage: number;
  dropsDetected: number;
  dropsDetectedInCoverage: number;
  dropErrorMedian: number | null;
  dropErrorP90: number | null;
  launchErrorMedian: number | null;
  launchEstimates: number;
  alertsOpened: number;
  falseAlerts: number;
  /** Alerts on non-threats by what they were about: a class, or "nothing" (no real object). */
  falseAlertsByClass: Record<string, number>;
  falseAlertsPer24h: number;
  /** False alerts per 24 h on benign-day runs only (null when none were run). */
  benignFalseAlertsPer24h: number | null;
  benignHours: number;
  droneVsBirdAccuracy: number | null;
  mannedAlertedAsDrone: number;
  confusion: Record<string, Record<string, number>>;
  gospa: number | null;
  detections: number;
  wallSeconds: number;
}

export function quantile(v: readonly number[], q: number): number | null {
  if (v.length === 0) return null;
  const s = [...v].sort((a, b) => a - b);
  const pos = (s.length - 1) * q, lo = Math.floor(pos), hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

export function summarizeOps(runs: readonly OpsRun[]): OpsSummary {
  const all = runs.flatMap((r) => r.crossings);
  const cov = all.filter((c) => c.inCoverage);
  const delays = cov.filter((c) => c.delayS !== null).map((c) => c.delayS!);
  const drops = runs.flatMap((r) => r.drops);
  const dropErr = drops.filter((d) => d.errorM !== null).map((d) => d.errorM!);
  const launches = runs.flatMap((r) => r.launches);
  const hours = runs.reduce((s, r) => s + r.durationS, 0) / 3600;
  const benign = runs.filter((r) => r.scenario === 'benign-day');
  const benignHours = benign.reduce((s, r) => s + r.durationS, 0) / 3600;
  const confusion: Record<string, Record<string, number>> = {};
  for (const r of runs) for (const [t, row] of Object.entries(r.confusion)) for (const [c, n] of Object.entries(row)) (confusion[t] ??= {})[c] = (confusion[t][c] ?? 0) + n;
  const flagged = runs.reduce((s, r) => s + r.darkFlaggedTracks, 0);
  const eligible = runs.reduce((s, r) => s + r.darkEligible, 0);
  const db = runs.reduce((s, r) => ({ correct: s.correct + r.droneBird.correct, total: s.total + r.droneBird.total }), { correct: 0, total: 0 });
  const gs = runs.reduce((s, r) => s + r.gospaSum, 0), gn = runs.reduce((s, r) => s + r.gospaScans, 0);
  const falseAlerts = runs.reduce((s, r) => s + r.falseAlerts, 0);
  const falseAlertsByClass: Record<string, number> = {};
  for (const r of runs) for (const f of r.falseAlertList) falseAlertsByClass[f.cls ?? 'nothing'] = (falseAlertsByClass[f.cls ?? 'nothing'] ?? 0) + 1;
  return {
    scenarios: [...new Set(runs.map((r) => r.scenario))], runs: runs.length, hours,
    crossingDrones: all.length, crossingDronesInCoverage: cov.length,
    crossingsAlerted: cov.length ? delays.length / cov.length : NaN,
    crossingsAlertedAll: all.length ? all.filter((c) => c.delayS !== null).length / all.length : NaN,
    timeToAlertP50: quantile(delays, 0.5), timeToAlertP95: quantile(delays, 0.95),
    darkPrecision: flagged ? runs.reduce((s, r) => s + r.darkFlaggedCorrect, 0) / flagged : null,
    darkRecall: eligible ? runs.reduce((s, r) => s + r.darkEligibleFlagged, 0) / eligible : null,
    darkFlagged: flagged, darkEligible: eligible,
    drops: drops.length, dropsInCoverage: drops.filter((d) => d.inCoverage).length, dropsDetected: dropErr.length,
    dropsDetectedInCoverage: drops.filter((d) => d.inCoverage && d.errorM !== null).length, dropErrorMedian: quantile(dropErr, 0.5), dropErrorP90: quantile(dropErr, 0.9),
    launchErrorMedian: quantile(launches.map((l) => l.errorM), 0.5), launchEstimates: launches.length,
    alertsOpened: runs.reduce((s, r) => s + r.alertsOpened, 0), falseAlerts, falseAlertsByClass,
    falseAlertsPer24h: hours > 0 ? (falseAlerts / hours) * 24 : 0,
    benignFalseAlertsPer24h: benignHours > 0 ? (benign.reduce((s, r) => s + r.alertsOpened, 0) / benignHours) * 24 : null,
    benignHours,
    droneVsBirdAccuracy: db.total ? db.correct / db.total : null,
    mannedAlertedAsDrone: runs.reduce((s, r) => s + r.mannedAlertedAsDrone, 0),
    confusion, gospa: gn ? gs / gn : null,
    detections: runs.reduce((s, r) => s + r.detections, 0), wallSeconds: runs.reduce((s, r) => s + r.wallSeconds, 0),
  };
}

/** The `--json` object (the issue's keys; benign-day's own false-alert rate when it was run). */
export function opsJson(s: OpsSummary): Record<string, unknown> {
  const n = (v: number | null) => (v === null || Number.isNaN(v) ? null : Number(v.toFixed(4)));
  return {
    crossingsAlerted: n(s.crossingsAlerted), timeToAlertP50: n(s.timeToAlertP50), timeToAlertP95: n(s.timeToAlertP95),
    darkPrecision: n(s.darkPrecision), darkRecall: n(s.darkRecall), dropErrorMedian: n(s.dropErrorMedian),
    launchErrorMedian: n(s.launchErrorMedian), falseAlertsPer24h: n(s.benignFalseAlertsPer24h ?? s.falseAlertsPer24h),
    droneVsBirdAccuracy: n(s.droneVsBirdAccuracy), mannedAlertedAsDrone: s.mannedAlertedAsDrone, gospa: n(s.gospa),
    crossingsAlertedAll: n(s.crossingsAlertedAll), dropErrorP90: n(s.dropErrorP90),
    crossingDrones: s.crossingDrones, crossingDronesInCoverage: s.crossingDronesInCoverage,
    drops: s.drops, dropsInCoverage: s.dropsInCoverage, dropsDetected: s.dropsDetected, dropsDetectedInCoverage: s.dropsDetectedInCoverage, darkFlagged: s.darkFlagged, darkEligible: s.darkEligible,
    alertsOpened: s.alertsOpened, falseAlerts: s.falseAlerts, hours: n(s.hours), runs: s.runs, classConfusion: s.confusion,
  };
}

const f = (v: number | null, d = 1, unit = '') => (v === null || Number.isNaN(v) ? '–' : `${v.toFixed(d)}${unit}`);
const pct = (v: number | null) => (v === null || Number.isNaN(v) ? '–' : `${(100 * v).toFixed(1)} %`);

/** Human-readable lines for the terminal. */
export function formatOps(s: OpsSummary): string {
  const lines = [
    `scenarios        ${s.scenarios.join(', ')} (${s.runs} runs, ${s.hours.toFixed(2)} h of sector time)`,
    `crossings        ${s.crossingDrones} drones crossed inbound, ${s.crossingDronesInCoverage} inside sensor coverage`,
    `alerted          ${pct(s.crossingsAlerted)} of those in coverage (${pct(s.crossingsAlertedAll)} of all)`,
    `crossing→alert   p50 ${f(s.timeToAlertP50, 1, ' s')}, p95 ${f(s.timeToAlertP95, 1, ' s')}`,
    `dark flag        precision ${pct(s.darkPrecision)} (${s.darkFlagged} flagged), recall ${pct(s.darkRecall)} (${s.darkEligible} dark drones tracked ≥ 30 s in RF coverage)`,
    `drops            ${s.dropsDetectedInCoverage}/${s.dropsInCoverage} in coverage detected (${s.dropsDetected}/${s.drops} in all); error median ${f(s.dropErrorMedian, 1, ' m')}, p90 ${f(s.dropErrorP90, 1, ' m')}`,
    `launch points    ${s.launchEstimates} estimated; error median ${f(s.launchErrorMedian, 0, ' m')}`,
    `alerts           ${s.alertsOpened} opened, ${s.falseAlerts} on non-threats (${f(s.falseAlertsPer24h, 1)} per 24 h)${s.benignFalseAlertsPer24h !== null ? `; benign-day ${f(s.benignFalseAlertsPer24h, 2)} per 24 h over ${s.benignHours.toFixed(1)} h` : ''}`,
    `drone vs bird    ${pct(s.droneVsBirdAccuracy)} of matched track-seconds`,
    `manned as drone  ${s.mannedAlertedAsDrone} alerts`,
    `GOSPA mean       ${f(s.gospa, 3, ' m')}`,
    `class confusion  (rows truth, columns assessed; track-seconds)`,
    ...confusionLines(s.confusion),
    `pipeline wall    ${s.wallSeconds.toFixed(1)} s (${s.detections.toLocaleString('en-US')} detections)`,
  ];
  return lines.join('\n');
}

export function confusionLines(c: Record<string, Record<string, number>>): string[] {
  const short: Record<string, string> = {
    'rotary-drone': 'rotary', 'fixed-wing-drone': 'fixed', bird: 'bird', 'manned-aircraft': 'manned', 'ground-vehicle': 'ground', unknown: 'unknown',
  };
  const cols = OBJECT_CLASSES;
  const out = ['                 ' + cols.map((x) => short[x].padStart(9)).join('')];
  for (const r of cols) {
    if (!c[r]) continue;
    out.push(`  ${short[r].padEnd(15)}` + cols.map((x) => String(c[r][x] ?? 0).padStart(9)).join(''));
  }
  return out;
}

/** `centinela eval <scenario> --ops [--json] [--seed N] [--duration S]`. */
export function evalOpsCommand(name: string, opts: { json?: boolean; seed?: number; duration?: number; tracker?: string }): void {
  const scenario = loadSimScenario(name);
  const run = runOpsScenario(scenario, { seed: opts.seed, durationS: opts.duration, tracker: opts.tracker });
  const s = summarizeOps([run]);
  if (opts.json) {
    process.stdout.write(JSON.stringify({ scenario: scenario.name, seed: run.seed, ...opsJson(s) }) + '\n');
    return;
  }
  process.stdout.write(`scenario         ${scenario.name} (seed ${run.seed})\n${formatOps(s)}\n`);
}
