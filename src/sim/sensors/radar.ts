/**
 * 3-D surveillance radar (the drone-detection kind: an electronically scanned panel or a rotating
 * antenna reporting a plot per target per scan).
 *
 * Measurement: `polar` — slant range, azimuth (clockwise from north), elevation and, unless
 * `measuresRangeRate` is false, range rate (positive receding), each with additive Gaussian noise
 * of the configured σ; every Detection carries those σ (radians, m, m/s).
 *
 * Pd: Swerling-1 (a fluctuating small target) on one look with square-law detection,
 *     Pd = Pfa^(1 / (1 + SNR)),   SNR = SNR_ref · (σ / σ_ref) · (R_ref / R)⁴,
 * the radar equation's σ/R⁴ scaling. SNR_ref is calibrated from the config so that a target of
 * `referenceRcsM2` (0.01 m², a small multirotor) at `referenceRangeM` has exactly `referencePd`:
 *     SNR_ref = ln(Pfa) / ln(Pd_ref) − 1.
 * Pfa is the per-cell threshold false-alarm probability; it shapes the curve only (the plots that
 * cross the threshold falsely are the clutter model below). Birds need nothing special: they are
 * truths with a bird-sized RCS (0.001–0.01 m²) and are detected like any other target.
 *
 * Coverage: slant range in [minRangeM, maxRangeM], azimuth within `azimuthWidthDeg` centred on
 * `boresightAzimuthDeg` (360 = all round), elevation in [mask(az), maxElevationDeg]. The mask is the
 * larger of `minElevationDeg` and the `terrainMask` sector containing the azimuth (1° bins), which
 * is why low flight is hard to see: a drone 15 m up at 3 km is 0.1–0.3° above a mast-mounted
 * radar's horizon, below a 0.5° mask.
 *
 * Update rate: one scan every `updateIntervalS`; each target in coverage is reported at most once
 * per scan.
 *
 * False alarms (ground clutter): Poisson with mean `clutter.meanPerScan` per scan; each false plot
 * has azimuth uniform in the coverage sector, range exponential with scale `clutter.rangeScaleM`
 * truncated to the instrumented range (so concentrated close in), elevation at the mask plus an
 * exponential of scale `clutter.elevationScaleDeg` (so hugging the horizon), and a true range rate
 * drawn N(0, clutter.rangeRateSpreadMps²) (vegetation and ground, near zero); the plot then gets
 * the same measurement noise as a real one.
 *
 * Class evidence (optional, `classification`): a micro-Doppler label per the shared classifier
 * model (common.ts) within the classifier's range; clutter plots get a random label.
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
  exponential,
  finite,
  positionEnu,
  positive,
  probability,
  sensorBaseFields,
  truncatedExponential,
  updateIntervalField,
  wrapPi,
  wrapTwoPi,
} from './common.js';

/** One sector of a terrain mask: below `elevationDeg` nothing is seen between the two azimuths (clockwise from `fromAzimuthDeg`). */
export const terrainMaskSectorSchema = z.strictObject({
  /** Start azimuth [deg, clockwise from north]. */
  fromAzimuthDeg: azimuthDeg,
  /** End azimuth [deg]; the sector runs clockwise from `fromAzimuthDeg`, through north if needed. */
  toAzimuthDeg: azimuthDeg,
  /** Mask elevation in this sector [deg]. */
  elevationDeg: finite.min(-10).max(89),
});

export const radarClutterSchema = z.strictObject({
  /** Mean number of false plots per scan (Poisson). */
  meanPerScan: finite.min(0).max(10_000).default(5),
  /** Scale of the exponential range distribution of clutter [m]. */
  rangeScaleM: positive.default(800),
  /** Scale of the exponential elevation above the mask [deg]. */
  elevationScaleDeg: positive.default(0.5),
  /** Standard deviation of clutter's true range rate [m/s]. */
  rangeRateSpreadMps: finite.min(0).default(0.3),
});

export const radarConfigSchema = z
  .strictObject({
    kind: z.literal('radar'),
    ...sensorBaseFields,
    updateIntervalS: updateIntervalField(1),
    /** Blind range close in [m]. */
    minRangeM: finite.min(0).default(30),
    /** Instrumented range [m]. */
    maxRangeM: positive.default(5000),
    /** Centre of the azimuth coverage [deg, clockwise from north]. */
    boresightAzimuthDeg: azimuthDeg.default(0),
    /** Azimuth coverage width [deg]; 360 for a rotating or multi-panel radar. */
    azimuthWidthDeg: finite.gt(0).max(360).default(360),
    /** Lowest elevation seen anywhere (the flat-terrain mask) [deg]. */
    minElevationDeg: finite.min(-10).max(89).default(0.5),
    /** Highest elevation covered [deg]. */
    maxElevationDeg: finite.min(-10).max(90).default(60),
    /** Higher masks in some directions (ridges, levees, buildings) [deg]. */
    terrainMask: z.array(terrainMaskSectorSchema).max(360).default([]),
    /** Range at which a `referenceRcsM2` target has `referencePd` [m]. */
    referenceRangeM: positive.default(2000),
    /** Pd per scan of the reference target at the reference range. */
    referencePd: probability.default(0.8),
    /** RCS of the calibration target [m²] (0.01: a small multirotor). */
    referenceRcsM2: positive.default(0.01),
    /** Threshold false-alarm probability per cell (shapes the Swerling-1 curve). */
    pfa: finite.gt(0).lt(0.5).default(1e-6),
    /** Range noise σ [m]. */
    sigmaRangeM: positive.default(5),
    /** Azimuth noise σ [deg]. */
    sigmaAzimuthDeg: positive.default(0.5),
    /** Elevation noise σ [deg]. */
    sigmaElevationDeg: positive.default(0.7),
    /** Reports range rate (Doppler). */
    measuresRangeRate: z.boolean().default(true),
    /** Range-rate noise σ [m/s]. */
    sigmaRangeRateMps: positive.default(0.3),
    clutter: radarClutterSchema.default({ meanPerScan: 5, rangeScaleM: 800, elevationScaleDeg: 0.5, rangeRateSpreadMps: 0.3 }),
    /** Micro-Doppler class labels; null for none. */
    classification: classifierSchema.nullable().default(null),
  })
  .refine((c) => c.minRangeM < c.maxRangeM, { message: 'minRangeM must be below maxRangeM', path: ['minRangeM'] })
  .refine((c) => c.minElevationDeg < c.maxElevationDeg, { message: 'minElevationDeg must be below maxElevationDeg', path: ['minElevationDeg'] })
  .refine((c) => c.referencePd > c.pfa && c.referencePd < 1, {
    message: 'referencePd must lie between pfa and 1 (exclusive)',
    path: ['referencePd'],
  });
export type RadarConfig = z.output<typeof radarConfigSchema>;
export type RadarConfigInput = z.input<typeof radarConfigSchema>;

export class RadarSensor implements SimSensor {
  readonly kind = 'radar' as const;
  readonly id: string;
  readonly updateIntervalMs: number;
  readonly position: { e: number; n: number; u: number };
  readonly config: RadarConfig;

  private readonly lnPfa: number;
  /** SNR = snrPerRcsR4 · σ / R⁴. */
  private readonly snrPerRcsR4: number;
  /** Mask elevation per 1° azimuth bin [rad]. */
  private readonly mask = new Float64Array(360);
  private readonly boresight: number;
  private readonly halfWidth: number;
  private readonly allRound: boolean;
  private readonly maxEl: number;
  private readonly sR: number;
  private readonly sAz: number;
  private readonly sEl: number;
  private readonly sRr: number;

  constructor(config: RadarConfigInput, frame: LocalFrame) {
    const c = (this.config = radarConfigSchema.parse(config));
    this.id = c.id;
    this.updateIntervalMs = Math.round(c.updateIntervalS * 1000);
    this.position = positionEnu(frame, c.position);
    this.lnPfa = Math.log(c.pfa);
    const snrRef = this.lnPfa / Math.log(c.referencePd) - 1;
    this.snrPerRcsR4 = (snrRef * c.referenceRangeM ** 4) / c.referenceRcsM2;
    this.mask.fill(c.minElevationDeg * DEG);
    for (const s of c.terrainMask) {
      const from = ((s.fromAzimuthDeg % 360) + 360) % 360;
      const width = (((s.toAzimuthDeg - s.fromAzimuthDeg) % 360) + 360) % 360;
      for (let b = 0; b < 360; b++) {
        // A bin belongs to the sector when its centre does.
        const off = (((b + 0.5 - from) % 360) + 360) % 360;
        if (off <= width) this.mask[b] = Math.max(this.mask[b], s.elevationDeg * DEG);
      }
    }
    this.boresight = c.boresightAzimuthDeg * DEG;
    this.halfWidth = (c.azimuthWidthDeg * DEG) / 2;
    this.allRound = c.azimuthWidthDeg >= 360;
    this.maxEl = c.maxElevationDeg * DEG;
    this.sR = c.sigmaRangeM;
    this.sAz = c.sigmaAzimuthDeg * DEG;
    this.sEl = c.sigmaElevationDeg * DEG;
    this.sRr = c.sigmaRangeRateMps;
  }

  /** Pd per scan of a target of `rcsM2` at slant range `rangeM`, inside coverage (the Swerling-1 formula above). */
  pd(rangeM: number, rcsM2: number): number {
    const r2 = rangeM * rangeM;
    const snr = (this.snrPerRcsR4 * rcsM2) / (r2 * r2);
    return Math.exp(this.lnPfa / (1 + snr));
  }

  /** The elevation below which nothing is seen at azimuth `azRad` [rad]. */
  maskElevationRad(azRad: number): number {
    return this.mask[Math.floor(wrapTwoPi(azRad) / DEG) % 360];
  }

  observe(ctx: ObservationContext, out: Detection[]): void {
    const c = this.config, rng = ctx.rng, truths = ctx.truths;
    const { e: se, n: sn, u: su } = this.position;
    for (let i = 0; i < truths.length; i++) {
      const t = truths[i];
      const dx = t.e - se, dy = t.n - sn, dz = t.u - su;
      const rh = Math.sqrt(dx * dx + dy * dy);
      const r = Math.sqrt(rh * rh + dz * dz);
      if (r < c.minRangeM || r > c.maxRangeM) continue;
      const az = Math.atan2(dx, dy);
      if (!this.allRound && Math.abs(wrapPi(az - this.boresight)) > this.halfWidth) continue;
      const el = Math.atan2(dz, rh);
      if (el < this.maskElevationRad(az) || el > this.maxEl) continue;
      if (rng.next() >= this.pd(r, t.rcsM2)) continue;
      const rr = r > 0 ? (dx * t.ve + dy * t.vn + dz * t.vu) / r : 0;
      this.emit(ctx, out, r, az, el, rr, t.cls);
    }

    const cl = c.clutter;
    const n = cl.meanPerScan > 0 ? rng.poisson(cl.meanPerScan) : 0;
    for (let k = 0; k < n; k++) {
      const az = this.allRound ? rng.next() * 2 * Math.PI : this.boresight + (2 * rng.next() - 1) * this.halfWidth;
      const r = truncatedExponential(rng, c.minRangeM, c.maxRangeM, cl.rangeScaleM);
      const el = Math.min(this.maxEl, this.maskElevationRad(az) + exponential(rng, cl.elevationScaleDeg * DEG));
      const rr = cl.rangeRateSpreadMps > 0 ? cl.rangeRateSpreadMps * rng.normal() : 0;
      this.emit(ctx, out, r, az, el, rr, null);
    }
  }

  /** Adds measurement noise to a true (or clutter) plot and appends the Detection. */
  private emit(ctx: ObservationContext, out: Detection[], r: number, az: number, el: number, rr: number, cls: ObjectClass | null): void {
    const rng = ctx.rng, c = this.config;
    const rangeM = Math.max(0, r + this.sR * rng.normal());
    const azimuthRad = wrapTwoPi(az + this.sAz * rng.normal());
    const elevationRad = el + this.sEl * rng.normal();
    const det: Detection = {
      sensorId: this.id,
      timeMs: ctx.timeMs,
      measurement: c.measuresRangeRate
        ? {
            kind: 'polar',
            rangeM,
            azimuthRad,
            elevationRad,
            rangeRateMps: rr + this.sRr * rng.normal(),
            sigma: { rangeM: this.sR, azimuthRad: this.sAz, elevationRad: this.sEl, rangeRateMps: this.sRr },
          }
        : { kind: 'polar', rangeM, azimuthRad, elevationRad, sigma: { rangeM: this.sR, azimuthRad: this.sAz, elevationRad: this.sEl } },
    };
    const cf = c.classification;
    if (cf !== null && r <= cf.maxRangeM) {
      det.evidence = { classLabel: { label: drawLabel(rng, cls, cf), confidence: cf.accuracy } };
    }
    out.push(det);
  }
}
