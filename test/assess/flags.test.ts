import { describe, expect, it } from 'vitest';
import { DEFAULT_FLAG_CONFIG as CFG, DarkDetector, SplitPair, SpoofCheck, emitterFit, expectedRfPd, heardAsExpected, poissonCdf, type BearingResidual } from '../../src/assess/flags.js';
import { Random } from '../../src/scenario/random.js';
import { severityOf, threatScore, type ThreatInputs } from '../../src/assess/threat.js';
import { SENSORS } from './helpers.js';

describe('dark-drone flag', () => {
  it('flags a drone silent for darkAfterS inside RF coverage, and clears when a link is heard', () => {
    const d = new DarkDetector();
    let change: string | null = null;
    for (let t = 0; t < CFG.darkAfterS - 1; t += 0.5) expect(d.update(0.5, true, 0.9, true, CFG)).toBeNull();
    for (let t = 0; t < 2 && !change; t += 0.5) change = d.update(0.5, true, 0.9, true, CFG);
    expect(change).toBe('flagged');
    expect(d.flagged).toBe(true);
    expect(d.update(0.5, true, 0.9, false, CFG)).toBe('cleared');
    expect(d.flagged).toBe(false);
    expect(d.rfExpectedS).toBe(0);
  });

  it('does not count time outside RF coverage or while the track is not a drone', () => {
    const d = new DarkDetector();
    for (let t = 0; t < 200; t += 1) d.update(1, true, 0.2, true, CFG);
    for (let t = 0; t < 200; t += 1) d.update(1, false, 0.9, true, CFG);
    expect(d.flagged).toBe(false);
    expect(d.rfExpectedS).toBe(0);
  });

  it('expected RF Pd follows the detector curve and its hard range', () => {
    const rf = SENSORS.filter((s) => s.kind === 'rf');
    expect(expectedRfPd(rf, 0, 800, 10)).toBeCloseTo(0.95, 6);
    expect(expectedRfPd(rf, 4000, 800, 10)).toBeCloseTo(0.95 / 2, 2);
    expect(expectedRfPd(rf, 7000, 800, 10)).toBe(0);
  });
});

describe('RF emitter attribution: are a link\'s bearings centred on the object?', () => {
  const DEG = Math.PI / 180, sigma = 3 * DEG, allowance = 0.6 * DEG;
  /** n bearings from `sensor` with Gaussian noise σ around `offset(k)` [rad]. */
  const bearings = (n: number, offset: (k: number) => number, seed = 1, sensor = 0): BearingResidual[] => {
    const rng = new Random(seed);
    return Array.from({ length: n }, (_, k) => ({ sensor, residual: offset(k) + sigma * rng.normal(), sigma, allowance }));
  };

  it('a link carried by the object: thirty noisy bearings (σ 3°) centred on it fit, with a small bias χ²', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const f = emitterFit(bearings(30, () => 0, seed), CFG);
      expect(f.fits, `seed ${seed}`).toBe(true);
      expect(f.sensorsAgreeing).toBe(1);
      expect(f.chi2).toBeLessThan(12);
    }
  });

  it('another drone\'s link 4° beside it does not fit, though most of its bearings pass a 2.5 σ gate', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const r = bearings(30, () => 4 * DEG, seed);
      expect(r.filter((b) => Math.abs(b.residual) <= 2.5 * sigma).length).toBeGreaterThan(20);
      const f = emitterFit(r, CFG);
      expect(f.fits, `seed ${seed}`).toBe(false);
      expect(f.chi2).toBeGreaterThan(20);
    }
    // With few bearings the mean is not known well enough to tell: it still fits.
    expect(emitterFit(bearings(3, () => 4 * DEG, 2), CFG).fits).toBe(true);
  });

  it('a link sweeping across the object\'s line of bearing averages to zero but scatters too much', () => {
    const f = emitterFit(bearings(30, (k) => (-12 + (24 * k) / 29) * DEG, 3), CFG);
    expect(f.fits).toBe(false);
  });

  it('every detector that heard the link twice must agree; one bearing proves nothing', () => {
    const good = bearings(20, () => 0, 4, 0);
    expect(emitterFit([...good, ...bearings(20, () => 0, 5, 1)], CFG)).toMatchObject({ fits: true, sensorsAgreeing: 2 });
    expect(emitterFit([...good, ...bearings(20, () => 10 * DEG, 6, 1)], CFG)).toMatchObject({ fits: false, sensorsAgreeing: 1 });
    expect(emitterFit(bearings(1, () => 0, 7), CFG).fits).toBe(false);
  });
});

describe('RF emitter attribution: heard as often as it would be from the object', () => {
  it('Poisson tail', () => {
    expect(poissonCdf(0, 3)).toBeCloseTo(Math.exp(-3), 12);
    expect(poissonCdf(2, 3)).toBeCloseTo(Math.exp(-3) * (1 + 3 + 4.5), 12);
    expect(poissonCdf(5, 0)).toBe(1);
  });

  it('a second detector with a fair Pd at the object that never heard the link puts it elsewhere', () => {
    expect(heardAsExpected([{ heard: 28, pd: 0.95 }, { heard: 0, pd: 0.4 }], CFG)).toBe(false);
    // Its Pd there is small, or it heard it about as often as it should: no contradiction.
    expect(heardAsExpected([{ heard: 28, pd: 0.95 }, { heard: 0, pd: 0.05 }], CFG)).toBe(true);
    expect(heardAsExpected([{ heard: 28, pd: 0.95 }, { heard: 9, pd: 0.4 }], CFG)).toBe(true);
    // The covering detector (Pd ≥ ½) heard it seldom, a detector at the edge of its range often.
    expect(heardAsExpected([{ heard: 3, pd: 0.95 }, { heard: 14, pd: 0.6 }], CFG)).toBe(false);
    // On the steep edge of a detector's curve (Pd 0.25 modelled) hearing it more often says little.
    expect(heardAsExpected([{ heard: 28, pd: 0.95 }, { heard: 14, pd: 0.25 }], CFG)).toBe(true);
    // No detector covers the object well enough to say anything.
    expect(heardAsExpected([{ heard: 3, pd: 0.4 }, { heard: 0, pd: 0.3 }], CFG)).toBe(true);
  });
});

describe('Remote ID spoof check', () => {
  const radarCov = [25, 0, 0, 0, 25, 0, 0, 0, 400];
  const ridCov = [26, 0, 0, 0, 26, 0, 0, 0, 163];

  it('an honest broadcast agrees with the radar fixes', () => {
    const s = new SpoofCheck();
    for (let k = 0; k < 10; k++) {
      s.addRemoteId(k * 1000, 100 + 10 * k + 3, 200, 50, ridCov, [10, 0, 0]);
      expect(s.addOtherFix(k * 1000 + 300, 100 + 10 * k + 3 - 2, 201, 45, radarCov, CFG)).toBeNull();
    }
    expect(s.flagged).toBe(false);
  });

  it('a broadcast 300 m off the fused track is flagged beyond both errors, and cleared when it agrees again', () => {
    const s = new SpoofCheck();
    const changes: (string | null)[] = [];
    for (let k = 0; k < 10; k++) {
      s.addRemoteId(k * 1000, 400, 200, 50, ridCov, [0, 0, 0]);
      changes.push(s.addOtherFix(k * 1000 + 200, 100, 200, 50, radarCov, CFG));
    }
    expect(changes.filter(Boolean)).toEqual(['flagged']);
    expect(s.lastOffsetM).toBeCloseTo(300, 0);
    for (let k = 10; k < 22; k++) {
      s.addRemoteId(k * 1000, 100, 200, 50, ridCov, [0, 0, 0]);
      changes.push(s.addOtherFix(k * 1000 + 200, 100, 200, 50, radarCov, CFG));
    }
    expect(changes.filter(Boolean)).toEqual(['flagged', 'cleared']);
  });

  it('a broadcast too old to compare is not compared', () => {
    const s = new SpoofCheck();
    s.addRemoteId(0, 400, 200, 50, ridCov, null);
    expect(s.addOtherFix(5000, 100, 200, 50, radarCov, CFG)).toBeNull();
  });

  it('split tracks: a steady offset while moving together is one flight displaced', () => {
    const p = new SplitPair();
    for (let k = 0; k < 30; k++) p.add(300 + (k % 3) - 1, 5 + (k % 2), 1, k * 1000);
    expect(p.consistent(CFG)).toBe(true);
    expect(p.offsetM).toBeCloseTo(300, 0);
    const q = new SplitPair();
    for (let k = 0; k < 30; k++) q.add(300 + 20 * k, 0, 1, k * 1000); // drifting apart: two things
    expect(q.consistent(CFG)).toBe(false);
  });
});

describe('threat score', () => {
  const base: ThreatInputs = {
    pDrone: 1, cls: 'rotary-drone', clsProbability: 0.99, disposition: 'suspect', crossedInbound: null, launchAcross: null, drop: null,
    zonesInside: [], zoneLoiter: null, areaLoiter: false, approachingZone: null, timeToBorderS: null, dark: null, spoof: null, cooperativeId: null, friendBy: null,
  };

  it('adds up the reasons and lists each with its share', () => {
    const t = threatScore({ ...base, crossedInbound: { timeMs: 0, pointLabel: '26.09, -98.26' }, drop: { timeMs: 0, pointLabel: 'E 1 m' }, dark: { rfExpectedS: 42 }, disposition: 'hostile' });
    expect(t.score).toBe(100);
    expect(t.evidence.some((e) => e.includes('crossed the border inbound at 26.09, -98.26 → +20'))).toBe(true);
    expect(t.evidence.some((e) => e.includes('no RF link or Remote ID in 42 s'))).toBe(true);
    expect(severityOf(t.score)).toBe('critical');
  });

  it('scores zone criticality and approach', () => {
    const inside = threatScore({ ...base, zonesInside: [{ name: 'Port', criticality: 'critical' }] });
    const low = threatScore({ ...base, zonesInside: [{ name: 'Yard', criticality: 'low' }] });
    expect(inside.score - low.score).toBe(15);
    const app = threatScore({ ...base, approachingZone: { name: 'Port', criticality: 'critical', timeToEntryS: 40 } });
    expect(app.evidence.some((e) => e.includes('entry in 40 s'))).toBe(true);
  });

  it('a friend scores nothing; cooperative traffic is halved; a bird is not a threat', () => {
    expect(threatScore({ ...base, disposition: 'friend', friendBy: 'ops (Smith)', drop: { timeMs: 0, pointLabel: 'x' } }).score).toBe(0);
    const coop = threatScore({ ...base, disposition: 'cooperative', cooperativeId: 'Remote ID X' });
    const unk = threatScore({ ...base, disposition: 'unknown' });
    expect(coop.score).toBe(Math.round(unk.score / 2));
    expect(threatScore({ ...base, pDrone: 0.01, cls: 'bird', disposition: 'unknown' }).score).toBe(0);
  });
});
