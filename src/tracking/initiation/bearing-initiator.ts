import type { TrackerConfig } from '../config.js';
import { BearingOnly } from '../measurement/bearing.js';
import type { Scan } from '../scan.js';
import type { SensorSpec } from '../sensor.js';
import { inCoverage } from '../sensor.js';
import { triangulate, type TriangulationResult } from './triangulate.js';

interface PendingBearing {
  sensor: number;
  timeMs: number;
  az: number;
  el: number;
  sigmaAz: number;
  sigmaEl: number;
  fresh: boolean;
}

export interface BearingFix {
  position: Float64Array;
  covariance: Float64Array;
}

const MAX_PENDING = 256;

/**
 * Starts tracks from passive sensors: a bearing no track explains waits here briefly; when a
 * bearing from another passive sensor arrives within the pairing window and the two rays meet
 * consistently, their intersection becomes a tentative track.
 */
export class BearingInitiator {
  private readonly pending: PendingBearing[] = [];
  private readonly fixes: BearingFix[] = [];
  private readonly sensorPos = new Float64Array(6);
  private readonly az = new Float64Array(2);
  private readonly el = new Float64Array(2);
  private readonly sAz = new Float64Array(2);
  private readonly sEl = new Float64Array(2);
  private readonly result: TriangulationResult = { dims: 2, chi2: 0, dof: 0, maxIntersectionAngle: 0, rejection: null };

  constructor(
    private readonly sensors: SensorSpec[],
    private readonly config: TrackerConfig,
    private readonly dims: 2 | 3,
  ) {}

  /** Holds an unexplained bearing (detection i of a bearing-only scan) for pairing. */
  offer(scan: Scan, i: number): void {
    const model = this.sensors[scan.sensor].model;
    if (!(model instanceof BearingOnly)) return;
    if (this.dims === 3 && !model.hasElevation) return;
    const R = this.sensors[scan.sensor].R, m = model.m;
    if (this.pending.length >= MAX_PENDING) this.pending.shift();
    this.pending.push({
      sensor: scan.sensor,
      timeMs: scan.timeMs,
      az: scan.z[i * m],
      el: model.hasElevation ? scan.z[i * m + 1] : 0,
      sigmaAz: Math.sqrt(R[0]),
      sigmaEl: model.hasElevation ? Math.sqrt(R[m + 1]) : 0,
      fresh: true,
    });
  }

  /** Pairs this scan's fresh bearings with waiting ones; returns the fixes (valid until the next call). */
  drain(nowMs: number): BearingFix[] {
    this.fixes.length = 0;
    const window = this.config.bearingPairWindowMs;
    const pending = this.pending;
    for (let i = pending.length - 1; i >= 0; i--) if (nowMs - pending[i].timeMs > window) pending.splice(i, 1);
    for (let a = 0; a < pending.length; a++) {
      const fresh = pending[a];
      if (!fresh.fresh) continue;
      fresh.fresh = false;
      // Best partner: the most consistent pair (χ² of the angle residuals), then the widest angle.
      let best = -1, bestScore = Infinity;
      let bestFix: BearingFix | null = null;
      for (let b = 0; b < pending.length; b++) {
        const other = pending[b];
        if (b === a || other.sensor === fresh.sensor || other.fresh) continue;
        const fix = this.intersect(fresh, other);
        if (!fix || fix.chi2 > this.config.triangulationMaxResidual) continue;
        const score = fix.chi2 - fix.angle;
        if (score < bestScore) {
          best = b;
          bestScore = score;
          bestFix = fix;
        }
      }
      if (best >= 0 && bestFix) {
        this.fixes.push(bestFix);
        // Both bearings are spent on this fix.
        pending.splice(Math.max(a, best), 1);
        pending.splice(Math.min(a, best), 1);
        a = Math.min(a, best) - 1;
      }
    }
    return this.fixes;
  }

  private intersect(p: PendingBearing, q: PendingBearing): (BearingFix & { chi2: number; angle: number }) | null {
    const mp = this.sensors[p.sensor].model as BearingOnly, mq = this.sensors[q.sensor].model as BearingOnly;
    this.sensorPos.set(mp.sensorPosition, 0);
    this.sensorPos.set(mq.sensorPosition, 3);
    this.az[0] = p.az; this.az[1] = q.az;
    this.el[0] = p.el; this.el[1] = q.el;
    this.sAz[0] = p.sigmaAz; this.sAz[1] = q.sigmaAz;
    this.sEl[0] = p.sigmaEl; this.sEl[1] = q.sigmaEl;
    const d = this.dims;
    const position = new Float64Array(d), covariance = new Float64Array(d * d);
    const three = d === 3;
    const result = triangulate(this.sensorPos, this.az, three ? this.el : null, this.sAz, three ? this.sEl : null, 2, position, covariance, undefined, this.result);
    if (!result) return null;
    // Rays that meet beyond either sensor's reach belong to different objects.
    const { coverage: cp } = this.sensors[p.sensor], { coverage: cq } = this.sensors[q.sensor];
    if (!inCoverage(cp, position[0], position[1]) || !inCoverage(cq, position[0], position[1])) return null;
    return { position, covariance, chi2: result.chi2, angle: result.maxIntersectionAngle };
  }
}
