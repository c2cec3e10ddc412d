/**
 * A site: what one deployment watches — the sector's frame and region, its sensors and its zones.
 * The live service reads it from a site file; the demo and the simulator take it from a scenario.
 */
import { zonesGeoJsonOf } from '../cli/ops.js';
import type { ZoneGeoJson } from '../assess/zones.js';
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
