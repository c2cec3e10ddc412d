/**
 * A site: what one deployment watches — the sector's frame and region, its sensors and its zones.
 * The live service reads it from a site file; the demo and the simulator take it from a scenario.
 */
import { zonesFromGeoJson, type ZoneFeature, type ZoneGeoJson, type ZoneSet } from '../assess/zones.js';
import type { LocalFrame } from '../geo/enu.js';
import type { Scenario } from '../sim/scenario.js';
import type { SensorConfig } from '../sim/sensor-models.js';
import type { Box } from '../tracking/region.js';

export interface Site {
  name: string;
  description: string;
  /** The sector frame's origin (WGS84, height above the ellipsoid). */
  origin: { latDeg: number; lonDeg: number; heightAboveEllipsoidM: number };
  /** Surveilled region in the sector frame [m] (tracks leaving it end), or null. */
  region: Box | null;
  sensors: SensorConfig[];
  zones: ZoneGeoJson;
}

export function siteOfScenario(s: Scenario): Site {
  return {
    name: s.name, description: s.description ?? '', origin: s.origin, region: s.region ?? null,
    sensors: [...s.sensors], zones: zonesGeoJsonOf(s),
  };
}

/** The scenario's zones as GeoJSON (what a site would load), then into the sector frame. */
export function zonesGeoJsonOf(s: Scenario): ZoneGeoJson {
  const features: ZoneFeature[] = [];
  if (s.border) {
    const b = s.border;
    const north = b.north, south = b.south;
    const leftIsNorth = b.line.left === north;
    features.push({
      type: 'Feature',
      geometry: { type: 'LineString', coordinates: b.line.coordinates.map(([lon, lat]) => [lon, lat]) },
      properties: {
        kind: 'border', name: b.name, sides: { left: leftIsNorth ? north : south, right: leftIsNorth ? south : north },
        protected: b.protectedName, criticality: b.criticality, attribution: b.line.attribution,
      },
    });
  }
  for (const site of s.sites) {
    features.push({
      type: 'Feature', geometry: { type: 'Point', coordinates: [site.lonDeg, site.latDeg] },
      properties: { kind: 'protected-site', id: site.id, name: site.name, radiusM: site.radiusM, criticality: site.criticality },
    });
  }
  for (const z of s.noFly) {
    const ring = z.polygon.map((p) => [p.lonDeg, p.latDeg]);
    ring.push([...ring[0]]);
    features.push({
      type: 'Feature', geometry: { type: 'Polygon', coordinates: [ring] },
      properties: { kind: 'no-fly', id: z.id, name: z.name ?? z.id, criticality: z.criticality, ...(z.ceilingM !== undefined ? { ceilingM: z.ceilingM } : {}) },
    });
  }
  return { type: 'FeatureCollection', features };
}

export function zonesOf(s: Scenario, frame: LocalFrame): ZoneSet {
  return zonesFromGeoJson(zonesGeoJsonOf(s), frame);
}
