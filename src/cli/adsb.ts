/**
 * `centinela adsb …`: ADS-B tools for integrators.
 *
 *   centinela adsb decode <sbs|beast|avr file> [--jsonl] [--detections] [--receiver lat,lon]
 *   centinela adsb listen <host:port> --format sbs|beast [--detections] [--duration s]
 *
 * `decode` detects the format (Beast binary, SBS-1 text, AVR text) and prints one decoded
 * message per line; `listen` connects to a receiver's SBS (30003) or Beast (30005) port,
 * reconnecting with backoff, and prints what arrives. Counters go to stderr at the end.
 */
import { readFileSync } from 'node:fs';
import { InvalidArgumentError, type Command } from 'commander';
import { AdsbFeedClient, AdsbSource, decodeAdsbFile, type AdsbInputFormat, type AdsbItem } from '../ingest/adsb/index.js';

function latLon(v: string): { latDeg: number; lonDeg: number } {
  const [a, b] = v.split(',').map(Number);
  if (!Number.isFinite(a) || !Number.isFinite(b) || Math.abs(a) > 90 || Math.abs(b) > 180) throw new InvalidArgumentError('expected <lat>,<lon> in degrees');
  return { latDeg: a, lonDeg: b };
}

function hostPort(v: string): { host: string; port: number } {
  const m = /^(.*):(\d{1,5})$/.exec(v);
  const port = m ? Number(m[2]) : NaN;
  if (!m || !m[1] || port < 1 || port > 65535) throw new InvalidArgumentError('expected <host>:<port>');
  return { host: m[1].replace(/^\[(.*)\]$/, '$1'), port };
}

function isoTime(v: string): number {
  const t = Date.parse(v);
  if (!Number.isFinite(t)) throw new InvalidArgumentError('expected an ISO-8601 time');
  return t;
}

function positive(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a positive number');
  return n;
}

/** A decoded item as one JSON line (the Detection only with --detections). */
function itemJson(item: AdsbItem, index: number): string {
  const { detection: _d, ...rest } = item;
  return JSON.stringify({ index, ...rest });
}

function describe(item: AdsbItem): string {
  const parts: string[] = [item.format];
  if (item.hex) parts.push(item.hex);
  const m = item.modeS;
  if (m) {
    parts.push(`DF${m.df} ${m.icao}`);
    if (m.altitude) parts.push(`alt ${m.altitude.value} ${m.altitude.unit}`);
    if (m.squawk) parts.push(`squawk ${m.squawk}`);
    const es = m.es;
    if (es?.kind === 'identification') parts.push(`ident ${es.callsign.trim()}`);
    if (es?.kind === 'airborne-position') parts.push(`${es.odd ? 'odd' : 'even'} alt ${es.altitudeFt} ft`);
    if (es?.kind === 'airborne-velocity' && es.groundSpeedKt !== null) parts.push(`gs ${es.groundSpeedKt.toFixed(0)} kt trk ${es.trackDeg?.toFixed(0)}° vr ${es.verticalRateFtMin} ft/min`);
  }
  const s = item.sbs;
  if (s) {
    parts.push(`MSG,${s.transmissionType} ${s.icao}`);
    if (s.callsign) parts.push(s.callsign);
    if (s.altitudeFt !== null) parts.push(`alt ${s.altitudeFt} ft`);
  }
  if (item.position) parts.push(`pos ${item.position.latDeg.toFixed(5)},${item.position.lonDeg.toFixed(5)} (${item.position.method})`);
  return parts.join(' ');
}

function summary(label: string, c: AdsbSource['counters']): string {
  const rejected = Object.entries(c.rejected).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
  return `adsb: ${label}; ${c.received} received, ${c.accepted} decoded, ${c.positions} positions, ${c.detections} detections; rejected: ${rejected}\n`;
}

interface DecodeOpts {
  jsonl?: boolean;
  detections?: boolean;
  receiver?: { latDeg: number; lonDeg: number };
  sensorId: string;
  start: number;
}

function decodeCommand(file: string, opts: DecodeOpts): void {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch {
    throw new Error(`cannot read ${file}`);
  }
  const source = new AdsbSource({ sensorId: opts.sensorId, receiver: opts.receiver, beastTime: 'ticks', ticksBaseMs: opts.start, clock: () => opts.start });
  const out: string[] = [];
  let index = 0;
  const format: AdsbInputFormat | null = decodeAdsbFile(buf, source, (item) => {
    if (opts.detections) {
      if (item.detection) out.push(JSON.stringify(item.detection));
    } else out.push(opts.jsonl ? itemJson(item, index) : describe(item));
    index++;
    if (out.length >= 256) {
      process.stdout.write(out.join('\n') + '\n');
      out.length = 0;
    }
  });
  if (out.length) process.stdout.write(out.join('\n') + '\n');
  if (!format) throw new Error(`${file}: not a Beast, SBS or AVR file`);
  process.stderr.write(summary(`${file}: ${format}`, source.counters));
}

interface ListenOpts {
  format: 'sbs' | 'beast';
  jsonl?: boolean;
  detections?: boolean;
  receiver?: { latDeg: number; lonDeg: number };
  sensorId: string;
  duration?: number;
}

async function listenCommand(target: { host: string; port: number }, opts: ListenOpts): Promise<void> {
  let index = 0;
  const client = new AdsbFeedClient({
    host: target.host,
    port: target.port,
    format: opts.format,
    sensorId: opts.sensorId,
    receiver: opts.receiver,
    onItem: (item) => {
      if (opts.detections) {
        if (item.detection) process.stdout.write(JSON.stringify(item.detection) + '\n');
      } else process.stdout.write((opts.jsonl ? itemJson(item, index) : describe(item)) + '\n');
      index++;
    },
    onEvent: (e) => process.stderr.write(`adsb: ${e.type}${e.detail ? ` ${e.detail}` : ''}${e.delayMs !== undefined ? ` (retry in ${e.delayMs} ms)` : ''}\n`),
  });
  client.start();
  await new Promise<void>((resolve) => {
    const done = (): void => resolve();
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
    if (opts.duration) setTimeout(done, opts.duration * 1000).unref();
  });
  await client.stop();
  const c = client.counters();
  process.stderr.write(summary(`${target.host}:${target.port} (${c.connection.connects} connections)`, c));
}

export function registerAdsbCommands(program: Command): void {
  const adsb = program.command('adsb').description('ADS-B / Mode S tools (SBS-1, Beast, AVR)');
  adsb
    .command('decode')
    .description('decode an SBS-1, Beast or AVR file (format detected) into messages, positions and Detections')
    .argument('<file>', 'SBS-1 text (port 30003 dump), Beast binary (port 30005 dump) or AVR text')
    .option('--jsonl', 'print one decoded message per line as JSON')
    .option('--detections', 'print the Detections (JSON Lines) instead of the messages')
    .option('--receiver <lat,lon>', 'receiver position: enables local CPR decoding and range checks', latLon)
    .option('--sensor-id <id>', 'sensor id written into Detections', 'adsb')
    .option('--start <iso>', 'time of Beast/AVR timestamp 0 (their 12 MHz counter is not a clock)', isoTime, 0)
    .action((file: string, opts: DecodeOpts) => decodeCommand(file, opts));
  adsb
    .command('listen')
    .description("connect to a receiver's SBS (30003) or Beast (30005) port and print what arrives")
    .argument('<host:port>', 'receiver address', hostPort)
    .requiredOption('--format <format>', 'sbs or beast', (v: string) => {
      if (v !== 'sbs' && v !== 'beast') throw new InvalidArgumentError('sbs or beast');
      return v;
    })
    .option('--jsonl', 'print one decoded message per line as JSON')
    .option('--detections', 'print the Detections (JSON Lines) instead of the messages')
    .option('--receiver <lat,lon>', 'receiver position', latLon)
    .option('--sensor-id <id>', 'sensor id written into Detections', 'adsb')
    .option('--duration <seconds>', 'stop after this long', positive)
    .action((target: { host: string; port: number }, opts: ListenOpts) => listenCommand(target, opts));
}

