/**
 * Geometry the API hands to maps: sensor coverage outlines, the sector's bounds, and the current
 * tracks as GeoJSON. Computed on the WGS84 ellipsoid (geodesics from the sensor, exact ENU → WGS84
 * for the sector's corners): a 5 km radar ring is a geodesic circle, not a flat-earth one.
 */
import { LocalFrame, geodesicDirect } from '../geo/index.js';
import type { Site } from '../pipeline/site.js';
import type { TrackView } from '../pipeline/views.js';
import type { SensorConfig } from '../sim/sensor-models.js';
import type { TrackHistoryPoint } from '../store/store.js';

export interface GeoPolygon {
  type: 'Polygon';
  coordinates: number[][][];
}

export interface SensorInfo {
  id: string;
  kind: SensorConfig['kind'];
  latDeg: number;
  lonDeg: number;
  /** Height above the ellipsoid [m]. */
  heightM: number;
  maxRangeM: number;
  /** Where the sensor can look: centre and width of its azimuth coverage [deg] (360: all round). */
  boresightAzimuthDeg: number;
  azimuthWidthDeg: number;
  /** The horizontal coverage outline on the ground (range and azimuth limits; no terrain). */
  coverage: GeoPolygon;
  /** EO/IR only: what the camera watches uncued (its field of view at the home azimuth). */
  homeCoverage?: GeoPolygon;
}

/** Points per full circle of a coverage outline. */
const CIRCLE_POINTS = 96;

/**
 * The outline of what a sensor at (lat, lon) sees out to `rangeM`: a geodesic circle, or a sector
 * from the sensor out to the range between boresight ± width/2. Counter-clockwise exterior ring,
 * closed (RFC 7946).
 */
export function coveragePolygon(latDeg: number, lonDeg: number, rangeM: number, boresightDeg = 0, widthDeg = 360): GeoPolygon {
  // Azimuth grows clockwise, so the points are generated clockwise and reversed: GeoJSON wants the
  // exterior ring counter-clockwise.
  const arc: number[][] = [];
  const full = widthDeg >= 360;
  const steps = full ? CIRCLE_POINTS : Math.max(2, Math.ceil((widthDeg / 360) * CIRCLE_POINTS));
  const start = full ? 0 : boresightDeg - widthDeg / 2;
  const span = full ? 360 : widthDeg;
  for (let i = 0; i < steps + (full ? 0 : 1); i++) {
    const p = geodesicDirect(latDeg, lonDeg, start + (i * span) / steps, rangeM);
    arc.push([p.lonDeg, p.latDeg]);
  }
  arc.reverse();
  const ring = full ? arc : [[lonDeg, latDeg], ...arc];
  ring.push([...ring[0]]);
  return { type: 'Polygon', coordinates: [ring] };
}

/** Azimuth coverage of a sensor's config: radars have boresight and width; an EO/IR gimbal its pan limits plus half its field of view. */
export function azimuthCoverage(c: SensorConfig): { boresightDeg: number; widthDeg: number } {
  if (c.kind === 'radar') return { boresightDeg: c.boresightAzimuthDeg, widthDeg: Math.min(360, c.azimuthWidthDeg) };
  if (c.kind === 'eoir') return { boresightDeg: c.homeAzimuthDeg, widthDeg: Math.min(360, 2 * c.panHalfRangeDeg + c.horizontalFovDeg) };
  return { boresightDeg: 0, widthDeg: 360 };
}

export function sensorInfo(c: SensorConfig): SensorInfo {
  const { boresightDeg, widthDeg } = azimuthCoverage(c);
  const { latDeg, lonDeg, heightAboveEllipsoidM } = c.position;
  return {
    id: c.id, kind: c.kind, latDeg, lonDeg, heightM: heightAboveEllipsoidM, maxRangeM: c.maxRangeM,
    boresightAzimuthDeg: ((boresightDeg % 360) + 360) % 360, azimuthWidthDeg: widthDeg,
    coverage: coveragePolygon(latDeg, lonDeg, c.maxRangeM, boresightDeg, widthDeg),
    ...(c.kind === 'eoir' ? { homeCoverage: coveragePolygon(latDeg, lonDeg, c.maxRangeM, c.homeAzimuthDeg, Math.min(360, c.horizontalFovDeg)) } : {}),
  };
}

/**
 * The sector's bounds [[west, south], [east, north]] in degrees: its region's edges converted
 * exactly from ENU (sampled along each edge, since a straight ENU edge is not a meridian); without
 * a region, the ground sensors' coverage (ADS-B's long reach left out), else 10 km around the origin.
 */
export function sectorBounds(site: Site, frame: LocalFrame = LocalFrame.fromDegrees(site.origin)): [[number, number], [number, number]] {
  let w = Infinity, s = Infinity, e = -Infinity, n = -Infinity;
  const add = (lon: number, lat: number) => {
    w = Math.min(w, lon); e = Math.max(e, lon); s = Math.min(s, lat); n = Math.max(n, lat);
  };
  const r = site.region;
  if (r) {
    const g = new Float64Array(3);
    const K = 16;
    for (let i = 0; i <= K; i++) {
      const x = r.xmin + ((r.xmax - r.xmin) * i) / K, y = r.ymin + ((r.ymax - r.ymin) * i) / K;
      for (const [pe, pn] of [[x, r.ymin], [x, r.ymax], [r.xmin, y], [r.xmax, y]]) {
        frame.enuToGeodetic(pe, pn, 0, g);
        add(g[1], g[0]);
      }
    }
  } else {
    const ground = site.sensors.filter((c) => c.kind !== 'adsb');
    for (const c of ground) for (const [lon, lat] of coveragePolygon(c.position.latDeg, c.position.lonDeg, c.maxRangeM).coordinates[0]) add(lon, lat);
    if (ground.length === 0) {
      for (const [lon, lat] of coveragePolygon(site.origin.latDeg, site.origin.lonDeg, 10_000).coordinates[0]) add(lon, lat);
    }
  }
  return [[w, s], [e, n]];
}

/** A track's properties for GeoJSON: its view without the array-valued fields. */
export function trackProperties(t: TrackView): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(t)) if (!Array.isArray(v)) out[k] = v;
  return out;
}

/** The current tracks as a FeatureCollection: a Point per track and, with a history, a LineString trail. */
export function tracksGeoJson(tracks: readonly TrackView[], trailOf: (t: TrackView) => readonly TrackHistoryPoint[]): {
  type: 'FeatureCollection'; features: unknown[];
} {
  const features: unknown[] = [];
  for (const t of tracks) {
    features.push({
      type: 'Feature', id: t.trackId,
      geometry: { type: 'Point', coordinates: [t.lonDeg, t.latDeg, t.altitudeM] },
      properties: { ...trackProperties(t), featureType: 'track' },
    });
  }
  for (const t of tracks) {
    const pts = trailOf(t);
    const coords = pts.map((p) => [p.lonDeg, p.latDeg, p.altitudeM]);
    const last = coords[coords.length - 1];
    if (!last || last[0] !== t.lonDeg || last[1] !== t.latDeg) coords.push([t.lonDeg, t.latDeg, t.altitudeM]);
    if (coords.length < 2) continue;
    features.push({
      type: 'Feature', id: `trail-${t.trackId}`,
      geometry: { type: 'LineString', coordinates: coords },
      properties: { featureType: 'trail', trackId: t.trackId, fromMs: pts[0]?.timeMs ?? t.timeMs, toMs: t.timeMs },
    });
  }
  return { type: 'FeatureCollection', features };
}
