/**
 * The embedded store on SQLite (better-sqlite3): one file, WAL journal, schema migrated on open.
 *
 * The add* methods only serialise and queue rows — the pipeline's hot path never waits on the
 * disk; `flush` writes everything queued in one transaction with statements prepared once. The
 * owner calls `flush` on a timer (about once a second) and `close` at shutdown; the queue also
 * flushes itself when it grows past `maxQueuedRows`, so memory stays bounded if the timer stalls.
 */
import Database from 'better-sqlite3';
import type { Alert, AlertChange, AuditEntry, OperatorAction } from '../alerts/types.js';
import type { TrackEvent } from '../assess/types.js';
import type { Detection } from '../model/detection.js';
import type { TrackUpdate, TrackView } from '../pipeline/views.js';
import type { SensorConfig } from '../sim/sensor-models.js';
import { ACTIVITY_CELLS_PER_DEG, migrate } from './schema.js';
import {
  DEFAULT_RETENTION,
  type RetentionSettings,
  type Role,
  type Activity,
  type ActivityQuery,
  type Store,
  type StoredToken,
  type TimeWindow,
  type TrackHistoryPoint,
} from './store.js';

export interface SqliteStoreOptions {
  /** The retention `prune` applies when called without one. */
  retention?: RetentionSettings;
  /** Track history keeps at most one row per track per interval of this length [ms]. */
  historyIntervalMs?: number;
  /** Queued rows at which an add* call flushes by itself. */
  maxQueuedRows?: number;
  /** How long a write waits for another process holding the file's lock [ms]. */
  busyTimeoutMs?: number;
}

type Value = string | number | null;
type Row = Value[];
type Statement = Database.Statement;

interface Queue {
  rows: Row[];
  readonly insert: Statement;
}

/** Detections read per query while iterating: the connection stays free for writes between pages. */
const PAGE = 1000;
const HOUR_MS = 3_600_000;

export class SqliteStore implements Store {
  private rejected = 0;

  private readonly retention: RetentionSettings;
  private readonly historyIntervalMs: number;
  private readonly maxQueuedRows: number;
  private queued = 0;
  private flushAt: number;
  /** Per track: the history interval last written, and the newest view not written since. */
  private readonly historySlot = new Map<number, number>();
  private readonly unwritten = new Map<number, TrackView>();

  private readonly q: Record<'detections' | 'history' | 'activity' | 'activityTracks' | 'last' | 'events' | 'alerts' | 'changes' | 'actions' | 'audit', Queue>;
  private readonly s: Record<DirectName, Statement>;
  private readonly prunes: [table: string, statement: Statement, cutoff: keyof Cutoffs][];
  private readonly writeQueued: () => void;

  static open(path: string, opts: SqliteStoreOptions = {}): SqliteStore {
    let db: Database.Database | undefined;
    try {
      db = new Database(path);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma(`busy_timeout = ${Math.floor(opts.busyTimeoutMs ?? 5000)}`);
      migrate(db, path);
      return new SqliteStore(db, opts);
    } catch (e) {
      db?.close();
      throw e instanceof Database.SqliteError ? openError(path, e) : e;
    }
  }

  private constructor(private readonly db: Database.Database, opts: SqliteStoreOptions) {
    this.retention = opts.retention ?? DEFAULT_RETENTION;
    this.historyIntervalMs = opts.historyIntervalMs ?? 1000;
    this.maxQueuedRows = opts.maxQueuedRows ?? 200_000;
    this.flushAt = this.maxQueuedRows;
    const queue = (sql: string): Queue => ({ rows: [], insert: db.prepare(sql) });
    this.q = {
      detections: queue('INSERT INTO detections (time_ms, sensor_id, json) VALUES (?, ?, ?)'),
      history: queue(`INSERT INTO track_history (track_id, time_ms, lat, lon, altitude, speed, course, cls, p_drone, threat)
                      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      activity: queue(`INSERT INTO activity (hour_ms, drone, y, x, samples) VALUES (?, ?, ?, ?, 1)
                       ON CONFLICT (hour_ms, drone, y, x) DO UPDATE SET samples = samples + 1`),
      activityTracks: queue('INSERT OR IGNORE INTO activity_tracks (hour_ms, drone, track_id) VALUES (?, ?, ?)'),
      last: queue(`INSERT INTO track_last (track_id, time_ms, json) VALUES (?, ?, ?)
                   ON CONFLICT (track_id) DO UPDATE SET time_ms = excluded.time_ms, json = excluded.json`),
      events: queue('INSERT INTO events (time_ms, track_id, type, json) VALUES (?, ?, ?, ?)'),
      alerts: queue(`INSERT INTO alerts (id, state, opened_ms, updated_ms, json) VALUES (?, ?, ?, ?, ?)
                     ON CONFLICT (id) DO UPDATE SET state = excluded.state, opened_ms = excluded.opened_ms,
                       updated_ms = excluded.updated_ms, json = excluded.json`),
      changes: queue('INSERT INTO alert_changes (alert_id, time_ms, kind, "by", detail, json) VALUES (?, ?, ?, ?, ?, ?)'),
      actions: queue('INSERT INTO actions (time_ms, json) VALUES (?, ?)'),
      audit: queue('INSERT INTO audit (time_ms, "by", action, alert_id, track_id, detail) VALUES (?, ?, ?, ?, ?, ?)'),
    };
    const queues = Object.values(this.q);
    this.writeQueued = db.transaction(() => {
      for (const { rows, insert } of queues) for (const row of rows) insert.run(row);
    });
    this.s = prepareDirect(db);
    this.prunes = preparePrunes(db);
  }

  /** Detections refused by addDetections: time not finite, or not representable in JSON. */
  get rejectedDetections(): number {
    return this.rejected;
  }

  // ── writes ──

  addDetections(detections: readonly Detection[]): void {
    for (const d of detections) {
      const json = detectionJson(d);
      if (json === null) this.rejected++;
      else this.push(this.q.detections, [d.timeMs, String(d.sensorId), json]);
    }
    this.flushIfFull();
  }

  addTrackUpdate(update: TrackUpdate): void {
    for (const view of update.tracks) this.trackView(view);
    for (const id of update.removed) this.trackRemoved(id);
    this.flushIfFull();
  }

  addEvent(event: TrackEvent): void {
    this.push(this.q.events, [event.timeMs, event.trackId, event.type, JSON.stringify(event)]);
    this.flushIfFull();
  }

  addAlertChange(change: AlertChange): void {
    const a = change.alert;
    this.push(this.q.alerts, [a.id, a.state, a.openedMs, a.updatedMs, JSON.stringify(a)]);
    this.push(this.q.changes, [a.id, change.timeMs, change.kind, change.by, change.detail, JSON.stringify(change)]);
    this.flushIfFull();
  }

  addAction(action: OperatorAction): void {
    this.push(this.q.actions, [action.timeMs, JSON.stringify(action)]);
    this.flushIfFull();
  }

  addAudit(e: AuditEntry): void {
    this.push(this.q.audit, [e.timeMs, e.by, e.action, e.alertId ?? null, e.trackId ?? null, e.detail]);
    this.flushIfFull();
  }

  /** Writes everything queued in one transaction; on failure nothing is written and the rows stay queued. */
  flush(): void {
    if (this.queued === 0) return;
    this.writeQueued();
    for (const queue of Object.values(this.q)) queue.rows = [];
    this.queued = 0;
    this.flushAt = this.maxQueuedRows;
  }

  // ── reads ──

  *detections(window: TimeWindow): IterableIterator<Detection> {
    const { fromMs, toMs, limit } = bounds(window);
    // Keyset paging on (time_ms, id) rather than one long cursor: a cursor would keep the
    // connection busy (flush throws) and pin the WAL for as long as a replay runs.
    let after: [number, number] = [fromMs, 0];
    for (let left = limit < 0 ? Infinity : limit; left > 0; ) {
      const page = this.s.detectionsPage.all(after[0], after[1], toMs, Math.min(PAGE, left)) as [number, number, string][];
      for (const [, , json] of page) yield JSON.parse(json) as Detection;
      if (page.length < PAGE) return;
      const [id, timeMs] = page[page.length - 1];
      after = [timeMs, id];
      left -= page.length;
    }
  }

  detectionSpan(): { firstMs: number; lastMs: number } | null {
    const span = this.s.detectionSpan.get() as { firstMs: number | null; lastMs: number };
    return span.firstMs === null ? null : { firstMs: span.firstMs, lastMs: span.lastMs };
  }

  trackHistory(trackId: number, window: TimeWindow = {}): TrackHistoryPoint[] {
    return this.s.trackHistory.all({ trackId, ...bounds(window) }) as TrackHistoryPoint[];
  }

  lastTrackView(trackId: number): TrackView | null {
    return parseOrNull<TrackView>(this.s.lastTrackView.get(trackId));
  }

  events(filter: TimeWindow & { trackId?: number; type?: string }): TrackEvent[] {
    const params = { ...bounds(filter), trackId: filter.trackId ?? null, type: filter.type ?? null };
    const statement = filter.trackId === undefined ? this.s.eventsByTime : this.s.eventsByTrack;
    return parseAll<TrackEvent>(statement.all(params));
  }

  alerts(filter: { state?: Alert['state']; limit?: number } = {}): Alert[] {
    return parseAll<Alert>(this.s.alerts.all({ state: filter.state ?? null, limit: limitOf(filter.limit) }));
  }

  alert(id: string): Alert | null {
    return parseOrNull<Alert>(this.s.alert.get(id));
  }

  alertChanges(alertId: string): AlertChange[] {
    return parseAll<AlertChange>(this.s.alertChanges.all(alertId));
  }

  actions(window: TimeWindow): OperatorAction[] {
    return parseAll<OperatorAction>(this.s.actions.all(bounds(window)));
  }

  audit(window: TimeWindow): AuditEntry[] {
    return this.s.audit.all(bounds(window)) as AuditEntry[];
  }

  // ── settings and identity (written at once: an admin expects them to hold immediately) ──

  getMeta(key: string): string | null {
    return (this.s.getMeta.get(key) as string | undefined) ?? null;
  }

  setMeta(key: string, value: string): void {
    if (key === 'schema_version') throw new Error('schema_version is managed by the store');
    this.s.setMeta.run(key, value);
  }

  activity(q: ActivityQuery): Activity {
    const args = { fromHour: Math.floor(q.fromMs / HOUR_MS) * HOUR_MS, toHour: Math.floor(q.toMs / HOUR_MS) * HOUR_MS, minDrone: q.all ? 0 : 1 };
    // One history sample per track per historyIntervalMs: samples × interval = track-seconds.
    const perSample = this.historyIntervalMs / 1000;
    const c = 1 / ACTIVITY_CELLS_PER_DEG;
    const cells = (this.s.activityCells.all(args) as { y: number; x: number; samples: number }[]).map((r) => ({
      latDeg: (r.y + 0.5) * c - 90, lonDeg: (r.x + 0.5) * c - 180, trackSeconds: r.samples * perSample,
    }));
    const hoursUtc = new Array<number>(24).fill(0);
    for (const h of this.s.activityHours.all(args) as { hour: number; samples: number }[]) hoursUtc[h.hour] = h.samples * perSample;
    return { cellDeg: c, cells, hoursUtc, tracks: Number(this.s.activityTracks.get(args)) };
  }

  saveSensor(config: SensorConfig, addedMs: number): void {
    this.s.saveSensor.run(config.id, addedMs, JSON.stringify(config));
  }

  savedSensors(): SensorConfig[] {
    return (this.s.savedSensors.all() as string[]).map((json) => JSON.parse(json) as SensorConfig);
  }

  addToken(t: StoredToken): void {
    this.s.addToken.run(t.id, t.hash, t.role, t.label, t.createdMs, t.expiresMs, t.revoked ? 1 : 0);
  }

  tokenByHash(hash: string): StoredToken | null {
    const row = this.s.tokenByHash.get(hash) as TokenRow | undefined;
    return row ? tokenOf(row) : null;
  }

  tokens(): StoredToken[] {
    return (this.s.tokens.all() as TokenRow[]).map(tokenOf);
  }

  /** True when the token exists (it is revoked now, whether or not it was before). */
  revokeToken(id: string): boolean {
    return this.s.revokeToken.run(id).changes > 0;
  }

  prune(nowMs: number, retention: RetentionSettings = this.retention): Record<string, number> {
    this.flush();
    const cutoffs: Cutoffs = {
      detections: nowMs - retention.detectionsH * HOUR_MS,
      history: nowMs - retention.historyH * HOUR_MS,
      alerts: nowMs - retention.alertsDays * 24 * HOUR_MS,
    };
    const deleted: Record<string, number> = {};
    this.db.transaction(() => {
      for (const [table, statement, cutoff] of this.prunes) deleted[table] = statement.run(cutoffs[cutoff]).changes;
    })();
    return deleted;
  }

  close(): void {
    if (!this.db.open) return;
    try {
      this.flush();
    } finally {
      this.db.close();
    }
  }

  // ── internals ──

  private push(queue: Queue, row: Row): void {
    queue.rows.push(row);
    this.queued++;
  }

  private flushIfFull(): void {
    if (this.queued < this.flushAt) return;
    // Should the write fail, retry after another maxQueuedRows rather than on every add.
    this.flushAt = this.queued + this.maxQueuedRows;
    this.flush();
  }

  /**
   * History is throttled to one row per track per interval (slots aligned on multiples of the
   * interval, so a 1 Hz pipeline with jittery tick times still gets a row every second).
   */
  private trackView(view: TrackView): void {
    const slot = Math.floor(view.timeMs / this.historyIntervalMs);
    if (this.historySlot.get(view.trackId) === slot) {
      this.unwritten.set(view.trackId, view);
      return;
    }
    this.historySlot.set(view.trackId, slot);
    this.unwritten.delete(view.trackId);
    this.writeTrackView(view);
  }

  /** A track's final view is written even inside its slot: where a track ended is evidence. */
  private trackRemoved(trackId: number): void {
    const last = this.unwritten.get(trackId);
    if (last) this.writeTrackView(last);
    this.unwritten.delete(trackId);
    this.historySlot.delete(trackId);
  }

  private writeTrackView(v: TrackView): void {
    this.push(this.q.history, [
      v.trackId, v.timeMs, v.latDeg, v.lonDeg, v.altitudeM, v.speedMps, v.courseDeg,
      v.classification.cls, v.classification.pDrone, v.threat.score,
    ]);
    if (Number.isFinite(v.latDeg) && Number.isFinite(v.lonDeg) && Number.isFinite(v.timeMs)) {
      const hourMs = Math.floor(v.timeMs / HOUR_MS) * HOUR_MS, drone = v.classification.pDrone >= 0.5 ? 1 : 0;
      const y = Math.floor((v.latDeg + 90) * ACTIVITY_CELLS_PER_DEG), x = Math.floor((v.lonDeg + 180) * ACTIVITY_CELLS_PER_DEG);
      this.push(this.q.activity, [hourMs, drone, y, x]);
      this.push(this.q.activityTracks, [hourMs, drone, v.trackId]);
    }
    this.push(this.q.last, [v.trackId, v.timeMs, JSON.stringify(v)]);
  }
}

interface Cutoffs {
  detections: number;
  history: number;
  alerts: number;
}

interface TokenRow extends Omit<StoredToken, 'revoked' | 'role'> {
  role: string;
  revoked: number;
}

const TOKEN_COLUMNS = 'id, hash, role, label, created_ms AS createdMs, expires_ms AS expiresMs, revoked';

const WINDOW = 'time_ms >= @fromMs AND time_ms <= @toMs';

/** Statements run directly rather than queued: reads, settings and tokens. */
const DIRECT = {
  detectionsPage: 'SELECT id, time_ms, json FROM detections WHERE (time_ms, id) > (?, ?) AND time_ms <= ? ORDER BY time_ms, id LIMIT ?',
  detectionSpan: 'SELECT min(time_ms) AS firstMs, max(time_ms) AS lastMs FROM detections',
  trackHistory: `SELECT time_ms AS timeMs, lat AS latDeg, lon AS lonDeg, altitude AS altitudeM, speed AS speedMps,
                   course AS courseDeg, cls, p_drone AS pDrone, threat
                 FROM track_history WHERE track_id = @trackId AND ${WINDOW} ORDER BY time_ms, id LIMIT @limit`,
  activityCells: `SELECT y, x, sum(samples) AS samples FROM activity
                  WHERE hour_ms >= @fromHour AND hour_ms <= @toHour AND drone >= @minDrone GROUP BY y, x`,
  activityHours: `SELECT (hour_ms / 3600000) % 24 AS hour, sum(samples) AS samples FROM activity
                  WHERE hour_ms >= @fromHour AND hour_ms <= @toHour AND drone >= @minDrone GROUP BY hour`,
  activityTracks: `SELECT count(DISTINCT track_id) FROM activity_tracks
                   WHERE hour_ms >= @fromHour AND hour_ms <= @toHour AND drone >= @minDrone`,
  lastTrackView: 'SELECT json FROM track_last WHERE track_id = ?',
  eventsByTime: `SELECT json FROM events WHERE ${WINDOW} AND (@type IS NULL OR type = @type)
                 ORDER BY time_ms, id LIMIT @limit`,
  eventsByTrack: `SELECT json FROM events WHERE track_id = @trackId AND ${WINDOW} AND (@type IS NULL OR type = @type)
                  ORDER BY time_ms, id LIMIT @limit`,
  alerts: 'SELECT json FROM alerts WHERE (@state IS NULL OR state = @state) ORDER BY opened_ms DESC, rowid DESC LIMIT @limit',
  alert: 'SELECT json FROM alerts WHERE id = ?',
  alertChanges: 'SELECT json FROM alert_changes WHERE alert_id = ? ORDER BY id',
  actions: `SELECT json FROM actions WHERE ${WINDOW} ORDER BY time_ms, id LIMIT @limit`,
  audit: `SELECT time_ms AS timeMs, "by", action, alert_id AS alertId, track_id AS trackId, detail
          FROM audit WHERE ${WINDOW} ORDER BY time_ms, id LIMIT @limit`,
  getMeta: 'SELECT value FROM meta WHERE key = ?',
  setMeta: 'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  addToken: 'INSERT INTO tokens (id, hash, role, label, created_ms, expires_ms, revoked) VALUES (?, ?, ?, ?, ?, ?, ?)',
  tokenByHash: `SELECT ${TOKEN_COLUMNS} FROM tokens WHERE hash = ?`,
  tokens: `SELECT ${TOKEN_COLUMNS} FROM tokens ORDER BY created_ms, id`,
  revokeToken: 'UPDATE tokens SET revoked = 1 WHERE id = ?',
  saveSensor: `INSERT INTO sensors (id, added_ms, json) VALUES (?, ?, ?)
               ON CONFLICT (id) DO UPDATE SET json = excluded.json`,
  savedSensors: 'SELECT json FROM sensors ORDER BY added_ms, rowid',
};

type DirectName = keyof typeof DIRECT;

function prepareDirect(db: Database.Database): Record<DirectName, Statement> {
  const prepared = {} as Record<DirectName, Statement>;
  for (const name of Object.keys(DIRECT) as DirectName[]) prepared[name] = db.prepare(DIRECT[name]);
  // Single-column reads return the value itself, and the detection pages come as arrays.
  const plucked: DirectName[] = ['lastTrackView', 'eventsByTime', 'eventsByTrack', 'alerts', 'alert', 'alertChanges', 'actions', 'getMeta', 'savedSensors', 'activityTracks'];
  for (const name of plucked) prepared[name].pluck();
  prepared.detectionsPage.raw();
  return prepared;
}

/** Alerts go only once resolved, together with their change log; an open alert is kept however old. */
function preparePrunes(db: Database.Database): [string, Statement, keyof Cutoffs][] {
  const resolvedBefore = `SELECT id FROM alerts WHERE state = 'resolved' AND updated_ms < ?`;
  return [
    ['detections', db.prepare('DELETE FROM detections WHERE time_ms < ?'), 'detections'],
    ['track_history', db.prepare('DELETE FROM track_history WHERE time_ms < ?'), 'history'],
    ['track_last', db.prepare('DELETE FROM track_last WHERE time_ms < ?'), 'history'],
    ['events', db.prepare('DELETE FROM events WHERE time_ms < ?'), 'history'],
    ['alert_changes', db.prepare(`DELETE FROM alert_changes WHERE alert_id IN (${resolvedBefore})`), 'alerts'],
    ['alerts', db.prepare(`DELETE FROM alerts WHERE id IN (${resolvedBefore})`), 'alerts'],
    ['actions', db.prepare('DELETE FROM actions WHERE time_ms < ?'), 'alerts'],
    ['audit', db.prepare('DELETE FROM audit WHERE time_ms < ?'), 'alerts'],
    // The activity aggregates are small: kept as long as the alerts (a heatmap spans months).
    ['activity', db.prepare('DELETE FROM activity WHERE hour_ms < ?'), 'alerts'],
    ['activity_tracks', db.prepare('DELETE FROM activity_tracks WHERE hour_ms < ?'), 'alerts'],
  ];
}

/**
 * The JSON of a detection, or null when it cannot be stored faithfully: a time that cannot be
 * ordered, a value JSON cannot hold (BigInt, a cycle), or NaN/±Infinity, which JSON writes as
 * null and a replay would then read as a different detection (and arithmetic as 0).
 */
function detectionJson(d: Detection): string | null {
  if (!Number.isFinite(d?.timeMs)) return null;
  let json: string;
  try {
    json = JSON.stringify(d);
  } catch {
    return null;
  }
  // A valid detection has no nulls at all, so the walk runs only on suspect input.
  return json.includes('null') && hasNonFinite(d) ? null : json;
}

function hasNonFinite(value: unknown): boolean {
  if (typeof value === 'number') return !Number.isFinite(value);
  if (typeof value !== 'object' || value === null) return false;
  return Object.values(value).some(hasNonFinite);
}

function limitOf(limit: number | undefined): number {
  return limit === undefined ? -1 : Math.max(0, Math.floor(limit));
}

function bounds(window: TimeWindow): { fromMs: number; toMs: number; limit: number } {
  return { fromMs: window.fromMs ?? -Infinity, toMs: window.toMs ?? Infinity, limit: limitOf(window.limit) };
}

function parseAll<T>(rows: unknown[]): T[] {
  return (rows as string[]).map((json) => JSON.parse(json) as T);
}

function parseOrNull<T>(json: unknown): T | null {
  return typeof json === 'string' ? (JSON.parse(json) as T) : null;
}

function tokenOf(row: TokenRow): StoredToken {
  return { ...row, role: row.role as Role, revoked: row.revoked !== 0 };
}

function openError(path: string, e: InstanceType<typeof Database.SqliteError>): Error {
  const why = e.code === 'SQLITE_NOTADB' || e.code === 'SQLITE_CORRUPT'
    ? 'not an SQLite database, or corrupt'
    : e.message;
  return new Error(`${path}: cannot open the store: ${why} (${e.code})`, { cause: e });
}
