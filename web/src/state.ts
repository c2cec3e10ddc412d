/**
 * What the UI knows: the live picture, the replay picture (kept apart so a replay never mixes
 * with live tracks), alerts, the selection and the display mode. Stores only count versions;
 * the render loop redraws when a version moved, at most once per animation frame.
 */
import { Emitter } from './dom.js';
import { prefs } from './prefs.js';
import type { Alert, ReplayState, Role, Session, StreamFilter, TrackEvent, TrackMove, TrackView } from './types.js';

export class TrackStore {
  readonly tracks = new Map<number, TrackView>();
  /** Last positions per track, flat [lon, lat, lon, lat, …], oldest first. */
  readonly trails = new Map<number, number[]>();
  timeMs = 0;
  /** Bumped on every change of positions/attributes. */
  version = 0;
  trailVersion = 0;

  clear(): void {
    this.tracks.clear();
    this.trails.clear();
    this.timeMs = 0;
    this.version++;
    this.trailVersion++;
  }

  /** Replaces the picture (a snapshot); keeps the trails of tracks still there. */
  reset(tracks: readonly TrackView[], timeMs: number): void {
    const keep = new Set<number>();
    this.tracks.clear();
    for (const t of tracks) {
      this.tracks.set(t.trackId, t);
      keep.add(t.trackId);
      this.addTrailPoint(t);
    }
    for (const id of this.trails.keys()) if (!keep.has(id)) this.trails.delete(id);
    if (timeMs) this.timeMs = timeMs;
    this.version++;
    this.trailVersion++;
  }

  /** Applies a stream update: full views replace, TrackMoves (kinematics only) merge into the view held. */
  update(updated: readonly (TrackView | TrackMove)[], removed: readonly number[], timeMs: number): void {
    for (const u of updated) {
      let t: TrackView;
      if ('partial' in u) {
        const old = this.tracks.get(u.trackId);
        if (!old) continue; // the server sends moves only for tracks it sent in full
        const { partial, ...kinematics } = u;
        void partial;
        t = { ...old, ...kinematics };
      } else t = u;
      this.tracks.set(t.trackId, t);
      this.addTrailPoint(t);
    }
    for (const id of removed) {
      this.tracks.delete(id);
      this.trails.delete(id);
    }
    if (timeMs) this.timeMs = Math.max(this.timeMs, timeMs);
    this.version++;
    if (updated.length || removed.length) this.trailVersion++;
  }

  private addTrailPoint(t: TrackView): void {
    let trail = this.trails.get(t.trackId);
    if (!trail) {
      trail = [];
      this.trails.set(t.trackId, trail);
    }
    const n = trail.length;
    // Skip sub-metre moves (a hovering drone would otherwise fill its trail with one point).
    if (n >= 2 && Math.abs(trail[n - 2] - t.lonDeg) < 1e-5 && Math.abs(trail[n - 1] - t.latDeg) < 1e-5) return;
    trail.push(t.lonDeg, t.latDeg);
    const max = prefs.trailPoints * 2;
    if (trail.length > max) trail.splice(0, trail.length - max);
  }
}

export class AlertStore {
  readonly alerts = new Map<string, Alert>();
  version = 0;

  clear(): void {
    this.alerts.clear();
    this.version++;
  }

  /** Adds or replaces an alert; an older copy never overwrites a newer one. */
  upsert(a: Alert): void {
    const old = this.alerts.get(a.id);
    if (old && old.updatedMs > a.updatedMs) return;
    this.alerts.set(a.id, a);
    this.version++;
  }

  /** Open and acknowledged alerts, newest first. */
  queue(): Alert[] {
    const out: Alert[] = [];
    for (const a of this.alerts.values()) if (a.state !== 'resolved') out.push(a);
    return out.sort((x, y) => y.openedMs - x.openedMs || (x.id < y.id ? 1 : -1));
  }

  counts(): { open: number; acknowledged: number } {
    let open = 0;
    let acknowledged = 0;
    for (const a of this.alerts.values()) {
      if (a.state === 'open') open++;
      else if (a.state === 'acknowledged') acknowledged++;
    }
    return { open, acknowledged };
  }

  forTrack(trackId: number): Alert[] {
    return [...this.alerts.values()].filter((a) => a.trackId === trackId || a.trackIds.includes(trackId)).sort((x, y) => y.openedMs - x.openedMs);
  }
}

export type Mode = 'live' | 'replay';

export const app = {
  session: null as Session | null,
  live: new TrackStore(),
  replay: new TrackStore(),
  liveAlerts: new AlertStore(),
  replayAlerts: new AlertStore(),
  mode: 'live' as Mode,
  replayState: null as ReplayState | null,
  selectedTrack: null as number | null,
  selectedAlert: null as string | null,
  filter: {} as StreamFilter,
  /** Sensor id → kind (for the track panel). */
  sensorKinds: new Map<string, string>(),
  connection: 'connecting' as 'connecting' | 'live' | 'offline',

  changed: {
    mode: new Emitter(),
    selection: new Emitter(),
    alerts: new Emitter(),
    tracks: new Emitter(),
    filter: new Emitter(),
    connection: new Emitter(),
    replay: new Emitter(),
    event: new Emitter<{ event: TrackEvent; replay: boolean }>(),
  },

  /** The picture on screen: the replay's while replaying, else live. */
  get store(): TrackStore {
    return this.mode === 'replay' ? this.replay : this.live;
  },
  get alertStore(): AlertStore {
    return this.mode === 'replay' ? this.replayAlerts : this.liveAlerts;
  },
  can(role: Role): boolean {
    const order: Role[] = ['viewer', 'operator', 'admin'];
    return !!this.session && order.indexOf(this.session.role) >= order.indexOf(role);
  },
};

/** Whether a track passes the current filter (the server filters too; this keeps replay and older servers honest). */
export function passes(t: TrackView, f: StreamFilter): boolean {
  if (f.classes && f.classes.length && !f.classes.includes(t.classification.cls)) return false;
  if (f.minThreat !== undefined && f.minThreat > 0 && t.threat.score < f.minThreat) return false;
  if (f.darkOnly && !t.dark) return false;
  if (f.dispositions && f.dispositions.length && !f.dispositions.includes(t.disposition)) return false;
  return true;
}

/** The tracks on screen (filtered). */
export function visibleTracks(): TrackView[] {
  const out: TrackView[] = [];
  const f = app.filter;
  for (const t of app.store.tracks.values()) if (passes(t, f)) out.push(t);
  return out;
}

let countCache = { version: -1, mode: 'live' as Mode, filterKey: '', n: 0 };
export function visibleCount(): number {
  const key = JSON.stringify(app.filter);
  const s = app.store;
  if (countCache.version === s.version && countCache.mode === app.mode && countCache.filterKey === key) return countCache.n;
  let n = 0;
  for (const t of s.tracks.values()) if (passes(t, app.filter)) n++;
  countCache = { version: s.version, mode: app.mode, filterKey: key, n };
  return n;
}
