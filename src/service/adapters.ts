/**
 * The standards adapters of a live service: the site file's sources publish Detections into the
 * running Service, its sinks send the pipeline's track updates out.
 *
 * Sources                                       → Detection.sensorId
 *   sapient        fusion-node TCP server        the site sensor each declared node maps to; an
 *                                                undeclared node that registers becomes a sensor
 *                                                `sapient:<node uuid>` (see startSapientSource)
 *   adsb-beast/sbs AdsbFeedClient (TCP client)   the source's adsb sensor
 *   remoteid-tcp   RemoteIdTcpClient             the source's remoteid sensor
 *   remoteid-file  RemoteIdFileFeed              the source's remoteid sensor
 *   cot-multicast  CotMulticastListener          (blue force: kept in a table, see blueForce())
 *   cot-tcp        CotTcpClient                  (blue force)
 * Sinks (subscribed to the bus's `tracks` topic)
 *   tak-multicast  CotMulticastSender            CoT event per track, delete event when it ends
 *   tak-tcp        TakStreamClient (TLS option)  same
 *   sapient        SapientClient                 DetectionReport per track, "ended" when it ends
 *
 * Receipt times (ADS-B Beast, Remote ID lines without a time) come from the service's clock.
 * Reconnection with backoff is the clients' own; listeners that cannot bind (port in use) and
 * file feeds that cannot open retry with backoff here. Memory is bounded by each client's limits,
 * by the senders' drop-oldest queues, and by `MAX_SINK_TRACKS` per sink.
 *
 * Every adapter registers its counters with the service for /metrics, as
 * `centinela_<family>_<counter>{adapter="<id>"}`: families sapient_in, adsb_in, remoteid_in,
 * cot_in, tak_out, sapient_out; counters received_total, accepted_total, rejected_total and
 * rejected_<reason>_total for sources, sent_total, dropped_total, errors_total, … for sinks.
 */
import { createHash } from 'node:crypto';
import type { Bus } from '../bus/bus.js';
import { AdsbFeedClient } from '../ingest/adsb/client.js';
import type { BlueForcePosition } from '../ingest/cot/blue-force.js';
import { CotMulticastListener, CotTcpClient } from '../ingest/cot/listener.js';
import { RemoteIdFileFeed, RemoteIdTcpClient } from '../ingest/remoteid/client.js';
import { has, type ProtoObject } from '../ingest/sapient/schema.js';
import { registrationNodeTypes, registrationReportIntervalS, SapientServer, sensorKindOf } from '../ingest/sapient/server.js';
import type { Detection } from '../model/detection.js';
import { SapientClient } from '../outputs/sapient/client.js';
import type { TrackSnapshot as SapientTrackSnapshot } from '../outputs/sapient/track.js';
import { Backoff, type BackoffOptions } from '../net/backoff.js';
import { trackSnapshotToCot, type TrackSnapshot as CotTrackSnapshot } from '../outputs/tak/cot.js';
import { cotDeleteEvent, type CotEvent } from '../outputs/tak/event.js';
import { CotMulticastSender } from '../outputs/tak/multicast.js';
import { TakStreamClient, type TakSenderCounters, type TakTlsOptions } from '../outputs/tak/stream.js';
import type { Site } from '../pipeline/site.js';
import type { TrackUpdate, TrackView } from '../pipeline/views.js';
import { sensorConfigSchema, type SensorConfig } from '../sim/sensor-models.js';
import { DEFAULT_SAPIENT_REPORT_INTERVAL_S } from './site-file.js';
import type {
  AdsbSourceConfig, CotMulticastSourceConfig, CotTcpSourceConfig, RemoteIdFileSourceConfig, RemoteIdTcpSourceConfig,
  SapientSinkConfig, SapientSourceConfig, SinkConfig, SiteFile, SourceConfig, TakMulticastSinkConfig, TakTcpSinkConfig, TlsMaterial,
} from './site-file.js';

/** What the adapters need of the running service (src/service/service.ts `Service` fits). */
export interface AdapterHost {
  readonly bus: Pick<Bus, 'subscribe'>;
  publish(d: Detection): void;
  addMetricsSource(source: { name: string; labels?: Record<string, string>; read: () => Record<string, number> }): void;
  now(): number;
  readonly log?: AdapterLogger;
  /**
   * Adds a sensor to the running pipeline (Service → Pipeline.addSensor); throws on a duplicate
   * id. Without it, SAPIENT nodes not declared in the site file are refused.
   */
  addSensor?(config: SensorConfig): void;
  /** Takes the blue-force positions the CoT sources hold (the service shows them at /api/blueforce). */
  addBlueForceSource?(read: () => BlueForcePosition[]): void;
}

export interface AdapterLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface AdapterOptions {
  /** Backoff of every client and of listeners that cannot bind (tests shorten it). */
  backoff?: BackoffOptions;
}

/** One running adapter. */
export interface Adapter {
  readonly id: string;
  readonly kind: SourceConfig['kind'] | SinkConfig['kind'];
  readonly role: 'source' | 'sink';
  /** Its counters, flattened as /metrics shows them. */
  metrics(): Record<string, number>;
  /** A listener's bound port (0 until bound); undefined for clients. */
  readonly port?: number;
  stop(): Promise<void>;
}

export interface AdaptersHandle {
  readonly adapters: readonly Adapter[];
  get(id: string): Adapter | undefined;
  /** Current blue-force positions from every CoT source (not stale at `nowMs`), by uid. */
  blueForce(nowMs?: number): BlueForcePosition[];
  /** Stops every adapter (sinks first, so the last updates go out; then sources). */
  stop(): Promise<void>;
}

/** Tracks a sink remembers (to send their end): beyond this the least recently updated are forgotten. */
export const MAX_SINK_TRACKS = 10_000;

/** Starts the site's sources and sinks against a running service. */
export async function startAdapters(host: AdapterHost, config: Pick<SiteFile, 'site' | 'sources' | 'sinks'>, options: AdapterOptions = {}): Promise<AdaptersHandle> {
  const adapters: Adapter[] = [];
  const blue: (() => BlueForcePosition[])[] = [];
  const unsubscribe: (() => void)[] = [];
  const ctx: Ctx = { host, site: config.site, options, log: host.log ?? SILENT };
  const handle: AdaptersHandle = {
    adapters,
    get: (id) => adapters.find((a) => a.id === id),
    blueForce: (nowMs) => {
      const byUid = new Map<string, BlueForcePosition>();
      for (const list of blue) for (const p of list()) {
        const old = byUid.get(p.uid);
        if ((nowMs === undefined || p.staleMs > nowMs) && (!old || old.timeMs < p.timeMs)) byUid.set(p.uid, p);
      }
      return [...byUid.values()].sort((a, b) => (a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0));
    },
    stop: async () => {
      for (const u of unsubscribe.splice(0)) u();
      const sinks = adapters.filter((a) => a.role === 'sink'), sources = adapters.filter((a) => a.role === 'source');
      await Promise.allSettled(sinks.map((a) => a.stop()));
      await Promise.allSettled(sources.map((a) => a.stop()));
    },
  };
  if (config.sources.some((s) => s.kind === 'cot-multicast' || s.kind === 'cot-tcp')) host.addBlueForceSource?.(() => handle.blueForce(host.now()));
  try {
    for (const s of config.sources) {
      const a = await startSource(ctx, s, blue);
      adapters.push(a);
      host.addMetricsSource({ name: SOURCE_FAMILY[s.kind], labels: { adapter: a.id }, read: () => a.metrics() });
    }
    for (const s of config.sinks) {
      const sink = startSink(ctx, s);
      adapters.push(sink);
      unsubscribe.push(host.bus.subscribe('tracks', (u) => sink.update(u)));
      host.addMetricsSource({ name: SINK_FAMILY[s.kind], labels: { adapter: sink.id }, read: () => sink.metrics() });
    }
  } catch (err) {
    await handle.stop();
    throw err;
  }
  return handle;
}

const SOURCE_FAMILY: Record<SourceConfig['kind'], string> = {
  sapient: 'sapient_in',
  'adsb-beast': 'adsb_in', 'adsb-sbs': 'adsb_in',
  'remoteid-tcp': 'remoteid_in', 'remoteid-file': 'remoteid_in',
  'cot-multicast': 'cot_in', 'cot-tcp': 'cot_in',
};
const SINK_FAMILY: Record<SinkConfig['kind'], string> = { 'tak-multicast': 'tak_out', 'tak-tcp': 'tak_out', sapient: 'sapient_out' };

interface Ctx {
  host: AdapterHost;
  site: Site;
  options: AdapterOptions;
  log: AdapterLogger;
}

const SILENT: AdapterLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

// ---------------------------------------------------------------------------------------------
// Counters

interface InCounters {
  received: number;
  accepted: number;
  rejected: Record<string, number>;
}

/** received/accepted/rejected (+ by reason) and extra numbers, as /metrics keys. */
function sourceMetrics(c: InCounters, extra: Record<string, number | boolean | null | undefined> = {}): Record<string, number> {
  const out: Record<string, number> = { received_total: c.received, accepted_total: c.accepted };
  let rejected = 0;
  for (const [reason, n] of Object.entries(c.rejected)) {
    rejected += n;
    out[`rejected_${reason}_total`] = n;
  }
  out.rejected_total = rejected;
  return addExtra(out, extra);
}

function addExtra(out: Record<string, number>, extra: Record<string, number | boolean | null | undefined>): Record<string, number> {
  for (const [k, v] of Object.entries(extra)) {
    if (typeof v === 'number') out[k] = v;
    else if (typeof v === 'boolean') out[k] = v ? 1 : 0;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Sources

async function startSource(ctx: Ctx, s: SourceConfig, blue: (() => BlueForcePosition[])[]): Promise<Adapter> {
  switch (s.kind) {
    case 'sapient': return startSapientSource(ctx, s);
    case 'adsb-beast':
    case 'adsb-sbs': return startAdsbSource(ctx, s);
    case 'remoteid-tcp': return startRemoteIdTcp(ctx, s);
    case 'remoteid-file': return startRemoteIdFile(ctx, s);
    case 'cot-multicast': return startCotMulticast(ctx, s, blue);
    case 'cot-tcp': return startCotTcp(ctx, s, blue);
  }
}

function sensorOf(ctx: Ctx, id: string): SensorConfig {
  const c = ctx.site.sensors.find((x) => x.id === id);
  if (!c) throw new Error(`no sensor "${id}" in site ${ctx.site.name}`);
  return c;
}

/**
 * Runs `attempt` until it succeeds, with backoff between failures; resolves after the first try
 * either way (a listener that cannot bind yet must not stop the service).
 */
function keepTrying(ctx: Ctx, id: string, what: () => string, attempt: () => Promise<void>): { first: Promise<void>; cancel: () => void } {
  const backoff = new Backoff(ctx.options.backoff);
  let timer: NodeJS.Timeout | null = null;
  let cancelled = false;
  const run = async (): Promise<void> => {
    try {
      await attempt();
      if (!cancelled) ctx.log.info({ adapter: id }, what());
    } catch (err) {
      if (cancelled) return;
      const delayMs = backoff.next();
      ctx.log.error({ adapter: id, err: (err as Error).message, retryMs: delayMs }, `${what()} failed; retrying`);
      timer = setTimeout(() => {
        timer = null;
        if (!cancelled) void run();
      }, delayMs);
    }
  };
  return {
    first: run(),
    cancel: () => {
      cancelled = true;
      if (timer) clearTimeout(timer);
    },
  };
}

/** Undeclared SAPIENT node types we can fuse, for the refusal message. */
const FUSABLE_NODE_TYPES = 'radar, lidar, camera, acoustic, passive RF';

/** A node not declared in the site file that registered: its sensor, once its position is known. */
interface UndeclaredNode {
  nodeId: string;
  sensorId: string;
  kind: SensorConfig['kind'];
  name?: string;
  /** Its report interval [s]: the period its registration states, else DEFAULT_SAPIENT_REPORT_INTERVAL_S. */
  reportIntervalS: number;
  /** Whether its sensor is in the pipeline (it needs a position: the node's StatusReport). */
  added: boolean;
  /** Detections dropped while waiting for the position (warned about once). */
  waiting: number;
}

/**
 * The SAPIENT fusion-node listener. Declared nodes (`nodes`) map onto site sensors. A node not
 * declared that registers is, with `undeclaredNodes: add` and a host that can add sensors, taken
 * as a sensor `sapient:<node uuid>`: kind from its registration's node types (sensorKindOf),
 * default parameters of that kind (radars without range rate: SAPIENT reports carry none;
 * cameras all round: where one points is not known), position from its first StatusReport with
 * a `node_location` — its measurement model needs it, so its detections before then are dropped
 * and counted (`awaiting_position`). Nodes whose types map onto no kind Centinela fuses, nodes
 * past `maxUndeclaredNodes`, and every undeclared node under `undeclaredNodes: refuse` are refused
 * with the reason in the RegistrationAck.
 *
 * A node sends one DetectionReport per object, each on its own timestamp, so the sensors nodes feed
 * are report-driven (`reportIntervalS`; each detection's identity is the node's object id): a
 * declared node's at its site sensor's setting (the site file defaults it to 1 s), an undeclared
 * node's at the period its registration states (registrationReportIntervalS), else 1 s.
 */
async function startSapientSource(ctx: Ctx, s: SapientSourceConfig): Promise<Adapter> {
  const sensorOfNode = new Map(s.nodes.map((n) => [n.nodeId.toLowerCase(), sensorOf(ctx, n.sensor)]));
  const nodePositions: Record<string, SensorConfig['position']> = {};
  for (const n of s.nodes) nodePositions[n.nodeId] = nodePositions[n.nodeId.toLowerCase()] = { ...sensorOf(ctx, n.sensor).position };
  const undeclared = new Map<string, UndeclaredNode>();
  const uc = { added: 0, awaitingPosition: 0, addFailed: 0 };
  let published = 0;
  let server: SapientServer | null = null;
  let stopped = false;

  const acceptUndeclared = (nodeId: string, reg: ProtoObject): { accept: boolean; reasons?: string[] } => {
    const key = nodeId.toLowerCase();
    if (undeclared.has(key)) return { accept: true }; // registering again (a new connection)
    const notDeclared = `node ${nodeId} is not declared in site ${ctx.site.name} (sources[].nodes of kind sapient)`;
    if (s.undeclaredNodes === 'refuse') return { accept: false, reasons: [`${notDeclared}, and undeclared nodes are refused (undeclaredNodes: refuse)`] };
    if (!ctx.host.addSensor) return { accept: false, reasons: [`${notDeclared}, and this service cannot add sensors while it runs`] };
    const types = registrationNodeTypes(reg);
    const kind = sensorKindOf(types);
    if (!kind) {
      return { accept: false, reasons: [`${notDeclared}, and its node type (${types.join(', ') || 'none'}) maps onto no sensor Centinela fuses (${FUSABLE_NODE_TYPES})`] };
    }
    if (undeclared.size >= s.maxUndeclaredNodes) {
      return { accept: false, reasons: [`${notDeclared}, and the ${s.maxUndeclaredNodes} undeclared nodes this source takes (maxUndeclaredNodes) are taken`] };
    }
    const sensorId = `sapient:${key}`;
    const reportIntervalS = registrationReportIntervalS(reg) ?? DEFAULT_SAPIENT_REPORT_INTERVAL_S;
    const node: UndeclaredNode = { nodeId, sensorId, kind, ...(has(reg, 'name') ? { name: String(reg.name) } : {}), reportIntervalS, added: false, waiting: 0 };
    const existing = ctx.site.sensors.find((c) => c.id === sensorId);
    if (existing) {
      // Its sensor from an earlier run (the service restores the sensors nodes made): the same
      // node back, unless the sensor is of another kind.
      if (existing.kind !== kind) return { accept: false, reasons: [`${notDeclared}, and sensor id ${sensorId} is taken by a ${existing.kind} sensor`] };
      node.added = true;
      ctx.log.info({ adapter: s.id, node: nodeId, sensor: sensorId }, 'SAPIENT node registered again: its sensor from an earlier run is kept');
    }
    undeclared.set(key, node);
    return { accept: true };
  };

  /** Makes an undeclared node's sensor once its position is known. */
  const addUndeclared = (u: UndeclaredNode, position: SensorConfig['position']): void => {
    if (u.added) return;
    const config = sensorConfigSchema.parse({
      id: u.sensorId, kind: u.kind, position: { ...position }, reportIntervalS: u.reportIntervalS,
      ...(u.kind === 'radar' ? { measuresRangeRate: false } : u.kind === 'eoir' ? { horizontalFovDeg: 360 } : {}),
    });
    try {
      ctx.host.addSensor!(config);
      u.added = true;
      uc.added++;
      ctx.log.info({ adapter: s.id, node: u.nodeId, name: u.name, sensor: u.sensorId, kind: u.kind, position, reportIntervalS: u.reportIntervalS }, 'SAPIENT node added as a sensor');
    } catch (err) {
      uc.addFailed++;
      ctx.log.error({ adapter: s.id, node: u.nodeId, sensor: u.sensorId, err: (err as Error).message }, 'SAPIENT node could not be added as a sensor');
    }
  };

  const start = keepTrying(ctx, s.id, () => `SAPIENT fusion node ${server ? `listening on ${s.host}:${server.port}` : `on ${s.host}:${s.port}`}`, async () => {
    const srv = await SapientServer.start({
      host: s.host, port: s.port, nodeId: s.nodeId, maxConnections: s.maxConnections, rangeBearingAs: s.rangeBearingAs,
      geoidSeparationM: s.geoidSeparationM, nodePositions, now: () => ctx.host.now(),
      ...(s.magneticDeclinationDeg !== undefined ? { magneticDeclinationDeg: s.magneticDeclinationDeg } : {}),
      sensorIdFor: (nodeId) => sensorOfNode.get(nodeId.toLowerCase())?.id ?? `sapient:${nodeId.toLowerCase()}`,
      acceptRegistration: (nodeId, reg) => (sensorOfNode.has(nodeId.toLowerCase()) ? { accept: true } : acceptUndeclared(nodeId, reg)),
      onRegistration: (node, accepted) => {
        const sensor = sensorOfNode.get(node.nodeId.toLowerCase());
        const u = undeclared.get(node.nodeId.toLowerCase());
        ctx.log.info({ adapter: s.id, node: node.nodeId, name: node.name, sensor: sensor?.id ?? u?.sensorId, accepted, declared: !!sensor }, 'SAPIENT node registration');
        if (accepted && sensor && node.sensorKind && node.sensorKind !== sensor.kind) {
          ctx.log.warn({ adapter: s.id, node: node.nodeId, declares: node.nodeTypes, sensor: sensor.id, kind: sensor.kind }, 'SAPIENT node type differs from its site sensor kind');
        }
        // A declared node's sensor is in the pipeline already, at the site file's reportIntervalS.
        if (accepted && sensor && node.reportIntervalS !== undefined && Math.abs(node.reportIntervalS - (sensor.reportIntervalS ?? DEFAULT_SAPIENT_REPORT_INTERVAL_S)) > 1e-3) {
          ctx.log.warn({ adapter: s.id, node: node.nodeId, states: node.reportIntervalS, sensor: sensor.id, reportIntervalS: sensor.reportIntervalS }, 'SAPIENT node states a report period other than its site sensor\'s reportIntervalS (set it in the site file)');
        }
        if (accepted && u && !u.added && node.position) addUndeclared(u, node.position);
      },
      onStatus: (st) => {
        const u = undeclared.get(st.nodeId.toLowerCase());
        if (u && !u.added && st.position) addUndeclared(u, st.position);
      },
      onDetection: (d) => {
        const u = undeclared.get(d.nodeId.toLowerCase());
        if (u && !u.added) {
          uc.awaitingPosition++;
          if (u.waiting++ === 0) ctx.log.warn({ adapter: s.id, node: u.nodeId, sensor: u.sensorId }, 'SAPIENT node reports detections before its position (StatusReport node_location): dropped until then');
          return;
        }
        published++;
        ctx.host.publish(d.detection);
      },
    });
    if (stopped) {
      await srv.close();
      return;
    }
    server = srv;
  });
  await start.first;
  return {
    id: s.id, kind: s.kind, role: 'source',
    get port() {
      return server?.port ?? 0;
    },
    metrics: () => {
      if (!server) return { listening: 0 };
      const m = server.metrics();
      return sourceMetrics(m.total, {
        listening: true, published_total: published, connections_open: m.connections.open, connections_total: m.connections.total,
        connections_refused_total: m.connections.refused, errors_sent_total: m.total.errorsSent, replies_dropped_total: m.total.repliesDropped,
        bytes_total: m.total.bytesIn, nodes_registered: Object.values(m.bySource).filter((x) => x.registered).length,
        callback_errors_total: m.detections.callbackErrors, internal_errors_total: m.internalErrors,
        nodes_added: uc.added, node_add_failures_total: uc.addFailed, awaiting_position_total: uc.awaitingPosition,
      });
    },
    stop: async () => {
      stopped = true;
      start.cancel();
      await server?.close();
    },
  };
}

function startAdsbSource(ctx: Ctx, s: AdsbSourceConfig): Adapter {
  const sensor = sensorOf(ctx, s.sensor);
  const client = new AdsbFeedClient({
    host: s.host, port: s.port, format: s.kind === 'adsb-beast' ? 'beast' : 'sbs',
    sensorId: sensor.id, receiver: { latDeg: sensor.position.latDeg, lonDeg: sensor.position.lonDeg },
    ...('maxRangeM' in sensor ? { maxRangeM: sensor.maxRangeM } : {}),
    clock: () => ctx.host.now(),
    backoff: ctx.options.backoff,
    onDetection: (d) => ctx.host.publish(d),
    onEvent: connectionLogger(ctx, s.id),
  });
  client.start();
  return {
    id: s.id, kind: s.kind, role: 'source',
    metrics: () => {
      const c = client.counters();
      const out = sourceMetrics(c, {
        positions_total: c.positions, detections_total: c.detections, connected: c.connection.state === 'connected',
        connects_total: c.connection.connects, disconnects_total: c.connection.disconnects, connect_failures_total: c.connection.connectFailures,
        bytes_total: c.connection.bytes,
      });
      for (const [k, v] of Object.entries(c.noPosition)) out[`no_position_${k}_total`] = v;
      return out;
    },
    stop: () => client.stop(),
  };
}

/** Logs connection changes (not every retry of a feed that is down: the first failure, then each recovery). */
function connectionLogger(ctx: Ctx, id: string): (e: { type: string; detail?: string; delayMs?: number }) => void {
  let down = false;
  return (e) => {
    if (e.type === 'connected') {
      ctx.log.info({ adapter: id }, 'connected');
      down = false;
    } else if ((e.type === 'error' || e.type === 'disconnected') && !down) {
      ctx.log.warn({ adapter: id, detail: e.detail }, 'connection lost or refused; reconnecting with backoff');
      down = true;
    }
  };
}

function ridMetrics(c: ReturnType<RemoteIdTcpClient['counters']>): Record<string, number> {
  const out = sourceMetrics(c, {
    messages_total: c.messages, detections_total: c.detections, connected: c.transport.state === 'connected' || c.transport.state === 'reading',
    connects_total: c.transport.connects, disconnects_total: c.transport.disconnects, connect_failures_total: c.transport.connectFailures,
    reopens_total: c.transport.reopens, bytes_total: c.transport.bytes,
  });
  for (const [k, v] of Object.entries(c.noDetection)) out[`no_detection_${k}_total`] = v;
  return out;
}

function startRemoteIdTcp(ctx: Ctx, s: RemoteIdTcpSourceConfig): Adapter {
  const client = new RemoteIdTcpClient({
    host: s.host, port: s.port, sensorId: sensorOf(ctx, s.sensor).id, clock: () => ctx.host.now(), backoff: ctx.options.backoff,
    onDetection: (d) => ctx.host.publish(d),
    onEvent: connectionLogger(ctx, s.id),
  });
  client.start();
  return { id: s.id, kind: s.kind, role: 'source', metrics: () => ridMetrics(client.counters()), stop: () => client.stop() };
}

function startRemoteIdFile(ctx: Ctx, s: RemoteIdFileSourceConfig): Adapter {
  const feed = new RemoteIdFileFeed({
    path: s.path, follow: s.follow, sensorId: sensorOf(ctx, s.sensor).id, clock: () => ctx.host.now(), backoff: ctx.options.backoff,
    onDetection: (d) => ctx.host.publish(d),
    onEvent: (e) => ctx.log.warn({ adapter: s.id, detail: e.detail, retryMs: e.delayMs }, 'Remote ID file feed: cannot read; retrying'),
  });
  feed.start();
  return { id: s.id, kind: s.kind, role: 'source', metrics: () => ridMetrics(feed.counters()), stop: () => feed.stop() };
}

function cotMetrics(c: InCounters, table: { size: number }, extra: Record<string, number | boolean> = {}): Record<string, number> {
  return sourceMetrics(c, { blue_force: table.size, ...extra });
}

function startCotMulticast(ctx: Ctx, s: CotMulticastSourceConfig, blue: (() => BlueForcePosition[])[]): Promise<Adapter> {
  let listener: CotMulticastListener | null = null;
  let stopped = false;
  const attempt = keepTrying(ctx, s.id, () => `CoT multicast listener on ${s.group}:${s.port}`, async () => {
    const l = new CotMulticastListener({ group: s.group, port: s.port, interface: s.interface, now: () => ctx.host.now() });
    await l.start();
    if (stopped) {
      await l.close();
      return;
    }
    listener = l;
  });
  blue.push(() => listener?.table.list(ctx.host.now()) ?? []);
  return attempt.first.then(() => ({
    id: s.id, kind: s.kind, role: 'source' as const,
    metrics: () => (listener ? cotMetrics(listener.counters, listener.table, { listening: true }) : { listening: 0 }),
    stop: async () => {
      stopped = true;
      attempt.cancel();
      await listener?.close();
    },
  }));
}

function tlsOptions(t: TlsMaterial | undefined): TakTlsOptions | undefined {
  if (!t) return undefined;
  return {
    rejectUnauthorized: t.rejectUnauthorized,
    ...(t.cert ? { cert: t.cert } : {}), ...(t.key ? { key: t.key } : {}), ...(t.ca ? { ca: t.ca } : {}),
    ...(t.passphrase !== undefined ? { passphrase: t.passphrase } : {}), ...(t.servername ? { servername: t.servername } : {}),
  };
}

function startCotTcp(ctx: Ctx, s: CotTcpSourceConfig, blue: (() => BlueForcePosition[])[]): Adapter {
  const client = new CotTcpClient({
    host: s.host, ...(s.port !== undefined ? { port: s.port } : {}), tls: tlsOptions(s.tls), backoff: ctx.options.backoff,
    now: () => ctx.host.now(),
    onConnection: (up, err) => (up ? ctx.log.info({ adapter: s.id }, 'connected') : ctx.log.warn({ adapter: s.id, detail: err?.message }, 'connection lost; reconnecting with backoff')),
  });
  client.start();
  blue.push(() => client.table.list(ctx.host.now()));
  return {
    id: s.id, kind: s.kind, role: 'source',
    metrics: () => cotMetrics(client.counters, client.table, { connected: client.connection.counters.connected, reconnects_total: client.connection.counters.reconnects, errors_total: client.connection.counters.errors }),
    stop: () => client.close(),
  };
}

// ---------------------------------------------------------------------------------------------
// Sinks

interface SinkAdapter extends Adapter {
  update(u: TrackUpdate): void;
}

/**
 * What every sink does with the `tracks` topic: remember the reported tracks (bounded), send
 * them at most every `everyMs` of sensor time, and send an end for each track that was sent and
 * is gone.
 */
abstract class TrackSink implements SinkAdapter {
  readonly role = 'sink' as const;
  private readonly known = new Map<number, { view: TrackView; sent: boolean }>();
  private lastSentMs = -Infinity;
  protected readonly c = { updates: 0, tracks: 0, ended: 0, forgotten: 0, failed: 0 };

  constructor(readonly id: string, readonly kind: SinkConfig['kind'], private readonly everyMs: number, protected readonly log: AdapterLogger) {}

  update(u: TrackUpdate): void {
    this.c.updates++;
    for (const id of u.removed) {
      const k = this.known.get(id);
      if (!k) continue;
      this.known.delete(id);
      if (k.sent) this.safely(() => this.end(k.view, u.timeMs));
      this.c.ended++;
    }
    const due = u.timeMs - this.lastSentMs >= this.everyMs || u.timeMs < this.lastSentMs;
    for (const v of u.tracks) {
      const sent = due || (this.known.get(v.id)?.sent ?? false);
      this.known.delete(v.id); // re-insert: Map order is least recently updated first
      this.known.set(v.id, { view: v, sent });
    }
    while (this.known.size > MAX_SINK_TRACKS) {
      this.known.delete(this.known.keys().next().value!);
      this.c.forgotten++;
    }
    if (!due) return;
    this.lastSentMs = u.timeMs;
    this.c.tracks += u.tracks.length;
    this.safely(() => this.send(u.tracks, u.timeMs));
  }

  private safely(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.c.failed++;
      if (this.c.failed <= 10) this.log.error({ adapter: this.id, err: (err as Error).message }, 'sink failed on an update');
    }
  }

  protected base(): Record<string, number> {
    return {
      updates_total: this.c.updates, tracks_total: this.c.tracks, ended_total: this.c.ended, forgotten_total: this.c.forgotten,
      failed_total: this.c.failed, tracks_known: this.known.size,
    };
  }

  protected abstract send(views: readonly TrackView[], timeMs: number): void;
  protected abstract end(view: TrackView, timeMs: number): void;
  abstract metrics(): Record<string, number>;
  abstract stop(): Promise<void>;
}

/** A TrackView as the CoT formatter's snapshot: class as the assessment decided it, ce from σ. */
export function cotSnapshotOf(v: TrackView): CotTrackSnapshot {
  const h = v.sigmaHorizontalM, vv = v.sigmaVerticalM > 0 ? v.sigmaVerticalM : NaN;
  const identities: string[] = [];
  if (v.identities.remoteId) identities.push(`rid:${v.identities.remoteId}`);
  if (v.identities.icao) identities.push(`icao:${v.identities.icao}`);
  if (v.identities.rf) identities.push(`rf:${v.identities.rf}`);
  const flags: string[] = [];
  if (v.dark) flags.push('dark');
  if (v.hovering) flags.push('hovering');
  if (v.spoof) flags.push('spoof');
  const snap: CotTrackSnapshot = {
    id: String(v.id), timeMs: v.timeMs, latDeg: v.latDeg, lonDeg: v.lonDeg, heightAboveEllipsoidM: v.heightM,
    velocityEnuMps: [v.velocity.e, v.velocity.n, v.velocity.u],
    covarianceEnu: [h * h, 0, 0, 0, h * h, 0, 0, 0, vv * vv],
    status: v.status, classLabel: v.classification.cls, classProbabilities: { ...v.classification.probabilities },
    affiliation: v.affiliation, identities, sensors: [...v.sensors], existence: v.existence, flags,
  };
  if (v.identities.callsign) snap.callsign = v.identities.callsign;
  return snap;
}

/** A TrackView as the SAPIENT client's snapshot. */
export function sapientSnapshotOf(v: TrackView): SapientTrackSnapshot {
  const h = v.sigmaHorizontalM;
  return {
    id: v.id, timeMs: v.timeMs, latDeg: v.latDeg, lonDeg: v.lonDeg, heightAboveEllipsoidM: v.heightM,
    velocityEnuMps: [v.velocity.e, v.velocity.n, v.velocity.u],
    positionSigmaM: [h, h, v.sigmaVerticalM > 0 ? v.sigmaVerticalM : 1000],
    classProbabilities: { ...v.classification.probabilities }, status: v.status, existence: v.existence,
  };
}

interface CotSender {
  readonly counters: TakSenderCounters;
  send(ev: CotEvent): boolean;
  close(): Promise<void>;
}

class CotSink extends TrackSink {
  private invalid = 0;
  constructor(id: string, kind: SinkConfig['kind'], everyMs: number, log: AdapterLogger, private readonly sender: CotSender, private readonly uidPrefix: string, private readonly staleAfterMs: number) {
    super(id, kind, everyMs, log);
  }

  protected send(views: readonly TrackView[], _timeMs: number): void {
    for (const v of views) {
      let ev: CotEvent;
      try {
        ev = trackSnapshotToCot(cotSnapshotOf(v), { uidPrefix: this.uidPrefix, staleAfterMs: this.staleAfterMs });
      } catch {
        this.invalid++; // a position CoT cannot carry
        continue;
      }
      this.sender.send(ev);
    }
  }

  protected end(view: TrackView, timeMs: number): void {
    this.sender.send(cotDeleteEvent(this.uidPrefix + String(view.id), timeMs));
  }

  metrics(): Record<string, number> {
    const c = this.sender.counters;
    return addExtra(this.base(), {
      sent_total: c.sent, dropped_total: c.dropped, reconnects_total: c.reconnects, errors_total: c.errors,
      invalid_total: c.invalid + this.invalid, queued: c.queued, bytes_total: c.bytesSent, connected: c.connected,
    });
  }

  stop(): Promise<void> {
    return this.sender.close();
  }
}

class SapientSink extends TrackSink {
  constructor(id: string, everyMs: number, log: AdapterLogger, private readonly client: SapientClient) {
    super(id, 'sapient', everyMs, log);
  }

  protected send(views: readonly TrackView[]): void {
    this.client.report(views.map(sapientSnapshotOf));
  }

  protected end(view: TrackView, timeMs: number): void {
    this.client.report([{ ...sapientSnapshotOf(view), timeMs: Math.max(timeMs, view.timeMs), status: 'ended' }]);
  }

  metrics(): Record<string, number> {
    const m = this.client.metrics();
    const out = addExtra(this.base(), {
      registered: m.state === 'registered', connects_total: m.connects, registrations_total: m.registrations, refusals_total: m.refusals,
      reconnects_total: m.reconnects, dropped_not_registered_total: m.dropped.notRegistered, dropped_backpressure_total: m.dropped.backpressure,
      dropped_paused_total: m.dropped.paused, dropped_invalid_total: m.dropped.invalid, tracked_objects: m.trackedObjects,
    });
    for (const [k, v] of Object.entries(m.sent)) out[`sent_${k}_total`] = v;
    for (const [k, v] of Object.entries(m.rejected)) out[`rejected_${k}_total`] = v;
    return out;
  }

  stop(): Promise<void> {
    return this.client.stop();
  }
}

function startSink(ctx: Ctx, s: SinkConfig): SinkAdapter {
  switch (s.kind) {
    case 'tak-multicast':
      return startTakMulticast(ctx, s);
    case 'tak-tcp':
      return startTakTcp(ctx, s);
    case 'sapient':
      return startSapientSink(ctx, s);
  }
}

function startTakMulticast(ctx: Ctx, s: TakMulticastSinkConfig): SinkAdapter {
  const sender = new CotMulticastSender({ group: s.group, port: s.port, interface: s.interface, ttl: s.ttl, encoding: s.encoding, backoff: ctx.options.backoff });
  void sender.start();
  return new CotSink(s.id, s.kind, s.everyMs, ctx.log, sender, s.uidPrefix ?? `centinela-${ctx.site.name}-`, s.staleAfterMs);
}

function startTakTcp(ctx: Ctx, s: TakTcpSinkConfig): SinkAdapter {
  const sender = new TakStreamClient({
    host: s.host, ...(s.port !== undefined ? { port: s.port } : {}), tls: tlsOptions(s.tls), encoding: s.encoding,
    queueCapacity: s.queueCapacity, backoff: ctx.options.backoff,
    onConnection: (up, err) => (up ? ctx.log.info({ adapter: s.id }, 'connected to the TAK server') : ctx.log.warn({ adapter: s.id, detail: err?.message }, 'TAK server connection lost; reconnecting with backoff')),
  });
  sender.start();
  return new CotSink(s.id, s.kind, s.everyMs, ctx.log, sender, s.uidPrefix ?? `centinela-${ctx.site.name}-`, s.staleAfterMs);
}

function startSapientSink(ctx: Ctx, s: SapientSinkConfig): SinkAdapter {
  const client = new SapientClient({
    host: s.host, port: s.port, nodeId: s.nodeId ?? stableNodeId(ctx.site.name), name: s.name ?? `Centinela ${ctx.site.name}`,
    location: ctx.site.origin, backoff: ctx.options.backoff, now: () => ctx.host.now(),
    onEvent: (e) => {
      if (e.kind === 'registered') ctx.log.info({ adapter: s.id }, 'registered with the parent SAPIENT node');
      else if (e.kind === 'refused') ctx.log.warn({ adapter: s.id, detail: e.detail }, 'parent SAPIENT node refused our registration');
    },
  });
  client.start();
  return new SapientSink(s.id, s.everyMs, ctx.log, client);
}

/** A name-based (version 5 style) UUID, so a site keeps its SAPIENT node id across restarts. */
export function stableNodeId(siteName: string): string {
  const h = createHash('sha1').update(`centinela:sapient:${siteName}`).digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}
