/**
 * Simulator scenario files (YAML), validated with zod at the edge so a broken file fails with
 * its name, the path of the offending field and what is wrong with it — never deep inside the
 * simulator. A scenario is a sector (origin and surveilled region), zones (the border with its
 * named sides, protected sites, no-fly areas), sensors, targets, a duration and a seed.
 *
 * Built-in scenarios live in scenarios/<name>.yaml; `resolveScenarioPath` accepts either a
 * built-in name or a path.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import { BUILTIN_BORDERS, BUILTIN_SITES, readBorderGeoJson, scenariosDir, type BorderLine, type BuiltinBorderName, type Criticality } from './geography.js';
import { sensorConfigSchema, type SensorConfig } from './sensor-models.js';
import { latLonSchema, targetSpecSchema, type TargetSpec } from './targets/index.js';

const finite = z.number().finite();
const criticality = z.enum(['low', 'medium', 'high', 'critical']);
const builtinSiteIds = Object.keys(BUILTIN_SITES) as [keyof typeof BUILTIN_SITES, ...(keyof typeof BUILTIN_SITES)[]];

const zoneSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('border'),
    name: z.string().min(1).default('border'),
    /** A built-in line ("rio-grande") or a GeoJSON file path, relative to the scenario file. */
    line: z.string().min(1),
    /** What lies on each side; `north` must name the line's left side (the file says which). */
    sides: z.object({ north: z.string().min(1), south: z.string().min(1) }).strict(),
    /** The side being defended. */
    protectedSide: z.enum(['north', 'south']).default('north'),
    criticality: criticality.default('high'),
  }).strict(),
  z.object({
    kind: z.literal('protected-site'),
    /** A built-in site id; its coordinates, name and radius are used unless given here. */
    site: z.enum(builtinSiteIds).optional(),
    id: z.string().min(1).optional(),
    name: z.string().min(1).optional(),
    center: latLonSchema.optional(),
    radiusM: finite.positive().optional(),
    criticality: criticality.optional(),
  }).strict().refine((s) => s.site !== undefined || (s.center !== undefined && s.id !== undefined), {
    message: 'a protected site needs either `site` (a built-in id) or both `id` and `center`',
  }),
  z.object({
    kind: z.literal('no-fly'),
    id: z.string().min(1),
    name: z.string().min(1).optional(),
    polygon: z.array(latLonSchema).min(3),
    ceilingM: finite.positive().optional(),
    criticality: criticality.default('medium'),
  }).strict(),
]);

export const scenarioFileSchema = z.object({
  name: z.string().min(1).max(64),
  description: z.string().default(''),
  seed: z.number().int().min(0).max(0xffffffff),
  durationS: finite.positive().max(7 * 86400),
  /** Wall-clock time of the scenario start (ISO 8601, UTC); detections carry epoch milliseconds from it. */
  startTime: z.string().refine((s) => Number.isFinite(Date.parse(s)), { message: 'not an ISO 8601 date-time' }).default('2025-01-01T00:00:00Z'),
  sector: z.object({
    origin: z.object({ latDeg: finite.min(-90).max(90), lonDeg: finite.min(-180).max(180), heightAboveEllipsoidM: finite }).strict(),
    /** Surveilled region around the origin, east and north extents [m]. */
    region: z.object({
      eastM: z.tuple([finite, finite]).refine(([a, b]) => a < b, { message: 'eastM is [min, max] with min < max' }),
      northM: z.tuple([finite, finite]).refine(([a, b]) => a < b, { message: 'northM is [min, max] with min < max' }),
    }).strict().default({ eastM: [-15000, 15000], northM: [-10000, 10000] }),
  }).strict(),
  zones: z.array(zoneSchema).default([]),
  sensors: z.array(sensorConfigSchema).min(1),
  targets: z.array(targetSpecSchema).default([]),
}).strict();

export type ScenarioFile = z.infer<typeof scenarioFileSchema>;

export interface SiteZone {
  id: string;
  name: string;
  latDeg: number;
  lonDeg: number;
  radiusM: number;
  criticality: Criticality;
  source: string;
}

/** A validated scenario with its references (border file, built-in sites) resolved. */
export interface Scenario {
  /** Where it was read from. */
  file: string;
  name: string;
  description: string;
  seed: number;
  durationS: number;
  startTimeMs: number;
  origin: ScenarioFile['sector']['origin'];
  region: { xmin: number; xmax: number; ymin: number; ymax: number };
  border: {
    name: string;
    line: BorderLine;
    north: string;
    south: string;
    /** Whether the defended side is the line's left side (BorderGeometry.isLeft). */
    protectedIsLeft: boolean;
    protectedName: string;
    criticality: Criticality;
  } | null;
  sites: SiteZone[];
  noFly: Extract<ScenarioFile['zones'][number], { kind: 'no-fly' }>[];
  sensors: SensorConfig[];
  targets: TargetSpec[];
}

/** A scenario file problem: names the file, the path inside it and what is wrong. */
export class ScenarioError extends Error {
  constructor(readonly file: string, readonly issues: string[]) {
    super(`${file}: ${issues.join('; ')}`);
    this.name = 'ScenarioError';
  }
}

/** Names of the built-in scenarios (files in scenarios/). */
export const BUILTIN_SCENARIOS = ['border-night', 'dark-run', 'benign-day', 'port-recon', 'stress'] as const;

/** A built-in name → its file; anything else is taken as a path. */
export function resolveScenarioPath(nameOrPath: string): string {
  if (/^[a-z0-9-]+$/.test(nameOrPath) && !existsSync(nameOrPath)) {
    const p = join(scenariosDir(), `${nameOrPath}.yaml`);
    if (existsSync(p)) return p;
    throw new Error(`unknown scenario "${nameOrPath}" (built-in: ${BUILTIN_SCENARIOS.join(', ')}; or give a .yaml path)`);
  }
  return nameOrPath;
}

/** Whether a CLI argument names a simulator scenario (built-in or YAML) rather than a JSON file. */
export function isSimScenario(arg: string): boolean {
  return /\.ya?ml$/i.test(arg) || (/^[a-z0-9-]+$/.test(arg) && (BUILTIN_SCENARIOS as readonly string[]).includes(arg));
}

/** Reads, parses and validates a scenario file (or built-in name). */
export function loadSimScenario(nameOrPath: string): Scenario {
  const path = resolveScenarioPath(nameOrPath);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  }
  return parseSimScenario(text, path);
}

/** Parses and validates scenario YAML; `file` names it in errors and anchors relative paths. */
export function parseSimScenario(text: string, file: string): Scenario {
  const label = basename(file);
  const doc = YAML.parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new ScenarioError(label, doc.errors.map((e) => `YAML ${e.linePos ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}` : ''}: ${e.message.split('\n')[0]}`));
  }
  const parsed = scenarioFileSchema.safeParse(doc.toJS());
  if (!parsed.success) throw new ScenarioError(label, parsed.error.issues.slice(0, 8).map(formatIssue));
  const s = parsed.data;

  const issues: string[] = [];
  const ids = new Set<string>();
  s.sensors.forEach((c, i) => {
    if (ids.has(c.id)) issues.push(`sensors[${i}].id: duplicate sensor id "${c.id}"`);
    ids.add(c.id);
  });

  let border: Scenario['border'] = null;
  const sites: SiteZone[] = [];
  const noFly: Scenario['noFly'] = [];
  s.zones.forEach((z, i) => {
    if (z.kind === 'border') {
      if (border) {
        issues.push(`zones[${i}]: only one border line per sector`);
        return;
      }
      let line: BorderLine;
      try {
        line = z.line in BUILTIN_BORDERS
          ? readBorderGeoJson(join(scenariosDir(), BUILTIN_BORDERS[z.line as BuiltinBorderName]))
          : readBorderGeoJson(isAbsolute(z.line) ? z.line : resolve(dirname(file), z.line));
      } catch (err) {
        issues.push(`zones[${i}].line: ${(err as Error).message}`);
        return;
      }
      let northIsLeft: boolean;
      if (z.sides.north === line.left && z.sides.south === line.right) northIsLeft = true;
      else if (z.sides.north === line.right && z.sides.south === line.left) northIsLeft = false;
      else {
        issues.push(`zones[${i}].sides: the line's sides are ${line.left} (left) and ${line.right} (right), not ${z.sides.north}/${z.sides.south}`);
        return;
      }
      const protectedIsLeft = z.protectedSide === 'north' ? northIsLeft : !northIsLeft;
      border = {
        name: z.name, line, north: z.sides.north, south: z.sides.south, protectedIsLeft,
        protectedName: z.protectedSide === 'north' ? z.sides.north : z.sides.south, criticality: z.criticality,
      };
    } else if (z.kind === 'protected-site') {
      const b = z.site ? BUILTIN_SITES[z.site] : null;
      const id = z.id ?? z.site!;
      if (sites.some((x) => x.id === id)) issues.push(`zones[${i}]: duplicate site id "${id}"`);
      sites.push({
        id, name: z.name ?? b?.name ?? id,
        latDeg: z.center?.latDeg ?? b!.latDeg, lonDeg: z.center?.lonDeg ?? b!.lonDeg,
        radiusM: z.radiusM ?? b?.radiusM ?? 300, criticality: z.criticality ?? b?.criticality ?? 'high',
        source: z.center ? `${label} zones[${i}]` : b!.source,
      });
    } else {
      noFly.push(z);
    }
  });
  const needsBorder = s.targets.some((t) => t.type !== 'manned-aircraft' && t.type !== 'ground-vehicle' && t.type !== 'bird-flock');
  if (!border && needsBorder) issues.push('zones: the targets need a border zone (kind: border) to place launches, crossings and sides');
  if (issues.length > 0) throw new ScenarioError(label, issues);

  const r = s.sector.region;
  return {
    file, name: s.name, description: s.description, seed: s.seed, durationS: s.durationS,
    startTimeMs: Date.parse(s.startTime), origin: s.sector.origin,
    region: { xmin: r.eastM[0], xmax: r.eastM[1], ymin: r.northM[0], ymax: r.northM[1] },
    border, sites, noFly, sensors: s.sensors, targets: s.targets,
  };
}

function formatIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.reduce<string>((acc, k) => (typeof k === 'number' ? `${acc}[${k}]` : acc ? `${acc}.${String(k)}` : String(k)), '');
  let message = issue.message;
  if (issue.code === 'invalid_union' && 'note' in issue && issue.note === 'No matching discriminator') {
    message = 'unknown type/kind';
  }
  if (issue.code === 'unrecognized_keys') message = `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  return `${path || '(top level)'}: ${message}`;
}
