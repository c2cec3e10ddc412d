/**
 * Centinela operator UI: login, map, alert queue, track panel, replay, filters, shortcuts.
 * Plain TypeScript and MapLibre GL; everything it loads comes from the Centinela server.
 */
import './styles.css';
import { api, ApiError, errorText, setToken, setUnauthorizedHandler } from './api.js';
import { $, replaceUrl, toast } from './dom.js';
import { clock } from './format.js';
import { MapView } from './map/mapView.js';
import { frameStats, frameTimes, resetFrameTimes, startFrameLoop } from './perf.js';
import { prefs } from './prefs.js';
import { app, visibleCount, visibleTracks } from './state.js';
import { Stream, type StreamStatus } from './stream.js';
import type { Alert, ReplayInfo, Sector, SensorInfo, ServerMessage, Session, Settings, ZoneCollection } from './types.js';
import type { Basemap } from '../../scripts/basemap.mjs';
import { acknowledge, initAlerts, moveAlertSelection, resolve, scheduleAlerts } from './ui/alerts.js';
import { filterFromUrl, initFilters, renderFilters } from './ui/filters.js';
import { renderHelp, renderLayers, renderSettings, showMapFallback } from './ui/panels.js';
import { activityCells, syncActivity } from './ui/activity.js';
import { blueForceCount, syncBlueForce } from './ui/blueforce.js';
import { applyReplayState, backToLive, openReplayPanel, tickReplay } from './ui/replay.js';
import { closeTrack, initTrackPanel, openTrack, trackPanelOpen } from './ui/trackPanel.js';

const TOKEN_KEY = 'centinela.token';

let started = false;
let mapView: MapView | null = null;
let mapReady = false;
let stream: Stream | null = null;
let sector: Sector | null = null;
let serverStyleUrl: string | null = null;

// ── login ──

/** The token from ?token= (then removed from the address bar) or this tab's session storage. */
function takeToken(): string | null {
  const url = new URL(location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    try {
      sessionStorage.setItem(TOKEN_KEY, fromUrl);
    } catch {
      // storage refused: the token lives in memory for this page
    }
    url.searchParams.delete('token');
    replaceUrl(url);
    return fromUrl;
  }
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

function showLogin(message = ''): void {
  stream?.stop();
  setToken(null);
  try {
    sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // nothing stored
  }
  $('#app').classList.add('hidden');
  $('#login').classList.remove('hidden');
  $('#login-error').textContent = message;
  const input = $('#login-token') as HTMLInputElement;
  input.value = '';
  input.focus();
  document.title = 'Centinela — sign in';
}

function loginMessage(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.status === 401) return 'That token was not accepted.';
    if (err.status === 429) return 'Too many failed attempts: wait a minute and try again.';
    if (err.status === 0) return 'The server cannot be reached.';
  }
  return `Sign-in failed: ${errorText(err)}`;
}

async function verify(token: string): Promise<Session> {
  setToken(token);
  return api<Session>('/api/session', { quiet401: true });
}

function initLogin(): void {
  $('#login-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const token = ($('#login-token') as HTMLInputElement).value.trim();
    if (!token) return;
    const btn = $('#login-submit') as HTMLButtonElement;
    btn.disabled = true;
    $('#login-error').textContent = '';
    verify(token)
      .then((session) => {
        try {
          sessionStorage.setItem(TOKEN_KEY, token);
        } catch {
          // memory only
        }
        void startApp(session);
      })
      .catch((err: unknown) => {
        setToken(null);
        $('#login-error').textContent = loginMessage(err);
      })
      .finally(() => (btn.disabled = false));
  });
}

async function boot(): Promise<void> {
  initLogin();
  setUnauthorizedHandler(() => showLogin('Your session ended or the token was revoked: sign in again.'));
  const token = takeToken();
  if (!token) return showLogin();
  try {
    await startApp(await verify(token));
  } catch (err) {
    showLogin(loginMessage(err));
  }
}

// ── the application ──

async function startApp(session: Session): Promise<void> {
  app.session = session;
  $('#login').classList.add('hidden');
  $('#app').classList.remove('hidden');
  $('#session-label').textContent = `${session.label} (${session.role})`;
  if (started) {
    // Signed in again: reconnect with the new token.
    stream?.start(app.filter);
    scheduleAlerts();
    return;
  }
  started = true;
  app.filter = filterFromUrl();
  if (new URLSearchParams(location.search).get('kiosk') === '1') setKiosk(true);

  initAlerts({ showTrack });
  initTrackPanel({
    history: (points) => mapView?.setHistory(points),
    flyTo: (lon, lat) => mapView?.flyTo(lon, lat),
  });
  initFilters((f) => stream?.setFilter(f));
  renderHelp();
  initChrome();
  initKeyboard();

  // The map.
  const mapEl = $('#map');
  mapView = new MapView(mapEl, {
    select: (id) => openTrack(id),
    failed: (reason) => {
      mapReady = false;
      showMapFallback(reason, (id) => openTrack(id));
    },
    ready: () => {
      mapReady = true;
      forceRedraw();
    },
  });
  const mapOk = mapView.start(prefs.basemapStyleUrl || null);
  applySymbolScale();
  renderLayers((g, on) => {
    mapView?.setLayerVisible(g, on);
    if (g === 'activity') syncActivity(mapView);
    if (g === 'blueforce') syncBlueForce(mapView);
    forceRedraw();
  });
  syncActivity(mapView);
  syncBlueForce(mapView);
  app.changed.selection.on(() => mapView?.setSelected(app.selectedTrack));
  app.changed.mode.on(() => {
    forceRedraw();
    if (trackPanelOpen() && app.selectedTrack !== null && !app.store.tracks.has(app.selectedTrack)) closeTrack();
  });
  app.changed.filter.on(forceRedraw);

  // Static data, in parallel.
  if (mapOk) {
    fetch('./basemap.json')
      .then((r) => (r.ok ? (r.json() as Promise<Basemap>) : Promise.reject(new Error(`basemap ${r.status}`))))
      .then((b) => mapView?.setBasemap(b))
      .catch((err: unknown) => toast(`Built-in basemap missing: ${errorText(err)}`, 'error'));
  }
  void api<Sector>('/api/sector')
    .then((s) => {
      sector = s;
      $('#sector-name').textContent = s.name;
      mapView?.fitBounds(s.bounds);
    })
    .catch((err: unknown) => console.warn('sector', err));
  void api<ZoneCollection>('/api/zones')
    .then((z) => mapView?.setZones(z))
    .catch((err: unknown) => console.warn('zones', err));
  void api<{ sensors: SensorInfo[] }>('/api/sensors')
    .then((r) => {
      for (const s of r.sensors) app.sensorKinds.set(s.id, s.kind);
      mapView?.setSensors(r.sensors);
    })
    .catch((err: unknown) => console.warn('sensors', err));
  if (app.can('admin')) {
    void api<Settings>('/api/settings')
      .then((s) => {
        serverStyleUrl = s.basemapStyleUrl || null;
        if (serverStyleUrl && !prefs.basemapStyleUrl) mapView?.setStyleUrl(serverStyleUrl);
      })
      .catch(() => {});
  }
  void api<ReplayInfo>('/api/replay')
    .then((r) => applyReplayState(r.state))
    .catch(() => {});
  for (const state of ['open', 'acknowledged']) {
    void api<{ alerts: Alert[] }>(`/api/alerts?state=${state}`)
      .then((r) => {
        for (const a of r.alerts) app.liveAlerts.upsert(a);
        app.changed.alerts.emit();
      })
      .catch(() => {});
  }

  stream = new Stream({ message: onMessage, status: onStatus, unauthorized: () => showLogin('Your session ended: sign in again.') });
  stream.start(app.filter);
  startFrameLoop(onFrame);
}

function onStatus(s: StreamStatus): void {
  app.connection = s;
  const el = $('#conn-status');
  el.className = `conn ${s}`;
  el.textContent = s === 'live' ? 'connected' : s;
  app.changed.connection.emit();
}

let replayProbe = 0;
function onMessage(m: ServerMessage): void {
  switch (m.type) {
    case 'snapshot': {
      const store = m.replay ? app.replay : app.live;
      store.reset(m.tracks ?? [], m.timeMs);
      const alerts = m.replay ? app.replayAlerts : app.liveAlerts;
      if (m.alerts) {
        alerts.clear();
        for (const a of m.alerts) alerts.upsert(a);
        app.changed.alerts.emit();
      }
      app.changed.tracks.emit();
      break;
    }
    case 'tracks': {
      if (m.replay && !app.replayState?.running) probeReplay();
      (m.replay ? app.replay : app.live).update(m.updated ?? [], m.removed ?? [], m.timeMs);
      app.changed.tracks.emit();
      break;
    }
    case 'alert':
      if (m.change?.alert) {
        (m.replay ? app.replayAlerts : app.liveAlerts).upsert(m.change.alert);
        app.changed.alerts.emit();
      }
      break;
    case 'event':
      if (m.event) app.changed.event.emit({ event: m.event, replay: !!m.replay });
      break;
    case 'replay':
      applyReplayState(m.state);
      break;
    case 'error':
      toast(`Server: ${m.message ?? m.error ?? 'error'}`, 'error');
      break;
  }
}

/** Replay output arrived without a known running replay (started elsewhere): ask for the state. */
function probeReplay(): void {
  const now = Date.now();
  if (now - replayProbe < 3000) return;
  replayProbe = now;
  void api<ReplayInfo>('/api/replay')
    .then((r) => applyReplayState(r.state))
    .catch(() => {});
}

// ── render loop: at most one picture update per animation frame ──
//
// Tracks are drawn by a canvas-2D overlay (map/trackOverlay.ts), not by the WebGL map: a new
// picture costs one overlay redraw (a few milliseconds for 2,000 tracks, even where WebGL is
// software-rendered), never a map render. The cost of each update (building the picture and
// drawing it) is measured; should it exceed a frame budget (a slow machine, tens of thousands of
// tracks) updates are spaced out so that no more than one frame in twenty carries one.

let drawnVersion = -1;
let drawnTrailVersion = -1;
let lastDrawMs = 0;
let lastTrailMs = 0;
let force = true;
let lastTitle = '';
let lastHeader = '';
/** Cost of a picture update on the main thread [ms]: the median of the last few (a machine under
 * load has the odd long pause that says nothing about the picture). */
let updateCostMs = 0;
const recentCosts: number[] = [];
const FRAME_BUDGET_MS = 25;

function forceRedraw(): void {
  force = true;
}

/** Minimum time between picture updates, from their measured cost (0: every frame that has news). */
function updateIntervalMs(): number {
  return updateCostMs > FRAME_BUDGET_MS ? Math.min(2000, 20 * updateCostMs) : 0;
}

function onFrame(now: number): void {
  const store = app.store;
  if (mapView && mapReady && !mapView.failed) {
    const due = force || now - lastDrawMs >= updateIntervalMs();
    const tracksDirty = store.version !== drawnVersion;
    const trailsDirty = store.trailVersion !== drawnTrailVersion && now - lastTrailMs >= 400;
    if (due && (force || tracksDirty || trailsDirty)) {
      const t0 = performance.now();
      const tracks = visibleTracks();
      // Trails move slowly and weigh the most: rebuilt a few times a second at most.
      let trails: ReadonlyMap<number, number[]> | undefined;
      if (force || trailsDirty) {
        trails = prefs.layers.trails ? store.trails : new Map();
        drawnTrailVersion = store.trailVersion;
        lastTrailMs = now;
      }
      mapView.setTracks(tracks, trails);
      drawnVersion = store.version;
      force = false;
      lastDrawMs = now;
      const cost = performance.now() - t0;
      recentCosts.push(cost);
      if (recentCosts.length > 9) recentCosts.shift();
      updateCostMs = [...recentCosts].sort((a, b) => a - b)[recentCosts.length >> 1];
    } else mapView.drawOverlay(); // selection, symbol size, or a view change the map has not rendered yet
  }
  tickReplay();
  updateHeader();
}

function updateHeader(): void {
  const n = visibleCount();
  const { open, acknowledged } = app.alertStore.counts();
  const t = app.store.timeMs;
  const key = `${n}|${open}|${acknowledged}|${clock(t)}|${app.mode}`;
  if (key === lastHeader) return;
  lastHeader = key;
  $('#track-count').textContent = String(n);
  $('#alert-open-count').textContent = String(open);
  $('#alert-ack-count').textContent = String(acknowledged);
  $('#picture-time').textContent = clock(t);
  $('#kiosk-status').textContent = `${app.mode === 'replay' ? 'REPLAY · ' : ''}${n} tracks · ${open} open alerts · ${clock(t)}`;
  const title = `${open ? `(${open}) ` : ''}Centinela — ${n} tracks${app.mode === 'replay' ? ' · REPLAY' : ''}`;
  if (title !== lastTitle) {
    lastTitle = title;
    document.title = title;
  }
}

// ── chrome: popovers, kiosk, keyboard ──

type Popover = 'filters' | 'layers' | 'replay' | 'settings';
let openPopover: Popover | null = null;

function togglePopover(p: Popover, force?: boolean): void {
  const show = force ?? openPopover !== p;
  for (const q of ['filters', 'layers', 'replay', 'settings'] as Popover[]) {
    $(`#popover-${q}`).classList.toggle('hidden', !(show && q === p));
    $(`#btn-${q}`).classList.toggle('active', show && q === p);
  }
  openPopover = show ? p : null;
  if (!show) return;
  if (p === 'filters') renderFilters();
  if (p === 'replay') void openReplayPanel();
  if (p === 'settings')
    renderSettings({
      basemap: (url) => mapView?.setStyleUrl(url),
      redraw: () => {
        scheduleAlerts();
        app.changed.tracks.emit();
        forceRedraw();
      },
      serverStyleUrl: () => serverStyleUrl,
      setServerStyleUrl: (url) => (serverStyleUrl = url),
    });
}

function setKiosk(on: boolean): void {
  document.body.classList.toggle('kiosk', on);
  const url = new URL(location.href);
  if (on) url.searchParams.set('kiosk', '1');
  else url.searchParams.delete('kiosk');
  replaceUrl(url);
  // The map container changed size.
  requestAnimationFrame(() => {
    mapView?.map?.resize();
    applySymbolScale();
  });
}

/** Map symbols grow with the wall: kiosk mode and big screens. */
function applySymbolScale(): void {
  const wall = window.innerWidth >= 2200;
  const kiosk = document.body.classList.contains('kiosk');
  mapView?.setSymbolScale(kiosk ? (wall ? 1.8 : 1.4) : wall ? 1.3 : 1);
}

function initChrome(): void {
  for (const p of ['filters', 'layers', 'replay', 'settings'] as Popover[]) $(`#btn-${p}`).addEventListener('click', () => togglePopover(p));
  $('#btn-help').addEventListener('click', () => $('#help').classList.toggle('hidden'));
  $('#help').addEventListener('click', (e) => {
    if (e.target === $('#help')) $('#help').classList.add('hidden');
  });
  $('#btn-kiosk').addEventListener('click', () => setKiosk(!document.body.classList.contains('kiosk')));
  $('#kiosk-status').addEventListener('click', () => setKiosk(false));
  $('#btn-logout').addEventListener('click', () => showLogin('Signed out.'));
  window.addEventListener('resize', () => {
    mapView?.map?.resize();
    applySymbolScale();
  });
}

function showTrack(trackId: number): void {
  openTrack(trackId);
  const t = app.store.tracks.get(trackId);
  if (t) mapView?.flyTo(t.lonDeg, t.latDeg);
  else
    void api<{ latDeg: number; lonDeg: number }>(`/api/tracks/${trackId}`)
      .then((v) => mapView?.flyTo(v.lonDeg, v.latDeg))
      .catch(() => toast(`Track ${trackId} has no known position`, 'error'));
}

function initKeyboard(): void {
  document.addEventListener('keydown', (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const target = e.target as HTMLElement;
    const typing = target.matches('input, select, textarea') && !(target instanceof HTMLInputElement && ['checkbox', 'range'].includes(target.type));
    if (e.key === 'Escape') {
      if (typing) target.blur();
      if (!$('#help').classList.contains('hidden')) $('#help').classList.add('hidden');
      else if (openPopover) togglePopover(openPopover, false);
      else if (trackPanelOpen()) closeTrack();
      else if (document.body.classList.contains('kiosk')) setKiosk(false);
      else if (app.selectedAlert) {
        app.selectedAlert = null;
        app.changed.selection.emit();
      }
      return;
    }
    if (typing || $('#app').classList.contains('hidden')) return;
    switch (e.key) {
      case '?':
        $('#help').classList.toggle('hidden');
        break;
      case 'a':
        if (app.selectedAlert) void acknowledge(app.selectedAlert);
        else toast('Select an alert first (↑ / ↓ or click)');
        break;
      case 'd':
        if (app.selectedAlert) void resolve(app.selectedAlert);
        else toast('Select an alert first (↑ / ↓ or click)');
        break;
      case 'f':
        togglePopover('filters');
        break;
      case 'l':
        togglePopover('layers');
        break;
      case 'r':
        togglePopover('replay');
        break;
      case 'k':
        setKiosk(!document.body.classList.contains('kiosk'));
        break;
      case 'c': {
        const t = app.selectedTrack !== null ? app.store.tracks.get(app.selectedTrack) : undefined;
        if (t) mapView?.flyTo(t.lonDeg, t.latDeg);
        break;
      }
      case 's':
        if (sector) mapView?.fitBounds(sector.bounds);
        break;
      case 'ArrowDown':
        moveAlertSelection(1);
        break;
      case 'ArrowUp':
        moveAlertSelection(-1);
        break;
      case 'Enter': {
        const a = app.selectedAlert ? app.alertStore.alerts.get(app.selectedAlert) : undefined;
        if (a) showTrack(a.trackId);
        else return;
        break;
      }
      default:
        return;
    }
    e.preventDefault();
  });
}

// ── hooks for the end-to-end test and the frame-time benchmark ──

declare global {
  interface Window {
    __centinela: unknown;
  }
}

window.__centinela = {
  /** Tracks on screen (after filters). */
  trackCount: () => visibleCount(),
  /** Tracks in the current picture (before filters). */
  totalTracks: () => app.store.tracks.size,
  /** The tracks on screen (after filters): id and position. */
  tracks: () => visibleTracks().map((t) => ({ trackId: t.trackId, lonDeg: t.lonDeg, latDeg: t.latDeg })),
  /** Recent frame intervals [ms] from requestAnimationFrame, oldest first. */
  frameTimes,
  frameStats,
  resetFrameTimes,
  /** Measured cost of a picture update [ms], the resulting minimum interval between updates, and the overlay's last redraw [ms]. */
  renderCost: () => ({ costMs: updateCostMs, intervalMs: updateIntervalMs(), drawMs: mapView?.overlay?.lastDrawMs ?? 0 }),
  alertCounts: () => app.alertStore.counts(),
  mode: () => app.mode,
  connection: () => app.connection,
  mapReady: () => mapReady,
  mapFailed: () => mapView?.failed ?? false,
  /** The WebGL renderer, and whether it is software (SwiftShader, llvmpipe). */
  webgl: () => mapView?.gl ?? null,
  /** The MapLibre map (for tests and diagnostics). */
  map: () => mapView?.map ?? null,
  selectTrack: (id: number) => openTrack(id),
  /** Cells in the activity heatmap (0 while its layer is off or loading). */
  activityCells,
  /** Friendly units on the map (from /api/blueforce). */
  blueForceCount,
  backToLive,
};

void boot();
