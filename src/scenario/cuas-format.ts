import { z } from 'zod';

/**
 * The `cuas-mtt-scenario` v1 file format (../shared/scenarios/FORMAT.md): the exact files the
 * Stone Soup baseline was run on. Validated at the edge with zod so a broken file fails with
 * the path of what is wrong, not deep inside the tracker.
 */
const finite = z.number().finite();
const box = z.object({ xmin: finite, xmax: finite, ymin: finite, ymax: finite });

const cartesianSensor = z.object({
  id: z.string(),
  type: z.literal('cartesian'),
  pd: z.number().gt(0).lte(1),
  clutter_rate: z.number().nonnegative(),
  clutter_density: z.number().positive(),
  sigma_xy: z.number().positive(),
});

const rangeBearingSensor = z.object({
  id: z.string(),
  type: z.literal('range_bearing'),
  pd: z.number().gt(0).lte(1),
  clutter_rate: z.number().nonnegative(),
  clutter_density: z.number().positive(),
  position: z.tuple([finite, finite]),
  sigma_r: z.number().positive(),
  sigma_bearing: z.number().positive(),
  clutter_region: z.object({
    kind: z.literal('polar_uniform'),
    r_min: finite,
    r_max: finite,
    bearing_min: finite,
    bearing_max: finite,
  }),
});

export const scenarioSchema = z.object({
  format: z.literal('cuas-mtt-scenario'),
  version: z.literal(1),
  name: z.string(),
  seed: z.number().int().optional(),
  dim: z.literal(2),
  area: box,
  t0: finite,
  scan_interval: z.number().positive(),
  num_scans: z.number().int().nonnegative(),
  sensors: z.array(z.discriminatedUnion('type', [cartesianSensor, rangeBearingSensor])).min(1),
  truth: z.array(
    z.object({
      id: z.number().int(),
      birth_scan: z.number().int().optional(),
      states: z.array(z.array(finite).length(5)),
    }),
  ),
  scans: z.array(
    z.object({
      k: z.number().int(),
      t: finite,
      sensor: z.string(),
      z: z.array(z.array(finite).length(2)),
      origin: z.array(z.number().int()).optional(),
    }),
  ),
});

export type CuasScenario = z.infer<typeof scenarioSchema>;
export type CuasSensor = CuasScenario['sensors'][number];

/** Parses and validates a scenario's JSON text; throws an Error naming the file and the bad path. */
export function parseScenario(text: string, source = 'scenario'): CuasScenario {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`${source}: not JSON (${(err as Error).message})`, { cause: err });
  }
  const result = scenarioSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = issue.path.length ? issue.path.join('.') : '(top level)';
    throw new Error(`${source}: ${path}: ${issue.message}`);
  }
  const scenario = result.data;
  const ids = new Set(scenario.sensors.map((s) => s.id));
  scenario.scans.forEach((scan, i) => {
    if (!ids.has(scan.sensor)) throw new Error(`${source}: scans.${i}.sensor: unknown sensor "${scan.sensor}"`);
  });
  return scenario;
}
