/**
 * Operator settings kept in the store's meta table: the retention the owner's prune timer applies,
 * and the basemap style URL the web UI uses instead of its offline basemap.
 */
import { DEFAULT_RETENTION, type RetentionSettings, type Store } from '../store/store.js';
import { basemapUrlSchema, retentionSchema } from './schemas.js';

export const SETTINGS_KEYS = { retention: 'settings.retention', basemapStyleUrl: 'settings.basemapStyleUrl' } as const;

export interface Settings {
  retention: RetentionSettings;
  /** null: the built-in offline basemap. */
  basemapStyleUrl: string | null;
}

/** Current settings; a missing or unreadable value falls back to its default. */
export function readSettings(store: Store): Settings {
  let retention: RetentionSettings = { ...DEFAULT_RETENTION };
  const raw = store.getMeta(SETTINGS_KEYS.retention);
  if (raw) {
    try {
      const parsed = retentionSchema.partial().safeParse(JSON.parse(raw));
      if (parsed.success) retention = { ...retention, ...parsed.data };
    } catch {
      // keep the defaults
    }
  }
  const url = store.getMeta(SETTINGS_KEYS.basemapStyleUrl);
  const basemapStyleUrl = url && basemapUrlSchema.safeParse(url).success ? url : null;
  return { retention, basemapStyleUrl };
}

/** Applies a partial change (retention fields merge; basemapStyleUrl null clears it) and returns the result. */
export function writeSettings(store: Store, change: { retention?: Partial<RetentionSettings>; basemapStyleUrl?: string | null }): Settings {
  const cur = readSettings(store);
  if (change.retention) {
    cur.retention = { ...cur.retention, ...change.retention };
    store.setMeta(SETTINGS_KEYS.retention, JSON.stringify(cur.retention));
  }
  if (change.basemapStyleUrl !== undefined) {
    cur.basemapStyleUrl = change.basemapStyleUrl;
    store.setMeta(SETTINGS_KEYS.basemapStyleUrl, change.basemapStyleUrl ?? '');
  }
  store.flush();
  return cur;
}
