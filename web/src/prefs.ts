/** Per-browser preferences (localStorage): units, time zone, layers, basemap style. */

export interface Prefs {
  units: 'metric' | 'imperial';
  time: 'utc' | 'local';
  /** Operator's own MapLibre style URL; empty = server setting, then the built-in offline map. */
  basemapStyleUrl: string;
  layers: { zones: boolean; coverage: boolean; trails: boolean; labels: boolean; leaders: boolean; activity: boolean; blueforce: boolean };
  trailPoints: number;
  /** The activity heatmap's window [h]. */
  activityHours: number;
  /** The heatmap counts everything tracked (the coverage actually observed), not only drones. */
  activityAll: boolean;
}

const KEY = 'centinela.prefs';

const DEFAULTS: Prefs = {
  units: 'metric',
  time: 'utc',
  basemapStyleUrl: '',
  layers: { zones: true, coverage: true, trails: true, labels: true, leaders: true, activity: false, blueforce: true },
  trailPoints: 30,
  activityHours: 24,
  activityAll: false,
};

function load(): Prefs {
  try {
    const raw = localStorage.getItem(KEY);
    if (!raw) return structuredClone(DEFAULTS);
    const p = JSON.parse(raw) as Partial<Prefs>;
    return { ...DEFAULTS, ...p, layers: { ...DEFAULTS.layers, ...(p.layers ?? {}) } };
  } catch {
    return structuredClone(DEFAULTS);
  }
}

export const prefs: Prefs = load();

export function savePrefs(): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(prefs));
  } catch {
    // private mode or full: the preference lasts for this page only
  }
}
