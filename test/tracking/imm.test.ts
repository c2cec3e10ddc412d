import { describe, expect, it } from 'vitest';
import { evaluateRun, truthPerScanFromScenario } from '../../src/eval/evaluate.js';
import { generateManoeuvreScenario } from '../../src/scenario/generate.js';
import { runScenario } from '../../src/scenario/run.js';
import { trackerPreset } from '../../src/tracking/presets.js';

describe('IMM against plain nearly-constant velocity', () => {
  it('has lower mean GOSPA where drones hover and turn hard', () => {
    for (const seed of [1, 2, 3]) {
      const scn = generateManoeuvreScenario({
        seed, targets: 12, scans: 150, halfWidth: 1500, sigma: 5, pd: 0.9, clutterPerScan: 5, turnRate: 0.35,
      });
      const truth = truthPerScanFromScenario(scn);
      const score = (name: string) => evaluateRun(truth, runScenario(scn, trackerPreset(name)).perScan).mean.gospa;
      const imm = score('imm-gnn'), cv = score('cv-gnn');
      expect(imm, `seed ${seed}: IMM ${imm.toFixed(2)} vs CV ${cv.toFixed(2)}`).toBeLessThan(cv);
    }
  });
});
