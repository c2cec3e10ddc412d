/**
 * Simulator benchmark: one hour of the built-in `stress` scenario (more than a thousand objects
 * at every instant, eleven sensors) generated on the virtual clock as fast as possible, every
 * Detection produced and consumed. The bar: one hour of sector time in ≤ 60 s of wall
 * time. `runSimBench()` returns the markdown section for bench/RESULTS.md; running this file
 * directly prints it.
 */
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { loadSimScenario } from '../src/sim/scenario.js';
import { Simulation } from '../src/sim/simulator.js';

/** Wall time allowed for one hour of `stress` [s]. */
export const SIM_BENCH_LIMIT_S = 60;

export interface SimBenchResult {
  sectorSeconds: number;
  objects: number;
  minAlive: number;
  detections: number;
  setupSeconds: number;
  wallSeconds: number;
  detectionsPerSecond: number;
}

export function measureSim(): SimBenchResult {
  const scenario = loadSimScenario('stress');
  const t0 = performance.now();
  const sim = new Simulation(scenario, { durationS: 3600 });
  const t1 = performance.now();
  let detections = 0, minAlive = Infinity;
  for (const item of sim.run()) {
    if (item.type === 'detection') detections++;
    else if (item.type === 'truth' && item.states.length < minAlive) minAlive = item.states.length;
  }
  const t2 = performance.now();
  const wallSeconds = (t2 - t0) / 1000;
  return {
    sectorSeconds: 3600, objects: sim.world.targets.length, minAlive, detections,
    setupSeconds: (t1 - t0) / 1000, wallSeconds, detectionsPerSecond: detections / wallSeconds,
  };
}

export async function runSimBench(): Promise<string> {
  const r = measureSim();
  const ok = r.wallSeconds <= SIM_BENCH_LIMIT_S;
  return [
    '## Simulator: one hour of `stress`',
    '',
    `${r.objects.toLocaleString('en-US')} objects (at least ${r.minAlive.toLocaleString('en-US')} alive at every instant), 11 sensors, ${r.sectorSeconds} s of sector time on the virtual clock.`,
    '',
    '| wall time | of which setup (trajectories, crossings) | detections | detections/s | limit |',
    '|---:|---:|---:|---:|---|',
    `| ${r.wallSeconds.toFixed(1)} s | ${r.setupSeconds.toFixed(1)} s | ${r.detections.toLocaleString('en-US')} | ${Math.round(r.detectionsPerSecond).toLocaleString('en-US')} | ≤ ${SIM_BENCH_LIMIT_S} s: ${ok ? 'met' : '**missed**'} |`,
    '',
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  runSimBench().then((md) => process.stdout.write(md + '\n'));
}
