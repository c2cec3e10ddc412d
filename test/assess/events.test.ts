import { describe, expect, it } from 'vitest';
import type { TrackEvent } from '../../src/assess/types.js';
import { FakeTrack, T0, fly, makeAssessor, radarItem, type Waypoint } from './helpers.js';

type Ev<T extends TrackEvent['type']> = TrackEvent & { type: T };
const ofType = <T extends TrackEvent['type']>(evs: TrackEvent[], t: T) => evs.filter((e): e is Ev<T> => e.type === t);

function run(path: Waypoint[], toS: number, opts: Parameters<typeof fly>[5] = {}, id = 1, setup?: (t: FakeTrack) => void) {
  const a = makeAssessor();
  const t = new FakeTrack(id, path[0].e, path[0].n, path[0].u);
  setup?.(t);
  const r = fly(a, [t], new Map([[id, path]]), 0, toS, opts);
  return { a, t, ...r };
}

describe('border crossing', () => {
  it('reports one inbound crossing with the interpolated time and point', () => {
    const { events } = run([{ t: 0, e: 100, n: -500, u: 40 }, { t: 100, e: 100, n: 500, u: 40 }], 100);
    const c = ofType(events, 'border-crossing');
    expect(c).toHaveLength(1);
    expect(c[0].direction).toBe('inbound');
    expect(c[0].from).toBe('MX');
    expect(c[0].to).toBe('US');
    expect(c[0].inferred).toBe(false);
    expect(Math.abs(c[0].crossingTimeMs - (T0 + 50_000))).toBeLessThanOrEqual(500);
    expect(c[0].point.e).toBeCloseTo(100, 6);
    expect(Math.abs(c[0].point.n)).toBeLessThan(1e-6);
    // Established only once the track is firmly across (beyond the margin), a second or two later.
    expect(c[0].timeMs - c[0].crossingTimeMs).toBeGreaterThan(0);
    expect(c[0].timeMs - c[0].crossingTimeMs).toBeLessThanOrEqual(3000);
  });

  it('a track that touches the border and turns back is not a crossing', () => {
    const { events } = run([{ t: 0, e: 0, n: -500, u: 40 }, { t: 50, e: 0, n: 8, u: 40 }, { t: 100, e: 0, n: -500, u: 40 }], 100);
    expect(ofType(events, 'border-crossing')).toHaveLength(0);
  });

  it('hysteresis: wobbling across the line inside the margin is not a crossing; a real crossing still is, once', () => {
    const path: Waypoint[] = [{ t: 0, e: 0, n: -300, u: 40 }, { t: 30, e: 0, n: -10, u: 40 }];
    for (let k = 0; k < 10; k++) path.push({ t: 32 + 4 * k, e: 0, n: k % 2 ? -10 : 10, u: 40 });
    path.push({ t: 80, e: 0, n: -10, u: 40 }, { t: 120, e: 0, n: 400, u: 40 });
    const { events } = run(path, 120);
    const c = ofType(events, 'border-crossing');
    expect(c).toHaveLength(1);
    expect(c[0].crossingTimeMs).toBeGreaterThan(T0 + 80_000);
  });

  it('a wider margin for an uncertain track: 50 m across with σ = 40 m is not yet a side', () => {
    const { events } = run([{ t: 0, e: 0, n: -500, u: 40 }, { t: 50, e: 0, n: 50, u: 40 }, { t: 100, e: 0, n: -500, u: 40 }], 100, { sigmaM: 40 });
    expect(ofType(events, 'border-crossing')).toHaveLength(0);
  });

  it('a track first seen inside the band on the far side, flying across: its first firm side is a crossing', () => {
    // σ = 10 m: the band is ±20 m; the track starts 20 m south (2 σ on the far side), never firm there.
    const { events } = run([{ t: 0, e: 0, n: -20, u: 40 }, { t: 60, e: 0, n: 460, u: 40 }], 60, { sigmaM: 10 });
    const c = ofType(events, 'border-crossing');
    expect(c).toHaveLength(1);
    expect(c[0]).toMatchObject({ direction: 'inbound', inferred: false });
    expect(Math.abs(c[0].crossingTimeMs - (T0 + 2500))).toBeLessThanOrEqual(1000);
  });

  it('first seen inside the band: less than 1 σ over the line, or drifting across slowly, is not a crossing', () => {
    // 5 m south with σ 10 m: which side it started on is not known.
    expect(ofType(run([{ t: 0, e: 0, n: -5, u: 40 }, { t: 60, e: 0, n: 475, u: 40 }], 60, { sigmaM: 10 }).events, 'border-crossing')).toHaveLength(0);
    // 12 m south, then a hover near the line that ends moving off north at walking pace.
    const slow = run([{ t: 0, e: 0, n: -12, u: 40 }, { t: 40, e: 0, n: -12, u: 40 }, { t: 100, e: 0, n: 60, u: 40 }], 100, { sigmaM: 10 });
    expect(ofType(slow.events, 'border-crossing')).toHaveLength(0);
  });

  it('crossing back is an outbound crossing', () => {
    const { events } = run([{ t: 0, e: 0, n: -300, u: 40 }, { t: 60, e: 0, n: 300, u: 40 }, { t: 120, e: 0, n: -300, u: 40 }], 120);
    expect(ofType(events, 'border-crossing').map((e) => e.direction)).toEqual(['inbound', 'outbound']);
  });
});

describe('zones and loiter', () => {
  it('enters the protected site, loiters past the threshold, then leaves', () => {
    const path: Waypoint[] = [{ t: 0, e: 0, n: 1400, u: 60 }, { t: 40, e: 0, n: 1800, u: 60 }];
    // Circle inside the 300 m site for 80 s, then fly off north.
    for (let k = 1; k <= 16; k++) path.push({ t: 40 + 5 * k, e: 150 * Math.sin(k), n: 2000 - 150 * Math.cos(k), u: 60 });
    path.push({ t: 160, e: 0, n: 2800, u: 60 });
    const { events } = run(path, 160);
    expect(ofType(events, 'zone-entry').map((e) => e.zoneId)).toEqual(['poe']);
    const l = ofType(events, 'loiter').filter((e) => e.zoneId === 'poe');
    expect(l).toHaveLength(1);
    expect(l[0].dwellS).toBeGreaterThanOrEqual(60);
    expect(ofType(events, 'zone-exit').map((e) => e.zoneId)).toEqual(['poe']);
  });

  it('a no-fly area does not apply above its ceiling', () => {
    const { events } = run([{ t: 0, e: 2500, n: 1500, u: 300 }, { t: 60, e: 4500, n: 1500, u: 300 }], 60);
    expect(ofType(events, 'zone-entry')).toHaveLength(0);
    const low = run([{ t: 0, e: 2500, n: 1500, u: 50 }, { t: 60, e: 4500, n: 1500, u: 50 }], 60);
    expect(ofType(low.events, 'zone-entry').map((e) => e.zoneId)).toEqual(['nf']);
  });
});

/** A smuggling run: north across the border, hover over the drop point, descend, release, climb, back south. */
const SMUGGLE: Waypoint[] = [
  { t: 0, e: 500, n: -800, u: 40 },
  { t: 180, e: 500, n: 1000, u: 40 },
  { t: 205, e: 500, n: 1000, u: 40 },
  { t: 225, e: 500, n: 1000, u: 8 },
  { t: 235, e: 500, n: 1000, u: 8 },
  { t: 246, e: 500, n: 1000, u: 40 },
  { t: 426, e: 500, n: -800, u: 40 },
];

describe('hover and suspected drop', () => {
  it('a hover is reported once it lasts', () => {
    const { events } = run([{ t: 0, e: 0, n: 1000, u: 40 }, { t: 30, e: 0, n: 1000, u: 40 }], 30);
    const h = ofType(events, 'hover');
    expect(h).toHaveLength(1);
    expect(h[0].durationS).toBeGreaterThanOrEqual(8);
  });

  it('hover, descent, climb and departure on our side: a suspected drop with an ellipse a team can drive to', () => {
    const { events } = run(SMUGGLE, 300);
    const d = ofType(events, 'suspected-drop');
    expect(d).toHaveLength(1);
    expect(Math.hypot(d[0].point.e - 500, d[0].point.n - 1000)).toBeLessThan(3);
    expect(d[0].side).toBe('US');
    expect(d[0].descentM).toBeGreaterThan(20);
    expect(d[0].climbM).toBeGreaterThan(20);
    expect(d[0].ellipse.confidence).toBe(0.95);
    expect(d[0].ellipse.semiMajorM).toBeGreaterThan(0);
    expect(d[0].ellipse.semiMajorM).toBeLessThan(20);
    expect(d[0].holdEndMs - d[0].holdStartMs).toBeGreaterThanOrEqual(40_000);
  });

  it('a hobby drone with Remote ID hovering on the US side is not a drop', () => {
    const hobby = SMUGGLE.map((w) => ({ ...w, n: w.n + 1500 })); // all on the US side
    const { events } = run(hobby, 300, {}, 1, (t) => t.identities.add('rid:1581F0000000001'));
    expect(ofType(events, 'hover').length).toBeGreaterThan(0);
    expect(ofType(events, 'suspected-drop')).toHaveLength(0);
  });

  it('a photo stop without climb or descent is not a drop', () => {
    const { events } = run([{ t: 0, e: 0, n: 1500, u: 60 }, { t: 60, e: 0, n: 2100, u: 60 }, { t: 90, e: 0, n: 2100, u: 60 }, { t: 150, e: 600, n: 2100, u: 60 }], 150);
    expect(ofType(events, 'suspected-drop')).toHaveLength(0);
  });

  it('a hold on the far side is not our drop', () => {
    const far = SMUGGLE.map((w) => ({ ...w, n: w.n - 3000 }));
    const { events } = run(far, 300);
    expect(ofType(events, 'suspected-drop')).toHaveLength(0);
  });
});

describe('launch point', () => {
  it('seen at take-off: the launch is where it climbed from, on its side of the border', () => {
    const { events } = run([{ t: 0, e: -200, n: -2000, u: 2 }, { t: 15, e: -200, n: -2000, u: 47 }, { t: 60, e: -200, n: -1500, u: 47 }], 60);
    const l = ofType(events, 'launch-point');
    expect(l).toHaveLength(1);
    expect(l[0].method).toBe('observed');
    expect(Math.hypot(l[0].estimate.e + 200, l[0].estimate.n + 2000)).toBeLessThan(5);
    expect(l[0].side).toBe('MX');
    expect(l[0].pFarSide).toBe(1);
  });

  it('first seen in flight on our side: back-projected across the border as a wedge', () => {
    const { events } = run([{ t: 0, e: 0, n: 300, u: 40 }, { t: 60, e: 0, n: 900, u: 40 }], 60);
    // (It is also dark, so a cable-bounded revision follows; the first estimate is the plain one.)
    const e = ofType(events, 'launch-point')[0];
    expect(e.method).toBe('back-projected');
    expect(e.region.kind).toBe('wedge');
    if (e.region.kind !== 'wedge') return;
    expect(e.region.bearingRad).toBeCloseTo(Math.PI, 1); // back toward the south
    expect(e.region.minRangeM).toBeCloseTo(300, -1); // no nearer than the border
    expect(e.side).toBe('MX');
    expect(e.pFarSide).toBeGreaterThan(0.9);
    expect(e.estimate.n).toBeLessThan(-500);
  });

  it('a dark drone: the back-projection is bounded by the cable', () => {
    // North from just across the border, no RF and no Remote ID: flagged dark, launch revised.
    const { events } = run([{ t: 0, e: 0, n: 100, u: 20 }, { t: 200, e: 0, n: 1700, u: 20 }], 200);
    expect(ofType(events, 'dark-drone').some((e) => e.flagged)).toBe(true);
    const l = ofType(events, 'launch-point');
    expect(l.length).toBe(2);
    const revised = l[1];
    expect(revised.region.kind === 'wedge' && revised.region.maxRangeM).toBeLessThanOrEqual(15_000);
    expect(revised.region.kind === 'wedge' && revised.region.maxRangeM).toBeLessThan(15_000 - 100);
  });
});

describe('intent', () => {
  it('approaching the border, with the predicted time to it', () => {
    const { a, events } = run([{ t: 0, e: 0, n: -900, u: 40 }, { t: 20, e: 0, n: -700, u: 40 }], 20);
    const i = ofType(events, 'intent');
    expect(i.map((e) => e.intent)).toEqual(['approaching']);
    const now = a.assessment(1)!.intent;
    expect(now.intent).toBe('approaching');
    expect(Math.abs(now.timeToBorderS! - 70)).toBeLessThan(3);
  });

  it('passing along the border is not approaching', () => {
    const { events } = run([{ t: 0, e: -900, n: -300, u: 40 }, { t: 20, e: -700, n: -300, u: 40 }], 20);
    const i = ofType(events, 'intent');
    expect(i[i.length - 1].intent).toBe('passing');
  });

  it('approaching a protected site on our side, with the time to it', () => {
    const a = makeAssessor();
    const t = new FakeTrack(1, 0, 1000, 40);
    fly(a, [t], new Map([[1, [{ t: 0, e: 0, n: 1000, u: 40 }, { t: 20, e: 0, n: 1200, u: 40 }]]]), 0, 20);
    const i = a.assessment(1)!.intent;
    expect(i.intent).toBe('approaching');
    const z = i.zones.find((x) => x.zoneId === 'poe')!;
    expect(Math.abs(z.timeToEntryS - 50)).toBeLessThan(8);
  });
});

describe('events wait for a believed track', () => {
  it('a crossing seen while the track was tentative is reported once it is confirmed', () => {
    const a = makeAssessor();
    const t = new FakeTrack(1, 0, -200, 40);
    t.status = 'tentative';
    const path = new Map([[1, [{ t: 0, e: 0, n: -200, u: 40 }, { t: 40, e: 0, n: 200, u: 40 }] as Waypoint[]]]);
    const early = fly(a, [t], path, 0, 39);
    expect(ofType(early.events, 'border-crossing')).toHaveLength(0);
    t.status = 'confirmed';
    const later = fly(a, [t], path, 39.5, 40);
    expect(ofType(later.events, 'border-crossing')).toHaveLength(1);
  });

  it('radar evidence makes the class; a radar plot alone at the end of a path does nothing odd', () => {
    const { a } = run([{ t: 0, e: 0, n: 1000, u: 40 }, { t: 30, e: 300, n: 1000, u: 40 }], 30, { evidence: (_t, tS, p) => (Number.isInteger(tS) ? [radarItem(T0 + tS * 1000, p.e, p.n, p.u)] : []) });
    expect(a.assessment(1)!.classification.cls).toBe('rotary-drone');
  });
});
