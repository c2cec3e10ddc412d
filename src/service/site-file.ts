/**
 * The site file `centinela serve --config site.yaml` runs from: one deployment's sector, zones,
 * sensors, and the live sources and sinks that connect them to the world.
 *
 *     name: hidalgo
 *     description: Hidalgo–Pharr stretch of the Rio Grande
 *     sector:
 *       origin: { latDeg: 26.09, lonDeg: -98.25, heightAboveEllipsoidM: 10 }
 *       region: { eastM: [-8000, 9000], northM: [-6000, 8000] }   # optional: tracks leaving it end
 *     zones: hidalgo-zones.geojson        # optional; GeoJSON as `centinela` writes it (see below)
 *     sensors:                            # the simulator's sensor schema (src/sim/sensors)
 *       - { id: adsb-mcallen, kind: adsb, position: { latDeg: 26.12, lonDeg: -98.24, heightAboveEllipsoidM: 20 } }
 *     sources:
 *       - { kind: sapient, host: 0.0.0.0, port: 5020, nodes: [{ nodeId: <uuid>, sensor: radar-hidalgo }] }
 *       - { kind: adsb-beast, host: 10.0.0.5, port: 30005, sensor: adsb-mcallen }
 *       - { kind: adsb-sbs, host: 10.0.0.5, port: 30003, sensor: adsb-mcallen }
 *       - { kind: remoteid-tcp, host: 10.0.0.6, port: 4242, sensor: remoteid-hidalgo }
 *       - { kind: remoteid-file, path: /var/run/rid.hex, follow: true, sensor: remoteid-hidalgo }
 *       - { kind: cot-multicast, group: 239.2.3.1, port: 6969 }
 *       - { kind: cot-tcp, host: tak.example, port: 8089, tls: { cert: c.pem, key: k.pem, ca: ca.pem } }
 *     sinks:
 *       - { kind: tak-multicast, group: 239.2.3.1, port: 6969 }
 *       - { kind: tak-tcp, host: tak.example, port: 8089, tls: { cert: c.pem, key: k.pem, ca: ca.pem } }
 *       - { kind: sapient, host: 10.0.0.9, port: 5020, nodeId: <uuid> }
 *
 * Relative paths (zones, TLS files, Remote ID files) are relative to the site file. The zones
 * file is a GeoJSON FeatureCollection whose features carry `properties.kind` (border,
 * protected-site, no-fly, corridor), the format `zonesGeoJsonOf` (src/pipeline/site.ts) writes and
 * `zonesFromGeoJson` (src/assess/zones.ts) reads.
 *
 * SAPIENT nodes are mapped onto sensors declared here by their node UUID: the sensor gives the
 * node's surveyed position and its measurement model. A node not declared that registers becomes
 * a sensor of its own while the service runs (`undeclaredNodes: add`, the default): its kind from
 * its registration's node type (radar, lidar → radar; camera → eoir; acoustic; passive RF → rf),
 * its position from its first StatusReport `node_location`, the kind's default parameters. Nodes
 * of a type Centinela cannot fuse are refused, with the reason in the RegistrationAck.
 * A node reports each object in a DetectionReport of its own, on its own timestamp: the sensors
 * nodes feed are report-driven (any sensor's `reportIntervalS`: a report touches only its own
 * object's track, and silence is a miss once per that interval) — a declared node's at its
 * sensor's `reportIntervalS`, else DEFAULT_SAPIENT_REPORT_INTERVAL_S (1 s); an undeclared node's
 * at the period its registration states (registrationReportIntervalS), else the same default.
 *
 * Every problem is reported with the path of the field (`sources[1].sensor: no sensor "x" …`),
 * all of them at once, in a SiteFileError.
 */
import { readFileSync, statSync } from 'node:fs';
import { isIPv4 } from 'node:net';
import { basename, dirname, resolve } from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import { zonesFromGeoJson, type ZoneGeoJson } from '../assess/zones.js';
import { LocalFrame } from '../geo/enu.js';
import { SENSOR_KINDS } from '../model/detection.js';
import type { Site } from '../pipeline/site.js';
import { sensorConfigSchema, type SensorConfig } from '../sim/sensor-models.js';

/**
 * Report interval of a sensor a SAPIENT node feeds when neither the site file (the sensor's
 * `reportIntervalS`) nor, for an undeclared node, its registration states one [s]. Nodes send one
 * DetectionReport per object, each on its own timestamp, so their sensors are report-driven
 * (SensorSpec.reportIntervalMs: a report touches its own object's track only, and silence is a
 * miss once per interval); most report about once a second.
 */
export const DEFAULT_SAPIENT_REPORT_INTERVAL_S = 1;

const finite = z.number().finite();
const host = z.string().min(1).max(253);
const port = z.number().int().min(1).max(65535);
/** A listening port; 0 lets the system pick one (tests). */
const listenPort = z.number().int().min(0).max(65535);
const uuid = z.string().regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, { message: 'not a UUID' });
const multicastGroup = z.string().refine((s) => isIPv4(s) && Number(s.split('.')[0]) >= 224 && Number(s.split('.')[0]) <= 239, {
  message: 'not an IPv4 multicast address (224.0.0.0–239.255.255.255)',
});
const ipv4 = z.string().refine((s) => isIPv4(s), { message: 'not an IPv4 address' });
/** An adapter's name in logs and metrics labels (default `<kind>-<index>`). */
const adapterId = z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, { message: 'letters, digits, _ . : - only (1–64)' });

const tlsSchema = z.strictObject({
  /** Client certificate (PEM file). */
  cert: z.string().min(1).optional(),
  /** Its private key (PEM file). */
  key: z.string().min(1).optional(),
  passphrase: z.string().optional(),
  /** CA certificate(s) of the server (PEM file). */
  ca: z.string().min(1).optional(),
  servername: z.string().min(1).optional(),
  rejectUnauthorized: z.boolean().default(true),
});

const sapientSourceSchema = z.strictObject({
  kind: z.literal('sapient'),
  id: adapterId.optional(),
  /** Interface to listen on (0.0.0.0 for remote nodes). */
  host: host.default('127.0.0.1'),
  port: listenPort.default(5020),
  /** This fusion node's UUID (keep it stable; default random per start). */
  nodeId: uuid.optional(),
  /** Nodes mapped onto sensors of this site (surveyed position, tuned parameters). */
  nodes: z.array(z.strictObject({ nodeId: uuid, sensor: z.string().min(1) })).max(4096).default([]),
  /** Nodes not in `nodes` that register: `add` each as a sensor of its own (default), or `refuse` them. */
  undeclaredNodes: z.enum(['add', 'refuse']).default('add'),
  /** Most undeclared nodes added as sensors (each is a sensor the tracker keeps); beyond it they are refused. */
  maxUndeclaredNodes: z.number().int().min(0).max(1000).default(64),
  /** Range-bearing reports become polar plots (default) or positions. */
  rangeBearingAs: z.enum(['polar', 'position']).default('polar'),
  /** Magnetic declination at the site [deg east], for nodes reporting magnetic bearings. */
  magneticDeclinationDeg: finite.min(-180).max(180).optional(),
  /** Geoid separation N at the site [m], for reports in the WGS84_G datum. */
  geoidSeparationM: finite.min(-200).max(200).default(0),
  maxConnections: z.number().int().min(1).max(10_000).default(256),
});

const adsbFields = {
  id: adapterId.optional(),
  host,
  /** The ADS-B sensor (kind adsb) its detections come from. */
  sensor: z.string().min(1),
};
const adsbBeastSourceSchema = z.strictObject({ kind: z.literal('adsb-beast'), ...adsbFields, port: port.default(30005) });
const adsbSbsSourceSchema = z.strictObject({ kind: z.literal('adsb-sbs'), ...adsbFields, port: port.default(30003) });

const remoteIdTcpSourceSchema = z.strictObject({
  kind: z.literal('remoteid-tcp'),
  id: adapterId.optional(),
  host,
  port,
  /** The Remote ID sensor (kind remoteid) its detections come from. */
  sensor: z.string().min(1),
});

const remoteIdFileSourceSchema = z.strictObject({
  kind: z.literal('remoteid-file'),
  id: adapterId.optional(),
  /** A line-per-frame hex feed (src/ingest/remoteid/feed.ts), relative to the site file. */
  path: z.string().min(1),
  /** Keep reading what is appended (a receiver's log), as `tail -f` does (default true). */
  follow: z.boolean().default(true),
  sensor: z.string().min(1),
});

const cotMulticastSourceSchema = z.strictObject({
  kind: z.literal('cot-multicast'),
  id: adapterId.optional(),
  group: multicastGroup.default('239.2.3.1'),
  port: port.default(6969),
  /** IPv4 address of the interface to join the group on. */
  interface: ipv4.optional(),
});

const cotTcpSourceSchema = z.strictObject({
  kind: z.literal('cot-tcp'),
  id: adapterId.optional(),
  host,
  /** Default 8087, or 8089 with TLS. */
  port: port.optional(),
  tls: tlsSchema.optional(),
});

const sourceSchema = z.discriminatedUnion('kind', [
  sapientSourceSchema, adsbBeastSourceSchema, adsbSbsSourceSchema, remoteIdTcpSourceSchema, remoteIdFileSourceSchema,
  cotMulticastSourceSchema, cotTcpSourceSchema,
]);

const sinkFields = {
  id: adapterId.optional(),
  /** Send each track at most this often [ms of sensor time] (default 1000). */
  everyMs: z.number().int().min(0).max(600_000).default(1000),
};
const cotFields = {
  ...sinkFields,
  /** Prefix of CoT uids (default `centinela-<site name>-`): unique per site. */
  uidPrefix: z.string().min(1).max(64).optional(),
  /** CoT stale time after the track time [ms]. */
  staleAfterMs: z.number().int().min(1000).max(3_600_000).default(15_000),
};

const takMulticastSinkSchema = z.strictObject({
  kind: z.literal('tak-multicast'),
  ...cotFields,
  group: multicastGroup.default('239.2.3.1'),
  port: port.default(6969),
  interface: ipv4.optional(),
  /** Multicast TTL (1: the local subnet). */
  ttl: z.number().int().min(0).max(255).default(1),
  encoding: z.enum(['xml', 'proto']).default('xml'),
});

const takTcpSinkSchema = z.strictObject({
  kind: z.literal('tak-tcp'),
  ...cotFields,
  host,
  /** Default 8087, or 8089 with TLS. */
  port: port.optional(),
  tls: tlsSchema.optional(),
  encoding: z.enum(['xml', 'proto', 'negotiate']).default('xml'),
  queueCapacity: z.number().int().min(1).max(100_000).default(1000),
});

const sapientSinkSchema = z.strictObject({
  kind: z.literal('sapient'),
  ...sinkFields,
  host,
  port,
  /** Our node UUID at the parent (default derived from the site name, so it is stable). */
  nodeId: uuid.optional(),
  name: z.string().min(1).max(128).optional(),
});

const sinkSchema = z.discriminatedUnion('kind', [takMulticastSinkSchema, takTcpSinkSchema, sapientSinkSchema]);

export const siteFileSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, { message: 'letters, digits, _ . - (1–64, starting with a letter or digit)' }),
  description: z.string().max(1000).default(''),
  sector: z.strictObject({
    origin: z.strictObject({ latDeg: finite.min(-90).max(90), lonDeg: finite.min(-180).max(180), heightAboveEllipsoidM: finite.min(-1000).max(10_000) }),
    /** Surveilled region around the origin, east and north extents [m]; absent: unbounded. */
    region: z.strictObject({
      eastM: z.tuple([finite, finite]).refine(([a, b]) => a < b, { message: 'eastM is [min, max] with min < max' }),
      northM: z.tuple([finite, finite]).refine(([a, b]) => a < b, { message: 'northM is [min, max] with min < max' }),
    }).optional(),
  }),
  /** GeoJSON zones file, relative to the site file. */
  zones: z.string().min(1).optional(),
  sensors: z.array(sensorConfigSchema).min(1).max(1000),
  sources: z.array(sourceSchema).max(256).default([]),
  sinks: z.array(sinkSchema).max(64).default([]),
});

type Tls = z.output<typeof tlsSchema>;

/** TLS settings with the PEM files read. */
export interface TlsMaterial {
  cert?: Buffer;
  key?: Buffer;
  passphrase?: string;
  ca?: Buffer;
  servername?: string;
  rejectUnauthorized: boolean;
}

type WithId<T> = Omit<T, 'id'> & { id: string };
type WithTls<T> = Omit<T, 'tls'> & { tls?: TlsMaterial };

export type SapientSourceConfig = WithId<z.output<typeof sapientSourceSchema>>;
export type AdsbSourceConfig = WithId<z.output<typeof adsbBeastSourceSchema> | z.output<typeof adsbSbsSourceSchema>>;
export type RemoteIdTcpSourceConfig = WithId<z.output<typeof remoteIdTcpSourceSchema>>;
/** `path` is absolute. */
export type RemoteIdFileSourceConfig = WithId<z.output<typeof remoteIdFileSourceSchema>>;
export type CotMulticastSourceConfig = WithId<z.output<typeof cotMulticastSourceSchema>>;
export type CotTcpSourceConfig = WithTls<WithId<z.output<typeof cotTcpSourceSchema>>>;
export type SourceConfig =
  | SapientSourceConfig | AdsbSourceConfig | RemoteIdTcpSourceConfig | RemoteIdFileSourceConfig | CotMulticastSourceConfig | CotTcpSourceConfig;

export type TakMulticastSinkConfig = WithId<z.output<typeof takMulticastSinkSchema>>;
export type TakTcpSinkConfig = WithTls<WithId<z.output<typeof takTcpSinkSchema>>>;
export type SapientSinkConfig = WithId<z.output<typeof sapientSinkSchema>>;
export type SinkConfig = TakMulticastSinkConfig | TakTcpSinkConfig | SapientSinkConfig;

/** A loaded site file: the Site the pipeline runs, and the adapters to start against it. */
export interface SiteFile {
  /** Absolute path of the file. */
  file: string;
  site: Site;
  sources: SourceConfig[];
  sinks: SinkConfig[];
}

/** A site file problem: names the file and, per problem, the path of the field and what is wrong. */
export class SiteFileError extends Error {
  constructor(readonly file: string, readonly issues: string[]) {
    super(`${file}: ${issues.join('; ')}`);
    this.name = 'SiteFileError';
  }
}

/** Reads, parses and validates a site file. */
export function loadSiteFile(path: string): SiteFile {
  const file = resolve(path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new SiteFileError(path, [`cannot read the site file: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`]);
  }
  return parseSiteFile(text, file);
}

/** Parses and validates site YAML; `file` names it in errors and anchors relative paths. */
export function parseSiteFile(text: string, file: string): SiteFile {
  const label = basename(file);
  const dir = dirname(resolve(file));
  const doc = YAML.parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new SiteFileError(label, doc.errors.map((e) => `YAML${e.linePos ? ` line ${e.linePos[0].line}, column ${e.linePos[0].col}` : ''}: ${e.message.split('\n')[0]}`));
  }
  const parsed = siteFileSchema.safeParse(doc.toJS());
  if (!parsed.success) throw new SiteFileError(label, parsed.error.issues.slice(0, 20).map(formatIssue));
  const f = parsed.data;
  const issues: string[] = [];
  const at = (p: string) => resolve(dir, p);

  // Sensors: unique ids; each fed by at most one source (a sensor's stream must be time-ordered).
  const sensors = new Map<string, SensorConfig>();
  f.sensors.forEach((c, i) => {
    if (sensors.has(c.id)) issues.push(`sensors[${i}].id: duplicate sensor id "${c.id}"`);
    else sensors.set(c.id, c);
  });
  const fedBy = new Map<string, string>();
  const claim = (sensorId: string, where: string, kinds: readonly string[] | null): void => {
    const c = sensors.get(sensorId);
    if (!c) {
      issues.push(`${where}: no sensor "${sensorId}" among sensors (${[...sensors.keys()].join(', ')})`);
      return;
    }
    if (kinds && !kinds.includes(c.kind)) issues.push(`${where}: sensor "${sensorId}" is a ${c.kind} sensor; this source needs one of kind ${kinds.join(' or ')}`);
    const other = fedBy.get(sensorId);
    if (other) issues.push(`${where}: sensor "${sensorId}" is already fed by ${other} (one source per sensor)`);
    else fedBy.set(sensorId, where);
  };

  const ids = new Set<string>();
  const idFor = (given: string | undefined, kind: string, i: number, where: string): string => {
    const id = given ?? `${kind}-${i}`;
    if (ids.has(id)) issues.push(`${where}.id: duplicate adapter id "${id}"`);
    ids.add(id);
    return id;
  };
  const tlsOf = (t: Tls | undefined, where: string): TlsMaterial | undefined => {
    if (!t) return undefined;
    const read = (p: string | undefined, field: string): Buffer | undefined => {
      if (p === undefined) return undefined;
      try {
        return readFileSync(at(p));
      } catch (err) {
        issues.push(`${where}.tls.${field}: cannot read ${at(p)}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
        return undefined;
      }
    };
    if ((t.cert === undefined) !== (t.key === undefined)) issues.push(`${where}.tls: a client certificate needs both cert and key`);
    const m: TlsMaterial = { rejectUnauthorized: t.rejectUnauthorized };
    const cert = read(t.cert, 'cert'), key = read(t.key, 'key'), ca = read(t.ca, 'ca');
    if (cert) m.cert = cert;
    if (key) m.key = key;
    if (ca) m.ca = ca;
    if (t.passphrase !== undefined) m.passphrase = t.passphrase;
    if (t.servername !== undefined) m.servername = t.servername;
    return m;
  };

  const nodeIds = new Map<string, string>();
  const sapientFed = new Set<string>();
  const sources: SourceConfig[] = f.sources.map((s, i) => {
    const where = `sources[${i}]`;
    const id = idFor(s.id, s.kind, i, where);
    switch (s.kind) {
      case 'sapient':
        s.nodes.forEach((n, k) => {
          const key = n.nodeId.toLowerCase();
          const other = nodeIds.get(key);
          if (other) issues.push(`${where}.nodes[${k}].nodeId: node ${n.nodeId} is already declared at ${other}`);
          else nodeIds.set(key, `${where}.nodes[${k}]`);
          claim(n.sensor, `${where}.nodes[${k}].sensor`, null);
          sapientFed.add(n.sensor);
        });
        return { ...s, id };
      case 'adsb-beast':
      case 'adsb-sbs':
        claim(s.sensor, `${where}.sensor`, ['adsb']);
        return { ...s, id };
      case 'remoteid-tcp':
        claim(s.sensor, `${where}.sensor`, ['remoteid']);
        return { ...s, id };
      case 'remoteid-file': {
        claim(s.sensor, `${where}.sensor`, ['remoteid']);
        const path = at(s.path);
        try {
          if (statSync(path).isDirectory()) issues.push(`${where}.path: ${path} is a directory`);
        } catch (err) {
          issues.push(`${where}.path: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
        }
        return { ...s, id, path };
      }
      case 'cot-multicast':
        return { ...s, id };
      case 'cot-tcp': {
        const { tls, ...rest } = s;
        const m = tlsOf(tls, where);
        return { ...rest, id, ...(m ? { tls: m } : {}) };
      }
    }
  });

  const sinks: SinkConfig[] = f.sinks.map((s, i) => {
    const where = `sinks[${i}]`;
    const id = idFor(s.id, s.kind, i, where);
    if (s.kind === 'tak-tcp') {
      const { tls, ...rest } = s;
      const m = tlsOf(tls, where);
      return { ...rest, id, ...(m ? { tls: m } : {}) };
    }
    return { ...s, id };
  });

  let zones: ZoneGeoJson = { type: 'FeatureCollection', features: [] };
  if (f.zones !== undefined) {
    const path = at(f.zones);
    try {
      const json = JSON.parse(readFileSync(path, 'utf8')) as unknown;
      zonesFromGeoJson(json, LocalFrame.fromDegrees(f.sector.origin)); // the same checks the pipeline will make
      zones = json as ZoneGeoJson;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      issues.push(`zones: ${code ? `cannot read ${path}: ${code}` : `${path}: ${(err as Error).message}`}`);
    }
  }

  if (issues.length) throw new SiteFileError(label, issues);
  const r = f.sector.region;
  const site: Site = {
    name: f.name,
    description: f.description,
    origin: f.sector.origin,
    region: r ? { xmin: r.eastM[0], xmax: r.eastM[1], ymin: r.northM[0], ymax: r.northM[1] } : null,
    // Sensors SAPIENT nodes feed are report-driven.
    sensors: f.sensors.map((c) => (sapientFed.has(c.id) && c.reportIntervalS === undefined ? { ...c, reportIntervalS: DEFAULT_SAPIENT_REPORT_INTERVAL_S } : c)),
    zones,
  };
  return { file: resolve(file), site, sources, sinks };
}

function formatIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.reduce<string>((acc, k) => (typeof k === 'number' ? `${acc}[${k}]` : acc ? `${acc}.${String(k)}` : String(k)), '');
  let message = issue.message;
  if (issue.code === 'invalid_union' && 'note' in issue && issue.note === 'No matching discriminator') {
    const kinds = path.startsWith('sources') ? sourceSchema.options.map((o) => o.shape.kind.value)
      : path.startsWith('sinks') ? sinkSchema.options.map((o) => o.shape.kind.value)
        : path.startsWith('sensors') ? [...SENSOR_KINDS] : [];
    message = `unknown kind${kinds.length ? ` (one of: ${kinds.join(', ')})` : ''}`;
  }
  if (issue.code === 'unrecognized_keys') message = `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  return `${path || '(top level)'}: ${message}`;
}
