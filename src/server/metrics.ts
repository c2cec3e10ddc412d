/**
 * Prometheus metrics (text exposition at GET /metrics, token required): the pipeline's counters
 * (detections accepted, rejected by reason, received by source; assessments; live tracks; alerts
 * by state), bus messages per topic, HTTP requests by route and status, WebSocket clients and
 * messages sent/dropped, authentication failures, the process's default metrics, and whatever
 * extra sources the owner plugs in (the standards adapters' counters).
 *
 * Pipeline numbers are read when scraped (no work per detection here) except detections per
 * source, which a bus subscription counts.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Bus, Topic } from '../bus/bus.js';
import type { Pipeline } from '../pipeline/pipeline.js';

/**
 * A named set of numbers for /metrics, read at each scrape: `{ name: 'adsb_beast', labels: { source:
 * 'mcallen' }, read: () => ({ received: 10, rejected_crc: 2 }) }` is exposed as
 * `centinela_adsb_beast_received{source="mcallen"} 10` and so on (type untyped; names ending in
 * `_total` are counters). Sources sharing a name share the metric families, told apart by labels.
 */
export interface MetricsSource {
  name: string;
  labels?: Record<string, string>;
  read: () => Record<string, number>;
}

/** Per-sensor counters of the live service's intake (src/service/intake.ts), read structurally. */
export interface IntakeCounters {
  readonly bySensor: ReadonlyMap<string, { received: number; accepted: number; rejected: Readonly<Record<string, number>> }>;
}

export interface MetricsOptions {
  registry?: Registry;
  pipeline: Pipeline;
  bus: Bus;
  /** Read by reference at each scrape: sources pushed onto the array later are picked up. */
  sources?: MetricsSource[];
  intake?: IntakeCounters;
  /** Process metrics (CPU, memory, event loop, GC); default true. */
  defaultMetrics?: boolean;
}

const TOPICS: readonly Topic[] = ['detections', 'actions', 'tracks', 'events', 'alerts'];
/** Distinct sensor ids counted by name; beyond that they are counted as "other" (bounded label set). */
const MAX_SOURCES = 500;

export class ServerMetrics {
  readonly registry: Registry;
  readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  readonly httpDuration: Histogram<'method' | 'route'>;
  readonly wsClients: Gauge;
  readonly wsSent: Counter<'type'>;
  readonly wsDropped: Counter<'reason'>;
  readonly wsBadMessages: Counter;
  readonly authFailures: Counter<'reason'>;
  readonly authRateLimited: Counter;
  private readonly sources: MetricsSource[];
  private readonly bySource = new Map<string, number>();
  private readonly busCounts: Record<Topic, number> = { detections: 0, actions: 0, tracks: 0, events: 0, alerts: 0 };
  private readonly unsubscribe: (() => void)[] = [];

  constructor(private readonly opts: MetricsOptions) {
    const r = (this.registry = opts.registry ?? new Registry());
    this.sources = opts.sources ?? [];
    const { pipeline, bus } = opts;
    if ((opts.defaultMetrics ?? true) && !r.getSingleMetric('process_cpu_user_seconds_total')) collectDefaultMetrics({ register: r });

    const fresh = <T extends { name: string; registers?: Registry[] }>(cfg: T): T => {
      r.removeSingleMetric(cfg.name); // a second server on the same registry replaces the first's
      return { ...cfg, registers: [r] };
    };

    new Counter(fresh({
      name: 'centinela_detections_accepted_total', help: 'Detections fusion accepted',
      collect(this: Counter) { this.reset(); this.inc(pipeline.counters.accepted); },
    }));
    new Counter(fresh({
      name: 'centinela_detections_rejected_total', help: 'Detections fusion rejected, by reason', labelNames: ['reason'] as const,
      collect(this: Counter<'reason'>) {
        this.reset();
        for (const [reason, n] of Object.entries(pipeline.counters.rejected)) this.inc({ reason }, n);
      },
    }));
    const bySource = this.bySource;
    const intake = opts.intake;
    new Counter(fresh({
      name: 'centinela_detections_received_total', help: 'Detections received, by source sensor', labelNames: ['sensor'] as const,
      collect(this: Counter<'sensor'>) {
        this.reset();
        if (intake) for (const [sensor, c] of intake.bySensor) this.inc({ sensor }, c.received);
        else for (const [sensor, n] of bySource) this.inc({ sensor }, n);
      },
    }));
    if (intake) {
      new Counter(fresh({
        name: 'centinela_intake_accepted_total', help: 'Detections the intake passed to fusion and fusion accepted, by sensor', labelNames: ['sensor'] as const,
        collect(this: Counter<'sensor'>) {
          this.reset();
          for (const [sensor, c] of intake.bySensor) this.inc({ sensor }, c.accepted);
        },
      }));
      new Counter(fresh({
        name: 'centinela_intake_rejected_total', help: 'Detections the intake refused, by sensor and reason (future, stale, fusion)',
        labelNames: ['sensor', 'reason'] as const,
        collect(this: Counter<'sensor' | 'reason'>) {
          this.reset();
          for (const [sensor, c] of intake.bySensor) for (const [reason, n] of Object.entries(c.rejected)) this.inc({ sensor, reason }, n);
        },
      }));
    }
    new Counter(fresh({
      name: 'centinela_assessments_total', help: 'Assessment ticks the live pipeline ran',
      collect(this: Counter) { this.reset(); this.inc(pipeline.counters.assessments); },
    }));
    new Gauge(fresh({
      name: 'centinela_pipeline_time_seconds', help: 'Sensor time of the last assessment (Unix seconds)',
      collect(this: Gauge) { const t = pipeline.counters.lastUpdateMs; this.set(t === null ? 0 : t / 1000); },
    }));
    new Gauge(fresh({
      name: 'centinela_tracks', help: 'Reportable tracks now, by tracker status', labelNames: ['status'] as const,
      collect(this: Gauge<'status'>) {
        let confirmed = 0, coasting = 0;
        for (const t of pipeline.tracks()) if (t.status === 'coasting') coasting++; else confirmed++;
        this.set({ status: 'confirmed' }, confirmed);
        this.set({ status: 'coasting' }, coasting);
      },
    }));
    new Gauge(fresh({
      name: 'centinela_tracks_dark', help: 'Reportable tracks now flagged dark (no RF where RF was expected)',
      collect(this: Gauge) { this.set(pipeline.tracks().filter((t) => t.dark).length); },
    }));
    new Gauge(fresh({
      name: 'centinela_alerts', help: 'Alerts by state', labelNames: ['state'] as const,
      collect(this: Gauge<'state'>) {
        const n = { open: 0, acknowledged: 0, resolved: 0 };
        for (const a of pipeline.alerts()) n[a.state]++;
        for (const [state, v] of Object.entries(n)) this.set({ state }, v);
      },
    }));
    const memoryBusCounts = (bus as { published?: unknown }).published;
    const busCounts = isTopicCounts(memoryBusCounts) ? memoryBusCounts : this.busCounts;
    if (busCounts === this.busCounts) {
      for (const t of TOPICS) this.unsubscribe.push(bus.subscribe(t, () => { this.busCounts[t]++; }));
    }
    new Counter(fresh({
      name: 'centinela_bus_messages_total', help: 'Messages published on the bus, by topic', labelNames: ['topic'] as const,
      collect(this: Counter<'topic'>) {
        this.reset();
        for (const t of TOPICS) this.inc({ topic: t }, busCounts[t]);
      },
    }));
    if (!intake) {
      this.unsubscribe.push(bus.subscribe('detections', (d) => {
        const k = bySource.has(d.sensorId) || bySource.size < MAX_SOURCES ? d.sensorId : 'other';
        bySource.set(k, (bySource.get(k) ?? 0) + 1);
      }));
    }

    this.httpRequests = new Counter(fresh({
      name: 'centinela_http_requests_total', help: 'HTTP requests answered, by method, route and status', labelNames: ['method', 'route', 'status'] as const,
    }));
    this.httpDuration = new Histogram(fresh({
      name: 'centinela_http_request_duration_seconds', help: 'HTTP request duration', labelNames: ['method', 'route'] as const,
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    }));
    this.wsClients = new Gauge(fresh({ name: 'centinela_ws_clients', help: 'Connected WebSocket clients' }));
    this.wsSent = new Counter(fresh({ name: 'centinela_ws_messages_sent_total', help: 'WebSocket messages sent, by type', labelNames: ['type'] as const }));
    this.wsDropped = new Counter(fresh({
      name: 'centinela_ws_messages_dropped_total', help: 'WebSocket updates coalesced or dropped for slow clients, by reason', labelNames: ['reason'] as const,
    }));
    this.wsBadMessages = new Counter(fresh({ name: 'centinela_ws_bad_messages_total', help: 'Malformed or unknown messages from WebSocket clients' }));
    this.authFailures = new Counter(fresh({ name: 'centinela_auth_failures_total', help: 'Failed authentications, by reason', labelNames: ['reason'] as const }));
    this.authRateLimited = new Counter(fresh({ name: 'centinela_auth_rate_limited_total', help: 'Requests refused with 429 after repeated failures' }));
  }

  /** Plugs in another source of numbers (read at each scrape). */
  addSource(source: MetricsSource): void {
    this.sources.push(source);
  }

  /** The exposition text: the registry's metrics, then the plugged-in sources'. */
  async render(): Promise<string> {
    const text = await this.registry.metrics();
    return (text.endsWith('\n') || text === '' ? text : `${text}\n`) + renderSources(this.sources);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  close(): void {
    for (const u of this.unsubscribe) u();
    this.unsubscribe.length = 0;
  }
}

function isTopicCounts(x: unknown): x is Record<Topic, number> {
  return typeof x === 'object' && x !== null && TOPICS.every((t) => typeof (x as Record<string, unknown>)[t] === 'number');
}

const metricName = (s: string): string => s.replace(/[^a-zA-Z0-9_]/g, '_');
const labelValue = (s: string): string => s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

/** Prometheus text for the plugged-in sources, one family per name, its samples told apart by labels. */
export function renderSources(sources: readonly MetricsSource[]): string {
  const families = new Map<string, string[]>();
  for (const src of sources) {
    let values: Record<string, number>;
    try {
      values = src.read();
    } catch {
      continue; // one broken source must not take /metrics down
    }
    const labels = Object.entries(src.labels ?? {})
      .map(([k, v]) => `${metricName(k)}="${labelValue(String(v))}"`)
      .join(',');
    for (const [key, v] of Object.entries(values)) {
      if (typeof v !== 'number' || Number.isNaN(v)) continue;
      const name = `centinela_${metricName(src.name)}_${metricName(key)}`;
      let lines = families.get(name);
      if (!lines) families.set(name, (lines = []));
      lines.push(`${name}${labels ? `{${labels}}` : ''} ${Number.isFinite(v) ? v : v > 0 ? '+Inf' : '-Inf'}`);
    }
  }
  let out = '';
  for (const [name, lines] of families) {
    out += `# HELP ${name} plugged-in source counter\n# TYPE ${name} ${name.endsWith('_total') ? 'counter' : 'untyped'}\n${lines.join('\n')}\n`;
  }
  return out;
}
