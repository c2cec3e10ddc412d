/**
 * `centinela rid …`: Remote ID tools for integrators.
 *
 *   centinela rid decode <capture|hexfile|json> [--jsonl] [--detections]
 *
 * Prints one decoded frame per input frame (human-readable, or JSON with --jsonl), or the
 * Detections the frames produce (--detections, JSON Lines); a summary with the counters goes to
 * stderr. Inputs: pcap/pcapng (radiotap/802.11, Bluetooth LE link layer with or without PHDR,
 * nRF Sniffer), a hex feed, or receiver JSON (formats in src/ingest/remoteid/feed.ts).
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { RemoteIdSource, decodeRemoteIdFile, frameToJson, type RidFrame, type RidMessage } from '../ingest/remoteid/index.js';

interface DecodeOptions {
  jsonl?: boolean;
  detections?: boolean;
  sensorId: string;
  crc: boolean;
}

function describeMessage(m: RidMessage): string {
  switch (m.type) {
    case 'basic-id':
      return `basic-id ${m.uasId} (id type ${m.idType}, ua type ${m.uaType})`;
    case 'location': {
      const pos = m.latDeg === null ? 'no position' : `${m.latDeg.toFixed(7)},${m.lonDeg!.toFixed(7)}`;
      const alt = m.altitudeGeodeticM !== null ? ` hae ${m.altitudeGeodeticM} m` : m.altitudePressureM !== null ? ` baro ${m.altitudePressureM} m` : '';
      const v = m.speedHorizontalMps !== null ? ` ${m.speedHorizontalMps} m/s` : '';
      const d = m.directionDeg !== null ? ` → ${m.directionDeg}°` : '';
      return `location ${pos}${alt}${v}${d} status ${m.status}`;
    }
    case 'auth':
      return `auth type ${m.authType} page ${m.page}`;
    case 'self-id':
      return `self-id "${m.description}"`;
    case 'system':
      return `system operator ${m.operatorLatDeg === null ? 'unknown' : `${m.operatorLatDeg.toFixed(7)},${m.operatorLonDeg!.toFixed(7)}`}`;
    case 'operator-id':
      return `operator-id ${m.operatorId}`;
  }
}

function describeFrame(f: RidFrame, index: number): string {
  const t = f.timeMs !== null && Number.isFinite(f.timeMs) ? new Date(f.timeMs).toISOString() : '-';
  const msgs = f.messages.length ? f.messages.map(describeMessage).join('; ') : '(empty pack)';
  return `#${index} ${t} ${f.carrier} ${f.transmitter ?? '-'}${f.counter !== null ? ` ctr ${f.counter}` : ''}: ${msgs}`;
}

function decodeCommand(file: string, opts: DecodeOptions): void {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch {
    throw new Error(`cannot read ${file}`);
  }
  const source = new RemoteIdSource({ sensorId: opts.sensorId, verifyCrc: opts.crc });
  const out: string[] = [];
  const flush = (): void => {
    if (out.length) process.stdout.write(out.join('\n') + '\n');
    out.length = 0;
  };
  const { format, problems } = decodeRemoteIdFile(buf, source, (item) => {
    if (opts.detections) for (const d of item.detections) out.push(JSON.stringify(d));
    else if (item.frame) out.push(opts.jsonl ? JSON.stringify(frameToJson(item.frame, item.index)) : describeFrame(item.frame, item.index));
    if (out.length >= 256) flush();
  });
  flush();
  const c = source.counters;
  const rejected = Object.entries({ ...c.rejected, ...problems }).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
  const none = Object.entries(c.noDetection).map(([k, v]) => `${k} ${v}`).join(', ');
  process.stderr.write(`rid: ${file}: ${format}; ${c.received} inputs, ${c.accepted} Remote ID frames (${c.messages} messages), ${c.detections} detections${none ? ` (no detection: ${none})` : ''}; rejected: ${rejected}\n`);
  const fatal = Object.keys(problems).find((k) => k === 'capture-unknown-format' || k.endsWith('no-section-header') || k.endsWith('short-header'));
  if (fatal) throw new Error(`${file}: ${fatal}`);
}

export function registerRemoteIdCommands(program: Command): void {
  const rid = program.command('rid').description('drone Remote ID (ASTM F3411 / ASD-STAN prEN 4709-002) tools');
  rid
    .command('decode')
    .description('decode Remote ID frames from a pcap/pcapng capture, a hex feed or receiver JSON')
    .argument('<file>', 'capture (.pcap/.pcapng), hex feed (one frame per line) or JSON')
    .option('--jsonl', 'print one decoded frame per line as JSON')
    .option('--detections', 'print the Detections (JSON Lines) instead of the frames')
    .option('--sensor-id <id>', 'sensor id written into Detections', 'remoteid')
    .option('--no-crc', 'accept Bluetooth packets whose CRC does not check')
    .action((file: string, opts: DecodeOptions) => decodeCommand(file, opts));
}
