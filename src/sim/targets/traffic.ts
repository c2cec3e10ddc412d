/**
 * The rest of the sky and the ground: what a counter-drone system sees and must not alarm on.
 * Birds (real radar targets the size of a drone), manned aircraft with ADS-B, and cars on
 * roads (radar ground clutter that moves).
 */
import { draw, pointOnSide, resolvePoint, type GeneratorContext, type LatLon, type NumberOrRange } from './context.js';
import { Random } from '../../scenario/random.js';
import { deriveSeed } from '../seed.js';
import { PathBuilder, type SimTarget } from './trajectory.js';

export interface FlockSpec {
  birds: NumberOrRange;
  center?: LatLon;
  near?: LatLon | string;
  withinM: number;
  /** The flock wanders within this distance of its home point [m]. */
  rangeM: NumberOrRange;
  altitudeM: NumberOrRange;
  speedMps: NumberOrRange;
  /** How long the flock stays in the sector; until the scenario ends when absent. */
  durationS?: NumberOrRange;
}

/**
 * Bird flock — a group wandering around a home point (a roost, the river) with frequent, abrupt
 * heading changes: every 3–12 s the flock picks a new point, and each bird's offset of up to
 * 30 m from it drifts, so birds weave through the flock. Slow (6–14 m/s), low, bird-sized radar
 * cross-section (0.001–0.01 m², overlapping a small drone's), silent to the drone-tuned
 * acoustic arrays, no radio, no Remote ID. Returns one target per bird.
 */
export function birdFlock(ctx: GeneratorContext, spec: FlockSpec, startS: number, index: number): SimTarget[] {
  const rng = ctx.rng;
  const n = Math.max(1, Math.round(draw(rng, spec.birds)));
  const home = spec.center
    ? resolvePoint(ctx, spec.center)
    : randomPointNear(ctx, spec.near !== undefined ? resolvePoint(ctx, spec.near) : null, spec.withinM);
  const range = draw(rng, spec.rangeM), alt = draw(rng, spec.altitudeM), speed = draw(rng, spec.speedMps);
  const end = spec.durationS !== undefined ? Math.min(ctx.durationS, startS + draw(rng, spec.durationS)) : ctx.durationS;
  // The flock's path: waypoints around home, each reached at the flock speed.
  const way: { t: number; e: number; n: number; u: number }[] = [{ t: startS, e: home.e, n: home.n, u: alt }];
  let last = way[0];
  while (last.t < end) {
    const a = rng.uniform(0, 2 * Math.PI), d = range * Math.sqrt(rng.next());
    const e = home.e + d * Math.sin(a), nn = home.n + d * Math.cos(a);
    const u = Math.max(5, alt + rng.uniform(-15, 15));
    // Short hops: a bird changes heading every few seconds, so cap each leg's duration.
    const full = Math.hypot(e - last.e, nn - last.n) / speed;
    // The last hop is cut short at the end, not sped up.
    const hop = Math.min(full, rng.uniform(3, 12), end - last.t);
    const k = full > 0 ? hop / full : 1;
    last = { t: last.t + Math.max(hop, Math.min(1, end - last.t)), e: last.e + (e - last.e) * k, n: last.n + (nn - last.n) * k, u };
    way.push(last);
  }
  const out: SimTarget[] = [];
  for (let b = 0; b < n; b++) {
    // Each bird's offset from the flock point drifts a few metres per hop (within ±30 m), so birds
    // weave through the flock without darting faster than a bird flies.
    const j = [rng.uniform(-30, 30), rng.uniform(-30, 30), rng.uniform(-5, 5)];
    const jitter = () => {
      for (let a = 0; a < 3; a++) j[a] = Math.max(a < 2 ? -30 : -5, Math.min(a < 2 ? 30 : 5, j[a] + rng.uniform(-6, 6) * (a < 2 ? 1 : 0.3)));
      return j;
    };
    const p = new PathBuilder(startS, way[0].e + j[0], way[0].n + j[1], Math.max(3, way[0].u + j[2]));
    for (let w = 1; w < way.length; w++) {
      jitter();
      const t1 = Math.min(way[w].t, end);
      if (t1 <= p.t) break;
      p.moveTo(way[w].e + j[0], way[w].n + j[1], Math.max(3, way[w].u + j[2]), t1 - p.t);
    }
    out.push({
      meta: {
        id: ctx.nextId(), type: 'bird-flock', label: `flock ${index + 1} bird ${b + 1}`, cls: 'bird',
        rcsM2: rng.uniform(0.001, 0.01), acousticLevel: 0, rf: null, remoteId: null, icao: null, callsign: null,
        launch: null, drops: [], threat: false,
      },
      trajectory: p.build(),
    });
  }
  return out;
}

function randomPointNear(ctx: GeneratorContext, around: { e: number; n: number } | null, withinM: number): { e: number; n: number } {
  const r = ctx.region;
  if (around) {
    const a = ctx.rng.uniform(0, 2 * Math.PI), d = withinM * Math.sqrt(ctx.rng.next());
    return { e: around.e + d * Math.sin(a), n: around.n + d * Math.cos(a) };
  }
  return { e: ctx.rng.uniform(r.xmin, r.xmax), n: ctx.rng.uniform(r.ymin, r.ymax) };
}

export interface AircraftSpec {
  /** `transit`: straight across the sector; `arrival`/`departure`: runway 14 at McAllen (MFE). */
  route: 'transit' | 'arrival' | 'departure';
  from?: LatLon;
  to?: LatLon;
  altitudeM: NumberOrRange;
  speedMps: NumberOrRange;
  icao?: string;
  callsign?: string;
}

/** McAllen Miller International Airport (Wikipedia: 26°10′33″N 98°14′19″W), runway 14/32 heading ≈ 140°. */
const MFE = { latDeg: 26.17583, lonDeg: -98.23861 };
const MFE_RUNWAY_HEADING_DEG = 140;

/**
 * Manned aircraft with ADS-B — general aviation crossing the sector, or arriving at / departing
 * from McAllen's runway 14 on a 3° path. Each carries an ICAO 24-bit address (US block,
 * A00001–ADF7C7) and a callsign, a large radar cross-section and no drone signature.
 */
export function mannedAircraft(ctx: GeneratorContext, spec: AircraftSpec, startS: number, _index: number): SimTarget {
  const rng = ctx.rng;
  const speed = draw(rng, spec.speedMps);
  let b: PathBuilder;
  if (spec.route === 'transit' || spec.from || spec.to) {
    const r = ctx.region;
    const alt = draw(rng, spec.altitudeM);
    const a = rng.uniform(0, 2 * Math.PI), half = Math.hypot(r.xmax - r.xmin, r.ymax - r.ymin) / 2;
    const cx = (r.xmin + r.xmax) / 2 + rng.uniform(-0.3, 0.3) * (r.xmax - r.xmin);
    const cy = (r.ymin + r.ymax) / 2 + rng.uniform(-0.3, 0.3) * (r.ymax - r.ymin);
    const from = spec.from ? resolvePoint(ctx, spec.from) : { e: cx - half * Math.sin(a), n: cy - half * Math.cos(a) };
    const to = spec.to ? resolvePoint(ctx, spec.to) : { e: cx + half * Math.sin(a), n: cy + half * Math.cos(a) };
    b = new PathBuilder(startS, from.e, from.n, alt).goTo(to.e, to.n, alt, speed);
  } else {
    const apt = resolvePoint(ctx, MFE);
    const h = (MFE_RUNWAY_HEADING_DEG * Math.PI) / 180;
    const dist = 15_000, top = dist * Math.tan((3 * Math.PI) / 180);
    const far = { e: apt.e - dist * Math.sin(h), n: apt.n - dist * Math.cos(h) };
    const out = { e: apt.e + dist * Math.sin(h), n: apt.n + dist * Math.cos(h) };
    b = spec.route === 'arrival'
      ? new PathBuilder(startS, far.e, far.n, top).goTo(apt.e, apt.n, 0, speed)
      : new PathBuilder(startS, apt.e, apt.n, 0).goTo(out.e, out.n, Math.max(top, draw(rng, spec.altitudeM)), speed);
  }
  const icao = spec.icao ?? (0xa00001 + Math.floor(rng.next() * (0xadf7c7 - 0xa00001))).toString(16).toUpperCase();
  const callsign = spec.callsign ?? `N${100 + Math.floor(rng.next() * 900)}${String.fromCharCode(65 + Math.floor(rng.next() * 26), 65 + Math.floor(rng.next() * 26))}`;
  return {
    meta: {
      id: ctx.nextId(), type: 'manned-aircraft', label: `aircraft ${callsign}`, cls: 'manned-aircraft',
      rcsM2: rng.uniform(2, 10), acousticLevel: 0, rf: null, remoteId: null, icao, callsign,
      launch: null, drops: [], threat: false,
    },
    trajectory: b.build(),
  };
}

export interface VehicleSpec {
  /** The road: a polyline, or a road along the border on one side at an offset. */
  road: LatLon[] | { alongBorder: { side: 'protected' | 'far'; offsetM: number } };
  speedMps: NumberOrRange;
}

/**
 * Ground vehicle — a car or truck driving a road back and forth for the whole scenario at a
 * steady speed, 1.5 m above the ground with a car's radar cross-section (≈ 10 m²). It is the
 * moving ground clutter a low-looking radar must live with: never a drone, never airborne.
 * A road "along the border" follows the river at an offset (the levee roads and Military
 * Highway on the US side, the riverside boulevards in Reynosa) — representative, not surveyed.
 */
export function groundVehicle(ctx: GeneratorContext, spec: VehicleSpec, startS: number, index: number): SimTarget {
  const rng = ctx.rng;
  const road = roadPolyline(ctx, spec.road);
  const speed = draw(rng, spec.speedMps);
  // Start somewhere along the road, going either way.
  let i = Math.floor(rng.next() * (road.length - 1));
  let dir = rng.next() < 0.5 ? 1 : -1;
  const f = rng.next();
  const p = new PathBuilder(startS, road[i].e + f * (road[i + 1].e - road[i].e), road[i].n + f * (road[i + 1].n - road[i].n), 1.5);
  if (dir < 0) i++;
  while (p.t < ctx.durationS) {
    const next = i + dir;
    if (next < 0 || next >= road.length) {
      dir = -dir; // turn round at the end of the road
      p.hover(rng.uniform(5, 60));
      continue;
    }
    i = next;
    p.goTo(road[i].e, road[i].n, 1.5, speed);
  }
  return {
    meta: {
      id: ctx.nextId(), type: 'ground-vehicle', label: `vehicle ${index + 1}`, cls: 'ground-vehicle',
      rcsM2: rng.uniform(5, 20), acousticLevel: 0, rf: null, remoteId: null, icao: null, callsign: null,
      launch: null, drops: [], threat: false,
    },
    trajectory: p.build(),
  };
}

/**
 * Road polylines per world (keyed by its frame, then by the road spec). A road is geography: a
 * function of the spec and the sector (frame, border, region) alone, never of the seed, so every
 * vehicle of a spec drives the same road and building it draws nothing from any target's random
 * stream (a vehicle's draws do not depend on whether its road was already built). The degenerate
 * fallback's random point comes from a stream of its own, derived from the spec, not the seed.
 */
const roadCache = new WeakMap<object, WeakMap<object, { e: number; n: number }[]>>();

function roadPolyline(ctx: GeneratorContext, road: VehicleSpec['road']): { e: number; n: number }[] {
  let perWorld = roadCache.get(ctx.frame);
  if (!perWorld) roadCache.set(ctx.frame, (perWorld = new WeakMap()));
  const cached = perWorld.get(road);
  if (cached) return cached;
  const pts = buildRoad(ctx, road);
  perWorld.set(road, pts);
  return pts;
}

/** The road's polyline in the sector frame; deterministic in (spec, sector), whatever the seed. */
function buildRoad(ctx: GeneratorContext, road: VehicleSpec['road']): { e: number; n: number }[] {
  let pts: { e: number; n: number }[];
  if (Array.isArray(road)) {
    pts = road.map((p) => resolvePoint(ctx, p));
  } else {
    const { side, offsetM } = road.alongBorder;
    const b = ctx.border, r = ctx.region;
    // Every border vertex ~300 m apart inside the region, pushed out along the local normal.
    const wantLeft = ctx.protectedIsLeft === (side === 'protected');
    pts = [];
    let lastE = NaN, lastN = NaN;
    for (let i = 1; i + 1 < b.length; i++) {
      if (b.e[i] < r.xmin || b.e[i] > r.xmax || b.n[i] < r.ymin || b.n[i] > r.ymax) continue;
      if (Math.hypot(b.e[i] - lastE, b.n[i] - lastN) < 300) continue;
      const de = b.e[i + 1] - b.e[i - 1], dn = b.n[i + 1] - b.n[i - 1], l = Math.hypot(de, dn) || 1;
      const s = wantLeft ? 1 : -1;
      const e = b.e[i] + (s * -dn * offsetM) / l, n = b.n[i] + (s * de * offsetM) / l;
      if (b.isLeft(e, n) !== wantLeft) continue; // a tight meander put the offset point across the river
      // No bridge on a levee road: skip a point the straight road to it would reach over the river.
      const prev = pts[pts.length - 1];
      if (prev && b.crossing(prev.e, prev.n, e, n) !== null) continue;
      pts.push({ e, n });
      lastE = b.e[i];
      lastN = b.n[i];
    }
    if (pts.length < 2) {
      // Degenerate (tiny region): a short road on the requested side near the centre, placed
      // with a stream of its own (seed-independent geography, not the vehicle's draws).
      const own: GeneratorContext = { ...ctx, rng: new Random(deriveSeed(0, `road:alongBorder:${side}:${offsetM}`)) };
      const c = pointOnSide(own, side === 'protected', { e: (r.xmin + r.xmax) / 2, n: (r.ymin + r.ymax) / 2 }, 0, 5000, offsetM);
      pts = [c, { e: c.e + 1000, n: c.n }];
    }
  }
  if (pts.length < 2) throw new Error('a road needs at least two points');
  return pts;
}

