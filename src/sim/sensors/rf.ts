/**
 * RF detector with direction finding (listens for drone control and video links).
 *
 * What it hears: only truths with an `rf` link. A fibre-optic or autonomous drone (`rf === null`)
 * is skipped before any random draw, so its presence changes nothing at all in the output: the
 * detector's stream for a truth set equals its stream for the same set without the dark drones.
 * That absence is the evidence the tracker's "dark" flag rests on.
 *
 * Measurement: `bearing` — azimuth only (clockwise from north; a DF antenna gives no useful
 * elevation) with Gaussian noise σ = sigmaAzimuthDeg, carried in the Detection.
 * Evidence: the link's protocol, centre frequency and emitter id (a stable signature, so the
 * tracker can keep one identity across updates).
 *
 * Pd: the shared range curve (common.ts), Pd = pdMax / (1 + (R / halfPdRangeM)^pdSteepness),
 * R the slant range to the drone, 0 beyond maxRangeM.
 *
 * Update rate: one report per `updateIntervalS` per emitter heard.
 *
 * False alarms: Poisson with mean `falseAlarmsPerUpdate` per update (Wi-Fi, other ISM traffic
 * matched as a drone signature), bearing uniform over 360°, protocol and frequency drawn from
 * `falseAlarmSignals`, and a fresh random emitter id each time: no continuity between updates,
 * unlike a real link.
 */
import { z } from 'zod';
import type { LocalFrame } from '../../geo/enu.js';
import type { Detection } from '../../model/detection.js';
import type { ObservationContext, SimSensor } from '../types.js';
import {
  DEG,
  finite,
  positionEnu,
  positive,
  randomHex,
  rangePd,
  rangePdFields,
  sensorBaseFields,
  updateIntervalField,
  wrapTwoPi,
} from './common.js';

export const rfSignalSchema = z.strictObject({
  /** Protocol name as the detector's signature library reports it. */
  protocol: z.string().min(1).max(64),
  /** Centre frequency [MHz]. */
  frequencyMHz: positive,
});

export const rfConfigSchema = z.strictObject({
  kind: z.literal('rf'),
  ...sensorBaseFields,
  updateIntervalS: updateIntervalField(1),
  ...rangePdFields({ pdMax: 0.95, halfPdRangeM: 3500, pdSteepness: 6, maxRangeM: 5000 }),
  /** Bearing noise σ [deg]. */
  sigmaAzimuthDeg: positive.default(3),
  /** Mean number of false alarms per update (Poisson). */
  falseAlarmsPerUpdate: finite.min(0).max(1000).default(0.02),
  /** Signatures a false alarm is reported as (one drawn uniformly per false alarm). */
  falseAlarmSignals: z
    .array(rfSignalSchema)
    .min(1)
    .default([
      { protocol: 'DJI OcuSync 3', frequencyMHz: 2437 },
      { protocol: 'DJI OcuSync 3', frequencyMHz: 5785 },
      { protocol: 'ExpressLRS 900', frequencyMHz: 915 },
      { protocol: 'FrSky ACCST', frequencyMHz: 2440 },
      { protocol: 'Wi-Fi FPV', frequencyMHz: 5800 },
    ]),
});
export type RfConfig = z.output<typeof rfConfigSchema>;
export type RfConfigInput = z.input<typeof rfConfigSchema>;

export class RfSensor implements SimSensor {
  readonly kind = 'rf' as const;
  readonly id: string;
  readonly updateIntervalMs: number;
  readonly position: { e: number; n: number; u: number };
  readonly config: RfConfig;
  private readonly sAz: number;

  constructor(config: RfConfigInput, frame: LocalFrame) {
    const c = (this.config = rfConfigSchema.parse(config));
    this.id = c.id;
    this.updateIntervalMs = Math.round(c.updateIntervalS * 1000);
    this.position = positionEnu(frame, c.position);
    this.sAz = c.sigmaAzimuthDeg * DEG;
  }

  /** Pd per update of an emitting drone at slant range `rangeM`. */
  pd(rangeM: number): number {
    const c = this.config;
    return rangeM > c.maxRangeM ? 0 : rangePd(rangeM, c.pdMax, c.halfPdRangeM, c.pdSteepness);
  }

  observe(ctx: ObservationContext, out: Detection[]): void {
    const c = this.config, rng = ctx.rng, truths = ctx.truths;
    const { e: se, n: sn, u: su } = this.position;
    for (let i = 0; i < truths.length; i++) {
      const t = truths[i];
      const link = t.rf;
      if (link === null) continue;
      const dx = t.e - se, dy = t.n - sn, dz = t.u - su;
      const r = Math.sqrt(dx * dx + dy * dy + dz * dz);
      if (r > c.maxRangeM) continue;
      if (rng.next() >= this.pd(r)) continue;
      out.push({
        sensorId: this.id,
        timeMs: ctx.timeMs,
        measurement: { kind: 'bearing', azimuthRad: wrapTwoPi(Math.atan2(dx, dy) + this.sAz * rng.normal()), sigma: { azimuthRad: this.sAz } },
        evidence: { rf: { protocol: link.protocol, frequencyMHz: link.frequencyMHz, emitterId: link.emitterId } },
      });
    }
    const n = c.falseAlarmsPerUpdate > 0 ? rng.poisson(c.falseAlarmsPerUpdate) : 0;
    for (let k = 0; k < n; k++) {
      const sig = c.falseAlarmSignals[Math.floor(rng.next() * c.falseAlarmSignals.length)];
      out.push({
        sensorId: this.id,
        timeMs: ctx.timeMs,
        measurement: { kind: 'bearing', azimuthRad: rng.next() * 2 * Math.PI, sigma: { azimuthRad: this.sAz } },
        evidence: { rf: { protocol: sig.protocol, frequencyMHz: sig.frequencyMHz, emitterId: `rf-fa-${randomHex(rng, 8)}` } },
      });
    }
  }
}
