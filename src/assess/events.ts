/**
 * Behaviour events of one track, from small state machines fed each assessed state:
 *
 *   border crossing   side of the line with hysteresis: a side counts only beyond a margin that
 *                     grows with the track's cross-line uncertainty, so a track that touches the
 *                     line (or wobbles across it in noise) and turns back never crosses; the
 *                     event reports the interpolated time and point where it did cross. A track
 *                     born inside the band (it started seconds before the line) that was over
 *                     the line by 1 σ or more and moved on to firm ground on the other side at a
 *                     flying speed crossed too, though never firm on the side it came from.
 *   zone entry/exit   per area zone, entering inside the boundary and leaving only beyond an exit
 *                     margin (hysteresis); loiter when the visit lasts beyond a threshold.
 *   loiter (open)     circling in a small area for minutes, wherever it is.
 *   hover             holding still (mean horizontal velocity over a few seconds below a bound).
 *   suspected drop    a hold (hover or descent), then a climb and a departure, on our side: the
 *                     smuggler's release. Heights low over the ground are often unobserved (a
 *                     radar loses the drone under its mask), so a significant descent counts as
 *                     well as a climb, and when neither can be judged a long hold does. The
 *                     departure may come on another track (trackers often leave the hovering
 *                     track standing and start a new one on the leaving drone: the Assessor
 *                     hands it over). Never for cooperative traffic. The drop point is the
 *                     hold's mean position with a 95 % ellipse a ground team can drive to.
 *   launch point      the track's first seconds projected back to the ground: seen at launch
 *                     (low, or climbing in place) or back along its first heading, as a region
 *                     labelled with its side of the border; bounded by the cable for dark drones.
 *   intent            approaching / receding / passing / holding / inside, with predicted times
 *                     to the border and to each protected zone, reported when it changes.
 *
 * Pure: the detectors read samples and zones and return events; they never look at a clock.
 */
import { covarianceEllipse, compass, type Point2 } from './geometry.js';
import type { History, Sample } from './history.js';
import type { GeoPoint, Intent, TrackEvent } from './types.js';
import { areaContains, areaSignedDistance, timeToArea, type ZoneSet } from './zones.js';

export interface EventConfig {
  /** Border hysteresis: a side counts beyond max(minMargin, k·σ⊥), at most maxMargin [m]. */
  crossingMinMarginM: number;
  crossingSigmaK: number;
  crossingMaxMarginM: number;
  /**
   * A track first seen inside the band: its first firm side counts as a crossing when, before it,
   * the track was on the other side by at least crossingBandMinSigma σ⊥ and moved across at
   * crossingBandMinSpeedMps or more on average (seen crossing, though never firm over there) [–, m/s].
   */
  crossingBandMinSigma: number;
  crossingBandMinSpeedMps: number;
  /** Zone hysteresis: enter this far inside, leave this far outside [m]. */
  zoneEnterMarginM: number;
  zoneExitMarginM: number;
  /** A zone visit longer than this is a loiter [s]. */
  loiterS: number;
  /** Open-area loiter: within this radius for this long, while moving [m, s]. */
  areaLoiterRadiusM: number;
  areaLoiterWindowS: number;
  /** Hover: mean horizontal velocity over `speedWindowS` below this [m/s], for at least hoverMinS. */
  hoverSpeedMps: number;
  hoverMinS: number;
  speedWindowS: number;
  /** Drop: a hold of at least this long [s] … */
  dropMinHoldS: number;
  /** … then moving faster than this [m/s] for departConfirmS, this far from the hold [m] … */
  dropDepartSpeedMps: number;
  dropDepartConfirmS: number;
  dropDepartDistM: number;
  /**
   * … having climbed from the hold's lowest height, or descended to it, by at least
   * max(this, climbSigmaK·σ), σ the error of that difference [m] …
   */
  dropMinClimbM: number;
  dropClimbSigmaK: number;
  /** When the climb is unobservable (its σ above this [m]), a hold of dropUnobservedMinHoldS suffices. */
  dropUnobservedHeightSigmaM: number;
  dropUnobservedMinHoldS: number;
  /** Only holds on the defended side are drops (a release on the far side is not ours to recover). */
  dropRequireProtectedSide: boolean;
  /** Correlation time of successive filtered positions, for the drop ellipse [s]. */
  dropCorrelationS: number;
  /** Launch: the first seconds of a track used for the back-projection [s]. */
  launchWindowS: number;
  /** Seen at launch: first height below this [m], or climbing faster than launchClimbMps almost in place. */
  launchLowHeightM: number;
  launchClimbMps: number;
  /** Typical stand-off of a launch behind the border [m] (the point estimate when only a heading is known). */
  launchStandoffM: number;
  /** Farthest a launch is sought for a radio-controlled drone [m]. */
  launchMaxRangeM: number;
  /** Fibre-optic spool lengths: a dark drone's launch lies within cableMaxM of all its positions [m]. */
  cableMinM: number;
  cableMaxM: number;
  /** Intent: prediction horizon [s] and how long a new intent must persist before it is reported [s]. */
  intentHorizonS: number;
  intentDebounceS: number;
}

export const DEFAULT_EVENT_CONFIG: EventConfig = {
  crossingMinMarginM: 15,
  crossingSigmaK: 2,
  crossingMaxMarginM: 80,
  crossingBandMinSigma: 1,
  crossingBandMinSpeedMps: 2,
  zoneEnterMarginM: 5,
  zoneExitMarginM: 25,
  loiterS: 60,
  areaLoiterRadiusM: 350,
  areaLoiterWindowS: 180,
  hoverSpeedMps: 1.2,
  hoverMinS: 8,
  speedWindowS: 3,
  dropMinHoldS: 10,
  dropDepartSpeedMps: 3,
  dropDepartConfirmS: 2,
  dropDepartDistM: 30,
  dropMinClimbM: 3,
  dropClimbSigmaK: 2,
  dropUnobservedHeightSigmaM: 15,
  dropUnobservedMinHoldS: 20,
  dropRequireProtectedSide: true,
  dropCorrelationS: 5,
  launchWindowS: 6,
  launchLowHeightM: 15,
  launchClimbMps: 0.8,
  launchStandoffM: 1000,
  launchMaxRangeM: 8000,
  cableMinM: 10_000,
  cableMaxM: 15_000,
  intentHorizonS: 300,
  intentDebounceS: 3,
};

/** What the detectors share: zones, configuration and the conversion to WGS84 for outputs. */
export interface BehaviourContext {
  zones: ZoneSet;
  cfg: EventConfig;
  geo(p: Point2): GeoPoint;
}

/** Derived per-sample quantities every detector uses. */
interface Derived {
  /** |mean horizontal velocity| over the speed window [m/s]. */
  speedH: number;
  /** Signed distance to the border (+ defended side), NaN without a border. */
  sd: number;
  /** Position σ across the line [m]. */
  sigmaPerp: number;
  /** Closing speed toward the line [m/s]. */
  closingMps: number;
}

// ---------------------------------------------------------------------------- border crossing

interface SideSample {
  t: number;
  e: number;
  n: number;
  sd: number;
  /** σ across the line [m], where known. */
  sigma?: number;
}

const MAX_SINCE = 600;

export class CrossingDetector {
  /** Firm side: +1 defended, −1 far, 0 not yet known. */
  side: -1 | 0 | 1 = 0;
  /** Time of the last inbound crossing [ms], if any. */
  lastInboundMs: number | null = null;
  crossings = 0;
  private since: SideSample[] = [];

  /** The last sample seen (with its signed distance), for a successor to continue from. */
  get last(): SideSample | null {
    return this.since.length > 0 ? this.since[this.since.length - 1] : null;
  }

  /**
   * Continues a predecessor's side: this track is the same object, so a side change between the
   * predecessor's last state and this track's is a crossing (seen across the break).
   */
  inherit(side: -1 | 0 | 1, last: { t: number; e: number; n: number; sd: number }, first: { t: number; e: number; n: number }, ctx: BehaviourContext, trackId: number, out: TrackEvent[]): void {
    if (side === 0) return;
    // Only across a short break: a crossing is read into the gap between two tracks only when
    // the straight hop from one to the other is a drone's (seconds, a few hundred metres) and
    // meets the line, or stays on one side. Otherwise this track keeps its own sides.
    const gapS = Math.abs(first.t - last.t) / 1000;
    const hop = Math.hypot(first.e - last.e, first.n - last.n);
    if (gapS > 15 || hop > 100 + 25 * gapS) return;
    const border = ctx.zones.border;
    const sideOfFirst = border ? (border.isProtected(first.e, first.n) ? 1 : -1) : side;
    // A change of side needs the hop to meet the line, or to start inside the margin band
    // (the predecessor was crossing when it broke off).
    if (sideOfFirst !== side && border && !border.crossing(last.e, last.n, first.e, first.n) && Math.abs(last.sd) > ctx.cfg.crossingMaxMarginM) return;
    if (this.side === 0 || this.since.length === 0) {
      this.side = side;
      this.since = [last, ...this.since];
      return;
    }
    if (this.side === side) return;
    // Already firmly on the other side: the crossing happened in the gap (or, when the two
    // tracks overlapped in time, around the hand-over).
    const mine = this.side;
    const cur = this.since[this.since.length - 1];
    const later = this.since.filter((x) => x.t > last.t);
    this.side = side;
    this.since = later.length > 0 ? [last, ...later] : [last, cur];
    this.flip(mine, this.since[this.since.length - 1], ctx, trackId, out, Math.max(cur.t, last.t));
  }

  update(s: Sample, d: Derived, ctx: BehaviourContext, trackId: number, out: TrackEvent[]): void {
    const border = ctx.zones.border;
    if (!border || !Number.isFinite(d.sd)) return;
    const cfg = ctx.cfg;
    const margin = crossingMargin(d.sigmaPerp, cfg);
    const firm: -1 | 0 | 1 = d.sd > margin ? 1 : d.sd < -margin ? -1 : 0;
    const here = { t: s.timeMs, e: s.e, n: s.n, sd: d.sd, sigma: d.sigmaPerp };
    if (firm !== 0 && this.side === 0 && this.crossedInBand(firm, here, cfg)) {
      // First firm side, reached from the other side through the band: seen crossing.
      this.since.push(here);
      this.side = firm === 1 ? -1 : 1;
      this.flip(firm, here, ctx, trackId, out, s.timeMs);
      return;
    }
    if (firm === 0 || this.side === 0 || firm === this.side) {
      if (firm !== 0) {
        this.side = firm;
        this.since = [here];
      } else {
        if (this.since.length >= MAX_SINCE) this.since.splice(1, 1);
        this.since.push(here);
      }
      return;
    }
    this.since.push(here);
    this.flip(firm, here, ctx, trackId, out, s.timeMs);
  }

  /**
   * Whether a track that never had a firm side (it started inside the band) came across it:
   * some earlier sample lies on the other side of the line by crossingBandMinSigma of its own σ⊥
   * or more, and from there the track moved to this firm side at crossingBandMinSpeedMps on
   * average (a hover near the line whose estimate wobbles across it does not).
   */
  private crossedInBand(firm: -1 | 1, here: SideSample, cfg: EventConfig): boolean {
    for (const a of this.since) {
      if (Math.sign(a.sd) !== -firm || Math.abs(a.sd) < cfg.crossingBandMinSigma * (a.sigma ?? Infinity)) continue;
      const dt = (here.t - a.t) / 1000;
      if (dt > 0 && (firm * (here.sd - a.sd)) / dt >= cfg.crossingBandMinSpeedMps) return true;
    }
    return false;
  }

  /**
   * The firm side flipped to `firm`: the line was crossed between the last sample on the old side
   * and the next one (scanning back, since the track may have wobbled inside the margin band).
   */
  private flip(firm: -1 | 1, here: SideSample, ctx: BehaviourContext, trackId: number, out: TrackEvent[], timeMs: number): void {
    const border = ctx.zones.border!;
    let i = Math.max(0, this.since.length - 2);
    while (i > 0 && Math.sign(this.since[i].sd) !== this.side) i--;
    const a = this.since[i], b = this.since[Math.min(i + 1, this.since.length - 1)];
    const f = a.sd !== b.sd ? Math.min(1, Math.max(0, a.sd / (a.sd - b.sd))) : 0.5;
    const hit = border.crossing(a.e, a.n, b.e, b.n);
    const point = hit ?? { e: a.e + f * (b.e - a.e), n: a.n + f * (b.n - a.n) };
    const frac = hit ? hit.fraction : f;
    const inbound = firm === 1;
    out.push({
      type: 'border-crossing', trackId, timeMs, crossingTimeMs: Math.round(a.t + frac * (b.t - a.t)),
      direction: inbound ? 'inbound' : 'outbound',
      from: inbound ? border.farName : border.protectedName, to: inbound ? border.protectedName : border.farName,
      point: ctx.geo({ e: point.e, n: point.n }), inferred: false,
    });
    this.crossings++;
    if (inbound) this.lastInboundMs = timeMs;
    this.side = firm;
    this.since = [here];
  }
}

// ---------------------------------------------------------------------------- zones and loiter

interface ZoneVisit {
  inside: boolean;
  entryMs: number;
  loiterReported: boolean;
}

export class ZoneDetector {
  readonly visits = new Map<string, ZoneVisit>();

  update(s: Sample, ctx: BehaviourContext, trackId: number, out: TrackEvent[]): void {
    const cfg = ctx.cfg;
    for (const z of ctx.zones.areas) {
      const sdz = areaSignedDistance(z, s.e, s.n);
      const aboveCeiling = z.ceilingM !== undefined && s.u > z.ceilingM;
      let v = this.visits.get(z.id);
      if (!v?.inside) {
        if (sdz <= -cfg.zoneEnterMarginM && !aboveCeiling) {
          if (!v) this.visits.set(z.id, (v = { inside: true, entryMs: s.timeMs, loiterReported: false }));
          v.inside = true;
          v.entryMs = s.timeMs;
          v.loiterReported = false;
          out.push({ type: 'zone-entry', trackId, timeMs: s.timeMs, zoneId: z.id, zoneName: z.name, zoneKind: z.kind, criticality: z.criticality });
        }
        continue;
      }
      if (sdz >= cfg.zoneExitMarginM || aboveCeiling) {
        v.inside = false;
        out.push({ type: 'zone-exit', trackId, timeMs: s.timeMs, zoneId: z.id, zoneName: z.name, zoneKind: z.kind, criticality: z.criticality });
        continue;
      }
      const dwellS = (s.timeMs - v.entryMs) / 1000;
      if (!v.loiterReported && dwellS >= cfg.loiterS) {
        v.loiterReported = true;
        const c = z.shape.kind === 'circle' ? z.shape.centre : { e: s.e, n: s.n };
        out.push({
          type: 'loiter', trackId, timeMs: s.timeMs, zoneId: z.id, zoneName: z.name, criticality: z.criticality,
          dwellS, centre: ctx.geo(c), radiusM: z.shape.kind === 'circle' ? z.shape.radiusM : 0,
        });
      }
    }
  }

  /** Zones the track is in now. */
  insideIds(): string[] {
    const ids: string[] = [];
    for (const [id, v] of this.visits) if (v.inside) ids.push(id);
    return ids;
  }
}

/** Circling within a small area for minutes, away from any zone or not (checked every few seconds). */
export class AreaLoiterDetector {
  private armed = true;
  private lastCheckMs = -Infinity;
  active = false;

  update(s: Sample, h: History, startMs: number, ctx: BehaviourContext, trackId: number, out: TrackEvent[]): void {
    const cfg = ctx.cfg;
    if (s.timeMs - this.lastCheckMs < 5000) return;
    this.lastCheckMs = s.timeMs;
    const windowMs = cfg.areaLoiterWindowS * 1000;
    if (s.timeMs - startMs < windowMs) return;
    const from = h.indexFrom(s.timeMs - windowMs);
    if (h.length - from < 5) return;
    let ce = 0, cn = 0, path = 0;
    for (let k = from; k < h.length; k++) {
      ce += h.get(k, 'e');
      cn += h.get(k, 'n');
      if (k > from) path += Math.hypot(h.get(k, 'e') - h.get(k - 1, 'e'), h.get(k, 'n') - h.get(k - 1, 'n'));
    }
    const m = h.length - from;
    ce /= m;
    cn /= m;
    let r = 0;
    for (let k = from; k < h.length; k++) r = Math.max(r, Math.hypot(h.get(k, 'e') - ce, h.get(k, 'n') - cn));
    const circling = r <= cfg.areaLoiterRadiusM && path >= 3 * Math.max(r, 50);
    this.active = circling;
    if (circling && this.armed) {
      this.armed = false;
      out.push({ type: 'loiter', trackId, timeMs: s.timeMs, zoneId: null, zoneName: null, criticality: null, dwellS: cfg.areaLoiterWindowS, centre: ctx.geo({ e: ce, n: cn }), radiusM: r });
    } else if (r > 1.5 * cfg.areaLoiterRadiusM) {
      this.armed = true;
    }
  }
}

// ---------------------------------------------------------------------------- hover and drop

export class HoverDetector {
  startMs: number | null = null;
  private reported = false;
  private e = 0;
  private n = 0;
  private u = 0;
  private k = 0;

  get hovering(): boolean {
    return this.startMs !== null;
  }

  update(s: Sample, d: Derived, ctx: BehaviourContext, trackId: number, out: TrackEvent[]): void {
    const cfg = ctx.cfg;
    if (this.startMs === null) {
      if (d.speedH < cfg.hoverSpeedMps) {
        this.startMs = s.timeMs;
        this.reported = false;
        this.e = this.n = this.u = this.k = 0;
      } else {
        return;
      }
    } else if (d.speedH > 2 * cfg.hoverSpeedMps) {
      this.startMs = null;
      return;
    }
    this.e += s.e;
    this.n += s.n;
    this.u += s.u;
    this.k++;
    const durationS = (s.timeMs - this.startMs) / 1000;
    if (!this.reported && durationS >= cfg.hoverMinS) {
      this.reported = true;
      out.push({ type: 'hover', trackId, timeMs: s.timeMs, startMs: this.startMs, durationS, position: ctx.geo({ e: this.e / this.k, n: this.n / this.k }), heightM: this.u / this.k });
    }
  }
}

interface HoldSample {
  t: number;
  e: number;
  n: number;
  u: number;
  w: number;
  pee: number;
  pen: number;
  pnn: number;
  puu: number;
}

const MAX_HOLD_SAMPLES = 4000;

export class DropDetector {
  private hold: HoldSample[] = [];
  private holding = false;
  private departSinceMs: number | null = null;
  /** Where the last hold ended in a take-over: no new hold starts here until the track moves off. */
  private spent: { e: number; n: number } | null = null;
  drops = 0;
  lastDropMs: number | null = null;

  /** The hold in progress (still for at least `minS`), or null. */
  currentHold(minS: number): { startMs: number; e: number; n: number; durationS: number } | null {
    if (!this.holding || this.hold.length < 3) return null;
    const h = this.hold, durationS = (h[h.length - 1].t - h[0].t) / 1000;
    if (durationS < minS) return null;
    let W = 0, me = 0, mn = 0;
    for (const x of h) {
      W += x.w;
      me += x.w * x.e;
      mn += x.w * x.n;
    }
    return { startMs: h[0].t, e: me / W, n: mn / W, durationS };
  }

  /**
   * `cooperative` tracks (honest Remote ID, ADS-B) never produce drops: a hobby drone that stops
   * for a photo and flies on is not smuggling.
   */
  update(s: Sample, d: Derived, ctx: BehaviourContext, trackId: number, cooperative: boolean, out: TrackEvent[]): void {
    const cfg = ctx.cfg;
    const slow = d.speedH < cfg.hoverSpeedMps * 1.25;
    if (this.spent && (!slow || Math.hypot(s.e - this.spent.e, s.n - this.spent.n) > cfg.dropDepartDistM)) this.spent = null;
    if (!this.holding) {
      if (!slow || this.spent) return;
      this.holding = true;
      this.hold = [];
      this.departSinceMs = null;
    }
    if (slow) {
      this.departSinceMs = null;
      if (this.hold.length < MAX_HOLD_SAMPLES) {
        this.hold.push({ t: s.timeMs, e: s.e, n: s.n, u: s.u, w: 1 / Math.max(s.pee + s.pnn, 1e-6), pee: s.pee, pen: s.pen, pnn: s.pnn, puu: s.puu });
      }
      return;
    }
    if (d.speedH < cfg.dropDepartSpeedMps) {
      // Drifting: neither holding still nor leaving.
      this.departSinceMs = null;
      return;
    }
    this.departSinceMs ??= s.timeMs;
    if ((s.timeMs - this.departSinceMs) / 1000 < cfg.dropDepartConfirmS) return;
    const c = this.currentHold(0);
    if (c && Math.hypot(s.e - c.e, s.n - c.n) < cfg.dropDepartDistM) return; // not away yet
    this.depart(s.timeMs, s.u, Math.sqrt(s.puu), ctx, trackId, cooperative, out);
  }

  /**
   * The hold ended with a departure (this track moving off, or a new track of the same object
   * leaving the hold point: trackers often let the hovering track stand and start another on
   * the departing drone). `departHeightM` (σ) is the departing height, evidence of the climb.
   */
  /**
   * `unseenS`: how long the drone went unseen at the spot before the departing track appeared
   * (a track lost while holding low: it went down under the sensors' coverage, the height then
   * unobserved).
   */
  depart(timeMs: number, departHeightM: number, departSigmaM: number, ctx: BehaviourContext, trackId: number, cooperative: boolean, out: TrackEvent[], takenOver = false, unseenS = 0): boolean {
    const cfg = ctx.cfg;
    const hold = this.hold;
    this.holding = false;
    this.hold = [];
    this.departSinceMs = null;
    if (takenOver && hold.length > 0) this.spent = { e: hold[hold.length - 1].e, n: hold[hold.length - 1].n };
    if (hold.length < 3 || cooperative) return false;
    const durationS = (hold[hold.length - 1].t - hold[0].t) / 1000;
    if (durationS < cfg.dropMinHoldS) return false;
    let W = 0, me = 0, mn = 0, cee = 0, cen = 0, cnn = 0;
    for (const h of hold) {
      W += h.w;
      me += h.w * h.e;
      mn += h.w * h.n;
      cee += h.pee;
      cen += h.pen;
      cnn += h.pnn;
    }
    me /= W;
    mn /= W;
    const border = ctx.zones.border;
    if (cfg.dropRequireProtectedSide && border && !border.isProtected(me, mn)) return false;
    // Heights: 3-s running means through the hold; descent from the start, climb to the end
    // (or to the departing height, when that is better known than the hold's last heights).
    const smooth = runningMeans(hold, 3000);
    const uStart = smooth[0];
    let uEnd = smooth[smooth.length - 1], sigmaEnd = Math.sqrt(hold[hold.length - 1].puu);
    let uMin = Infinity, kMin = 0;
    for (let k = 0; k < smooth.length; k++) {
      if (smooth[k] < uMin) {
        uMin = smooth[k];
        kMin = k;
      }
    }
    if (Number.isFinite(departHeightM) && departSigmaM < sigmaEnd && departHeightM > uEnd) {
      uEnd = departHeightM;
      sigmaEnd = departSigmaM;
    }
    // A climb or a descent is judged against the error of its two ends. Low over the ground a
    // radar loses the drone under its mask and the height goes unobserved (the track holds on
    // bearings alone): the climb back is then often seen only in part, and the descent into the
    // release counts as much. When neither can be judged, a long hold and a departure have to do.
    const sigmaMin = Math.sqrt(hold[kMin].puu);
    const sigmaClimb = Math.hypot(sigmaMin, sigmaEnd), sigmaDescent = Math.hypot(sigmaMin, Math.sqrt(hold[0].puu));
    const climb = uEnd - uMin, descent = uStart - uMin;
    const climbed = climb >= Math.max(cfg.dropMinClimbM, cfg.dropClimbSigmaK * sigmaClimb);
    const descended = descent >= Math.max(cfg.dropMinClimbM, cfg.dropClimbSigmaK * sigmaDescent);
    const unobserved = (Math.min(sigmaClimb, sigmaDescent) > cfg.dropUnobservedHeightSigmaM || unseenS >= 5)
      && durationS + unseenS >= cfg.dropUnobservedMinHoldS;
    if (!climbed && !descended && !unobserved) return false;
    // Mean filtered covariance plus the positions' own scatter, shrunk by the number of
    // effectively independent estimates (successive filtered positions are correlated).
    const k = hold.length;
    let see = 0, sen = 0, snn = 0;
    for (const h of hold) {
      see += (h.e - me) ** 2;
      sen += (h.e - me) * (h.n - mn);
      snn += (h.n - mn) ** 2;
    }
    const nEff = Math.max(1, durationS / cfg.dropCorrelationS);
    const pee = (0.5 * (cee / k + see / k)) / nEff, pen = (0.5 * (cen / k + sen / k)) / nEff, pnn = (0.5 * (cnn / k + snn / k)) / nEff;
    const point = ctx.geo({ e: me, n: mn });
    this.drops++;
    this.lastDropMs = timeMs;
    out.push({
      type: 'suspected-drop', trackId, timeMs, point,
      ellipse: covarianceEllipse(point, pee, pen, pnn, 0.95),
      side: border ? border.sideName(me, mn) : null,
      holdStartMs: hold[0].t, holdEndMs: hold[k - 1].t, descentM: Math.max(0, descent), climbM: Math.max(0, climb),
    });
    return true;
  }
}

/** Running means of height over a time window, one per hold sample. */
function runningMeans(hold: readonly HoldSample[], windowMs: number): number[] {
  const out: number[] = [];
  let lo = 0, sum = 0;
  for (let i = 0; i < hold.length; i++) {
    sum += hold[i].u;
    while (hold[i].t - hold[lo].t > windowMs) sum -= hold[lo++].u;
    out.push(sum / (i - lo + 1));
  }
  // The first value is a single sample: use the first full window instead.
  let j = 0;
  while (j < hold.length - 1 && hold[j].t - hold[0].t < windowMs) j++;
  out[0] = out[j];
  return out;
}

// ---------------------------------------------------------------------------- launch point

export class LaunchEstimator {
  first: Sample[] = [];
  done = false;
  /** The first samples are a predecessor's: estimate as soon as this track is believed. */
  private adopted = false;
  /** The estimate as last reported, for revision when the track turns out to be dark. */
  last: Extract<TrackEvent, { type: 'launch-point' }> | null = null;

  update(s: Sample, startMs: number, reportable: boolean, ctx: BehaviourContext, trackId: number, out: TrackEvent[]): void {
    if (this.done) return;
    if (!this.adopted && (s.timeMs - startMs <= ctx.cfg.launchWindowS * 1000 || this.first.length < 2)) this.first.push({ ...s });
    if ((!this.adopted && s.timeMs - startMs < ctx.cfg.launchWindowS * 1000) || !reportable || this.first.length < 2) return;
    this.done = true;
    const ev = estimateLaunch(this.first, ctx, trackId, s.timeMs, null);
    this.last = ev;
    out.push(ev);
  }

  /**
   * A continuing track keeps its predecessor's launch point (it did not start at a launch); if
   * the predecessor died before it had one, this track takes over its first seconds and
   * back-projects from those, the object's first detections.
   */
  inherit(last: Extract<TrackEvent, { type: 'launch-point' }> | null, from: LaunchEstimator | null): void {
    if (last) {
      this.done = true;
      this.last = last;
      return;
    }
    if (from && from.first.length >= 2) {
      this.first = from.first.map((x) => ({ ...x }));
      this.done = false;
      this.adopted = true;
    } else {
      this.done = true;
    }
  }

  /**
   * Re-estimates for a dark (fibre-optic) drone: the launch lies within the cable length of
   * every position the drone has been seen at, which bounds the back-projection.
   */
  reviseForCable(h: History, ctx: BehaviourContext, trackId: number, timeMs: number, out: TrackEvent[]): void {
    if (!this.done || this.first.length < 2 || this.last?.method === 'observed') return;
    const ev = estimateLaunch(this.first, ctx, trackId, timeMs, h);
    this.last = ev;
    out.push(ev);
  }
}

function estimateLaunch(first: readonly Sample[], ctx: BehaviourContext, trackId: number, timeMs: number, cableHistory: History | null): Extract<TrackEvent, { type: 'launch-point' }> {
  const cfg = ctx.cfg;
  const border = ctx.zones.border;
  const p0 = first[0], pl = first[first.length - 1];
  let vu = 0;
  for (const f of first) vu += f.vu;
  vu /= first.length;
  const dt = Math.max(1e-3, (pl.timeMs - p0.timeMs) / 1000);
  // Mean horizontal velocity over the window from the end-point filtered velocity and the
  // displacement (a tentative track's first velocities are mostly prior).
  const ve = 0.5 * (pl.ve + (pl.e - p0.e) / dt), vn = 0.5 * (pl.vn + (pl.n - p0.n) / dt);
  const speed = Math.hypot(ve, vn);
  const sigmaPos = Math.sqrt(Math.max(0.5 * (p0.pee + p0.pnn), 1));
  const sideOf = (e: number, n: number) => (border ? border.sideName(e, n) : null);
  const farOf = (e: number, n: number) => (border ? (border.isProtected(e, n) ? 0 : 1) : 0);
  const lowStart = p0.u < cfg.launchLowHeightM && Math.sqrt(p0.puu) < cfg.launchLowHeightM;
  const climbingInPlace = vu > cfg.launchClimbMps && speed < 2;
  if (lowStart || climbingInPlace) {
    // Seen at (or just after) take-off: back down its climb to the ground.
    const back = vu > cfg.launchClimbMps ? Math.max(0, p0.u) / vu : 0;
    const e = p0.e - ve * back * (climbingInPlace ? 0 : 1), n = p0.n - vn * back * (climbingInPlace ? 0 : 1);
    return {
      type: 'launch-point', trackId, timeMs, estimate: ctx.geo({ e, n }), method: 'observed',
      region: { kind: 'circle', radiusM: 2 * sigmaPos + 20 }, side: sideOf(e, n), pFarSide: farOf(e, n),
    };
  }
  // Back along the first heading. Where along it is unknown; the border bounds it from below
  // when the track was first seen on the defended side, the radio/cable range from above.
  const ue = speed > 0.5 ? -ve / speed : 0, un = speed > 0.5 ? -vn / speed : 0;
  const sigmaTheta = speed > 0.5 ? Math.sqrt(Math.max(pl.pvv, 0)) / speed : Math.PI;
  const halfAngle = Math.min((45 * Math.PI) / 180, Math.max((10 * Math.PI) / 180, 2 * sigmaTheta + (10 * Math.PI) / 180));
  let maxRange = cableHistory ? cfg.cableMaxM : cfg.launchMaxRangeM;
  if (cableHistory) {
    // The tether: |L − p_k| ≤ cable for every position seen; shrink the range until it holds.
    const step = 100;
    const ok = (d: number) => {
      const le = p0.e + ue * d, ln = p0.n + un * d;
      for (let k = 0; k < cableHistory.length; k += 5) {
        if (Math.hypot(cableHistory.get(k, 'e') - le, cableHistory.get(k, 'n') - ln) > cfg.cableMaxM) return false;
      }
      const k = cableHistory.length - 1;
      return k < 0 || Math.hypot(cableHistory.get(k, 'e') - le, cableHistory.get(k, 'n') - ln) <= cfg.cableMaxM;
    };
    while (maxRange > step && !ok(maxRange)) maxRange -= step;
  }
  let minRange = 0;
  let d = cfg.launchStandoffM;
  if (border && border.isProtected(p0.e, p0.n) && speed > 0.5) {
    const hit = border.crossing(p0.e, p0.n, p0.e + ue * maxRange, p0.n + un * maxRange);
    if (hit) {
      minRange = hit.fraction * maxRange;
      d = minRange + cfg.launchStandoffM;
    }
  }
  d = Math.min(d, maxRange);
  const e = p0.e + ue * d, n = p0.n + un * d;
  // Side: the share of the likely part of the wedge — from its near end out to twice the typical
  // stand-off, uniform in range and angle — that lies on the far side. (Kilometres farther out,
  // a meander may bring the river back across the wedge; a launch that far is unlikely.)
  let far = 0, all = 0;
  const az0 = compass(ue, un);
  const likelyMax = Math.min(maxRange, minRange + 2 * cfg.launchStandoffM);
  for (let a = -2; a <= 2; a++) {
    const az = az0 + (a / 2) * halfAngle;
    for (let r = 0; r < 20; r++) {
      const rr = minRange + ((r + 0.5) / 20) * (likelyMax - minRange);
      far += farOf(p0.e + rr * Math.sin(az), p0.n + rr * Math.cos(az));
      all++;
    }
  }
  return {
    type: 'launch-point', trackId, timeMs, estimate: ctx.geo({ e, n }), method: 'back-projected',
    region: { kind: 'wedge', apex: ctx.geo({ e: p0.e, n: p0.n }), bearingRad: az0, halfAngleRad: halfAngle, minRangeM: minRange, maxRangeM: maxRange },
    side: sideOf(e, n), pFarSide: all > 0 ? far / all : 0,
  };
}

// ---------------------------------------------------------------------------- intent

export interface IntentState {
  intent: Intent;
  timeToBorderS: number | null;
  zones: { zoneId: string; timeToEntryS: number; cpaM: number }[];
}

export class IntentDetector {
  current: IntentState = { intent: 'holding', timeToBorderS: null, zones: [] };
  private reported: Intent | null = null;
  private candidate: Intent | null = null;
  private candidateSinceMs = 0;

  update(s: Sample, d: Derived, ctx: BehaviourContext, trackId: number, reportable: boolean, out: TrackEvent[]): void {
    const cfg = ctx.cfg;
    const z = ctx.zones;
    const speed = Math.hypot(s.ve, s.vn);
    const zones: IntentState['zones'] = [];
    let inside = false;
    for (const a of z.areas) {
      if (a.kind === 'corridor') continue;
      if (areaContains(a, s.e, s.n)) {
        inside = true;
        zones.push({ zoneId: a.id, timeToEntryS: 0, cpaM: 0 });
        continue;
      }
      if (d.speedH < cfg.hoverSpeedMps) continue;
      const p = timeToArea(a, s.e, s.n, s.ve, s.vn, cfg.intentHorizonS);
      if (p.t <= cfg.intentHorizonS) zones.push({ zoneId: a.id, timeToEntryS: p.t, cpaM: p.cpaM });
    }
    let timeToBorderS: number | null = null;
    let intent: Intent;
    const onFar = Number.isFinite(d.sd) && d.sd < 0;
    if (onFar && d.closingMps > 0.5 && d.closingMps >= 0.3 * speed) timeToBorderS = Math.abs(d.sd) / d.closingMps;
    if (inside) intent = 'inside';
    else if (d.speedH < cfg.hoverSpeedMps) intent = 'holding';
    else if (onFar) intent = timeToBorderS !== null && timeToBorderS <= cfg.intentHorizonS ? 'approaching' : d.closingMps < -0.3 * speed ? 'receding' : 'passing';
    else if (zones.length > 0) intent = 'approaching';
    else if (Number.isFinite(d.sd) && d.closingMps > 0.3 * speed) intent = 'receding';
    else intent = 'passing';
    this.current = { intent, timeToBorderS, zones };
    if (!reportable) return;
    if (intent !== this.candidate) {
      this.candidate = intent;
      this.candidateSinceMs = s.timeMs;
    }
    if (intent !== this.reported && s.timeMs - this.candidateSinceMs >= cfg.intentDebounceS * 1000) {
      this.reported = intent;
      out.push({ type: 'intent', trackId, timeMs: s.timeMs, intent, timeToBorderS, zones });
    }
  }
}

// ---------------------------------------------------------------------------- one track

/**
 * All behaviour detectors of one track. `update` takes the assessed state; events that happen
 * while the track is still tentative are held back and released when it becomes reportable
 * (a crossing seen by a track's first plots still matters once the track is believed).
 */
export class TrackBehaviour {
  readonly crossing = new CrossingDetector();
  readonly zones = new ZoneDetector();
  readonly areaLoiter = new AreaLoiterDetector();
  readonly hover = new HoverDetector();
  readonly drop = new DropDetector();
  readonly launch = new LaunchEstimator();
  readonly intent = new IntentDetector();
  /** Latest derived quantities. */
  derived: Derived = { speedH: 0, sd: NaN, sigmaPerp: 0, closingMps: 0 };
  private held: TrackEvent[] = [];

  constructor(readonly trackId: number, readonly startMs: number) {}

  /**
   * `supported`: the position rests on something (a fix of its own, or bearings from two places)
   * rather than coasting on one bearing; where it is not, nothing is concluded from where it is.
   */
  update(s: Sample, h: History, reportable: boolean, cooperative: boolean, supported: boolean, ctx: BehaviourContext, out: TrackEvent[]): void {
    const d = (this.derived = derive(s, h, ctx));
    const sink: TrackEvent[] = reportable ? out : this.held;
    if (reportable && this.held.length > 0) {
      // Only what still matters once believed: crossings and zone changes, in order.
      for (const ev of this.held) if (ev.type === 'border-crossing' || ev.type === 'zone-entry' || ev.type === 'zone-exit') out.push(ev);
      this.held = [];
    }
    if (supported) {
      this.crossing.update(s, d, ctx, this.trackId, sink);
      this.zones.update(s, ctx, this.trackId, sink);
    }
    if (reportable && supported) {
      this.areaLoiter.update(s, h, this.startMs, ctx, this.trackId, out);
      this.hover.update(s, d, ctx, this.trackId, out);
      this.drop.update(s, d, ctx, this.trackId, cooperative, out);
    }
    this.launch.update(s, this.startMs, reportable, ctx, this.trackId, out);
    this.intent.update(s, d, ctx, this.trackId, reportable, out);
    if (this.held.length > 64) this.held.splice(0, this.held.length - 64);
  }
}

function derive(s: Sample, h: History, ctx: BehaviourContext): Derived {
  // Mean velocity over the window: a hover's noisy velocities average out, a flight's do not.
  const from = h.indexFrom(s.timeMs - ctx.cfg.speedWindowS * 1000);
  let ve = 0, vn = 0, k = 0;
  for (let i = from; i < h.length; i++) {
    ve += h.get(i, 've');
    vn += h.get(i, 'vn');
    k++;
  }
  if (k === 0) {
    ve = s.ve;
    vn = s.vn;
    k = 1;
  }
  const speedH = Math.hypot(ve / k, vn / k);
  const b = borderPosition(s, ctx);
  return b ? { speedH, ...b } : { speedH, sd: NaN, sigmaPerp: Math.sqrt(0.5 * (s.pee + s.pnn)), closingMps: 0 };
}

/**
 * Where a state is relative to the border: signed distance (+ defended side), its σ across the
 * line and the closing speed toward the line; null without a border.
 */
export function borderPosition(
  s: { e: number; n: number; ve: number; vn: number; pee: number; pen: number; pnn: number }, ctx: BehaviourContext,
): { sd: number; sigmaPerp: number; closingMps: number } | null {
  const border = ctx.zones.border;
  if (!border) return null;
  const q = border.nearest(s.e, s.n);
  const dx = q.e - s.e, dy = q.n - s.n, dist = Math.hypot(dx, dy);
  const ux = dist > 1e-6 ? dx / dist : 0, uy = dist > 1e-6 ? dy / dist : 0;
  const varPerp = dist > 1e-6 ? ux * ux * s.pee + 2 * ux * uy * s.pen + uy * uy * s.pnn : 0.5 * (s.pee + s.pnn);
  return {
    sd: border.isProtected(s.e, s.n) ? q.distanceM : -q.distanceM,
    sigmaPerp: Math.sqrt(Math.max(varPerp, 0)),
    closingMps: dist > 1e-6 ? s.ve * ux + s.vn * uy : 0,
  };
}

/** The crossing detector's hysteresis: a side counts beyond max(minMargin, k·σ⊥), at most maxMargin [m]. */
export function crossingMargin(sigmaPerp: number, cfg: EventConfig): number {
  return Math.min(cfg.crossingMaxMarginM, Math.max(cfg.crossingMinMarginM, cfg.crossingSigmaK * sigmaPerp));
}

/**
 * The side a state is firmly on by the crossing detector's own hysteresis (+1 defended, −1 far),
 * 0 inside the band (or without a border): a state a few metres over the line with a σ of tens
 * of metres is on neither side yet.
 */
export function firmSide(
  s: { e: number; n: number; ve: number; vn: number; pee: number; pen: number; pnn: number }, ctx: BehaviourContext,
): -1 | 0 | 1 {
  const b = borderPosition(s, ctx);
  if (!b) return 0;
  const m = crossingMargin(b.sigmaPerp, ctx.cfg);
  return b.sd > m ? 1 : b.sd < -m ? -1 : 0;
}
