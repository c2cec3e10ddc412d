import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { TRACKER_NAMES } from '../tracking/presets.js';
import { loadScenario, scoreScenario, summary } from './evaluate-scenario.js';
import { renderReport, stoneSoupReference, type StoneSoupReference, type StoneSoupResults } from '../eval/report.js';

function positiveNumber(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a positive number');
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
    .argument('<scenario>', 'scenario file (cuas-mtt-scenario v1 JSON)')
    .option('--tracker <name>', `tracker configuration: ${TRACKER_NAMES.join(', ')}`, trackerName, 'default')
    .option('--json', 'print exactly one JSON object on stdout')
    .option('-c, --cutoff <metres>', 'GOSPA/OSPA cut-off c', positiveNumber, 20)
    .option('-p, --order <p>', 'GOSPA/OSPA order p', positiveNumber, 2)
    .option('--report <file>', 'write a self-contained HTML report')
    .action((file: string, opts: { tracker: string; json?: boolean; cutoff: number; order: number; report?: string }) => {
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
    .command('demo')
    .description('score the default tracker on every shared scenario (the live map arrives with the operator app)')
    .option('--scenarios <dir>', 'folder of scenario files', '../shared/scenarios')
    .action(async (opts: { scenarios: string }) => {
      const { demo } = await import('./demo.js');
      demo(opts.scenarios);
    });

  return program;
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
