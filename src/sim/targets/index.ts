/**
 * Target specifications as scenario files write them (validated with zod), and the builder that
 * turns them into deterministic trajectories: each target draws from its own random stream,
 * derived from the scenario seed and its position in the file, so adding a target at the end
 * leaves every earlier one unchanged.
 */
import { z } from 'zod';
import { Random } from '../../scenario/random.js';
import { deriveSeed } from '../seed.js';
import type { GeneratorContext, ResolvedSite } from './context.js';
import { fibreOpticRun, hobbyFlight, reconLoiter, smugglingRun } from './drones.js';
import { birdFlock, groundVehicle, mannedAircraft } from './traffic.js';
import type { SimTarget } from './trajectory.js';
import type { BorderGeometry } from '../geography.js';
import type { LocalFrame } from '../../geo/enu.js';

export { PathBuilder, Trajectory } from './trajectory.js';
export type { Kinematics, SimTarget, TargetMeta } from './trajectory.js';

const finite = z.number().finite();
const range = z.union([
  finite,
  z.tuple([finite, finite]).refine(([a, b]) => a <= b, { message: 'a range is [min, max] with min ≤ max' }),
]);
const positiveRange = z.union([
  finite.positive(),
  z.tuple([finite.positive(), finite.positive()]).refine(([a, b]) => a <= b, { message: 'a range is [min, max] with min ≤ max' }),
]);
export const latLonSchema = z.object({ latDeg: finite.min(-90).max(90), lonDeg: finite.min(-180).max(180) }).strict();
/** A point: coordinates, or the id of a protected site. */
const pointRef = z.union([z.string().min(1), latLonSchema]);

const common = {
  /** How many such targets (each drawn independently). */
  count: z.number().int().min(1).max(100_000).default(1),
  /** Start time after the scenario start [s], or a range each target draws from. */
  startS: range.optional(),
};

const runFields = {
  ...common,
  launch: latLonSchema.optional(),
  drop: latLonSchema.optional(),
  crossingNear: pointRef.optional(),
};

export const targetSpecSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('smuggling-run'),
    ...runFields,
    cruiseAltitudeM: positiveRange.default([25, 60]),
    cruiseSpeedMps: positiveRange.default([10, 16]),
    hoverS: range.default([15, 45]),
    dropAltitudeM: positiveRange.default([4, 10]),
  }).strict(),
  z.object({
    type: z.literal('fibre-optic-run'),
    ...runFields,
    cruiseAltitudeM: positiveRange.default([8, 25]),
    cruiseSpeedMps: positiveRange.default([6, 10]),
    hoverS: range.default([15, 45]),
    dropAltitudeM: positiveRange.default([3, 6]),
    cableLengthM: positiveRange.default([10_000, 15_000]),
  }).strict(),
  z.object({
    type: z.literal('recon-loiter'),
    ...common,
    site: pointRef,
    launch: latLonSchema.optional(),
    orbitRadiusM: positiveRange.default([120, 300]),
    altitudeM: positiveRange.default([60, 120]),
    speedMps: positiveRange.default([8, 14]),
    loiterS: positiveRange.default([180, 600]),
  }).strict(),
  z.object({
    type: z.literal('hobby-flight'),
    ...common,
    side: z.enum(['protected', 'far']).default('protected'),
    center: latLonSchema.optional(),
    near: pointRef.optional(),
    withinM: finite.positive().default(8000),
    radiusM: positiveRange.default([100, 400]),
    altitudeM: positiveRange.default([30, 110]),
    speedMps: positiveRange.default([3, 10]),
    durationS: positiveRange.default([300, 1200]),
    spoofOffsetM: finite.nonnegative().default(0),
  }).strict(),
  z.object({
    type: z.literal('bird-flock'),
    ...common,
    birds: positiveRange.default([4, 15]),
    center: latLonSchema.optional(),
    near: pointRef.optional(),
    withinM: finite.positive().default(8000),
    rangeM: positiveRange.default([300, 1500]),
    altitudeM: positiveRange.default([15, 120]),
    speedMps: positiveRange.default([6, 14]),
    durationS: positiveRange.optional(),
  }).strict(),
  z.object({
    type: z.literal('manned-aircraft'),
    ...common,
    route: z.enum(['transit', 'arrival', 'departure']).default('transit'),
    from: latLonSchema.optional(),
    to: latLonSchema.optional(),
    altitudeM: positiveRange.default([300, 1500]),
    speedMps: positiveRange.default([50, 80]),
    icao: z.string().regex(/^[0-9A-F]{6}$/, 'six upper-case hex digits').optional(),
    callsign: z.string().min(1).max(8).optional(),
  }).strict(),
  z.object({
    type: z.literal('ground-vehicle'),
    ...common,
    road: z.union([
      z.array(latLonSchema).min(2),
      z.object({ alongBorder: z.object({ side: z.enum(['protected', 'far']), offsetM: finite.positive() }).strict() }).strict(),
    ]),
    speedMps: positiveRange.default([8, 20]),
  }).strict(),
]);
export type TargetSpec = z.infer<typeof targetSpecSchema>;
export type TargetType = TargetSpec['type'];
export const TARGET_TYPES: readonly TargetType[] = ['smuggling-run', 'fibre-optic-run', 'recon-loiter', 'hobby-flight', 'bird-flock', 'manned-aircraft', 'ground-vehicle'];

export interface BuildContext {
  frame: LocalFrame;
  border: BorderGeometry;
  protectedIsLeft: boolean;
  region: GeneratorContext['region'];
  sites: ReadonlyMap<string, ResolvedSite>;
  durationS: number;
  seed: number;
}

/**
 * Builds every target of a scenario. Targets that start persistent traffic (birds, vehicles,
 * hobby flights) default to the scenario start; runs and loiters default to a start drawn over
 * the first 70 % of the scenario so they finish inside it.
 */
export function buildTargets(specs: readonly TargetSpec[], b: BuildContext): SimTarget[] {
  let id = 1;
  const out: SimTarget[] = [];
  specs.forEach((spec, si) => {
    for (let k = 0; k < spec.count; k++) {
      const rng = new Random(deriveSeed(b.seed, `target:${si}:${k}`));
      const ctx: GeneratorContext = {
        frame: b.frame, border: b.border, protectedIsLeft: b.protectedIsLeft, region: b.region, sites: b.sites,
        durationS: b.durationS, rng, nextId: () => id++,
      };
      const persistent = spec.type === 'bird-flock' || spec.type === 'ground-vehicle' || spec.type === 'hobby-flight';
      const startRange = spec.startS ?? (persistent ? 0 : [0, 0.7 * b.durationS]);
      const startS = typeof startRange === 'number' ? startRange : rng.uniform(startRange[0], startRange[1]);
      try {
        switch (spec.type) {
          case 'smuggling-run': out.push(smugglingRun(ctx, spec, startS, k)); break;
          case 'fibre-optic-run': out.push(fibreOpticRun(ctx, spec, startS, k)); break;
          case 'recon-loiter': out.push(reconLoiter(ctx, spec, startS, k)); break;
          case 'hobby-flight': out.push(hobbyFlight(ctx, spec, startS, k)); break;
          case 'bird-flock': out.push(...birdFlock(ctx, spec, startS, k)); break;
          case 'manned-aircraft': out.push(mannedAircraft(ctx, spec, startS, k)); break;
          case 'ground-vehicle': out.push(groundVehicle(ctx, spec, startS, k)); break;
        }
      } catch (err) {
        throw new Error(`targets[${si}] (${spec.type}) #${k + 1}: ${(err as Error).message}`, { cause: err });
      }
    }
  });
  return out;
}
