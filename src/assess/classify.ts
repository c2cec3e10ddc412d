/**
 * Classification: what a track is, as probabilities over the vocabulary's classes (rotary drone,
 * fixed-wing drone, bird, manned aircraft, ground vehicle, unknown), and its disposition
 * (friend, cooperative, unknown, suspect, hostile).
 *
 * Naive-Bayes fusion in the log domain: log P(class | evidence) = log prior + Σ log L_i(class)
 * − normaliser, with each source's likelihood L_i documented below. Sources are treated as
 * independent given the class, which they are not quite (a radar's micro-Doppler labels of one
 * object are correlated from plot to plot, a track's speed and turn rate go together), so:
 *   - repeated per-detection evidence (class labels, acoustic hits) is tempered by an exponent
 *     < 1 and each source's total is capped, so no single sensor can make the answer certain;
 *   - kinematic features are summaries of the track (running means), entered once, not per
 *     update, so a long track does not count its own speed a thousand times.
 * "unknown" is the catch-all (clutter, a false track, something new): broad likelihoods, so it
 * wins when nothing else explains the evidence. Kinematics alone never make a track a confident
 * drone — a false track can hover at drone height too — so it takes what a sensor said (a class
 * label, rotor noise, a control link, a serial) to pass the alert threshold.
 *
 * Sources and their likelihoods:
 *   speed (horizontal, running mean)  Gaussian per class, widened by the estimate's noise; false
 *                                     tracks ("unknown") mostly drift slowly;
 *   height above ground (running)     Gaussian per class, widened by the track's height σ, and for
 *                                     the flying classes P(above 1 m) — a car is not a drone;
 *                                     both speed and height allow 5 % outliers (track glitches);
 *   hover (held still ≥ 8 s airborne) rotary drones hover; fixed wings and aircraft don't; a track
 *                                     on a weaving flock's centre, or a false one, may look still;
 *   abrupt turns (> 35° within 3 s)   Poisson rate per class: birds turn every few seconds, drones
 *                                     fly straight legs or smooth orbits;
 *   sensor class labels               P(label | class) = c if right, (1 − c)/(K − 1) otherwise
 *                                     (c = the stated confidence, K = classes the classifier
 *                                     knows); 1/K for "unknown" (clutter gets random labels);
 *   drone-tuned acoustic detections   rotor noise: drones; silent birds, gliding aircraft rarely
 *                                     (from the 4th detection: one or two false bearings prove nothing);
 *   RF control link (a persistent     drones (both kinds); one-off RF false alarms carry no weight,
 *     emitter heard ≥ 2 times, and    nor does a link whose bearings a bird near the drone picks
 *     often for the time it could)     up now and then
 *   Remote ID serial                  a drone (ASTM F3411 is for unmanned aircraft);
 *   ADS-B ICAO address                manned (US rules bar small drones from ADS-B Out).
 */
import { OBJECT_CLASSES, type ObjectClass, type SensorKind } from '../model/detection.js';
import type { ClassProbabilities, Disposition } from './types.js';

export const CLASSES = OBJECT_CLASSES;
const K = CLASSES.length;
const IDX: Record<ObjectClass, number> = Object.fromEntries(CLASSES.map((c, i) => [c, i])) as Record<ObjectClass, number>;

export interface Gaussian {
  mean: number;
  sd: number;
}

export interface ClassifierConfig {
  prior: ClassProbabilities;
  /**
   * Speed [m/s] per class. "unknown" is mostly what false tracks do: drift slowly (a folded
   * Gaussian at 0 with this σ).
   */
  speed: Record<Exclude<ObjectClass, 'unknown'>, Gaussian>;
  unknownSpeedSigmaMps: number;
  /** Height above ground [m] per class (unknown: flat over heightFlatMaxM). */
  height: Record<Exclude<ObjectClass, 'unknown'>, Gaussian>;
  heightFlatMaxM: number;
  /** Share of speed and height readings that are outliers (track glitches), uniform over the range. */
  outlierFraction: number;
  /** Flying classes are above this height [m] (a precise underground estimate is a ground object). */
  airborneMinM: number;
  /** Weight of the kinematic terms (1 = as the densities say). */
  kinematicWeight: number;
  /** Seconds of moving track before speed and turn evidence count at full weight. */
  kinematicRampS: number;
  /** P(a sustained airborne hover | class). */
  hover: ClassProbabilities;
  /** Abrupt turns per minute of moving flight, per class. */
  turnRatePerMin: ClassProbabilities;
  turnWeight: number;
  turnCapNats: number;
  /** Exponent tempering each class label, per sensor kind, and the per-kind cap [nats]. */
  labelWeight: Partial<Record<SensorKind, number>>;
  labelCapNats: number;
  /** Classes a sensor classifier tells apart (K in the label likelihood). */
  labelClasses: number;
  /**
   * P(a drone-tuned acoustic detection | class), its tempering and cap; counted only from
   * acousticMinHits on (a false bearing or two can land on any track, a drone is heard steadily).
   */
  acoustic: ClassProbabilities;
  acousticWeight: number;
  acousticCapNats: number;
  acousticMinHits: number;
  /** Likelihoods of a persistent RF control link, a Remote ID serial, an ICAO address. */
  rf: ClassProbabilities;
  /**
   * A link counts once heard rfMinHits times and at least rfMinRate times per second of expected
   * detection (Σ dt·Pd of the best RF detector over the object's flight): a bearing line passes
   * through many things, so a bird near a drone picks up a few of its link's bearings, while the
   * drone carrying the link takes most of them.
   */
  rfMinHits: number;
  rfMinRate: number;
  remoteId: ClassProbabilities;
  icao: ClassProbabilities;
  /** P(drone) at or above which a track counts as a drone (flags, rules). */
  droneThreshold: number;
}

const cp = (rotary: number, fixed: number, bird: number, manned: number, ground: number, unknown: number): ClassProbabilities => ({
  'rotary-drone': rotary, 'fixed-wing-drone': fixed, bird, 'manned-aircraft': manned, 'ground-vehicle': ground, unknown,
});

export const DEFAULT_CLASSIFIER_CONFIG: ClassifierConfig = {
  // A border sector at night: birds and clutter are the common things, drones the rarer ones.
  prior: cp(0.15, 0.03, 0.3, 0.07, 0.15, 0.3),
  speed: {
    'rotary-drone': { mean: 9, sd: 6 },
    'fixed-wing-drone': { mean: 24, sd: 8 },
    bird: { mean: 10, sd: 4 },
    'manned-aircraft': { mean: 65, sd: 25 },
    'ground-vehicle': { mean: 12, sd: 8 },
  },
  unknownSpeedSigmaMps: 10,
  height: {
    'rotary-drone': { mean: 50, sd: 45 },
    'fixed-wing-drone': { mean: 120, sd: 80 },
    bird: { mean: 50, sd: 45 },
    'manned-aircraft': { mean: 700, sd: 500 },
    'ground-vehicle': { mean: 1.5, sd: 3 },
  },
  heightFlatMaxM: 300,
  outlierFraction: 0.05,
  airborneMinM: 1,
  kinematicWeight: 1,
  kinematicRampS: 20,
  // A track sitting on a weaving flock's centre looks still too; a false track often is.
  hover: cp(1, 0.01, 0.2, 0.01, 0.3, 1),
  // A false track drifts rather than turns: as steady as a drone, so turns tell drones from birds only.
  turnRatePerMin: cp(0.8, 0.2, 6, 0.05, 0.5, 0.8),
  turnWeight: 0.5,
  turnCapNats: 6,
  labelWeight: { radar: 0.5, eoir: 0.5, acoustic: 0.5 },
  labelCapNats: 15,
  labelClasses: 5,
  acoustic: cp(1, 0.5, 0.02, 0.1, 0.05, 0.2),
  acousticWeight: 0.3,
  acousticCapNats: 8,
  acousticMinHits: 4,
  rf: cp(1, 1, 0.002, 0.01, 0.01, 0.05),
  rfMinHits: 2,
  rfMinRate: 0.2,
  remoteId: cp(1, 0.3, 1e-4, 1e-3, 1e-3, 1e-3),
  icao: cp(1e-4, 1e-4, 1e-6, 1, 1e-3, 1e-3),
  droneThreshold: 0.5,
};

/** Kinematic summary of a track, kept incrementally (running means with a time constant). */
export interface KinematicFeatures {
  /** Seconds observed moving (> 3 m/s) and in total. */
  movingS: number;
  observedS: number;
  /** Information-weighted running mean horizontal speed [m/s] and the typical σ behind it. */
  speedMps: number;
  speedSigma: number;
  /** Information-weighted running mean height [m] and its σ. */
  heightM: number;
  heightSigma: number;
  /** Longest airborne hover [s]. */
  longestHoverS: number;
  /** Abrupt turns counted while moving. */
  abruptTurns: number;
  /** Decayed sums behind the height estimate: Σw, Σw·h, Σw·σ² with w = 1/σ². */
  hW: number;
  hWH: number;
  hWV: number;
  /** The same for the speed. */
  sW: number;
  sWS: number;
  sWV: number;
}

/** A copy of another track's features (a continuing track starts from its predecessor's). */
export function copyFeatures(from: KinematicFeatures, to: KinematicFeatures): void {
  Object.assign(to, from);
}

export function emptyFeatures(): KinematicFeatures {
  return { movingS: 0, observedS: 0, speedMps: 0, speedSigma: 10, heightM: 0, heightSigma: 1e3, longestHoverS: 0, abruptTurns: 0, hW: 0, hWH: 0, hWV: 0, sW: 0, sWS: 0, sWV: 0 };
}

/** Evidence a track has accumulated for classification. */
export class ClassEvidence {
  /** Tempered, capped label log-likelihoods per sensor kind. */
  readonly labels = new Map<string, Float64Array>();
  readonly labelCounts = new Map<string, Record<string, number>>();
  readonly acousticLL = new Float64Array(K);
  acousticHits = 0;
  /** RF emitters heard on this track: hits, protocol. */
  readonly rfEmitters = new Map<string, { hits: number; protocol: string; frequencyMHz: number; lastMs: number }>();
  /** Seconds of expected RF detection (Σ dt · Pd) while believed: the denominator of the link rate. */
  rfOpportunityS = 0;
  remoteIdSerial: string | null = null;
  icao: string | null = null;
  callsign: string | null = null;

  addLabel(kind: string, label: ObjectClass, confidence: number, cfg: ClassifierConfig): void {
    const w = cfg.labelWeight[kind as SensorKind] ?? 0.5;
    let ll = this.labels.get(kind);
    if (!ll) this.labels.set(kind, (ll = new Float64Array(K)));
    const c = Math.min(Math.max(confidence, 1e-3), 1 - 1e-3);
    const kk = cfg.labelClasses;
    for (let i = 0; i < K; i++) {
      const cls = CLASSES[i];
      const p = cls === 'unknown' ? 1 / kk : cls === label ? c : (1 - c) / (kk - 1);
      ll[i] += w * Math.log(p);
    }
    capSpread(ll, cfg.labelCapNats);
    let counts = this.labelCounts.get(kind);
    if (!counts) this.labelCounts.set(kind, (counts = {}));
    counts[label] = (counts[label] ?? 0) + 1;
  }

  addAcoustic(cfg: ClassifierConfig): void {
    this.acousticHits++;
    for (let i = 0; i < K; i++) this.acousticLL[i] += cfg.acousticWeight * Math.log(cfg.acoustic[CLASSES[i]]);
    capSpread(this.acousticLL, cfg.acousticCapNats);
  }

  addRf(emitterId: string, protocol: string, frequencyMHz: number, timeMs: number): void {
    const e = this.rfEmitters.get(emitterId);
    if (e) {
      e.hits++;
      e.lastMs = timeMs;
    } else {
      this.rfEmitters.set(emitterId, { hits: 1, protocol, frequencyMHz, lastMs: timeMs });
    }
  }

  /** Takes in another object's evidence (two tracks found to be one object). */
  merge(o: ClassEvidence, cfg: ClassifierConfig): void {
    for (const [kind, ll] of o.labels) {
      let mine = this.labels.get(kind);
      if (!mine) this.labels.set(kind, (mine = new Float64Array(K)));
      for (let i = 0; i < K; i++) mine[i] += ll[i];
      capSpread(mine, cfg.labelCapNats);
      const counts = this.labelCounts.get(kind) ?? {};
      for (const [l, n] of Object.entries(o.labelCounts.get(kind) ?? {})) counts[l] = (counts[l] ?? 0) + n;
      this.labelCounts.set(kind, counts);
    }
    for (let i = 0; i < K; i++) this.acousticLL[i] += o.acousticLL[i];
    capSpread(this.acousticLL, cfg.acousticCapNats);
    this.acousticHits += o.acousticHits;
    for (const [id, e] of o.rfEmitters) {
      const m = this.rfEmitters.get(id);
      if (m) {
        m.hits += e.hits;
        m.lastMs = Math.max(m.lastMs, e.lastMs);
      } else {
        this.rfEmitters.set(id, { ...e });
      }
    }
    this.rfOpportunityS = Math.max(this.rfOpportunityS, o.rfOpportunityS);
    this.remoteIdSerial ??= o.remoteIdSerial;
    this.icao ??= o.icao;
    this.callsign ??= o.callsign;
  }

  /** The persistent RF link heard most (at least minHits times and minRate per second of opportunity), or null. */
  rfLink(minHits: number, minRate = 0): { emitterId: string; hits: number; protocol: string; frequencyMHz: number } | null {
    let best: { emitterId: string; hits: number; protocol: string; frequencyMHz: number } | null = null;
    const need = Math.max(minHits, minRate * this.rfOpportunityS);
    for (const [id, e] of this.rfEmitters) if (e.hits >= need && (!best || e.hits > best.hits)) best = { emitterId: id, hits: e.hits, protocol: e.protocol, frequencyMHz: e.frequencyMHz };
    return best;
  }
}

/** Keeps the largest entry at 0 and none below −cap: relative evidence bounded by the cap. */
function capSpread(ll: Float64Array, cap: number): void {
  let max = -Infinity;
  for (let i = 0; i < ll.length; i++) if (ll[i] > max) max = ll[i];
  for (let i = 0; i < ll.length; i++) ll[i] = Math.max(ll[i] - max, -cap);
}

function logNormalPdf(x: number, g: Gaussian, extraSigma: number): number {
  const s2 = g.sd * g.sd + extraSigma * extraSigma;
  return -0.5 * ((x - g.mean) ** 2) / s2 - 0.5 * Math.log(2 * Math.PI * s2);
}

/**
 * A Gaussian with a small uniform outlier floor over [0, span]: a track that jumps between two
 * birds of a flock can show a speed no bird flies, and one glitch must not decide the class.
 */
function logRobustPdf(x: number, g: Gaussian, extraSigma: number, outlier: number, span: number): number {
  const a = Math.log(1 - outlier) + logNormalPdf(x, g, extraSigma), b = Math.log(outlier / span);
  const m = Math.max(a, b);
  return m + Math.log(Math.exp(a - m) + Math.exp(b - m));
}

/** log Φ(z), accurate far into the lower tail (where Φ underflows). */
function logPhi(z: number): number {
  if (z > -5) return Math.log(0.5 * erfc(-z / Math.SQRT2));
  // Mills ratio asymptote: Φ(z) ≈ φ(z) / |z| · (1 − 1/z²).
  return -0.5 * z * z - Math.log(-z * Math.sqrt(2 * Math.PI)) + Math.log(1 - 1 / (z * z));
}

/** Complementary error function (Numerical Recipes' erfcc, |error| < 1.2e-7). */
function erfc(x: number): number {
  const z = Math.abs(x), t = 1 / (1 + 0.5 * z);
  const r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? r : 2 - r;
}

/** The classification term of a persistent RF link (the assessor marks one judged another track's). */
export const RF_LINK_TERM = 'RF link';

/** One explained term of the classification, for the evidence list. */
export interface ClassTerm {
  source: string;
  /** Log-likelihood per class (before the prior). */
  ll: Float64Array;
  detail: string;
}

export interface Classification {
  probabilities: ClassProbabilities;
  /** Most probable class and its probability. */
  cls: ObjectClass;
  probability: number;
  /** P(rotary) + P(fixed wing). */
  pDrone: number;
  terms: ClassTerm[];
}

/**
 * Posterior class probabilities from an object's evidence (what its detections carried) and a
 * track's kinematic features.
 */
export function classify(ev: ClassEvidence, f: KinematicFeatures, cfg: ClassifierConfig): Classification {
  const terms: ClassTerm[] = [];
  const ramp = Math.min(1, f.movingS / Math.max(cfg.kinematicRampS, 1e-9));
  if (f.observedS > 0) {
    // Speed: ramped in as the running mean settles (a new track's speed is mostly its prior).
    const w = cfg.kinematicWeight * Math.min(1, f.observedS / Math.max(cfg.kinematicRampS, 1e-9));
    const ll = new Float64Array(K);
    for (let i = 0; i < K; i++) {
      const c = CLASSES[i];
      ll[i] = c === 'unknown'
        ? Math.log(2) + logNormalPdf(f.speedMps, { mean: 0, sd: cfg.unknownSpeedSigmaMps }, f.speedSigma)
        : logRobustPdf(f.speedMps, cfg.speed[c], f.speedSigma, cfg.outlierFraction, 100);
    }
    terms.push({ source: 'speed', ll: scale(ll, w), detail: `speed ${f.speedMps.toFixed(1)} m/s` });
    if (f.heightSigma < 200) {
      const lh = new Float64Array(K);
      for (let i = 0; i < K; i++) {
        const c = CLASSES[i];
        lh[i] = c === 'unknown' ? -Math.log(cfg.heightFlatMaxM) : logRobustPdf(f.heightM, cfg.height[c], f.heightSigma, cfg.outlierFraction, 3000);
        // Whatever flies is off the ground: P(height > airborneMinM | estimate) for the flying classes.
        if (c !== 'ground-vehicle' && c !== 'unknown') lh[i] += logPhi((f.heightM - cfg.airborneMinM) / Math.max(f.heightSigma, 0.5));
      }
      terms.push({ source: 'height', ll: scale(lh, w), detail: `height ${f.heightM.toFixed(0)} ± ${f.heightSigma.toFixed(0)} m` });
    }
  }
  if (f.longestHoverS >= 8) {
    terms.push({ source: 'hover', ll: logOf(cfg.hover, cfg.kinematicWeight), detail: `hovered ${f.longestHoverS.toFixed(0)} s` });
  }
  if (f.movingS >= 10) {
    const minutes = f.movingS / 60;
    const ll = new Float64Array(K);
    for (let i = 0; i < K; i++) {
      const lambda = cfg.turnRatePerMin[CLASSES[i]] * minutes;
      ll[i] = cfg.turnWeight * (f.abruptTurns * Math.log(lambda) - lambda);
    }
    capSpread(ll, cfg.turnCapNats);
    terms.push({ source: 'manoeuvre', ll: scale(ll, ramp), detail: `${f.abruptTurns} abrupt turns in ${minutes.toFixed(1)} min moving` });
  }
  for (const [kind, ll] of ev.labels) {
    const counts = ev.labelCounts.get(kind) ?? {};
    const detail = Object.entries(counts).sort((a, b) => b[1] - a[1]).map(([l, n]) => `${n}× ${l}`).join(', ');
    terms.push({ source: `${kind} labels`, ll, detail });
  }
  if (ev.acousticHits >= cfg.acousticMinHits) terms.push({ source: 'acoustic', ll: ev.acousticLL, detail: `${ev.acousticHits} drone-tuned acoustic detections` });
  const link = ev.rfLink(cfg.rfMinHits, cfg.rfMinRate);
  if (link) terms.push({ source: RF_LINK_TERM, ll: logOf(cfg.rf, 1), detail: `${link.protocol} ${link.frequencyMHz} MHz heard ${link.hits}×` });
  if (ev.remoteIdSerial) terms.push({ source: 'Remote ID', ll: logOf(cfg.remoteId, 1), detail: `serial ${ev.remoteIdSerial}` });
  if (ev.icao) terms.push({ source: 'ADS-B', ll: logOf(cfg.icao, 1), detail: `ICAO ${ev.icao}${ev.callsign ? ` (${ev.callsign})` : ''}` });

  const post = new Float64Array(K);
  for (let i = 0; i < K; i++) post[i] = Math.log(Math.max(cfg.prior[CLASSES[i]], 1e-12));
  for (const t of terms) for (let i = 0; i < K; i++) post[i] += t.ll[i];
  const probs = softmax(post);
  const probabilities = {} as ClassProbabilities;
  let best = 0;
  for (let i = 0; i < K; i++) {
    probabilities[CLASSES[i]] = probs[i];
    if (probs[i] > probs[best]) best = i;
  }
  return {
    probabilities, cls: CLASSES[best], probability: probs[best],
    pDrone: probs[IDX['rotary-drone']] + probs[IDX['fixed-wing-drone']], terms,
  };
}

function scale(ll: Float64Array, w: number): Float64Array {
  for (let i = 0; i < ll.length; i++) ll[i] *= w;
  return ll;
}

function logOf(p: ClassProbabilities, w: number): Float64Array {
  const ll = new Float64Array(K);
  for (let i = 0; i < K; i++) ll[i] = w * Math.log(Math.max(p[CLASSES[i]], 1e-300));
  return ll;
}

/** Normalised exponentials, stable for any finite inputs. */
export function softmax(logp: ArrayLike<number>): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < logp.length; i++) if (logp[i] > max) max = logp[i];
  const out = new Float64Array(logp.length);
  let s = 0;
  for (let i = 0; i < logp.length; i++) s += out[i] = Math.exp(logp[i] - max);
  for (let i = 0; i < logp.length; i++) out[i] /= s;
  return out;
}

/**
 * Incremental kinematic features: call once per assessed sample with the time step, the mean
 * horizontal speed, height and its σ, whether the track is hovering (and how long), and the
 * heading change over the last few seconds (NaN when too slow to have a heading).
 */
export function updateFeatures(
  f: KinematicFeatures, dtS: number, speedMps: number, speedVar: number, heightM: number, heightVar: number,
  hoverS: number, headingChangeRad: number, turnRefractory: { untilMs: number }, timeMs: number,
): void {
  if (!(dtS > 0)) dtS = 0;
  f.observedS += dtS;
  const moving = speedMps > 3;
  if (moving) f.movingS += dtS;
  // Running means with a 30 s time constant, information-weighted, so precise samples dominate:
  // a new track's velocity starts at zero with a σ of metres per second — unknown, not still —
  // and an equal-weight mean carried that zero for half a minute (a drone whose track restarted
  // read as a slow drifting false track). The σ is the typical σ of the samples, not shrunk by
  // their number: consecutive filtered states are correlated.
  const decay = f.observedS <= dtS ? 0 : Math.exp(-dtS / 30);
  const sv = Math.max(speedVar, 0.25);
  f.sW = f.sW * decay + 1 / sv;
  f.sWS = f.sWS * decay + speedMps / sv;
  f.sWV = f.sWV * decay + 1;
  f.speedMps = f.sWS / f.sW;
  f.speedSigma = Math.max(0.5, Math.sqrt(f.sWV / f.sW));
  const hv = Math.max(heightVar, 1);
  f.hW = f.hW * decay + 1 / hv;
  f.hWH = f.hWH * decay + heightM / hv;
  f.hWV = f.hWV * decay + 1;
  f.heightM = f.hWH / f.hW;
  f.heightSigma = Math.sqrt(f.hWV / f.hW);
  if (hoverS > f.longestHoverS && heightM > 5) f.longestHoverS = hoverS;
  if (moving && Number.isFinite(headingChangeRad) && Math.abs(headingChangeRad) > (35 * Math.PI) / 180 && timeMs >= turnRefractory.untilMs) {
    f.abruptTurns++;
    turnRefractory.untilMs = timeMs + 3000;
  }
}

// ---------------------------------------------------------------------------- disposition

export interface DispositionInputs {
  friend: boolean;
  cooperative: boolean;
  pDrone: number;
  droneThreshold: number;
  crossedInbound: boolean;
  launchFarSide: boolean;
  onProtectedSide: boolean;
  insideProtectedZone: boolean;
  dark: boolean;
  spoof: boolean;
  drop: boolean;
  loiterCritical: boolean;
}

/**
 * Friend: whitelisted or marked by an operator. Cooperative: identifies itself (Remote ID,
 * ADS-B) and is not caught lying. Among drones that do not: hostile when it came across and
 * did something (dropped, flies dark, loiters over a critical site, spoofs); suspect when it
 * came across, flies dark, spoofs or intrudes a protected zone; unknown otherwise.
 */
export function dispositionOf(x: DispositionInputs): Disposition {
  if (x.friend) return 'friend';
  const drone = x.pDrone >= x.droneThreshold;
  if (x.cooperative && !x.spoof) return 'cooperative';
  if (!drone) return 'unknown';
  const across = x.crossedInbound || (x.launchFarSide && x.onProtectedSide);
  if (across && (x.drop || x.dark || x.loiterCritical || x.spoof)) return 'hostile';
  if (across || x.dark || x.spoof || x.insideProtectedZone || x.drop) return 'suspect';
  return 'unknown';
}
