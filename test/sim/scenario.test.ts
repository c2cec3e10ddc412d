import { describe, expect, it } from 'vitest';
import { BUILTIN_SCENARIOS, loadSimScenario, parseSimScenario, ScenarioError } from '../../src/sim/scenario.js';

const minimal = `
name: t
seed: 1
durationS: 60
sector:
  origin: { latDeg: 26.09, lonDeg: -98.25, heightAboveEllipsoidM: 10 }
zones:
  - { kind: border, line: rio-grande, sides: { north: US, south: MX } }
sensors:
  - { id: r, kind: radar, position: { latDeg: 26.1, lonDeg: -98.26, heightAboveEllipsoidM: 25 }, referencePd: 0.8 }
targets:
  - { type: smuggling-run, crossingNear: hidalgo-bridge }
`;

function errorOf(text: string, file = 'bad.yaml'): string {
  try {
    parseSimScenario(text, file);
  } catch (err) {
    expect(err).toBeInstanceOf(ScenarioError);
    return (err as Error).message;
  }
  throw new Error('expected a validation error');
}

describe('simulator scenario files', () => {
  it('loads every built-in scenario', () => {
    for (const name of BUILTIN_SCENARIOS) {
      const s = loadSimScenario(name);
      expect(s.name).toBe(name);
      expect(s.sensors.length).toBeGreaterThan(0);
      expect(s.border?.north).toBe('US');
      expect(s.border?.protectedIsLeft).toBe(true);
    }
  });

  it('accepts a minimal file and fills defaults', () => {
    const s = parseSimScenario(minimal, 'ok.yaml');
    expect(s.region).toEqual({ xmin: -15000, xmax: 15000, ymin: -10000, ymax: 10000 });
    expect(s.targets[0]).toMatchObject({ type: 'smuggling-run', count: 1, cruiseSpeedMps: [10, 16] });
    expect(s.startTimeMs).toBe(Date.parse('2025-01-01T00:00:00Z'));
  });

  it('names the file, the path and what is wrong', () => {
    expect(errorOf(minimal.replace('crossingNear: hidalgo-bridge', 'crossingNear: hidalgo-bridge, cruiseSpeedMps: -3'))).toMatch(/^bad\.yaml: targets\[0\]\.cruiseSpeedMps: /);
    expect(errorOf(minimal.replace('referencePd: 0.8', 'referencePd: 1.5'))).toMatch(/bad\.yaml: sensors\[0\]\.referencePd: /);
    expect(errorOf(minimal.replace('type: smuggling-run', 'type: teleport'))).toMatch(/targets\[0\]\.type: /);
    expect(errorOf(minimal.replace('seed: 1', 'seed: 1\nsped: 2'))).toMatch(/\(top level\): unknown field "sped"/);
    expect(errorOf(minimal.replace('north: US, south: MX', 'north: MX, south: XX'))).toMatch(/zones\[0\]\.sides: the line's sides are US \(left\) and MX \(right\)/);
    expect(errorOf(minimal.replace('durationS: 60', 'durationS: sixty'))).toMatch(/durationS: /);
    expect(errorOf(minimal + '\n  - { type: hobby-flight, spoofOffsetM: -1 }\n')).toMatch(/targets\[1\]\.spoofOffsetM/);
  });

  it('reports YAML syntax errors with their line', () => {
    expect(errorOf('name: t\nseed: [1, 2\n')).toMatch(/^bad\.yaml: YAML line \d+/);
  });

  it('rejects duplicate sensor ids and targets without a border', () => {
    const dup = minimal.replace('targets:', `  - { id: r, kind: adsb, position: { latDeg: 26.1, lonDeg: -98.26, heightAboveEllipsoidM: 20 } }\ntargets:`);
    expect(errorOf(dup)).toMatch(/sensors\[1\]\.id: duplicate sensor id "r"/);
    const noBorder = minimal.replace(/zones:\n.*\n/, '');
    expect(errorOf(noBorder)).toMatch(/zones: the targets need a border zone/);
  });

  it('says which built-in scenarios exist when a name is unknown', () => {
    expect(() => loadSimScenario('no-such-scenario')).toThrow(/unknown scenario "no-such-scenario" \(built-in: border-night/);
  });
});
