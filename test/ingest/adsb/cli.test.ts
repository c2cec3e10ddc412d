/** `centinela adsb decode|listen` through the real CLI (bin/centinela.js over dist/, built by `npm run build`). */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { detectionSchema } from '../../../src/model/detection.js';
import { encodeBeastFrame } from '../../../src/ingest/adsb/index.js';
import { df17, identMe, positionMe } from './helpers.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const bin = join(root, 'bin', 'centinela.js');
const standards = process.env.CENTINELA_STANDARDS ?? resolve(root, '..', 'shared', 'standards');
const dir = join(standards, 'adsb', 'derived');
const have = existsSync(join(dir, 'modes1.beast.dump1090-fa.bin'));
if (!have && process.env.CI === 'true') throw new Error(`CI needs the shared standards at ${standards}`);
if (!have) console.warn(`skipping adsb CLI conformance tests: ${dir} is absent`);
const describeStd = have ? describe : describe.skip;

const centinela = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: root });
const jsonLines = (s: string) => s.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);

describeStd('centinela adsb decode on the dump1090 files', () => {
  it('detects Beast, SBS and AVR and prints one decoded message per line', () => {
    for (const [file, n, format] of [
      ['modes1.beast.dump1090-fa.bin', 98, 'beast'],
      ['modes1.sbs.dump1090-fa.txt', 98, 'sbs'],
      ['modes1.sbs.antirez.txt', 97, 'sbs'],
      ['modes1.avr-raw.antirez.txt', 98, 'avr'],
    ] as const) {
      const r = centinela('adsb', 'decode', join(dir, file), '--jsonl');
      expect(r.status, r.stderr).toBe(0);
      const lines = jsonLines(r.stdout);
      expect(lines).toHaveLength(n);
      expect(lines.every((l) => l.format === format)).toBe(true);
      expect(r.stderr).toContain(`${file}: ${format}; ${n} received, ${n} decoded`);
    }
    const beast = jsonLines(centinela('adsb', 'decode', join(dir, 'modes1.beast.dump1090-fa.bin'), '--jsonl').stdout);
    expect(beast[20]).toMatchObject({ index: 20, hex: '8d4d20235873f44c9f86fdabdef4', modeS: { df: 17, icao: '4D2023', es: { kind: 'airborne-position', altitudeFt: 22175, odd: true } } });
    const p = beast[20].position as { latDeg: number; lonDeg: number };
    expect(p.latDeg.toFixed(5)).toBe('37.06671');
    expect(p.lonDeg.toFixed(5)).toBe('13.80247');
    expect(beast[19]).toMatchObject({ modeS: { es: { kind: 'identification', callsign: 'AMC421  ' } } });
  });

  it('--detections prints schema-valid Detections', () => {
    const r = centinela('adsb', 'decode', join(dir, 'modes1.avr-raw.antirez.txt'), '--detections', '--sensor-id', 'adsb-1');
    expect(r.status, r.stderr).toBe(0);
    const dets = jsonLines(r.stdout);
    expect(dets).toHaveLength(19);
    for (const d of dets) expect(detectionSchema.safeParse(d).success).toBe(true);
    expect(dets[0]).toMatchObject({ sensorId: 'adsb-1', evidence: { icao: '4D2023', callsign: 'AMC421' } });
  });
});

describe('centinela adsb errors and live listening', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'centinela-adsb-'));

  it('names unknown files and formats', () => {
    const r = centinela('adsb', 'decode', join(tmp, 'missing.bin'));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/cannot read/);
    const junk = join(tmp, 'junk.txt');
    writeFileSync(junk, 'hello world\n');
    const j = centinela('adsb', 'decode', junk);
    expect(j.status).toBe(1);
    expect(j.stderr).toMatch(/not a Beast, SBS or AVR file/);
    expect(centinela('adsb', 'decode', junk, '--receiver', '95,0').stderr).toMatch(/lat>,<lon>/);
  });

  it('listen: connects to a Beast port, prints Detections, stops after --duration', async () => {
    const msgs = [df17(0x4d2023, identMe('LIVE1')), ...Array.from({ length: 10 }, (_, i) => df17(0x4d2023, positionMe(37 + i * 0.001, 13.8, i % 2 === 1, 20000)))];
    const stream = Buffer.concat(msgs.map((m) => encodeBeastFrame(m)));
    const server = createServer((s) => {
      s.on('error', () => {});
      s.write(stream.subarray(0, 17));
      setTimeout(() => s.write(stream.subarray(17)), 20);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    const child = spawn(process.execPath, [bin, 'adsb', 'listen', `127.0.0.1:${port}`, '--format', 'beast', '--detections', '--duration', '1'], { cwd: root });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((r) => child.on('close', r));
    await new Promise<void>((r) => server.close(() => r()));
    expect(code, err).toBe(0);
    const dets = jsonLines(out);
    expect(dets).toHaveLength(9);
    expect(dets.every((d) => detectionSchema.safeParse(d).success)).toBe(true);
    expect(dets[0]).toMatchObject({ evidence: { icao: '4D2023', callsign: 'LIVE1' } });
    expect(err).toMatch(/adsb: connected/);
    expect(err).toMatch(/11 received, 11 decoded, 9 positions, 9 detections; rejected: none/);
  });
});
