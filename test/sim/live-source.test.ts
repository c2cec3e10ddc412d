import { describe, expect, it } from 'vitest';
import { MemoryBus } from '../../src/bus/bus.js';
import type { Detection } from '../../src/model/detection.js';
import { LiveSimSource } from '../../src/sim/live-source.js';
import { loadSimScenario } from '../../src/sim/scenario.js';
import { Simulation } from '../../src/sim/simulator.js';

describe('LiveSimSource', () => {
  const scenario = { ...loadSimScenario('dark-run'), durationS: 60 };
  const wall0 = Date.parse('2026-11-27T22:00:00Z');

  it('publishes each detection once, when due, stamped on the wall clock', () => {
    const bus = new MemoryBus();
    const got: Detection[] = [];
    bus.subscribe('detections', (d) => got.push(d));
    const src = new LiveSimSource(scenario, bus, wall0);
    for (let t = wall0; t <= wall0 + 30_000; t += 100) {
      const before = got.length;
      src.emitUntil(t);
      for (const d of got.slice(before)) expect(d.timeMs).toBeLessThanOrEqual(t);
    }
    const expected = [...new Simulation(scenario).run()].flatMap((i) => (i.type === 'detection' && i.detection.timeMs - scenario.startTimeMs <= 30_000 ? [i.detection] : []));
    expect(got.length).toBe(expected.length);
    got.forEach((d, i) => {
      expect(d.timeMs - wall0).toBe(expected[i].timeMs - scenario.startTimeMs);
      expect(d.measurement).toEqual(expected[i].measurement);
    });
  });

  it('plays the scenario in laps with the next seed, with no gap between laps', () => {
    const bus = new MemoryBus();
    const times: number[] = [];
    bus.subscribe('detections', (d) => times.push(d.timeMs));
    const src = new LiveSimSource(scenario, bus, wall0, { firstLap: 3 });
    src.emitUntil(wall0 + 150_000);
    expect(src.lap).toBe(5);
    for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThanOrEqual(times[i - 1]);
    // Lap 4 (seed + 4) starts 60 s in.
    const lap4 = [...new Simulation(scenario, { seed: scenario.seed + 4 }).run()].find((i) => i.type === 'detection');
    const first = lap4?.type === 'detection' ? lap4.detection.timeMs - scenario.startTimeMs + 60_000 + wall0 : NaN;
    expect(times).toContain(first);
    expect(times.filter((t) => t >= wall0 + 60_000).length).toBeGreaterThan(0);
  });
});
