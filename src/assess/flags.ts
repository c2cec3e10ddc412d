/**
 * Two flags that turn absence and inconsistency into evidence.
 *
 * Dark drone: a drone-classified track flying inside RF-detector coverage — where the detector's
 * own Pd curve says a control link would be heard with probability ≥ `minExpectedPd` — that has
 * had no RF link and no Remote ID associated for `darkAfterS` seconds of such flight. That is the
 * signature of a fibre-optic (or autonomous) drone. A link or a serial heard later clears it.
 * "Associated" is judged, not taken from the tracker: in dense traffic a bearing line passes
 * several drones and the tracker hands a link's bearings to whichever track they gate with, so a
 * link counts as the object's only when its bearings are centred on it (emitterFit), each
 * detector heard it as often as it would from there (heardAsExpected, heardOftenEnough), and no
 * other track explains them clearly better (see RfAttribution.along, rf-attribution.ts).
 *
 * Remote ID spoof: a broadcast position that disagrees with the fused track beyond both errors.
 *   - Same track: when Remote ID fixes and other position fixes (radar) land on one track, each
 *     radar fix is compared with the nearest-in-time Remote ID fix moved along its broadcast
 *     velocity: d²= Δᵀ (C_radar + C_rid + C_motion)⁻¹ Δ against the χ²₃ quantile; a majority of
 *     recent comparisons beyond it flags the serial.
 *   - Split tracks: a lie of hundreds of metres never gates with the real drone's track, so the
 *     broadcast makes a Remote ID-only track of its own while radar tracks the drone elsewhere.
 *     A Remote ID-only track whose offset from a non-cooperative drone track stays constant while
 *     both move (the same flight, displaced) is flagged, the other track named as the real one.
 */
import { chi2Quantile } from '../math/chi2.js';
import { mahalanobis2d, mahalanobis3 } from './geometry.js';
import type { AssessSensor } from './types.js';

export interface FlagConfig {
  /** Seconds of drone flight inside RF coverage without a link before the dark flag [s]. */
  darkAfterS: number;
  /** Expected RF Pd (from the detector's curve) that counts as "inside RF coverage". */
  minExpectedPd: number;
  /** Spoof test: χ² gate probability, and how many of the last `spoofWindow` comparisons must fail. */
  spoofGateProbability: number;
  spoofWindow: number;
  spoofMinFailures: number;
  /** Largest time between a radar fix and the Remote ID fix it is compared with [ms]. */
  spoofMaxSkewMs: number;
  /** Split-track test: seconds of paired motion, offset stability and minimum offset [s, m, m]. */
  splitMinPairedS: number;
  splitMaxOffsetSdM: number;
  splitMinOffsetM: number;
  splitMaxDistanceM: number;
  /**
   * RF emitter attribution (is some link this object's?). Per detector, an emitter's bearings in
   * the window fit the object when their mean residual against the object's positions is within
   * rfBiasK standard errors (σ/√n) plus the object's own size of error, and their scatter about
   * that mean is what the bearing σ allows (rfBiasK again, on the sample σ).
   */
  rfBiasK: number;
  /**
   * The emitter is another track's instead when that track fits the same bearings too and better
   * by at least this much in bias χ² (Σ n·(mean residual / σ)², over the bearings both cover):
   * a likelihood ratio of e^(Δ/2) for the other track carrying the link.
   */
  rfExplainChi2: number;
  /** Tracks below this P(drone) are not considered as an emitter's carrier (birds, cars, clutter). */
  rfCarrierMinPDrone: number;
  /** … nor tracks this close to the object on average [m]: they may be the same drone tracked twice. */
  rfCarrierMinSeparationM: number;
  /**
   * A link at the object would be heard by each detector in proportion to that detector's Pd
   * there: a detector hearing it this improbably seldom (Poisson tail) puts it elsewhere.
   */
  rfMissProbability: number;
}

export const DEFAULT_FLAG_CONFIG: FlagConfig = {
  darkAfterS: 20,
  minExpectedPd: 0.5,
  spoofGateProbability: 0.999,
  // Most of ten: a radar plot of something else now and then lands on a track; a lie is steady.
  spoofWindow: 10,
  spoofMinFailures: 8,
  spoofMaxSkewMs: 1500,
  splitMinPairedS: 20,
  splitMaxOffsetSdM: 20,
  splitMinOffsetM: 50,
  splitMaxDistanceM: 2000,
  rfBiasK: 3,
  // e^(9/2) ≈ 90 : 1. A link the object does carry is lost to a track beside it by chance in
  // about 0.1 % of judgements (the worst case, that track ~3 σ/√n off): the bearings of one
  // window are shared by consecutive judgements, so a loose threshold repeats its mistake.
  rfExplainChi2: 9,
  rfCarrierMinPDrone: 0.25,
  rfCarrierMinSeparationM: 30,
  rfMissProbability: 1e-3,
};

/** The expected Pd of the best-placed RF detector at (e, n, u), from the detectors' curves. */
export function expectedRfPd(sensors: readonly AssessSensor[], e: number, n: number, u: number): number {
  let best = 0;
  for (const s of sensors) {
    if (s.kind !== 'rf') continue;
    const r = Math.hypot(e - s.e, n - s.n, u - s.u);
    if (r > s.maxRangeM) continue;
    const pdMax = s.pdMax ?? 0.95, half = s.halfPdRangeM ?? s.maxRangeM * 0.7, k = s.pdSteepness ?? 6;
    const pd = pdMax / (1 + (r / half) ** k);
    if (pd > best) best = pd;
  }
  return best;
}

/** One RF bearing against an object's position at that time. */
export interface BearingResidual {
  /** Detector index. */
  sensor: number;
  /** Bearing minus the object's azimuth from the detector, wrapped to (−π, π] [rad]. */
  residual: number;
  /** The bearing's σ [rad]. */
  sigma: number;
  /** The object's own error and size seen from the detector (atan(max(30 m, 2σ) / range)) [rad]. */
  allowance: number;
}

export interface EmitterFit {
  /** Bearings compared. */
  bearings: number;
  /** Detectors whose bearings agree with the object. */
  sensorsAgreeing: number;
  /** Every detector that heard the emitter at least twice agrees, and at least two bearings were compared. */
  fits: boolean;
  /** Σ over detectors of n·(mean residual / σ)²: how far off-centre the bearings pass, in χ² units. */
  chi2: number;
  /**
   * The per-bearing test alone: most (60 %) of the bearings of every detector that heard it
   * twice within 2.5 σ plus the allowance, at least two in all; and how many detectors pass it.
   * Loose on purpose (a link that does pass close by), for a link the tracker gave the object.
   */
  looseFits: boolean;
  looseSensors: number;
}

/**
 * Whether an emitter's bearings are centred on an object. A bearing line passes many things, so
 * one bearing (or a wide per-bearing gate) says little in dense traffic; the mean of n bearings
 * is known to σ/√n, so a link carried by the object passes through it on average, while another
 * drone's link a couple of degrees off passes beside it every time. Per detector: the mean
 * residual within rfBiasK·σ/√n plus the object's allowance, and the scatter about that mean
 * within what σ allows (a link crossing the object's line of bearing averages to zero too).
 */
export function emitterFit(residuals: readonly BearingResidual[], cfg: FlagConfig): EmitterFit {
  const per = new Map<number, { n: number; near: number; sum: number; sum2: number; sigma: number; allowance: number }>();
  for (const r of residuals) {
    let a = per.get(r.sensor);
    if (!a) per.set(r.sensor, (a = { n: 0, near: 0, sum: 0, sum2: 0, sigma: 0, allowance: 0 }));
    a.n++;
    if (Math.abs(r.residual) <= 2.5 * r.sigma + r.allowance) a.near++;
    a.sum += r.residual;
    a.sum2 += r.residual * r.residual;
    a.sigma += r.sigma;
    a.allowance += r.allowance;
  }
  let agreeing = 0, fits = residuals.length >= 2, chi2 = 0;
  let looseSensors = 0, looseFits = true, near = 0;
  const k = cfg.rfBiasK;
  for (const a of per.values()) {
    near += a.near;
    if (a.near > 0) looseSensors++;
    if (a.n >= 2 && a.near < 0.6 * a.n) looseFits = false;
    const mean = a.sum / a.n, sigma = a.sigma / a.n, allow = a.allowance / a.n;
    const sd = a.n > 1 ? Math.sqrt(Math.max(0, (a.sum2 - a.n * mean * mean) / (a.n - 1))) : 0;
    const centred = Math.abs(mean) <= (k * sigma) / Math.sqrt(a.n) + allow;
    const scatter = a.n < 3 || sd <= sigma * (1 + k / Math.sqrt(2 * (a.n - 1))) + allow;
    const ok = centred && scatter;
    if (ok) agreeing++;
    else if (a.n >= 2) fits = false;
    chi2 += (a.n * mean * mean) / (sigma * sigma);
  }
  if (agreeing === 0) fits = false;
  return { bearings: residuals.length, sensorsAgreeing: agreeing, fits, chi2, looseFits: looseFits && near >= 2, looseSensors };
}

/**
 * Whether the detectors heard an emitter about as often as they would if it were at the object:
 * each detector's count against its Pd there, scaled by a reference detector's (one that covers
 * the object, Pd ≥ ½, the one that heard it most per unit of Pd). A detector that heard it
 * improbably seldom for its Pd there (P(X ≤ heard) < rfMissProbability for a Poisson count)
 * means the link is elsewhere along the other detector's line of bearing. Only too few counts:
 * on the steep edge of a detector's curve its Pd is uncertain, and a detector hearing the link
 * more often than modelled says little. Without a covering detector, nothing is known.
 */
export function heardAsExpected(counts: readonly { heard: number; pd: number }[], cfg: FlagConfig): boolean {
  let opportunities = 0;
  for (const c of counts) if (c.pd >= 0.5) opportunities = Math.max(opportunities, c.heard / c.pd);
  if (opportunities === 0) return true;
  for (const c of counts) {
    if (c.pd <= 0) continue;
    if (poissonCdf(c.heard, opportunities * c.pd) < cfg.rfMissProbability) return false;
  }
  return true;
}

/** P(X ≤ k) for X ~ Poisson(λ). */
export function poissonCdf(k: number, lambda: number): number {
  if (lambda <= 0) return 1;
  let term = Math.exp(-lambda), sum = term;
  for (let i = 1; i <= k; i++) {
    term *= lambda / i;
    sum += term;
  }
  return Math.min(1, sum);
}

export class DarkDetector {
  /** Seconds of drone flight inside RF coverage with nothing heard. */
  rfExpectedS = 0;
  flagged = false;

  /**
   * Advances by dtS; returns 'flagged' / 'cleared' on a change, null otherwise. `silent` is true
   * while the track has neither an RF link nor a Remote ID serial.
   */
  update(dtS: number, isDrone: boolean, expectedPd: number, silent: boolean, cfg: FlagConfig): 'flagged' | 'cleared' | null {
    if (!silent) {
      this.rfExpectedS = 0;
      if (this.flagged) {
        this.flagged = false;
        return 'cleared';
      }
      return null;
    }
    if (isDrone && expectedPd >= cfg.minExpectedPd && dtS > 0) this.rfExpectedS += dtS;
    if (!this.flagged && isDrone && this.rfExpectedS >= cfg.darkAfterS) {
      this.flagged = true;
      return 'flagged';
    }
    return null;
  }
}

interface RidFix {
  t: number;
  e: number;
  n: number;
  u: number;
  cov: ArrayLike<number>;
  v: readonly [number, number, number] | null;
}

/** Same-track Remote ID consistency. */
export class SpoofCheck {
  private lastRid: RidFix | null = null;
  private readonly results: boolean[] = [];
  flagged = false;
  lastChi2 = 0;
  lastOffsetM = 0;

  addRemoteId(t: number, e: number, n: number, u: number, cov: ArrayLike<number>, v: readonly [number, number, number] | null): void {
    this.lastRid = { t, e, n, u, cov, v };
  }

  /** Compares a non-Remote ID fix with the Remote ID broadcast; returns 'flagged'/'cleared' on a change. */
  addOtherFix(t: number, e: number, n: number, u: number, cov: ArrayLike<number>, cfg: FlagConfig): 'flagged' | 'cleared' | null {
    const r = this.lastRid;
    if (!r || Math.abs(t - r.t) > cfg.spoofMaxSkewMs) return null;
    const dt = (t - r.t) / 1000;
    const v = r.v ?? [0, 0, 0];
    const d = [e - (r.e + v[0] * dt), n - (r.n + v[1] * dt), u - (r.u + v[2] * dt)];
    // Motion uncertainty over the skew: 1 m/s per axis without a stated velocity, 0.5 with.
    const sv = (r.v ? 0.5 : 1.5) * Math.abs(dt);
    const S = new Float64Array(9);
    for (let i = 0; i < 9; i++) S[i] = cov[i] + r.cov[i];
    for (let i = 0; i < 3; i++) S[i * 4] += sv * sv;
    // Heights from a radar's elevation are poor and Remote ID states its own height loosely;
    // the horizontal test is the robust one when the vertical variance dwarfs the horizontal.
    let chi2 = mahalanobis3(d, S), gate = chi2Quantile(cfg.spoofGateProbability, 3);
    if (!Number.isFinite(chi2)) {
      chi2 = mahalanobis2d(d[0], d[1], S[0], S[1], S[4]);
      gate = chi2Quantile(cfg.spoofGateProbability, 2);
    }
    this.lastChi2 = chi2;
    this.lastOffsetM = Math.hypot(d[0], d[1]);
    this.results.push(chi2 > gate);
    if (this.results.length > cfg.spoofWindow) this.results.shift();
    const failures = this.results.filter(Boolean).length;
    if (!this.flagged && failures >= cfg.spoofMinFailures) {
      this.flagged = true;
      return 'flagged';
    }
    if (this.flagged && this.results.length >= cfg.spoofWindow && failures === 0) {
      this.flagged = false;
      return 'cleared';
    }
    return null;
  }
}

/** Running statistics of the offset between a Remote ID-only track and a candidate real track. */
export class SplitPair {
  pairedS = 0;
  private n = 0;
  private me = 0;
  private mn = 0;
  private se = 0;
  private sn = 0;
  lastSeenMs = 0;

  /** Adds one paired sample (both moving) of the offset (RID − other) [m]. */
  add(de: number, dn: number, dtS: number, timeMs: number): void {
    this.n++;
    const ae = de - this.me, an = dn - this.mn;
    this.me += ae / this.n;
    this.mn += an / this.n;
    this.se += ae * (de - this.me);
    this.sn += an * (dn - this.mn);
    this.pairedS += dtS;
    this.lastSeenMs = timeMs;
  }

  get offsetM(): number {
    return Math.hypot(this.me, this.mn);
  }

  get offsetSdM(): number {
    return this.n > 1 ? Math.sqrt((this.se + this.sn) / (this.n - 1)) : Infinity;
  }

  /** Whether the pair is the same flight displaced: long enough, steady offset, far enough apart. */
  consistent(cfg: FlagConfig): boolean {
    return this.pairedS >= cfg.splitMinPairedS && this.offsetSdM <= cfg.splitMaxOffsetSdM && this.offsetM >= cfg.splitMinOffsetM;
  }
}
