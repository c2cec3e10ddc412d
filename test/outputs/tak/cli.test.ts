import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { CoTParser } from '@tak-ps/node-cot';
import { describe, expect, it } from 'vitest';
import { LocalFrame } from '../../../src/geo/enu.js';
import { decodeTakMesh, decodeTakPayload } from '../../../src/ingest/cot/takproto.js';
import { parseCotXml } from '../../../src/ingest/cot/parse.js';
import { cotSchemaProblems } from './cot-schema.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const bin = join(root, 'bin', 'centinela.js');
const built = existsSync(join(root, 'dist', 'src', 'cli', 'cot.js'));
if (!built) throw new Error('the CLI tests run the built CLI: run `npm run build` first (npm test does)');
const scenarios = process.env.CENTINELA_SCENARIOS ?? resolve(root, '..', 'shared', 'scenarios');
const small = join(scenarios, 'small.json');

function centinela(...args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: root });
}

const dir = mkdtempSync(join(tmpdir(), 'centinela-cot-'));
const tracksFile = join(dir, 'tracks.json');
writeFileSync(tracksFile, JSON.stringify({
  scenario: 'hand-made', tracks: [
    { id: 3, states: [[0, 100, 200, 5, -3], [1, 105, 197, 5, -3], [2, 110, 194, 5, -3]] },
    { id: 1, states: [[0.5, -1000, 0, 0, 10], [1.5, -1000, 10, 0, 10]] },
  ],
}));

describe('centinela cot (the real CLI)', () => {
  it('prints one schema-valid CoT event per state, in time order, that node-cot parses', () => {
    const r = centinela('cot', tracksFile, '--epoch', '2025-05-01T03:00:00Z', '--sigma', '4', '--class', 'rotary-drone', '--affiliation', 'suspect');
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(5);
    const uids = [];
    for (const line of lines) {
      expect(cotSchemaProblems(line).problems).toEqual([]);
      const e = CoTParser.from_xml(line).raw.event;
      expect(e._attributes.type).toBe('a-s-A-M-H-Q');
      expect(e._attributes.how).toBe('m-f');
      expect(Number(e.point._attributes.ce)).toBe(4);
      uids.push(e._attributes.uid);
    }
    expect(uids).toEqual(['centinela-3', 'centinela-1', 'centinela-3', 'centinela-1', 'centinela-3']);
    const first = parseCotXml(lines[0]);
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    expect(first.event.timeMs).toBe(Date.UTC(2025, 4, 1, 3));
    expect(first.event.staleMs - first.event.timeMs).toBe(15_000);
    // Position: 100 m east, 200 m north of the default origin (26.10, −98.26).
    const want = LocalFrame.fromDegrees({ latDeg: 26.1, lonDeg: -98.26, heightAboveEllipsoidM: 0 }).enuToGeodetic(100, 200, 0, new Float64Array(3));
    expect(first.event.latDeg).toBeCloseTo(want[0], 7);
    expect(first.event.lonDeg).toBeCloseTo(want[1], 7);
    expect(first.event.detail.track!.speed).toBeCloseTo(Math.hypot(5, 3), 2);
  });

  it('writes the same bytes on every run', () => {
    const a = centinela('cot', tracksFile), b = centinela('cot', tracksFile);
    expect(a.status).toBe(0);
    expect(a.stdout).toBe(b.stdout);
  });

  it('--proto prints TAK protocol v1 hex that the official .proto decodes', async () => {
    const r = centinela('cot', tracksFile, '--proto', '--last', '--origin', '32.54,-117.03,20', '--epoch', '1746068400000');
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    const ref = await protobuf.load(resolve(root, '..', 'shared', 'standards', 'cot', 'takproto', 'takmessage.proto'));
    const T = ref.lookupType('atakmap.commoncommo.protobuf.v1.TakMessage');
    for (const hex of lines) {
      expect(hex).toMatch(/^bf01bf[0-9a-f]+$/);
      const bytes = Buffer.from(hex, 'hex');
      const m = T.toObject(T.decode(bytes.subarray(3)), { longs: Number }) as { cotEvent: { lat: number; how: string } };
      expect(m.cotEvent.how).toBe('m-f');
      expect(m.cotEvent.lat).toBeGreaterThan(32.5);
      expect(decodeTakMesh(bytes).ok).toBe(true);
    }
    const stream = centinela('cot', tracksFile, '--proto', '--last', '--framing', 'payload');
    expect(decodeTakPayload(Buffer.from(stream.stdout.split('\n')[0], 'hex')).ok).toBe(true);
  });

  it('--pretty prints indented documents with the XML declaration', () => {
    const r = centinela('cot', tracksFile, '--pretty', '--last');
    expect(r.status).toBe(0);
    expect(r.stdout.startsWith('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<event')).toBe(true);
    expect(r.stdout).toContain('\n  <point ');
    for (const doc of r.stdout.trim().split('\n\n')) expect(cotSchemaProblems(doc).problems).toEqual([]);
  });

  it('fails with a message on a bad file or bad options', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"tracks": [{"id": 1, "states": [[0, 1]]}]}');
    const r = centinela('cot', bad);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/not a tracks file/);
    expect(centinela('cot', tracksFile, '--origin', '95,0').status).not.toBe(0);
    expect(centinela('cot', tracksFile, '--class', 'ufo').status).not.toBe(0);
  });

  it.skipIf(!existsSync(small))('turns `centinela track --out` output into CoT', () => {
    const out = join(dir, 'small-tracks.json');
    expect(centinela('track', small, '--out', out).status).toBe(0);
    const r = centinela('cot', out, '--last');
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(5);
    for (const line of lines) expect(cotSchemaProblems(line).problems).toEqual([]);
  });
});
