/**
 * EO/IR camera on a pan-tilt gimbal, with a detector running on its video.
 *
 * Measurement: `bearing` — azimuth (clockwise from north) and elevation of the object, each with
 * additive Gaussian noise of the configured σ (pixel-level, so small), carried in the Detection.
 *
 * Coverage: the field of view is a pan/tilt box: |azimuth − pointing azimuth| ≤ horizontalFovDeg/2
 * and |elevation − pointing elevation| ≤ verticalFovDeg/2 (the box ignores the convergence of
 * azimuth lines at high tilt, negligible for the low elevations drones are seen at), out to
 * maxRangeM.
 *
 * Pointing and cueing: uncued, the camera looks at its home direction (homeAzimuthDeg,
 * homeElevationDeg). When `ctx.cues` holds positions, it points at the nearest cue (slant range)
 * that its gimbal can reach — azimuth within ±panHalfRangeDeg of home, elevation within
 * [tiltMinDeg, tiltMaxDeg] — and that lies within maxRangeM (a cue it could not see is not worth
 * turning for). With `slewRateDegPerS` set, each axis moves at most that fast between updates;
 * null means it arrives within one update. The pointing is state carried between updates, so
 * feed a sensor instance one time-ordered stream.
 *
 * Pd: the shared range curve (common.ts): Pd = pdMax / (1 + (R / halfPdRangeM)^pdSteepness)
 * inside the field of view, 0 outside.
 *
 * Update rate: one report per `updateIntervalS` (detector frame rate after tracking-by-frame).
 *
 * False alarms: Poisson with mean `falseAlarmsPerUpdate` per update (glints, insects, clouds),
 * uniform within the current field of view, with a random class label when labels are on.
 *
 * Class evidence: drone vs bird etc. per the shared classifier model within the classifier's
 * `maxRangeM` (the range where the object spans enough pixels); on by default.
 */
import { z } from 'zod';
import type { LocalFrame } from '../../geo/enu.js';
import type { Detection, ObjectClass } from '../../model/detection.js';
import type { ObservationContext, SimSensor } from '../types.js';
import {
  DEG,
  azimuthDeg,
  classifierSchema,
  drawLabel,
  finite,
  positionEnu,
  positive,
  rangePd,
  rangePdFields,
  sensorBaseFields,
  updateIntervalField,
  wrapPi,
  wrapTwoPi,
} from './common.js';

export const eoirConfigSchema = z
  .strictObject({
    kind: z.literal('eoir'),
    ...sensorBaseFields,
    updateIntervalS: updateIntervalField(0.2),
    ...rangePdFields({ pdMax: 0.95, halfPdRangeM: 1500, pdSteepness: 4, maxRangeM: 3000 }),
    /** Pan centre when uncued, and centre of the pan limits [deg, clockwise from north]. */
    homeAzimuthDeg: azimuthDeg.default(0),
    /** Tilt when uncued [deg]. */
    homeElevationDeg: finite.min(-90).max(90).default(2),
    /** Horizontal field of view [deg]. */
    horizontalFovDeg: finite.gt(0).max(360).default(20),
    /** Vertical field of view [deg]. */
    verticalFovDeg: finite.gt(0).max(180).default(12),
    /** Gimbal pan limit either side of home [deg]; 180 = unrestricted. */
    panHalfRangeDeg: finite.min(0).max(180).default(180),
    /** Lowest gimbal tilt [deg]. */
    tiltMinDeg: finite.min(-90).max(90).default(-20),
    /** Highest gimbal tilt [deg]. */
    tiltMaxDeg: finite.min(-90).max(90).default(80),
    /** Gimbal slew rate per axis [deg/s]; null = repoints within one update. */
    slewRateDegPerS: positive.nullable().default(null),
    /** Azimuth noise σ [deg]. */
    sigmaAzimuthDeg: positive.default(0.05),
    /** Elevation noise σ [deg]. */
    sigmaElevationDeg: positive.default(0.05),
    /** Mean number of false detections per update (Poisson). */
    falseAlarmsPerUpdate: finite.min(0).max(1000).default(0.01),
    /** Class labels (drone vs bird …); null for none. */
    classification: classifierSchema
      .nullable()
      .default({ accuracy: 0.9, maxRangeM: 1000, classes: ['rotary-drone', 'fixed-wing-drone', 'bird', 'manned-aircraft', 'ground-vehicle'] }),
  })
  .refine((c) => c.tiltMinDeg <= c.tiltMaxDeg, { message: 'tiltMinDeg must not exceed tiltMaxDeg', path: ['tiltMinDeg'] })
  .refine((c) => c.homeElevationDeg >= c.tiltMinDeg && c.homeElevationDeg <= c.tiltMaxDeg, {
    message: 'homeElevationDeg must lie within [tiltMinDeg, tiltMaxDeg]',
    path: ['homeElevationDeg'],
  });
export type EoirConfig = z.output<typeof eoirConfigSchema>;
export type EoirConfigInput = z.input<typeof eoirConfigSchema>;

export class EoirSensor implements SimSensor {
  readonly kind = 'eoir' as const;
  readonly id: string;
  readonly updateIntervalMs: number;
  readonly position: { e: number; n: number; u: number };
  readonly config: EoirConfig;
  private readonly homeAz: number;
  private readonly homeEl: number;
  private readonly halfH: number;
  private readonly halfV: number;
  private readonly panHalf: number;
  private readonly tiltMin: number;
  private readonly tiltMax: number;
  private readonly slewRate: number;
  private readonly sAz: number;
  private readonly sEl: number;
  private az: number;
  private el: number;
  private lastTimeMs = Number.NaN;

  constructor(config: EoirConfigInput, frame: LocalFrame) {
    const c = (this.config = eoirConfigSchema.parse(config));
    this.id = c.id;
    this.updateIntervalMs = Math.round(c.updateIntervalS * 1000);
    this.position = positionEnu(frame, c.position);
    this.homeAz = wrapTwoPi(c.homeAzimuthDeg * DEG);
    this.homeEl = c.homeElevationDeg * DEG;
    this.halfH = (c.horizontalFovDeg * DEG) / 2;
    this.halfV = (c.verticalFovDeg * DEG) / 2;
    this.panHalf = c.panHalfRangeDeg * DEG;
    this.tiltMin = c.tiltMinDeg * DEG;
    this.tiltMax = c.tiltMaxDeg * DEG;
    this.slewRate = c.slewRateDegPerS === null ? Infinity : c.slewRateDegPerS * DEG;
    this.sAz = c.sigmaAzimuthDeg * DEG;
    this.sEl = c.sigmaElevationDeg * DEG;
    this.az = this.homeAz;
    this.el = this.homeEl;
  }

  /** Where the camera looks now [rad]: azimuth clockwise from north, elevation. */
  get pointing(): { azimuthRad: number; elevationRad: number } {
    return { azimuthRad: this.az, elevationRad: this.el };
  }

  /** Pd per update of an object at slant range `rangeM` inside the field of view. */
  pd(rangeM: number): number {
    const c = this.config;
    return rangeM > c.maxRangeM ? 0 : rangePd(rangeM, c.pdMax, c.halfPdRangeM, c.pdSteepness);
  }

  observe(ctx: ObservationContext, out: Detection[]): void {
    this.point(ctx);
    const c = this.config, rng = ctx.rng, truths = ctx.truths;
    const { e: se, n: sn, u: su } = this.position;
    for (let i = 0; i < truths.length; i++) {
      const t = truths[i];
      const dx = t.e - se, dy = t.n - sn, dz = t.u - su;
      const rh = Math.sqrt(dx * dx + dy * dy);
      const r = Math.sqrt(rh * rh + dz * dz);
      if (r > c.maxRangeM) continue;
      const az = Math.atan2(dx, dy);
      if (Math.abs(wrapPi(az - this.az)) > this.halfH) continue;
      const el = Math.atan2(dz, rh);
      if (Math.abs(el - this.el) > this.halfV) continue;
      if (rng.next() >= this.pd(r)) continue;
      this.emit(ctx, out, az, el, t.cls, r);
    }
    const n = c.falseAlarmsPerUpdate > 0 ? rng.poisson(c.falseAlarmsPerUpdate) : 0;
    for (let k = 0; k < n; k++) {
      const az = this.az + (2 * rng.next() - 1) * this.halfH;
      const el = this.el + (2 * rng.next() - 1) * this.halfV;
      // A false detection has no range; the label rule treats it as close enough to be labelled.
      this.emit(ctx, out, az, el, null, 0);
    }
  }

  /** Chooses the direction to look (nearest reachable cue, else home) and slews towards it. */
  private point(ctx: ObservationContext): void {
    let wantAz = this.homeAz, wantEl = this.homeEl;
    const cues = ctx.cues;
    if (cues !== undefined && cues.length > 0) {
      const { e: se, n: sn, u: su } = this.position;
      let best = this.config.maxRangeM;
      for (let i = 0; i < cues.length; i++) {
        const q = cues[i];
        const dx = q.e - se, dy = q.n - sn, dz = q.u - su;
        const rh = Math.sqrt(dx * dx + dy * dy);
        const r = Math.sqrt(rh * rh + dz * dz);
        if (r > best) continue;
        const az = Math.atan2(dx, dy);
        if (Math.abs(wrapPi(az - this.homeAz)) > this.panHalf) continue;
        const el = Math.atan2(dz, rh);
        if (el < this.tiltMin || el > this.tiltMax) continue;
        best = r;
        wantAz = wrapTwoPi(az);
        wantEl = el;
      }
    }
    const dtS = (ctx.timeMs - this.lastTimeMs) / 1000;
    this.lastTimeMs = ctx.timeMs;
    // The first update starts where it is asked to look (the gimbal was there before the run).
    const step = this.slewRate === Infinity || Number.isNaN(dtS) ? Infinity : this.slewRate * Math.max(0, dtS);
    // With unrestricted pan the gimbal takes the short way round; with limits it must stay inside
    // them, so it moves along the offset from home, which never crosses the forbidden arc.
    const dAz = this.panHalf >= Math.PI ? wrapPi(wantAz - this.az) : wrapPi(wantAz - this.homeAz) - wrapPi(this.az - this.homeAz);
    this.az = Math.abs(dAz) <= step ? wantAz : wrapTwoPi(this.az + Math.sign(dAz) * step);
    const dEl = wantEl - this.el;
    this.el = Math.abs(dEl) <= step ? wantEl : this.el + Math.sign(dEl) * step;
  }

  private emit(ctx: ObservationContext, out: Detection[], az: number, el: number, cls: ObjectClass | null, r: number): void {
    const rng = ctx.rng;
    const det: Detection = {
      sensorId: this.id,
      timeMs: ctx.timeMs,
      measurement: {
        kind: 'bearing',
        azimuthRad: wrapTwoPi(az + this.sAz * rng.normal()),
        elevationRad: el + this.sEl * rng.normal(),
        sigma: { azimuthRad: this.sAz, elevationRad: this.sEl },
      },
    };
    const cf = this.config.classification;
    if (cf !== null && r <= cf.maxRangeM) {
      det.evidence = { classLabel: { label: drawLabel(rng, cls, cf), confidence: cf.accuracy } };
    }
    out.push(det);
  }
}
