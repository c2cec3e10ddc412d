import { describe, it, expect } from 'vitest';
import { evaluateRun, rawOracleFromScenario, truthPerScanFromScenario } from '../../src/eval/evaluate.js';
import type { Scenario } from '../../src/eval/scenario-types.js';

function tinyScenario(): Scenario {
  return {
    format: 'cuas-mtt-scenario',
    version: 1,
    name: 'tiny',
    seed: 0,
    area: { xmin: -100, xmax: 100, ymin: -100, ymax: 100 },
    t0: 10,
    scan_interval: 2,
    num_scans: 3,
    sensors: [{ id: 's', type: 'cartesian', pd: 1, clutter_rate: 0, clutter_density: 0, sigma_xy: 1 }],
    truth: [
      { id: 4, birth_scan: 0, states: [[10, 0, 0, 1, 0], [12, 2, 0, 1, 0]] },
      { id: 9, birth_scan: 1, states: [[12, 50, 50, 0, 0], [14, 50, 52, 0, 1]] },
    ],
    scans: [
      { k: 0, t: 10, sensor: 's', z: [[3, 4], [90, 90]], origin: [4, -1] },
      { k: 1, t: 12, sensor: 's', z: [[2, 0], [50, 50]], origin: [4, 9] },
      { k: 2, t: 14, sensor: 's', z: [[-90, 0]], origin: [-1] },
    ],
  };
}

describe('evaluateRun', () => {
  it('builds per-scan truth by time and scores a tiny scenario by hand', () => {
    const sc = tinyScenario();
    const truth = truthPerScanFromScenario(sc);
    expect(truth.map((s) => s.map((p) => p.id))).toEqual([[4], [4, 9], [9]]);
    const est = rawOracleFromScenario(sc);
    expect(est.map((s) => s.length)).toEqual([1, 2, 0]);
    const r = evaluateRun(truth, est);
    // scan 0: pair at 5 m → 25; scan 1: exact → 0; scan 2: one missed → 200.
    expect(r.perScan.localisation).toEqual([25, 0, 0]);
    expect(r.perScan.missed).toEqual([0, 0, 200]);
    expect(r.perScan.gospa[0]).toBeCloseTo(5, 12);
    expect(r.perScan.ospa[2]).toBe(20);
    expect(r.mean.gospa).toBeCloseTo((5 + 0 + Math.sqrt(200)) / 3, 12);
    expect(r.mean.ospa).toBeCloseTo((5 + 0 + 20) / 3, 12);
    expect(r.mean.nTruth).toBeCloseTo(4 / 3, 12);
    expect(r.perScan.nEst).toEqual([1, 2, 0]);
    expect(r.idSwitches).toBe(0);
    expect(r.fragmentations).toBe(0);
  });

  it('rejects mismatched scan counts and off-grid truth times', () => {
    expect(() => evaluateRun([[]], [])).toThrow(RangeError);
    const sc = tinyScenario();
    sc.truth[0].states[1][0] = 13;
    expect(() => truthPerScanFromScenario(sc)).toThrow(/not a scan time/);
  });

  it('refuses a raw oracle from a range-bearing sensor or without origin labels', () => {
    const sc = tinyScenario();
    sc.sensors[0].type = 'range_bearing';
    expect(() => rawOracleFromScenario(sc)).toThrow(RangeError);
    const { origin: _dropped, ...unlabelled } = tinyScenario().scans[0];
    expect(() => rawOracleFromScenario({ ...tinyScenario(), scans: [unlabelled] })).toThrow(/origin/);
  });
});
