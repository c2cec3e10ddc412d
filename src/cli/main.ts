import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { TRACKER_NAMES } from '../tracking/presets.js';
import { loadScenario, scoreScenario, summary } from './evaluate-scenario.js';
import { renderReport, stoneSoupReference, type StoneSoupReference, type StoneSoupResults } from '../eval/report.js';
import { isSimScenario, loadSimScenario } from '../sim/scenario.js';
import { evaluateSimScenario, simSummary } from './evaluate-sim.js';
import { evalOpsCommand } from './ops.js';
import { registerSapientCommands } from './sapient.js';
import { registerCotCommands } from './cot.js';
import { registerRemoteIdCommands } from './remoteid.js';
import { registerAdsbCommands } from './adsb.js';
import type { DemoOptions } from './demo.js';

function positiveNumber(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a positive number');
  return n;
}

function portNumber(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number (0–65535)');
  return n;
}

function seedNumber(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new InvalidArgumentError('must be an integer in [0, 2³²)');
  return n;
}

function trackerName(v: string): string {
  if (!(TRACKER_NAMES as readonly string[]).includes(v)) {
    throw new InvalidArgumentError(`unknown tracker (known: ${TRACKER_NAMES.join(', ')})`);
  }
  return v;
}

export function buildProgram(): Command {
  const program = new Command('centinela')
    .description('Counter-drone airspace awareness: multi-sensor fusion tracking, assessment and alerts')
    .showHelpAfterError();

  program
    .command('track')
    .description('run the tracker over a cuas-mtt-scenario file and write its tracks (online output)')
    .argument('<scenario>', 'scenario file (cuas-mtt-scenario v1 JSON)')
    .option('--tracker <name>', `tracker configuration: ${TRACKER_NAMES.join(', ')}`, trackerName, 'default')
    .option('--out <file>', 'write tracks JSON here instead of stdout')
    .action((file: string, opts: { tracker: string; out?: string }) => {
      const scored = scoreScenario(loadScenario(file), opts.tracker);
      const body = JSON.stringify({
        scenario: scored.scenario.name,
        config: opts.tracker,
        num_scans: scored.scenario.num_scans,
        num_measurements: scored.run.measurements,
        num_tracks: scored.run.tracks.length,
        tracks: scored.run.tracks,
      });
      if (opts.out) writeFileSync(opts.out, body + '\n');
      else process.stdout.write(body + '\n');
    });

  program
    .command('eval')
    .description('score the tracker on a scenario: GOSPA (and parts), OSPA, ID switches, speed')
    .argument('<scenario>', 'cuas-mtt-scenario v1 JSON file, or a simulator scenario (built-in name or .yaml)')
    .option('--tracker <name>', `tracker configuration: ${TRACKER_NAMES.join(', ')}`, trackerName, 'default')
    .option('--json', 'print exactly one JSON object on stdout')
    .option('-c, --cutoff <metres>', 'GOSPA/OSPA cut-off c', positiveNumber, 20)
    .option('-p, --order <p>', 'GOSPA/OSPA order p', positiveNumber, 2)
    .option('--report <file>', 'write a self-contained HTML report (cuas-mtt-scenario files)')
    .option('--seed <n>', "simulator scenarios: override the scenario's seed", seedNumber)
    .option('--duration <seconds>', "simulator scenarios: override the scenario's duration", positiveNumber)
    .option('--ops', 'simulator scenarios: the operational benchmark (assessment and alerts against ground truth)')
    .action((file: string, opts: { tracker: string; json?: boolean; cutoff: number; order: number; report?: string; seed?: number; duration?: number; ops?: boolean }) => {
      if (opts.ops) {
        if (!isSimScenario(file)) throw new Error('--ops needs a simulator scenario (built-in name or .yaml)');
        evalOpsCommand(file, opts);
        return;
      }
      if (isSimScenario(file)) {
        evalSim(file, opts);
        return;
      }
      const scored = scoreScenario(loadScenario(file), opts.tracker, opts.cutoff, opts.order);
      const s = summary(scored);
      if (opts.report) writeFileSync(opts.report, reportFor(scored, file));
      if (opts.json) {
        process.stdout.write(JSON.stringify(s) + '\n');
        return;
      }
      const e = scored.evaluation.mean;
      const lines = [
        `scenario        ${scored.scenario.name}`,
        `tracker         ${opts.tracker}`,
        `GOSPA mean      ${e.gospa.toFixed(3)} m  (localisation ${e.localisation.toFixed(1)}, missed ${e.missed.toFixed(1)}, false ${e.false.toFixed(1)} m²)`,
        `OSPA mean       ${e.ospa.toFixed(3)} m`,
        `tracks          ${scored.run.tracks.length}`,
        `ID switches     ${scored.evaluation.idSwitches}   fragmentations ${scored.evaluation.fragmentations}`,
        `measurements    ${scored.run.measurements}`,
        `tracker wall    ${scored.run.wallSeconds.toFixed(3)} s  (${Math.round(s.measPerSecond as number).toLocaleString('en-US')} measurements/s)`,
      ];
      process.stdout.write(lines.join('\n') + '\n');
    });

  program
    .command('sim')
    .description('run a simulator scenario: a time-ordered Detection stream (JSONL) and its ground truth (JSON)')
    .argument('<scenario>', `built-in scenario (${'border-night, dark-run, benign-day, port-recon, stress'}) or a .yaml file`)
    .option('--out <file>', 'write detections here, one JSON object per line (default: stdout)')
    .option('--truth <file>', 'write the ground truth here (trajectories, classes, crossings, drops, launches)')
    .option('--seed <n>', "override the scenario's seed", seedNumber)
    .option('--duration <seconds>', "override the scenario's duration", positiveNumber)
    .option('--truth-interval <ms>', 'truth trajectory sample interval', positiveNumber, 1000)
    .option('--realtime', 'pace the stream by the wall clock instead of running as fast as possible')
    .option('--speed <factor>', 'with --realtime: scenario seconds per wall second', positiveNumber, 1)
    .action(async (scenario: string, opts: SimCliOptions) => {
      const { runSimCommand } = await import('./sim-command.js');
      await runSimCommand(scenario, opts);
    });

  program
    .command('demo')
    .description('the live demo: a border scenario in real time through the whole pipeline, the store and the operator UI')
    .option('--port <n>', 'HTTP port of the operator UI and API', portNumber, 8080)
    .option('--host <addr>', 'address to listen on', '127.0.0.1')
    .option('--scenario <name>', 'built-in scenario or .yaml file', 'border-night')
    .option('--db <file>', 'SQLite store (kept across restarts)', '.centinela/demo.db')
    .option('--seed <n>', "seed of the first lap (default the scenario's)", seedNumber)
    .option('--speed <factor>', 'scenario seconds per wall second', positiveNumber, 1)
    .action(async (opts: DemoOptions) => {
      const { demo } = await import('./demo.js');
      await demo(opts);
    });

  program
    .command('serve')
    .description('the live service on real sensor feeds: a site file (sector, zones, sensors, SAPIENT/ADS-B/Remote ID/CoT sources, TAK/SAPIENT sinks), the store and the operator UI')
    .requiredOption('--config <file>', 'site file (YAML; see examples/site.yaml)')
    .option('--port <n>', 'HTTP port of the operator UI and API', portNumber, 8080)
    .option('--host <addr>', 'address to listen on', '127.0.0.1')
    .option('--db <file>', 'SQLite store (kept across restarts; default .centinela/<site name>.db)')
    .option('--tracker <name>', `tracker configuration: ${TRACKER_NAMES.join(', ')}`, trackerName, 'default')
    .action(async (opts: { config: string; port: number; host: string; db?: string; tracker: string }) => {
      const { serve } = await import('./serve.js');
      await serve(opts);
    });

  registerCotCommands(program);
  registerSapientCommands(program);
  registerRemoteIdCommands(program);
  registerAdsbCommands(program);

  return program;
}

export interface SimCliOptions {
  out?: string;
  truth?: string;
  seed?: number;
  duration?: number;
  truthInterval: number;
  realtime?: boolean;
  speed: number;
}

/** `eval` on a simulator scenario: simulator → fusion → tracker, GOSPA against the truth. */
function evalSim(name: string, opts: { tracker: string; json?: boolean; cutoff: number; order: number; report?: string; seed?: number; duration?: number }): void {
  if (opts.report) throw new Error('--report is for cuas-mtt-scenario files; simulator scenarios print their scores');
  const scenario = loadSimScenario(name);
  const r = evaluateSimScenario(scenario, { seed: opts.seed, tracker: opts.tracker, c: opts.cutoff, p: opts.order, durationS: opts.duration });
  const s = simSummary(r);
  if (opts.json) {
    process.stdout.write(JSON.stringify(s) + '\n');
    return;
  }
  const e = r.evaluation.mean;
  const rejected = Object.entries(r.fusion.rejected).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
  const lines = [
    `scenario        ${r.scenario} (seed ${r.seed}, ${r.evaluation.numScans} scored instants)`,
    `tracker         ${r.tracker}`,
    `GOSPA mean      ${e.gospa.toFixed(3)} m  (c = ${r.evaluation.c} m, 2-D; localisation ${e.localisation.toFixed(1)}, missed ${e.missed.toFixed(1)}, false ${e.false.toFixed(1)} m²)`,
    `OSPA mean       ${e.ospa.toFixed(3)} m`,
    `truth           ${r.truthObjects} scored objects, ${r.crossings} border crossings; mean ${e.nTruth.toFixed(1)} objects vs ${e.nEst.toFixed(1)} tracks shown`,
    `tracks          ${r.tracks} confirmed   ID switches ${r.evaluation.idSwitches}   fragmentations ${r.evaluation.fragmentations}`,
    `detections      ${r.detections} (rejected: ${rejected})`,
    `pipeline wall   ${r.wallSeconds.toFixed(3)} s  (${Math.round(s.measPerSecond as number).toLocaleString('en-US')} detections/s, simulation included)`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

/** The HTML report, with Stone Soup's recorded result when stonesoup-results.json sits beside the scenario. */
function reportFor(scored: ReturnType<typeof scoreScenario>, scenarioFile: string): string {
  const resultsFile = join(dirname(scenarioFile), 'stonesoup-results.json');
  let stoneSoup: StoneSoupReference | undefined;
  if (existsSync(resultsFile)) {
    stoneSoup = stoneSoupReference(JSON.parse(readFileSync(resultsFile, 'utf8')) as StoneSoupResults, scored.scenario.name);
  }
  return renderReport({
    scenarioName: scored.scenario.name,
    tracker: scored.trackerName,
    area: scored.scenario.area,
    truth: scored.scenario.truth,
    tracks: scored.run.tracks,
    evaluation: scored.evaluation,
    t0: scored.scenario.t0,
    scanInterval: scored.scenario.scan_interval,
    numTracks: scored.run.tracks.length,
    measurements: scored.run.measurements,
    wallSeconds: scored.run.wallSeconds,
    stoneSoup,
  });
}

export async function main(argv: string[]): Promise<void> {
  await buildProgram().parseAsync(argv);
}
