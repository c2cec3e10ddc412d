import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CLASSES, ClassEvidence, DEFAULT_CLASSIFIER_CONFIG as CFG, classify, dispositionOf, emptyFeatures, softmax, updateFeatures,
  type KinematicFeatures,
} from '../../src/assess/classify.js';
import type { ObjectClass } from '../../src/model/detection.js';

function features(over: Partial<KinematicFeatures> = {}): KinematicFeatures {
  return { ...emptyFeatures(), observedS: 60, movingS: 60, speedMps: 10, speedSigma: 0.5, heightM: 50, heightSigma: 5, ...over };
}

const sum = (p: Record<string, number>) => Object.values(p).reduce((a, b) => a + b, 0);

describe('classification', () => {
  it('property: probabilities are in [0, 1] and sum to 1 whatever the evidence', () => {
    const label = fc.constantFrom<ObjectClass>(...CLASSES);
    fc.assert(
      fc.property(
        fc.array(fc.record({ kind: fc.constantFrom('radar', 'eoir', 'acoustic'), label, c: fc.double({ min: 0, max: 1, noNaN: true }) }), { maxLength: 60 }),
        fc.nat({ max: 40 }), fc.nat({ max: 5 }), fc.boolean(), fc.boolean(),
        fc.double({ min: 0, max: 120, noNaN: true }), fc.double({ min: -50, max: 3000, noNaN: true }), fc.double({ min: 0, max: 200, noNaN: true }), fc.nat({ max: 30 }),
        (labels, acoustic, rfHits, rid, icao, speed, height, hover, turns) => {
          const ev = new ClassEvidence();
          for (const l of labels) ev.addLabel(l.kind, l.label, l.c, CFG);
          for (let i = 0; i < acoustic; i++) ev.addAcoustic(CFG);
          for (let i = 0; i < rfHits; i++) ev.addRf('rf-1', 'ExpressLRS 900', 915, i);
          if (rid) ev.remoteIdSerial = '1581F000';
          if (icao) ev.icao = 'A1B2C3';
          const c = classify(ev, features({ speedMps: speed, heightM: height, longestHoverS: hover, abruptTurns: turns }), CFG);
          for (const p of Object.values(c.probabilities)) {
            expect(p).toBeGreaterThanOrEqual(0);
            expect(p).toBeLessThanOrEqual(1);
          }
          expect(sum(c.probabilities)).toBeCloseTo(1, 9);
          expect(c.pDrone).toBeCloseTo(c.probabilities['rotary-drone'] + c.probabilities['fixed-wing-drone'], 12);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('with no evidence at all it is the prior', () => {
    const c = classify(new ClassEvidence(), emptyFeatures(), CFG);
    for (const k of CLASSES) expect(c.probabilities[k]).toBeCloseTo(CFG.prior[k] / sum(CFG.prior), 9);
  });

  it('an ADS-B ICAO address makes it manned, whatever a radar label says', () => {
    const ev = new ClassEvidence();
    ev.icao = 'A1B2C3';
    ev.addLabel('radar', 'rotary-drone', 0.85, CFG);
    const c = classify(ev, features({ speedMps: 60, heightM: 500 }), CFG);
    expect(c.cls).toBe('manned-aircraft');
    expect(c.pDrone).toBeLessThan(0.01);
  });

  it('a Remote ID serial makes it a drone', () => {
    const ev = new ClassEvidence();
    ev.remoteIdSerial = '1581F000000001';
    const c = classify(ev, features({ speedMps: 5, heightM: 60 }), CFG);
    expect(c.pDrone).toBeGreaterThan(0.99);
    expect(c.terms.some((t) => t.source === 'Remote ID')).toBe(true);
  });

  it('micro-Doppler labels tell a bird from a drone', () => {
    const bird = new ClassEvidence();
    for (let i = 0; i < 8; i++) bird.addLabel('radar', i === 3 ? 'rotary-drone' : 'bird', 0.85, CFG);
    expect(classify(bird, features(), CFG).cls).toBe('bird');
    const drone = new ClassEvidence();
    for (let i = 0; i < 8; i++) drone.addLabel('radar', i === 3 ? 'bird' : 'rotary-drone', 0.85, CFG);
    expect(classify(drone, features(), CFG).cls).toBe('rotary-drone');
  });

  it('kinematics alone never make a confident drone (a false track can hover at drone height)', () => {
    const c = classify(new ClassEvidence(), features({ speedMps: 4, heightM: 50, longestHoverS: 30 }), CFG);
    expect(c.pDrone).toBeLessThan(CFG.droneThreshold + 0.2);
    expect(c.pDrone).toBeLessThan(0.7);
  });

  it('a persistent RF link is drone evidence; a one-off RF hit is not', () => {
    const once = new ClassEvidence();
    once.addRf('rf-x', 'DJI OcuSync 3', 2437, 0);
    const twice = new ClassEvidence();
    twice.addRf('rf-x', 'DJI OcuSync 3', 2437, 0);
    twice.addRf('rf-x', 'DJI OcuSync 3', 2437, 1000);
    const f = features();
    expect(classify(once, f, CFG).pDrone).toBeCloseTo(classify(new ClassEvidence(), f, CFG).pDrone, 12);
    expect(classify(twice, f, CFG).pDrone).toBeGreaterThan(0.9);
  });

  it('rotor noise counts from a few detections on, not from one stray bearing', () => {
    const one = new ClassEvidence();
    one.addAcoustic(CFG);
    const many = new ClassEvidence();
    for (let i = 0; i < 12; i++) many.addAcoustic(CFG);
    const f = features({ speedMps: 8 });
    expect(classify(one, f, CFG).pDrone).toBeCloseTo(classify(new ClassEvidence(), f, CFG).pDrone, 12);
    expect(classify(many, f, CFG).pDrone).toBeGreaterThan(classify(one, f, CFG).pDrone);
  });

  it('a single sensor cannot make itself certain: label evidence is capped', () => {
    const ev = new ClassEvidence();
    for (let i = 0; i < 1000; i++) ev.addLabel('radar', 'rotary-drone', 0.99, CFG);
    const ll = ev.labels.get('radar')!;
    expect(Math.max(...ll) - Math.min(...ll)).toBeLessThanOrEqual(CFG.labelCapNats + 1e-9);
  });

  it('merging evidence of two tracks of one object adds it up', () => {
    const a = new ClassEvidence(), b = new ClassEvidence();
    a.addLabel('radar', 'rotary-drone', 0.85, CFG);
    b.addLabel('radar', 'rotary-drone', 0.85, CFG);
    b.addRf('rf-1', 'FrSky ACCST', 2440, 0);
    b.remoteIdSerial = 'X';
    a.merge(b, CFG);
    expect(a.labelCounts.get('radar')!['rotary-drone']).toBe(2);
    expect(a.rfEmitters.get('rf-1')!.hits).toBe(1);
    expect(a.remoteIdSerial).toBe('X');
  });

  it('kinematic features: running speed, information-weighted height, hover and abrupt turns', () => {
    const f = emptyFeatures();
    const refr = { untilMs: 0 };
    for (let k = 0; k < 60; k++) updateFeatures(f, 1, 10, 0.25, k % 2 ? 48 : 52, 25, 0, k === 30 ? Math.PI / 2 : 0.05, refr, k * 1000);
    expect(f.speedMps).toBeCloseTo(10, 6);
    expect(Math.abs(f.heightM - 50)).toBeLessThan(2);
    expect(f.abruptTurns).toBe(1);
    expect(f.movingS).toBeCloseTo(60, 6);
    updateFeatures(f, 1, 0.2, 0.25, 50, 25, 12, NaN, refr, 61_000);
    expect(f.longestHoverS).toBe(12);
  });

  it("a new track's unknown velocity does not drag its speed down: samples weigh by their precision", () => {
    const f = emptyFeatures();
    const refr = { untilMs: 0 };
    // A restarted track: its filter starts at zero velocity with σ 10 m/s and settles on 12 m/s.
    for (let k = 0; k < 10; k++) updateFeatures(f, 1, (12 * k) / 10, (10 - k) ** 2 + 0.25, 50, 25, 0, NaN, refr, k * 1000);
    for (let k = 10; k < 15; k++) updateFeatures(f, 1, 12, 0.25, 50, 25, 0, NaN, refr, k * 1000);
    expect(f.speedMps).toBeGreaterThan(11);
    expect(f.speedSigma).toBeLessThan(1);
  });

  it('softmax is stable for large inputs', () => {
    const p = softmax([1000, 1000, -1000]);
    expect(p[0]).toBeCloseTo(0.5, 12);
    expect(p[2]).toBe(0);
  });
});

describe('disposition', () => {
  const base = {
    friend: false, cooperative: false, pDrone: 0.95, droneThreshold: 0.5, crossedInbound: false, launchFarSide: false, onProtectedSide: true,
    insideProtectedZone: false, dark: false, spoof: false, drop: false, loiterCritical: false,
  };
  it('friend, cooperative, unknown, suspect, hostile', () => {
    expect(dispositionOf({ ...base, friend: true, crossedInbound: true, drop: true })).toBe('friend');
    expect(dispositionOf({ ...base, cooperative: true })).toBe('cooperative');
    expect(dispositionOf({ ...base, cooperative: true, spoof: true })).toBe('suspect');
    expect(dispositionOf(base)).toBe('unknown');
    expect(dispositionOf({ ...base, pDrone: 0.1, crossedInbound: true })).toBe('unknown'); // a bird that crossed
    expect(dispositionOf({ ...base, crossedInbound: true })).toBe('suspect');
    expect(dispositionOf({ ...base, dark: true })).toBe('suspect');
    expect(dispositionOf({ ...base, crossedInbound: true, drop: true })).toBe('hostile');
    expect(dispositionOf({ ...base, launchFarSide: true, dark: true })).toBe('hostile');
  });
});
