/**
 * Fusion → assessment for one sector: a SectorFusion (Detections → tracker) with an Assessor
 * behind it, and the glue that carries each detection's evidence to the track it went to.
 *
 * The tracker says, after each scan, which track each detection of that scan went to
 * (`tracker.trackOfDetection`); the scan itself holds only numbers. So this keeps, per sensor,
 * the accepted Detections in arrival order, and when a scan is processed takes its detections
 * back off that queue (skipping any whose scan the reorder window dropped as late), reads the
 * evidence they carried, and files it under the track each went to. The assessor then runs
 * every `assessEveryMs` of sensor time on all live tracks and the evidence gathered since.
 *
 * SectorFusion exposes no hook after a scan, so this wraps `fusion.tracker.process` (the same
 * seam the fusion tests use). Pure: no clock, no I/O.
 */
import type { SectorFusion } from '../fusion/sector.js';
import type { LocalFrame } from '../geo/enu.js';
import type { Detection } from '../model/detection.js';
import type { SensorConfig } from '../sim/sensor-models.js';
import type { Scan } from '../tracking/scan.js';
import type { Assessor, AssessmentUpdate } from './assessor.js';
import type { AssessSensor, EvidenceItem } from './types.js';

export interface AssessedSectorOptions {
  /** Sensor time between assessments [ms] (default 500). */
  assessEveryMs?: number;
  /** Called with every assessment's output. */
  onUpdate?: (u: AssessmentUpdate) => void;
  /** Called before each scan reaches the tracker, with its time (evaluation hooks). */
  beforeScan?: (timeMs: number) => void;
}

export class AssessedSector {
  /** Per sensor index; grown on first use (sensors can join while the sector runs). */
  private readonly queues: Detection[][];
  private readonly heads: number[];
  private evidence = new Map<number, EvidenceItem[]>();
  private nextAssessMs = -Infinity;
  private lastScanMs = -Infinity;
  private readonly every: number;
  private readonly pos = new Float64Array(3);
  private readonly cov = new Float64Array(9);
  private readonly rBuf = new Float64Array(16);

  constructor(readonly fusion: SectorFusion, readonly assessor: Assessor, private readonly opts: AssessedSectorOptions = {}) {
    this.every = opts.assessEveryMs ?? 500;
    this.queues = fusion.specs.map(() => []);
    this.heads = fusion.specs.map(() => 0);
    const tracker = fusion.tracker;
    const process = tracker.process.bind(tracker);
    tracker.process = (scan: Scan) => {
      this.opts.beforeScan?.(scan.timeMs);
      process(scan);
      this.afterScan(scan);
    };
  }

  /** Index of each sensor id in the fusion's (and the assessor's) sensor list. */
  private readonly index = new Map<string, number>();

  /** Feeds one detection (time-ordered per sensor, as fusion requires). */
  push(d: Detection): boolean {
    // Queue first: fusion may release earlier scans (and so ask for their detections) inside push.
    let s = this.index.get(d.sensorId);
    if (s === undefined) {
      s = this.fusion.specs.findIndex((x) => x.id === d.sensorId);
      if (s >= 0) this.index.set(d.sensorId, s);
    }
    if (s < 0) return this.fusion.push(d);
    const q = (this.queues[s] ??= []);
    this.heads[s] ??= 0;
    q.push(d);
    const ok = this.fusion.push(d);
    if (!ok) q.pop(); // refused: never becomes part of a scan
    return ok;
  }

  /** Releases held scans and runs a final assessment. */
  flush(): void {
    this.fusion.flush();
    if (Number.isFinite(this.lastScanMs)) this.assess(this.lastScanMs);
  }

  /** Closes groups older than `timeMs` (a quiet stream otherwise holds the last scans back). */
  advanceTo(timeMs: number): void {
    this.fusion.advanceTo(timeMs);
  }

  private afterScan(scan: Scan): void {
    this.lastScanMs = scan.timeMs;
    const s = scan.sensor;
    const q = (this.queues[s] ??= []);
    let h = (this.heads[s] ??= 0);
    // Detections of scans the reorder window refused as late are older than this one: skip them.
    while (h < q.length && q[h].timeMs < scan.timeMs) h++;
    // The scan's own form when it has one (position fixes, fixes with velocity): its model and m.
    const m = (scan.spec ?? this.fusion.specs[s]).model.m;
    const tod = this.fusion.tracker.trackOfDetection;
    for (let i = 0; i < scan.count && h < q.length; i++, h++) {
      const d = q[h];
      // RF heard by no track still counts (see EvidenceItem): filed under −1.
      const trackId = tod[i] >= 0 ? tod[i] : d.evidence?.rf ? -1 : -2;
      if (trackId === -2) continue;
      const item = this.itemOf(d, s, scan, i, m);
      if (!item) continue;
      let list = this.evidence.get(trackId);
      if (!list) this.evidence.set(trackId, (list = []));
      list.push(item);
    }
    // Compact the queue now and then (it only grows between scans of this sensor).
    if (h > 1024 && h * 2 > q.length) {
      q.splice(0, h);
      h = 0;
    }
    this.heads[s] = h;
    if (scan.timeMs >= this.nextAssessMs) {
      this.assess(scan.timeMs);
      this.nextAssessMs = scan.timeMs + this.every;
    }
  }

  private itemOf(d: Detection, s: number, scan: Scan, i: number, m: number): EvidenceItem | null {
    const spec = scan.spec ?? this.fusion.specs[s];
    const kind = spec.kind;
    const meas = d.measurement;
    const useful = d.evidence !== undefined || kind === 'acoustic' || meas.kind === 'polar' || meas.kind === 'gnss' || meas.kind === 'position';
    if (!useful) return null;
    const item: EvidenceItem = { timeMs: d.timeMs, sensor: s };
    if (d.evidence) item.evidence = d.evidence;
    if (meas.kind === 'gnss' || meas.kind === 'polar' || meas.kind === 'position') {
      let R = spec.R;
      if (scan.R) {
        const mm = m * m;
        for (let k = 0; k < mm; k++) this.rBuf[k] = scan.R[i * mm + k];
        R = this.rBuf;
      }
      if (spec.model.toPosition(scan.z, i * m, R, 3, this.pos, this.cov)) {
        item.fix = { e: this.pos[0], n: this.pos[1], u: this.pos[2], cov: Float64Array.from(this.cov) };
      }
      if (meas.kind === 'gnss' && meas.velocityEnuMps) item.velocity = meas.velocityEnuMps;
    } else if (meas.kind === 'bearing') {
      item.bearing = { azimuthRad: meas.azimuthRad, sigmaRad: meas.sigma.azimuthRad };
    }
    return item;
  }

  private assess(timeMs: number): void {
    const u = this.assessor.update(timeMs, this.fusion.tracker.live, this.evidence);
    this.evidence = new Map();
    this.opts.onUpdate?.(u);
  }
}

/** The assessor's view of a sector's sensors, from their configurations (same order as fusion's). */
export function assessSensorsFrom(configs: readonly SensorConfig[], frame: LocalFrame): AssessSensor[] {
  const p = new Float64Array(3);
  return configs.map((c) => {
    frame.geodeticToEnu(c.position.latDeg, c.position.lonDeg, c.position.heightAboveEllipsoidM, p);
    const s: AssessSensor = { id: c.id, kind: c.kind, e: p[0], n: p[1], u: p[2], maxRangeM: 'maxRangeM' in c ? c.maxRangeM : Infinity };
    if (c.kind === 'rf' || c.kind === 'acoustic' || c.kind === 'eoir' || c.kind === 'remoteid' || c.kind === 'adsb') {
      s.pdMax = c.pdMax;
      s.halfPdRangeM = c.halfPdRangeM;
      s.pdSteepness = c.pdSteepness;
    }
    // A report-driven detector (a SAPIENT node) reports each emitter at its report interval.
    if (c.kind === 'rf') s.updateIntervalMs = (c.reportIntervalS ?? c.updateIntervalS) * 1000;
    return s;
  });
}
