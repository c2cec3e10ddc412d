import type { LocalFrame } from '../../geo/enu.js';
import type { Random } from '../../scenario/random.js';
import type { BorderGeometry } from '../geography.js';

/** A number, or a [min, max] range drawn uniformly per target. */
export type NumberOrRange = number | readonly [number, number];

/** A WGS84 point as scenario files write it. */
export interface LatLon {
  latDeg: number;
  lonDeg: number;
}

/** A protected site resolved into the sector frame. */
export interface ResolvedSite {
  id: string;
  name: string;
  e: number;
  n: number;
  radiusM: number;
}

/** Everything a target generator needs besides its own spec: the sector and a random stream. */
export interface GeneratorContext {
  frame: LocalFrame;
  border: BorderGeometry;
  /** Which border side is "ours" (north, the protected side): true when it is the line's left. */
  protectedIsLeft: boolean;
  /** Surveilled region, ENU metres. */
  region: { xmin: number; xmax: number; ymin: number; ymax: number };
  sites: ReadonlyMap<string, ResolvedSite>;
  durationS: number;
  rng: Random;
  /** Next truth id. */
  nextId(): number;
}

export function draw(rng: Random, v: NumberOrRange): number {
  return typeof v === 'number' ? v : rng.uniform(v[0], v[1]);
}

export function toEnu(ctx: GeneratorContext, p: LatLon): { e: number; n: number } {
  const out = new Float64Array(3);
  ctx.frame.geodeticToEnu(p.latDeg, p.lonDeg, ctx.frame.heightAboveEllipsoidM, out);
  return { e: out[0], n: out[1] };
}

/** A point given as a site id or coordinates, in ENU. */
export function resolvePoint(ctx: GeneratorContext, p: LatLon | string): { e: number; n: number } {
  if (typeof p === 'string') {
    const s = ctx.sites.get(p);
    if (!s) throw new Error(`unknown site "${p}" (known: ${[...ctx.sites.keys()].join(', ')})`);
    return { e: s.e, n: s.n };
  }
  return toEnu(ctx, p);
}

/**
 * A random point on one side of the border, `minM`–`maxM` from `around`, at least
 * `clearanceM` from the line and inside the region. Rejection sampling: deterministic for a
 * given random stream; throws when the constraints cannot be met (a bad scenario, not bad luck).
 */
export function pointOnSide(
  ctx: GeneratorContext, wantProtected: boolean, around: { e: number; n: number },
  minM: number, maxM: number, clearanceM: number,
): { e: number; n: number } {
  const r = ctx.region;
  for (let attempt = 0; attempt < 500; attempt++) {
    const d = ctx.rng.uniform(minM, maxM), a = ctx.rng.uniform(0, 2 * Math.PI);
    const e = around.e + d * Math.sin(a), n = around.n + d * Math.cos(a);
    if (e < r.xmin || e > r.xmax || n < r.ymin || n > r.ymax) continue;
    if (ctx.border.isLeft(e, n) !== (ctx.protectedIsLeft === wantProtected)) continue;
    if (ctx.border.distanceTo(e, n) < clearanceM) continue;
    return { e, n };
  }
  throw new Error(`no point on the ${wantProtected ? 'protected' : 'far'} side ${minM}–${maxM} m from (${around.e.toFixed(0)}, ${around.n.toFixed(0)}) with ${clearanceM} m clearance inside the sector`);
}

/** A random border vertex inside the region (shrunk by `insetM`), as the place a run crosses. */
export function randomBorderPoint(ctx: GeneratorContext, insetM = 2000): { e: number; n: number } {
  const b = ctx.border, r = ctx.region;
  const inside: number[] = [];
  for (let i = 0; i < b.length; i++) {
    if (b.e[i] > r.xmin + insetM && b.e[i] < r.xmax - insetM && b.n[i] > r.ymin + insetM && b.n[i] < r.ymax - insetM) inside.push(i);
  }
  if (inside.length === 0) throw new Error('the border does not pass through the sector region');
  const i = inside[Math.floor(ctx.rng.next() * inside.length)];
  return { e: b.e[i], n: b.n[i] };
}

export function hex(rng: Random, digits: number): string {
  let s = '';
  for (let i = 0; i < digits; i++) s += Math.floor(rng.next() * 16).toString(16).toUpperCase();
  return s;
}

/** Radio links a commercial or hobby drone flies with (protocol, centre frequency). */
export const RC_LINKS = [
  { protocol: 'DJI OcuSync 3', frequencyMHz: 2437 },
  { protocol: 'DJI OcuSync 3', frequencyMHz: 5785 },
  { protocol: 'DJI Lightbridge', frequencyMHz: 2450 },
  { protocol: 'ExpressLRS 900', frequencyMHz: 915 },
  { protocol: 'FrSky ACCST', frequencyMHz: 2440 },
] as const;

export function rcLink(rng: Random): { protocol: string; frequencyMHz: number; emitterId: string } {
  const l = RC_LINKS[Math.floor(rng.next() * RC_LINKS.length)];
  return { protocol: l.protocol, frequencyMHz: l.frequencyMHz, emitterId: `rf-${hex(rng, 8)}` };
}
