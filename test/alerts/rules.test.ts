import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RULE_CONFIG as CFG, DEFAULT_RULES, borderCrossingRule, darkDroneRule, evaluateRules, remoteIdSpoofRule, suspectedDropRule, zoneIntrusionRule, zoneLoiterRule,
} from '../../src/alerts/rules.js';
import type { TrackAssessment, TrackEvent } from '../../src/assess/types.js';
import type { Criticality } from '../../src/assess/zones.js';

const T0 = Date.parse('2025-11-14T04:00:00Z');
const zones: Record<string, { name: string; criticality: Criticality; kind: string }> = {
  poe: { name: 'Port of entry', criticality: 'critical', kind: 'protected-site' },
  yard: { name: 'Yard', criticality: 'low', kind: 'protected-site' },
};
const zone = (id: string) => zones[id];

const crossing: Extract<TrackEvent, { type: 'border-crossing' }> = {
  type: 'border-crossing', trackId: 1, timeMs: T0 + 12_000, crossingTimeMs: T0 + 10_000, direction: 'inbound', from: 'MX', to: 'US',
  point: { e: 10, n: 0, latDeg: 26.09, lonDeg: -98.25 }, inferred: false,
};
const drop: Extract<TrackEvent, { type: 'suspected-drop' }> = {
  type: 'suspected-drop', trackId: 1, timeMs: T0 + 90_000, point: { e: 0, n: 800 }, side: 'US', holdStartMs: T0 + 40_000, holdEndMs: T0 + 85_000,
  descentM: 30, climbM: 30, ellipse: { centre: { e: 0, n: 800 }, semiMajorM: 6, semiMinorM: 4, orientationRad: 0, confidence: 0.95 },
};

function assessment(over: Partial<TrackAssessment> = {}): TrackAssessment {
  return {
    trackId: 1, objectId: 1, timeMs: T0 + 20_000, reportable: true, objectAgeS: 60,
    position: { e: 0, n: 300, u: 40 }, velocity: { e: 0, n: 10, u: 0 },
    classification: { cls: 'rotary-drone', probability: 0.98, pDrone: 0.98, probabilities: { 'rotary-drone': 0.98, 'fixed-wing-drone': 0, bird: 0.01, 'manned-aircraft': 0, 'ground-vehicle': 0, unknown: 0.01 }, reasons: [] },
    disposition: 'suspect', side: 'US', onProtectedSide: true, crossedInbound: null, zonesInside: [],
    intent: { intent: 'passing', timeToBorderS: null, zones: [] }, hovering: false, lastDrop: null, launch: null, zoneLoiter: null, areaLoiter: false,
    dark: false, darkRfExpectedS: 0, spoof: null, identities: { remoteId: null, icao: null, rf: null, callsign: null }, friend: null,
    threat: { score: 50, evidence: [] },
    ...over,
  };
}

describe('border-crossing rule', () => {
  it('fires for a drone that crossed inbound, naming the crossing', () => {
    const t = borderCrossingRule.evaluate(assessment({ crossedInbound: crossing }), [], CFG, zone)!;
    expect(t.severity).toBe('high');
    expect(t.evidence[0]).toContain('MX → US at 04:00:10Z');
    expect(t.evidence[0]).toContain('26.09000, -98.25000');
  });

  it('does not fire for a bird, a manned aircraft or a drone that has gone back', () => {
    const bird = assessment({ crossedInbound: crossing, classification: { ...assessment().classification, cls: 'bird', pDrone: 0.05 } });
    expect(borderCrossingRule.evaluate(bird, [], CFG, zone)).toBeNull();
    const manned = assessment({ crossedInbound: crossing, disposition: 'cooperative', classification: { ...assessment().classification, cls: 'manned-aircraft', pDrone: 0.0001 } });
    expect(borderCrossingRule.evaluate(manned, [], CFG, zone)).toBeNull();
    expect(borderCrossingRule.evaluate(assessment({ crossedInbound: crossing, onProtectedSide: false }), [], CFG, zone)).toBeNull();
  });

  it('alerts a possible drone (more likely a drone than not, unconfirmed) at medium, saying what it rests on', () => {
    const cls = (pDrone: number) => ({ ...assessment().classification, cls: 'rotary-drone' as const, pDrone, reasons: ['speed: speed 14.0 m/s', 'height: height 55 ± 17 m'] });
    const possible = borderCrossingRule.evaluate(assessment({ crossedInbound: crossing, disposition: 'unknown', classification: cls(0.56) }), [], CFG, zone)!;
    expect(possible.severity).toBe('medium');
    expect(possible.title).toBe('Possible drone crossed the border MX → US');
    expect(possible.evidence[1]).toBe('unconfirmed: P(drone) 0.56, a drone from 0.70 (speed: speed 14.0 m/s; height: height 55 ± 17 m)');
    // Below ½ it is not even possible; confirmed, it is a drone (the alert manager raises it in place).
    expect(borderCrossingRule.evaluate(assessment({ crossedInbound: crossing, classification: cls(0.49) }), [], CFG, zone)).toBeNull();
    const confirmed = borderCrossingRule.evaluate(assessment({ crossedInbound: crossing, classification: cls(0.7) }), [], CFG, zone)!;
    expect([confirmed.severity, confirmed.title, confirmed.evidence.length]).toEqual(['high', 'Drone crossed the border MX → US', 1]);
    // The lower tier is the crossing rule's alone: the other drone rules still need the drone threshold.
    const dark = assessment({ dark: true, disposition: 'unknown', classification: cls(0.6) });
    expect(darkDroneRule.evaluate(dark, [], CFG, zone)).toBeNull();
  });

  it('is low for a cooperative drone and silent for a friend', () => {
    expect(borderCrossingRule.evaluate(assessment({ crossedInbound: crossing, disposition: 'cooperative' }), [], CFG, zone)!.severity).toBe('low');
    expect(borderCrossingRule.evaluate(assessment({ crossedInbound: crossing, disposition: 'friend' }), [], CFG, zone)).toBeNull();
  });

  it('does not alert on a crossing inferred from the launch point unless asked to', () => {
    const launch: Extract<TrackEvent, { type: 'launch-point' }> = {
      type: 'launch-point', trackId: 1, timeMs: T0, estimate: { e: 0, n: -1200 }, method: 'back-projected',
      region: { kind: 'wedge', apex: { e: 0, n: 200 }, bearingRad: Math.PI, halfAngleRad: 0.2, minRangeM: 200, maxRangeM: 8000 }, side: 'MX', pFarSide: 0.97,
    };
    expect(borderCrossingRule.evaluate(assessment({ launch }), [], CFG, zone)).toBeNull();
  });

  it('when asked to, infers a crossing from a launch point across the border, only near it and only once the object is settled', () => {
    const cfg = { ...CFG, alertOnInferredCrossing: true };
    const launch: Extract<TrackEvent, { type: 'launch-point' }> = {
      type: 'launch-point', trackId: 1, timeMs: T0, estimate: { e: 0, n: -1200 }, method: 'back-projected',
      region: { kind: 'wedge', apex: { e: 0, n: 200 }, bearingRad: Math.PI, halfAngleRad: 0.2, minRangeM: 200, maxRangeM: 8000 }, side: 'MX', pFarSide: 0.97,
    };
    expect(borderCrossingRule.evaluate(assessment({ launch }), [], cfg, zone)!.title).toContain('launched across the border');
    expect(borderCrossingRule.evaluate(assessment({ launch, objectAgeS: 3 }), [], cfg, zone)).toBeNull();
    const far = { ...launch, region: { ...launch.region, minRangeM: 2500 } } as typeof launch;
    expect(borderCrossingRule.evaluate(assessment({ launch: far }), [], cfg, zone)).toBeNull();
  });
});

describe('zone rules', () => {
  it('zone intrusion takes the most critical zone it is in', () => {
    const t = zoneIntrusionRule.evaluate(assessment({ zonesInside: ['yard', 'poe'] }), [], CFG, zone)!;
    expect(t.title).toBe('Drone inside Port of entry');
    expect(t.severity).toBe('high');
    expect(zoneIntrusionRule.evaluate(assessment({ zonesInside: ['yard'] }), [], CFG, zone)!.severity).toBe('low');
    expect(zoneIntrusionRule.evaluate(assessment({ zonesInside: ['poe'], disposition: 'cooperative' }), [], CFG, zone)).toBeNull();
  });

  it('loitering over the zone is one step worse', () => {
    const loiter: Extract<TrackEvent, { type: 'loiter' }> = { type: 'loiter', trackId: 1, timeMs: T0, zoneId: 'poe', zoneName: 'Port of entry', criticality: 'critical', dwellS: 75, centre: { e: 0, n: 0 }, radiusM: 250 };
    expect(zoneLoiterRule.evaluate(assessment({ zoneLoiter: loiter, zonesInside: ['poe'] }), [], CFG, zone)!.severity).toBe('critical');
    expect(zoneLoiterRule.evaluate(assessment({ zoneLoiter: loiter, zonesInside: [] }), [], CFG, zone)).toBeNull();
  });
});

describe('dark, drop and spoof rules', () => {
  it('dark drone on our side: medium, high when it came across', () => {
    expect(darkDroneRule.evaluate(assessment({ dark: true, darkRfExpectedS: 40 }), [], CFG, zone)!.severity).toBe('medium');
    expect(darkDroneRule.evaluate(assessment({ dark: true, crossedInbound: crossing }), [], CFG, zone)!.severity).toBe('high');
    expect(darkDroneRule.evaluate(assessment({ dark: true, onProtectedSide: false }), [], CFG, zone)).toBeNull();
  });

  it('a drop is critical when the drone came across, flies dark or intrudes; not for a cooperative one', () => {
    const t = suspectedDropRule.evaluate(assessment({ lastDrop: drop, crossedInbound: crossing }), [], CFG, zone)!;
    expect(t.severity).toBe('critical');
    expect(t.evidence.join(' ')).toContain('± 6 × 4 m (95 %)');
    expect(suspectedDropRule.evaluate(assessment({ lastDrop: drop, dark: true }), [], CFG, zone)).not.toBeNull();
    expect(suspectedDropRule.evaluate(assessment({ lastDrop: drop }), [], CFG, zone)).toBeNull();
    expect(suspectedDropRule.evaluate(assessment({ lastDrop: drop, crossedInbound: crossing, disposition: 'cooperative' }), [], CFG, zone)).toBeNull();
  });

  it('a spoofed Remote ID is its own family of alert', () => {
    const t = remoteIdSpoofRule.evaluate(assessment({ spoof: { serial: 'X1', offsetM: 300, realTrackId: 5 } }), [], CFG, zone)!;
    expect(t.family).toBe('identity');
    expect(t.evidence[0]).toContain('300 m from the fused track (the drone is track 5)');
  });

  it('evaluateRules orders triggers so the worst comes last (its title wins)', () => {
    const ts = evaluateRules(DEFAULT_RULES, assessment({ crossedInbound: crossing, lastDrop: drop }), [], CFG, zone);
    expect(ts.map((t) => t.rule)).toEqual(['border-crossing', 'suspected-drop']);
  });
});
