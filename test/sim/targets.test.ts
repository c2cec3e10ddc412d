import { describe, expect, it } from 'vitest';
import { loadSimScenario, parseSimScenario } from '../../src/sim/scenario.js';
import { Simulation } from '../../src/sim/simulator.js';
import type { SimTarget } from '../../src/sim/targets/index.js';

const sensors = `
sensors:
  - { id: adsb, kind: adsb, position: { latDeg: 26.12, lonDeg: -98.24, heightAboveEllipsoidM: 20 } }
`;
function world(targets: string, seed = 1, durationS = 3600) {
  const text = `
name: t
seed: ${seed}
durationS: ${durationS}
sector:
  origin: { latDeg: 26.09, lonDeg: -98.25, heightAboveEllipsoidM: 10 }
  region: { eastM: [-12000, 12000], northM: [-8000, 10000] }
zones:
  - { kind: border, line: rio-grande, sides: { north: US, south: MX } }
  - { kind: protected-site, site: hidalgo-bridge }
${sensors}
targets:
${targets}`;
  return new Simulation(parseSimScenario(text, 't.yaml'));
}

/** Samples a target every second: positions and whether each is on the US side. */
function samples(sim: Simulation, t: SimTarget) {
  const k = { e: 0, n: 0, u: 0, ve: 0, vn: 0, vu: 0 };
  const out: { t: number; e: number; n: number; u: number; speed: number; us: boolean }[] = [];
  t.trajectory.rewind();
  for (let s = Math.ceil(t.trajectory.startS); s <= t.trajectory.endS; s++) {
    if (!t.trajectory.stateAt(s, k)) continue;
    out.push({ t: s, e: k.e, n: k.n, u: k.u, speed: Math.hypot(k.ve, k.vn), us: sim.world.border!.isLeft(k.e, k.n) });
  }
  t.trajectory.rewind();
  return out;
}

describe('target generators', () => {
  it('a smuggling run launches in Mexico, crosses northbound, drops in the US and returns southbound to land', () => {
    const sim = world('  - { type: smuggling-run, count: 5, startS: [0, 600] }');
    expect(sim.world.targets).toHaveLength(5);
    for (const t of sim.world.targets) {
      const m = t.meta;
      expect(m.cls).toBe('rotary-drone');
      expect(m.rf).not.toBeNull();
      expect(m.remoteId).toBeNull();
      const c = sim.crossings.get(m.id)!;
      expect(c.length).toBeGreaterThanOrEqual(2);
      expect(c[0]).toMatchObject({ heading: 'northbound', direction: 'inbound', from: 'MX', to: 'US' });
      expect(c[c.length - 1]).toMatchObject({ heading: 'southbound', direction: 'outbound', from: 'US', to: 'MX' });
      const drop = sim.events.find((e) => e.type === 'drop' && e.targetId === m.id)!;
      expect(drop.timeMs).toBeGreaterThan(c[0].timeMs);
      expect(drop.timeMs).toBeLessThan(c[c.length - 1].timeMs);
      const s = samples(sim, t);
      expect(s[0].us).toBe(false); // launch in Mexico
      expect(s[s.length - 1].us).toBe(false); // lands back in Mexico
      const end = { e: 0, n: 0, u: 0, ve: 0, vn: 0, vu: 0 };
      t.trajectory.stateAt(t.trajectory.endS, end);
      expect(end.u).toBeCloseTo(0, 6);
      expect(Math.hypot(end.e - m.launch!.e, end.n - m.launch!.n)).toBeLessThan(1e-6);
      // Hovers and descends over the drop point: the payload leaves from a few metres up, in the US.
      const d = m.drops[0];
      expect(sim.world.border!.isLeft(d.e, d.n)).toBe(true);
      expect(d.u).toBeLessThanOrEqual(10);
      expect(Math.max(...s.map((q) => q.u))).toBeLessThanOrEqual(60);
    }
  });

  it('a fibre-optic run has no RF and no Remote ID, flies lower and slower, and stays within its cable of its launch', () => {
    const sim = world('  - { type: fibre-optic-run, count: 5, startS: [0, 600] }\n  - { type: smuggling-run, count: 5, startS: [0, 600] }');
    const fibre = sim.world.targets.filter((t) => t.meta.type === 'fibre-optic-run');
    const radio = sim.world.targets.filter((t) => t.meta.type === 'smuggling-run');
    for (const t of fibre) {
      expect(t.meta.rf).toBeNull();
      expect(t.meta.remoteId).toBeNull();
      const cable = t.meta.cableLengthM!;
      expect(cable).toBeGreaterThanOrEqual(10_000);
      expect(cable).toBeLessThanOrEqual(15_000);
      const s = samples(sim, t);
      const l = t.meta.launch!;
      for (const q of s) expect(Math.hypot(q.e - l.e, q.n - l.n)).toBeLessThanOrEqual(cable);
      expect(Math.max(...s.map((q) => q.u))).toBeLessThanOrEqual(25);
      expect(Math.max(...s.map((q) => q.speed))).toBeLessThanOrEqual(10 + 1e-9);
      expect(sim.crossings.get(t.meta.id)![0].heading).toBe('northbound');
    }
    const maxAlt = (ts: SimTarget[]) => Math.max(...ts.map((t) => Math.max(...samples(sim, t).map((q) => q.u))));
    expect(maxAlt(fibre)).toBeLessThan(maxAlt(radio));
  });

  it('a hobby flight broadcasts Remote ID and never crosses the border, on either side', () => {
    const sim = world('  - { type: hobby-flight, count: 6, side: protected, near: hidalgo-bridge, withinM: 3000 }\n  - { type: hobby-flight, count: 6, side: far, near: hidalgo-bridge, withinM: 3000 }');
    for (const t of sim.world.targets) {
      expect(t.meta.remoteId?.serial).toMatch(/^1581F[0-9A-F]{11}$/);
      expect(t.meta.threat).toBe(false);
      expect(sim.crossings.get(t.meta.id)).toBeUndefined();
      const s = samples(sim, t);
      const side = s[0].us;
      for (const q of s) expect(q.us).toBe(side);
    }
    expect(sim.world.targets.filter((t) => samples(sim, t)[0].us)).toHaveLength(6);
  });

  it('a reconnaissance loiter circles its site', () => {
    const sim = world('  - { type: recon-loiter, site: hidalgo-bridge, orbitRadiusM: 200, loiterS: 300 }');
    const t = sim.world.targets[0];
    const site = sim.world.sites.get('hidalgo-bridge')!;
    const near = samples(sim, t).filter((q) => Math.abs(Math.hypot(q.e - site.e, q.n - site.n) - 200) < 1);
    expect(near.length).toBeGreaterThanOrEqual(290);
    expect(t.meta.rf).not.toBeNull();
  });

  it('birds are slow, bird-sized and silent; aircraft carry ICAO and callsign; vehicles stay on the ground and on their side', () => {
    const sim = world(`  - { type: bird-flock, count: 2, birds: 6, near: hidalgo-bridge, withinM: 2000 }
  - { type: manned-aircraft, count: 2 }
  - { type: manned-aircraft, route: arrival }
  - { type: ground-vehicle, count: 4, road: { alongBorder: { side: protected, offsetM: 500 } } }`, 2, 900);
    const by = (type: string) => sim.world.targets.filter((t) => t.meta.type === type);
    expect(by('bird-flock')).toHaveLength(12);
    for (const t of by('bird-flock')) {
      expect(t.meta).toMatchObject({ cls: 'bird', rf: null, remoteId: null, acousticLevel: 0 });
      expect(t.meta.rcsM2).toBeLessThanOrEqual(0.01);
      for (const q of samples(sim, t)) expect(q.speed).toBeLessThan(20);
    }
    for (const t of by('manned-aircraft')) {
      expect(t.meta.icao).toMatch(/^[0-9A-F]{6}$/);
      expect(t.meta.callsign).toMatch(/^N\d{3}[A-Z]{2}$/);
      expect(t.meta.cls).toBe('manned-aircraft');
    }
    for (const t of by('ground-vehicle')) {
      const s = samples(sim, t);
      expect(s.length).toBeGreaterThan(800); // drives the whole scenario
      for (const q of s) expect(q).toMatchObject({ u: 1.5, us: true });
    }
  });

  it('stress has at least 1,000 objects alive at every instant', () => {
    const sim = new Simulation(loadSimScenario('stress'));
    const k = { e: 0, n: 0, u: 0, ve: 0, vn: 0, vu: 0 };
    for (let s = 0; s <= sim.world.durationS; s += 300) {
      let alive = 0;
      for (const t of sim.world.targets) if (t.trajectory.stateAt(s, k)) alive++;
      expect(alive, `t = ${s} s`).toBeGreaterThanOrEqual(1000);
    }
  });
});
