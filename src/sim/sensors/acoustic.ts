/**
 * Acoustic array (a microphone array that localises the rotor noise of a small drone).
 *
 * Measurement: `bearing` — azimuth (clockwise from north) and elevation of the source, each with
 * additive Gaussian noise of the configured σ, carried in the Detection (radians).
 *
 * Pd: the shared range curve (common.ts) with the truth's loudness folded into the range:
 *     Pd = pdMax / (1 + (R / (halfPdRangeM · √L))^pdSteepness),
 * where L is the truth's `acousticLevel`, a source power relative to a small multirotor (L = 1).
 * Spherical spreading loses 20 log10 R dB, so a source L times as powerful reaches the same
 * received level √L times as far; L = 0 (a glider, a bird, a car here) is never heard.
 *
 * Coverage: slant range ≤ maxRangeM (a few hundred metres), elevation in [minElevationDeg,
 * maxElevationDeg], all azimuths.
 *
 * Update rate: one report per `updateIntervalS` (the array's integration window).
 *
 * False alarms: false bearings (wind, traffic, machinery), Poisson with mean
 * `falseAlarmsPerUpdate` per update, azimuth uniform over 360°, elevation uniform over the
 * covered elevations, with the same noise σ stated as a real bearing.
 *
 * Class evidence (optional, `classification`): an acoustic-signature label per the shared
 * classifier model; false bearings get a random label.
 */
import { z } from 'zod';
import type { LocalFrame } from '../../geo/enu.js';
import type { Detection, ObjectClass } from '../../model/detection.js';
import type { ObservationContext, SimSensor } from '../types.js';
import {
  DEG,
  classifierSchema,
  drawLabel,
  finite,
  positionEnu,
  positive,
  rangePd,
  rangePdFields,
  sensorBaseFields,
  updateIntervalField,
  wrapTwoPi,
} from './common.js';

export const acousticConfigSchema = z
  .strictObject({
    kind: z.literal('acoustic'),
    ...sensorBaseFields,
    updateIntervalS: updateIntervalField(0.5),
    ...rangePdFields({ pdMax: 0.9, halfPdRangeM: 300, pdSteepness: 4, maxRangeM: 600 }),
    /** Lowest elevation covered [deg]. */
    minElevationDeg: finite.min(-90).max(90).default(-5),
    /** Highest elevation covered [deg]. */
    maxElevationDeg: finite.min(-90).max(90).default(90),
    /** Azimuth noise σ [deg]. */
    sigmaAzimuthDeg: positive.default(3),
    /** Elevation noise σ [deg]. */
    sigmaElevationDeg: positive.default(5),
    /** Mean number of false bearings per update (Poisson). */
    falseAlarmsPerUpdate: finite.min(0).max(1000).default(0.05),
    /** Acoustic-signature class labels; null for none. */
    classification: classifierSchema.nullable().default(null),
  })
  .refine((c) => c.minElevationDeg < c.maxElevationDeg, { message: 'minElevationDeg must be below maxElevationDeg', path: ['minElevationDeg'] });
export type AcousticConfig = z.output<typeof acousticConfigSchema>;
export type AcousticConfigInput = z.input<typeof acousticConfigSchema>;

export class AcousticSensor implements SimSensor {
  readonly kind = 'acoustic' as const;
  readonly id: string;
  readonly updateIntervalMs: number;
  readonly position: { e: number; n: number; u: number };
  readonly config: AcousticConfig;
  private readonly minEl: number;
  private readonly maxEl: number;
  private readonly sAz: number;
  private readonly sEl: number;

  constructor(config: AcousticConfigInput, frame: LocalFrame) {
    const c = (this.config = acousticConfigSchema.parse(config));
    this.id = c.id;
    this.updateIntervalMs = Math.round(c.updateIntervalS * 1000);
    this.position = positionEnu(frame, c.position);
    this.minEl = c.minElevationDeg * DEG;
    this.maxEl = c.maxElevationDeg * DEG;
    this.sAz = c.sigmaAzimuthDeg * DEG;
    this.sEl = c.sigmaElevationDeg * DEG;
  }

  /** Pd per update of a source of level `acousticLevel` at slant range `rangeM`, inside coverage. */
  pd(rangeM: number, acousticLevel: number): number {
    if (!(acousticLevel > 0)) return 0;
    const c = this.config;
    return rangePd(rangeM, c.pdMax, c.halfPdRangeM * Math.sqrt(acousticLevel), c.pdSteepness);
  }

  observe(ctx: ObservationContext, out: Detection[]): void {
    const c = this.config, rng = ctx.rng, truths = ctx.truths;
    const { e: se, n: sn, u: su } = this.position;
    for (let i = 0; i < truths.length; i++) {
      const t = truths[i];
      if (!(t.acousticLevel > 0)) continue;
      const dx = t.e - se, dy = t.n - sn, dz = t.u - su;
      const rh = Math.sqrt(dx * dx + dy * dy);
      const r = Math.sqrt(rh * rh + dz * dz);
      if (r > c.maxRangeM) continue;
      const el = Math.atan2(dz, rh);
      if (el < this.minEl || el > this.maxEl) continue;
      if (rng.next() >= this.pd(r, t.acousticLevel)) continue;
      this.emit(ctx, out, Math.atan2(dx, dy), el, t.cls, r);
    }
    const n = c.falseAlarmsPerUpdate > 0 ? rng.poisson(c.falseAlarmsPerUpdate) : 0;
    for (let k = 0; k < n; k++) {
      const az = rng.next() * 2 * Math.PI;
      const el = this.minEl + rng.next() * (this.maxEl - this.minEl);
      this.emit(ctx, out, az, el, null, 0);
    }
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
