/**
 * The world on a virtual clock. Targets move along analytic trajectories; each sensor reports at
 * its own update interval (with its own phase, as real sensors do not share a clock), sampling
 * the true state of every object at that instant through its `observe`, with a random stream
 * derived from the scenario seed and its id. Out comes one time-ordered stream of Detections,
 * interleaved with truth samples and truth events (launches, border crossings, drops).
 *
 * `run()` is a generator, so an hour of `stress` (a thousand objects, millions of detections)
 * streams through in constant memory as fast as the CPU allows; `runRealtime()` paces the same
 * stream by a clock the caller passes in. Same scenario and seed → the same stream, bit for bit.
 */
import { openSync, writeSync, closeSync } from 'node:fs';
import { LocalFrame } from '../geo/enu.js';
import type { Detection } from '../model/detection.js';
import { Random } from '../scenario/random.js';
import { BorderGeometry } from './geography.js';
import type { Scenario } from './scenario.js';
import { deriveSeed } from './seed.js';
import { createSensor } from './sensor-models.js';
import { buildTargets, type SimTarget } from './targets/index.js';
import type { ResolvedSite } from './targets/context.js';
import type { SimSensor, TruthState } from './types.js';

/** Something that happened to a target, with its true time and place. */
export type TruthEvent =
  | { type: 'launch'; timeMs: number; targetId: number; latDeg: number; lonDeg: number }
  | {
      type: 'crossing'; timeMs: number; targetId: number;
      /** Toward the protected side (northbound on the Rio Grande) or away from it. */
      direction: 'inbound' | 'outbound';
      /** Compass sense of the crossing as the scenario names its sides. */
      heading: 'northbound' | 'southbound';
      from: string; to: string; latDeg: number; lonDeg: number; heightM: number;
    }
  | { type: 'drop'; timeMs: number; targetId: number; latDeg: number; lonDeg: number; heightM: number };

export type SimItem =
  | { type: 'detection'; detection: Detection }
  /** The true state of every object alive at `timeMs`. The array and states are reused: copy what you keep. */
  | { type: 'truth'; timeMs: number; states: readonly TruthState[] }
  | { type: 'event'; event: TruthEvent };

export interface SimOptions {
  /** Overrides the scenario's seed. */
  seed?: number;
  /** Truth sample interval [ms] (default 1000). */
  truthIntervalMs?: number;
  /** Overrides the scenario's duration [s] (tests, benchmarks). */
  durationS?: number;
}

/** The scenario's world: frame, border, sites, targets and sensors, built from one seed. */
export interface World {
  scenario: Scenario;
  seed: number;
  durationS: number;
  frame: LocalFrame;
  border: BorderGeometry | null;
  protectedIsLeft: boolean;
  sites: Map<string, ResolvedSite>;
  targets: SimTarget[];
  sensors: SimSensor[];
}

export function buildWorld(scenario: Scenario, opts: SimOptions = {}): World {
  const seed = opts.seed ?? scenario.seed;
  const durationS = opts.durationS ?? scenario.durationS;
  const frame = LocalFrame.fromDegrees(scenario.origin);
  const border = scenario.border ? new BorderGeometry(scenario.border.line, frame) : null;
  const p = new Float64Array(3);
  const sites = new Map<string, ResolvedSite>();
  for (const s of scenario.sites) {
    frame.geodeticToEnu(s.latDeg, s.lonDeg, frame.heightAboveEllipsoidM, p);
    sites.set(s.id, { id: s.id, name: s.name, e: p[0], n: p[1], radiusM: s.radiusM });
  }
  const protectedIsLeft = scenario.border?.protectedIsLeft ?? true;
  const targets = scenario.targets.length === 0 ? [] : buildTargets(scenario.targets, {
    frame, border: border!, protectedIsLeft, region: scenario.region, sites, durationS, seed,
  });
  const sensors = scenario.sensors.map((c) => createSensor(c, frame));
  return { scenario, seed, durationS, frame, border, protectedIsLeft, sites, targets, sensors };
}

/** Step of the crossing search [s]: a drone moves ≤ 20 m in it, far less than a river meander. */
const ANALYSIS_STEP_S = 1;

export class Simulation {
  readonly world: World;
  readonly truthIntervalMs: number;
  readonly startMs: number;
  readonly endMs: number;
  /** Truth events (launches, crossings, drops), time-ordered. */
  readonly events: TruthEvent[];
  /** Crossings per target id. */
  readonly crossings = new Map<number, Extract<TruthEvent, { type: 'crossing' }>[]>();

  constructor(scenario: Scenario, opts: SimOptions = {}) {
    this.world = buildWorld(scenario, opts);
    this.truthIntervalMs = opts.truthIntervalMs ?? 1000;
    this.startMs = scenario.startTimeMs;
    this.endMs = this.startMs + this.world.durationS * 1000;
    this.events = this.analyse();
  }

  get seed(): number {
    return this.world.seed;
  }

  /**
   * Launches, drops and border crossings of every target, found by walking each trajectory in
   * 1 s steps and, where the side changes, intersecting that step with the border line.
   */
  private analyse(): TruthEvent[] {
    const { frame, border, targets, protectedIsLeft } = this.world;
    const scn = this.world.scenario;
    const ev: TruthEvent[] = [];
    const g = new Float64Array(3);
    const k = { e: 0, n: 0, u: 0, ve: 0, vn: 0, vu: 0 };
    const ms = (tS: number) => Math.round(this.startMs + tS * 1000);
    const inRun = (tS: number) => tS >= 0 && tS <= this.world.durationS;
    for (const t of targets) {
      const m = t.meta;
      if (m.launch && inRun(m.launch.timeS)) {
        frame.enuToGeodetic(m.launch.e, m.launch.n, 0, g);
        ev.push({ type: 'launch', timeMs: ms(m.launch.timeS), targetId: m.id, latDeg: g[0], lonDeg: g[1] });
      }
      for (const d of m.drops) {
        if (!inRun(d.timeS)) continue;
        frame.enuToGeodetic(d.e, d.n, d.u, g);
        ev.push({ type: 'drop', timeMs: ms(d.timeS), targetId: m.id, latDeg: g[0], lonDeg: g[1], heightM: d.u });
      }
      if (!border) continue;
      const list: Extract<TruthEvent, { type: 'crossing' }>[] = [];
      const tr = t.trajectory;
      const t0 = Math.max(0, tr.startS), t1 = Math.min(this.world.durationS, tr.endS);
      if (!(t1 > t0)) continue;
      tr.rewind();
      tr.stateAt(t0, k);
      let pe = k.e, pn = k.n, pu = k.u, pt = t0, pl = border.isLeft(pe, pn);
      for (let ts = Math.min(t0 + ANALYSIS_STEP_S, t1); ; ts = Math.min(ts + ANALYSIS_STEP_S, t1)) {
        tr.stateAt(ts, k);
        const left = border.isLeft(k.e, k.n);
        if (left !== pl) {
          const c = border.crossing(pe, pn, k.e, k.n);
          const f = c ? c.fraction : 0.5;
          const ce = c ? c.e : (pe + k.e) / 2, cn = c ? c.n : (pn + k.n) / 2, cu = pu + f * (k.u - pu);
          frame.enuToGeodetic(ce, cn, cu, g);
          const inbound = left === protectedIsLeft;
          const northbound = left === (scn.border!.protectedIsLeft === (scn.border!.protectedName === scn.border!.north));
          const e: Extract<TruthEvent, { type: 'crossing' }> = {
            type: 'crossing', timeMs: ms(pt + f * (ts - pt)), targetId: m.id,
            direction: inbound ? 'inbound' : 'outbound', heading: northbound ? 'northbound' : 'southbound',
            from: pl ? border.leftName : border.rightName, to: left ? border.leftName : border.rightName,
            latDeg: g[0], lonDeg: g[1], heightM: cu,
          };
          list.push(e);
          ev.push(e);
        }
        pe = k.e; pn = k.n; pu = k.u; pt = ts; pl = left;
        if (ts >= t1) break;
      }
      tr.rewind();
      if (list.length) this.crossings.set(m.id, list);
    }
    // Stable by time, then target id, so the order never depends on engine sort details.
    return ev.sort((a, b) => a.timeMs - b.timeMs || a.targetId - b.targetId);
  }

  /** The detection / truth / event stream on the virtual clock, as fast as it can be generated. */
  *run(): Generator<SimItem> {
    const { sensors, targets, frame, seed } = this.world;
    const rngs = sensors.map((s) => new Random(deriveSeed(seed, `sensor:${s.id}`)));
    // Each sensor starts at its own phase within its first interval: real sensors are not synchronised.
    const next = sensors.map((s) => this.startMs + Math.floor(new Random(deriveSeed(seed, `phase:${s.id}`)).next() * s.updateIntervalMs));
    const states: TruthState[] = targets.map((t) => ({
      id: t.meta.id, cls: t.meta.cls, e: 0, n: 0, u: 0, ve: 0, vn: 0, vu: 0, rcsM2: t.meta.rcsM2,
      rf: t.meta.rf, remoteId: t.meta.remoteId, icao: t.meta.icao, callsign: t.meta.callsign, acousticLevel: t.meta.acousticLevel,
    }));
    for (const t of targets) t.trajectory.rewind();
    const live: TruthState[] = [];
    let liveAt = NaN;
    const refresh = (timeMs: number) => {
      if (timeMs === liveAt) return;
      liveAt = timeMs;
      live.length = 0;
      const tS = (timeMs - this.startMs) / 1000;
      for (let i = 0; i < targets.length; i++) if (targets[i].trajectory.stateAt(tS, states[i])) live.push(states[i]);
    };
    let truthNext = this.startMs;
    let evi = 0;
    const out: Detection[] = [];
    const ctx = { timeMs: 0, truths: live as readonly TruthState[], frame, rng: rngs[0] };
    for (;;) {
      let t = truthNext;
      for (const v of next) if (v < t) t = v;
      if (t > this.endMs) break;
      while (evi < this.events.length && this.events[evi].timeMs <= t) yield { type: 'event', event: this.events[evi++] };
      refresh(t);
      for (let i = 0; i < sensors.length; i++) {
        if (next[i] !== t) continue;
        out.length = 0;
        ctx.timeMs = t;
        ctx.rng = rngs[i];
        sensors[i].observe(ctx, out);
        for (const d of out) yield { type: 'detection', detection: d };
        next[i] = t + sensors[i].updateIntervalMs;
      }
      if (truthNext === t) {
        yield { type: 'truth', timeMs: t, states: live };
        truthNext = t + this.truthIntervalMs;
      }
    }
    while (evi < this.events.length && this.events[evi].timeMs <= this.endMs) yield { type: 'event', event: this.events[evi++] };
  }

  /**
   * The same stream paced in real time: an item with scenario time T is released when
   * `now() − now₀ ≥ (T − start) / speed`. `now` and `sleep` come from the caller (the wall clock
   * in the CLI, a fake one in tests), so the simulator itself never reads a clock.
   */
  async *runRealtime(now: () => number, sleep: (ms: number) => Promise<void>, speed = 1): AsyncGenerator<SimItem> {
    const wall0 = now();
    for (const item of this.run()) {
      const t = itemTime(item);
      const wait = wall0 + (t - this.startMs) / speed - now();
      if (wait > 0) await sleep(wait);
      yield item;
    }
  }
}

export function itemTime(item: SimItem): number {
  return item.type === 'detection' ? item.detection.timeMs : item.type === 'truth' ? item.timeMs : item.event.timeMs;
}

/**
 * Writes the ground truth as JSON, streaming (the `stress` truth is hundreds of MB at 1 s):
 * scenario facts, zones, per target its class, RF / Remote ID / ADS-B presence, launch, drops,
 * border crossings and its trajectory sampled every `intervalMs` as
 * [timeMs, latDeg, lonDeg, heightAboveGroundM, vEast, vNorth, vUp].
 */
export function writeTruthJson(sim: Simulation, path: string, intervalMs = sim.truthIntervalMs): void {
  const fd = openSync(path, 'w');
  try {
    const w = sim.world, s = w.scenario;
    const head = {
      format: 'centinela-sim-truth', version: 1, scenario: s.name, seed: w.seed,
      startTime: new Date(sim.startMs).toISOString(), startMs: sim.startMs, durationS: w.durationS,
      frame: { origin: s.origin, heights: 'heightAboveGroundM is height above the sector origin level' },
      border: s.border ? { name: s.border.name, north: s.border.north, south: s.border.south, protected: s.border.protectedName, attribution: s.border.line.attribution, source: s.border.line.source } : null,
      sites: s.sites,
      sensors: s.sensors.map((c) => ({ id: c.id, kind: c.kind })),
      events: sim.events,
    };
    const headText = JSON.stringify(head);
    writeSync(fd, headText.slice(0, -1) + ',"targets":[');
    const k = { e: 0, n: 0, u: 0, ve: 0, vn: 0, vu: 0 };
    const g = new Float64Array(3);
    w.targets.forEach((t, i) => {
      const m = t.meta, tr = t.trajectory;
      const meta = {
        id: m.id, type: m.type, label: m.label, class: m.cls, threat: m.threat, rcsM2: round(m.rcsM2, 4),
        rf: m.rf, remoteId: m.remoteId ? { serial: m.remoteId.serial, spoofed: m.remoteId.spoofOffset !== undefined } : null,
        icao: m.icao, callsign: m.callsign,
        startMs: Math.round(sim.startMs + tr.startS * 1000), endMs: Math.round(sim.startMs + tr.endS * 1000),
        launch: sim.events.find((e) => e.type === 'launch' && e.targetId === m.id) ?? null,
        drops: sim.events.filter((e) => e.type === 'drop' && e.targetId === m.id),
        crossings: sim.crossings.get(m.id) ?? [],
      };
      const rows: string[] = [];
      tr.rewind();
      const first = Math.max(0, Math.ceil((tr.startS * 1000) / intervalMs)) * intervalMs;
      for (let ms = first; ms <= Math.min(tr.endS, w.durationS) * 1000; ms += intervalMs) {
        if (!tr.stateAt(ms / 1000, k)) continue;
        w.frame.enuToGeodetic(k.e, k.n, k.u, g);
        rows.push(`[${sim.startMs + ms},${g[0].toFixed(7)},${g[1].toFixed(7)},${k.u.toFixed(1)},${k.ve.toFixed(2)},${k.vn.toFixed(2)},${k.vu.toFixed(2)}]`);
      }
      tr.rewind();
      const metaText = JSON.stringify(meta);
      writeSync(fd, `${i ? ',' : ''}${metaText.slice(0, -1)},"trajectory":[${rows.join(',')}]}`);
    });
    writeSync(fd, ']}\n');
  } finally {
    closeSync(fd);
  }
}

function round(v: number, d: number): number {
  const f = 10 ** d;
  return Math.round(v * f) / f;
}
