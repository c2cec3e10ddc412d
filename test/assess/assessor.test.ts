import { describe, expect, it } from 'vitest';
import type { EvidenceItem, TrackEvent } from '../../src/assess/types.js';
import { Random } from '../../src/scenario/random.js';
import { FakeTrack, SENSORS, T0, along, fly, makeAssessor, radarItem, type Waypoint } from './helpers.js';

const SMUGGLE: Waypoint[] = [
  { t: 0, e: 500, n: -800, u: 40 },
  { t: 180, e: 500, n: 1000, u: 40 },
  { t: 205, e: 500, n: 1000, u: 40 },
  { t: 225, e: 500, n: 1000, u: 8 },
  { t: 235, e: 500, n: 1000, u: 8 },
  { t: 246, e: 500, n: 1000, u: 40 },
  { t: 426, e: 500, n: -800, u: 40 },
];

/** Radar plot + acoustic detection + camera bearing with a label, every second: three sensors, one track. */
function threeSensors(_t: FakeTrack, tS: number, p: { e: number; n: number; u: number }): EvidenceItem[] {
  if (!Number.isInteger(tS)) return [];
  const timeMs = T0 + tS * 1000;
  return [
    radarItem(timeMs, p.e, p.n, p.u),
    { timeMs, sensor: 1, bearing: { azimuthRad: Math.atan2(p.e, p.n - 500), sigmaRad: 0.05 } },
    { timeMs, sensor: 2, evidence: { classLabel: { label: 'rotary-drone', confidence: 0.9 } }, bearing: { azimuthRad: Math.atan2(p.e - 100, p.n - 500), sigmaRad: 0.001 } },
  ];
}

const types = (evs: TrackEvent[]) => evs.map((e) => e.type);

describe('Assessor: one alert per fused track, escalating', () => {
  it('a smuggling run seen by three sensors gives one alert: opened on the crossing, escalated by the drop', () => {
    const a = makeAssessor();
    const t = new FakeTrack(1, 500, -800, 40);
    t.sensors = [0, 1, 2];
    const { alerts, events } = fly(a, [t], new Map([[1, SMUGGLE]]), 0, 300, { evidence: threeSensors });
    const opened = alerts.filter((c) => c.kind === 'opened');
    expect(opened).toHaveLength(1);
    expect(a.alerts.all()).toHaveLength(1);
    const alert = a.alerts.all()[0];
    expect(alert.rules[0]).toBe('border-crossing');
    expect(alert.rules).toContain('suspected-drop');
    expect(alert.severity).toBe('critical');
    expect(alerts.find((c) => c.kind === 'escalated' && c.alert.id === alert.id)).toBeDefined();
    // Opened within seconds of the true crossing (t = 80 s).
    expect((opened[0].timeMs - (T0 + 80_000)) / 1000).toBeLessThan(5);
    expect(types(events)).toContain('suspected-drop');
    expect(alert.evidence.some((e) => e.includes('Suspected') || e.includes('held'))).toBe(true);
    expect(alert.evidence.some((e) => e.startsWith('classified rotary-drone'))).toBe(true);
    const as = a.assessment(1)!;
    expect(as.disposition).toBe('hostile');
    expect(as.threat.score).toBeGreaterThanOrEqual(80);
  });

  it('a manned aircraft with ADS-B crossing the border is never alerted as a drone', () => {
    const a = makeAssessor();
    const t = new FakeTrack(1, 0, -20_000, 800);
    t.identities.add('icao:A1B2C3');
    const path: Waypoint[] = [{ t: 0, e: 0, n: -6000, u: 800 }, { t: 200, e: 0, n: 6000, u: 800 }];
    const { alerts, events } = fly(a, [t], new Map([[1, path]]), 0, 200, {
      evidence: (_t, tS, p) => (Number.isInteger(tS) ? [{ timeMs: T0 + tS * 1000, sensor: 5, evidence: { icao: 'A1B2C3', callsign: 'N123AB' }, fix: { e: p.e, n: p.n, u: p.u, cov: [230, 0, 0, 0, 230, 0, 0, 0, 530] } }] : []),
    });
    expect(types(events)).toContain('border-crossing');
    expect(alerts).toHaveLength(0);
    expect(a.assessment(1)!.classification.cls).toBe('manned-aircraft');
    expect(a.assessment(1)!.disposition).toBe('cooperative');
  });

  it('a bird flock crossing the river does not alert', () => {
    const a = makeAssessor();
    const t = new FakeTrack(1, 0, -300, 30);
    const path: Waypoint[] = [{ t: 0, e: 0, n: -300, u: 30 }];
    for (let k = 1; k <= 20; k++) path.push({ t: 6 * k, e: 60 * Math.sin(k * 2.3), n: -300 + 30 * k, u: 30 });
    const { alerts, events } = fly(a, [t], new Map([[1, path]]), 0, 120, {
      evidence: (_t, tS, p) => (Number.isInteger(tS) ? [radarItem(T0 + tS * 1000, p.e, p.n, p.u, tS % 7 === 0 ? 'rotary-drone' : 'bird')] : []),
    });
    expect(types(events)).toContain('border-crossing');
    expect(alerts).toHaveLength(0);
    expect(a.assessment(1)!.classification.cls).toBe('bird');
  });
});

describe('Assessor: operators', () => {
  it('acknowledge and resolve with who and when, through the assessor', () => {
    const a = makeAssessor();
    const t = new FakeTrack(1, 500, -800, 40);
    fly(a, [t], new Map([[1, SMUGGLE]]), 0, 100);
    const id = a.alerts.all()[0].id;
    a.act({ type: 'acknowledge', alertId: id, by: 'dispatcher 3', timeMs: T0 + 101_000 });
    a.act({ type: 'resolve', alertId: id, by: 'dispatcher 3', timeMs: T0 + 102_000, note: 'unit on scene' });
    expect(a.alerts.get(id)!.state).toBe('resolved');
    const trail = a.alerts.audit.filter((x) => x.alertId === id && x.action !== 'updated').map((x) => `${x.action} by ${x.by} at ${x.timeMs - T0}`);
    expect(trail).toEqual([`opened by system at ${a.alerts.get(id)!.openedMs - T0}`, 'acknowledged by dispatcher 3 at 101000', 'resolved by dispatcher 3 at 102000']);
  });

  it('marking a drone friendly suppresses its alert and every later one, and survives a new track of it', () => {
    const a = makeAssessor();
    const t = new FakeTrack(1, 500, -800, 40);
    t.identities.add('rf:own-7');
    const ev = (_t: FakeTrack, tS: number, p: { e: number; n: number; u: number }): EvidenceItem[] => (Number.isInteger(tS)
      ? [radarItem(T0 + tS * 1000, p.e, p.n, p.u), { timeMs: T0 + tS * 1000, sensor: 3, evidence: { rf: { protocol: 'MAVLink', frequencyMHz: 915, emitterId: 'own-7' } }, bearing: { azimuthRad: 0, sigmaRad: 0.05 } }]
      : []);
    fly(a, [t], new Map([[1, SMUGGLE]]), 0, 100, { evidence: ev });
    expect(a.alerts.active()).toHaveLength(1);
    const changes = a.act({ type: 'mark-friendly', trackId: 1, by: 'cbp.amo', timeMs: T0 + 100_500, note: 'own fleet' });
    expect(changes.map((c) => c.kind)).toEqual(['suppressed']);
    const later = fly(a, [t], new Map([[1, SMUGGLE]]), 100.5, 300, { evidence: ev });
    expect(later.alerts).toHaveLength(0);
    expect(a.assessment(1)!.disposition).toBe('friend');
    expect(a.assessment(1)!.threat.score).toBe(0);
    // The same emitter on a brand-new object later: friendly from the start.
    const t2 = new FakeTrack(2, 500, -800, 40);
    t2.startMs = T0 + 500_000;
    const r2 = fly(a, [t2], new Map([[2, SMUGGLE.map((w) => ({ ...w, t: w.t + 500 }))]]), 500, 700, { evidence: ev });
    expect(r2.alerts.filter((c) => c.kind === 'opened')).toHaveLength(0);
    expect(a.assessment(2)!.friend!.by).toContain('whitelist');
  });

  it('the own fleet on the whitelist is friendly and never alerts', () => {
    const a = makeAssessor({ whitelist: { remoteIds: ['1581FOWN0001'] } });
    const t = new FakeTrack(1, 500, -800, 40);
    t.identities.add('rid:1581FOWN0001');
    const { alerts } = fly(a, [t], new Map([[1, SMUGGLE]]), 0, 300);
    expect(alerts.filter((c) => c.kind === 'opened')).toHaveLength(0);
    expect(a.assessment(1)!.disposition).toBe('friend');
  });
});

describe('Assessor: objects across broken tracks', () => {
  it('a track that breaks up and restarts keeps its alert: the drop escalates the same one', () => {
    const a = makeAssessor();
    const t1 = new FakeTrack(1, 500, -800, 40);
    const r1 = fly(a, [t1], new Map([[1, SMUGGLE]]), 0, 150);
    expect(a.alerts.all()).toHaveLength(1);
    // Track 1 is lost at 150 s; track 2 picks the drone up 3 s later.
    a.update(T0 + 151_000, [], new Map());
    const t2 = new FakeTrack(2, 0, 0, 0);
    t2.startMs = T0 + 153_000;
    const r2 = fly(a, [t2], new Map([[2, SMUGGLE]]), 153, 300);
    expect(a.objectOf(2)).toBe(1);
    expect(a.alerts.all()).toHaveLength(1);
    const alert = a.alerts.all()[0];
    expect(alert.severity).toBe('critical');
    expect(alert.trackIds).toEqual([1, 2]);
    expect([...r1.alerts, ...r2.alerts].filter((c) => c.kind === 'opened')).toHaveLength(1);
  });

  it('a hovering track that never moves off and a new track leaving the spot: the departure makes the drop', () => {
    const a = makeAssessor();
    const hover = new FakeTrack(1, 500, -800, 40);
    // The hovering track stays at the drop point to the end; the drone leaves on track 2 at 246 s.
    const stuck: Waypoint[] = [...SMUGGLE.slice(0, 5), { t: 246, e: 500, n: 1000, u: 40 }, { t: 400, e: 500, n: 1000, u: 40 }];
    fly(a, [hover], new Map([[1, stuck]]), 0, 246);
    const leaving = new FakeTrack(2, 500, 1000, 40);
    leaving.startMs = T0 + 246_500;
    const r = fly(a, [hover, leaving], new Map([[1, stuck], [2, SMUGGLE.map((w) => ({ ...w }))]]), 246.5, 300, {
      evidence: (t, tS, p) => (Number.isInteger(tS) && t.id === 2 ? [radarItem(T0 + tS * 1000, p.e, p.n, p.u)] : []),
    });
    const drops = r.events.filter((e) => e.type === 'suspected-drop');
    expect(drops).toHaveLength(1);
    expect(a.objectOf(2)).toBe(1);
    expect(a.alerts.all()).toHaveLength(1);
    expect(a.alerts.all()[0].severity).toBe('critical');
  });

  it('a crossing across a hand-over: the old track\'s last state a few metres over the line, inside its band, was still on the far side', () => {
    const a = makeAssessor();
    // Track 1 (σ 15 m: band ±30 m) flies north and dies 20 m over the line: firmly on neither
    // side there, so still on the far side by its own detector.
    const north: Waypoint[] = [{ t: 0, e: 0, n: -300, u: 40 }, { t: 32, e: 0, n: 20, u: 40 }, { t: 100, e: 0, n: 700, u: 40 }];
    const t1 = new FakeTrack(1, 0, -300, 40);
    const r1 = fly(a, [t1], new Map([[1, north]]), 0, 32, { sigmaM: 15 });
    expect(r1.events.some((e) => e.type === 'border-crossing')).toBe(false);
    a.update(T0 + 32_500, [], new Map());
    // Track 2 (σ 5 m) picks the drone up a second later, firmly on our side from its first plot.
    const t2 = new FakeTrack(2, 0, 30, 40);
    t2.startMs = T0 + 33_000;
    const r2 = fly(a, [t2], new Map([[2, north]]), 33, 60);
    expect(a.objectOf(2)).toBe(1);
    const c = r2.events.filter((e): e is Extract<TrackEvent, { type: 'border-crossing' }> => e.type === 'border-crossing');
    expect(c.map((e) => e.direction)).toEqual(['inbound']);
    expect(a.assessment(2)!.crossedInbound).not.toBeNull();
    expect(a.alerts.all().map((x) => x.rules[0])).toEqual(['border-crossing']);
  });

  it('a drone that turns while its track coasts on straight: the new track where it reappears continues it (and its crossing)', () => {
    const a = makeAssessor();
    // The drone flies east 40 m south of the river at 12 m/s, turns north at t = 30 s and crosses.
    const drone: Waypoint[] = [{ t: 0, e: 0, n: -40, u: 40 }, { t: 30, e: 360, n: -40, u: 40 }, { t: 60, e: 360, n: 320, u: 40 }];
    const coast: Waypoint[] = [{ t: 0, e: 0, n: -40, u: 40 }, { t: 36, e: 432, n: -40, u: 40 }];
    const t1 = new FakeTrack(1, 0, -40, 40);
    // Radar plots until the turn; then the track coasts east without a fix for 6 s and dies.
    fly(a, [t1], new Map([[1, coast]]), 0, 36, {
      evidence: (_t, tS, p) => (Number.isInteger(tS) && tS <= 30 ? [radarItem(T0 + tS * 1000, p.e, p.n, p.u)] : []),
    });
    a.update(T0 + 36_500, [], new Map());
    // A new track 10 s after the last fix, 120 m north of it: far from any straight-line prediction.
    const t2 = new FakeTrack(2, 360, 80, 40);
    t2.startMs = T0 + 40_000;
    const r2 = fly(a, [t2], new Map([[2, drone]]), 40, 60);
    expect(a.objectOf(2)).toBe(1);
    expect(r2.events.filter((e) => e.type === 'border-crossing').map((e) => (e as Extract<TrackEvent, { type: 'border-crossing' }>).direction)).toEqual(['inbound']);
    expect(a.alerts.all()).toHaveLength(1);
    // Without the coast (the old track had fixes to its end, so it saw no turn), no such leap.
    const b = makeAssessor();
    fly(b, [new FakeTrack(1, 0, -40, 40)], new Map([[1, coast]]), 0, 36);
    b.update(T0 + 36_500, [], new Map());
    const u2 = new FakeTrack(2, 360, 80, 40);
    u2.startMs = T0 + 40_000;
    fly(b, [u2], new Map([[2, drone]]), 40, 60);
    expect(b.objectOf(2)).toBe(2);
  });

  it('a Remote ID broadcast 300 m off a radar drone, moving with it: one spoofing object, one identity alert', () => {
    const a = makeAssessor();
    const real = new FakeTrack(1, 0, 1200, 60);
    const rid = new FakeTrack(2, 300, 1200, 60);
    rid.sensors = [4];
    rid.identities.add('rid:1581FSPOOF01');
    const path: Waypoint[] = [{ t: 0, e: 0, n: 1200, u: 60 }, { t: 60, e: 400, n: 1500, u: 60 }, { t: 120, e: 0, n: 1800, u: 60 }];
    const paths = new Map<number, Waypoint[]>([[1, path], [2, path.map((w) => ({ ...w, e: w.e + 300 }))]]);
    const r = fly(a, [real, rid], paths, 0, 120, {
      evidence: (t, tS, p) => {
        if (!Number.isInteger(tS)) return [];
        const timeMs = T0 + tS * 1000;
        return t.id === 1
          ? [radarItem(timeMs, p.e, p.n, p.u)]
          : [{ timeMs, sensor: 4, evidence: { remoteId: { serial: '1581FSPOOF01' } }, fix: { e: p.e, n: p.n, u: p.u, cov: [26, 0, 0, 0, 26, 0, 0, 0, 163] } }];
      },
    });
    const spoofs = r.events.filter((e): e is Extract<TrackEvent, { type: 'remote-id-spoof' }> => e.type === 'remote-id-spoof');
    expect(spoofs.length).toBeGreaterThanOrEqual(1);
    expect(spoofs[0].offsetM).toBeCloseTo(300, -1);
    expect(a.objectOf(1)).toBe(a.objectOf(2));
    const identity = a.alerts.all().filter((x) => x.family === 'identity');
    expect(identity).toHaveLength(1);
    expect(a.assessment(1)!.spoof!.serial).toBe('1581FSPOOF01');
    expect(a.assessment(1)!.dark).toBe(false);
  });
});

describe('Assessor: the dark flag', () => {
  const north: Waypoint[] = [{ t: 0, e: 0, n: 200, u: 20 }, { t: 120, e: 0, n: 1200, u: 20 }];

  it('a drone with no RF and no Remote ID inside RF coverage is flagged dark', () => {
    const a = makeAssessor();
    const r = fly(a, [new FakeTrack(1, 0, 200, 20)], new Map([[1, north]]), 0, 120);
    const dark = r.events.filter((e): e is Extract<TrackEvent, { type: 'dark-drone' }> => e.type === 'dark-drone');
    expect(dark.map((e) => e.flagged)).toEqual([true]);
    expect(dark[0].rfExpectedS).toBeGreaterThanOrEqual(20);
    expect(a.assessment(1)!.dark).toBe(true);
  });

  it('the same drone with its control link heard is not dark', () => {
    const a = makeAssessor();
    const r = fly(a, [new FakeTrack(1, 0, 200, 20)], new Map([[1, north]]), 0, 120, {
      evidence: (_t, tS, p) => (Number.isInteger(tS)
        ? [radarItem(T0 + tS * 1000, p.e, p.n, p.u), { timeMs: T0 + tS * 1000, sensor: 3, evidence: { rf: { protocol: 'ExpressLRS 900', frequencyMHz: 915, emitterId: 'e1' } }, bearing: { azimuthRad: Math.atan2(p.e, p.n - 800), sigmaRad: 0.05 } }]
        : []),
    });
    expect(r.events.some((e) => e.type === 'dark-drone')).toBe(false);
  });

  /**
   * A dark drone (track 1) and, `offsetM` east of it, a drone whose control link the RF detector
   * hears (track 2, bearings with σ 3°, given to track 2 or to no track). Returns the dark events.
   */
  function darkBeside(offsetM: number, linkTo: 2 | -1, path: Waypoint[] = [{ t: 0, e: 0, n: 1300, u: 20 }, { t: 120, e: 0, n: 2300, u: 20 }], litTracked = true) {
    const a = makeAssessor();
    const rf = SENSORS[3];
    const rng = new Random(11);
    const dark = new FakeTrack(1, path[0].e, path[0].n, 20), lit = new FakeTrack(2, path[0].e + offsetM, path[0].n, 20);
    const paths = new Map<number, Waypoint[]>([[1, path], [2, path.map((w) => ({ ...w, e: w.e + offsetM }))]]);
    const events: TrackEvent[] = [];
    for (let tS = 0; tS <= 120; tS += 0.5) {
      const timeMs = Math.round(T0 + tS * 1000);
      const ev = new Map<number, EvidenceItem[]>();
      for (const t of [dark, lit]) {
        const p = along(paths.get(t.id)!, tS);
        t.set(timeMs, p.e, p.n, p.u, p.ve, p.vn, p.vu);
        if (Number.isInteger(tS) && (t === dark || litTracked)) ev.set(t.id, [radarItem(timeMs, p.e, p.n, p.u)]);
        if (Number.isInteger(tS) && t === lit) {
          const bearing = { azimuthRad: Math.atan2(p.e - rf.e, p.n - rf.n) + 0.05 * rng.normal(), sigmaRad: 0.05 };
          const item: EvidenceItem = { timeMs, sensor: 3, evidence: { rf: { protocol: 'DJI OcuSync 3', frequencyMHz: 2437, emitterId: 'lit' } }, bearing };
          if (linkTo === 2) ev.get(2)!.push(item);
          else ev.set(-1, [item]);
        }
      }
      events.push(...a.update(timeMs, litTracked ? [dark, lit] : [dark], ev).events);
    }
    return { a, dark: events.filter((e): e is Extract<TrackEvent, { type: 'dark-drone' }> => e.type === 'dark-drone') };
  }

  it('dense traffic: another drone\'s link whose bearings pass beside the dark drone is not its link', () => {
    // 150 m apart, about 1 km from the detector: the link's bearings pass 6–8° off the dark drone,
    // inside a per-bearing gate of 2.5 σ plus its size, but their mean is far off-centre.
    for (const linkTo of [2, -1] as const) {
      const { a, dark } = darkBeside(150, linkTo);
      expect(dark.filter((e) => e.trackId === 1).map((e) => e.flagged), `link to ${linkTo}`).toEqual([true]);
      expect(dark.some((e) => e.trackId === 2)).toBe(false);
      expect(a.assessment(2)!.dark).toBe(false);
    }
    // The same when the other drone is not tracked at all: its link's bearings are off-centre.
    const alone = darkBeside(150, -1, undefined, false);
    expect(alone.dark.map((e) => e.flagged)).toEqual([true]);
  });

  it('dense traffic: a link centred 50 m from the dark drone is still the other drone\'s: that track fits it clearly better', () => {
    // Both fly east 1 km from the detector, one behind the other: the link's bearings pass ~3°
    // off the dark drone (about what its bearings alone would allow), on the other drone.
    const { a, dark } = darkBeside(50, -1, [{ t: 0, e: -500, n: 1800, u: 20 }, { t: 120, e: 500, n: 1800, u: 20 }]);
    expect(dark.filter((e) => e.trackId === 1).map((e) => e.flagged)).toEqual([true]);
    expect(a.assessment(1)!.dark).toBe(true);
    expect(a.assessment(2)!.dark).toBe(false);
  });

  it('a second track 25 m off (the same drone tracked twice) fitting its link better does not take the link away', () => {
    // 500 m from the detector 25 m is ~3°: off-centre enough to look for a better carrier.
    const { dark } = darkBeside(25, -1, [{ t: 0, e: -500, n: 1300, u: 20 }, { t: 120, e: 500, n: 1300, u: 20 }]);
    expect(dark).toEqual([]);
  });

  it('a link heard along the drone\'s bearing by one detector, but never by a second that would hear it from there, is not its link', () => {
    // A second RF detector 1.5 km east: Pd ≈ 0.95 at the drone, yet it hears nothing.
    const a = makeAssessor({ sensors: [...SENSORS, { ...SENSORS[3], id: 'rf2', e: 1500 }] });
    const t = new FakeTrack(1, 0, 200, 20);
    const events: TrackEvent[] = [];
    for (let tS = 0; tS <= 120; tS += 0.5) {
      const p = along(north, tS);
      const timeMs = Math.round(T0 + tS * 1000);
      t.set(timeMs, p.e, p.n, p.u, 0, 1000 / 120, 0);
      const ev = new Map<number, EvidenceItem[]>();
      if (Number.isInteger(tS)) {
        ev.set(1, [radarItem(timeMs, p.e, p.n, p.u)]);
        ev.set(-1, [{ timeMs, sensor: 3, evidence: { rf: { protocol: 'DJI OcuSync 3', frequencyMHz: 2437, emitterId: 'e9' } }, bearing: { azimuthRad: Math.atan2(p.e - 0, p.n - 800), sigmaRad: 0.05 } }]);
      }
      events.push(...a.update(timeMs, [t], ev).events);
    }
    expect(events.filter((e): e is Extract<TrackEvent, { type: 'dark-drone' }> => e.type === 'dark-drone').map((e) => e.flagged)).toEqual([true]);
  });

  /**
   * One RF detector; a drone flying `path` with radar fixes every second, and a link (given to no
   * track) along its exact line of bearing, heard in the seconds `heardAt` picks. The dark events.
   */
  function lineOfBearing(path: Waypoint[], heardAt: (s: number) => boolean): TrackEvent[] {
    const a = makeAssessor();
    const t = new FakeTrack(1, path[0].e, path[0].n, path[0].u);
    const events: TrackEvent[] = [];
    for (let tS = 0; tS <= 120; tS += 0.5) {
      const p = along(path, tS);
      const timeMs = Math.round(T0 + tS * 1000);
      t.set(timeMs, p.e, p.n, p.u, p.ve, p.vn, p.vu);
      const ev = new Map<number, EvidenceItem[]>();
      if (Number.isInteger(tS)) {
        ev.set(1, [radarItem(timeMs, p.e, p.n, p.u)]);
        if (heardAt(tS)) ev.set(-1, [{ timeMs, sensor: 3, evidence: { rf: { protocol: 'DJI OcuSync 3', frequencyMHz: 2437, emitterId: 'e9' } }, bearing: { azimuthRad: Math.atan2(p.e - 0, p.n - 800), sigmaRad: 0.05 } }]);
      }
      events.push(...a.update(timeMs, [t], ev).events);
    }
    return events.filter((e) => e.type === 'dark-drone');
  }

  it('a link the tracker gave to no track, heard along the drone\'s bearing, is not silence', () => {
    expect(lineOfBearing(north, () => true)).toEqual([]);
  });

  it('one detector: a link on the drone\'s line of bearing heard as seldom as from far beyond it is not its link', () => {
    // 0.4–1.1 km from the detector a link it carried would be heard at Pd ≈ 0.95 every second;
    // this one is heard one second in four, as from a drone 5 km out on the same line.
    const dark = lineOfBearing(north, (s) => s % 4 === 0);
    expect(dark.map((e) => (e as Extract<TrackEvent, { type: 'dark-drone' }>).flagged)).toEqual([true]);
    // At 3.1–3.6 km (Pd 0.75 → 0.6) the same rate of two seconds in three is what its own link would give.
    const far: Waypoint[] = [{ t: 0, e: 0, n: 3900, u: 40 }, { t: 120, e: 0, n: 4400, u: 40 }];
    expect(lineOfBearing(far, (s) => s % 3 !== 0)).toEqual([]);
  });
});

describe('Assessor: whose link a far track took', () => {
  /**
   * One RF detector (at 0, 800); track 2 flies north, 4.5–5.5 km out, squarely on one line of
   * bearing from it, with unlabelled radar fixes, and the tracker gives it every bearing of a link
   * heard each second along that line — from
   * a drone hovering 400 m from the detector (track 1, labelled by radar, taking none of them), if
   * `nearDrone`. Returns track 2's classification after two minutes.
   */
  function farOnTheLine(nearDrone: boolean) {
    const a = makeAssessor();
    const far = new FakeTrack(2, 0, 5300, 60), near = new FakeTrack(1, 0, 1200, 40);
    const path: Waypoint[] = [{ t: 0, e: 0, n: 5300, u: 60 }, { t: 120, e: 0, n: 6300, u: 60 }];
    const rng = new Random(5);
    for (let tS = 0; tS <= 120; tS += 0.5) {
      const timeMs = Math.round(T0 + tS * 1000);
      const p = along(path, tS);
      far.set(timeMs, p.e, p.n, p.u, p.ve, p.vn, p.vu);
      near.set(timeMs, 0, 1200, 40, 0, 0, 0);
      const ev = new Map<number, EvidenceItem[]>();
      if (Number.isInteger(tS)) {
        const link: EvidenceItem = { timeMs, sensor: 3, evidence: { rf: { protocol: 'DJI OcuSync 3', frequencyMHz: 5785, emitterId: 'hover' } }, bearing: { azimuthRad: 0.03 * rng.normal(), sigmaRad: 0.05 } };
        ev.set(2, [{ timeMs, sensor: 0, fix: { e: p.e, n: p.n, u: p.u, cov: [25, 0, 0, 0, 25, 0, 0, 0, 100] } }, link]);
        if (nearDrone) ev.set(1, [radarItem(timeMs, 0, 1200, 40)]);
      }
      a.update(timeMs, nearDrone ? [near, far] : [far], ev);
    }
    return a.assessment(2)!.classification;
  }

  it('a link heard every second is not carried 5 km out, where the detector hears one report in five, but by the drone near it on the same line', () => {
    const link = (c: { reasons: string[] }) => c.reasons.find((r) => r.startsWith('RF link'));
    const withDrone = farOnTheLine(true);
    expect(link(withDrone)).toMatch(/carried by another track on its line of bearing: no weight$/);
    expect(withDrone.pDrone).toBeLessThan(0.7);
    // With nothing else on the line the link stays the far track's: the rate alone proves little.
    const alone = farOnTheLine(false);
    expect(link(alone)).toMatch(/^RF link: DJI OcuSync 3 5785 MHz heard \d+×$/);
    expect(alone.pDrone).toBeGreaterThan(0.9);
  });
});

describe('Assessor: purity', () => {
  it('the same inputs give the same events, alerts and audit', () => {
    const once = () => {
      const a = makeAssessor();
      const r = fly(a, [new FakeTrack(1, 500, -800, 40)], new Map([[1, SMUGGLE]]), 0, 300);
      return JSON.stringify({ r, audit: a.alerts.audit });
    };
    expect(once()).toBe(once());
  });

  it('refuses time going backwards', () => {
    const a = makeAssessor();
    a.update(T0 + 1000, []);
    expect(() => a.update(T0, [])).toThrow(RangeError);
  });
});
