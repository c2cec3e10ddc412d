/**
 * ADS-B receiver (1090ES / UAT) for manned traffic.
 *
 * What it hears: only truths with an ICAO address (`icao` non-null); anything else is skipped
 * before any random draw.
 *
 * Measurement: `gnss` — the aircraft's broadcast position in WGS84 (height above the ellipsoid,
 * i.e. geometric altitude) and velocity. The stated accuracy comes from the configured quality
 * indicators, as DO-260B defines them:
 *   horizontal 95 % bound (EPU) from NACp: 11 → 3 m, 10 → 10 m, 9 → 30 m, 8 → 92.6 m,
 *     7 → 185.2 m, 6 → 555.6 m, 5 → 926 m, 4 → 1852 m, 3 → 3704 m, 2 → 7408 m, 1 → 18 520 m;
 *   vertical 95 % bound from GVA: 2 → 45 m, 1 → 150 m;
 *   velocity 95 % bound from NACv: 4 → 0.3 m/s, 3 → 1 m/s, 2 → 3 m/s, 1 → 10 m/s.
 * The simulated error is Gaussian per ENU axis with σ_h = EPU / 2.448 (east, north), σ_v = bound /
 * 1.960 (up) and σ = NACv bound / 2.448 per velocity axis, so the stated bounds are honest 95 %
 * figures (real transponders usually do better than their category).
 * Evidence: ICAO address and callsign (when the aircraft sends one; cut to 8 characters).
 *
 * Pd: the shared range curve (common.ts), Pd = pdMax / (1 + (R / halfPdRangeM)^pdSteepness) per
 * update (squitter loss and garbling), 0 beyond maxRangeM. The radio horizon is not modelled:
 * set maxRangeM for the site.
 *
 * Update rate: one report per `updateIntervalS` (1 s, like a receiver's position cadence).
 *
 * False alarms: none.
 */
import { z } from 'zod';
import type { LocalFrame } from '../../geo/enu.js';
import type { Detection } from '../../model/detection.js';
import type { ObservationContext, SimSensor } from '../types.js';
import { AXIAL_95_PER_SIGMA, RADIAL_95_PER_SIGMA, positionEnu, rangePd, rangePdFields, sensorBaseFields, updateIntervalField } from './common.js';

/** Horizontal 95 % containment bound (EPU) per NACp [m]; index = NACp. */
export const NACP_EPU_M = [NaN, 18_520, 7408, 3704, 1852, 926, 555.6, 185.2, 92.6, 30, 10, 3] as const;
/** Vertical 95 % bound per GVA [m]; index = GVA. */
export const GVA_BOUND_M = [NaN, 150, 45] as const;
/** Horizontal velocity 95 % bound per NACv [m/s]; index = NACv. */
export const NACV_BOUND_MPS = [NaN, 10, 3, 1, 0.3] as const;

export const adsbConfigSchema = z.strictObject({
  kind: z.literal('adsb'),
  ...sensorBaseFields,
  updateIntervalS: updateIntervalField(1),
  ...rangePdFields({ pdMax: 0.98, halfPdRangeM: 300_000, pdSteepness: 6, maxRangeM: 150_000 }),
  /** Navigation Accuracy Category for position, 1–11 (sets horizontalAccuracyM). */
  nacp: z.number().int().min(1).max(11).default(9),
  /** Geometric Vertical Accuracy, 1–2 (sets verticalAccuracyM). */
  gva: z.number().int().min(1).max(2).default(2),
  /** Navigation Accuracy Category for velocity, 1–4. */
  nacv: z.number().int().min(1).max(4).default(2),
});
export type AdsbConfig = z.output<typeof adsbConfigSchema>;
export type AdsbConfigInput = z.input<typeof adsbConfigSchema>;

export class AdsbSensor implements SimSensor {
  readonly kind = 'adsb' as const;
  readonly id: string;
  readonly updateIntervalMs: number;
  readonly position: { e: number; n: number; u: number };
  readonly config: AdsbConfig;
  /** Stated 95 % bounds [m]. */
  readonly horizontalAccuracyM: number;
  readonly verticalAccuracyM: number;
  /** Per-axis σ of the simulated error: east/north, up [m]; velocity [m/s]. */
  readonly sigmaHorizontalM: number;
  readonly sigmaVerticalM: number;
  readonly sigmaVelocityMps: number;
  private readonly geo = new Float64Array(3);

  constructor(config: AdsbConfigInput, frame: LocalFrame) {
    const c = (this.config = adsbConfigSchema.parse(config));
    this.id = c.id;
    this.updateIntervalMs = Math.round(c.updateIntervalS * 1000);
    this.position = positionEnu(frame, c.position);
    this.horizontalAccuracyM = NACP_EPU_M[c.nacp];
    this.verticalAccuracyM = GVA_BOUND_M[c.gva];
    this.sigmaHorizontalM = this.horizontalAccuracyM / RADIAL_95_PER_SIGMA;
    this.sigmaVerticalM = this.verticalAccuracyM / AXIAL_95_PER_SIGMA;
    this.sigmaVelocityMps = NACV_BOUND_MPS[c.nacv] / RADIAL_95_PER_SIGMA;
  }

  /** Pd per update of an equipped aircraft at slant range `rangeM`. */
  pd(rangeM: number): number {
    const c = this.config;
    return rangeM > c.maxRangeM ? 0 : rangePd(rangeM, c.pdMax, c.halfPdRangeM, c.pdSteepness);
  }

  observe(ctx: ObservationContext, out: Detection[]): void {
    const c = this.config, rng = ctx.rng, truths = ctx.truths, g = this.geo;
    const { e: se, n: sn, u: su } = this.position;
    const sh = this.sigmaHorizontalM, sv = this.sigmaVerticalM, sVel = this.sigmaVelocityMps;
    for (let i = 0; i < truths.length; i++) {
      const t = truths[i];
      const icao = t.icao;
      if (icao === null) continue;
      const dx = t.e - se, dy = t.n - sn, dz = t.u - su;
      const r = Math.sqrt(dx * dx + dy * dy + dz * dz);
      if (r > c.maxRangeM) continue;
      if (rng.next() >= this.pd(r)) continue;
      ctx.frame.enuToGeodetic(t.e + sh * rng.normal(), t.n + sh * rng.normal(), t.u + sv * rng.normal(), g);
      const det: Detection = {
        sensorId: this.id,
        timeMs: ctx.timeMs,
        measurement: {
          kind: 'gnss',
          latDeg: g[0],
          lonDeg: g[1],
          heightAboveEllipsoidM: g[2],
          horizontalAccuracyM: this.horizontalAccuracyM,
          verticalAccuracyM: this.verticalAccuracyM,
          velocityEnuMps: [t.ve + sVel * rng.normal(), t.vn + sVel * rng.normal(), t.vu + sVel * rng.normal()],
        },
        evidence: t.callsign ? { icao, callsign: t.callsign.slice(0, 8) } : { icao },
      };
      out.push(det);
    }
  }
}
