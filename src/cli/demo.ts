import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadScenario, scoreScenario, summary } from './evaluate-scenario.js';

/**
 * Until the operator application lands, the demo scores the default tracker on every shared
 * scenario and prints what it achieved.
 */
export function demo(dir: string): void {
  if (!existsSync(dir)) {
    process.stdout.write(`no scenarios at ${dir}; pass --scenarios <dir>\n`);
    return;
  }
  const files = readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'stonesoup-results.json').sort();
  for (const f of files) {
    const s = summary(scoreScenario(loadScenario(join(dir, f)), 'default'));
    const g = s.gospa as { mean: number };
    process.stdout.write(
      `${String(s.scenario).padEnd(10)} GOSPA ${g.mean.toFixed(2).padStart(7)} m   ${String(s.tracks).padStart(5)} tracks   ${Math.round(s.measPerSecond as number).toLocaleString('en-US').padStart(10)} meas/s\n`,
    );
  }
}
