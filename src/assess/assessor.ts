/**
 * The Assessor: tracks and their evidence in, behaviour events and alert changes out.
 *
 *   update(timeMs, tracks, evidenceByTrack), one pass:
 *     1. each live track: record its state, file the evidence its detections carried (class
 *        labels, acoustic hits, RF links, Remote ID / ADS-B identities and fixes) under its
 *        object, run its behaviour detectors (events.ts) and kinematic features;
 *     2. correlate: a young track that continues one that ended, that took over from a
 *        hovering track which never moved off, or that duplicates another track of the same
 *        object, joins that object (and a hold it took over from becomes a departure);
 *        a Remote ID-only track moving in lockstep with a drone track at a steady offset is a
 *        spoofer and the drone its real position (one object, flagged);
 *     3. each track: classify (classify.ts), dark and spoof flags (flags.ts), disposition,
 *        threat (threat.ts), and the alert rules (alerts/rules.ts) into the alert manager;
 *     4. tracks gone: their objects stay for a while, so a restart can continue them.
 *   act(action): an operator's acknowledge / resolve / mark-friendly, with who and when.
 *
 * Objects exist because trackers break: a drone that stops to hover gets a second track when it
 * moves off, a track lost for a few seconds restarts under a new id, Remote ID fixes and radar
 * plots of one drone can form two tracks. What an object did (crossed, dropped, flew dark), what
 * its detections said (labels, RF, serial) and its alerts belong to the object, so one drone
 * keeps one alert and one story however many track ids it went through.
 *
 * Pure and deterministic: no clock (time comes with each call), no randomness, no I/O; the same
 * inputs in the same order give the same events, alerts and audit trail.
 */
import type { LocalFrame } from '../geo/enu.js';
import { AlertManager } from '../alerts/manager.js';
import { DEFAULT_RULES, DEFAULT_RULE_CONFIG, evaluateRules, type Rule, type RuleConfig } from '../alerts/rules.js';
import type { AlertChange, OperatorAction } from '../alerts/types.js';
import {
  ClassEvidence, DEFAULT_CLASSIFIER_CONFIG, RF_LINK_TERM, classify, copyFeatures, dispositionOf, emptyFeatures, updateFeatures,
  type Classification, type ClassifierConfig, type KinematicFeatures,
} from './classify.js';
import { DEFAULT_EVENT_CONFIG, TrackBehaviour, firmSide, type BehaviourContext, type EventConfig } from './events.js';
import { DEFAULT_FLAG_CONFIG, DarkDetector, SplitPair, SpoofCheck, expectedRfPd, type FlagConfig } from './flags.js';
import { RfAttribution } from './rf-attribution.js';
import type { Point2 } from './geometry.js';
import { wrapPi } from './geometry.js';
import { History, sampleOf, type Sample } from './history.js';
import { threatScore } from './threat.js';
import type {
  AssessSensor, AssessTrack, Disposition, EvidenceItem, GeoPoint, ObjectClass, TrackAssessment, TrackEvent,
} from './types.js';
import type { Criticality, ZoneSet } from './zones.js';

export interface Whitelist {
  /** Remote ID serials, ICAO addresses and RF emitter ids of the agency's own fleet. */
  remoteIds?: readonly string[];
  icao?: readonly string[];
  rfEmitters?: readonly string[];
}

/** How tracks are judged to be one object. */
export interface CorrelationConfig {
  /** A track may join an object only while this young (since it became reportable) [s]. */
  maxAgeS: number;
  /** An ended object can be continued for this long [s]. */
  tombstoneS: number;
  /**
   * Gate between a new track's first state and the predecessor's (predicted) one: base, plus
   * 2 σ of the two positions (at most gateSigmaCapM: a new track's first σ can be huge), plus
   * per second of gap gatePerSecondM and gateSpeedFraction of the old track's speed (its heading
   * is uncertain and drones turn) [m, m, m/s, –].
   */
  gateM: number;
  gateSigmaCapM: number;
  gatePerSecondM: number;
  gateSpeedFraction: number;
  /** Duplicates: within duplicateGateM (or 2 σ, at most twice that) and velocities within duplicateMaxDvMps, for duplicateS [m, m/s, s]. */
  duplicateGateM: number;
  duplicateMaxDvMps: number;
  duplicateS: number;
  /** Never join a track to an object whose P(drone) differs by more than this (a bird is not a drone's continuation). */
  maxPDroneGap: number;
  /**
   * A track's position is supported while it had a fix (radar, Remote ID, ADS-B) or bearings from
   * two acoustic / EO sensors within this [s]; otherwise it coasts on one bearing or none, and
   * nothing is concluded from where it is (a crossing, a zone, a hover) nor is it joined.
   */
  supportS: number;
  /** Take-over from a hold: the new track starts this close to the hold [m]. */
  holdHandoverM: number;
  /**
   * A turn in a coast: when an ended track had coasted at least turnMinCoastS without a fix of
   * its own, a new track starting within turnMaxGapS of that last fix may continue it anywhere
   * the object could have flown since (its speed then, any heading) [s, s].
   */
  turnMinCoastS: number;
  turnMaxGapS: number;
}

export const DEFAULT_CORRELATION_CONFIG: CorrelationConfig = {
  maxAgeS: 60,
  tombstoneS: 60,
  gateM: 40,
  gateSigmaCapM: 40,
  gatePerSecondM: 5,
  gateSpeedFraction: 0.5,
  duplicateGateM: 20,
  duplicateMaxDvMps: 2,
  duplicateS: 8,
  maxPDroneGap: 0.8,
  supportS: 5,
  holdHandoverM: 80,
  turnMinCoastS: 3,
  turnMaxGapS: 15,
};

export interface AssessorConfig {
  zones: ZoneSet;
  /** Sensors in the tracker's order (track.sensors and evidence items index into it). */
  sensors: readonly AssessSensor[];
  /** The sector frame, to give events WGS84 positions a ground team can use. */
  frame?: LocalFrame | null;
  events?: Partial<EventConfig>;
  classifier?: Partial<ClassifierConfig>;
  flags?: Partial<FlagConfig>;
  rules?: Partial<RuleConfig>;
  correlation?: Partial<CorrelationConfig>;
  ruleSet?: readonly Rule[];
  whitelist?: Whitelist;
}

export interface AssessmentUpdate {
  timeMs: number;
  events: TrackEvent[];
  alerts: AlertChange[];
}

const EMPTY: readonly EvidenceItem[] = [];
type CrossingEvent = Extract<TrackEvent, { type: 'border-crossing' }>;
type DropEvent = Extract<TrackEvent, { type: 'suspected-drop' }>;
type LoiterEvent = Extract<TrackEvent, { type: 'loiter' }>;
type LaunchEvent = Extract<TrackEvent, { type: 'launch-point' }>;

/** How far a live track may be from a young one's start and still be the one it takes over from [m]. */
const TAKEOVER_RANGE_M = 1500;

/**
 * Live tracks bucketed by their last position, so each young track looks at its neighbours
 * rather than at every track (thousands of tracks would make that quadratic). Yields them in
 * their `live` order, so results do not depend on the bucketing.
 */
class NearGrid {
  private readonly cells = new Map<number, number[]>();
  private readonly out: TrackState[] = [];
  private readonly idx: number[] = [];

  constructor(private readonly live: readonly TrackState[], private readonly cellM: number) {
    live.forEach((t, i) => {
      if (!t.last) return;
      const k = this.key(Math.floor(t.last.e / cellM), Math.floor(t.last.n / cellM));
      let c = this.cells.get(k);
      if (!c) this.cells.set(k, (c = []));
      c.push(i);
    });
  }

  /** Tracks whose last position is within one cell of (e, n), in `live` order (the array is reused). */
  near(e: number, n: number): TrackState[] {
    const cx = Math.floor(e / this.cellM), cy = Math.floor(n / this.cellM);
    const idx = this.idx;
    idx.length = 0;
    for (let dx = -1; dx <= 1; dx++) for (let dy = -1; dy <= 1; dy++) for (const i of this.cells.get(this.key(cx + dx, cy + dy)) ?? []) idx.push(i);
    idx.sort((a, b) => a - b);
    this.out.length = 0;
    for (const i of idx) this.out.push(this.live[i]);
    return this.out;
  }

  private key(cx: number, cy: number): number {
    return (cx + 0x8000) * 0x10000 + (cy + 0x8000);
  }
}

/** One object: a chain of tracks judged to be one thing. Evidence, facts and alerts live here. */
class ObjectState {
  readonly evidence = new ClassEvidence();
  readonly dark = new DarkDetector();
  lastDarkMs = -Infinity;
  crossedInbound: CrossingEvent | null = null;
  lastDrop: DropEvent | null = null;
  zoneLoiter: LoiterEvent | null = null;
  launch: LaunchEvent | null = null;
  friend: { by: string; timeMs: number } | null = null;
  spoof: { serial: string; offsetM: number; realTrackId: number | null } | null = null;
  /** Whether a sensor other than Remote ID, ADS-B or RF placed it (something saw it). */
  otherSensors = false;
  readonly members = new Set<TrackState>();
  everReportable = false;
  /** When it was first believed (a track of it reportable). */
  firstReportableMs: number | null = null;
  /** When its last track ended (tombstone), with that track's last state. */
  endedMs: number | null = null;
  last: TrackState | null = null;
  /** Its tracks that ended recently (the last few), for continuing from where it really was. */
  readonly ended: TrackState[] = [];
  reportedClass: ObjectClass | null = null;
  disposition: Disposition = 'unknown';
  /** Cached answer of RfAttribution.along and when it was computed. */
  rfAlong = false;
  rfAlongAtMs: number | null = null;
  /** Cached answer of RfAttribution.linkCarriedElsewhere, for which emitter and when. */
  borrowed = false;
  borrowedEmitter: string | null = null;
  borrowedAtMs: number | null = null;
  constructor(readonly id: number) {}
}

class TrackState {
  readonly history = new History();
  readonly behaviour: TrackBehaviour;
  readonly features: KinematicFeatures = emptyFeatures();
  readonly spoof = new SpoofCheck();
  readonly turnRefractory = { untilMs: 0 };
  readonly splitPairs = new Map<number, SplitPair>();
  readonly duplicateS = new Map<number, number>();
  obj: ObjectState;
  first: Sample | null = null;
  last: Sample | null = null;
  lastSampleMs = -Infinity;
  reportable = false;
  reportableSinceMs: number | null = null;
  linked = false;
  lastHitMs = 0;
  /** Last position fix from a sensor of our own (radar), 0 for none: RF bearings can keep a wrong track alive. */
  lastFixMs = 0;
  /** Last position fix of any kind (radar, Remote ID, ADS-B). */
  lastAnyFixMs = 0;
  /** Last bearing (with elevation: acoustic, EO/IR) per sensor. */
  readonly bearingMs = new Map<number, number>();
  seen = 0;
  classification: Classification | null = null;
  assessment: TrackAssessment | null = null;
  /** Events of the current pass (behaviour, flags), for the object's facts and the rules. */
  readonly pending: TrackEvent[] = [];
  constructor(readonly id: number, readonly startMs: number) {
    this.behaviour = new TrackBehaviour(id, startMs);
    this.obj = new ObjectState(id);
    this.obj.members.add(this);
  }
}

export class Assessor {
  readonly alerts = new AlertManager();
  readonly zones: ZoneSet;
  readonly sensors: readonly AssessSensor[];
  readonly eventConfig: EventConfig;
  readonly classifierConfig: ClassifierConfig;
  /** The classifier with the RF-link term neutral: drone evidence from everything but a link. */
  private readonly noRfClassifierConfig: ClassifierConfig;
  readonly flagConfig: FlagConfig;
  readonly ruleConfig: RuleConfig;
  readonly correlationConfig: CorrelationConfig;
  private readonly rules: readonly Rule[];
  private readonly frame: LocalFrame | null;
  private readonly states = new Map<number, TrackState>();
  private readonly tombstones = new Set<ObjectState>();
  private readonly friendlyIds = new Set<string>();
  private readonly ctx: BehaviourContext;
  private readonly geoScratch = new Float64Array(3);
  /** Which track's RF links are whose (bearings of the last half minute). */
  private readonly rf: RfAttribution<TrackState, ObjectState>;
  private pass = 0;
  private lastTimeMs = -Infinity;
  /** Whether evidence comes with the updates (then position support is judged from it). */
  private evidenceMode = false;

  constructor(config: AssessorConfig) {
    this.zones = config.zones;
    this.sensors = [...config.sensors]; // a copy: addSensor grows it
    this.frame = config.frame ?? null;
    this.eventConfig = { ...DEFAULT_EVENT_CONFIG, ...config.events };
    this.classifierConfig = { ...DEFAULT_CLASSIFIER_CONFIG, ...config.classifier };
    this.flagConfig = { ...DEFAULT_FLAG_CONFIG, ...config.flags };
    this.ruleConfig = { ...DEFAULT_RULE_CONFIG, ...config.rules };
    this.correlationConfig = { ...DEFAULT_CORRELATION_CONFIG, ...config.correlation };
    this.rules = config.ruleSet ?? DEFAULT_RULES;
    this.rf = new RfAttribution(this.sensors, this.flagConfig, () => this.states.values());
    this.noRfClassifierConfig = { ...this.classifierConfig, rf: { 'rotary-drone': 1, 'fixed-wing-drone': 1, bird: 1, 'manned-aircraft': 1, 'ground-vehicle': 1, unknown: 1 } };
    const w = config.whitelist ?? {};
    for (const s of w.remoteIds ?? []) this.friendlyIds.add(`rid:${s}`);
    for (const s of w.icao ?? []) this.friendlyIds.add(`icao:${s}`);
    for (const s of w.rfEmitters ?? []) this.friendlyIds.add(`rf:${s}`);
    this.ctx = { zones: this.zones, cfg: this.eventConfig, geo: (p) => this.geo(p) };
  }

  /**
   * A sensor that joined while the sector runs (a SAPIENT node registering): appended, so its
   * index matches the one fusion gave it (SectorFusion.addSensor). Returns that index.
   */
  addSensor(s: AssessSensor): number {
    const list = this.sensors as AssessSensor[];
    list.push(s);
    if (s.kind === 'rf') this.rf.sensorAdded();
    return list.length - 1;
  }

  /** WGS84 attached to an ENU point when the frame is known. */
  private geo(p: Point2): GeoPoint {
    if (!this.frame) return { e: p.e, n: p.n };
    const g = this.frame.enuToGeodetic(p.e, p.n, 0, this.geoScratch);
    return { e: p.e, n: p.n, latDeg: g[0], lonDeg: g[1] };
  }

  /** The latest assessment of a live track (tracks are assessed once reportable). */
  assessment(trackId: number): TrackAssessment | undefined {
    return this.states.get(trackId)?.assessment ?? undefined;
  }

  /** Latest assessments of all live reportable tracks. */
  assessments(): TrackAssessment[] {
    const out: TrackAssessment[] = [];
    for (const s of this.states.values()) if (s.assessment?.reportable) out.push(s.assessment);
    return out;
  }

  /** The object (chain of tracks) a live track belongs to: the id of its first track. */
  objectOf(trackId: number): number | undefined {
    return this.states.get(trackId)?.obj.id;
  }

  /**
   * One pass at `timeMs`: `tracks` are the live tracks (tentative ones included: their first
   * detections place the launch point), `evidence` the items each track took since the last
   * pass. A track missing from `tracks` has ended.
   */
  update(timeMs: number, tracks: Iterable<AssessTrack>, evidence?: ReadonlyMap<number, readonly EvidenceItem[]>): AssessmentUpdate {
    if (timeMs < this.lastTimeMs) throw new RangeError(`assessment time went backwards: ${timeMs} < ${this.lastTimeMs}`);
    this.lastTimeMs = timeMs;
    const pass = ++this.pass;
    const events: TrackEvent[] = [];
    const alerts: AlertChange[] = [];
    const live: TrackState[] = [];
    if (evidence) {
      this.evidenceMode = true;
      for (const list of evidence.values()) {
        for (const it of list) {
          const rf = it.evidence?.rf;
          if (rf && it.bearing) this.rf.hear({ t: it.timeMs, sensor: it.sensor, az: it.bearing.azimuthRad, sigma: it.bearing.sigmaRad, emitter: rf.emitterId ?? `${rf.protocol}@${rf.frequencyMHz}` });
        }
      }
      this.rf.forgetBefore(timeMs);
    }
    for (const t of tracks) {
      if (t.status === 'ended') continue;
      let st = this.states.get(t.id);
      if (!st) this.states.set(t.id, (st = new TrackState(t.id, t.startMs)));
      st.seen = pass;
      st.pending.length = 0;
      this.observe(st, t, evidence?.get(t.id) ?? EMPTY, timeMs, alerts);
      live.push(st);
    }
    this.correlate(live, timeMs, alerts);
    this.pairSplitTracks(live, timeMs, alerts);
    for (const st of live) {
      this.conclude(st, timeMs, alerts);
      for (const e of st.pending) events.push(e);
    }
    for (const [id, st] of this.states) {
      if (st.seen === pass) continue;
      this.states.delete(id);
      const o = st.obj;
      o.members.delete(st);
      if (o.everReportable) {
        o.ended.push(st);
        if (o.ended.length > 4) o.ended.shift();
      }
      if (o.members.size === 0) {
        o.endedMs = timeMs;
        o.last = st;
        if (o.everReportable) {
          // Only believed objects can be continued: a clutter track's end is no one's start.
          this.tombstones.add(o);
          events.push({ type: 'track-ended', trackId: id, timeMs });
          for (const c of this.alerts.trackEnded(o.id, timeMs)) alerts.push(c);
        }
      }
    }
    for (const o of this.tombstones) if (o.endedMs !== null && timeMs - o.endedMs > this.correlationConfig.tombstoneS * 1000) this.tombstones.delete(o);
    return { timeMs, events, alerts };
  }

  /** An operator action (acknowledge, resolve, mark friendly — a track id names its object). */
  act(action: OperatorAction): AlertChange[] {
    if (action.type === 'mark-friendly') {
      const st = this.states.get(action.trackId);
      const objectId = st?.obj.id ?? action.trackId;
      if (st) {
        st.obj.friend = { by: action.by, timeMs: action.timeMs };
        // The override survives re-correlation: the object's identities join the whitelist.
        for (const id of this.identitiesOf(st.obj)) this.friendlyIds.add(id);
      }
      return this.alerts.act({ ...action, trackId: objectId });
    }
    return this.alerts.act(action);
  }

  private identitiesOf(o: ObjectState): string[] {
    const ids: string[] = [];
    if (o.evidence.remoteIdSerial) ids.push(`rid:${o.evidence.remoteIdSerial}`);
    if (o.evidence.icao) ids.push(`icao:${o.evidence.icao}`);
    const link = o.evidence.rfLink(this.classifierConfig.rfMinHits, this.classifierConfig.rfMinRate);
    if (link) ids.push(`rf:${link.emitterId}`);
    return ids;
  }

  // ------------------------------------------------------------------------ 1. observe

  private observe(st: TrackState, t: AssessTrack, items: readonly EvidenceItem[], timeMs: number, alerts: AlertChange[]): void {
    const est = t.estimator;
    const s = sampleOf(t.timeMs, est.x, est.P, est.space.dims, est.space.n, {} as Sample);
    const dtS = Number.isFinite(st.lastSampleMs) ? Math.max(0, (s.timeMs - st.lastSampleMs) / 1000) : 0;
    const fresh = s.timeMs > st.lastSampleMs;
    if (fresh) {
      st.history.push(s);
      st.lastSampleMs = s.timeMs;
      st.first ??= s;
      st.last = s;
    }
    st.lastHitMs = t.lastHitMs;
    const reportable = t.status === 'confirmed' || t.status === 'coasting';
    st.reportable = reportable;
    if (reportable) {
      st.reportableSinceMs ??= timeMs;
      st.obj.everReportable = true;
      st.obj.firstReportableMs ??= timeMs;
    }
    const o = st.obj;
    if (!o.otherSensors) {
      for (const k of t.sensors) {
        const kind = this.sensors[k]?.kind;
        if (kind && kind !== 'remoteid' && kind !== 'adsb' && kind !== 'rf') o.otherSensors = true;
      }
    }

    // Evidence the detections carried, filed under the object.
    const ev = o.evidence, ccfg = this.classifierConfig;
    for (const it of items) {
      const sensor = this.sensors[it.sensor];
      if (!sensor) continue;
      const e = it.evidence;
      if (it.fix) {
        if (sensor.kind !== 'remoteid' && sensor.kind !== 'adsb' && it.timeMs > st.lastFixMs) st.lastFixMs = it.timeMs;
        if (it.timeMs > st.lastAnyFixMs) st.lastAnyFixMs = it.timeMs;
      } else if ((sensor.kind === 'acoustic' || sensor.kind === 'eoir') && it.timeMs > (st.bearingMs.get(it.sensor) ?? 0)) {
        st.bearingMs.set(it.sensor, it.timeMs);
      }
      if (e?.classLabel) ev.addLabel(sensor.kind, e.classLabel.label, e.classLabel.confidence, ccfg);
      if (sensor.kind === 'acoustic') ev.addAcoustic(ccfg);
      if (e?.rf) ev.addRf(e.rf.emitterId ?? `${e.rf.protocol}@${e.rf.frequencyMHz}`, e.rf.protocol, e.rf.frequencyMHz, it.timeMs);
      if (e?.icao) {
        ev.icao = e.icao;
        if (e.callsign) ev.callsign = e.callsign;
      }
      if (e?.remoteId) {
        ev.remoteIdSerial = e.remoteId.serial;
        if (it.fix) st.spoof.addRemoteId(it.timeMs, it.fix.e, it.fix.n, it.fix.u, it.fix.cov, it.velocity ?? null);
      } else if (it.fix && sensor.kind !== 'remoteid' && sensor.kind !== 'adsb') {
        const c = st.spoof.addOtherFix(it.timeMs, it.fix.e, it.fix.n, it.fix.u, it.fix.cov, this.flagConfig);
        if (c && ev.remoteIdSerial) {
          if (c === 'flagged') o.spoof = { serial: ev.remoteIdSerial, offsetM: st.spoof.lastOffsetM, realTrackId: null };
          else if (o.spoof?.realTrackId === null) o.spoof = null;
          st.pending.push({
            type: 'remote-id-spoof', trackId: t.id, timeMs, serial: ev.remoteIdSerial, offsetM: st.spoof.lastOffsetM, chi2: st.spoof.lastChi2,
            reason: c === 'flagged' ? 'broadcast position disagrees with the radar fixes beyond both errors' : 'broadcast position consistent again',
          });
        }
      }
    }
    for (const id of t.identities) {
      if (id.startsWith('rid:') && !ev.remoteIdSerial) ev.remoteIdSerial = id.slice(4);
      else if (id.startsWith('icao:') && !ev.icao) ev.icao = id.slice(5);
    }

    // Friendly: by whitelist (own fleet) or an earlier operator mark on the same identity.
    if (!o.friend) {
      for (const id of [...t.identities, ...this.identitiesOf(o)]) {
        if (this.friendlyIds.has(id)) {
          o.friend = { by: `whitelist (${id})`, timeMs };
          for (const c of this.alerts.markFriendly(o.id, o.friend.by, timeMs, `identity ${id} is whitelisted`)) alerts.push(c);
          break;
        }
      }
    }

    if (!fresh) return;
    const b = st.behaviour;
    b.update(s, st.history, reportable, this.isCooperative(o), this.supported(st, s.timeMs), this.ctx, st.pending);
    const h = st.history;
    let headingChange = NaN;
    const k = h.indexFrom(s.timeMs - 3000);
    if (k < h.length - 1) {
      const ve0 = h.get(k, 've'), vn0 = h.get(k, 'vn');
      if (Math.hypot(ve0, vn0) > 3 && Math.hypot(s.ve, s.vn) > 3) headingChange = wrapPi(Math.atan2(s.ve, s.vn) - Math.atan2(ve0, vn0));
    }
    const hoverS = b.hover.startMs !== null ? (s.timeMs - b.hover.startMs) / 1000 : 0;
    updateFeatures(st.features, dtS, b.derived.speedH, s.pvv, s.u, s.puu, hoverS, headingChange, st.turnRefractory, s.timeMs);
  }

  /** Whether the track's position rests on a fix or a two-sensor bearing cut (see CorrelationConfig.supportS). */
  private supported(st: TrackState, t: number): boolean {
    if (!this.evidenceMode) return true;
    const w = this.correlationConfig.supportS * 1000;
    if (t - st.lastAnyFixMs <= w) return true;
    let n = 0;
    for (const ms of st.bearingMs.values()) if (t - ms <= w) n++;
    return n >= 2;
  }

  private isCooperative(o: ObjectState): boolean {
    return (o.evidence.remoteIdSerial !== null || o.evidence.icao !== null) && o.spoof === null;
  }

  // ------------------------------------------------------------------------ 2. correlate

  private correlate(live: TrackState[], timeMs: number, alerts: AlertChange[]): void {
    const cc = this.correlationConfig;
    let grid: NearGrid | null = null;
    for (const b of live) {
      if (b.linked || !b.reportable || b.reportableSinceMs === null || !b.first || !b.last || !this.supported(b, b.last.timeMs)) continue;
      if (b.obj.members.size > 1 || b.obj.id !== b.id) continue;
      if (timeMs - b.reportableSinceMs > cc.maxAgeS * 1000) {
        b.linked = true; // old enough to be its own object for good
        continue;
      }
      const q = b.first, sb = Math.sqrt(0.5 * (q.pee + q.pnn));
      let best: { o: ObjectState; d: number; hold: TrackState | null } | null = null;
      // A track that starts at a hold but is not yet leaving it waits: joining it as a plain
      // continuation would lose the departure (the drop).
      let waitForDeparture = false;
      // A continuation of an object whose tracks all ended: this track's state where the old
      // one's ended (the two may overlap in time), or its first state against the old one
      // carried forward over the gap.
      for (const o of this.tombstones) {
        const p = o.last?.last;
        if (!p || o.endedMs === null) continue;
        const gapS = (q.timeMs - p.timeMs) / 1000;
        if (gapS > cc.tombstoneS) continue;
        // Its last track was holding still (often lost low over a drop point): this one leaving
        // from there is the departure.
        const hold = o.last!.behaviour.drop.currentHold(this.eventConfig.dropMinHoldS);
        if (hold && this.departsFrom(b, hold)) {
          if (!best || 0 < best.d) best = { o, d: 0, hold: o.last };
          continue;
        }
        if (hold && this.startsAt(b, hold)) waitForDeparture = true;
        let d: number, gate: number;
        const sp = Math.sqrt(0.5 * (p.pee + p.pnn));
        if (gapS < 0) {
          const kb = b.history.indexFrom(p.timeMs);
          if (kb >= b.history.length) continue;
          d = Math.hypot(b.history.get(kb, 'e') - p.e, b.history.get(kb, 'n') - p.n);
          gate = cc.gateM + Math.min(cc.gateSigmaCapM, 2 * Math.hypot(Math.sqrt(0.5 * (b.history.get(kb, 'pee') + b.history.get(kb, 'pnn'))), sp));
        } else {
          const dt = Math.min(gapS, 20);
          d = Math.hypot(q.e - (p.e + p.ve * dt), q.n - (p.n + p.vn * dt));
          gate = cc.gateM + Math.min(cc.gateSigmaCapM, 2 * Math.hypot(sb, sp)) + cc.gatePerSecondM * dt + cc.gateSpeedFraction * Math.hypot(p.ve, p.vn) * Math.min(dt, 10);
        }
        // A track often runs on past the drone's turn before it dies: also try where it last had
        // a fix of its own, carried forward from there.
        const lt = o.last!;
        if (d > gate && lt.lastFixMs > 0 && lt.lastFixMs < p.timeMs) {
          const kf = Math.min(lt.history.indexFrom(lt.lastFixMs), lt.history.length - 1);
          const h = lt.history;
          const gf = (q.timeMs - h.get(kf, 'timeMs')) / 1000;
          if (gf >= 0 && gf <= cc.tombstoneS) {
            const dt = Math.min(gf, 20);
            const df = Math.hypot(q.e - (h.get(kf, 'e') + h.get(kf, 've') * dt), q.n - (h.get(kf, 'n') + h.get(kf, 'vn') * dt));
            const gateF = cc.gateM + Math.min(cc.gateSigmaCapM, 2 * Math.hypot(sb, Math.sqrt(0.5 * (h.get(kf, 'pee') + h.get(kf, 'pnn')))))
              + cc.gatePerSecondM * dt + cc.gateSpeedFraction * Math.hypot(h.get(kf, 've'), h.get(kf, 'vn')) * Math.min(dt, 10);
            if (df <= gateF) {
              d = df;
              gate = gateF;
            }
          }
        }
        if (d > gate) {
          const turn = this.turnReach(b, lt, p.timeMs);
          if (turn && turn.d <= turn.gate) {
            d = turn.d;
            gate = turn.gate;
          }
        }
        if (d <= gate && (!best || d < best.d) && this.compatible(b, o, o.last!)) best = { o, d, hold: null };
      }
      // A take-over from a live track of an older object: it started where that track was, and
      // that track stopped being detected then, or holds still while this one leaves, or the two
      // have moved together (duplicates).
      grid ??= new NearGrid(live, TAKEOVER_RANGE_M);
      for (const p of grid.near(q.e, q.n)) {
        if (p === b || p.obj === b.obj || p.startMs >= b.startMs || !p.obj.everReportable || !p.last) continue;
        // Far away now: not this one (a minute of flight at most since this track started).
        if (Math.hypot(p.last.e - q.e, p.last.n - q.n) > TAKEOVER_RANGE_M) continue;
        const kp = p.history.indexFrom(q.timeMs);
        if (kp >= p.history.length) continue;
        const pe = p.history.get(kp, 'e'), pn = p.history.get(kp, 'n');
        const d0 = Math.hypot(q.e - pe, q.n - pn);
        const sp = Math.sqrt(0.5 * (p.history.get(kp, 'pee') + p.history.get(kp, 'pnn')));
        const gate0 = cc.gateM + Math.min(cc.gateSigmaCapM, 2 * Math.hypot(sb, sp));
        const hold = p.behaviour.drop.currentHold(this.eventConfig.dropMinHoldS);
        const fromHold = hold !== null && this.departsFrom(b, hold);
        if (hold && !fromHold && this.startsAt(b, hold)) waitForDeparture = true;
        // Stale: no fix of its own since this track started (RF bearings may still feed it, or it
        // coasts on past a stop); this track starts near where that one last had a fix.
        const lastFix = p.lastFixMs > 0 ? p.lastFixMs : p.lastHitMs;
        let stale = false;
        if (lastFix <= b.startMs + 3000 && timeMs - lastFix > 2000) {
          const kf = Math.min(p.history.indexFrom(lastFix), p.history.length - 1);
          const gapS = Math.max(0, (q.timeMs - p.history.get(kf, 'timeMs')) / 1000);
          const df = Math.hypot(q.e - p.history.get(kf, 'e'), q.n - p.history.get(kf, 'n'));
          stale = Math.min(d0, df) <= gate0 + cc.gatePerSecondM * Math.min(gapS, 20);
        }
        let dup = false;
        if (p.last && p.reportable) {
          const d = Math.hypot(b.last.e - p.last.e, b.last.n - p.last.n);
          const dv = Math.hypot(b.last.ve - p.last.ve, b.last.vn - p.last.vn);
          const sv = Math.sqrt(b.last.pvv + p.last.pvv);
          const sigma = Math.hypot(Math.sqrt(0.5 * (b.last.pee + b.last.pnn)), Math.sqrt(0.5 * (p.last.pee + p.last.pnn)));
          const near = d <= Math.min(2 * cc.duplicateGateM, Math.max(cc.duplicateGateM, 2 * sigma)) && dv <= cc.duplicateMaxDvMps + 2 * sv;
          const acc = near ? (b.duplicateS.get(p.id) ?? 0) + this.passSeconds(b) : 0;
          b.duplicateS.set(p.id, acc);
          dup = acc >= cc.duplicateS;
        }
        if (!(fromHold || stale || dup) || !this.compatible(b, p.obj, p)) continue;
        const d = fromHold ? 0 : d0;
        if (!best || d < best.d) best = { o: p.obj, d, hold: fromHold ? p : null };
      }
      if (!best || (waitForDeparture && !best.hold && timeMs - b.reportableSinceMs < 30_000)) continue;
      if (best.hold) {
        // The hovering track never moved off (or was lost over the spot); this one did: the
        // hold ended in a departure. A live hold track reports it; a dead one's goes out here.
        const hs = best.hold;
        const alive = this.states.get(hs.id) === hs;
        const unseenS = alive || !hs.last ? 0 : Math.max(0, (b.startMs - hs.last.timeMs) / 1000);
        hs.behaviour.drop.depart(timeMs, b.last.u, Math.sqrt(b.last.puu), this.ctx, hs.id, this.isCooperative(hs.obj), alive ? hs.pending : b.pending, true, unseenS);
      }
      this.join(b, best.o, timeMs, alerts);
    }
  }

  /**
   * The turn-tolerant gate between a young track's first state and an ended track that coasted
   * (no fix of its own for at least turnMinCoastS before its last state at `lastStateMs`): a drone
   * that turns while its track coasts on straight is lost, and the straight-line predictions
   * miss where it reappears. From the old track's last fix the drone may have flown anywhere
   * within its speed then times the time since, plus the usual allowances; the young track must
   * also not be much faster than it was. Null when the rule does not apply.
   */
  private turnReach(b: TrackState, old: TrackState, lastStateMs: number): { d: number; gate: number } | null {
    const cc = this.correlationConfig, q = b.first!, h = old.history;
    if (old.lastFixMs <= 0 || lastStateMs - old.lastFixMs < cc.turnMinCoastS * 1000 || h.length === 0) return null;
    const kf = Math.min(h.indexFrom(old.lastFixMs), h.length - 1);
    const gapS = (q.timeMs - h.get(kf, 'timeMs')) / 1000;
    if (gapS < 0 || gapS > cc.turnMaxGapS) return null;
    const v = Math.hypot(h.get(kf, 've'), h.get(kf, 'vn'));
    if (b.behaviour.derived.speedH > 1.5 * v + 5) return null;
    const sb = Math.sqrt(0.5 * (q.pee + q.pnn)), sf = Math.sqrt(0.5 * (h.get(kf, 'pee') + h.get(kf, 'pnn')));
    return {
      d: Math.hypot(q.e - h.get(kf, 'e'), q.n - h.get(kf, 'n')),
      gate: cc.gateM + Math.min(cc.gateSigmaCapM, 2 * Math.hypot(sb, sf)) + (cc.gatePerSecondM + v) * gapS,
    };
  }

  /** Whether a young track started at a hold (after it began). */
  private startsAt(b: TrackState, hold: { startMs: number; e: number; n: number }): boolean {
    const q = b.first!;
    return hold.startMs <= b.startMs && Math.hypot(q.e - hold.e, q.n - hold.n) <= this.correlationConfig.holdHandoverM;
  }

  /** Whether a young track started at a hold (after it began) and is leaving it. */
  private departsFrom(b: TrackState, hold: { startMs: number; e: number; n: number }): boolean {
    const l = b.last!, ec = this.eventConfig;
    return this.startsAt(b, hold) && b.behaviour.derived.speedH > ec.dropDepartSpeedMps && Math.hypot(l.e - hold.e, l.n - hold.n) > ec.dropDepartDistM;
  }

  /** Whether a young track's own evidence does not contradict an object's class. */
  private compatible(b: TrackState, o: ObjectState, p: TrackState): boolean {
    const mine = classify(b.obj.evidence, b.features, this.classifierConfig).pDrone;
    const theirs = classify(o.evidence, p.features, this.classifierConfig).pDrone;
    return Math.abs(mine - theirs) <= this.correlationConfig.maxPDroneGap;
  }

  /** Seconds since this track's previous sample (the pass length as the track saw it). */
  private passSeconds(st: TrackState): number {
    const h = st.history;
    return h.length >= 2 ? (h.get(h.length - 1, 'timeMs') - h.get(h.length - 2, 'timeMs')) / 1000 : 0;
  }

  /** Track `b` (alone in its object) joins object `o`: evidence, facts and alerts merge into o. */
  private join(b: TrackState, o: ObjectState, timeMs: number, alerts: AlertChange[]): void {
    const from = b.obj;
    b.linked = true;
    o.evidence.merge(from.evidence, this.classifierConfig);
    o.otherSensors ||= from.otherSensors;
    o.everReportable ||= from.everReportable;
    if (from.firstReportableMs !== null && (o.firstReportableMs === null || from.firstReportableMs < o.firstReportableMs)) o.firstReportableMs = from.firstReportableMs;
    o.crossedInbound ??= from.crossedInbound;
    o.lastDrop ??= from.lastDrop;
    o.zoneLoiter ??= from.zoneLoiter;
    o.friend ??= from.friend;
    o.spoof ??= from.spoof;
    if (from.dark.rfExpectedS > o.dark.rfExpectedS) o.dark.rfExpectedS = from.dark.rfExpectedS;
    o.dark.flagged ||= from.dark.flagged;
    // The predecessor's story continues on this track: its side (a change across the break is a
    // crossing), its launch point (this track did not start at a launch), its kinematic history.
    const prev = o.last ?? [...o.members][0] ?? null;
    if (prev) {
      // Where the object last really was, next to this track's start: the nearest state of its
      // tracks (live or recently ended) in the seconds before (a track often runs on past a turn
      // before it dies, and its last state is then elsewhere).
      let side = prev.behaviour.crossing.side, last = prev.behaviour.crossing.last;
      const border = this.zones.border;
      if (border && b.first) {
        const q0 = b.first;
        let bestD = Infinity;
        for (const c of [...o.members, ...o.ended]) {
          if (c === b) continue;
          const h = c.history;
          for (let k = h.indexFrom(q0.timeMs - 15_000); k < h.length && h.get(k, 'timeMs') <= q0.timeMs + 1000; k++) {
            const e = h.get(k, 'e'), n = h.get(k, 'n'), d = Math.hypot(e - q0.e, n - q0.n);
            if (d >= bestD) continue;
            bestD = d;
            const sd = border.signedDistance(e, n);
            last = { t: h.get(k, 'timeMs'), e, n, sd };
            // Its side there by the same hysteresis its own crossing detector applies (a state a
            // few metres over the line with a σ of tens is on neither side): else the side that
            // track was firmly on. A fixed margin here read a wobble inside the band as a side,
            // so a crossing made across the hand-over went unseen (or a wobble made one up).
            const firm = firmSide(h.sample(k), this.ctx);
            side = firm !== 0 ? firm : c.behaviour.crossing.side;
          }
        }
      }
      if (last && b.first) b.behaviour.crossing.inherit(side, last, { t: b.first.timeMs, e: b.first.e, n: b.first.n }, this.ctx, b.id, b.pending);
      b.behaviour.launch.inherit(o.launch ?? prev.behaviour.launch.last, prev.behaviour.launch);
      const own = { ...b.features };
      copyFeatures(prev.features, b.features);
      for (const k of ['speedMps', 'speedSigma', 'sW', 'sWS', 'sWV'] as const) b.features[k] = own[k];
      b.features.longestHoverS = Math.max(own.longestHoverS, prev.features.longestHoverS);
    }
    o.launch ??= from.launch;
    from.members.delete(b);
    b.obj = o;
    o.members.add(b);
    o.endedMs = null;
    this.tombstones.delete(o);
    for (const c of this.alerts.mergeObjects(from.id, o.id, timeMs)) alerts.push(c);
  }

  /**
   * Remote ID-only tracks (nothing but the broadcast places them) against non-cooperative drone
   * tracks: a steady offset while both move means one flight, the broadcast displaced. The two
   * become one object, flagged as spoofing; the drone track is its real position.
   */
  private pairSplitTracks(live: TrackState[], timeMs: number, alerts: AlertChange[]): void {
    const cfg = this.flagConfig;
    const ridOnly: TrackState[] = [], drones: TrackState[] = [];
    for (const st of live) {
      if (!st.reportable || !st.last) continue;
      const o = st.obj;
      const pDrone = st.classification?.pDrone ?? 0;
      if (o.evidence.remoteIdSerial && !o.spoof && !o.otherSensors && o.members.size === 1) ridOnly.push(st);
      else if (!o.evidence.remoteIdSerial && !o.evidence.icao && pDrone >= this.classifierConfig.droneThreshold) drones.push(st);
    }
    for (const r of ridOnly) {
      const rs = r.last!;
      const rMoving = r.behaviour.derived.speedH > 2;
      for (const d of drones) {
        if (d.obj === r.obj) continue;
        const ds = d.last!;
        const de = rs.e - ds.e, dn = rs.n - ds.n;
        if (Math.hypot(de, dn) > cfg.splitMaxDistanceM) continue;
        let p = r.splitPairs.get(d.id);
        if (!p) r.splitPairs.set(d.id, (p = new SplitPair()));
        if (rMoving && d.behaviour.derived.speedH > 2) p.add(de, dn, p.lastSeenMs > 0 ? (timeMs - p.lastSeenMs) / 1000 : 0, timeMs);
        else p.lastSeenMs = timeMs;
        if (r.obj.spoof || !p.consistent(cfg)) continue;
        const serial = r.obj.evidence.remoteIdSerial!;
        r.pending.push({
          type: 'remote-id-spoof', trackId: r.id, timeMs, serial, offsetM: p.offsetM, chi2: NaN,
          reason: `broadcast track moves with drone track ${d.id} at a steady ${p.offsetM.toFixed(0)} m offset (σ ${p.offsetSdM.toFixed(0)} m) and no other sensor places it`,
        });
        // One object: the drone track's object takes in the broadcast's (its RF link, its serial).
        const into = d.obj.id <= r.obj.id ? d.obj : r.obj;
        const other = into === d.obj ? r : d;
        into.spoof = { serial, offsetM: p.offsetM, realTrackId: d.id };
        if (other.obj.members.size === 1) this.join(other, into, timeMs, alerts);
        else into.evidence.merge(other.obj.evidence, this.classifierConfig);
        into.spoof = { serial, offsetM: p.offsetM, realTrackId: d.id };
        break;
      }
      for (const [id, p] of r.splitPairs) if (timeMs - p.lastSeenMs > 30_000) r.splitPairs.delete(id);
    }
  }

  // ------------------------------------------------------------------------ 3. conclude

  private conclude(st: TrackState, timeMs: number, alerts: AlertChange[]): void {
    const o = st.obj, ev = o.evidence, ccfg = this.classifierConfig;
    const b = st.behaviour, s = st.last;
    // A tentative track (most are clutter that dies in a scan or two) is assessed once believed.
    if (!s || !st.reportable) return;
    const reportable = st.reportable;
    // The link its tracks took counts for its class only if it is not another track's (a bird
    // flying along a drone's line of bearing takes some of that drone's link bearings).
    const heard = ev.rfLink(ccfg.rfMinHits, ccfg.rfMinRate);
    const borrowed = heard !== null && this.rf.linkCarriedElsewhere(o, heard.emitterId, timeMs);
    const link = borrowed ? null : heard;
    const cls = (st.classification = classify(ev, st.features, borrowed ? this.noRfClassifierConfig : ccfg));
    if (borrowed) for (const t of cls.terms) if (t.source === RF_LINK_TERM) t.detail += ', carried by another track on its line of bearing: no weight';
    if (reportable && cls.cls !== o.reportedClass && cls.probability >= 0.6) {
      o.reportedClass = cls.cls;
      st.pending.push({ type: 'classification', trackId: st.id, timeMs, cls: cls.cls, probability: cls.probability, pDrone: cls.pDrone });
    }

    // Dark: once per object per pass, on the time since the object's last dark update.
    const isDrone = cls.pDrone >= ccfg.droneThreshold;
    if (reportable && o.lastDarkMs !== timeMs) {
      const expected = expectedRfPd(this.rf.rfSensors(), s.e, s.n, s.u);
      // Inside RF coverage a drone's links (the one its tracks took included) are judged by
      // whether their bearings are centred on it and not better explained by another track;
      // elsewhere nothing is accumulated, and a link its tracks took still counts.
      const judged = isDrone && expected >= this.flagConfig.minExpectedPd;
      const silent = !ev.remoteIdSerial && (judged ? !this.rf.along(o, timeMs, link?.emitterId ?? null) : !link);
      const dtS = Number.isFinite(o.lastDarkMs) ? Math.min(5, (timeMs - o.lastDarkMs) / 1000) : 0;
      o.lastDarkMs = timeMs;
      ev.rfOpportunityS += dtS * expected;
      // A dark drone is a drone by what other sensors said: where its drone class rests on a link
      // judged not its own (a bird or a ghost track that took a passing drone's bearings), it is
      // not one for this flag. And silence counts only while something places it (a fix or a
      // two-sensor bearing cut): a track coasting on RF bearings alone is nowhere in particular.
      const droneForDark = isDrone && (!silent || !link || classify(ev, st.features, this.noRfClassifierConfig).pDrone >= ccfg.droneThreshold);
      const placed = this.supported(st, s.timeMs);
      const change = o.dark.update(placed ? dtS : 0, droneForDark, expected, silent, this.flagConfig);
      if (change) {
        st.pending.push({
          type: 'dark-drone', trackId: st.id, timeMs, flagged: change === 'flagged', rfExpectedS: o.dark.rfExpectedS,
          reason: change === 'flagged' ? `drone with no RF link or Remote ID for ${o.dark.rfExpectedS.toFixed(0)} s inside RF coverage` : link ? `RF link ${link.protocol} heard` : 'Remote ID heard',
        });
        if (change === 'flagged') b.launch.reviseForCable(st.history, this.ctx, st.id, timeMs, st.pending);
      }
    }

    // Facts of the object from this pass's events.
    for (const e of st.pending) {
      if (e.type === 'border-crossing' && e.direction === 'inbound') o.crossedInbound = e;
      else if (e.type === 'suspected-drop') o.lastDrop = e;
      else if (e.type === 'loiter' && e.zoneId) o.zoneLoiter = e;
      else if (e.type === 'launch-point') o.launch = e;
    }
    if (b.crossing.side === -1 && o.crossedInbound && o.crossedInbound.crossingTimeMs < (b.crossing.last?.t ?? 0)) {
      // Went back across: a new crossing has to be seen again.
      const lastOut = st.pending.find((e) => e.type === 'border-crossing' && e.direction === 'outbound');
      if (lastOut || b.crossing.crossings > 0) o.crossedInbound = null;
    }
    const onProtected = b.crossing.side === 1;
    const crossing = o.crossedInbound && onProtected ? o.crossedInbound : null;
    const launch = o.launch;
    const zonesInside = b.zones.insideIds();
    const insideProtected = zonesInside.some((id) => this.zones.area(id)?.kind !== 'corridor');
    const zoneLoiter = o.zoneLoiter && o.zoneLoiter.zoneId && zonesInside.includes(o.zoneLoiter.zoneId) ? o.zoneLoiter : null;
    const cooperative = this.isCooperative(o);
    const cooperativeId = ev.remoteIdSerial ? `Remote ID ${ev.remoteIdSerial}` : ev.icao ? `ADS-B ${ev.icao}${ev.callsign ? ` ${ev.callsign}` : ''}` : null;
    const launchAcross = launch !== null && launch.pFarSide >= this.ruleConfig.inferredCrossingMinPFar;
    const friend = o.friend ?? this.alerts.friendlyMark(o.id) ?? null;
    const disposition = dispositionOf({
      friend: friend !== null, cooperative, pDrone: cls.pDrone, droneThreshold: ccfg.droneThreshold,
      crossedInbound: crossing !== null, launchFarSide: launchAcross, onProtectedSide: onProtected,
      insideProtectedZone: insideProtected, dark: o.dark.flagged, spoof: o.spoof !== null,
      drop: o.lastDrop !== null, loiterCritical: zoneLoiter !== null && zoneLoiter.criticality === 'critical',
    });
    if (reportable && disposition !== o.disposition) {
      st.pending.push({ type: 'disposition', trackId: st.id, timeMs, disposition, previous: o.disposition, ...(friend ? { by: friend.by } : {}) });
      o.disposition = disposition;
    }

    const label = (p: GeoPoint) => (p.latDeg !== undefined ? `${p.latDeg.toFixed(5)}, ${p.lonDeg!.toFixed(5)}` : `E ${p.e.toFixed(0)} m, N ${p.n.toFixed(0)} m`);
    const intent = b.intent.current;
    let approaching: { name: string; criticality: Criticality; timeToEntryS: number } | null = null;
    for (const z of intent.zones) {
      const a = this.zones.area(z.zoneId);
      if (a && z.timeToEntryS > 0 && (!approaching || z.timeToEntryS < approaching.timeToEntryS)) approaching = { name: a.name, criticality: a.criticality, timeToEntryS: z.timeToEntryS };
    }
    const threat = threatScore({
      pDrone: cls.pDrone, cls: cls.cls, clsProbability: cls.probability, disposition,
      crossedInbound: crossing ? { timeMs: crossing.crossingTimeMs, pointLabel: label(crossing.point) } : null,
      launchAcross: !crossing && onProtected && launchAcross && launch ? { side: launch.side ?? 'far side', pFar: launch.pFarSide } : null,
      drop: o.lastDrop ? { timeMs: o.lastDrop.timeMs, pointLabel: label(o.lastDrop.point) } : null,
      zonesInside: zonesInside.map((id) => this.zones.area(id)!).filter((a) => a.kind !== 'corridor').map((a) => ({ name: a.name, criticality: a.criticality })),
      zoneLoiter: zoneLoiter ? { name: zoneLoiter.zoneName ?? '', criticality: zoneLoiter.criticality ?? 'medium', dwellS: zoneLoiter.dwellS } : null,
      areaLoiter: b.areaLoiter.active, approachingZone: approaching, timeToBorderS: intent.timeToBorderS,
      dark: o.dark.flagged ? { rfExpectedS: o.dark.rfExpectedS } : null,
      spoof: o.spoof ? { serial: o.spoof.serial, offsetM: o.spoof.offsetM } : null,
      cooperativeId, friendBy: friend?.by ?? null,
    });
    const border = this.zones.border;
    const a: TrackAssessment = (st.assessment = {
      trackId: st.id, objectId: o.id, timeMs, reportable, objectAgeS: o.firstReportableMs !== null ? (timeMs - o.firstReportableMs) / 1000 : 0,
      position: { ...this.geo({ e: s.e, n: s.n }), u: s.u },
      velocity: { e: s.ve, n: s.vn, u: s.vu },
      classification: {
        cls: cls.cls, probability: cls.probability, pDrone: cls.pDrone, probabilities: cls.probabilities,
        reasons: cls.terms.map((x) => `${x.source}: ${x.detail}`),
      },
      disposition,
      side: border && b.crossing.side !== 0 ? (b.crossing.side === 1 ? border.protectedName : border.farName) : null,
      onProtectedSide: onProtected,
      crossedInbound: crossing,
      zonesInside, intent: { intent: intent.intent, timeToBorderS: intent.timeToBorderS, zones: intent.zones },
      hovering: b.hover.hovering, lastDrop: o.lastDrop, launch, zoneLoiter, areaLoiter: b.areaLoiter.active,
      dark: o.dark.flagged, darkRfExpectedS: o.dark.rfExpectedS, spoof: o.spoof,
      identities: { remoteId: ev.remoteIdSerial, icao: ev.icao, rf: link?.emitterId ?? null, callsign: ev.callsign },
      friend, threat,
    });

    if (!reportable || disposition === 'friend' || !this.supported(st, s.timeMs)) return;
    const triggers = evaluateRules(this.rules, a, st.pending, this.ruleConfig, (id) => this.zones.area(id));
    for (const tr of triggers) {
      const c = this.alerts.trigger(st.id, timeMs, tr, {
        threatScore: threat.score, threatEvidence: threat.evidence, cls: cls.cls, pDrone: cls.pDrone, disposition,
      }, o.id);
      if (c) alerts.push(c);
    }
  }
}
