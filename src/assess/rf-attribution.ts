/**
 * Whose RF link is whose. An RF detector hears a control link as a line of bearing; in dense
 * traffic a line passes several drones, and the tracker hands a link's bearings to whichever
 * track they gate with. So attribution is judged here, from the bearings of the last half minute
 * against where each object's tracks were: a link is an object's when its bearings are centred
 * on it (emitterFit), each detector heard it as often as its Pd there says — against the other
 * detectors' counts (heardAsExpected) and against its own report rate (heardOftenEnough: all one
 * detector alone can say about range) — and no other track explains them clearly better (by
 * bearing, or, on the same line, by how often the link is heard: carriedElsewhere). The
 * dark-drone flag and the classifier's link term both stand on it (see Assessor.conclude).
 */
import type { AssessSensor } from './types.js';
import { emitterFit, expectedRfPd, heardAsExpected, poissonCdf, type BearingResidual, type FlagConfig } from './flags.js';
import { wrapPi } from './geometry.js';
import type { History, Sample } from './history.js';

/** One RF bearing heard, whichever track (if any) the tracker gave it to. */
export interface RfBearing {
  t: number;
  /** Index of the detector in the sensor list. */
  sensor: number;
  az: number;
  sigma: number;
  emitter: string;
}

/** What attribution reads of a track. */
export interface RfTrack {
  readonly history: History;
  readonly reportable: boolean;
  readonly last: Sample | null;
  readonly classification: { pDrone: number } | null;
  readonly obj: RfObject<this>;
}

/** What attribution reads of an object (a chain of tracks), and its per-object caches. */
export interface RfObject<T> {
  readonly members: Iterable<T>;
  /** The links its tracks took (emitter ids). */
  readonly evidence: { readonly rfEmitters: ReadonlyMap<string, unknown> };
  rfAlong: boolean;
  rfAlongAtMs: number | null;
  borrowed: boolean;
  borrowedEmitter: string | null;
  borrowedAtMs: number | null;
}

interface RfIndex {
  bySensor: Map<number, Map<number, RfBearing[]>>;
  byEmitter: Map<string, RfBearing[]>;
}

/** Bearings are judged over this window [ms]. */
const RF_WINDOW_MS = 30_000;
/** Azimuth bins of the bearing and track indexes: 2°. */
const RF_BINS = 180;
const RF_BIN = (2 * Math.PI) / RF_BINS;

export class RfAttribution<T extends RfTrack, O extends RfObject<T>> {
  private heard: RfBearing[] = [];
  private rfIndex: RfIndex | null = null;
  private rfIndexMs = NaN;
  private trackIndex: Map<number, Map<number, T[]>> | null = null;
  private trackIndexMs = NaN;
  private rfCache: { count: number; sensors: AssessSensor[]; indices: number[] } = { count: -1, sensors: [], indices: [] };

  /**
   * `sensors` is the assessor's own list (it grows as sensors join), `tracks` its live track
   * states (candidates for carrying a link).
   */
  constructor(private readonly sensors: readonly AssessSensor[], private readonly cfg: FlagConfig, private readonly tracks: () => Iterable<T>) {}

  /** Takes a bearing heard now. */
  hear(b: RfBearing): void {
    this.heard.push(b);
  }

  /** Drops the bearings older than the window at `timeMs`. */
  forgetBefore(timeMs: number): void {
    let k = 0;
    while (k < this.heard.length && timeMs - this.heard[k].t > RF_WINDOW_MS) k++;
    if (k > 0) this.heard.splice(0, k);
  }

  /** A sensor joined: the indexes are rebuilt with it on the next pass. */
  sensorAdded(): void {
    this.rfIndex = null;
    this.trackIndex = null;
  }

  /** The RF detectors among the sensors. */
  rfSensors(): readonly AssessSensor[] {
    this.refreshRfSensors();
    return this.rfCache.sensors;
  }

  /** Indices of the RF detectors in the sensor list. */
  private rfSensorIndices(): number[] {
    this.refreshRfSensors();
    return this.rfCache.indices;
  }

  private refreshRfSensors(): void {
    if (this.rfCache.count === this.sensors.length) return;
    this.rfCache = {
      count: this.sensors.length,
      sensors: this.sensors.filter((s) => s.kind === 'rf'),
      indices: this.sensors.flatMap((s, i) => (s.kind === 'rf' ? [i] : [])),
    };
  }

  /**
   * Whether some RF link heard in the window is this object's: then its silence is not proven,
   * whichever track (if any) the tracker gave that link's bearings to. A link is this object's
   * when
   *   - its bearings are centred on where the object's tracks were at the time (emitterFit: the
   *     mean residual per detector within a few σ/√n, not merely each bearing within a wide
   *     gate), from every detector that heard it repeatedly and — where two detectors cover the
   *     object — from both; the link `link` its own tracks took need only pass close by (the
   *     per-bearing test: its track may be tens of metres off for a while);
   *   - each detector heard it about as often as its Pd at the object says (heardAsExpected: a
   *     second detector that would hear it from there and does not puts it elsewhere on the
   *     first one's line of bearing);
   *   - and no other track (a drone, or something not known not to be one) fits the same
   *     bearings clearly better (rfExplainChi2): then the link is that track's.
   * In dense traffic a bearing line passes several drones, so with a per-bearing gate alone any
   * drone near any link's line of bearing looked as if it might carry it, and a dark drone never
   * stayed silent. Candidates: emitters with bearings near the object's present bearing (by
   * sensor and azimuth bin, wide enough for how far it has moved in the window), and the links
   * its tracks took. Evaluated at most every 2 s per object.
   */
  along(o: O, timeMs: number, link: string | null): boolean {
    if (o.rfAlongAtMs !== null && timeMs - o.rfAlongAtMs < 2000) return o.rfAlong;
    o.rfAlongAtMs = timeMs;
    o.rfAlong = false;
    if (this.heard.length === 0) return false;
    const index = this.rfIndexFor(timeMs);
    const c = this.latestState(o);
    if (!c) return false;
    // Where two detectors cover the object, a link it carries would be heard along both lines.
    let covering = 0;
    for (const rs of this.rfSensors()) if (expectedRfPd([rs], c.e, c.n, c.u) >= this.cfg.minExpectedPd) covering++;
    const needSensors = Math.min(2, Math.max(1, covering));
    // Emitters with a bearing near the object's from some sensor, and the links its tracks took.
    const candidates = new Set<string>(o.evidence.rfEmitters.keys());
    for (const [sensor, bins] of index.bySensor) {
      const s = this.sensors[sensor];
      const range = Math.max(Math.hypot(c.e - s.e, c.n - s.n), 1);
      const moved = Math.max(Math.hypot(c.ve, c.vn), 5) * (RF_WINDOW_MS / 1000);
      const span = Math.min(Math.PI, Math.atan2(moved + 100, range) + 0.2);
      const az = Math.atan2(c.e - s.e, c.n - s.n);
      const b0 = Math.floor((az - span) / RF_BIN), b1 = Math.floor((az + span) / RF_BIN);
      for (let bi = b0; bi <= b1; bi++) for (const r of bins.get(((bi % RF_BINS) + RF_BINS) % RF_BINS) ?? []) candidates.add(r.emitter);
    }
    const cfg = this.cfg;
    for (const emitter of candidates) {
      const bearings = index.byEmitter.get(emitter);
      if (!bearings) continue;
      const mine = emitterFit(this.residuals(bearings, o.members, null), cfg);
      // Centred on it; or, for the link its tracks took, merely passing close by (its track may
      // be tens of metres off for a while), unless another track carries it.
      const centred = mine.fits && mine.sensorsAgreeing >= needSensors;
      const near = emitter === link && mine.looseFits && mine.looseSensors >= needSensors;
      if (!centred && !near) continue;
      // Heard by each detector about as often as it would be from here (one bearing line alone
      // passes many things; a second detector that should hear it and does not rules it out).
      const heard = new Map<number, number>();
      for (const r of bearings) heard.set(r.sensor, (heard.get(r.sensor) ?? 0) + 1);
      if (!heardAsExpected(this.rfSensorIndices().map((k) => ({ heard: heard.get(k) ?? 0, pd: expectedRfPd([this.sensors[k]], c.e, c.n, c.u) })), cfg)) continue;
      if (!this.heardOftenEnough(bearings, heard, o, c, timeMs)) continue;
      if (this.carriedElsewhere(bearings, o, mine.chi2, c, timeMs)) continue;
      o.rfAlong = true;
      break;
    }
    return o.rfAlong;
  }

  /**
   * Whether each covering detector heard the emitter about as often as its own report rate and
   * its Pd at the object say it would, had the object carried it: once per update interval with
   * probability Pd(range). This is what one detector alone can tell: a line of bearing passes
   * many drones, but a link carried 5 km out is heard a fifth as often as one carried 1.5 km
   * out. The span counted starts when both the object and the emitter were there (a link
   * switched on late is not held against its carrier); too few reports (Poisson tail below
   * rfMissProbability) put the link elsewhere on the line.
   */
  private heardOftenEnough(bearings: readonly RfBearing[], heard: ReadonlyMap<number, number>, o: O, c: { e: number; n: number; u: number }, timeMs: number): boolean {
    let firstHeard = Infinity;
    for (const r of bearings) firstHeard = Math.min(firstHeard, r.t);
    let firstSeen = Infinity;
    for (const m of o.members) if (m.history.length > 0) firstSeen = Math.min(firstSeen, m.history.get(0, 'timeMs'));
    const spanMs = timeMs - Math.max(timeMs - RF_WINDOW_MS, firstHeard, firstSeen);
    if (!(spanMs > 0)) return true;
    for (const k of this.rfSensorIndices()) {
      const s = this.sensors[k];
      if (!s.updateIntervalMs) continue;
      const pd = expectedRfPd([s], c.e, c.n, c.u);
      if (pd < this.cfg.minExpectedPd) continue;
      if (poissonCdf(heard.get(k) ?? 0, (spanMs / s.updateIntervalMs) * pd) < this.cfg.rfMissProbability) return false;
    }
    return true;
  }

  /** The latest state of an object's tracks, or null. */
  private latestState(o: O): Sample | null {
    let c: Sample | null = null;
    for (const m of o.members) if (m.last && (!c || m.last.timeMs > c.timeMs)) c = m.last;
    return c;
  }

  /**
   * Whether some detector heard an emitter (`heard`: reports per detector and the first one's
   * time, from countsBySensor) far more often than it would from `p`: more reports
   * in the window than its report rate × Pd at p allow (P(N ≥ heard) below rfMissProbability for
   * a Poisson count over the span since it first heard it). Then the link is nearer that detector
   * than p, somewhere else on its line of bearing.
   */
  private heardTooOftenAt(heard: ReadonlyMap<number, { n: number; first: number }>, p: { e: number; n: number; u: number }, timeMs: number): boolean {
    for (const [k, h] of heard) {
      const s = this.sensors[k];
      if (!s?.updateIntervalMs) continue;
      const reports = (timeMs - Math.max(h.first, timeMs - RF_WINDOW_MS)) / s.updateIntervalMs + 1;
      if (1 - poissonCdf(h.n - 1, reports * expectedRfPd([s], p.e, p.n, p.u)) < this.cfg.rfMissProbability) return true;
    }
    return false;
  }

  /** An emitter's reports per detector in the window, and when each detector first heard it. */
  private countsBySensor(bearings: readonly RfBearing[]): Map<number, { n: number; first: number }> {
    const heard = new Map<number, { n: number; first: number }>();
    for (const r of bearings) {
      const h = heard.get(r.sensor);
      if (h) {
        h.n++;
        h.first = Math.min(h.first, r.t);
      } else heard.set(r.sensor, { n: 1, first: r.t });
    }
    return heard;
  }

  /**
   * Whether the link an object's tracks took is another track's (see carriedElsewhere). Only with
   * evidence (bearings) to judge by; cached for 2 s per object.
   */
  linkCarriedElsewhere(o: O, emitter: string, timeMs: number): boolean {
    if (this.heard.length === 0) return false;
    if (o.borrowedAtMs !== null && o.borrowedEmitter === emitter && timeMs - o.borrowedAtMs < 2000) return o.borrowed;
    o.borrowedAtMs = timeMs;
    o.borrowedEmitter = emitter;
    o.borrowed = false;
    const bearings = this.rfIndexFor(timeMs).byEmitter.get(emitter);
    if (!bearings) return false;
    const mine = emitterFit(this.residuals(bearings, o.members, null), this.cfg);
    const c = this.latestState(o);
    o.borrowed = c !== null && this.carriedElsewhere(bearings, o, mine.chi2, c, timeMs);
    return o.borrowed;
  }

  /**
   * Residuals of an emitter's bearings against where `tracks` were at each bearing's time (the
   * first track with a state within −0.5 … +1.5 s of it); with `also`, only the bearings both
   * `tracks` and `also` cover (so two candidates are judged on the same bearings).
   */
  private residuals(bearings: readonly RfBearing[], tracks: Iterable<T>, also: Iterable<T> | null): BearingResidual[] {
    const out: BearingResidual[] = [];
    for (const r of bearings) {
      const s = this.sensors[r.sensor];
      const p = this.positionAt(tracks, r.t);
      if (!p || (also && !this.positionAt(also, r.t))) continue;
      const rr = Math.max(Math.hypot(p.e - s.e, p.n - s.n), 1);
      out.push({ sensor: r.sensor, residual: wrapPi(r.az - Math.atan2(p.e - s.e, p.n - s.n)), sigma: r.sigma, allowance: Math.atan2(Math.max(30, 2 * p.sigma), rr) });
    }
    return out;
  }

  /** Mean horizontal distance between two sets of tracks at the bearings' times both cover (Infinity when none). */
  private meanSeparation(bearings: readonly RfBearing[], a: Iterable<T>, b: Iterable<T>): number {
    let sum = 0, n = 0;
    for (const r of bearings) {
      const p = this.positionAt(a, r.t), q = p && this.positionAt(b, r.t);
      if (!p || !q) continue;
      sum += Math.hypot(p.e - q.e, p.n - q.n);
      n++;
    }
    return n > 0 ? sum / n : Infinity;
  }

  private positionAt(tracks: Iterable<T>, t: number): { e: number; n: number; sigma: number } | null {
    for (const m of tracks) {
      const h = m.history, k = h.indexFrom(t - 500);
      if (k >= h.length || h.get(k, 'timeMs') - t > 1500) continue;
      return { e: h.get(k, 'e'), n: h.get(k, 'n'), sigma: Math.sqrt(0.5 * (h.get(k, 'pee') + h.get(k, 'pnn'))) };
    }
    return null;
  }

  /**
   * Whether another live track carries an emitter rather than object `o` (whose bearing fit is
   * `mineChi2`, its latest state `c`): it fits the bearings (on those both cover) clearly better
   * — `o` off-centre, bias χ² above rfExplainChi2, the other below it by that much — or, by
   * bearing about as well, it explains how often the link is heard where `o` cannot: a detector
   * heard it far more often than its report rate and Pd at `o` allow (heardTooOftenAt), and not
   * more than at the other track. That is the single-detector case in dense traffic: a bird
   * 5 km out on the line of a drone hovering 300 m from the detector sits on its bearings as
   * squarely as the drone does, but would be heard one report in ten, not every one. (The rate
   * alone proves little — a strong link is heard beyond the stated curve — so it only decides
   * between two tracks on the same line, one of which it fits.) Candidates are believed tracks of
   * other objects, not known to be birds or cars (P(drone) ≥ rfCarrierMinPDrone), lying near the
   * emitter's latest bearing from each detector that heard it. (A tie is not broken by which
   * track the tracker gave the link to: in dense traffic that is what cannot be trusted.)
   */
  private carriedElsewhere(bearings: readonly RfBearing[], o: O, mineChi2: number, c: { e: number; n: number; u: number }, timeMs: number): boolean {
    const cfg = this.cfg;
    const offCentre = mineChi2 > cfg.rfExplainChi2;
    const heard = this.countsBySensor(bearings);
    const tooOften = this.heardTooOftenAt(heard, c, timeMs);
    if (!offCentre && !tooOften) return false;
    const index = this.trackAzimuthIndexFor(timeMs);
    const latest = new Map<number, RfBearing>();
    for (const r of bearings) {
      const l = latest.get(r.sensor);
      if (!l || r.t > l.t) latest.set(r.sensor, r);
    }
    const seen = new Set<T>();
    for (const [sensor, r] of latest) {
      const bins = index.get(sensor);
      if (!bins) continue;
      const span = 3 * r.sigma + RF_BIN;
      const b0 = Math.floor((r.az - span) / RF_BIN), b1 = Math.floor((r.az + span) / RF_BIN);
      for (let bi = b0; bi <= b1; bi++) {
        for (const t of bins.get(((bi % RF_BINS) + RF_BINS) % RF_BINS) ?? []) {
          if (seen.has(t) || t.obj === o) continue;
          seen.add(t);
          if ((t.classification?.pDrone ?? 0) < cfg.rfCarrierMinPDrone) continue;
          // A track within a duplicate's distance may be this very drone tracked twice.
          if (this.meanSeparation(bearings, o.members, t.obj.members) < cfg.rfCarrierMinSeparationM) continue;
          const mine = emitterFit(this.residuals(bearings, o.members, t.obj.members), cfg);
          const theirs = emitterFit(this.residuals(bearings, t.obj.members, o.members), cfg);
          if (!theirs.fits || theirs.sensorsAgreeing < mine.sensorsAgreeing) continue;
          if (offCentre && theirs.chi2 + cfg.rfExplainChi2 < mine.chi2) return true;
          if (tooOften && theirs.chi2 <= mine.chi2 + cfg.rfExplainChi2 && t.last && !this.heardTooOftenAt(heard, t.last, timeMs)) return true;
        }
      }
    }
    return false;
  }

  /** Believed live tracks by azimuth bin from each RF detector (their latest states), built once per pass when first needed. */
  private trackAzimuthIndexFor(timeMs: number): Map<number, Map<number, T[]>> {
    if (this.trackIndexMs === timeMs && this.trackIndex) return this.trackIndex;
    const index = new Map<number, Map<number, T[]>>();
    this.sensors.forEach((s, i) => {
      if (s.kind !== 'rf') return;
      const bins = new Map<number, T[]>();
      for (const st of this.tracks()) {
        if (!st.reportable || !st.last) continue;
        const az = Math.atan2(st.last.e - s.e, st.last.n - s.n);
        const key = ((Math.floor(az / RF_BIN) % RF_BINS) + RF_BINS) % RF_BINS;
        let l = bins.get(key);
        if (!l) bins.set(key, (l = []));
        l.push(st);
      }
      index.set(i, bins);
    });
    this.trackIndex = index;
    this.trackIndexMs = timeMs;
    return index;
  }

  /** RF bearings of the window by sensor and azimuth bin, and by emitter, built once per pass when first needed. */
  private rfIndexFor(timeMs: number): RfIndex {
    if (this.rfIndexMs === timeMs && this.rfIndex) return this.rfIndex;
    const index: RfIndex = { bySensor: new Map(), byEmitter: new Map() };
    for (const r of this.heard) {
      if (!this.sensors[r.sensor]) continue;
      let bins = index.bySensor.get(r.sensor);
      if (!bins) index.bySensor.set(r.sensor, (bins = new Map()));
      const key = ((Math.floor(r.az / RF_BIN) % RF_BINS) + RF_BINS) % RF_BINS;
      let l = bins.get(key);
      if (!l) bins.set(key, (l = []));
      l.push(r);
      let e = index.byEmitter.get(r.emitter);
      if (!e) index.byEmitter.set(r.emitter, (e = []));
      e.push(r);
    }
    this.rfIndex = index;
    this.rfIndexMs = timeMs;
    return index;
  }
}
