/**
 * A real server on 127.0.0.1 (port 0) over a real pipeline fed by the simulator's border-night
 * scenario, a real SQLite store in memory, and the store sink wired the way the service does it.
 */
import type { FastifyInstance } from 'fastify';
import { WebSocket } from 'ws';
import { MemoryBus } from '../../src/bus/bus.js';
import { Pipeline } from '../../src/pipeline/pipeline.js';
import { Replay } from '../../src/pipeline/replay.js';
import { siteOfScenario, type Site } from '../../src/pipeline/site.js';
import { buildServer, createToken, type ServerContext } from '../../src/server/index.js';
import { loadSimScenario } from '../../src/sim/scenario.js';
import { Simulation, type SimItem } from '../../src/sim/simulator.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import type { Role, Store } from '../../src/store/store.js';

export interface Fixture {
  app: FastifyInstance;
  base: string;
  site: Site;
  bus: MemoryBus;
  pipeline: Pipeline;
  store: Store;
  replay: Replay;
  startMs: number;
  /** Sensor time the pipeline has reached [ms]. */
  timeMs: () => number;
  tokens: Record<Role, string>;
  tokenIds: Record<Role, string>;
  /** Publishes the simulator's detections up to `startMs + s` seconds and advances the pipeline there. */
  feedTo(s: number): void;
  /** What the service's recorder does on its timer: the alert manager's audit into the store, then flush. */
  record(): void;
  close(): Promise<void>;
}

export async function startFixture(opts: { seconds?: number; ctx?: Partial<ServerContext> } = {}): Promise<Fixture> {
  const scenario = loadSimScenario('border-night');
  const site = siteOfScenario(scenario);
  const bus = new MemoryBus((topic, err) => {
    throw new Error(`bus subscriber on ${topic} failed: ${String(err)}`);
  });
  const store = SqliteStore.open(':memory:');
  const pipeline = new Pipeline(site, bus);
  const unsub = [
    bus.subscribe('detections', (d) => store.addDetections([d])),
    bus.subscribe('tracks', (u) => store.addTrackUpdate(u)),
    bus.subscribe('events', (e) => store.addEvent(e)),
    bus.subscribe('alerts', (c) => store.addAlertChange(c)),
    bus.subscribe('actions', (a) => store.addAction(a)),
  ];
  const record = () => {
    const audit = pipeline.assessor.alerts.audit;
    for (const e of audit) store.addAudit(e);
    audit.length = 0;
    store.flush();
  };
  const sim = new Simulation(scenario, { durationS: 900 });
  const items: Iterator<SimItem> = sim.run();
  let pending: SimItem | null = null;
  let clock = sim.startMs;
  const feedTo = (s: number) => {
    const until = sim.startMs + s * 1000;
    for (;;) {
      const r = pending ?? items.next().value;
      pending = null;
      if (!r) break;
      if (r.type !== 'detection') continue;
      if (r.detection.timeMs > until) {
        pending = r;
        break;
      }
      bus.publish('detections', r.detection);
    }
    clock = until;
    pipeline.advanceTo(until);
    record();
  };
  feedTo(opts.seconds ?? 240);

  const now = () => clock;
  let replay!: Replay;
  const app = await buildServer({
    site, pipeline, store, bus, now,
    replay: (h) => (replay = new Replay(site, store, {
      now: Date.now,
      setInterval: (fn, ms) => setInterval(fn, ms).unref(),
      clearInterval: (h2) => clearInterval(h2 as NodeJS.Timeout),
    }, h.onUpdate, h.onState)),
    ...opts.ctx,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  if (!addr || typeof addr === 'string') throw new Error('not listening');
  const tokens = {} as Record<Role, string>;
  const tokenIds = {} as Record<Role, string>;
  for (const role of ['viewer', 'operator', 'admin'] as const) {
    const t = createToken(store, role, `${role}-user`, undefined, clock);
    tokens[role] = t.secret;
    tokenIds[role] = t.id;
  }
  return {
    app, base: `http://127.0.0.1:${addr.port}`, site, bus, pipeline, store, replay, startMs: sim.startMs,
    timeMs: () => clock, tokens, tokenIds, feedTo, record,
    close: async () => {
      replay.stop();
      await app.close();
      for (const u of unsub) u();
      pipeline.close();
      store.close();
    },
  };
}

export interface Answer<T = unknown> {
  status: number;
  body: T;
  text: string;
  headers: Headers;
}

/** A request; the body is parsed as JSON when it is JSON. */
export async function call<T = any>( // eslint-disable-line @typescript-eslint/no-explicit-any
  f: { base: string },
  method: string,
  path: string,
  opts: { token?: string | null; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<Answer<T>> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | undefined;
  if (opts.rawBody !== undefined) {
    body = opts.rawBody;
    headers['content-type'] ??= 'application/json';
  } else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['content-type'] = 'application/json';
  }
  const res = await fetch(`${f.base}${path}`, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  if ((res.headers.get('content-type') ?? '').includes('json')) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  return { status: res.status, body: parsed as T, text, headers: res.headers };
}

/** A WebSocket client that keeps every message and waits for the ones a test needs. */
export class WsClient {
  readonly messages: any[] = []; // eslint-disable-line @typescript-eslint/no-explicit-any
  private waiters: (() => void)[] = [];
  closed: { code: number; reason: string } | null = null;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      this.messages.push(JSON.parse(String(data)));
      this.wake();
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: String(reason) };
      this.wake();
    });
  }

  static open(url: string, headers?: Record<string, string>): Promise<WsClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers });
      const c = new WsClient(ws);
      ws.once('open', () => resolve(c));
      ws.once('error', reject);
    });
  }

  /** Resolves with the first message (from index `from`) that satisfies `pred`. */
  async next(pred: (m: any) => boolean, from = 0, timeoutMs = 5000): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = this.messages.slice(from).find(pred);
      if (m) return m;
      if (this.closed) throw new Error(`socket closed (${this.closed.code} ${this.closed.reason}) while waiting`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no such message within ${timeoutMs} ms; got types ${this.messages.map((x) => x.type).join(',')}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  async waitClosed(timeoutMs = 5000): Promise<{ code: number; reason: string }> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error('socket not closed');
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 50);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return this.closed;
  }

  send(m: unknown): void {
    this.ws.send(typeof m === 'string' ? m : JSON.stringify(m));
  }

  close(): void {
    this.ws.close();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}

export function wsUrl(f: { base: string }, query: string): string {
  return `${f.base.replace(/^http/, 'ws')}/api/stream${query}`;
}
