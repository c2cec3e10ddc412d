import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { performance } from 'node:perf_hooks';
import { evaluateRun, truthPerScanFromScenario, type RunEvaluation } from '../eval/evaluate.js';
import { parseScenario, type CuasScenario } from '../scenario/cuas-format.js';
import { runScenario, type ScenarioRun } from '../scenario/run.js';
import { trackerPreset } from '../tracking/presets.js';

export interface ScoredRun {
  scenario: CuasScenario;
  trackerName: string;
  run: ScenarioRun;
  evaluation: RunEvaluation;
}

/** Reads and validates a scenario file. */
export function loadScenario(path: string): CuasScenario {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  }
  return parseScenario(text, basename(path));
}

/** Runs the named tracker over a scenario and scores its online output against the truth. */
export function scoreScenario(scenario: CuasScenario, trackerName: string, c = 20, p = 2): ScoredRun {
  const config = trackerPreset(trackerName, 2);
  const run = runScenario(scenario, config, () => performance.now());
  const evaluation = evaluateRun(truthPerScanFromScenario(scenario), run.perScan, { c, p });
  return { scenario, trackerName, run, evaluation };
}

/** The `--json` summary: exactly the keys the issue and the bench agree on. */
export function summary(s: ScoredRun): Record<string, unknown> {
  const e = s.evaluation, r = s.run;
  return {
    scenario: s.scenario.name,
    tracker: s.trackerName,
    gospa: { mean: e.mean.gospa, localisation: e.mean.localisation, missed: e.mean.missed, false: e.mean.false },
    ospa: e.mean.ospa,
    tracks: r.tracks.length,
    idSwitches: e.idSwitches,
    fragmentations: e.fragmentations,
    measurements: r.measurements,
    wallSeconds: r.wallSeconds,
    measPerSecond: r.wallSeconds > 0 ? r.measurements / r.wallSeconds : 0,
  };
}
