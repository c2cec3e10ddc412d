/**
 * The JSON shapes the UI reads. Track, alert and event types come straight from the server's
 * own sources (type-only imports: nothing of src/ ends up in the bundle), so a contract change
 * shows up as a type error here. The rest mirrors docs/api.md.
 */
import type { Polygon, FeatureCollection } from 'geojson';

export type { TrackView, TrackMove, Affiliation } from '../../src/pipeline/views.js';
export type { Alert, AlertChange, AlertState, Severity } from '../../src/alerts/types.js';
export type { TrackEvent, Disposition, ObjectClass } from '../../src/assess/types.js';
export type { TrackHistoryPoint, Activity } from '../../src/store/store.js';
export type { BlueForcePosition } from '../../src/ingest/cot/blue-force.js';

import type { TrackMove, TrackView } from '../../src/pipeline/views.js';
import type { Alert, AlertChange } from '../../src/alerts/types.js';
import type { TrackEvent } from '../../src/assess/types.js';

export type Role = 'viewer' | 'operator' | 'admin';

export interface Session {
  role: Role;
  label: string;
}

export interface Sector {
  name: string;
  origin: { latDeg: number; lonDeg: number };
  bounds: [[number, number], [number, number]];
  timeMs: number;
}

export interface SensorInfo {
  id: string;
  kind: string;
  latDeg: number;
  lonDeg: number;
  heightM: number;
  maxRangeM: number;
  coverage: Polygon | null;
}

export interface ReplayState {
  running: boolean;
  paused: boolean;
  speed: number;
  timeMs: number;
  fromMs: number;
  toMs: number;
}

export interface ReplayInfo {
  span: { firstMs: number; lastMs: number } | null;
  state: ReplayState;
}

export interface Settings {
  basemapStyleUrl?: string | null;
  retention?: unknown;
}

export type ZoneCollection = FeatureCollection;

/** What the client asks the stream to send (docs/api.md, WebSocket). */
export interface StreamFilter {
  classes?: string[];
  minThreat?: number;
  dispositions?: string[];
  darkOnly?: boolean;
  bbox?: [number, number, number, number];
}

export type ServerMessage =
  | { type: 'snapshot'; timeMs: number; tracks: TrackView[]; alerts: Alert[]; replay?: boolean }
  | { type: 'tracks'; timeMs: number; publishedMs?: number; replay?: boolean; updated: (TrackView | TrackMove)[]; removed: number[] }
  | { type: 'alert'; replay?: boolean; change: AlertChange }
  | { type: 'event'; replay?: boolean; event: TrackEvent }
  | { type: 'replay'; state: ReplayState }
  | { type: 'error'; error?: string; message?: string };
