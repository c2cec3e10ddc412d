/** The smaller panels: layers, settings, keyboard help, and the list shown when WebGL fails. */
import { api, errorText } from '../api.js';
import { $, h, toast } from '../dom.js';
import { AFFILIATION_COLOUR, CLASS_LABEL, altitude, speed } from '../format.js';
import { MAX_LINED, type LayerGroup } from '../map/mapView.js';
import { prefs, savePrefs } from '../prefs.js';
import { activityPanel } from './activity.js';
import { app, visibleTracks } from '../state.js';
import type { Settings } from '../types.js';

export function renderLayers(setVisible: (g: LayerGroup, on: boolean) => void): void {
  const names: [LayerGroup, string][] = [
    ['zones', 'Zones (border, protected sites, no-fly)'],
    ['coverage', 'Sensor coverage'],
    ['trails', 'Track trails'],
    ['leaders', 'Course leaders (30 s ahead)'],
    ['labels', 'Place names'],
    ['blueforce', 'Friendly units (TAK)'],
    ['activity', 'Activity heatmap'],
  ];
  $('#popover-layers').replaceChildren(
    h('h3', null, 'Layers'),
    ...names.map(([g, label]) =>
      h(
        'label',
        { class: 'check' },
        h('input', {
          type: 'checkbox',
          'data-testid': `layer-${g}`,
          checked: prefs.layers[g],
          onchange: (e: Event) => {
            setVisible(g, (e.target as HTMLInputElement).checked);
            savePrefs();
          },
        }),
        ` ${label}`,
      ),
    ),
    h('p', { class: 'muted small' }, `With more than ${MAX_LINED} tracks on screen, trails and leaders are drawn for the ${MAX_LINED} most threatening (and the selected one).`),
    activityPanel(),
  );
}

export interface SettingsHooks {
  /** The basemap changed: null = built-in offline map. */
  basemap(url: string | null): void;
  /** Units or time display changed. */
  redraw(): void;
  serverStyleUrl(): string | null;
  setServerStyleUrl(url: string | null): void;
}

export function renderSettings(hooks: SettingsHooks): void {
  const input = h('input', { type: 'url', id: 'settings-basemap-url', 'data-testid': 'settings-basemap-url', placeholder: 'https://…/style.json (empty: built-in offline map)', value: prefs.basemapStyleUrl, spellcheck: false });
  const server = hooks.serverStyleUrl();
  const sel = (id: string, value: string, options: [string, string][], onchange: (v: string) => void) =>
    h('select', { id, 'data-testid': id, onchange: (e: Event) => onchange((e.target as HTMLSelectElement).value) }, ...options.map(([v, l]) => h('option', { value: v, selected: v === value }, l)));
  $('#popover-settings').replaceChildren(
    h('h3', null, 'Settings'),
    h('fieldset', null,
      h('legend', null, 'Basemap'),
      h('label', { for: 'settings-basemap-url' }, 'Your MapLibre style URL (tiles from your own server)'),
      input,
      h('div', { class: 'row' },
        h('button', { 'data-testid': 'settings-basemap-apply', onclick: () => {
          prefs.basemapStyleUrl = input.value.trim();
          savePrefs();
          hooks.basemap(prefs.basemapStyleUrl || server || null);
        } }, 'Apply'),
        h('button', { 'data-testid': 'settings-basemap-reset', onclick: () => {
          prefs.basemapStyleUrl = '';
          input.value = '';
          savePrefs();
          hooks.basemap(server || null);
        } }, server ? 'Use the server default' : 'Use the built-in map'),
        app.can('admin') ? h('button', { 'data-testid': 'settings-basemap-save-server', onclick: async () => {
          try {
            const url = input.value.trim() || null;
            await api<Settings>('/api/settings', { method: 'PUT', body: { basemapStyleUrl: url } });
            hooks.setServerStyleUrl(url);
            toast('Saved as the default for everyone');
          } catch (err) {
            toast(`Save failed: ${errorText(err)}`, 'error');
          }
        } }, 'Save for everyone') : null,
      ),
      h('p', { class: 'muted small' }, server ? `Server default: ${server}` : 'Default: the built-in offline map (Natural Earth, US Census, OpenStreetMap river). Nothing is fetched from the internet unless you set a URL.'),
    ),
    h('fieldset', null,
      h('legend', null, 'Display'),
      h('label', { class: 'row' }, 'Units ', sel('settings-units', prefs.units, [['metric', 'metric (m, m/s)'], ['imperial', 'imperial (ft, mph)']], (v) => {
        prefs.units = v as typeof prefs.units;
        savePrefs();
        hooks.redraw();
      })),
      h('label', { class: 'row' }, 'Times ', sel('settings-time', prefs.time, [['utc', 'UTC (Z)'], ['local', 'local']], (v) => {
        prefs.time = v as typeof prefs.time;
        savePrefs();
        hooks.redraw();
      })),
      h('label', { class: 'row' }, 'Trail length ', sel('settings-trail', String(prefs.trailPoints), [['10', '10 points'], ['30', '30 points'], ['60', '60 points'], ['120', '120 points']], (v) => {
        prefs.trailPoints = Number(v);
        savePrefs();
      })),
    ),
  );
}

export const SHORTCUTS: [string, string][] = [
  ['?', 'this help'],
  ['a', 'acknowledge the selected alert'],
  ['d', 'resolve the selected alert'],
  ['↑ / ↓', 'select the previous / next alert'],
  ['Enter', 'go to the selected alert’s track'],
  ['f', 'filters'],
  ['l', 'layers'],
  ['r', 'replay'],
  ['c', 'centre on the selected track'],
  ['s', 'back to the whole sector'],
  ['k', 'kiosk / wall mode (hides the controls)'],
  ['Esc', 'close the open panel'],
];

export function renderHelp(): void {
  const legend = (['friend', 'neutral', 'unknown', 'suspect', 'hostile'] as const).map((a) => h('span', { class: 'chip', style: `border-color:${AFFILIATION_COLOUR[a]};color:${AFFILIATION_COLOUR[a]}` }, a));
  $('#help').replaceChildren(
    h('div', { class: 'modal-box' },
      h('button', { class: 'close', onclick: () => $('#help').classList.add('hidden') }, '×'),
      h('h2', null, 'Keyboard shortcuts'),
      h('table', { class: 'keys' }, ...SHORTCUTS.map(([k, d]) => h('tr', null, h('td', null, h('kbd', null, k)), h('td', null, d)))),
      h('h3', null, 'Symbols'),
      h('p', null, 'MIL-STD-2525 air tracks; frame shape and colour give the affiliation: ', ...legend),
      h('ul', { class: 'plain' },
        h('li', null, h('span', { class: 'tag tag-dark' }, 'DARK'), ' magenta pulsing ring: seen by radar / acoustic / camera but silent on RF and Remote ID inside RF coverage (fibre-optic or autonomous).'),
        h('li', null, h('span', { class: 'tag tag-spoof' }, 'RID SPOOF'), ' the Remote ID position disagrees with the sensed track.'),
        h('li', null, 'Dashed frame: coasting (predicted, no recent detection). Faded: classified as a bird.'),
        h('li', null, 'Line ahead of a symbol: where it will be in 30 s. Trail: its last positions.'),
      ),
    ),
  );
}

let fallbackTimer = 0;
/** When WebGL fails: say so plainly, and keep a list of the tracks so work goes on. */
export function showMapFallback(reason: string, select: (id: number) => void): void {
  const box = $('#map-fallback');
  box.classList.remove('hidden');
  $('#map').classList.add('hidden');
  const table = h('table', { class: 'track-table', 'data-testid': 'track-table' });
  box.replaceChildren(
    h('div', { class: 'fallback-msg' },
      h('h2', null, 'The map cannot be drawn here'),
      h('p', null, `Reason: ${reason}.`),
      h('p', null, 'Tracks and alerts still update: the list below shows the tracks by threat, and the alert queue works as usual. Try another browser or machine, enable hardware acceleration, or reload.'),
    ),
    table,
  );
  const render = () => {
    const rows = visibleTracks().sort((a, b) => b.threat.score - a.threat.score).slice(0, 300);
    table.replaceChildren(
      h('tr', null, ...['Track', 'Class', 'Affiliation', 'Threat', 'Altitude', 'Speed', 'Position', 'Flags'].map((t) => h('th', null, t))),
      ...rows.map((t) =>
        h('tr', { 'data-track-id': t.trackId, onclick: () => select(t.trackId), class: t.trackId === app.selectedTrack ? 'selected' : '' },
          h('td', null, `T${t.trackId}`),
          h('td', null, CLASS_LABEL[t.classification.cls] ?? t.classification.cls),
          h('td', { style: `color:${AFFILIATION_COLOUR[t.affiliation]}` }, t.affiliation),
          h('td', null, String(t.threat.score)),
          h('td', null, altitude(t.altitudeM)),
          h('td', null, speed(t.speedMps)),
          h('td', { class: 'mono' }, `${t.latDeg.toFixed(4)}, ${t.lonDeg.toFixed(4)}`),
          h('td', null, t.dark ? h('span', { class: 'tag tag-dark' }, 'DARK') : null, t.spoof ? h('span', { class: 'tag tag-spoof' }, 'SPOOF') : null),
        ),
      ),
    );
  };
  render();
  window.clearInterval(fallbackTimer);
  fallbackTimer = window.setInterval(render, 1000);
}
