import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = join(root, 'bin', 'centinela.js');
const scenarios = process.env.CENTINELA_SCENARIOS ?? resolve(root, '..', 'shared', 'scenarios');
const small = join(scenarios, 'small.json');
const haveScenarios = existsSync(small);
if (!haveScenarios && process.env.CI === 'true') throw new Error(`CI needs the shared scenarios at ${scenarios}`);
const describeScenarios = haveScenarios ? describe : describe.skip;
if (!haveScenarios) console.warn(`skipping CLI scenario tests: ${scenarios} is absent`);

function centinela(...args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: root });
}

describeScenarios('centinela CLI on the shared scenarios', () => {
  it('eval --json prints exactly one JSON object with the agreed keys, beating Stone Soup on small', () => {
    const r = centinela('eval', small, '--json');
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const o = JSON.parse(lines[0]);
    for (const k of ['scenario', 'tracker', 'gospa', 'ospa', 'tracks', 'idSwitches', 'measurements', 'wallSeconds', 'measPerSecond']) expect(o).toHaveProperty(k);
    for (const k of ['mean', 'localisation', 'missed', 'false']) expect(o.gospa).toHaveProperty(k);
    expect(o.scenario).toBe('small');
    expect(o.tracker).toBe('default');
    expect(o.measurements).toBe(3047);
    const ss = JSON.parse(readFileSync(join(scenarios, 'stonesoup-results.json'), 'utf8'));
    expect(o.gospa.mean).toBeLessThanOrEqual(ss.scenarios.small.best.gospaMean);
  });

  it('track writes identical bytes on two runs of the same input', () => {
    const dir = mkdtempSync(join(tmpdir(), 'centinela-'));
    const a = join(dir, 'a.json'), b = join(dir, 'b.json');
    expect(centinela('track', small, '--out', a).status).toBe(0);
    expect(centinela('track', small, '--out', b).status).toBe(0);
    const bytesA = readFileSync(a), bytesB = readFileSync(b);
    expect(bytesA.equals(bytesB)).toBe(true);
    const out = JSON.parse(bytesA.toString('utf8'));
    expect(out.tracks.length).toBeGreaterThan(5);
    expect(out.tracks[0].states[0]).toHaveLength(5);
  });

  it('eval --report writes a self-contained HTML page', () => {
    const dir = mkdtempSync(join(tmpdir(), 'centinela-'));
    const report = join(dir, 'r.html');
    const r = centinela('eval', small, '--report', report);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/GOSPA mean/);
    const html = readFileSync(report, 'utf8');
    expect(html).toMatch(/<svg/);
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
  });
});

describe('centinela CLI errors', () => {
  it('names the file and the broken field of an invalid scenario', () => {
    const dir = mkdtempSync(join(tmpdir(), 'centinela-'));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ format: 'cuas-mtt-scenario', version: 1, name: 'x', dim: 2 }));
    const r = centinela('eval', bad);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/bad\.json: area/);
  });

  it('rejects an unknown tracker and a missing file', () => {
    expect(centinela('eval', 'nope.json').stderr).toMatch(/cannot read nope\.json/);
    const r = centinela('eval', 'x.json', '--tracker', 'magic');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/unknown tracker/);
  });

  it('prints help', () => {
    expect(execFileSync(process.execPath, [bin, '--help'], { encoding: 'utf8' })).toMatch(/eval/);
  });
});
