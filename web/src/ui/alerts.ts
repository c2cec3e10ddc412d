/** The alert queue: open and acknowledged alerts, newest first, with their evidence. */
import { api, errorText } from '../api.js';
import { $, h, pointerHold, toast } from '../dom.js';
import { CLASS_LABEL, clock, dateTime, pct } from '../format.js';
import { app } from '../state.js';
import type { Alert } from '../types.js';

export interface AlertActions {
  /** Select the alert's track and fly to it. */
  showTrack(trackId: number): void;
}

let actions: AlertActions;
let scheduled = false;
let renderedKey = '';
const expanded = new Set<string>();

let held: () => boolean = () => false;

export function initAlerts(a: AlertActions): void {
  actions = a;
  held = pointerHold($('#alert-list'), scheduleAlerts);
  app.changed.alerts.on(scheduleAlerts);
  app.changed.mode.on(scheduleAlerts);
  app.changed.selection.on(scheduleAlerts);
  // Refresh relative details (ages) now and then.
  window.setInterval(() => {
    renderedKey = '';
    scheduleAlerts();
  }, 15000);
}

export function scheduleAlerts(): void {
  if (scheduled) return;
  scheduled = true;
  requestAnimationFrame(() => {
    scheduled = false;
    renderAlerts();
  });
}

export async function acknowledge(id: string): Promise<void> {
  if (app.mode === 'replay') return toast('Replayed alerts cannot be acknowledged', 'error');
  try {
    const a = await api<Alert>(`/api/alerts/${encodeURIComponent(id)}/acknowledge`, { method: 'POST', body: {} });
    if (a && a.id) app.liveAlerts.upsert(a);
    app.changed.alerts.emit();
  } catch (err) {
    toast(`Acknowledge failed: ${errorText(err)}`, 'error');
  }
}

export async function resolve(id: string): Promise<void> {
  if (app.mode === 'replay') return toast('Replayed alerts cannot be resolved', 'error');
  try {
    const a = await api<Alert>(`/api/alerts/${encodeURIComponent(id)}/resolve`, { method: 'POST', body: {} });
    if (a && a.id) app.liveAlerts.upsert(a);
    if (app.selectedAlert === id) app.selectedAlert = null;
    app.changed.alerts.emit();
  } catch (err) {
    toast(`Resolve failed: ${errorText(err)}`, 'error');
  }
}

/** Moves the alert selection up or down the queue. */
export function moveAlertSelection(delta: number): void {
  const q = app.alertStore.queue();
  if (!q.length) return;
  const i = q.findIndex((a) => a.id === app.selectedAlert);
  const next = q[Math.max(0, Math.min(q.length - 1, i < 0 ? 0 : i + delta))];
  app.selectedAlert = next.id;
  app.changed.selection.emit();
  document.querySelector(`[data-alert-id="${CSS.escape(next.id)}"]`)?.scrollIntoView({ block: 'nearest' });
}

function renderAlerts(): void {
  if (held()) return;
  const store = app.alertStore;
  const key = `${app.mode}:${store.version}:${app.selectedAlert}:${app.session?.role}:${[...expanded].join(',')}`;
  if (key === renderedKey) return;
  renderedKey = key;
  const list = $('#alert-list');
  const queue = store.queue();
  const canAct = app.can('operator') && app.mode === 'live';
  const scroll = list.scrollTop;
  list.replaceChildren(...queue.map((a) => alertItem(a, canAct)));
  list.scrollTop = scroll;
  $('#alert-empty').classList.toggle('hidden', queue.length > 0);
  $('#alert-mode').textContent = app.mode === 'replay' ? '(replay)' : '';
}

function alertItem(a: Alert, canAct: boolean): HTMLLIElement {
  const track = app.store.tracks.get(a.trackId);
  const dark = track?.dark ?? false;
  const open = expanded.has(a.id);
  const lines = open ? a.evidence : a.evidence.slice(0, 3);
  const item = h(
    'li',
    {
      class: `alert sev-${a.severity} state-${a.state}${app.selectedAlert === a.id ? ' selected' : ''}${dark ? ' dark' : ''}`,
      'data-alert-id': a.id,
      'data-testid': 'alert-item',
      'data-state': a.state,
      'data-severity': a.severity,
      tabindex: 0,
      onclick: (ev: Event) => {
        if ((ev.target as HTMLElement).closest('button')) return;
        app.selectedAlert = a.id;
        app.changed.selection.emit();
        actions.showTrack(a.trackId);
      },
    },
    h(
      'div',
      { class: 'a-head' },
      h('span', { class: `sev sev-${a.severity}`, 'data-testid': 'alert-severity' }, a.severity.toUpperCase()),
      h('span', { class: 'a-title', 'data-testid': 'alert-title' }, a.title),
      h('time', { class: 'a-time', datetime: new Date(a.openedMs).toISOString(), title: `opened ${dateTime(a.openedMs)}, updated ${dateTime(a.updatedMs)}` }, clock(a.openedMs)),
    ),
    h(
      'div',
      { class: 'a-meta' },
      h('span', null, `T${a.trackId}`),
      h('span', null, `${CLASS_LABEL[a.cls] ?? a.cls} · P(drone) ${pct(a.pDrone)}`),
      h('span', null, `threat ${a.threatScore}`),
      dark ? h('span', { class: 'tag tag-dark' }, 'DARK') : null,
      a.trackEnded ? h('span', { class: 'tag' }, 'track ended') : null,
      a.state === 'acknowledged' ? h('span', { class: 'tag tag-ack', 'data-testid': 'alert-acked' }, `ACK ${a.acknowledged?.by ?? ''} ${a.acknowledged ? clock(a.acknowledged.timeMs) : ''}`) : null,
    ),
    h('ul', { class: 'a-evidence', 'data-testid': 'alert-evidence' }, ...lines.map((l) => h('li', null, l))),
    a.evidence.length > 3
      ? h(
          'button',
          {
            class: 'link small',
            onclick: () => {
              if (open) expanded.delete(a.id);
              else expanded.add(a.id);
              scheduleAlerts();
            },
          },
          open ? 'less' : `+${a.evidence.length - 3} more`,
        )
      : null,
    canAct
      ? h(
          'div',
          { class: 'a-actions' },
          a.state === 'open' ? h('button', { class: 'btn-ack', 'data-testid': 'alert-ack', title: 'Acknowledge (a)', onclick: () => void acknowledge(a.id) }, 'Acknowledge') : null,
          h('button', { class: 'btn-resolve', 'data-testid': 'alert-resolve', title: 'Resolve (d)', onclick: () => void resolve(a.id) }, 'Resolve'),
        )
      : null,
  );
  return item;
}
