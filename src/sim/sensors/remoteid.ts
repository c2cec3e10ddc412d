/**
 * Remote ID receiver (ASTM F3411 broadcast over Bluetooth / Wi-Fi).
 *
 * What it hears: only compliant drones (`remoteId` non-null). A non-compliant one is skipped
 * before any random draw, so it changes nothing in the output.
 *
 * Measurement: `gnss` — the position the drone broadcasts, in WGS84 (height above the ellipsoid):
 * the true position plus `spoofOffset` when the drone is a spoofer, plus GNSS error drawn
 * Gaussian per ENU axis with σ_h = horizontalAccuracyM / 2.448 (east and north; 2.448 = √(−2 ln
 * 0.05) turns a per-axis σ into a 95 % horizontal radius) and σ_v = verticalAccuracyM / 1.960.
 * The Detection states the 95 % bounds as broadcast, which are these config values; the defaults
 * are the F3411 categories "< 10 m" horizontal and "< 25 m" vertical (category bounds: vertical
 * 150/45/25/10/3/1 m; horizontal from 18.52 km down to 30/10/3/1 m). The velocity is
 * broadcast too, with σ = speedAccuracyMps / 2.448 per axis.
 * Evidence: serial number and the operator (take-off/controller) position, honest even for a
 * spoofer here.
 *
 * Pd: the shared range curve (common.ts), Pd = pdMax / (1 + (R / halfPdRangeM)^pdSteepness)
 * per update (message loss grows with range; ~1 km for Bluetooth 5 long range / Wi-Fi beacons),
 * 0 beyond maxRangeM.
 *
 * Update rate: one report per `updateIntervalS` (F3411 broadcasts location at ≥ 1 Hz).
 *
 * False alarms: none (a message either decodes or does not; spoofing is a truth attribute).
 */
import { z } from 'zod';
import type { LocalFrame } from '../../geo/enu.js';
import type { Detection } from '../../model/detection.js';
import type { ObservationContext, SimSensor } from '../types.js';
import {
  AXIAL_95_PER_SIGMA,
  RADIAL_95_PER_SIGMA,
  positionEnu,
  positive,
  rangePd,
  rangePdFields,
  sensorBaseFields,
  updateIntervalField,
} from './common.js';

export const remoteIdConfigSchema = z.strictObject({
  kind: z.literal('remoteid'),
  ...sensorBaseFields,
  updateIntervalS: updateIntervalField(1),
  ...rangePdFields({ pdMax: 0.95, halfPdRangeM: 1000, pdSteepness: 8, maxRangeM: 2000 }),
  /** Broadcast 95 % horizontal accuracy [m] (F3411 category bound); also sets the simulated error. */
  horizontalAccuracyM: positive.default(10),
  /** Broadcast 95 % vertical accuracy [m]. */
  verticalAccuracyM: positive.default(25),
  /** Broadcast 95 % speed accuracy [m/s]. */
  speedAccuracyMps: positive.default(1),
});
export type RemoteIdConfig = z.output<typeof remoteIdConfigSchema>;
export type RemoteIdConfigInput = z.input<typeof remoteIdConfigSchema>;

export class RemoteIdSensor implements SimSensor {
  readonly kind = 'remoteid' as const;
  readonly id: string;
  readonly updateIntervalMs: number;
  readonly position: { e: number; n: number; u: number };
  readonly config: RemoteIdConfig;
  /** Per-axis σ of the simulated position error: east/north, up [m]; of velocity [m/s]. */
  readonly sigmaHorizontalM: number;
  readonly sigmaVerticalM: number;
  readonly sigmaVelocityMps: number;
  private readonly geo = new Float64Array(3);

  constructor(config: RemoteIdConfigInput, frame: LocalFrame) {
    const c = (this.config = remoteIdConfigSchema.parse(config));
    this.id = c.id;
    this.updateIntervalMs = Math.round(c.updateIntervalS * 1000);
    this.position = positionEnu(frame, c.position);
    this.sigmaHorizontalM = c.horizontalAccuracyM / RADIAL_95_PER_SIGMA;
    this.sigmaVerticalM = c.verticalAccuracyM / AXIAL_95_PER_SIGMA;
    this.sigmaVelocityMps = c.speedAccuracyMps / RADIAL_95_PER_SIGMA;
  }

  /** Pd per update of a compliant drone at slant range `rangeM`. */
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
      const rid = t.remoteId;
      if (rid === null) continue;
      const dx = t.e - se, dy = t.n - sn, dz = t.u - su;
      const r = Math.sqrt(dx * dx + dy * dy + dz * dz);
      if (r > c.maxRangeM) continue;
      if (rng.next() >= this.pd(r)) continue;
      const so = rid.spoofOffset;
      const e = t.e + (so ? so.e : 0) + sh * rng.normal();
      const n = t.n + (so ? so.n : 0) + sh * rng.normal();
      const u = t.u + (so ? so.u : 0) + sv * rng.normal();
      ctx.frame.enuToGeodetic(e, n, u, g);
      const latDeg = g[0], lonDeg = g[1], heightAboveEllipsoidM = g[2];
      ctx.frame.enuToGeodetic(rid.operatorE, rid.operatorN, 0, g);
      out.push({
        sensorId: this.id,
        timeMs: ctx.timeMs,
        measurement: {
          kind: 'gnss',
          latDeg,
          lonDeg,
          heightAboveEllipsoidM,
          horizontalAccuracyM: c.horizontalAccuracyM,
          verticalAccuracyM: c.verticalAccuracyM,
          velocityEnuMps: [t.ve + sVel * rng.normal(), t.vn + sVel * rng.normal(), t.vu + sVel * rng.normal()],
        },
        evidence: { remoteId: { serial: rid.serial, operator: { latDeg: g[0], lonDeg: g[1] } } },
      });
    }
  }
}
