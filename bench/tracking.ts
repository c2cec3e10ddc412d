/**
 * `npm run bench`: every scenario in ../shared/scenarios through the default tracker (and the
 * same-run baseline, our Stone Soup-like CV/GNN configuration), scored exactly as Stone Soup's
 * recorded results were, then bench/RESULTS.md with our figures beside Stone Soup's.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import cliProgress from 'cli-progress';
import { loadScenario, scoreScenario, summary } from '../src/cli/evaluate-scenario.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

const scenarioDir = resolve(root, '..', 'shared', 'scenarios');
const ORDER = ['small', 'medium', 'large', 'small_rb', 'medium_rb'];
const RUNS = 5;
const TRACKERS = ['default', 'stonesoup-gnn'];

interface StoneSoupEntry {
  best: { config: string; gospaMean: number };
  fastest: { config: string; measPerSecond: number };
  configs: Record<string, { gospa: { mean: number; localisation: number; missed: number; false: number }; ospa: number; tracks: number; measPerSecond: number }>;
}

interface Row {
  name: string;
  /** The first run in this process: includes V8 compiling the tracker. */
  coldMeasPerSecond: number;
  tracker: string;
  gospa: { mean: number; localisation: number; missed: number; false: number };
  ospa: number;
  tracks: number;
  idSwitches: number;
  measurements: number;
  measPerSecond: number;
}

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
}

/** Runs the tracking benchmark; returns its RESULTS.md section (a note when the scenarios are absent). */
export async function runTrackingBench(): Promise<string> {
  if (!existsSync(scenarioDir)) {
    return `## Tracking against Stone Soup\n\nSkipped: ${scenarioDir} is absent.\n`;
  }
  const names = readdirSync(scenarioDir)
    .filter((f) => f.endsWith('.json') && f !== 'stonesoup-results.json')
    .map((f) => f.replace(/\.json$/, ''))
    .sort((a, b) => (ORDER.indexOf(a) + 1 || 99) - (ORDER.indexOf(b) + 1 || 99));
  const ss = JSON.parse(readFileSync(join(scenarioDir, 'stonesoup-results.json'), 'utf8')).scenarios as Record<string, StoneSoupEntry>;

  const bar = new cliProgress.SingleBar(
    { format: 'bench [{bar}] {value}/{total} {task}', hideCursor: true, noTTYOutput: true, notTTYSchedule: 5000 },
    cliProgress.Presets.shades_classic,
  );
  bar.start(names.length * TRACKERS.length * RUNS, 0, { task: '' });
  const rows: Row[] = [];
  for (const name of names) {
    const scenario = loadScenario(join(scenarioDir, `${name}.json`));
    for (const tracker of TRACKERS) {
      let first: Row | null = null;
      const speeds: number[] = [];
      for (let r = 0; r < RUNS; r++) {
        bar.increment(0, { task: `${name} / ${tracker} run ${r + 1}` });
        const s = summary(scoreScenario(scenario, tracker)) as unknown as Row & { scenario: string };
        speeds.push(s.measPerSecond);
        first ??= { ...s, name, coldMeasPerSecond: s.measPerSecond };
        bar.increment(1);
      }
      rows.push({ ...first!, measPerSecond: median(speeds), coldMeasPerSecond: speeds[0] });
    }
  }
  bar.stop();
  return renderResults(rows, ss);
}

function renderResults(rows: Row[], ss: Record<string, StoneSoupEntry>): string {
  const f = (v: number, d = 2) => v.toFixed(d);
  const int = (v: number) => Math.round(v).toLocaleString('en-US');
  const out: string[] = [];
  out.push('## Tracking against Stone Soup', '');
  out.push('Scoring exactly as ../shared/scenarios/README.md: per-scan GOSPA (p = 2, c = 20 m, α = 2) on the online output, mean over scans; parts in m². Speed = measurements ÷ seconds inside the tracker step, one core, median of ' + RUNS + ' runs in one process (a fresh tracker each run; the process keeps V8\'s compiled code, as a running tracker does). The cold column is the first run, which includes V8 compiling the tracker.', '');
  out.push('### Default tracker against Stone Soup v1.9.1 (recorded, same machine kind)', '');
  out.push('| scenario | our GOSPA | SS best GOSPA (config) | ratio | our loc / missed / false | SS best loc / missed / false | our OSPA | our tracks (SS) | ID switches | our meas/s (cold) | SS fastest meas/s | speed ratio |');
  out.push('|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows.filter((x) => x.tracker === 'default')) {
    const s = ss[r.name];
    if (!s) {
      out.push(`| ${r.name} | ${f(r.gospa.mean, 3)} | – | – | ${f(r.gospa.localisation, 1)} / ${f(r.gospa.missed, 1)} / ${f(r.gospa.false, 1)} | – | ${f(r.ospa, 3)} | ${r.tracks} | ${r.idSwitches} | ${int(r.measPerSecond)} (${int(r.coldMeasPerSecond)}) | – | – |`);
      continue;
    }
    const best = s.configs[s.best.config];
    out.push(
      `| ${r.name} | **${f(r.gospa.mean, 3)}** | ${f(s.best.gospaMean, 3)} (${s.best.config}) | ${f(r.gospa.mean / s.best.gospaMean, 3)} | ` +
        `${f(r.gospa.localisation, 1)} / ${f(r.gospa.missed, 1)} / ${f(r.gospa.false, 1)} | ${f(best.gospa.localisation, 1)} / ${f(best.gospa.missed, 1)} / ${f(best.gospa.false, 1)} | ` +
        `${f(r.ospa, 3)} | ${r.tracks} (${best.tracks}) | ${r.idSwitches} | ${int(r.measPerSecond)} (${int(r.coldMeasPerSecond)}) | ${int(s.fastest.measPerSecond)} (${s.fastest.config}) | **${f(r.measPerSecond / s.fastest.measPerSecond, 0)}×** (${f(r.coldMeasPerSecond / s.fastest.measPerSecond, 0)}×) |`,
    );
  }
  out.push('', '### Same-run baseline', '');
  out.push('Our re-implementation of Stone Soup\'s recorded configuration (`stonesoup-gnn`: CV q = 4, EKF, GNN, 3 hits to confirm, 3 misses to delete), run in this same process, so the ratio is immune to machine noise.', '');
  out.push('| scenario | default GOSPA | stonesoup-gnn GOSPA | default meas/s | stonesoup-gnn meas/s | speed ratio |');
  out.push('|---|---|---|---|---|---|');
  for (const r of rows.filter((x) => x.tracker === 'default')) {
    const b = rows.find((x) => x.tracker === 'stonesoup-gnn' && x.name === r.name);
    if (!b) continue;
    out.push(`| ${r.name} | ${f(r.gospa.mean, 3)} | ${f(b.gospa.mean, 3)} | ${int(r.measPerSecond)} | ${int(b.measPerSecond)} | ${f(r.measPerSecond / b.measPerSecond, 2)} |`);
  }
  out.push('');
  return out.join('\n');
}

