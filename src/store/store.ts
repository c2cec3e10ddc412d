/**
 * The store: what the pipeline saw and concluded, and what operators did — the record that
 * replay, the API's history views and evidence read back. One interface, two implementations
 * (DESIGN.md): SQLite embedded (src/store/sqlite.ts, the default) and PostgreSQL (later).
 *
 * Writes are cheap and synchronous for the caller (the SQLite implementation batches them into
 * one transaction per `flush`, which the owner calls on a timer and at shutdown); reads see
 * everything flushed. Nothing here decides anything: the pipeline is the only source of alerts,
 * the store keeps their latest snapshot and every change.
 */
import type { Alert, AlertChange, AuditEntry, OperatorAction } from '../alerts/types.js';
import type { TrackEvent } from '../assess/types.js';
import type { Detection } from '../model/detection.js';
import type { TrackUpdate, TrackView } from '../pipeline/views.js';
import type { SensorConfig } from '../sim/sensor-models.js';

export type Role = 'viewer' | 'operator' | 'admin';

/** One row of a track's history (what trails and the track panel's plots need). */
export interface TrackHistoryPoint {
  timeMs: number;
  latDeg: number;
  lonDeg: number;
  altitudeM: number;
  speedMps: number;
  courseDeg: number;
  cls: string;
  pDrone: number;
  threat: number;
}

/**
 * Where and when tracks flew, kept as the track history is written: track-seconds per grid cell
 * (its centre; cells of `cellDeg`) and per UTC hour of day, for drones (samples at P(drone) ≥ ½)
 * or for everything tracked, over whole UTC hours.
 */
export interface Activity {
  cellDeg: number;
  cells: { latDeg: number; lonDeg: number; trackSeconds: number }[];
  /** Track-seconds per UTC hour of day, 0 … 23. */
  hoursUtc: number[];
  /** Distinct tracks in the window. */
  tracks: number;
}

export interface ActivityQuery {
  /** The window, widened to whole UTC hours. */
  fromMs: number;
  toMs: number;
  /** Everything tracked, not only drones. */
  all: boolean;
}

export interface TimeWindow {
  fromMs?: number;
  toMs?: number;
  limit?: number;
}

export interface StoredToken {
  id: string;
  /** SHA-256 of the secret (hex); the secret itself is never stored. */
  hash: string;
  role: Role;
  label: string;
  createdMs: number;
  /** null: does not expire. */
  expiresMs: number | null;
  revoked: boolean;
}

export interface RetentionSettings {
  /** Raw detections kept for [h] (the bulk of the store). */
  detectionsH: number;
  /** Track history, events kept for [h]. */
  historyH: number;
  /** Alerts, operator actions and the audit trail kept for [days] (evidence: long). */
  alertsDays: number;
}

export const DEFAULT_RETENTION: RetentionSettings = { detectionsH: 24, historyH: 7 * 24, alertsDays: 365 };

export interface Store {
  // ── writes (queued; durable after flush) ──
  addDetections(detections: readonly Detection[]): void;
  addTrackUpdate(update: TrackUpdate): void;
  addEvent(event: TrackEvent): void;
  /** Keeps the alert's latest snapshot and the change in the alert's log. */
  addAlertChange(change: AlertChange): void;
  addAction(action: OperatorAction): void;
  addAudit(entry: AuditEntry): void;
  flush(): void;

  // ── reads ──
  /** Detections in [fromMs, toMs] in time order (replay), lazily. */
  detections(window: TimeWindow): IterableIterator<Detection>;
  /** First and last detection times, or null when empty. */
  detectionSpan(): { firstMs: number; lastMs: number } | null;
  trackHistory(trackId: number, window?: TimeWindow): TrackHistoryPoint[];
  /** Where and when tracks flew in a window (the heatmap). */
  activity(q: ActivityQuery): Activity;
  /** The last stored view of a track (also of tracks that ended). */
  lastTrackView(trackId: number): TrackView | null;
  events(filter: TimeWindow & { trackId?: number; type?: string }): TrackEvent[];
  alerts(filter?: { state?: Alert['state']; limit?: number }): Alert[];
  alert(id: string): Alert | null;
  alertChanges(alertId: string): AlertChange[];
  actions(window: TimeWindow): OperatorAction[];
  audit(window: TimeWindow): AuditEntry[];

  // ── settings and identity ──
  getMeta(key: string): string | null;
  setMeta(key: string, value: string): void;
  addToken(token: StoredToken): void;
  tokenByHash(hash: string): StoredToken | null;
  tokens(): StoredToken[];
  revokeToken(id: string): boolean;
  /** Keeps a sensor added while the service runs (the latest configuration per id). */
  saveSensor(config: SensorConfig, addedMs: number): void;
  /** The sensors saved by saveSensor, in the order they were first added. */
  savedSensors(): SensorConfig[];

  /** Deletes what is older than the retention allows, as of `nowMs`; returns rows deleted per table. */
  prune(nowMs: number, retention?: RetentionSettings): Record<string, number>;
  close(): void;
}
