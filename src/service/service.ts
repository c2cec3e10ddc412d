/**
 * The running service: store, bus, pipeline, recorder, replay and the HTTP/WebSocket server,
 * wired once here for `centinela demo` and `centinela serve`. This is the only place with a wall
 * clock and timers; everything it drives is the same pure code the simulator and tests run.
 *
 * Restart: the store keeps the alerts with their operator states and the last track id, so a
 * restarted service shows the same alerts (still acknowledged) and never reuses a track id.
 */
import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { MemoryBus } from '../bus/bus.js';
import type { BlueForcePosition } from '../ingest/cot/blue-force.js';
import type { Detection } from '../model/detection.js';
import { Pipeline } from '../pipeline/pipeline.js';
import { Replay } from '../pipeline/replay.js';
import type { Site } from '../pipeline/site.js';
import type { SensorConfig } from '../sim/sensor-models.js';
import { sensorConfigSchema } from '../sim/sensors/index.js';
import { buildServer, readSettings } from '../server/index.js';
import { SqliteStore } from '../store/sqlite.js';
import { DEFAULT_RETENTION, type RetentionSettings, type Store } from '../store/store.js';
import { Intake } from './intake.js';
import type { MetricsSource } from '../server/index.js';
import { Recorder } from './recorder.js';

export interface ServiceOptions {
  site: Site;
  /** SQLite file (':memory:' for tests). */
  dbPath: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  tracker?: string;
  retention?: RetentionSettings;
  /** Built web UI to serve at / (dist/web). */
  webRoot?: string;
  logger?: Logger;
  /** Wall clock [ms] (tests may pass their own). */
  now?: () => number;
  /** Clock tick [ms] (default 100): sources polled, fusion's reorder window advanced. */
  tickMs?: number;
  /** Store flush period [ms] (default 1000). */
  flushMs?: number;
}

export type { MetricsSource } from '../server/index.js';

/** Something that produces detections when the clock ticks (the simulated source; live adapters push on their own). */
export interface TickSource {
  emitUntil(nowMs: number): number;
}

const LAST_TRACK_ID = 'pipeline.lastTrackId';
const PRUNE_EVERY_MS = 3_600_000;

export class Service {
  readonly bus: MemoryBus;
  readonly pipeline: Pipeline;
  replay!: Replay;
  readonly intake: Intake;
  readonly recorder: Recorder;
  readonly log: Logger;
  app!: FastifyInstance;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly sources: TickSource[] = [];
  /** Counters of the adapters (received, accepted, rejected by reason), read by /metrics at each scrape. */
  readonly metricsSources: MetricsSource[] = [];
  private lastPruneMs = 0;
  private closed = false;
  /** Rejections logged per reason this minute (the rest only counted). */
  private rejectLog = { minute: 0, count: 0 };

  private constructor(readonly opts: ServiceOptions, readonly store: Store, readonly now: () => number) {
    this.log = opts.logger ?? pino({ level: 'info' });
    this.bus = new MemoryBus((topic, err) => this.log.error({ err, topic }, 'bus subscriber failed'));
    const lastId = Number(store.getMeta(LAST_TRACK_ID) ?? 0);
    let recorder: Recorder | null = null;
    this.pipeline = new Pipeline(opts.site, this.bus, {
      tracker: opts.tracker,
      subscribe: false,
      firstTrackId: lastId + 1,
      restoreAlerts: store.alerts().filter((a) => a.state !== 'resolved').reverse(),
      onAccepted: (d) => recorder?.detection(d),
    });
    this.restoreSensors();
    this.recorder = recorder = new Recorder(store, this.bus, this.pipeline.assessor.alerts.audit);
    this.intake = new Intake(now, (d) => this.pipeline.push(d), (d, reason, detail) => this.logReject(d, reason, detail));
    this.bus.subscribe('detections', (d) => this.intake.accept(d));
  }

  static async start(opts: ServiceOptions): Promise<Service> {
    const store = SqliteStore.open(opts.dbPath, { retention: opts.retention ?? DEFAULT_RETENTION });
    const s = new Service(opts, store, opts.now ?? Date.now);
    try {
      s.app = await buildServer({
        site: opts.site, pipeline: s.pipeline, store, bus: s.bus, now: s.now,
        // Replay output goes to the stream (marked as replay), never onto the live bus. Its speed
        // is relative to the wall clock the operator watches, not to the service clock (a demo on
        // --speed 20 would otherwise replay at 20 × the chosen speed).
        replay: (hooks) => (s.replay = new Replay(opts.site, store, { now: Date.now, setInterval, clearInterval: (h) => clearInterval(h as NodeJS.Timeout) }, hooks.onUpdate, hooks.onState)),
        logger: s.log, webRoot: opts.webRoot, intake: s.intake, metricsSources: s.metricsSources, blueForce: s.blueForceSources,
      });
      await s.app.listen({ host: opts.host ?? '127.0.0.1', port: opts.port ?? 8080 });
    } catch (err) {
      store.close();
      throw err;
    }
    s.timers.push(setInterval(() => s.tick(), opts.tickMs ?? 100));
    s.timers.push(setInterval(() => s.flush(), opts.flushMs ?? 1000));
    return s;
  }

  /** The address the server listens on, e.g. http://127.0.0.1:8080. */
  get url(): string {
    const a = this.app.server.address();
    if (!a || typeof a === 'string') throw new Error('server is not listening');
    const host = a.family === 'IPv6' ? `[${a.address}]` : a.address;
    return `http://${host}:${a.port}`;
  }

  /** Blue-force providers (the CoT sources' tables), read at each GET /api/blueforce. */
  readonly blueForceSources: (() => BlueForcePosition[])[] = [];

  addBlueForceSource(read: () => BlueForcePosition[]): void {
    this.blueForceSources.push(read);
  }

  addMetricsSource(source: MetricsSource): void {
    this.metricsSources.push(source);
  }

  addSource(source: TickSource): void {
    this.sources.push(source);
  }

  /**
   * Adds a sensor while the service runs (a SAPIENT node that registered undeclared): the
   * pipeline's fusion and assessment take it, and /api/sensors shows it. Throws on a duplicate id.
   */
  addSensor(config: SensorConfig): void {
    this.pipeline.addSensor(config);
    this.store.saveSensor(config, this.now());
    this.log.info({ sensor: config.id, kind: config.kind }, 'sensor added');
  }

  /**
   * Sensors added in earlier runs come back before anything is fed: their nodes register again
   * later (and find their sensor there), and a replay of what they reported needs them now. The
   * site file wins over a stored sensor of the same id; a stored row that no longer parses is
   * logged and left out.
   */
  private restoreSensors(): void {
    for (const stored of this.store.savedSensors()) {
      const parsed = sensorConfigSchema.safeParse(stored);
      const id = (stored as { id?: unknown }).id;
      if (!parsed.success) {
        this.log.error({ sensor: id, issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) }, 'stored sensor left out: its configuration no longer parses');
      } else if (this.pipeline.hasSensor(parsed.data.id)) {
        this.log.warn({ sensor: parsed.data.id }, 'stored sensor left out: the site declares a sensor with its id');
      } else {
        this.pipeline.addSensor(parsed.data);
        this.log.info({ sensor: parsed.data.id, kind: parsed.data.kind }, 'sensor restored from the store');
      }
    }
  }

  /** Publishes a detection from a source (the bus's `detections` topic, screened by the intake). */
  publish(d: Detection): void {
    this.bus.publish('detections', d);
  }

  /** One clock step: sources emit what is due, fusion closes what the reorder window released. */
  tick(): void {
    const now = this.now();
    for (const s of this.sources) s.emitUntil(now);
    this.pipeline.advanceTo(now);
  }

  flush(): void {
    try {
      this.store.setMeta(LAST_TRACK_ID, String(Math.max(this.pipeline.lastTrackId, Number(this.store.getMeta(LAST_TRACK_ID) ?? 0))));
      this.recorder.flush();
      const now = this.now();
      if (now - this.lastPruneMs >= PRUNE_EVERY_MS) {
        this.lastPruneMs = now;
        // The operator's settings (PUT /api/settings) win over the start-up option.
        const deleted = this.store.prune(now, readSettings(this.store).retention);
        this.log.info({ deleted }, 'store pruned by retention');
      }
    } catch (err) {
      this.log.error({ err }, 'store flush failed; will retry');
    }
  }

  async stop(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    this.replay?.stop();
    await this.app.close();
    this.flush();
    this.pipeline.close();
    this.recorder.close();
    this.store.close();
  }

  private logReject(d: Detection, reason: string, detail: string): void {
    const minute = Math.floor(this.now() / 60_000);
    if (minute !== this.rejectLog.minute) this.rejectLog = { minute, count: 0 };
    if (++this.rejectLog.count <= 20) this.log.warn({ sensor: d.sensorId, reason, detail }, 'detection rejected');
  }
}
