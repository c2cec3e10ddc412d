import { closeSync, openSync, writeSync } from 'node:fs';
import cliProgress from 'cli-progress';
import { loadSimScenario } from '../sim/scenario.js';
import { itemTime, Simulation, writeTruthJson, type SimItem } from '../sim/simulator.js';
import type { SimCliOptions } from './main.js';

/** Bytes gathered before a write: one syscall per ~1 MB keeps an hour of `stress` I/O-cheap. */
const CHUNK = 1 << 20;

/**
 * `centinela sim`: streams the scenario's Detections as JSON lines (to --out or stdout) and
 * writes the ground truth (--truth). A progress bar on stderr when it is a terminal, so piping
 * the JSONL stays clean.
 */
export async function runSimCommand(name: string, opts: SimCliOptions): Promise<void> {
  const scenario = loadSimScenario(name);
  const sim = new Simulation(scenario, { seed: opts.seed, durationS: opts.duration, truthIntervalMs: opts.truthInterval });
  const fd = opts.out ? openSync(opts.out, 'w') : 1;
  const bar = process.stderr.isTTY
    ? new cliProgress.SingleBar(
      { format: 'sim {scenario} [{bar}] {percentage}% | {value}/{total} s | {detections} detections', hideCursor: true, stream: process.stderr },
      cliProgress.Presets.shades_classic,
    )
    : null;
  const totalS = Math.round((sim.endMs - sim.startMs) / 1000);
  bar?.start(totalS, 0, { scenario: scenario.name, detections: 0 });
  let buf = '';
  let detections = 0;
  let lastS = -1;
  const consume = (item: SimItem) => {
    if (item.type !== 'detection') return;
    detections++;
    buf += JSON.stringify(item.detection) + '\n';
    if (buf.length >= CHUNK) {
      writeSync(fd, buf);
      buf = '';
    }
    const s = Math.floor((itemTime(item) - sim.startMs) / 1000);
    if (bar && s !== lastS) {
      lastS = s;
      bar.update(s, { detections });
    }
  };
  try {
    if (opts.realtime) {
      const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
      for await (const item of sim.runRealtime(() => performance.now(), sleep, opts.speed)) {
        consume(item);
        // Real time means a listener sees each detection when it happens: no batching.
        if (buf) {
          writeSync(fd, buf);
          buf = '';
        }
      }
    } else {
      for (const item of sim.run()) consume(item);
    }
    if (buf) writeSync(fd, buf);
  } finally {
    bar?.update(totalS, { detections });
    bar?.stop();
    if (fd !== 1) closeSync(fd);
  }
  if (opts.truth) writeTruthJson(sim, opts.truth, opts.truthInterval);
  const where = opts.out ? ` to ${opts.out}` : '';
  if (opts.out || process.stderr.isTTY) {
    process.stderr.write(`${scenario.name} (seed ${sim.seed}): ${detections} detections${where}, ${sim.world.targets.length} objects, ${sim.events.filter((e) => e.type === 'crossing').length} border crossings${opts.truth ? `; truth in ${opts.truth}` : ''}\n`);
  }
}
