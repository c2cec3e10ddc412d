/**
 * Zones from GeoJSON, converted once into the sector's ENU frame: the border line with its two
 * named sides (which one is defended), protected sites (polygons, or a point with a radius),
 * no-fly areas and corridors, each with a criticality.
 *
 * GeoJSON in (RFC 7946, [lon, lat] in WGS84 degrees), a FeatureCollection whose features carry
 * `properties.kind`:
 *   - `border`: a LineString; `properties.sides` names the side to the left and right of the
 *     direction of travel along the vertices (`{ left: "US", right: "MX" }`; `north`/`south` are
 *     accepted too and the left one is found from the line's general direction);
 *     `properties.protected` names the defended side (default: the left/north one).
 *   - `protected-site`: a Polygon, or a Point with `properties.radiusM`.
 *   - `no-fly`: a Polygon (optional `properties.ceilingM`, height above ground).
 *   - `corridor`: a Polygon (a known route worth watching).
 * Each may carry `id`, `name` and `criticality` (low, medium, high, critical).
 *
 * The border side test must be right along a meandering river, where "north of the nearest
 * vertex" is not: the line is closed into a polygon through points far out on its left (ends
 * extended 1000 km along their own direction), and a point is on the left exactly when it lies
 * inside (the simulator's truth uses the same construction, so the two agree to the metre).
 * A uniform grid answers most side and distance queries from the cell alone.
 */
import type { LocalFrame } from '../geo/enu.js';
import {
  boundsOf, distanceToRing, pointInRing, pointSegmentDistance, ringFrom, segmentIntersection, timeToCircle, timeToRing,
  type Bounds, type Point2, type Ring,
} from './geometry.js';

export const CRITICALITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Criticality = (typeof CRITICALITIES)[number];

/** Criticality as a weight in [0, 1] for scoring. */
export function criticalityWeight(c: Criticality): number {
  return c === 'critical' ? 1 : c === 'high' ? 0.75 : c === 'medium' ? 0.5 : 0.25;
}

export type AreaKind = 'protected-site' | 'no-fly' | 'corridor';

export type AreaShape =
  | { kind: 'circle'; centre: Point2; radiusM: number }
  | { kind: 'polygon'; ring: Ring; bounds: Bounds };

/** A protected site, no-fly area or corridor in the sector frame. */
export interface AreaZone {
  id: string;
  name: string;
  kind: AreaKind;
  criticality: Criticality;
  shape: AreaShape;
  /** No-fly areas: the ceiling above ground [m] (above it the area does not apply). */
  ceilingM?: number;
}

const CELL_M = 250;
/** Segments either side of a cell centre's nearest one that `nearest` also tries. */
const SEG_SPAN = 4;
const MARGIN_M = 12_000;
const FAR_M = 1e6;

/**
 * The border in the sector frame. "Left" is to the left of the direction of travel along the
 * vertices. Signed distances are positive on the protected side.
 */
export class BorderLine {
  readonly e: Float64Array;
  readonly n: Float64Array;
  private readonly closingRing: Ring;
  private readonly x0: number;
  private readonly y0: number;
  private readonly nx: number;
  private readonly ny: number;
  /** Per cell: 0 = touched by the line (test exactly), 1 = left, 2 = right. */
  private readonly label: Uint8Array;
  /** Per cell: segment indices passing through it (CSR layout). */
  private readonly cellStart: Int32Array;
  private readonly cellSegs: Int32Array;
  /** Per cell: the segment nearest the cell centre, and that distance (a propagated distance field). */
  private readonly cellNearest: Int32Array;
  private readonly cellNearestDist: Float32Array;
  private readonly seen: Uint32Array;
  private stamp = 0;

  constructor(
    e: ArrayLike<number>, n: ArrayLike<number>,
    readonly name: string,
    readonly leftName: string,
    readonly rightName: string,
    /** Whether the defended side is the left one. */
    readonly protectedIsLeft: boolean,
    readonly criticality: Criticality,
  ) {
    const k = e.length;
    if (k < 2) throw new Error(`border "${name}": a line needs at least two vertices`);
    this.e = Float64Array.from(e);
    this.n = Float64Array.from(n);
    const unit = (x: number, y: number): [number, number] => {
      const l = Math.hypot(x, y) || 1;
      return [x / l, y / l];
    };
    const dIn = unit(this.e[1] - this.e[0], this.n[1] - this.n[0]);
    const dOut = unit(this.e[k - 1] - this.e[k - 2], this.n[k - 1] - this.n[k - 2]);
    const startFar = { e: this.e[0] - dIn[0] * FAR_M, n: this.n[0] - dIn[1] * FAR_M };
    const endFar = { e: this.e[k - 1] + dOut[0] * FAR_M, n: this.n[k - 1] + dOut[1] * FAR_M };
    const mean = unit(this.e[k - 1] - this.e[0], this.n[k - 1] - this.n[0]);
    const left = { e: -mean[1] * 3 * FAR_M, n: mean[0] * 3 * FAR_M };
    const ring: Point2[] = [startFar];
    for (let i = 0; i < k; i++) ring.push({ e: this.e[i], n: this.n[i] });
    ring.push(endFar, { e: endFar.e + left.e, n: endFar.n + left.n }, { e: startFar.e + left.e, n: startFar.n + left.n });
    this.closingRing = ringFrom(ring);

    const b = boundsOf(this.e, this.n);
    this.x0 = b.minE - MARGIN_M;
    this.y0 = b.minN - MARGIN_M;
    this.nx = Math.ceil((b.maxE - b.minE + 2 * MARGIN_M) / CELL_M) + 1;
    this.ny = Math.ceil((b.maxN - b.minN + 2 * MARGIN_M) / CELL_M) + 1;
    const cells = this.nx * this.ny;
    const counts = new Int32Array(cells + 1);
    const visit = (s: number, f: (c: number) => void) => {
      const cx0 = this.cx(Math.min(this.e[s], this.e[s + 1])), cx1 = this.cx(Math.max(this.e[s], this.e[s + 1]));
      const cy0 = this.cy(Math.min(this.n[s], this.n[s + 1])), cy1 = this.cy(Math.max(this.n[s], this.n[s + 1]));
      for (let cy = cy0; cy <= cy1; cy++) for (let cx = cx0; cx <= cx1; cx++) f(cy * this.nx + cx);
    };
    for (let s = 0; s + 1 < k; s++) visit(s, (c) => counts[c + 1]++);
    for (let c = 0; c < cells; c++) counts[c + 1] += counts[c];
    this.cellStart = counts;
    this.cellSegs = new Int32Array(counts[cells]);
    const fill = counts.slice(0, cells);
    for (let s = 0; s + 1 < k; s++) visit(s, (c) => (this.cellSegs[fill[c]++] = s));
    this.label = new Uint8Array(cells);
    for (let cy = 0; cy < this.ny; cy++) {
      for (let cx = 0; cx < this.nx; cx++) {
        const c = cy * this.nx + cx;
        if (counts[c + 1] > counts[c]) continue;
        this.label[c] = pointInRing(this.closingRing, this.x0 + (cx + 0.5) * CELL_M, this.y0 + (cy + 0.5) * CELL_M) ? 1 : 2;
      }
    }
    this.seen = new Uint32Array(Math.max(1, k));
    [this.cellNearest, this.cellNearestDist] = this.distanceField();
  }

  /**
   * Nearest segment per cell centre by propagation (a vector distance transform): seeded with
   * the segments each cell holds, then two raster passes in which a cell tries its
   * neighbours' nearest segments. O(cells), exact where it matters (see `nearest`).
   */
  private distanceField(): [Int32Array, Float32Array] {
    const { nx, ny } = this, cells = nx * ny;
    const seg = new Int32Array(cells).fill(-1);
    const dist = new Float32Array(cells).fill(Infinity);
    const centre = (c: number): [number, number] => [this.x0 + ((c % nx) + 0.5) * CELL_M, this.y0 + (Math.floor(c / nx) + 0.5) * CELL_M];
    const tryAt = (c: number, s: number) => {
      if (s < 0) return;
      const [x, y] = centre(c);
      const d = pointSegmentDistance(x, y, this.e[s], this.n[s], this.e[s + 1], this.n[s + 1]);
      if (d < dist[c]) {
        dist[c] = d;
        seg[c] = s;
      }
    };
    for (let c = 0; c < cells; c++) for (let k = this.cellStart[c]; k < this.cellStart[c + 1]; k++) tryAt(c, this.cellSegs[k]);
    for (let pass = 0; pass < 2; pass++) {
      for (let y = 0; y < ny; y++) {
        for (let x = 0; x < nx; x++) {
          const c = y * nx + x;
          if (x > 0) tryAt(c, seg[c - 1]);
          if (y > 0) {
            tryAt(c, seg[c - nx]);
            if (x > 0) tryAt(c, seg[c - nx - 1]);
            if (x < nx - 1) tryAt(c, seg[c - nx + 1]);
          }
        }
      }
      for (let y = ny - 1; y >= 0; y--) {
        for (let x = nx - 1; x >= 0; x--) {
          const c = y * nx + x;
          if (x < nx - 1) tryAt(c, seg[c + 1]);
          if (y < ny - 1) {
            tryAt(c, seg[c + nx]);
            if (x < nx - 1) tryAt(c, seg[c + nx + 1]);
            if (x > 0) tryAt(c, seg[c + nx - 1]);
          }
        }
      }
    }
    return [seg, dist];
  }

  get protectedName(): string {
    return this.protectedIsLeft ? this.leftName : this.rightName;
  }

  get farName(): string {
    return this.protectedIsLeft ? this.rightName : this.leftName;
  }

  private cx(x: number): number {
    return Math.min(this.nx - 1, Math.max(0, Math.floor((x - this.x0) / CELL_M)));
  }

  private cy(y: number): number {
    return Math.min(this.ny - 1, Math.max(0, Math.floor((y - this.y0) / CELL_M)));
  }

  /** Whether (e, n) lies to the left of the line. */
  isLeft(e: number, n: number): boolean {
    const gx = Math.floor((e - this.x0) / CELL_M), gy = Math.floor((n - this.y0) / CELL_M);
    if (gx >= 0 && gy >= 0 && gx < this.nx && gy < this.ny) {
      const v = this.label[gy * this.nx + gx];
      if (v !== 0) return v === 1;
    }
    return pointInRing(this.closingRing, e, n);
  }

  /** Whether (e, n) is on the defended side. */
  isProtected(e: number, n: number): boolean {
    return this.isLeft(e, n) === this.protectedIsLeft;
  }

  /** The name of the side (e, n) is on. */
  sideName(e: number, n: number): string {
    return this.isLeft(e, n) ? this.leftName : this.rightName;
  }

  /**
   * The point of the line nearest (e, n) and its distance. Near the line (within two cells) the
   * segments of the surrounding cells are searched; everywhere the segments around those
   * nearest to the surrounding cells' centres (precomputed) are tried too.
   */
  nearest(e: number, n: number): { e: number; n: number; distanceM: number } {
    const gx = Math.floor((e - this.x0) / CELL_M), gy = Math.floor((n - this.y0) / CELL_M);
    let best = Infinity, bs = -1;
    const consider = (s: number) => {
      const d = pointSegmentDistance(e, n, this.e[s], this.n[s], this.e[s + 1], this.n[s + 1]);
      if (d < best) {
        best = d;
        bs = s;
      }
    };
    this.stamp = (this.stamp + 1) >>> 0 || 1;
    const last = this.e.length - 2;
    if (gx >= 1 && gy >= 1 && gx < this.nx - 1 && gy < this.ny - 1) {
      const near = this.cellNearestDist[gy * this.nx + gx] < 2 * CELL_M;
      const r = near ? 2 : 1;
      for (let cy = gy - r; cy <= gy + r; cy++) {
        if (cy < 0 || cy >= this.ny) continue;
        for (let cx = gx - r; cx <= gx + r; cx++) {
          if (cx < 0 || cx >= this.nx) continue;
          const c = cy * this.nx + cx;
          // A point anywhere in the cell has its foot on the line within a few segments of the
          // cell centre's: try those around it.
          const s0 = this.cellNearest[c];
          for (let s = Math.max(0, s0 - SEG_SPAN); s <= Math.min(last, s0 + SEG_SPAN); s++) {
            if (this.seen[s] === this.stamp) continue;
            this.seen[s] = this.stamp;
            consider(s);
          }
          if (near) {
            for (let k = this.cellStart[c]; k < this.cellStart[c + 1]; k++) {
              const sg = this.cellSegs[k];
              if (this.seen[sg] === this.stamp) continue;
              this.seen[sg] = this.stamp;
              consider(sg);
            }
          }
        }
      }
    } else {
      // Outside the grid (kilometres beyond the line's ends): every segment.
      for (let s = 0; s <= last; s++) consider(s);
    }
    const ax = this.e[bs], ay = this.n[bs], dx = this.e[bs + 1] - ax, dy = this.n[bs + 1] - ay;
    const len2 = dx * dx + dy * dy;
    const t = len2 > 0 ? Math.min(1, Math.max(0, ((e - ax) * dx + (n - ay) * dy) / len2)) : 0;
    return { e: ax + t * dx, n: ay + t * dy, distanceM: best };
  }

  /** Distance to the line, positive on the defended side and negative on the other [m]. */
  signedDistance(e: number, n: number): number {
    const d = this.nearest(e, n).distanceM;
    return this.isProtected(e, n) ? d : -d;
  }

  /**
   * The first point where the straight move (e0, n0) → (e1, n1) meets the line, with the
   * fraction along the move, or null.
   */
  crossing(e0: number, n0: number, e1: number, n1: number): { fraction: number; e: number; n: number } | null {
    const cx0 = this.cx(Math.min(e0, e1)), cx1 = this.cx(Math.max(e0, e1));
    const cy0 = this.cy(Math.min(n0, n1)), cy1 = this.cy(Math.max(n0, n1));
    let best = Infinity;
    this.stamp = (this.stamp + 1) >>> 0 || 1;
    for (let cy = cy0; cy <= cy1; cy++) {
      for (let cx = cx0; cx <= cx1; cx++) {
        const c = cy * this.nx + cx;
        for (let k = this.cellStart[c]; k < this.cellStart[c + 1]; k++) {
          const s = this.cellSegs[k];
          if (this.seen[s] === this.stamp) continue;
          this.seen[s] = this.stamp;
          const t = segmentIntersection(e0, n0, e1, n1, this.e[s], this.n[s], this.e[s + 1], this.n[s + 1]);
          if (t >= 0 && t < best) best = t;
        }
      }
    }
    return best === Infinity ? null : { fraction: best, e: e0 + best * (e1 - e0), n: n0 + best * (n1 - n0) };
  }

  /**
   * Closing speed toward the line [m/s] of motion (ve, vn) at (e, n) — the velocity along the
   * direction to the nearest point of the line — and the distance to it. A meandering river is
   * not straight, so this is the first-order answer intent needs, cheap enough for every track
   * at every assessment (a ray cast through kilometres of cells is not).
   */
  closing(e: number, n: number, ve: number, vn: number): { distanceM: number; closingMps: number } {
    const q = this.nearest(e, n);
    const dx = q.e - e, dy = q.n - n, d = Math.hypot(dx, dy);
    return { distanceM: q.distanceM, closingMps: d > 1e-6 ? (ve * dx + vn * dy) / d : 0 };
  }
}

/** All zones of a sector. */
export class ZoneSet {
  constructor(readonly border: BorderLine | null, readonly areas: readonly AreaZone[]) {
    const ids = new Set<string>();
    for (const a of areas) {
      if (ids.has(a.id)) throw new Error(`duplicate zone id "${a.id}"`);
      ids.add(a.id);
    }
  }

  /** The area zones containing (e, n) at height `heightM` above ground (no-fly ceilings apply). */
  areasAt(e: number, n: number, heightM = 0, out: AreaZone[] = []): AreaZone[] {
    out.length = 0;
    for (const a of this.areas) if (areaContains(a, e, n) && !(a.ceilingM !== undefined && heightM > a.ceilingM)) out.push(a);
    return out;
  }

  area(id: string): AreaZone | undefined {
    return this.areas.find((a) => a.id === id);
  }
}

/** Whether an area zone's footprint contains (e, n). */
export function areaContains(a: AreaZone, e: number, n: number): boolean {
  const s = a.shape;
  if (s.kind === 'circle') return (e - s.centre.e) ** 2 + (n - s.centre.n) ** 2 <= s.radiusM * s.radiusM;
  const b = s.bounds;
  if (e < b.minE || e > b.maxE || n < b.minN || n > b.maxN) return false;
  return pointInRing(s.ring, e, n);
}

/** Signed distance to an area's boundary: negative inside, positive outside [m]. */
export function areaSignedDistance(a: AreaZone, e: number, n: number): number {
  const s = a.shape;
  if (s.kind === 'circle') return Math.hypot(e - s.centre.e, n - s.centre.n) - s.radiusM;
  const d = distanceToRing(s.ring, e, n);
  return pointInRing(s.ring, e, n) ? -d : d;
}

/** Straight-line prediction into an area: time to entry [s] (0 inside, Infinity if not within the horizon) and closest approach [m]. */
export function timeToArea(a: AreaZone, e: number, n: number, ve: number, vn: number, horizonS: number): { t: number; cpaM: number; cpaT: number } {
  const s = a.shape;
  if (s.kind === 'circle') {
    const r = timeToCircle(e, n, ve, vn, s.centre.e, s.centre.n, s.radiusM);
    if (r.t > horizonS) return { t: Infinity, cpaM: r.cpaT > horizonS ? Math.hypot(e + ve * horizonS - s.centre.e, n + vn * horizonS - s.centre.n) - s.radiusM : Math.max(0, r.cpaM - s.radiusM), cpaT: Math.min(r.cpaT, horizonS) };
    return { t: r.t, cpaM: Math.max(0, r.cpaM - s.radiusM), cpaT: r.cpaT };
  }
  return timeToRing(s.ring, e, n, ve, vn, horizonS);
}

// ------------------------------------------------------------------------------ GeoJSON

export interface ZoneGeoJson {
  type: 'FeatureCollection';
  features: ZoneFeature[];
}

export interface ZoneFeature {
  type: 'Feature';
  geometry:
    | { type: 'LineString'; coordinates: number[][] }
    | { type: 'Polygon'; coordinates: number[][][] }
    | { type: 'Point'; coordinates: number[] };
  properties: Record<string, unknown> & { kind: string };
}

/** A zone file problem: which feature and what is wrong. */
export class ZoneError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ZoneError';
  }
}

function criticalityOf(v: unknown, fallback: Criticality, where: string): Criticality {
  if (v === undefined || v === null) return fallback;
  if (typeof v === 'string' && (CRITICALITIES as readonly string[]).includes(v)) return v as Criticality;
  throw new ZoneError(`${where}: criticality must be one of ${CRITICALITIES.join(', ')}, got ${JSON.stringify(v)}`);
}

function lonLat(c: unknown, where: string): [number, number] {
  if (!Array.isArray(c) || c.length < 2 || !Number.isFinite(c[0]) || !Number.isFinite(c[1]) || Math.abs(c[1]) > 90 || Math.abs(c[0]) > 180) {
    throw new ZoneError(`${where}: a position is [lon, lat] in degrees, got ${JSON.stringify(c)}`);
  }
  return [c[0] as number, c[1] as number];
}

/**
 * Reads zones from a GeoJSON FeatureCollection into `frame` (conversion happens once, here).
 * Features of other kinds are ignored; malformed ones throw a ZoneError naming the feature.
 */
export function zonesFromGeoJson(doc: unknown, frame: LocalFrame): ZoneSet {
  const fc = doc as ZoneGeoJson;
  if (!fc || fc.type !== 'FeatureCollection' || !Array.isArray(fc.features)) throw new ZoneError('zones: expected a GeoJSON FeatureCollection');
  const p = new Float64Array(3);
  const toEnu = (c: unknown, where: string): Point2 => {
    const [lon, lat] = lonLat(c, where);
    frame.geodeticToEnu(lat, lon, frame.heightAboveEllipsoidM, p);
    return { e: p[0], n: p[1] };
  };
  let border: BorderLine | null = null;
  const areas: AreaZone[] = [];
  fc.features.forEach((f, i) => {
    const props = (f?.properties ?? {}) as Record<string, unknown>;
    const kind = props.kind;
    const where = `features[${i}]${typeof props.name === 'string' ? ` (${props.name})` : ''}`;
    const g = f?.geometry;
    if (kind === 'border') {
      if (border) throw new ZoneError(`${where}: only one border line per sector`);
      if (!g || g.type !== 'LineString' || !Array.isArray(g.coordinates) || g.coordinates.length < 2) throw new ZoneError(`${where}: a border is a LineString with at least two positions`);
      const pts = g.coordinates.map((c, k) => toEnu(c, `${where} coordinates[${k}]`));
      const sides = (props.sides ?? {}) as Record<string, unknown>;
      let left = typeof sides.left === 'string' ? sides.left : undefined;
      let right = typeof sides.right === 'string' ? sides.right : undefined;
      if ((!left || !right) && typeof sides.north === 'string' && typeof sides.south === 'string') {
        // The line's left is north when it runs generally eastward (the left of east is north).
        const eastward = pts[pts.length - 1].e >= pts[0].e;
        left = eastward ? sides.north : sides.south;
        right = eastward ? sides.south : sides.north;
      }
      if (!left || !right || left === right) throw new ZoneError(`${where}: properties.sides must name two different sides ({left, right} or {north, south})`);
      const prot = props.protected ?? props.protectedSide ?? (typeof sides.north === 'string' ? sides.north : left);
      const protName = prot === 'north' ? sides.north : prot === 'south' ? sides.south : prot;
      if (protName !== left && protName !== right) throw new ZoneError(`${where}: properties.protected must name one of the sides (${left}, ${right})`);
      border = new BorderLine(
        pts.map((q) => q.e), pts.map((q) => q.n), typeof props.name === 'string' ? props.name : 'border',
        left, right, protName === left, criticalityOf(props.criticality, 'high', where),
      );
      return;
    }
    if (kind !== 'protected-site' && kind !== 'no-fly' && kind !== 'corridor') return;
    const id = typeof props.id === 'string' ? props.id : `${kind}-${i}`;
    const name = typeof props.name === 'string' ? props.name : id;
    const criticality = criticalityOf(props.criticality, kind === 'protected-site' ? 'high' : 'medium', where);
    let shape: AreaShape;
    if (g?.type === 'Point') {
      const r = props.radiusM;
      if (typeof r !== 'number' || !(r > 0)) throw new ZoneError(`${where}: a Point zone needs properties.radiusM > 0`);
      shape = { kind: 'circle', centre: toEnu(g.coordinates, where), radiusM: r };
    } else if (g?.type === 'Polygon') {
      const outer = g.coordinates?.[0];
      if (!Array.isArray(outer) || outer.length < 4) throw new ZoneError(`${where}: a Polygon needs an outer ring of at least 4 positions`);
      const ring = ringFrom(outer.map((c, k) => toEnu(c, `${where} ring[${k}]`)));
      shape = { kind: 'polygon', ring, bounds: boundsOf(ring.e, ring.n) };
    } else {
      throw new ZoneError(`${where}: a ${kind} is a Polygon or a Point with radiusM`);
    }
    const z: AreaZone = { id, name, kind, criticality, shape };
    if (typeof props.ceilingM === 'number') z.ceilingM = props.ceilingM;
    areas.push(z);
  });
  return new ZoneSet(border, areas);
}
