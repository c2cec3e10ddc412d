/** Display formatting: times, units, class and affiliation names. */
import { prefs } from './prefs.js';

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** HH:MM:SS with Z for UTC (the default) or local. */
export function clock(ms: number): string {
  if (!Number.isFinite(ms) || ms <= 0) return '—';
  const d = new Date(ms);
  if (prefs.time === 'local') return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}Z`;
}

/** YYYY-MM-DD HH:MM:SS(Z). */
export function dateTime(ms: number): string {
  if (!Number.isFinite(ms) || ms <= 0) return '—';
  const d = new Date(ms);
  if (prefs.time === 'local') return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${clock(ms)}`;
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${clock(ms)}`;
}

/** "42 s", "3 min", "2 h 5 min". */
export function duration(s: number): string {
  if (!Number.isFinite(s)) return '—';
  s = Math.max(0, Math.round(s));
  if (s < 90) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 90) return `${m} min`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function altitude(m: number): string {
  if (!Number.isFinite(m)) return '—';
  return prefs.units === 'imperial' ? `${Math.round(m * 3.28084)} ft` : `${Math.round(m)} m`;
}

export function distance(m: number): string {
  if (!Number.isFinite(m)) return '—';
  if (prefs.units === 'imperial') return m < 1609 ? `${Math.round(m * 3.28084)} ft` : `${(m / 1609.344).toFixed(1)} mi`;
  return m < 1000 ? `${Math.round(m)} m` : `${(m / 1000).toFixed(1)} km`;
}

export function speed(mps: number): string {
  if (!Number.isFinite(mps)) return '—';
  return prefs.units === 'imperial' ? `${Math.round(mps * 2.23694)} mph` : `${mps.toFixed(mps < 10 ? 1 : 0)} m/s`;
}

export function latLon(lat: number, lon: number): string {
  return `${lat.toFixed(5)}, ${lon.toFixed(5)}`;
}

export function pct(p: number): string {
  return `${Math.round(p * 100)}%`;
}

export const CLASSES = ['rotary-drone', 'fixed-wing-drone', 'manned-aircraft', 'bird', 'ground-vehicle', 'unknown'] as const;

export const CLASS_LABEL: Record<string, string> = {
  'rotary-drone': 'Rotary UAV',
  'fixed-wing-drone': 'Fixed-wing UAV',
  'manned-aircraft': 'Manned aircraft',
  bird: 'Bird',
  'ground-vehicle': 'Ground vehicle',
  unknown: 'Unknown',
};

export const DISPOSITIONS = ['hostile', 'suspect', 'unknown', 'cooperative', 'friend'] as const;

export const DISPOSITION_LABEL: Record<string, string> = {
  hostile: 'Hostile',
  suspect: 'Suspect',
  unknown: 'Unknown',
  cooperative: 'Cooperative',
  friend: 'Friend',
};

export const SENSOR_COLOUR: Record<string, string> = {
  radar: '#4fc3f7',
  acoustic: '#aed581',
  eoir: '#ffb74d',
  rf: '#ba68c8',
  remoteid: '#4db6ac',
  adsb: '#90a4ae',
};

export const AFFILIATION_COLOUR: Record<string, string> = {
  friend: '#80e0ff',
  neutral: '#aaffaa',
  unknown: '#ffff80',
  suspect: '#ffbf80',
  hostile: '#ff8080',
};

export function severityOfScore(score: number): string {
  return score >= 80 ? 'critical' : score >= 60 ? 'high' : score >= 40 ? 'medium' : score >= 20 ? 'low' : 'info';
}
