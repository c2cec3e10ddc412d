/**
 * One sector's pipeline: detections from the bus → fusion (tracker) → assessment → alerts, and
 * its outputs back on the bus (tracks, events, alert changes) for the sinks: the store, the API's
 * WebSocket, TAK, SAPIENT out. Live service, demo, replay and tests all run this same class; what
 * differs is who publishes the detections and who calls `advanceTo` (the wall clock live, the
 * store's timestamps in replay).
 *
 * Pure apart from the bus: no clock (time comes with the detections and `advanceTo`), no I/O.
 */
import { AssessedSector, assessSensorsFrom } from '../assess/pipeline.js';
import { Assessor, type Whitelist } from '../assess/assessor.js';
import type { TrackAssessment, TrackEvent } from '../assess/types.js';
import { zonesFromGeoJson } from '../assess/zones.js';
import type { Alert, AlertChange, OperatorAction } from '../alerts/types.js';
import type { Bus } from '../bus/bus.js';
import { SectorFusion, type FusionRejectReason } from '../fusion/sector.js';
import { LocalFrame } from '../geo/enu.js';
import type { Detection } from '../model/detection.js';
import type { SensorConfig } from '../sim/sensor-models.js';
import type { Track } from '../tracking/track.js';
import type { Site } from './site.js';
import { affiliationOf, type TrackUpdate, type TrackView } from './views.js';

export interface PipelineOptions {
  /** Tracker preset (default "default"). */
  tracker?: string;
  /** Sensor time between assessments and track updates [ms] (default 500). */
  assessEveryMs?: number;
  /** How long fusion waits for late detections [ms] (default 300). */
  reorderWindowMs?: number;
  /** New tracks are numbered from here (a restarted service continues its numbering). */
  firstTrackId?: number;
  /** Alerts a previous run stored, to carry on with (their acknowledgements included). */
  restoreAlerts?: readonly Alert[];
  whitelist?: Whitelist;
  /** Validate each detection against the schema (default true: sources are untrusted). */
  validate?: boolean;
  /** Take detections from the bus's `detections` topic (default true; a service that screens them first feeds `push` itself). */
  subscribe?: boolean;
  /** Publish on these topics (a replay pipeline publishes nothing and is read through `onUpdate`). */
  publish?: boolean;
  /** Called with every detection fusion accepted (the store keeps these, for replay). */
  onAccepted?: (d: Detection) => void;
  /** Called with every track update, after it was published. */
  onUpdate?: (u: TrackUpdate, events: TrackUpdateExtras) => void;
}

export interface TrackUpdateExtras {
  events: TrackEvent[];
  alerts: AlertChange[];
}

export interface PipelineCounters {
  accepted: number;
  rejected: Record<FusionRejectReason, number>;
  assessments: number;
  /** Sensor time of the last assessment [ms]. */
  lastUpdateMs: number | null;
}

export class Pipeline {
  readonly frame: LocalFrame;
  readonly fusion: SectorFusion;
  readonly assessor: Assessor;
  private readonly sector: AssessedSector;
  private views = new Map<number, TrackView>();
  /** Per shown track, the time of the estimate its view was made from. */
  private readonly estimateMs = new Map<number, number>();
  /** Per shown track, when its last full view (conclusions included) was published. */
  private readonly fullMs = new Map<number, number>();
  private lastUpdateMs: number | null = null;
  private assessments = 0;
  private readonly unsubscribe: (() => void)[] = [];
  private readonly reportedBuf: Track[] = [];
  private readonly geo = new Float64Array(3);

  constructor(readonly site: Site, private readonly bus: Bus | null, private readonly opts: PipelineOptions = {}) {
    this.frame = LocalFrame.fromDegrees(site.origin);
    this.fusion = new SectorFusion(this.frame, site.sensors, {
      tracker: opts.tracker, region: site.region, validate: opts.validate ?? true, reorderWindowMs: opts.reorderWindowMs,
    });
    if (opts.firstTrackId !== undefined) this.fusion.tracker.continueIdsFrom(opts.firstTrackId);
    this.assessor = new Assessor({
      zones: zonesFromGeoJson(site.zones, this.frame), sensors: assessSensorsFrom(site.sensors, this.frame), frame: this.frame,
      ...(opts.whitelist ? { whitelist: opts.whitelist } : {}),
    });
    if (opts.restoreAlerts) this.assessor.alerts.restore(opts.restoreAlerts);
    this.sector = new AssessedSector(this.fusion, this.assessor, {
      assessEveryMs: opts.assessEveryMs ?? 500,
      onUpdate: (u) => this.publishUpdate(u.timeMs, u.events, u.alerts),
    });
    if (bus && opts.subscribe !== false) this.unsubscribe.push(bus.subscribe('detections', (d) => this.push(d)));
  }

  /** Feeds one detection; false when fusion refused it (counted by reason in `counters`). */
  push(d: Detection): boolean {
    const ok = this.sector.push(d);
    if (ok) this.opts.onAccepted?.(d);
    return ok;
  }

  /**
   * Adds a sensor while the pipeline runs (a SAPIENT node that registered, a receiver brought
   * up): fusion, the assessor and `site.sensors` all grow by it, at the same index. Throws on an
   * id already in use. Its detections are accepted from then on.
   */
  addSensor(config: SensorConfig): void {
    if (this.fusion.hasSensor(config.id)) throw new Error(`sensor "${config.id}" is already in the pipeline`);
    const [assess] = assessSensorsFrom([config], this.frame);
    const i = this.fusion.addSensor(config);
    const j = this.assessor.addSensor(assess);
    if (i !== j) throw new Error(`sensor lists out of step: fusion index ${i}, assessor index ${j}`);
    this.site.sensors.push(config);
  }

  /** Whether a sensor id is known to the pipeline. */
  hasSensor(id: string): boolean {
    return this.fusion.hasSensor(id);
  }

  /** The clock: closes scans older than `timeMs` minus the reorder window (a quiet sensor must not hold the others back). */
  advanceTo(timeMs: number): void {
    this.sector.advanceTo(timeMs);
  }

  /** Releases every held scan and assesses once more (end of a replay or a run). */
  flush(): void {
    this.sector.flush();
  }

  /** An operator's action: applied now, published on `actions` with the changes it made on `alerts`. */
  act(action: OperatorAction): AlertChange[] {
    const changes = this.assessor.act(action);
    if (this.opts.publish !== false && this.bus) {
      this.bus.publish('actions', action);
      for (const c of changes) this.bus.publish('alerts', c);
    }
    return changes;
  }

  /** Current reportable tracks (as of the last assessment). */
  tracks(): TrackView[] {
    return [...this.views.values()];
  }

  track(id: number): TrackView | undefined {
    return this.views.get(id);
  }

  alerts(): Alert[] {
    return this.assessor.alerts.all();
  }

  alert(id: string): Alert | undefined {
    return this.assessor.alerts.get(id);
  }

  get counters(): PipelineCounters {
    return { accepted: this.fusion.accepted, rejected: { ...this.fusion.rejected }, assessments: this.assessments, lastUpdateMs: this.lastUpdateMs };
  }

  /** The highest track id used so far (store it: a restart continues after it). */
  get lastTrackId(): number {
    let max = 0;
    for (const t of this.fusion.tracker.live) if (t.id > max) max = t.id;
    for (const id of this.views.keys()) if (id > max) max = id;
    return max;
  }

  close(): void {
    for (const u of this.unsubscribe) u();
    this.unsubscribe.length = 0;
  }

  private publishUpdate(timeMs: number, events: TrackUpdateExtras['events'], alerts: AlertChange[]): void {
    this.assessments++;
    this.lastUpdateMs = timeMs;
    const next = new Map<number, TrackView>();
    const changed: TrackView[] = [];
    const moved: number[] = [];
    for (const t of this.fusion.tracker.reported(this.reportedBuf)) {
      const a = this.assessor.assessment(t.id);
      if (!a?.reportable) continue;
      // Unchanged since the last update (no new detection, not predicted): keep the old view.
      const old = this.views.get(t.id);
      if (old && this.estimateMs.get(t.id) === t.timeMs && old.status === statusOf(t) && sameConclusions(old, a)) {
        next.set(t.id, old);
        continue;
      }
      const v = this.viewOf(t, a);
      this.estimateMs.set(t.id, t.timeMs);
      next.set(t.id, v);
      changed.push(v);
      const fullMs = this.fullMs.get(t.id);
      if (old && fullMs !== undefined && timeMs - fullMs < FULL_VIEW_EVERY_MS && sameConclusions(old, a)) moved.push(t.id);
      else this.fullMs.set(t.id, timeMs);
    }
    const removed: number[] = [];
    for (const id of this.views.keys()) {
      if (next.has(id)) continue;
      removed.push(id);
      this.estimateMs.delete(id);
      this.fullMs.delete(id);
    }
    this.views = next;
    const update: TrackUpdate = { timeMs, tracks: changed, moved, removed };
    if (this.opts.publish !== false && this.bus) {
      this.bus.publish('tracks', update);
      for (const e of events) this.bus.publish('events', e);
      for (const c of alerts) this.bus.publish('alerts', c);
    }
    this.opts.onUpdate?.(update, { events, alerts });
  }

  private viewOf(t: Track, a: TrackAssessment): TrackView {
    const x = t.estimator.x, P = t.estimator.P, n = t.estimator.space.n, d = t.estimator.space.dims;
    const e = x[0], nn = x[1], u = d === 3 ? x[2] : 0;
    const ve = x[d], vn = x[d + 1];
    const g = this.frame.enuToGeodetic(e, nn, u, this.geo);
    // Largest eigenvalue of the horizontal 2×2 block: the error ellipse's major semi-axis.
    const pee = P[0], pen = P[1], pnn = P[n + 1];
    const half = (pee + pnn) / 2, diff = Math.sqrt(((pee - pnn) / 2) ** 2 + pen * pen);
    // Fields listed one by one: an object spread of the assessment costs ~30 µs here (V8's
    // generic copy path), a literal ~1 µs, and this runs for every changed track twice a second.
    return {
      trackId: a.trackId, objectId: a.objectId, timeMs: a.timeMs, reportable: a.reportable, objectAgeS: a.objectAgeS,
      velocity: a.velocity, classification: a.classification, disposition: a.disposition, side: a.side,
      onProtectedSide: a.onProtectedSide, crossedInbound: a.crossedInbound, zonesInside: a.zonesInside, intent: a.intent,
      hovering: a.hovering, lastDrop: a.lastDrop, launch: a.launch, zoneLoiter: a.zoneLoiter, areaLoiter: a.areaLoiter,
      dark: a.dark, darkRfExpectedS: a.darkRfExpectedS, spoof: a.spoof, identities: a.identities, friend: a.friend, threat: a.threat,
      id: t.id,
      status: statusOf(t),
      existence: t.existence,
      latDeg: g[0], lonDeg: g[1], heightM: g[2], altitudeM: u,
      e, n: nn, u,
      speedMps: Math.hypot(ve, vn),
      courseDeg: ((Math.atan2(ve, vn) * 180) / Math.PI + 360) % 360,
      sigmaHorizontalM: Math.sqrt(Math.max(half + diff, 0)),
      sigmaVerticalM: d === 3 ? Math.sqrt(Math.max(P[2 * n + 2], 0)) : 0,
      sensors: t.sensors.map((s) => this.fusion.specs[s].id),
      affiliation: affiliationOf(a.disposition),
      lastHitMs: t.lastHitMs, startMs: t.startMs,
    };
  }
}

/**
 * A full view at least this often per track, even when only its kinematics moved: slow-changing
 * parts (ages, times to the border, evidence wording) must not go stale at a client [ms].
 */
const FULL_VIEW_EVERY_MS = 5_000;

function statusOf(t: Track): TrackView['status'] {
  return t.status === 'coasting' ? 'coasting' : 'confirmed';
}

/** Whether the assessment still says what the view shows (time alone can flip a flag or a score). */
function sameConclusions(v: TrackView, a: TrackAssessment): boolean {
  // Probabilities and scores drift in the third decimal every pass; that is not news to a display.
  return v.classification.cls === a.classification.cls && Math.abs(v.classification.pDrone - a.classification.pDrone) < 0.01
    && v.disposition === a.disposition && v.dark === a.dark && Math.abs(v.threat.score - a.threat.score) < 0.01
    && (v.spoof === null) === (a.spoof === null) && v.hovering === a.hovering && v.intent.intent === a.intent.intent
    && v.objectId === a.objectId && v.lastDrop === a.lastDrop && v.launch === a.launch && v.crossedInbound === a.crossedInbound;
}
