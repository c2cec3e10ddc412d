/**
 * Drone targets: the threats the system exists for (smuggling runs, their fibre-optic variant,
 * reconnaissance loiters) and the compliant hobby flights it must not alarm on.
 */
import { draw, hex, pointOnSide, randomBorderPoint, rcLink, resolvePoint, type GeneratorContext, type LatLon, type NumberOrRange } from './context.js';
import { PathBuilder, type SimTarget } from './trajectory.js';

/** A small commercial multirotor's radar cross-section [m²] (issue 3: "about 0.01"). */
const MULTIROTOR_RCS = 0.01;

export interface RunSpec {
  /** Launch point on the far (Mexican) side; random 0.8–3 km from the crossing when absent. */
  launch?: LatLon;
  /** Drop point on the protected (US) side; random 1.5–5 km from the crossing when absent. */
  drop?: LatLon;
  /** Cross near this point or site (the nearest border point); a random border point when absent. */
  crossingNear?: LatLon | string;
  cruiseAltitudeM: NumberOrRange;
  cruiseSpeedMps: NumberOrRange;
  /** Hover over the drop point before descending [s]. */
  hoverS: NumberOrRange;
  /** Height the payload is released from [m]. */
  dropAltitudeM: NumberOrRange;
}

export interface FibreRunSpec extends RunSpec {
  /** Spool length [m]: the flight never goes farther from its launch point than this. */
  cableLengthM: NumberOrRange;
}

/**
 * Smuggling run — the cartel pattern on this border: take off on the Mexican side, climb to a
 * low cruise, cross the river, fly to a drop point on the US side, hover, descend, release the
 * load, climb back and return south along the same corridor to land at the launch point.
 * Radio-controlled (an RC/video link an RF detector can hear) and without Remote ID.
 */
export function smugglingRun(ctx: GeneratorContext, spec: RunSpec, startS: number, index: number): SimTarget {
  return buildRun(ctx, spec, startS, index, null);
}

/**
 * Fibre-optic run — the same story flown over a fibre-optic spool: no radio link at all (RF
 * detectors and Remote ID receivers see nothing), lower and slower, and the unspooled cable
 * bounds the flight: the outbound path (launch → crossing → drop) is kept within 90 % of the
 * cable, so the drone is never farther from its launch point than the cable is long.
 */
export function fibreOpticRun(ctx: GeneratorContext, spec: FibreRunSpec, startS: number, index: number): SimTarget {
  return buildRun(ctx, spec, startS, index, draw(ctx.rng, spec.cableLengthM));
}

function buildRun(ctx: GeneratorContext, spec: RunSpec, startS: number, index: number, cableM: number | null): SimTarget {
  const rng = ctx.rng;
  const cross = spec.crossingNear !== undefined
    ? ctx.border.nearestPoint(resolvePoint(ctx, spec.crossingNear).e, resolvePoint(ctx, spec.crossingNear).n)
    : randomBorderPoint(ctx);
  const launch = spec.launch ? resolvePoint(ctx, spec.launch) : pointOnSide(ctx, false, cross, 800, cableM ? 2500 : 3000, 300);
  let drop = spec.drop ? resolvePoint(ctx, spec.drop) : pointOnSide(ctx, true, cross, 1500, cableM ? 4000 : 5000, 500);
  if (cableM !== null) {
    // Keep the outbound path within the cable: pull the drop point back toward the crossing.
    const leg1 = Math.hypot(cross.e - launch.e, cross.n - launch.n);
    const leg2 = Math.hypot(drop.e - cross.e, drop.n - cross.n);
    const budget = 0.9 * cableM - leg1;
    if (budget <= 0) throw new Error(`fibre-optic run ${index}: the crossing is ${leg1.toFixed(0)} m from launch, beyond 90 % of its ${cableM.toFixed(0)} m cable`);
    if (leg2 > budget) {
      const k = budget / leg2;
      drop = { e: cross.e + (drop.e - cross.e) * k, n: cross.n + (drop.n - cross.n) * k };
    }
  }
  const alt = draw(rng, spec.cruiseAltitudeM), speed = draw(rng, spec.cruiseSpeedMps);
  const dropAlt = Math.min(draw(rng, spec.dropAltitudeM), alt);
  const b = new PathBuilder(startS, launch.e, launch.n, 0)
    .verticalTo(alt, 3)
    .goTo(cross.e, cross.n, alt, speed)
    .goTo(drop.e, drop.n, alt, speed)
    .hover(draw(rng, spec.hoverS))
    .verticalTo(dropAlt, 1.5)
    .hover(rng.uniform(4, 10));
  const release = { timeS: b.t, e: b.e, n: b.n, u: b.u };
  b.hover(rng.uniform(2, 5))
    .verticalTo(alt, 3)
    .goTo(cross.e, cross.n, alt, speed)
    .goTo(launch.e, launch.n, alt, speed)
    .verticalTo(0, 2);
  const fibre = cableM !== null;
  return {
    meta: {
      id: ctx.nextId(),
      type: fibre ? 'fibre-optic-run' : 'smuggling-run',
      label: `${fibre ? 'fibre-optic run' : 'smuggling run'} ${index + 1}`,
      cls: 'rotary-drone',
      rcsM2: fibre ? MULTIROTOR_RCS * 1.5 : MULTIROTOR_RCS, // FPV frame plus spool and load
      acousticLevel: 1,
      rf: fibre ? null : rcLink(rng),
      remoteId: null,
      icao: null,
      callsign: null,
      launch: { timeS: startS, e: launch.e, n: launch.n },
      drops: [release],
      threat: true,
      ...(fibre ? { cableLengthM: cableM } : {}),
    },
    trajectory: b.build(),
  };
}

export interface ReconSpec {
  /** The watched site: a built-in site id, or coordinates. */
  site: LatLon | string;
  launch?: LatLon;
  orbitRadiusM: NumberOrRange;
  altitudeM: NumberOrRange;
  speedMps: NumberOrRange;
  loiterS: NumberOrRange;
}

/**
 * Reconnaissance loiter — a drone launched on the Mexican side that climbs, flies to a port of
 * entry or police/Border Patrol site, circles it (watching lanes, shifts, patrol departures),
 * then flies home. Radio-controlled, no Remote ID. Over a bridge the orbit straddles the river,
 * so it crosses the border on every lap: the truth records each crossing.
 */
export function reconLoiter(ctx: GeneratorContext, spec: ReconSpec, startS: number, index: number): SimTarget {
  const rng = ctx.rng;
  const site = resolvePoint(ctx, spec.site);
  const near = ctx.border.nearestPoint(site.e, site.n);
  const launch = spec.launch ? resolvePoint(ctx, spec.launch) : pointOnSide(ctx, false, near, 1000, 4000, 300);
  const radius = draw(rng, spec.orbitRadiusM), alt = draw(rng, spec.altitudeM), speed = draw(rng, spec.speedMps);
  // Join the orbit at the point of the circle facing the launch point.
  const a = Math.atan2(launch.e - site.e, launch.n - site.n);
  const b = new PathBuilder(startS, launch.e, launch.n, 0)
    .verticalTo(alt, 3)
    .goTo(site.e + radius * Math.sin(a), site.n + radius * Math.cos(a), alt, speed)
    .orbit(site.e, site.n, radius, Math.min(speed, 10), draw(rng, spec.loiterS), rng.next() < 0.5)
    .goTo(launch.e, launch.n, alt, speed)
    .verticalTo(0, 2);
  return {
    meta: {
      id: ctx.nextId(), type: 'recon-loiter', label: `recon loiter ${index + 1}`, cls: 'rotary-drone',
      rcsM2: MULTIROTOR_RCS, acousticLevel: 1, rf: rcLink(rng), remoteId: null, icao: null, callsign: null,
      launch: { timeS: startS, e: launch.e, n: launch.n }, drops: [], threat: true,
    },
    trajectory: b.build(),
  };
}

export interface HobbySpec {
  /** Which side it flies on: the protected one (US) or the far one (MX). */
  side: 'protected' | 'far';
  /** Centre of the flying area; random near `near` (or anywhere in the sector) when absent. */
  center?: LatLon;
  near?: LatLon | string;
  /** How far from `near` the random centre may be [m]. */
  withinM: number;
  radiusM: NumberOrRange;
  altitudeM: NumberOrRange;
  speedMps: NumberOrRange;
  durationS: NumberOrRange;
  /** Remote ID spoofing: the broadcast claims a position this far off [m] (0 = honest). */
  spoofOffsetM: number;
}

/**
 * Compliant hobby flight — a recreational drone broadcasting standard Remote ID (serial and
 * operator position) with an ordinary RC link, wandering between random waypoints inside a
 * circle that lies wholly on one side of the border (its edge at least 300 m from the river),
 * so it never crosses. Optionally a spoofer: the broadcast position is offset from the truth.
 */
export function hobbyFlight(ctx: GeneratorContext, spec: HobbySpec, startS: number, index: number): SimTarget {
  const rng = ctx.rng;
  const radius = draw(rng, spec.radiusM);
  const wantProtected = spec.side === 'protected';
  let c: { e: number; n: number };
  if (spec.center) {
    c = resolvePoint(ctx, spec.center);
    const onSide = ctx.border.isLeft(c.e, c.n) === (ctx.protectedIsLeft === wantProtected);
    if (!onSide || ctx.border.distanceTo(c.e, c.n) < radius + 300) {
      throw new Error(`hobby flight ${index}: its ${radius.toFixed(0)} m circle around the given centre is not wholly on the ${spec.side} side`);
    }
  } else {
    const around = spec.near !== undefined ? resolvePoint(ctx, spec.near) : { e: (ctx.region.xmin + ctx.region.xmax) / 2, n: (ctx.region.ymin + ctx.region.ymax) / 2 };
    c = pointOnSide(ctx, wantProtected, around, 0, spec.withinM, radius + 300);
  }
  const alt = draw(rng, spec.altitudeM), speed = draw(rng, spec.speedMps), dur = draw(rng, spec.durationS);
  const b = new PathBuilder(startS, c.e, c.n, 0).verticalTo(alt, 2);
  const end = startS + dur;
  while (b.t < end - 60) {
    const a = rng.uniform(0, 2 * Math.PI), d = radius * Math.sqrt(rng.next());
    b.goTo(c.e + d * Math.sin(a), c.n + d * Math.cos(a), alt * rng.uniform(0.7, 1), speed);
    if (rng.next() < 0.3) b.hover(rng.uniform(5, 30)); // a photo stop
  }
  b.goTo(c.e, c.n, b.u, speed).verticalTo(0, 1.5);
  const spoof = spec.spoofOffsetM > 0;
  const sa = rng.uniform(0, 2 * Math.PI);
  return {
    meta: {
      id: ctx.nextId(), type: 'hobby-flight', label: `hobby flight ${index + 1}${spoof ? ' (Remote ID spoofer)' : ''}`,
      cls: 'rotary-drone', rcsM2: MULTIROTOR_RCS, acousticLevel: 1, rf: rcLink(rng),
      remoteId: {
        serial: `1581F${hex(rng, 11)}`, // ANSI/CTA-2063-A style: manufacturer code + serial
        operatorE: c.e, operatorN: c.n,
        ...(spoof ? { spoofOffset: { e: spec.spoofOffsetM * Math.sin(sa), n: spec.spoofOffsetM * Math.cos(sa), u: 0 } } : {}),
      },
      icao: null, callsign: null,
      launch: { timeS: startS, e: c.e, n: c.n }, drops: [], threat: false,
    },
    trajectory: b.build(),
  };
}
