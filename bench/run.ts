/**
 * `npm run bench`: every benchmark of the project, one section each, into bench/RESULTS.md
 * with the machine it ran on. Speed figures are compared with a baseline measured in the same
 * run (a ratio) wherever one exists, because these machines are shared and noisy.
 */
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTrackingBench } from './tracking.js';
import { runSimBench } from './sim.js';
import { runOpsBench } from './ops.js';
import { runFuzzBench } from './fuzz/section.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

interface Section {
  name: string;
  run: () => Promise<string>;
}

const SECTIONS: Section[] = [
  { name: 'tracking', run: runTrackingBench },
  { name: 'simulator', run: runSimBench },
  { name: 'operations', run: () => runOpsBench(undefined, (line) => process.stdout.write(line + '\n')) },
  { name: 'fuzzing', run: () => runFuzzBench((line) => process.stdout.write(line + '\n')) },
];

function machine(): string {
  const c = cpus();
  return `${c[0]?.model ?? 'unknown CPU'}, ${c.length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${process.platform}/${process.arch}`;
}

async function main(): Promise<void> {
  const facts = machine();
  process.stdout.write(`machine: ${facts}\n`);
  const parts = ['# Benchmark results', '', `Written by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}.`, '', `Machine: ${facts}.`, ''];
  for (const s of SECTIONS) {
    process.stdout.write(`\n== ${s.name} ==\n`);
    const md = await s.run();
    process.stdout.write(md + '\n');
    parts.push(md.trimEnd(), '');
  }
  writeFileSync(join(root, 'bench', 'RESULTS.md'), parts.join('\n'));
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
