/**
 * SAPIENT client: Centinela registering with a higher (parent) fusion node as a child fusion
 * node and reporting its fused tracks as DetectionReports.
 *
 * Life cycle: connect → Registration → wait for RegistrationAck → registered: a StatusReport at
 * once and every status interval, DetectionReports for every `report()` call. Any failure
 * (refused connection, reset, refused registration, no ack in time) closes the socket and
 * reconnects after an exponential backoff with jitter (reset once registered again). `stop()`
 * says goodbye (StatusReport SYSTEM_GOODBYE) and stops for good.
 *
 * Each track id gets one ULID object_id for its life (kept in a bounded LRU with a time to live,
 * so ids of ended tracks are forgotten). Reports are perishable: while not registered, or while
 * the parent is not reading, they are dropped and counted rather than queued, so memory stays
 * bounded and the parent never receives a backlog of stale positions.
 *
 * From the parent it answers the basic Task requests (Registration: re-register; Status: send a
 * StatusReport; Start / Stop: resume / pause reporting; Reset: clear the object ids) with a
 * TaskAck, rejects other tasks with a reason, acknowledges nothing else.
 */
import { connect, type Socket } from 'node:net';
import type { GeodeticPosition } from '../../ingest/sapient/convert.js';
import { DEFAULT_MAX_MESSAGE_BYTES, FrameDecoder } from '../../ingest/sapient/framing.js';
import { UlidFactory, isUuid, randomUuid } from '../../ingest/sapient/ids.js';
import { ENUM, framed, taskAck } from '../../ingest/sapient/messages.js';
import { decodeSapientMessage, has, oneofCase, type ProtoObject } from '../../ingest/sapient/schema.js';
import { validateSapientMessage } from '../../ingest/sapient/validate.js';
import { fusionNodeRegistration, statusReport, trackReport } from './report.js';
import type { TrackSnapshot } from './track.js';

export type ClientState = 'idle' | 'connecting' | 'registering' | 'registered' | 'backoff' | 'stopped';

export interface ClientEvent {
  kind: 'connecting' | 'connected' | 'registered' | 'refused' | 'disconnected' | 'backoff' | 'error' | 'task';
  detail?: string;
  delayMs?: number;
}

export interface SapientClientOptions {
  host: string;
  port: number;
  /** This node's UUID: keep it stable across restarts so the parent recognises us. */
  nodeId?: string;
  /** The parent's UUID when known (destination_id); learnt from its RegistrationAck otherwise. */
  destinationId?: string;
  name?: string;
  shortName?: string;
  softwareVersion?: string;
  /** Site reference position, sent as StatusReport.node_location. */
  location?: GeodeticPosition;
  statusIntervalMs?: number;
  registrationTimeoutMs?: number;
  backoff?: { initialMs?: number; maxMs?: number; factor?: number; jitter?: number };
  maxMessageBytes?: number;
  /** Unsent bytes allowed before reports are dropped. */
  maxPendingWriteBytes?: number;
  /** Track ids remembered (LRU) and for how long after their last report. */
  maxTracks?: number;
  trackIdTtlMs?: number;
  now?: () => number;
  random?: () => number;
  onEvent?: (e: ClientEvent) => void;
}

export interface ClientMetrics {
  state: ClientState;
  connects: number;
  registrations: number;
  refusals: number;
  reconnects: number;
  sent: Record<string, number>;
  dropped: { notRegistered: number; backpressure: number; paused: number; invalid: number };
  received: Record<string, number>;
  rejected: Record<string, number>;
  trackedObjects: number;
  lastError?: string;
}

export class SapientClient {
  readonly nodeId: string;
  private readonly o: SapientClientOptions;
  private readonly ids = new UlidFactory();
  private readonly objectIds = new Map<string, { ulid: string; lastMs: number }>();
  private socket: Socket | null = null;
  private decoder: FrameDecoder | null = null;
  private st: ClientState = 'idle';
  private attempt = 0;
  private parentId: string | undefined;
  private paused = false;
  private firstStatus = true;
  private statusTimer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private ackTimer: NodeJS.Timeout | null = null;
  private registeredWaiters: (() => void)[] = [];
  private readonly m: ClientMetrics;

  constructor(opts: SapientClientOptions) {
    this.o = opts;
    this.nodeId = opts.nodeId ?? randomUuid();
    if (!isUuid(this.nodeId)) throw new Error(`nodeId must be a UUID, got "${this.nodeId}"`);
    this.parentId = opts.destinationId;
    this.m = {
      state: 'idle', connects: 0, registrations: 0, refusals: 0, reconnects: 0, sent: {}, received: {}, rejected: {},
      dropped: { notRegistered: 0, backpressure: 0, paused: 0, invalid: 0 }, trackedObjects: 0,
    };
  }

  get state(): ClientState {
    return this.st;
  }

  private now(): number {
    return (this.o.now ?? Date.now)();
  }

  private emit(e: ClientEvent): void {
    try {
      this.o.onEvent?.(e);
    } catch {
      // an observer's bug must not break the connection logic
    }
  }

  /** Starts connecting (idempotent). */
  start(): void {
    if (this.st !== 'idle') return;
    this.connectNow();
  }

  /** Resolves once registered (immediately when already registered). */
  registered(): Promise<void> {
    if (this.st === 'registered') return Promise.resolve();
    return new Promise((resolve) => this.registeredWaiters.push(resolve));
  }

  private connectNow(): void {
    if (this.st === 'stopped') return;
    this.st = 'connecting';
    this.emit({ kind: 'connecting' });
    this.m.connects++;
    const socket = connect({ host: this.o.host, port: this.o.port, noDelay: true });
    this.socket = socket;
    this.decoder = new FrameDecoder(this.o.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES);
    socket.on('connect', () => {
      if (this.socket !== socket) return;
      this.emit({ kind: 'connected' });
      this.register();
    });
    socket.on('data', (chunk: Buffer) => {
      if (this.socket !== socket) return;
      this.decoder!.push(chunk, (ev) => {
        if (ev.kind === 'frame') this.onFrame(ev.payload);
        else {
          this.count(this.m.rejected, ev.violation.rule);
          this.fail(`parent sent ${ev.violation.message}`);
        }
      });
    });
    socket.on('error', (e) => {
      if (this.socket === socket) this.m.lastError = e.message;
    });
    socket.on('close', () => {
      if (this.socket === socket) this.fail('connection closed');
    });
  }

  private register(): void {
    this.st = 'registering';
    this.write(fusionNodeRegistration(this.now(), {
      nodeId: this.nodeId,
      name: this.o.name ?? 'Centinela fusion node',
      shortName: this.o.shortName ?? 'Centinela',
      statusIntervalMs: this.o.statusIntervalMs ?? 5000,
      softwareVersion: this.o.softwareVersion ?? '0.1.0',
    }, this.parentId), 'registration');
    if (this.ackTimer) clearTimeout(this.ackTimer);
    this.ackTimer = setTimeout(() => this.fail('no RegistrationAck in time'), this.o.registrationTimeoutMs ?? 10_000);
    this.ackTimer.unref();
  }

  /** Tears the connection down and schedules a reconnect (unless stopped). */
  private fail(reason: string): void {
    const socket = this.socket;
    this.socket = null;
    this.decoder = null;
    this.clearTimers();
    if (socket && !socket.destroyed) socket.destroy();
    if (this.st === 'stopped') return;
    this.m.lastError = reason;
    this.emit({ kind: 'disconnected', detail: reason });
    const b = this.o.backoff ?? {};
    const initial = b.initialMs ?? 500, max = b.maxMs ?? 30_000, factor = b.factor ?? 2, jitter = b.jitter ?? 0.2;
    const base = Math.min(max, initial * Math.pow(factor, this.attempt));
    const delay = Math.max(0, Math.round(base * (1 + jitter * (2 * (this.o.random ?? Math.random)() - 1))));
    this.attempt++;
    this.m.reconnects++;
    this.st = 'backoff';
    this.emit({ kind: 'backoff', delayMs: delay });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connectNow();
    }, delay);
    this.retryTimer.unref();
  }

  private clearTimers(): void {
    for (const t of [this.statusTimer, this.retryTimer, this.ackTimer]) if (t) clearTimeout(t);
    if (this.statusTimer) clearInterval(this.statusTimer);
    this.statusTimer = this.retryTimer = this.ackTimer = null;
  }

  private count(r: Record<string, number>, k: string): void {
    r[k] = (r[k] ?? 0) + 1;
  }

  private onFrame(payload: Uint8Array): void {
    let msg: ProtoObject;
    try {
      msg = decodeSapientMessage(payload);
    } catch {
      this.count(this.m.rejected, 'protobuf_wire');
      return;
    }
    const v = validateSapientMessage(msg);
    if (v.length) {
      this.count(this.m.rejected, v[0].rule);
      return;
    }
    const kind = oneofCase(msg, 'SapientMessage', 'content') ?? 'none';
    this.count(this.m.received, kind);
    if (kind === 'registration_ack' && this.st === 'registering') {
      const ack = msg.registration_ack as ProtoObject;
      if (ack.acceptance === true) {
        if (!this.parentId && typeof msg.node_id === 'string') this.parentId = msg.node_id;
        if (this.ackTimer) clearTimeout(this.ackTimer);
        this.ackTimer = null;
        this.st = 'registered';
        this.attempt = 0;
        this.m.registrations++;
        this.firstStatus = true;
        this.emit({ kind: 'registered' });
        this.sendStatus();
        if (this.statusTimer) clearInterval(this.statusTimer); // re-registration on request
        const every = this.o.statusIntervalMs ?? 5000;
        this.statusTimer = setInterval(() => this.sendStatus(), every);
        this.statusTimer.unref();
        for (const w of this.registeredWaiters.splice(0)) w();
      } else {
        this.m.refusals++;
        const why = ((ack.ack_response_reason as string[] | undefined) ?? []).join('; ') || 'no reason given';
        this.emit({ kind: 'refused', detail: why });
        this.fail(`registration refused: ${why}`);
      }
      return;
    }
    if (kind === 'task') this.onTask(msg.task as ProtoObject);
  }

  private onTask(task: ProtoObject): void {
    const cmd = task.command as ProtoObject | undefined;
    const request = cmd && has(cmd, 'request') ? String(cmd.request) : undefined;
    let status: number = ENUM.TaskStatus.TASK_STATUS_ACCEPTED;
    const reasons: string[] = [];
    const req = request?.trim().toLowerCase();
    this.emit({ kind: 'task', detail: request ?? 'non-request task' });
    const ack = () => this.write(taskAck(this.now(), this.nodeId, this.parentId ?? '', String(task.task_id), status, reasons), 'task_ack');
    switch (req) {
      case 'registration':
        ack();
        this.register();
        return;
      case 'status':
        ack();
        this.sendStatus();
        return;
      case 'start':
        this.paused = false;
        break;
      case 'stop':
        this.paused = true;
        break;
      case 'reset':
        this.objectIds.clear();
        this.paused = false;
        break;
      default:
        status = ENUM.TaskStatus.TASK_STATUS_REJECTED;
        reasons.push(request === undefined ? 'this fusion node accepts only the request commands' : `unknown request "${request}"`);
    }
    ack();
  }

  private sendStatus(): void {
    if (this.st !== 'registered') return;
    const first = this.firstStatus;
    this.firstStatus = false;
    this.write(statusReport(this.now(), this.nodeId, this.parentId, this.ids.next(this.now()), { first, location: this.o.location }), 'status_report');
  }

  /** Writes a framed message unless the parent is not reading; false when dropped. */
  private write(msg: ProtoObject, kind: string): boolean {
    const s = this.socket;
    if (!s || s.destroyed || !s.writable) return false;
    if (s.writableLength > (this.o.maxPendingWriteBytes ?? 1 << 20)) {
      this.m.dropped.backpressure++;
      return false;
    }
    s.write(framed(msg));
    this.count(this.m.sent, kind);
    return true;
  }

  /** The stable ULID object_id of a track id (allocated on first use). */
  objectIdFor(trackId: string | number, nowMs = this.now()): string {
    const key = String(trackId);
    let e = this.objectIds.get(key);
    if (e) {
      this.objectIds.delete(key); // re-insert: Map order is our LRU order
      e.lastMs = nowMs;
    } else {
      e = { ulid: this.ids.next(nowMs), lastMs: nowMs };
    }
    this.objectIds.set(key, e);
    const cap = this.o.maxTracks ?? 10_000, ttl = this.o.trackIdTtlMs ?? 600_000;
    for (const [k, v] of this.objectIds) {
      if (this.objectIds.size <= cap && nowMs - v.lastMs <= ttl) break;
      this.objectIds.delete(k);
    }
    return e.ulid;
  }

  /** Forgets a track's object id (after it ended). */
  endTrack(trackId: string | number): void {
    this.objectIds.delete(String(trackId));
  }

  /**
   * Reports track snapshots as DetectionReports; returns how many were sent. Snapshots with a
   * non-finite position are skipped (counted as invalid); nothing is queued.
   */
  report(tracks: readonly TrackSnapshot[]): number {
    let sent = 0;
    for (const t of tracks) {
      if (![t.latDeg, t.lonDeg, t.heightAboveEllipsoidM, t.timeMs].every(Number.isFinite) || Math.abs(t.latDeg) > 90 || Math.abs(t.lonDeg) > 180) {
        this.m.dropped.invalid++;
        continue;
      }
      if (this.st !== 'registered') {
        this.m.dropped.notRegistered++;
        continue;
      }
      if (this.paused) {
        this.m.dropped.paused++;
        continue;
      }
      const objectId = this.objectIdFor(t.id, t.timeMs);
      const msg = trackReport(t, this.nodeId, this.parentId, this.ids.next(this.now()), objectId);
      if (this.write(msg, 'detection_report')) sent++;
      if (t.status === 'ended') this.endTrack(t.id);
    }
    return sent;
  }

  metrics(): ClientMetrics {
    return {
      ...this.m, state: this.st, sent: { ...this.m.sent }, received: { ...this.m.received }, rejected: { ...this.m.rejected },
      dropped: { ...this.m.dropped }, trackedObjects: this.objectIds.size,
    };
  }

  /** Says goodbye (when registered) and closes; no reconnect after this. */
  async stop(): Promise<void> {
    if (this.st === 'stopped') return;
    const wasRegistered = this.st === 'registered';
    const socket = this.socket;
    if (wasRegistered) {
      this.write(statusReport(this.now(), this.nodeId, this.parentId, this.ids.next(this.now()), { first: false, goodbye: true, location: this.o.location }), 'status_report');
    }
    this.st = 'stopped';
    this.clearTimers();
    this.socket = null;
    if (socket && !socket.destroyed) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          socket.destroy();
          resolve();
        }, 1000);
        t.unref();
        socket.once('close', () => {
          clearTimeout(t);
          resolve();
        });
        socket.end();
      });
    }
  }
}
