/**
 * The track panel: why the system thinks what it thinks about one track — class probabilities
 * with their reasons, threat evidence, identities, contributing sensors, altitude and speed over
 * time, events, alerts — and "mark friendly".
 */
import { api, ApiError, errorText } from '../api.js';
import { $, h, pointerHold, toast } from '../dom.js';
import { altitude, CLASS_LABEL, clock, DISPOSITION_LABEL, distance, duration, latLon, pct, severityOfScore, speed } from '../format.js';
import { app } from '../state.js';
import { symbolCanvas, sidcOf } from '../map/symbols.js';
import type { Alert, TrackEvent, TrackHistoryPoint, TrackView } from '../types.js';
import { sparkline } from './sparkline.js';

export interface TrackPanelHooks {
  history(points: TrackHistoryPoint[]): void;
  flyTo(lon: number, lat: number): void;
}

let hooks: TrackPanelHooks;
let currentId: number | null = null;
let lastView: TrackView | null = null;
let history: TrackHistoryPoint[] = [];
let events: TrackEvent[] = [];
let renderedVersion = -1;
let lastRenderMs = 0;
let historyTimer = 0;
let loadSeq = 0;
let renderTimer = 0;
let armedFriendly: number | null = null;
let armedAt = 0;

let held: () => boolean = () => false;

export function initTrackPanel(hk: TrackPanelHooks): void {
  hooks = hk;
  held = pointerHold($('#track-panel'), () => render(true));
  app.changed.tracks.on(() => {
    if (currentId === null) return;
    // At most twice a second: the panel is for reading.
    const now = performance.now();
    if (now - lastRenderMs < 500) {
      if (!renderTimer) renderTimer = window.setTimeout(() => ((renderTimer = 0), render()), 500 - (now - lastRenderMs));
      return;
    }
    render();
  });
  app.changed.alerts.on(() => currentId !== null && render(true));
  app.changed.event.on(({ event, replay }) => {
    if (event.trackId !== currentId || replay !== (app.mode === 'replay')) return;
    events = [event, ...events].slice(0, 200);
    render(true);
  });
}

export function openTrack(id: number): void {
  if (currentId !== id) {
    currentId = id;
    lastView = null;
    history = [];
    events = [];
    renderedVersion = -1;
    void load(id);
  }
  app.selectedTrack = id;
  app.changed.selection.emit();
  $('#track-panel').classList.remove('hidden');
  render(true);
}

export function closeTrack(): void {
  currentId = null;
  lastView = null;
  window.clearInterval(historyTimer);
  $('#track-panel').classList.add('hidden');
  app.selectedTrack = null;
  hooks.history([]);
  app.changed.selection.emit();
}

export function trackPanelOpen(): boolean {
  return currentId !== null;
}

async function load(id: number): Promise<void> {
  const seq = ++loadSeq;
  window.clearInterval(historyTimer);
  const fetchHistory = async () => {
    try {
      const r = await api<{ points: TrackHistoryPoint[] }>(`/api/tracks/${id}/history`);
      if (seq !== loadSeq) return;
      history = r.points ?? [];
      hooks.history(history);
      render(true);
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 404)) console.warn('history', err);
    }
  };
  const fetchEvents = async () => {
    try {
      const r = await api<{ events: TrackEvent[] }>(`/api/tracks/${id}/events`);
      if (seq !== loadSeq) return;
      events = [...(r.events ?? [])].sort((a, b) => b.timeMs - a.timeMs);
      render(true);
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 404)) console.warn('events', err);
    }
  };
  if (!app.store.tracks.has(id)) {
    // Not in the picture (ended, filtered out): the last stored view.
    try {
      const v = await api<TrackView & { alerts?: Alert[] }>(`/api/tracks/${id}`);
      if (seq !== loadSeq) return;
      lastView = v;
      render(true);
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) toast(`Track ${id} is not known`, 'error');
    }
  }
  await Promise.all([fetchHistory(), fetchEvents()]);
  historyTimer = window.setInterval(() => {
    if (currentId === id) void fetchHistory();
  }, 10000);
}

function render(force = false): void {
  if (currentId === null || held()) return;
  const store = app.store;
  if (!force && renderedVersion === store.version) return;
  renderedVersion = store.version;
  lastRenderMs = performance.now();
  const live = store.tracks.get(currentId);
  if (live) lastView = live;
  const t = lastView;
  const panel = $('#track-panel');
  const scroll = panel.scrollTop;
  if (!t) {
    panel.replaceChildren(head(null, false), h('p', { class: 'muted' }, 'Loading…'));
    return;
  }
  panel.replaceChildren(...content(t, !!live));
  panel.scrollTop = scroll;
}

function head(t: TrackView | null, inPicture: boolean): HTMLElement {
  const icon = t ? symbolCanvas(sidcOf(t), 1) : null;
  const img = icon ? h('img', { class: 'tp-symbol', src: icon.toDataURL(), alt: '' }) : null;
  return h(
    'div',
    { class: 'tp-head' },
    img,
    h(
      'div',
      { class: 'tp-title' },
      h('h2', { 'data-testid': 'track-title' }, `Track ${currentId}`, t && t.objectId !== t.trackId ? h('span', { class: 'muted small' }, ` (object ${t.objectId})`) : null),
      t ? h('div', { class: 'muted small' }, `${CLASS_LABEL[t.classification.cls] ?? t.classification.cls} · ${DISPOSITION_LABEL[t.disposition] ?? t.disposition}${t.status === 'coasting' ? ' · coasting' : ''}${inPicture ? '' : ' · not in the picture'}`) : null,
    ),
    h('button', { class: 'close', 'data-testid': 'track-close', title: 'Close (Esc)', onclick: () => closeTrack() }, '×'),
  );
}

function content(t: TrackView, inPicture: boolean): HTMLElement[] {
  const out: HTMLElement[] = [head(t, inPicture)];
  const sev = severityOfScore(t.threat.score);

  const badges = h('div', { class: 'tp-badges' });
  if (t.dark) badges.append(h('span', { class: 'tag tag-dark big', 'data-testid': 'track-dark', title: `No RF / Remote ID although inside RF coverage for ${Math.round(t.darkRfExpectedS)} s: fibre-optic or autonomous?` }, 'DARK'));
  if (t.spoof) badges.append(h('span', { class: 'tag tag-spoof big', 'data-testid': 'track-spoof', title: 'Remote ID broadcast position disagrees with the sensed track' }, `RID SPOOF ${t.spoof.serial} (${distance(t.spoof.offsetM)} off)`));
  if (t.friend) badges.append(h('span', { class: 'tag tag-friend' }, `FRIEND (${t.friend.by})`));
  if (t.crossedInbound) badges.append(h('span', { class: 'tag tag-cross' }, `crossed ${t.crossedInbound.from}→${t.crossedInbound.to} ${clock(t.crossedInbound.crossingTimeMs)}${t.crossedInbound.inferred ? ' (inferred)' : ''}`));
  if (t.hovering) badges.append(h('span', { class: 'tag' }, 'hovering'));
  if (badges.childElementCount) out.push(badges);

  // Key numbers.
  const intent = t.intent;
  out.push(
    h(
      'dl',
      { class: 'tp-grid' },
      h('dt', null, 'Threat'),
      h('dd', null, h('span', { class: `sev sev-${sev}`, 'data-testid': 'track-threat' }, String(t.threat.score)), ` ${sev}`),
      h('dt', null, 'Altitude'),
      h('dd', { 'data-testid': 'track-altitude' }, `${altitude(t.altitudeM)} AGL`),
      h('dt', null, 'Speed'),
      h('dd', { 'data-testid': 'track-speed' }, `${speed(t.speedMps)} · ${Math.round(t.courseDeg)}°`),
      h('dt', null, 'Position'),
      h('dd', { class: 'mono', title: `±${Math.round(t.sigmaHorizontalM)} m (1σ)` }, latLon(t.latDeg, t.lonDeg), h('span', { class: 'muted small' }, ` ±${distance(t.sigmaHorizontalM)}`)),
      h('dt', null, 'Side'),
      h('dd', null, `${t.side ?? 'unknown'}${t.onProtectedSide ? ' (protected side)' : ''}`),
      h('dt', null, 'Intent'),
      h('dd', null, `${intent.intent}${intent.timeToBorderS !== null ? ` · border in ${duration(intent.timeToBorderS)}` : ''}${intent.zones.length ? ` · ${intent.zones[0].zoneId} in ${duration(intent.zones[0].timeToEntryS)}` : ''}`),
      h('dt', null, 'Seen'),
      h('dd', null, `${clock(t.startMs)} · ${duration(t.objectAgeS)} · last hit ${clock(t.lastHitMs)}`),
      h('dt', null, 'Existence'),
      h('dd', null, pct(t.existence)),
    ),
  );

  const actions = h('div', { class: 'tp-actions' });
  actions.append(h('button', { onclick: () => hooks.flyTo(t.lonDeg, t.latDeg), title: 'Centre the map on it' }, 'Centre'));
  if (app.can('operator') && app.mode === 'live' && t.disposition !== 'friend') {
    // Two clicks (no browser dialog): the first arms, the second within 5 s acts.
    const armed = armedFriendly === t.trackId && performance.now() - armedAt < 5000;
    actions.append(
      h(
        'button',
        {
          class: `btn-friendly${armed ? ' armed' : ''}`,
          'data-testid': 'track-mark-friendly',
          onclick: () => {
            if (armed) {
              armedFriendly = null;
              void markFriendly(t.trackId);
            } else {
              armedFriendly = t.trackId;
              armedAt = performance.now();
              window.setTimeout(() => render(true), 5100);
            }
            render(true);
          },
        },
        armed ? 'Confirm: mark friendly' : 'Mark friendly',
      ),
    );
  }
  actions.append(h('button', { onclick: () => void navigator.clipboard?.writeText(`${t.latDeg.toFixed(6)}, ${t.lonDeg.toFixed(6)}`).then(() => toast('Position copied')), title: 'Copy the position for a ground team' }, 'Copy position'));
  out.push(actions);

  // Where to send a team: drop and launch estimates.
  const where: HTMLElement[] = [];
  if (t.lastDrop) {
    const p = t.lastDrop.point;
    where.push(h('li', null, `Suspected drop ${clock(t.lastDrop.timeMs)}${p.latDeg !== undefined ? ` at ${latLon(p.latDeg, p.lonDeg!)}` : ''} (descent ${Math.round(t.lastDrop.descentM)} m)`));
  }
  if (t.launch) {
    const p = t.launch.estimate;
    where.push(h('li', null, `Launch point (${t.launch.method})${p.latDeg !== undefined ? ` ${latLon(p.latDeg, p.lonDeg!)}` : ''} · far side ${pct(t.launch.pFarSide)}`));
  }
  if (where.length) out.push(section('Ground team', h('ul', { class: 'plain' }, ...where)));

  // Classification.
  const probs = Object.entries(t.classification.probabilities).sort((a, b) => b[1] - a[1]);
  out.push(
    section(
      `Class: ${CLASS_LABEL[t.classification.cls] ?? t.classification.cls} ${pct(t.classification.probability)}`,
      h(
        'div',
        { class: 'probs', 'data-testid': 'track-class-probs' },
        ...probs.map(([cls, p]) =>
          h('div', { class: `prob${cls === t.classification.cls ? ' top' : ''}` }, h('span', { class: 'prob-label' }, CLASS_LABEL[cls] ?? cls), h('span', { class: 'prob-bar' }, h('span', { style: `width:${(p * 100).toFixed(1)}%` })), h('span', { class: 'prob-val' }, pct(p))),
        ),
      ),
      t.classification.reasons.length ? h('ul', { class: 'reasons', 'data-testid': 'track-class-reasons' }, ...t.classification.reasons.map((r) => h('li', null, r))) : null,
    ),
  );

  // Threat evidence.
  out.push(section(`Threat ${t.threat.score}: evidence`, h('ul', { class: 'reasons', 'data-testid': 'track-threat-evidence' }, ...(t.threat.evidence.length ? t.threat.evidence : ['none']).map((r) => h('li', null, r)))));

  // Identities and sensors.
  const ids = t.identities;
  const idRows: [string, string | null][] = [
    ['Remote ID', ids.remoteId],
    ['ICAO', ids.icao],
    ['Callsign', ids.callsign],
    ['RF emitter', ids.rf],
  ];
  const shown = idRows.filter(([, v]) => v);
  out.push(
    section(
      'Identity and sensors',
      shown.length ? h('dl', { class: 'tp-grid', 'data-testid': 'track-identities' }, ...shown.flatMap(([k, v]) => [h('dt', null, k), h('dd', { class: 'mono' }, v)])) : h('p', { class: 'muted small', 'data-testid': 'track-identities' }, t.dark ? 'No identity: no RF, no Remote ID, no transponder.' : 'No identity broadcast received.'),
      h('div', { class: 'chips', 'data-testid': 'track-sensors' }, ...t.sensors.map((s) => h('span', { class: `chip sensor-${app.sensorKinds.get(s) ?? 'other'}` }, `${s}${app.sensorKinds.get(s) ? ` · ${app.sensorKinds.get(s)}` : ''}`))),
    ),
  );

  // Altitude and speed over time.
  const times = history.map((p) => p.timeMs);
  out.push(
    section(
      'History',
      sparkline('Altitude', times, history.map((p) => p.altitudeM), altitude, '#4fc3f7', 'track-altitude-chart'),
      sparkline('Speed', times, history.map((p) => p.speedMps), speed, '#ffd54f', 'track-speed-chart'),
    ),
  );

  // Alerts on it.
  const alerts = app.alertStore.forTrack(t.trackId);
  if (alerts.length) {
    out.push(section('Alerts', h('ul', { class: 'plain' }, ...alerts.map((a) => h('li', { class: `sev-text-${a.severity}` }, `${clock(a.openedMs)} ${a.severity.toUpperCase()} ${a.title} (${a.state})`)))));
  }

  // Events.
  out.push(section(`Events (${events.length})`, h('ol', { class: 'events', 'data-testid': 'track-events' }, ...events.slice(0, 60).map((e) => h('li', null, h('time', null, clock(e.timeMs)), ' ', eventText(e))))));
  return out;
}

function section(title: string, ...body: (HTMLElement | null)[]): HTMLElement {
  return h('section', { class: 'tp-section' }, h('h3', null, title), ...body);
}

export function eventText(e: TrackEvent): string {
  switch (e.type) {
    case 'border-crossing':
      return `Crossed the border ${e.direction} ${e.from}→${e.to} at ${clock(e.crossingTimeMs)}${e.inferred ? ' (inferred)' : ''}`;
    case 'zone-entry':
      return `Entered ${e.zoneName} (${e.criticality})`;
    case 'zone-exit':
      return `Left ${e.zoneName}`;
    case 'loiter':
      return `Loitering ${duration(e.dwellS)}${e.zoneName ? ` over ${e.zoneName}` : ''}`;
    case 'hover':
      return `Hovered ${duration(e.durationS)} at ${altitude(e.heightM)}`;
    case 'suspected-drop':
      return `Suspected drop (descent ${Math.round(e.descentM)} m, climb ${Math.round(e.climbM)} m)${e.side ? ` on the ${e.side} side` : ''}`;
    case 'launch-point':
      return `Launch point ${e.method}${e.side ? ` on the ${e.side} side` : ''} (far side ${pct(e.pFarSide)})`;
    case 'intent':
      return `Intent: ${e.intent}${e.timeToBorderS !== null ? `, border in ${duration(e.timeToBorderS)}` : ''}`;
    case 'dark-drone':
      return e.flagged ? `DARK: ${e.reason}` : `No longer dark: ${e.reason}`;
    case 'remote-id-spoof':
      return `Remote ID spoof ${e.serial}: ${e.reason}`;
    case 'classification':
      return `Classified ${CLASS_LABEL[e.cls] ?? e.cls} ${pct(e.probability)} (P drone ${pct(e.pDrone)})`;
    case 'disposition':
      return `Disposition ${e.previous} → ${e.disposition}${e.by ? ` by ${e.by}` : ''}`;
    case 'track-ended':
      return 'Track ended';
    default:
      return (e as { type: string }).type;
  }
}

async function markFriendly(trackId: number): Promise<void> {
  try {
    const r = await api<{ changes?: { alert: Alert }[] }>(`/api/tracks/${trackId}/friendly`, { method: 'POST', body: {} });
    for (const c of r?.changes ?? []) if (c.alert) app.liveAlerts.upsert(c.alert);
    app.changed.alerts.emit();
    toast(`Track ${trackId} marked friendly`);
  } catch (err) {
    toast(`Mark friendly failed: ${errorText(err)}`, 'error');
  }
}
