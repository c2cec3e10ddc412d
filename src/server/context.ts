/**
 * What the server is built from. The owner (the CLI's demo/serve) makes the pipeline, store, bus
 * and replay, wires the bus's sinks (the store), and hands them over; the server only reads them
 * and calls the pipeline's `act` / the replay's controls on an operator's behalf.
 */
import type { FastifyBaseLogger, FastifyServerOptions } from 'fastify';
import type { Registry } from 'prom-client';
import type { Bus } from '../bus/bus.js';
import type { BlueForcePosition } from '../ingest/cot/blue-force.js';
import type { Pipeline, TrackUpdateExtras } from '../pipeline/pipeline.js';
import type { Replay, ReplayState } from '../pipeline/replay.js';
import type { Site } from '../pipeline/site.js';
import type { TrackUpdate } from '../pipeline/views.js';
import type { Store } from '../store/store.js';
import type { IntakeCounters, MetricsSource } from './metrics.js';

/** The part of the context the routes read. */
export interface CoreContext {
  site: Site;
  pipeline: Pipeline;
  store: Store;
  bus: Bus;
  /** The server's clock [ms]: when operator actions happen, token expiry. */
  now: () => number;
}

/** What the server's stream offers a Replay (its onUpdate and onState callbacks). */
export interface ReplayHooks {
  onUpdate: (update: TrackUpdate, extras: TrackUpdateExtras) => void;
  onState: (state: ReplayState) => void;
}

export interface ServerContext extends CoreContext {
  /**
   * The replay controller. Either a Replay whose callbacks the owner wires to
   * `app.centinela.stream.broadcastReplay` / `broadcastReplayState`, or a factory the server
   * calls with those callbacks: `(h) => new Replay(site, store, host, h.onUpdate, h.onState)`.
   */
  replay: Replay | ((hooks: ReplayHooks) => Replay);
  /** The built web UI (dist/web); served at / when the directory exists. */
  webRoot?: string;
  /** Fastify's logger option (true, pino options) or a pino logger instance; default: no logging. */
  logger?: FastifyServerOptions['logger'] | FastifyBaseLogger;
  /** Registry for /metrics (default: a new one, with the process's default metrics). */
  metrics?: Registry;
  /**
   * More numbers for /metrics (e.g. the standards adapters' counters). The array is read at each
   * scrape, so sources pushed onto it after the server was built appear too.
   */
  metricsSources?: MetricsSource[];
  /**
   * Blue-force providers (CoT sources: friendly units a TAK server relays), read at each
   * GET /api/blueforce; like metricsSources, providers pushed later appear too.
   */
  blueForce?: (() => readonly BlueForcePosition[])[];
  /** The live intake's per-sensor counters (received, accepted, rejected by reason) for /metrics. */
  intake?: IntakeCounters;
  /** Failed-authentication limit per client address (default 10 in 60 s). */
  authFailureLimit?: { max?: number; windowMs?: number };
  /** Request body limit [bytes] (default 64 KiB). */
  bodyLimit?: number;
  /** WebSocket backpressure bounds. */
  stream?: { highWaterBytes?: number; hardLimitBytes?: number; maxQueued?: number };
  /** Shown in the OpenAPI document (default the package version). */
  version?: string;
}
