import { expect } from 'vitest';
import { LocalFrame } from '../../../src/geo/enu.js';
import type { Detection } from '../../../src/model/detection.js';
import { Random } from '../../../src/scenario/random.js';
import type { SimSensor, TruthState } from '../../../src/sim/types.js';

/** A sector origin on the Rio Grande at Hidalgo, TX. */
export const ORIGIN = { latDeg: 26.1, lonDeg: -98.27, heightAboveEllipsoidM: 30 };
export const frame = LocalFrame.fromDegrees(ORIGIN);
/** A sensor on a 10 m mast at the origin: ENU (0, 0, 10). */
export const MAST = { ...ORIGIN, heightAboveEllipsoidM: 40 };
export const MAST_U = 10;
export const DEG = Math.PI / 180;

export function truth(p: Partial<TruthState> = {}): TruthState {
  return {
    id: 1, cls: 'rotary-drone', e: 0, n: 1000, u: 100, ve: 0, vn: 0, vu: 0, rcsM2: 0.01,
    rf: null, remoteId: null, icao: null, callsign: null, acousticLevel: 1,
    ...p,
  };
}

/** A truth at slant range `r` from the mast, at azimuth `azDeg` and elevation `elDeg` (seen from the mast). */
export function truthAt(r: number, azDeg: number, elDeg: number, p: Partial<TruthState> = {}): TruthState {
  const rh = r * Math.cos(elDeg * DEG);
  return truth({ e: rh * Math.sin(azDeg * DEG), n: rh * Math.cos(azDeg * DEG), u: MAST_U + r * Math.sin(elDeg * DEG), ...p });
}

/**
 * Runs `scans` updates of a sensor over a fixed truth set on one random stream, calling `each`
 * with every update's detections (the array is reused). Update k is at (firstUpdate + k) intervals.
 */
export function run(
  sensor: SimSensor,
  truths: readonly TruthState[],
  scans: number,
  seed: number,
  each: (dets: Detection[], k: number) => void,
  cues?: readonly { e: number; n: number; u: number }[],
  firstUpdate = 0,
): void {
  const rng = new Random(seed);
  const out: Detection[] = [];
  for (let k = 0; k < scans; k++) {
    out.length = 0;
    sensor.observe({ timeMs: 1_700_000_000_000 + (firstUpdate + k) * sensor.updateIntervalMs, truths, frame, rng, cues }, out);
    each(out, k);
  }
}

/** All detections of `scans` updates, in order. */
export function collect(sensor: SimSensor, truths: readonly TruthState[], scans: number, seed: number): Detection[] {
  const all: Detection[] = [];
  run(sensor, truths, scans, seed, (d) => all.push(...d));
  return all;
}

/** Fraction of `trials` updates in which a single truth was reported. */
export function empiricalPd(sensor: SimSensor, t: TruthState, trials: number, seed: number): number {
  let hits = 0;
  run(sensor, [t], trials, seed, (d) => {
    if (d.length > 1) throw new Error('more than one report of one truth in one update');
    hits += d.length;
  });
  return hits / trials;
}

export function mean(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s / xs.length;
}

/** Unbiased sample variance. */
export function variance(xs: ArrayLike<number>): number {
  const m = mean(xs);
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += (xs[i] - m) ** 2;
  return s / (xs.length - 1);
}

export function wrapPi(a: number): number {
  return Math.atan2(Math.sin(a), Math.cos(a));
}

/** Figures the report quotes; printed when CENTINELA_STATS is set. */
export function stat(label: string, measured: number, expected: number): void {
  if (process.env.CENTINELA_STATS) console.log(`${label}: measured ${measured.toFixed(5)} expected ${expected.toFixed(5)}`);
}

/** An empirical probability (Pd, classifier accuracy) within ±2 percentage points of the model. */
export function expectPd(label: string, measured: number, expected: number): void {
  stat(label, measured, expected);
  expect(Math.abs(measured - expected)).toBeLessThanOrEqual(0.02);
}

/** Sample variance of zero-mean residuals within 5 % of σ², and no bias beyond 5 % of σ. */
export function expectNoise(label: string, residuals: ArrayLike<number>, sigma: number): void {
  const v = variance(residuals);
  stat(`${label} var/σ²`, v / sigma ** 2, 1);
  expect(residuals.length).toBeGreaterThanOrEqual(10_000);
  expect(Math.abs(v / sigma ** 2 - 1)).toBeLessThanOrEqual(0.05);
  expect(Math.abs(mean(residuals))).toBeLessThanOrEqual(0.05 * sigma);
}
