/**
 * The live service's front door for detections: the last check before fusion, against the wall
 * clock. Sources already validated their bytes; what remains is time. A sensor whose clock runs
 * ahead would push fusion's reorder window into the future and make every honest detection
 * "late"; one replaying old data would be dropped by the tracker anyway. Both are refused here,
 * counted per sensor and reason, and logged (rate-limited) — never thrown.
 */
import type { Detection } from '../model/detection.js';

export type IntakeRejectReason = 'future' | 'stale' | 'fusion';

export interface IntakeOptions {
  /** How far ahead of the wall clock a detection may be stamped [ms] (default 2 s). */
  maxAheadMs?: number;
  /** How far behind it may be [ms] (default 30 s). */
  maxBehindMs?: number;
}

export interface SensorCounters {
  received: number;
  accepted: number;
  rejected: Record<IntakeRejectReason, number>;
}

/** Most distinct sensor ids counted (hostile input could invent a new one per packet). */
const MAX_SENSORS = 1024;

export class Intake {
  readonly bySensor = new Map<string, SensorCounters>();
  private readonly other: SensorCounters = emptyCounters();
  private readonly maxAheadMs: number;
  private readonly maxBehindMs: number;

  constructor(
    private readonly now: () => number,
    private readonly push: (d: Detection) => boolean,
    private readonly onReject: (d: Detection, reason: IntakeRejectReason, detail: string) => void = () => {},
    opts: IntakeOptions = {},
  ) {
    this.maxAheadMs = opts.maxAheadMs ?? 2_000;
    this.maxBehindMs = opts.maxBehindMs ?? 30_000;
  }

  accept(d: Detection): boolean {
    const c = this.countersOf(d.sensorId);
    c.received++;
    const now = this.now();
    if (d.timeMs > now + this.maxAheadMs) return this.reject(c, d, 'future', `${Math.round(d.timeMs - now)} ms ahead of the clock`);
    if (d.timeMs < now - this.maxBehindMs) return this.reject(c, d, 'stale', `${Math.round(now - d.timeMs)} ms old`);
    if (!this.push(d)) return this.reject(c, d, 'fusion', 'refused by fusion (see fusion counters)');
    c.accepted++;
    return true;
  }

  private reject(c: SensorCounters, d: Detection, reason: IntakeRejectReason, detail: string): false {
    c.rejected[reason]++;
    this.onReject(d, reason, detail);
    return false;
  }

  private countersOf(id: string): SensorCounters {
    let c = this.bySensor.get(id);
    if (!c) {
      if (this.bySensor.size >= MAX_SENSORS) return this.other;
      this.bySensor.set(id, (c = emptyCounters()));
    }
    return c;
  }
}

function emptyCounters(): SensorCounters {
  return { received: 0, accepted: 0, rejected: { future: 0, stale: 0, fusion: 0 } };
}
