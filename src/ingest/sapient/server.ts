/**
 * A SAPIENT (BSI Flex 335 v2.0) fusion node: the TCP server sensor nodes (ASMs) and child
 * fusion nodes connect to.
 *
 * Per connection: 4-byte little-endian framing (framing.ts) → protobuf decode → the standard's
 * validation rules (validate.ts) → dispatch:
 *   Registration     → RegistrationAck (accepted when the ICD version is v2.0 and the policy
 *                      hook agrees); the node's registration and position are kept
 *   StatusReport     → node position / state updated (GOODBYE unregisters)
 *   DetectionReport  → Detection (convert.ts), delivered to a callback and an async iterator
 *   Alert            → AlertAck (accepted), delivered to a callback
 *   Task             → TaskAck rejected (a fusion node is not tasked by its children)
 *   TaskAck          → resolves the promise of a task we sent (sendTask)
 *   Error, AlertAck  → counted
 * A message that breaks a rule is answered with an Error naming the rule(s) and counted under
 * that reason; nothing a peer sends can throw out of the handler or stop the server.
 *
 * Memory is bounded by configuration: connections (`maxConnections`), per-connection buffering
 * (one frame ≤ `maxMessageBytes`), unsent replies (`maxPendingWriteBytes`; beyond it replies are
 * dropped and counted), nodes and per-source counters (`maxSources`), pending tasks, and the
 * detection queue behind the async iterator (`queueCapacity`, oldest dropped and counted).
 *
 * Counters (received, accepted, rejected by reason) are kept per connection, per source node and
 * in total, and `metrics()` returns them as a plain object for /metrics. Invariant:
 * received = accepted + Σ rejected, at every level.
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { SensorKind } from '../../model/detection.js';
import { detectionFromReport, locationToGeodetic, type ConversionOptions, type GeodeticPosition, type SapientDetection } from './convert.js';
import { DEFAULT_MAX_MESSAGE_BYTES, FrameDecoder, HEADER_BYTES } from './framing.js';
import { UlidFactory, isUuid, randomUuid } from './ids.js';
import { timestampToMs } from './json.js';
import { ENUM, alertAck, envelope, errorMessage, framed, registrationAck, requestTask, taskAck, type BasicRequest } from './messages.js';
import { violation, type Violation } from './rules.js';
import { decodeSapientMessage, enumInfo, has, oneofCase, type ProtoObject } from './schema.js';
import { validateSapientMessage, wireReason } from './validate.js';

/** Reasons the server itself refuses a well-formed message (beyond the rules in rules.ts). */
export const SERVER_REASONS = {
  node_not_registered: 'a message other than Registration from a node that has not registered on this connection',
  registration_refused: 'a Registration the fusion node refused (ICD version, or policy)',
  unexpected_message: 'a message a fusion node does not expect from a child (e.g. RegistrationAck)',
  unsupported_location: 'a location the fusion node cannot place (coordinate system, datum, zone)',
  node_position_unknown: 'a range-bearing report from a node whose position is not known',
  unsupported_bearing_datum: 'a bearing datum that cannot be turned into true north here',
  non_finite: 'a coordinate that is not a finite number',
  source_limit: 'more distinct nodes than the server tracks',
} as const;

export type RejectReason = string;

export interface Counters {
  received: number;
  accepted: number;
  rejected: Record<RejectReason, number>;
}

export interface ConnectionMetrics extends Counters {
  remote: string;
  openedMs: number;
  bytesIn: number;
  frames: number;
  errorsSent: number;
  repliesDropped: number;
  nodes: string[];
}

export interface SourceMetrics extends Counters {
  registered: boolean;
  lastMessageMs: number;
}

export interface SapientServerMetrics {
  nodeId: string;
  port: number;
  connections: { open: number; total: number; refused: number };
  total: Counters & { errorsSent: number; repliesDropped: number; bytesIn: number };
  bySource: Record<string, SourceMetrics>;
  byConnection: Record<string, ConnectionMetrics>;
  detections: { delivered: number; queued: number; queueDropped: number; callbackErrors: number };
  /** Exceptions caught at the socket boundary (a bug if ever non-zero). */
  internalErrors: number;
}

export interface NodeInfo {
  nodeId: string;
  sensorId: string;
  registered: boolean;
  /** Connection the node registered on (null once disconnected). */
  connectionId: string | null;
  name?: string;
  nodeTypes: string[];
  /** The Centinela sensor kind its node types suggest (radar, acoustic, eoir, rf), if any. */
  sensorKind?: SensorKind;
  utmZone?: string;
  statusIntervalMs?: number;
  /** The detection report period its registration states [s] (registrationReportIntervalS), if any. */
  reportIntervalS?: number;
  position?: GeodeticPosition;
  positionSource?: 'survey' | 'status';
  system?: string;
  mode?: string;
  registration?: ProtoObject;
}

export interface AlertEvent {
  nodeId: string;
  timeMs: number;
  alert: ProtoObject;
}

export interface StatusEvent {
  nodeId: string;
  timeMs: number;
  status: ProtoObject;
  position?: GeodeticPosition;
}

export interface RejectEvent {
  connectionId: string;
  nodeId: string | null;
  reason: RejectReason;
  violations: Violation[];
}

export interface TaskResult {
  taskId: string;
  status: string;
  reasons: string[];
}

export interface SapientServerOptions extends ConversionOptions {
  /** Interface to listen on (default 127.0.0.1; use 0.0.0.0 to accept remote nodes). */
  host?: string;
  /** TCP port (default 5020, common for v2.0; 0 picks a free one). */
  port?: number;
  /** This fusion node's UUID (default: random per start). */
  nodeId?: string;
  maxMessageBytes?: number;
  maxConnections?: number;
  /** Distinct source nodes tracked (state and counters); further ones are refused. */
  maxSources?: number;
  /** Unsent bytes allowed per connection before replies are dropped. */
  maxPendingWriteBytes?: number;
  /** Close a connection silent this long [ms] (0: never). Default 300 000. */
  idleTimeoutMs?: number;
  /** Detections held for the async iterator before the oldest are dropped. Default 10 000. */
  queueCapacity?: number;
  /** Bytes of the offending message echoed in Error.packet. Default 1024. */
  errorPacketBytes?: number;
  /** Surveyed positions of nodes by node id (used for range-bearing until a StatusReport gives one). */
  nodePositions?: Record<string, GeodeticPosition>;
  /** Magnetic declination [deg east] per node id, or one value for the site. */
  magneticDeclinationDeg?: number | Record<string, number>;
  /** Geoid separation N at the site [m], for reports in the WGS84_G datum (default 0). */
  geoidSeparationM?: number;
  /** Detection.sensorId for a node (default `sapient:<node id>`). */
  sensorIdFor?: (nodeId: string) => string;
  /** Registration policy on top of the ICD-version check. */
  acceptRegistration?: (nodeId: string, registration: ProtoObject) => { accept: boolean; reasons?: string[] };
  onDetection?: (d: SapientDetection) => void;
  onAlert?: (a: AlertEvent) => void;
  onStatus?: (s: StatusEvent) => void;
  onRegistration?: (node: NodeInfo, accepted: boolean) => void;
  onReject?: (e: RejectEvent) => void;
  /** Clock for the timestamps of our own messages (default Date.now). */
  now?: () => number;
}

const ICD_RE = /^\s*BSI[\s_]*Flex[\s_]*335[\s_]*v2(\.0)?\s*$/i;
const MAX_PENDING_TASKS = 1024;
const NODE_TYPE_NAMES = enumInfo.get('Registration.NodeType')!.byNumber;
const SYSTEM_NAMES = enumInfo.get('StatusReport.System')!.byNumber;
const TASK_STATUS_NAMES = enumInfo.get('TaskAck.TaskStatus')!.byNumber;
const TIME_UNIT_MS: Record<number, number> = { 1: 1e-6, 2: 1e-3, 3: 1, 4: 1000, 5: 60_000, 6: 3_600_000, 7: 86_400_000 };

function counters(): Counters {
  return { received: 0, accepted: 0, rejected: {} };
}

function bump(c: Counters, reason: RejectReason): void {
  c.rejected[reason] = (c.rejected[reason] ?? 0) + 1;
}

interface NodeState extends NodeInfo {
  conn: Connection | null;
}

type SourceState = SourceMetrics;

class Connection {
  readonly c: Counters = counters();
  readonly decoder: FrameDecoder;
  readonly nodes = new Set<string>();
  errorsSent = 0;
  repliesDropped = 0;
  readonly openedMs = Date.now();
  closed = false;

  constructor(readonly id: string, readonly socket: Socket, readonly remote: string, maxMessageBytes: number) {
    this.decoder = new FrameDecoder(maxMessageBytes);
  }
}

export class SapientServer {
  readonly nodeId: string;
  private readonly opts: SapientServerOptions;
  private readonly server: Server;
  private readonly conns = new Map<string, Connection>();
  private readonly nodesById = new Map<string, NodeState>();
  private readonly sources = new Map<string, SourceState>();
  private readonly total = { ...counters(), errorsSent: 0, repliesDropped: 0, bytesIn: 0 };
  private readonly ids = new UlidFactory();
  private readonly pending = new Map<string, { nodeId: string; resolve: (r: TaskResult) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  private connSeq = 0;
  private connectionsTotal = 0;
  private connectionsRefused = 0;
  private delivered = 0;
  private queueDropped = 0;
  private callbackErrors = 0;
  private internalErrors = 0;
  private queue: SapientDetection[] | null = null;
  private queueHead = 0;
  private waiters: ((r: IteratorResult<SapientDetection>) => void)[] = [];
  private closing = false;
  private listenPort = 0;

  private constructor(opts: SapientServerOptions) {
    this.opts = opts;
    this.nodeId = opts.nodeId ?? randomUuid();
    if (!isUuid(this.nodeId)) throw new Error(`nodeId must be a UUID, got "${this.nodeId}"`);
    this.server = createServer({ noDelay: true }, (s) => this.accept(s));
    this.server.maxConnections = opts.maxConnections ?? 256;
    this.server.on('drop', () => this.connectionsRefused++);
    this.server.on('error', () => undefined); // listen errors surface through start()
  }

  /** Starts listening; resolves once the port is bound. */
  static async start(opts: SapientServerOptions = {}): Promise<SapientServer> {
    const s = new SapientServer(opts);
    await new Promise<void>((resolve, reject) => {
      const onError = (e: Error) => reject(e);
      s.server.once('error', onError);
      s.server.listen(opts.port ?? 5020, opts.host ?? '127.0.0.1', () => {
        s.server.off('error', onError);
        s.listenPort = (s.server.address() as AddressInfo).port;
        resolve();
      });
    });
    return s;
  }

  get port(): number {
    return this.listenPort;
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  // -------------------------------------------------------------------------------------------
  // Connections

  private accept(socket: Socket): void {
    if (this.closing) {
      socket.destroy();
      return;
    }
    const id = `c${++this.connSeq}`;
    this.connectionsTotal++;
    const conn = new Connection(id, socket, `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`, this.opts.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES);
    this.conns.set(id, conn);
    const idle = this.opts.idleTimeoutMs ?? 300_000;
    if (idle > 0) socket.setTimeout(idle, () => socket.destroy());
    socket.on('data', (chunk: Buffer) => {
      this.total.bytesIn += chunk.length;
      try {
        conn.decoder.push(chunk, (ev) => {
          if (ev.kind === 'frame') this.handleFrame(conn, ev.payload);
          else this.handleFatalFrame(conn, ev.violation, ev.declaredLength);
        });
      } catch {
        // Defence in depth: the handlers catch everything they expect; this keeps a bug from
        // taking the process down with it (and shows in metrics).
        this.internalErrors++;
      }
    });
    socket.on('end', () => {
      const v = conn.decoder.end();
      if (v) {
        conn.c.received++;
        this.total.received++;
        this.reject(conn, null, v.rule, [v], new Uint8Array(0), null, false);
      }
    });
    socket.on('error', () => undefined); // resets are normal; 'close' follows
    socket.on('close', () => this.dropConnection(conn));
  }

  private dropConnection(conn: Connection): void {
    if (conn.closed) return;
    conn.closed = true;
    this.conns.delete(conn.id);
    for (const nodeId of conn.nodes) {
      const n = this.nodesById.get(nodeId);
      if (n && n.conn === conn) {
        n.conn = null;
        n.connectionId = null;
        n.registered = false;
        const src = this.sources.get(nodeId);
        if (src) src.registered = false;
      }
    }
  }

  /** An impossible length: nothing after it can be framed. Say why, then hang up. */
  private handleFatalFrame(conn: Connection, v: Violation, declaredLength: number): void {
    conn.c.received++;
    this.total.received++;
    const header = new Uint8Array(HEADER_BYTES);
    new DataView(header.buffer).setUint32(0, declaredLength >>> 0, true);
    const to = conn.nodes.size === 1 ? [...conn.nodes][0] : null;
    const src = to ? this.source(to) : null;
    if (src) src.received++;
    this.reject(conn, src, v.rule, [v], header, to, true);
    conn.socket.end();
    setTimeout(() => conn.socket.destroy(), 1000).unref();
  }

  // -------------------------------------------------------------------------------------------
  // Messages

  private handleFrame(conn: Connection, payload: Uint8Array): void {
    conn.c.received++;
    this.total.received++;
    let msg: ProtoObject;
    try {
      msg = decodeSapientMessage(payload);
    } catch (e) {
      this.reject(conn, null, 'protobuf_wire', [violation('protobuf_wire', '', wireReason(e))], payload, null, true);
      return;
    }
    const nodeId = typeof msg.node_id === 'string' && isUuid(msg.node_id) ? msg.node_id : null;
    const src = nodeId ? this.source(nodeId) : null;
    if (src) {
      src.received++;
      src.lastMessageMs = this.now();
    }
    const violations = validateSapientMessage(msg);
    const isError = has(msg, 'error');
    if (violations.length) {
      this.reject(conn, src, violations[0].rule, violations, payload, nodeId, !isError);
      return;
    }
    if (nodeId && src === null) {
      // Validated, so node_id is a UUID, but the source table is full.
      this.reject(conn, null, 'source_limit', [violation('is_uuid', 'node_id', `more than ${this.opts.maxSources ?? 4096} source nodes`)], payload, nodeId, true);
      return;
    }
    const kind = oneofCase(msg, 'SapientMessage', 'content');
    const node = nodeId!;
    if (kind === 'registration') {
      this.onRegistration(conn, src!, node, msg, payload);
      return;
    }
    if (kind === 'error') {
      this.acceptMsg(conn, src!); // a node telling us we erred: counted, never answered
      return;
    }
    if (!conn.nodes.has(node)) {
      this.reject(conn, src, 'node_not_registered', [], payload, node, true, `node ${node} has not registered on this connection`);
      return;
    }
    switch (kind) {
      case 'status_report':
        this.onStatusReport(conn, src!, node, msg);
        return;
      case 'detection_report':
        this.onDetectionReport(conn, src!, node, msg, payload);
        return;
      case 'alert': {
        const alert = msg.alert as ProtoObject;
        this.send(conn, alertAck(this.now(), this.nodeId, node, String(alert.alert_id), ENUM.AlertAckStatus.ALERT_ACK_STATUS_ACCEPTED));
        this.acceptMsg(conn, src!);
        this.safe(() => this.opts.onAlert?.({ nodeId: node, timeMs: timestampToMs(msg.timestamp as ProtoObject), alert }));
        return;
      }
      case 'task': {
        const task = msg.task as ProtoObject;
        this.send(conn, taskAck(this.now(), this.nodeId, node, String(task.task_id), ENUM.TaskStatus.TASK_STATUS_REJECTED, ['this fusion node does not accept tasks from its child nodes']));
        this.acceptMsg(conn, src!);
        return;
      }
      case 'task_ack': {
        const ack = msg.task_ack as ProtoObject;
        const p = this.pending.get(String(ack.task_id));
        if (p && p.nodeId === node) {
          this.pending.delete(String(ack.task_id));
          clearTimeout(p.timer);
          p.resolve({ taskId: String(ack.task_id), status: TASK_STATUS_NAMES.get(ack.task_status as number) ?? String(ack.task_status), reasons: (ack.reason as string[] | undefined) ?? [] });
        }
        this.acceptMsg(conn, src!);
        return;
      }
      case 'alert_ack':
        this.acceptMsg(conn, src!);
        return;
      default:
        this.reject(conn, src, 'unexpected_message', [], payload, node, true, `a fusion node does not expect ${kind ?? 'an empty message'} from a child`);
    }
  }

  private onRegistration(conn: Connection, src: SourceState, nodeId: string, msg: ProtoObject, payload: Uint8Array): void {
    const reg = msg.registration as ProtoObject;
    const reasons: string[] = [];
    if (!ICD_RE.test(String(reg.icd_version))) reasons.push(`ICD version "${String(reg.icd_version)}" is not supported; this node speaks ${'BSI Flex 335 v2.0'}`);
    if (!reasons.length && this.opts.acceptRegistration) {
      try {
        const r = this.opts.acceptRegistration(nodeId, reg);
        if (!r.accept) reasons.push(...(r.reasons?.length ? r.reasons : ['refused by policy']));
      } catch (e) {
        reasons.push(`policy error: ${wireReason(e)}`);
      }
    }
    const node = this.nodeState(nodeId);
    if (reasons.length) {
      this.send(conn, registrationAck(this.now(), this.nodeId, nodeId, false, reasons));
      this.reject(conn, src, 'registration_refused', [], payload, nodeId, false);
      this.safe(() => this.opts.onRegistration?.(publicNode(node), false));
      return;
    }
    // A node that re-registers on a new connection moves there.
    if (node.conn && node.conn !== conn) node.conn.nodes.delete(nodeId);
    node.conn = conn;
    node.connectionId = conn.id;
    node.registered = true;
    node.registration = reg;
    node.name = has(reg, 'name') ? String(reg.name) : undefined;
    node.nodeTypes = registrationNodeTypes(reg);
    node.sensorKind = sensorKindOf(node.nodeTypes);
    const sd = reg.status_definition as ProtoObject | undefined;
    const loc = sd?.location_definition as ProtoObject | undefined;
    node.utmZone = loc && has(loc, 'zone') ? String(loc.zone) : undefined;
    const iv = sd?.status_interval as ProtoObject | undefined;
    node.statusIntervalMs = iv ? (iv.value as number) * (TIME_UNIT_MS[iv.units as number] ?? NaN) : undefined;
    node.reportIntervalS = registrationReportIntervalS(reg);
    conn.nodes.add(nodeId);
    src.registered = true;
    this.send(conn, registrationAck(this.now(), this.nodeId, nodeId, true));
    this.acceptMsg(conn, src);
    this.safe(() => this.opts.onRegistration?.(publicNode(node), true));
  }

  private onStatusReport(conn: Connection, src: SourceState, nodeId: string, msg: ProtoObject): void {
    const node = this.nodeState(nodeId);
    const status = msg.status_report as ProtoObject;
    node.system = SYSTEM_NAMES.get(status.system as number);
    node.mode = String(status.mode);
    let position: GeodeticPosition | undefined;
    if (has(status, 'node_location')) {
      const r = locationToGeodetic(status.node_location as ProtoObject, { defaultUtmZone: node.utmZone, geoidSeparationM: this.opts.geoidSeparationM }, this.opts);
      // A node location we cannot place does not make the status report wrong: keep the old position.
      if (r.ok && has(status.node_location as ProtoObject, 'z')) {
        position = r.position;
        node.position = position;
        node.positionSource = 'status';
      }
    }
    if (status.system === ENUM.System.SYSTEM_GOODBYE) {
      conn.nodes.delete(nodeId);
      node.conn = null;
      node.connectionId = null;
      node.registered = false;
      src.registered = false;
    }
    this.acceptMsg(conn, src);
    this.safe(() => this.opts.onStatus?.({ nodeId, timeMs: timestampToMs(msg.timestamp as ProtoObject), status, ...(position ? { position } : {}) }));
  }

  private onDetectionReport(conn: Connection, src: SourceState, nodeId: string, msg: ProtoObject, payload: Uint8Array): void {
    const node = this.nodeState(nodeId);
    const decl = this.opts.magneticDeclinationDeg;
    const r = detectionFromReport(msg, {
      sensorId: node.sensorId,
      nodePosition: node.position,
      defaultUtmZone: node.utmZone,
      magneticDeclinationDeg: typeof decl === 'number' ? decl : decl?.[nodeId],
      geoidSeparationM: this.opts.geoidSeparationM,
    }, this.opts);
    if (!r.ok) {
      this.reject(conn, src, r.reason, [], payload, nodeId, true, r.detail);
      return;
    }
    this.acceptMsg(conn, src);
    this.deliver(r.value);
  }

  // -------------------------------------------------------------------------------------------
  // Bookkeeping

  private source(nodeId: string): SourceState | null {
    let s = this.sources.get(nodeId);
    if (!s) {
      if (this.sources.size >= (this.opts.maxSources ?? 4096) && !this.evictSource()) return null;
      s = { ...counters(), registered: false, lastMessageMs: 0 };
      this.sources.set(nodeId, s);
    }
    return s;
  }

  /** Frees the least recently heard unregistered source, if there is one. */
  private evictSource(): boolean {
    let victim: string | null = null;
    let oldest = Infinity;
    for (const [id, s] of this.sources) {
      if (!s.registered && s.lastMessageMs < oldest) {
        oldest = s.lastMessageMs;
        victim = id;
      }
    }
    if (victim === null) return false;
    this.sources.delete(victim);
    const n = this.nodesById.get(victim);
    if (n && !n.registered) this.nodesById.delete(victim);
    return true;
  }

  private nodeState(nodeId: string): NodeState {
    let n = this.nodesById.get(nodeId);
    if (!n) {
      const surveyed = this.opts.nodePositions?.[nodeId];
      n = {
        nodeId,
        sensorId: (this.opts.sensorIdFor ?? ((id: string) => `sapient:${id}`))(nodeId),
        registered: false,
        connectionId: null,
        conn: null,
        nodeTypes: [],
        ...(surveyed ? { position: { ...surveyed }, positionSource: 'survey' as const } : {}),
      };
      this.nodesById.set(nodeId, n);
    }
    return n;
  }

  private acceptMsg(conn: Connection, src: SourceState): void {
    conn.c.accepted++;
    src.accepted++;
    this.total.accepted++;
  }

  /**
   * Counts a refused message under `reason` (connection, source, total) and, unless `reply` is
   * false, answers with an Error listing the violations (or `detail`).
   */
  private reject(conn: Connection, src: SourceState | null, reason: RejectReason, violations: Violation[], packet: Uint8Array, to: string | null, reply: boolean, detail?: string): void {
    bump(conn.c, reason);
    bump(this.total, reason);
    if (src) bump(src, reason);
    const lines = violations.length ? violations.map((v) => v.message) : [`${reason}: ${detail ?? (SERVER_REASONS as Record<string, string>)[reason] ?? reason}`];
    this.safe(() => this.opts.onReject?.({ connectionId: conn.id, nodeId: to, reason, violations }));
    if (!reply) return;
    const cap = this.opts.errorPacketBytes ?? 1024;
    const echoed = packet.length ? packet.slice(0, cap) : new Uint8Array(HEADER_BYTES);
    if (this.send(conn, errorMessage(this.now(), this.nodeId, to, echoed, lines))) {
      conn.errorsSent++;
      this.total.errorsSent++;
    }
  }

  /** Writes a message unless the peer is not reading (then the reply is dropped and counted). */
  private send(conn: Connection, msg: ProtoObject): boolean {
    const s = conn.socket;
    if (conn.closed || s.destroyed || !s.writable || s.writableLength > (this.opts.maxPendingWriteBytes ?? 4 << 20)) {
      conn.repliesDropped++;
      this.total.repliesDropped++;
      return false;
    }
    s.write(framed(msg));
    return true;
  }

  private safe(fn: () => void): void {
    try {
      fn();
    } catch {
      this.callbackErrors++;
    }
  }

  // -------------------------------------------------------------------------------------------
  // Delivery

  private deliver(d: SapientDetection): void {
    this.delivered++;
    this.safe(() => this.opts.onDetection?.(d));
    const w = this.waiters.shift();
    if (w) {
      w({ value: d, done: false });
      return;
    }
    const q = this.queue;
    if (!q) return;
    q.push(d);
    if (q.length - this.queueHead > (this.opts.queueCapacity ?? 10_000)) {
      this.queueHead++;
      this.queueDropped++;
    }
    if (this.queueHead > 1024 && this.queueHead * 2 > q.length) {
      q.splice(0, this.queueHead);
      this.queueHead = 0;
    }
  }

  /**
   * Detections as an async iterator (ends when the server closes). Detections are queued from
   * the first call on, up to `queueCapacity`; a consumer that falls further behind loses the
   * oldest (counted in metrics().detections.queueDropped).
   */
  detections(): AsyncIterableIterator<SapientDetection> {
    this.queue ??= [];
    const it: AsyncIterableIterator<SapientDetection> = {
      next: () => {
        const q = this.queue!;
        if (this.queueHead < q.length) {
          const value = q[this.queueHead];
          q[this.queueHead++] = undefined as unknown as SapientDetection;
          return Promise.resolve({ value, done: false });
        }
        if (this.closing) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => this.waiters.push(resolve));
      },
      return: () => Promise.resolve({ value: undefined, done: true }),
      [Symbol.asyncIterator]: () => it,
    };
    return it;
  }

  // -------------------------------------------------------------------------------------------
  // Tasking

  /**
   * Sends a Task to a registered node and resolves with its TaskAck (rejects on timeout or when
   * the node is not connected). `task` holds Task fields; `task_id` is filled in when absent.
   */
  sendTask(nodeId: string, task: ProtoObject, timeoutMs = 10_000): Promise<TaskResult> {
    const node = this.nodesById.get(nodeId);
    if (!node?.conn || !node.registered) return Promise.reject(new Error(`node ${nodeId} is not connected`));
    if (this.pending.size >= MAX_PENDING_TASKS) return Promise.reject(new Error('too many tasks awaiting acknowledgement'));
    const t: ProtoObject = { ...task };
    t.task_id ??= this.ids.next(this.now());
    t.control ??= ENUM.Control.CONTROL_START;
    const msg = envelope(this.now(), this.nodeId, nodeId, { task: t });
    const v = validateSapientMessage(msg);
    if (v.length) return Promise.reject(new Error(`invalid task: ${v.map((x) => x.message).join('; ')}`));
    const taskId = String(t.task_id);
    return new Promise<TaskResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(taskId);
        reject(new Error(`no TaskAck for ${taskId} within ${timeoutMs} ms`));
      }, timeoutMs);
      timer.unref();
      this.pending.set(taskId, { nodeId, resolve, reject, timer });
      if (!this.send(node.conn!, msg)) {
        clearTimeout(timer);
        this.pending.delete(taskId);
        reject(new Error(`could not send to node ${nodeId}`));
      }
    });
  }

  /** One of the basic requests (Registration, Status, Start, Stop, Reset) as a Task. */
  request(nodeId: string, request: BasicRequest, timeoutMs?: number): Promise<TaskResult> {
    const now = this.now();
    const task = requestTask(now, this.nodeId, nodeId, this.ids, request).task as ProtoObject;
    return this.sendTask(nodeId, task, timeoutMs);
  }

  // -------------------------------------------------------------------------------------------
  // Introspection and shutdown

  nodes(): NodeInfo[] {
    return [...this.nodesById.values()].map(publicNode);
  }

  node(nodeId: string): NodeInfo | undefined {
    const n = this.nodesById.get(nodeId);
    return n ? publicNode(n) : undefined;
  }

  /** Counters as a plain object (a snapshot: safe to serialise or keep). */
  metrics(): SapientServerMetrics {
    const copy = (c: Counters): Counters => ({ received: c.received, accepted: c.accepted, rejected: { ...c.rejected } });
    const bySource: Record<string, SourceMetrics> = {};
    for (const [id, s] of this.sources) bySource[id] = { ...copy(s), registered: s.registered, lastMessageMs: s.lastMessageMs };
    const byConnection: Record<string, ConnectionMetrics> = {};
    for (const c of this.conns.values()) {
      byConnection[c.id] = {
        ...copy(c.c), remote: c.remote, openedMs: c.openedMs, bytesIn: c.decoder.bytesIn, frames: c.decoder.frames,
        errorsSent: c.errorsSent, repliesDropped: c.repliesDropped, nodes: [...c.nodes],
      };
    }
    return {
      nodeId: this.nodeId,
      port: this.listenPort,
      connections: { open: this.conns.size, total: this.connectionsTotal, refused: this.connectionsRefused },
      total: { ...copy(this.total), errorsSent: this.total.errorsSent, repliesDropped: this.total.repliesDropped, bytesIn: this.total.bytesIn },
      bySource,
      byConnection,
      detections: { delivered: this.delivered, queued: this.queue ? this.queue.length - this.queueHead : 0, queueDropped: this.queueDropped, callbackErrors: this.callbackErrors },
      internalErrors: this.internalErrors,
    };
  }

  /** Stops listening, closes every connection, ends the iterators, fails pending tasks. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    for (const w of this.waiters.splice(0)) w({ value: undefined, done: true });
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new Error('server closed'));
      this.pending.delete(id);
    }
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const c of this.conns.values()) c.socket.destroy();
    await closed;
  }
}

function publicNode(n: NodeState): NodeInfo {
  const { conn: _conn, ...rest } = n;
  return { ...rest, nodeTypes: [...rest.nodeTypes], ...(rest.position ? { position: { ...rest.position } } : {}) };
}

/** A Registration's node types by name (NODE_TYPE_RADAR, …; unknown numbers as they are). */
export function registrationNodeTypes(reg: ProtoObject): string[] {
  return ((reg.node_definition as ProtoObject[] | undefined) ?? []).map((d) => NODE_TYPE_NAMES.get(d.node_type as number) ?? String(d.node_type));
}

/** Detection report periods a registration may state that fusion believes [s]. */
const REPORT_INTERVAL_RANGE_S = [0.01, 600] as const;
/** Capability / mode parameter names (lower case, letters only) that state a report period or rate. */
const REPORT_PERIOD_NAME = /^(detection|detectionreport|report|reporting|update|scan|revisit|refresh|track|trackupdate|output|plot)(rate|frequency|period|interval|time)$/;

/**
 * The detection report period a node's Registration states [s], or undefined. BSI Flex 335 v2.0
 * has no field for it (status_interval is the StatusReport heartbeat), so nodes that state it do
 * so in free form: a Capability such as `{ type: "Update Rate", value: "2", units: "Hz" }`,
 * `{ type: "Scan Period", value: "4", units: "s" }` or `{ type: "Scan Rate", value: "15",
 * units: "rpm" }`, or a ModeParameter such as `{ type: "ReportInterval", value: "500 ms" }`.
 * Units: Hz (or per second), rpm, s, ms, min; without units a rate is in Hz and a period in s.
 * The first plausible statement (0.01–600 s) wins, capabilities before mode parameters.
 */
export function registrationReportIntervalS(reg: ProtoObject): number | undefined {
  const candidates: ProtoObject[] = [
    ...((reg.capabilities as ProtoObject[] | undefined) ?? []),
    ...((reg.mode_definition as ProtoObject[] | undefined) ?? []).flatMap((m) => (m.mode_parameter as ProtoObject[] | undefined) ?? []),
  ];
  for (const c of candidates) {
    const name = String(c.type ?? '').toLowerCase().replace(/[^a-z]/g, '');
    const kind = REPORT_PERIOD_NAME.exec(name)?.[2];
    if (!kind) continue;
    const m = /^\s*([0-9]*\.?[0-9]+(?:e[-+]?[0-9]+)?)\s*(.*)$/i.exec(String(c.value ?? ''));
    if (!m) continue;
    const v = Number(m[1]);
    const units = String(c.units ?? '').trim() || m[2].trim();
    const s = periodS(v, units.toLowerCase().replace(/\s+/g, ' '), kind === 'rate' || kind === 'frequency');
    if (s !== undefined && s >= REPORT_INTERVAL_RANGE_S[0] && s <= REPORT_INTERVAL_RANGE_S[1]) return s;
  }
  return undefined;
}

function periodS(v: number, units: string, isRate: boolean): number | undefined {
  if (!(v > 0) || !Number.isFinite(v)) return undefined;
  if (/^(hz|hertz|\/ ?s|1\/s|per sec(ond)?|s\^-1|s-1)$/.test(units)) return 1 / v;
  if (/^(rpm|rev(olution)?s? per min(ute)?|\/ ?min|per min(ute)?)$/.test(units)) return 60 / v;
  if (/^(s|sec|secs|second|seconds)$/.test(units)) return v;
  if (/^(ms|msec|millisecond|milliseconds)$/.test(units)) return v / 1000;
  if (/^(min|mins|minute|minutes)$/.test(units)) return v * 60;
  if (units === '') return isRate ? 1 / v : v;
  return undefined;
}

/** The sensor kind whose measurement model fits a node's declared types. */
export function sensorKindOf(nodeTypes: readonly string[]): SensorKind | undefined {
  const map: Record<string, SensorKind> = {
    NODE_TYPE_RADAR: 'radar',
    NODE_TYPE_LIDAR: 'radar',
    NODE_TYPE_ACOUSTIC: 'acoustic',
    NODE_TYPE_CAMERA: 'eoir',
    NODE_TYPE_PASSIVE_RF: 'rf',
  };
  for (const t of nodeTypes) if (map[t]) return map[t];
  return undefined;
}
