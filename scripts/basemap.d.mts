/** Types of scripts/basemap.mjs (used by web/vite.config.ts). */
import type { FeatureCollection } from 'geojson';

export interface BasemapLabel {
  text: string;
  lon: number;
  lat: number;
  kind: 'country' | 'state' | 'place';
  side?: string;
  minZoom: number;
  maxZoom: number;
}
export interface Basemap {
  version: number;
  attribution: string[];
  countries: FeatureCollection;
  lines: FeatureCollection;
  river: FeatureCollection;
  labels: BasemapLabel[];
}
export function buildBasemap(): Basemap;
