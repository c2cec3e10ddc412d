/** `centinela rid decode` through the real CLI (bin/centinela.js over dist/, built by `npm run build`). */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { detectionSchema } from '../../../src/model/detection.js';
import { encodeBleAdvData, encodeMessage, encodeMessagePack } from '../../../src/ingest/remoteid/index.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const bin = join(root, 'bin', 'centinela.js');
const standards = process.env.CENTINELA_STANDARDS ?? resolve(root, '..', 'shared', 'standards');
const dir = join(standards, 'remoteid', 'opendroneid-wireshark-dissector');
const have = existsSync(join(dir, 'odid_wifi_bcn_sample.pcap'));
if (!have && process.env.CI === 'true') throw new Error(`CI needs the shared standards at ${standards}`);
if (!have) console.warn(`skipping rid CLI capture tests: ${dir} is absent`);
const describeStd = have ? describe : describe.skip;

const centinela = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: root });
const jsonLines = (s: string) => s.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);

describeStd('centinela rid decode on the opendroneid captures', () => {
  it('--jsonl prints one decoded frame per line for each capture', () => {
    const cases: [string, number, number][] = [
      ['odid_wifi_bcn_sample.pcap', 21, 105],
      ['odid_wifi_sample.pcap', 42, 42],
      ['odid_bt5_lr_sample.pcapng', 244, 1069],
    ];
    for (const [file, frames, messages] of cases) {
      const r = centinela('rid', 'decode', join(dir, file), '--jsonl');
      expect(r.status, r.stderr).toBe(0);
      const lines = jsonLines(r.stdout);
      expect(lines).toHaveLength(frames);
      expect(lines.reduce((s, l) => s + (l.messages as unknown[]).length, 0)).toBe(messages);
      expect(r.stderr).toContain(`${frames} Remote ID frames`);
    }
    const first = jsonLines(centinela('rid', 'decode', join(dir, 'odid_wifi_bcn_sample.pcap'), '--jsonl').stdout)[0];
    expect(first).toMatchObject({ index: 0, carrier: 'wifi-beacon', transmitter: '84:CC:A8:60:43:24', counter: 208, packed: true, time: '2021-05-21T21:52:11.161Z' });
    expect((first.messages as Record<string, unknown>[])[1]).toMatchObject({ type: 'location', latDeg: 45.5457468, lonDeg: -122.9681496, altitudeGeodeticM: 237 });
  });

  it('--detections prints schema-valid Detections; the default output is readable text', () => {
    const r = centinela('rid', 'decode', join(dir, 'odid_wifi_bcn_sample.pcap'), '--detections', '--sensor-id', 'rid-east');
    expect(r.status, r.stderr).toBe(0);
    const dets = jsonLines(r.stdout);
    expect(dets).toHaveLength(21);
    for (const d of dets) expect(detectionSchema.safeParse(d).success).toBe(true);
    expect(dets[0]).toMatchObject({ sensorId: 'rid-east', evidence: { remoteId: { serial: 'MFG1A0123456789' } } });
    const text = centinela('rid', 'decode', join(dir, 'odid_bt5_lr_sample.pcapng'));
    expect(text.stdout.split('\n')[0]).toMatch(/^#\d+ 2023-10-04T\S+ bt5-extended E0:7D:EA:EB:2F:1C ctr \d+: /);
    expect(text.stderr).toMatch(/rejected: ble-crc 30/);
  });
});

describe('centinela rid decode on hex and JSON feeds', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'centinela-rid-'));
  const basicMsg = { type: 'basic-id', protocolVersion: 2, idType: 1, uaType: 2, uasId: 'SN-TEST-1' } as const;
  const locMsg = {
    type: 'location' as const, protocolVersion: 2, status: 2, heightType: 0, directionDeg: 10, speedHorizontalMps: 5, speedVerticalMps: 0,
    latDeg: 26.1, lonDeg: -97.3, altitudePressureM: null, altitudeGeodeticM: 100, heightM: 50,
    horizontalAccuracy: 10, verticalAccuracy: 4, baroAccuracy: 0, speedAccuracy: 0, timestampTenths: null, timestampAccuracy: 0,
  } as const;
  const basic = encodeMessage(basicMsg);
  const loc = encodeMessage(locMsg);
  const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

  it('hex feed: frames per line, comments skipped, bad lines counted by reason', () => {
    const file = join(tmp, 'feed.hex');
    writeFileSync(file, [
      '# Bluetooth 4: Basic ID then Location from one transmitter',
      `1717200000.0 @02:11:22:33:44:55 ble-ad:${hex(encodeBleAdvData(1, basic))}`,
      `1717200000.5 @02:11:22:33:44:55 ${hex(encodeBleAdvData(2, loc))}`,
      `1717200001.0 message:${hex(encodeMessagePack([basicMsg, locMsg]))}`,
      'not hex at all',
      '',
    ].join('\n'));
    const r = centinela('rid', 'decode', file, '--jsonl');
    expect(r.status, r.stderr).toBe(0);
    expect(jsonLines(r.stdout).map((l) => [l.index, l.carrier, (l.messages as unknown[]).length])).toEqual([[1, 'bt4-legacy', 1], [2, 'bt4-legacy', 1], [3, 'unknown', 2]]);
    expect(r.stderr).toMatch(/4 inputs, 3 Remote ID frames \(4 messages\), 2 detections; rejected: hex-invalid 1/);
    const d = centinela('rid', 'decode', file, '--detections');
    expect(jsonLines(d.stdout).map((x) => (x.evidence as { remoteId: { serial: string } }).remoteId.serial)).toEqual(['SN-TEST-1', 'SN-TEST-1']);
  });

  it('receiver JSON (DroneID style) is detected and decoded', () => {
    const file = join(tmp, 'rx.json');
    writeFileSync(file, JSON.stringify([{ 'Basic ID': { id: 'SN-JSON', id_type: 'Serial Number (ANSI/CTA-2063-A)', MAC: '02:aa:bb:cc:dd:ee' } }, { 'Location/Vector Message': { latitude: 26.2, longitude: -97.1, geodetic_altitude: 80 } }]));
    const r = centinela('rid', 'decode', file, '--detections');
    expect(r.status, r.stderr).toBe(0);
    expect(jsonLines(r.stdout)[0]).toMatchObject({ measurement: { latDeg: 26.2, lonDeg: -97.1, heightAboveEllipsoidM: 80 }, evidence: { remoteId: { serial: 'SN-JSON' } } });
  });

  it('a missing file or a broken capture exits 1 with the reason', () => {
    const r = centinela('rid', 'decode', join(tmp, 'nope.pcap'));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/cannot read .*nope\.pcap/);
    const bad = join(tmp, 'bad.pcapng');
    writeFileSync(bad, Buffer.from('0a0d0d0a1c000000', 'hex'));
    const b = centinela('rid', 'decode', bad);
    expect(b.status).toBe(0);
    expect(b.stderr).toMatch(/pcapng-truncated-block 1/);
  });
});
