/**
 * `npm run bench`: every benchmark of the project, one section each, into bench/RESULTS.md
 * with the machine it ran on. Speed figures are compared with a baseline measured in the same
 * run (a ratio) wherever one exists, because these machines are shared and noisy.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTrackingBench } from './tracking.js';
import { runSimBench } from './sim.js';
import { runOpsBench } from './ops.js';
import { runFuzzBench } from './fuzz/section.js';
import { runServerBench } from './server.js';

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
  { name: 'server', run: () => runServerBench({ log: (line) => process.stdout.write(line + '\n') }) },
];

/** Sections already in RESULTS.md (a partial run keeps the ones it did not run). */
function recorded(file: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!existsSync(file)) return out;
  const re = /<!-- section: ([\w-]+) -->\n([\s\S]*?)\n<!-- \/section -->/g;
  for (const m of readFileSync(file, 'utf8').matchAll(re)) out.set(m[1], m[2]);
  return out;
}

function machine(): string {
  const c = cpus();
  return `${c[0]?.model ?? 'unknown CPU'}, ${c.length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${process.platform}/${process.arch}`;
}

async function main(): Promise<void> {
  // `npm run bench -- --only server,fuzzing` runs some sections and keeps the others' last results.
  const at = process.argv.indexOf('--only');
  const only = at >= 0 ? new Set((process.argv[at + 1] ?? '').split(',')) : null;
  const unknown = only ? [...only].filter((n) => !SECTIONS.some((s) => s.name === n)) : [];
  if (unknown.length > 0) throw new Error(`unknown section ${unknown.join(', ')} (known: ${SECTIONS.map((s) => s.name).join(', ')})`);
  const file = join(root, 'bench', 'RESULTS.md');
  const results = recorded(file);
  const facts = machine();
  process.stdout.write(`machine: ${facts}\n`);
  for (const s of SECTIONS) {
    if (only && !only.has(s.name)) continue;
    process.stdout.write(`\n== ${s.name} ==\n`);
    const md = await s.run();
    process.stdout.write(md + '\n');
    results.set(s.name, `${md.trimEnd()}\n\n_Run on ${new Date().toISOString().slice(0, 10)}, ${facts}._`);
  }
  const parts = ['# Benchmark results', '', 'Written by `npm run bench` (each section says when and where it last ran).', ''];
  for (const s of SECTIONS) {
    const md = results.get(s.name);
    if (md !== undefined) parts.push(`<!-- section: ${s.name} -->`, md, '<!-- /section -->', '');
  }
  writeFileSync(file, parts.join('\n'));
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
