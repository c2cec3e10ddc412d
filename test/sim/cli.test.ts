import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { detectionSchema } from '../../src/model/detection.js';

// Through the real command line (bin/centinela.js → dist/, which `npm test` builds first).
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = join(root, 'bin', 'centinela.js');
const centinela = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: root });

describe('centinela sim and eval on simulator scenarios', () => {
  it('sim writes JSONL that validates against the Detection schema, and the truth', () => {
    const dir = mkdtempSync(join(tmpdir(), 'centinela-sim-'));
    const out = join(dir, 'detections.jsonl'), truth = join(dir, 'truth.json');
    const r = centinela('sim', 'border-night', '--out', out, '--truth', truth, '--seed', '2', '--duration', '120');
    expect(r.status, r.stderr).toBe(0);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    expect(lines.length).toBeGreaterThan(500);
    let last = -Infinity;
    for (const line of lines) {
      const d = detectionSchema.parse(JSON.parse(line));
      expect(d.timeMs).toBeGreaterThanOrEqual(last);
      last = d.timeMs;
    }
    const t = JSON.parse(readFileSync(truth, 'utf8'));
    expect(t).toMatchObject({ format: 'centinela-sim-truth', scenario: 'border-night', seed: 2, durationS: 120 });
    expect(t.border.attribution).toMatch(/OpenStreetMap/);
    expect(t.targets.length).toBeGreaterThan(20);
    const run = t.targets.find((x: { type: string }) => x.type === 'fibre-optic-run');
    expect(run).toMatchObject({ rf: null, remoteId: null, class: 'rotary-drone', threat: true });
    const flying = t.targets.find((x: { trajectory: unknown[] }) => x.trajectory.length > 0);
    expect(flying.trajectory[0]).toHaveLength(7); // [timeMs, lat, lon, height, vE, vN, vU]
    // Same seed, same bytes, through the CLI too.
    const again = join(dir, 'again.jsonl');
    expect(centinela('sim', 'border-night', '--out', again, '--seed', '2', '--duration', '120').status).toBe(0);
    expect(readFileSync(again).equals(readFileSync(out))).toBe(true);
  });

  it('eval border-night --seed 1 runs simulator → fusion → tracker and prints GOSPA', () => {
    const r = centinela('eval', 'border-night', '--seed', '1');
    expect(r.status, r.stderr).toBe(0);
    const m = r.stdout.match(/GOSPA mean\s+([\d.]+) m/);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThan(0);
    const j = centinela('eval', 'dark-run', '--seed', '1', '--duration', '300', '--json');
    expect(j.status, j.stderr).toBe(0);
    const o = JSON.parse(j.stdout);
    expect(o).toMatchObject({ scenario: 'dark-run', seed: 1, tracker: 'default' });
    expect(o.gospa.mean).toBeGreaterThan(0);
  });

  it('names the file and path of a broken scenario, and an unknown built-in', () => {
    const r = centinela('sim', join(root, 'test', 'sim', 'fixtures', 'bad.yaml'));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/bad\.yaml: sensors\[0\]\.updateIntervalS: /);
    expect(centinela('eval', 'nowhere.yaml').stderr).toMatch(/cannot read nowhere\.yaml/);
  });
});
