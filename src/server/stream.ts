/**
 * The WebSocket stream (GET /api/stream): a snapshot on connect, then the live pipeline's track,
 * alert and event changes from the bus, and replay output the owner hands to `broadcastReplay` /
 * `broadcastReplayState` (marked `"replay": true`).
 *
 * Each client may set a filter (classes, minimum threat, dispositions, dark only, a bbox). Tracks
 * are sent as CREATE/UPDATE/DELETE in the Lattice sense: a track that stops matching the client's
 * filter is sent in `removed`, as one that ended. Events go to a client when their track is one it
 * sees; alert changes go to everyone (the alert queue is not filtered).
 *
 * Backpressure: a client whose socket buffers more than `highWaterBytes` gets no more messages
 * until it drains below half of it; meanwhile its track updates are coalesced per track (the
 * latest view wins, bounded by the number of tracks) and its alert/event messages queue up to a
 * bound (the oldest dropped beyond it), all counted. A client above `hardLimitBytes` is cut off.
 * Malformed client messages are counted and answered with an error message; they never throw.
 *
 * Each track view is serialised once per update however many clients receive it.
 */
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import type { AlertChange } from '../alerts/types.js';
import type { TrackEvent } from '../assess/types.js';
import type { Bus } from '../bus/bus.js';
import type { Pipeline, TrackUpdateExtras } from '../pipeline/pipeline.js';
import type { ReplayState } from '../pipeline/replay.js';
import { moveOf, type TrackUpdate, type TrackView } from '../pipeline/views.js';
import type { Principal } from './auth.js';
import type { ServerMetrics } from './metrics.js';
import { clientMessageSchema, jsonSchema, streamFilterSchema, streamQuery, type StreamFilter } from './schemas.js';
import { badRequest, describeZodError } from './errors.js';

export interface StreamOptions {
  pipeline: Pipeline;
  bus: Bus;
  metrics: ServerMetrics;
  log: FastifyBaseLogger;
  /** The server's clock (token expiry, snapshot time when the pipeline has not run yet). */
  now: () => number;
  /** Above this many buffered bytes a client is congested (default 1 MiB). */
  highWaterBytes?: number;
  /** Above this many buffered bytes a client is disconnected (default 32 MiB). */
  hardLimitBytes?: number;
  /** Alert/event/replay messages queued per congested client (default 1000). */
  maxQueued?: number;
  /** Malformed messages a client may send before it is disconnected (default 100). */
  maxBadMessages?: number;
  /** How often congested clients and token expiry are checked [ms] (default 250). */
  checkEveryMs?: number;
}

interface PendingTracks {
  timeMs: number;
  updated: Map<number, TrackView>;
  removed: Set<number>;
}

interface Channel {
  /** Track ids the client has been sent and not yet told are removed. */
  visible: Set<number>;
  /** Ids removed by the latest update (so their track-ended events still reach the client). */
  lastRemoved: Set<number>;
  pending: PendingTracks | null;
}

interface Client {
  ws: WebSocket;
  principal: Principal;
  filter: StreamFilter | null;
  live: Channel;
  replay: Channel;
  congested: boolean;
  queued: string[];
  queuedTypes: string[];
  bad: number;
}

const OPEN = 1;

export class Stream {
  private readonly clients = new Set<Client>();
  private readonly unsubscribe: (() => void)[] = [];
  private readonly timer: NodeJS.Timeout;
  private readonly high: number;
  private readonly hard: number;
  private readonly maxQueued: number;
  private readonly maxBad: number;
  private lastReplayState: ReplayState | null = null;

  constructor(private readonly opts: StreamOptions) {
    this.high = opts.highWaterBytes ?? 1 << 20;
    this.hard = opts.hardLimitBytes ?? 32 << 20;
    this.maxQueued = opts.maxQueued ?? 1000;
    this.maxBad = opts.maxBadMessages ?? 100;
    const { bus } = opts;
    this.unsubscribe.push(
      bus.subscribe('tracks', (u) => this.broadcastTracks(u, false)),
      bus.subscribe('events', (e) => this.broadcastEvent(e, false)),
      bus.subscribe('alerts', (c) => this.broadcastAlert(c, false)),
    );
    this.timer = setInterval(() => this.check(), opts.checkEveryMs ?? 250);
    this.timer.unref();
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /** Takes a freshly upgraded socket: sends the snapshot and starts streaming to it. */
  attach(ws: WebSocket, principal: Principal, filter: StreamFilter | null): void {
    const c: Client = {
      ws, principal, filter, live: channel(), replay: channel(), congested: false, queued: [], queuedTypes: [], bad: 0,
    };
    this.clients.add(c);
    this.opts.metrics.wsClients.set(this.clients.size);
    ws.on('message', (data, isBinary) => this.onMessage(c, data, isBinary));
    ws.on('error', (err) => this.opts.log.debug({ err: err.message }, 'websocket error'));
    ws.on('close', () => {
      this.clients.delete(c);
      this.opts.metrics.wsClients.set(this.clients.size);
    });
    this.sendSnapshot(c);
  }

  /** Replay output (wire to Replay's onUpdate): streamed with `"replay": true`. */
  broadcastReplay(update: TrackUpdate, extras?: TrackUpdateExtras): void {
    this.broadcastTracks(update, true);
    for (const e of extras?.events ?? []) this.broadcastEvent(e, true);
    for (const a of extras?.alerts ?? []) this.broadcastAlert(a, true);
  }

  /**
   * Replay state changes (wire to Replay's onState): `{ type: "replay", state }`. When the replay
   * starts, seeks or stops, the replay tracks each client holds no longer follow from what comes
   * next, so each client is first sent them as removed.
   */
  broadcastReplayState(state: ReplayState): void {
    const p = this.lastReplayState;
    this.lastReplayState = { ...state };
    const reset = !state.running || !p || !p.running || p.fromMs !== state.fromMs || p.toMs !== state.toMs
      || (p.paused === state.paused && p.speed === state.speed); // not a pause/resume or a speed change: a start or a seek
    if (reset) {
      for (const c of this.clients) {
        const ids = [...c.replay.visible];
        resetChannel(c.replay);
        if (ids.length > 0) this.deliver(c, tracksMessage(state.timeMs ?? this.opts.now(), true, [], ids, this.opts.now()), 'tracks');
      }
    }
    this.broadcastRaw(JSON.stringify({ type: 'replay', state }), 'replay');
  }

  /** Disconnects the clients that authenticated with this token (it was revoked); returns how many. */
  closeToken(tokenId: string, reason = 'token revoked'): number {
    let n = 0;
    for (const c of this.clients) {
      if (c.principal.tokenId === tokenId) {
        c.ws.close(4001, reason);
        n++;
      }
    }
    return n;
  }

  close(): void {
    clearInterval(this.timer);
    for (const u of this.unsubscribe) u();
    this.unsubscribe.length = 0;
    for (const c of this.clients) c.ws.close(1001, 'server shutting down');
  }

  // ───────────────────────────────────────────────────────────── broadcasting

  private broadcastTracks(u: TrackUpdate, replay: boolean): void {
    if (this.clients.size === 0) return;
    // When the change reached the stream: clients measure their WebSocket latency against it.
    const publishedMs = this.opts.now();
    const json = new Map<number, string>();
    const jsonOf = (v: TrackView): string => {
      let s = json.get(v.trackId);
      if (s === undefined) json.set(v.trackId, (s = JSON.stringify(v)));
      return s;
    };
    // Tracks whose conclusions did not change go as a TrackMove to clients that hold their full view.
    const moved = u.moved && u.moved.length > 0 ? new Set(u.moved) : null;
    const moveJson = new Map<number, string>();
    const moveJsonOf = (v: TrackView): string => {
      let s = moveJson.get(v.trackId);
      if (s === undefined) moveJson.set(v.trackId, (s = JSON.stringify(moveOf(v))));
      return s;
    };
    for (const c of this.clients) {
      if (c.ws.readyState !== OPEN) continue;
      const ch = replay ? c.replay : c.live;
      const updated: TrackView[] = [];
      const updatedJson: string[] = [];
      const removed: number[] = [];
      ch.lastRemoved.clear();
      for (const t of u.tracks) {
        if (matches(c.filter, t)) {
          updated.push(t);
          updatedJson.push(moved?.has(t.trackId) && ch.visible.has(t.trackId) ? moveJsonOf(t) : jsonOf(t));
          ch.visible.add(t.trackId);
        } else if (ch.visible.delete(t.trackId)) {
          removed.push(t.trackId);
          ch.lastRemoved.add(t.trackId);
        }
      }
      for (const id of u.removed) {
        if (ch.visible.delete(id)) {
          removed.push(id);
          ch.lastRemoved.add(id);
        }
      }
      if (this.isCongested(c)) {
        const p = (ch.pending ??= { timeMs: u.timeMs, updated: new Map(), removed: new Set() });
        p.timeMs = u.timeMs;
        let coalesced = 0;
        for (const t of updated) {
          if (p.updated.has(t.trackId)) coalesced++;
          p.updated.set(t.trackId, t);
          p.removed.delete(t.trackId);
        }
        for (const id of removed) {
          if (p.updated.delete(id)) coalesced++;
          p.removed.add(id);
        }
        if (coalesced > 0) this.opts.metrics.wsDropped.inc({ reason: 'coalesced' }, coalesced);
        continue;
      }
      this.send(c, tracksMessage(u.timeMs, replay, updatedJson, removed, publishedMs), 'tracks');
    }
  }

  private broadcastEvent(e: TrackEvent, replay: boolean): void {
    if (this.clients.size === 0) return;
    let msg: string | null = null;
    for (const c of this.clients) {
      const ch = replay ? c.replay : c.live;
      if (c.filter && !ch.visible.has(e.trackId) && !ch.lastRemoved.has(e.trackId)) continue;
      this.deliver(c, (msg ??= JSON.stringify({ type: 'event', replay, event: e })), 'event');
    }
  }

  private broadcastAlert(change: AlertChange, replay: boolean): void {
    this.broadcastRaw(JSON.stringify({ type: 'alert', replay, change }), 'alert');
  }

  private broadcastRaw(msg: string, type: string): void {
    for (const c of this.clients) this.deliver(c, msg, type);
  }

  /** Sends now, or queues behind a congested socket (bounded: the oldest queued message goes). */
  private deliver(c: Client, msg: string, type: string): void {
    if (c.ws.readyState !== OPEN) return;
    if (!this.isCongested(c)) {
      this.send(c, msg, type);
      return;
    }
    c.queued.push(msg);
    c.queuedTypes.push(type);
    if (c.queued.length > this.maxQueued) {
      c.queued.shift();
      c.queuedTypes.shift();
      this.opts.metrics.wsDropped.inc({ reason: 'queue-full' });
    }
  }

  private send(c: Client, msg: string, type: string): void {
    try {
      c.ws.send(msg);
      this.opts.metrics.wsSent.inc({ type });
    } catch (err) {
      this.opts.log.debug({ err: (err as Error).message }, 'websocket send failed');
    }
    if (c.ws.bufferedAmount > this.hard) this.cutOff(c);
  }

  private isCongested(c: Client): boolean {
    const b = c.ws.bufferedAmount;
    if (c.congested) {
      if (b > this.high / 2) return true;
      c.congested = false;
      this.flushPending(c);
      return c.congested;
    }
    if (b > this.high) {
      c.congested = true;
      return true;
    }
    return false;
  }

  /** What a congested client missed, now that it drained: coalesced tracks first, then the queue. */
  private flushPending(c: Client): void {
    for (const replay of [false, true]) {
      const ch = replay ? c.replay : c.live;
      const p = ch.pending;
      if (!p) continue;
      ch.pending = null;
      if (p.updated.size === 0 && p.removed.size === 0) continue;
      this.send(c, tracksMessage(p.timeMs, replay, [...p.updated.values()].map((v) => JSON.stringify(v)), [...p.removed], this.opts.now()), 'tracks');
    }
    const q = c.queued, types = c.queuedTypes;
    c.queued = [];
    c.queuedTypes = [];
    for (let i = 0; i < q.length; i++) this.send(c, q[i], types[i]);
    if (c.ws.bufferedAmount > this.high) c.congested = true;
  }

  private cutOff(c: Client): void {
    this.opts.metrics.wsDropped.inc({ reason: 'client-cut-off' });
    this.opts.log.warn({ label: c.principal.label, buffered: c.ws.bufferedAmount }, 'websocket client too slow: disconnected');
    c.ws.terminate();
    this.clients.delete(c);
    this.opts.metrics.wsClients.set(this.clients.size);
  }

  /** Periodic: drains congested clients that caught up, ends sessions whose token expired. */
  private check(): void {
    const now = this.opts.now();
    for (const c of this.clients) {
      if (c.principal.expiresMs !== null && c.principal.expiresMs <= now) {
        c.ws.close(4001, 'token expired');
        continue;
      }
      if (c.congested) this.isCongested(c);
    }
  }

  // ───────────────────────────────────────────────────────────── clients

  private sendSnapshot(c: Client): void {
    const { pipeline } = this.opts;
    resetChannel(c.live);
    const tracks = pipeline.tracks().filter((t) => matches(c.filter, t));
    for (const t of tracks) c.live.visible.add(t.trackId);
    const alerts = pipeline.alerts().filter((a) => a.state !== 'resolved');
    const timeMs = pipeline.counters.lastUpdateMs ?? this.opts.now();
    this.send(c, JSON.stringify({ type: 'snapshot', timeMs, tracks, alerts }), 'snapshot');
  }

  private onMessage(c: Client, data: unknown, isBinary: boolean): void {
    let parsed: unknown;
    try {
      if (isBinary) throw new Error('binary messages are not understood; send JSON text');
      parsed = JSON.parse(textOf(data));
    } catch (err) {
      this.badMessage(c, `not JSON: ${(err as Error).message}`);
      return;
    }
    const r = clientMessageSchema.safeParse(parsed);
    if (!r.success) {
      this.badMessage(c, describeZodError('message', r.error));
      return;
    }
    const m = r.data;
    if (m.type === 'filter') {
      c.filter = m.filter && Object.keys(m.filter).length > 0 ? m.filter : null;
      this.sendSnapshot(c);
    } else {
      this.send(c, JSON.stringify({ type: 'pong', timeMs: this.opts.now() }), 'pong');
    }
  }

  private badMessage(c: Client, message: string): void {
    c.bad++;
    this.opts.metrics.wsBadMessages.inc();
    this.send(c, JSON.stringify({ type: 'error', error: 'bad_message', message }), 'error');
    if (c.bad >= this.maxBad) c.ws.close(1008, 'too many malformed messages');
  }
}

function channel(): Channel {
  return { visible: new Set(), lastRemoved: new Set(), pending: null };
}

function resetChannel(ch: Channel): void {
  ch.visible.clear();
  ch.lastRemoved.clear();
  ch.pending = null;
}

function tracksMessage(timeMs: number, replay: boolean, updatedJson: string[], removed: number[], publishedMs: number): string {
  return `{"type":"tracks","timeMs":${timeMs},"publishedMs":${publishedMs},"replay":${replay},"updated":[${updatedJson.join(',')}],"removed":${JSON.stringify(removed)}}`;
}

function textOf(data: unknown): string {
  if (typeof data === 'string') return data;
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data as Buffer[]).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return String(data);
}

/** Whether a track passes a client's filter (null: everything). */
export function matches(f: StreamFilter | null, t: TrackView): boolean {
  if (!f) return true;
  if (f.darkOnly && !t.dark) return false;
  if (f.minThreat !== undefined && t.threat.score < f.minThreat) return false;
  if (f.classes && !f.classes.includes(t.classification.cls)) return false;
  if (f.dispositions && !f.dispositions.includes(t.disposition)) return false;
  if (f.bbox) {
    const [w, s, e, n] = f.bbox;
    if (t.lonDeg < w || t.lonDeg > e || t.latDeg < s || t.latDeg > n) return false;
  }
  return true;
}

/** The WebSocket route: `GET /api/stream?token=…&filter=<StreamFilter as JSON>` (a bad filter is a 400 before the upgrade). */
export function registerStreamRoute(app: FastifyInstance, stream: Stream): void {
  const filters = new WeakMap<FastifyRequest, StreamFilter | null>();
  app.route({
    method: 'GET',
    url: '/api/stream',
    config: { access: 'viewer', tokenInQuery: true },
    schema: {
      summary: 'WebSocket: a snapshot, then track/alert/event changes (docs/api.md); send {"type":"filter","filter":{…}} to change the filter',
      description: 'Upgrade to a WebSocket; the token may be given as ?token= (browsers cannot set headers on a WebSocket). A plain GET answers 426.',
      tags: ['stream'],
      querystring: jsonSchema(streamQuery),
    },
    preValidation: async (req) => {
      const q = streamQuery.safeParse(req.query ?? {});
      if (!q.success) throw badRequest(describeZodError('query', q.error));
      let filter: StreamFilter | null = null;
      if (q.data.filter) {
        let raw: unknown;
        try {
          raw = JSON.parse(q.data.filter);
        } catch {
          throw badRequest('query.filter: not JSON');
        }
        const f = streamFilterSchema.safeParse(raw);
        if (!f.success) throw badRequest(describeZodError('query.filter', f.error));
        filter = Object.keys(f.data).length > 0 ? f.data : null;
      }
      filters.set(req, filter);
    },
    handler: async (_req, reply) => {
      return reply.code(426).header('upgrade', 'websocket').send({ error: 'upgrade_required', message: 'GET /api/stream is a WebSocket: send Upgrade: websocket' });
    },
    wsHandler: (socket, req) => {
      if (!req.principal) {
        socket.close(4001, 'unauthorized');
        return;
      }
      stream.attach(socket, req.principal, filters.get(req) ?? null);
    },
  });
}
