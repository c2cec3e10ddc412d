/**
 * Drone activity: where and when drones flew over a window (24 h, 7 or 30 days), from the stored
 * track history (GET /api/activity). The map shows it as a heatmap layer; the Layers panel shows
 * the hours of the day they fly (in the operator's time setting) and how many tracks it counts.
 * With "everything tracked" it counts every track, drone or not: the coverage the sensors
 * actually achieved, beside the theoretical outlines (where nothing was ever tracked, the
 * system may be blind). Fetched while the layer is on, again every minute.
 */
import { api, errorText } from '../api.js';
import { h } from '../dom.js';
import { duration } from '../format.js';
import { prefs, savePrefs } from '../prefs.js';
import type { Activity } from '../types.js';

const REFRESH_MS = 60_000;
const WINDOWS: [number, string][] = [[24, 'last 24 h'], [168, 'last 7 days'], [720, 'last 30 days']];

export interface ActivityView {
  setActivity(cells: Activity['cells']): void;
}

let view: ActivityView | null = null;
let timer: number | null = null;
let last: Activity | null = null;
let panel: HTMLElement | null = null;

/** Starts (or stops) fetching as the layer is on (or off). */
export function syncActivity(target: ActivityView | null): void {
  view = target;
  if (timer !== null) window.clearInterval(timer);
  timer = null;
  renderPanel();
  if (!prefs.layers.activity) return;
  void refresh();
  timer = window.setInterval(() => void refresh(), REFRESH_MS);
}

async function refresh(): Promise<void> {
  try {
    // The window ends at the server's picture time (a demo's clock may run ahead of this one's).
    const a = await api<Activity>(`/api/activity?hours=${prefs.activityHours}&all=${prefs.activityAll}`);
    last = a;
    view?.setActivity(a.cells);
  } catch (err) {
    last = null;
    if (panel) panel.replaceChildren(h('p', { class: 'muted small' }, `Activity unavailable: ${errorText(err)}`));
    return;
  }
  renderPanel();
}

/** The Layers panel's activity section (updated in place as data arrives). */
export function activityPanel(): HTMLElement {
  panel = h('div', { class: 'activity', 'data-testid': 'activity-panel' });
  renderPanel();
  const select = h(
    'select',
    {
      'data-testid': 'activity-window', 'aria-label': 'Activity window',
      onchange: (e: Event) => {
        prefs.activityHours = Number((e.target as HTMLSelectElement).value);
        savePrefs();
        if (prefs.layers.activity) void refresh();
      },
    },
    ...WINDOWS.map(([hours, label]) => h('option', { value: hours, selected: hours === prefs.activityHours }, label)),
  );
  const all = h('input', {
    type: 'checkbox', 'data-testid': 'activity-all', checked: prefs.activityAll,
    onchange: (e: Event) => {
      prefs.activityAll = (e.target as HTMLInputElement).checked;
      savePrefs();
      if (prefs.layers.activity) void refresh();
    },
  });
  return h(
    'fieldset', null, h('legend', null, 'Activity (heatmap)'), h('div', { class: 'row' }, 'Window ', select),
    h('label', { class: 'check' }, all, ' Everything tracked (observed coverage), not only drones'), panel,
  );
}

function renderPanel(): void {
  if (!panel) return;
  if (!prefs.layers.activity) {
    panel.replaceChildren(h('p', { class: 'muted small' }, 'Turn the layer on to see where and when drones flew.'));
    return;
  }
  if (!last) {
    panel.replaceChildren(h('p', { class: 'muted small' }, 'Loading…'));
    return;
  }
  const hours = localHours(last.hoursUtc);
  const max = Math.max(1, ...hours);
  const flownS = last.hoursUtc.reduce((a, b) => a + b, 0);
  const bars = hours.map((v, hour) =>
    h('div', { class: 'bar', title: `${String(hour).padStart(2, '0')}:00 — ${duration(v)} of ${prefs.activityAll ? '' : 'drone '}flight`, style: `height:${Math.max(v > 0 ? 2 : 0, (100 * v) / max)}%` }),
  );
  panel.replaceChildren(
    h('p', { class: 'small', 'data-testid': 'activity-summary' }, `${last.tracks} ${prefs.activityAll ? 'tracks' : 'drone tracks'}, ${duration(flownS)} of flight over ${last.cells.length} cells`),
    h('div', { class: 'hours', 'data-testid': 'activity-hours', 'aria-label': `Flight by hour of day (${prefs.time === 'utc' ? 'UTC' : 'local time'})` }, ...bars),
    h('div', { class: 'hours-axis muted small' }, h('span', null, '00'), h('span', null, '06'), h('span', null, '12'), h('span', null, '18'), h('span', null, prefs.time === 'utc' ? 'UTC' : 'local')),
  );
}

/** UTC hour-of-day totals shifted to the operator's time setting (whole-hour offsets; others round). */
function localHours(utc: number[]): number[] {
  if (prefs.time === 'utc') return utc;
  const shift = Math.round(-new Date().getTimezoneOffset() / 60);
  return utc.map((_, hour) => utc[(((hour - shift) % 24) + 24) % 24]);
}

/** For tests: the cells last drawn. */
export function activityCells(): number {
  return last?.cells.length ?? 0;
}
