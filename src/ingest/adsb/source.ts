/**
 * An ADS-B source of any wire format (Beast, SBS, AVR): decode → aircraft table → Detections,
 * with every rejected input counted by reason.
 */
import type { Detection } from '../../model/detection.js';
import { AircraftTable, type AircraftTableOptions, type PositionFix } from './aircraft.js';
import { BeastDecoder, beastSignalDbfs, parseAvrLine, type BeastFrame } from './beast.js';
import { decodeModeS, type ModeSMessage } from './modes.js';
import { LineSplitter, parseSbsLine, type SbsRecord } from './sbs.js';

/** Per-source counters, a plain object (exported as-is to /metrics). */
export interface AdsbCounters {
  /** Input items seen: Beast frames, SBS lines, AVR lines. */
  received: number;
  /** Items that decoded. */
  accepted: number;
  /** Input problems by reason (CRC failures, malformed lines, bytes outside Beast frames, …). */
  rejected: Record<string, number>;
  /** Decoded positions. */
  positions: number;
  detections: number;
  /** Position messages that gave no position or no Detection, by reason (no CPR pair yet, …). */
  noPosition: Record<string, number>;
}

export const newAdsbCounters = (): AdsbCounters => ({ received: 0, accepted: 0, rejected: {}, positions: 0, detections: 0, noPosition: {} });

const bump = (m: Record<string, number>, k: string): void => {
  m[k] = (m[k] ?? 0) + 1;
};

/** One decoded input item (a `centinela adsb decode --jsonl` line). */
export interface AdsbItem {
  format: 'beast' | 'sbs' | 'avr';
  timeMs: number;
  /** Beast/AVR: 12 MHz receiver counter. */
  timestampTicks?: number | null;
  /** Beast: raw signal level and its dBFS. */
  signal?: number;
  rssiDbfs?: number | null;
  /** Beast/AVR: the message bytes as hex. */
  hex?: string;
  /** Decoded Mode S message. */
  modeS?: ModeSMessage;
  /** Beast type '1': Mode A/C reply code (not decoded further: A and C replies cannot be told apart). */
  modeAC?: string;
  sbs?: SbsRecord;
  position?: PositionFix;
  detection?: Detection;
}

export interface AdsbSourceOptions extends AircraftTableOptions {
  /** Receipt time for live feeds (default Date.now). */
  clock?: () => number;
  /**
   * Beast and AVR timestamps are a free-running 12 MHz counter, not a clock. 'receipt' (live)
   * stamps frames with `clock()`; 'ticks' (files) uses `ticksBaseMs + ticks / 12 000`.
   */
  beastTime?: 'receipt' | 'ticks';
  ticksBaseMs?: number;
  /** SBS date/time zone offset from UTC in minutes (dump1090 writes UTC). */
  sbsUtcOffsetMinutes?: number;
}

const hexOf = (b: Uint8Array): string => Array.from(b, (v) => (v < 16 ? '0' : '') + v.toString(16)).join('');

/** An ADS-B source of any format, sharing one aircraft table and one set of counters. */
export class AdsbSource {
  readonly counters: AdsbCounters = newAdsbCounters();
  readonly table: AircraftTable;
  private readonly clock: () => number;
  private readonly beastTime: 'receipt' | 'ticks';
  private readonly ticksBaseMs: number;
  private readonly sbsOffset: number;
  private readonly beast = new BeastDecoder();
  private readonly lines = new LineSplitter();

  constructor(opts: AdsbSourceOptions) {
    this.table = new AircraftTable(opts);
    this.clock = opts.clock ?? Date.now;
    this.beastTime = opts.beastTime ?? 'receipt';
    this.ticksBaseMs = opts.ticksBaseMs ?? 0;
    this.sbsOffset = opts.sbsUtcOffsetMinutes ?? 0;
  }

  private reject(reason: string): null {
    bump(this.counters.rejected, reason);
    return null;
  }

  private tickTime(ticks: number | null): number {
    return this.beastTime === 'ticks' && ticks !== null ? this.ticksBaseMs + ticks / 12_000 : this.clock();
  }

  /** A raw Mode S message (7 or 14 bytes) received at `timeMs`. */
  ingestModeS(data: Uint8Array, timeMs: number, extra: Partial<AdsbItem> & { format: AdsbItem['format'] }): AdsbItem | null {
    const r = decodeModeS(data);
    if (!r.ok) return this.reject(r.reason);
    this.counters.accepted++;
    const item: AdsbItem = { ...extra, timeMs, hex: hexOf(data), modeS: r.value };
    const t = this.table.handle(r.value, timeMs);
    this.record(item, t);
    return item;
  }

  private record(item: AdsbItem, t: ReturnType<AircraftTable['handle']>): void {
    if (t.fix) {
      item.position = t.fix;
      this.counters.positions++;
    }
    if (t.detection) {
      item.detection = t.detection;
      this.counters.detections++;
    }
    if (t.rejected) bump(this.counters.noPosition, t.rejected);
  }

  /** One Beast frame. */
  ingestBeastFrame(f: BeastFrame): AdsbItem | null {
    this.counters.received++;
    const timeMs = this.tickTime(f.timestampTicks);
    const extra = { format: 'beast' as const, timestampTicks: f.timestampTicks, signal: f.signal, rssiDbfs: beastSignalDbfs(f.signal) };
    if (f.type === 0x31) {
      this.counters.accepted++;
      return { ...extra, timeMs, hex: hexOf(f.data), modeAC: hexOf(f.data) };
    }
    return this.ingestModeS(f.data, timeMs, extra);
  }

  /** A chunk of a Beast byte stream (any size, frames may straddle chunks). */
  ingestBeastChunk(chunk: Uint8Array, onItem?: (item: AdsbItem) => void): void {
    this.beast.push(
      chunk,
      (f) => {
        const item = this.ingestBeastFrame(f);
        if (item && onItem) onItem(item);
      },
      (reason) => {
        if (reason !== 'beast-garbage') this.counters.received++;
        this.reject(reason);
      },
    );
  }

  /** One SBS line (blank lines ignored). */
  ingestSbsLine(line: string): AdsbItem | null {
    if (!line.trim()) return null;
    this.counters.received++;
    const r = parseSbsLine(line, this.sbsOffset);
    if (!r.ok) return this.reject(r.reason);
    this.counters.accepted++;
    const timeMs = r.value.timeMs ?? this.clock();
    const item: AdsbItem = { format: 'sbs', timeMs, sbs: r.value };
    this.record(item, this.table.handleSbs(r.value, timeMs));
    return item;
  }

  /** A chunk of an SBS text stream (lines may straddle chunks; over-long lines are dropped). */
  ingestSbsChunk(chunk: Uint8Array, onItem?: (item: AdsbItem) => void): void {
    this.lines.push(
      chunk,
      (line) => {
        const item = this.ingestSbsLine(line);
        if (item && onItem) onItem(item);
      },
      (reason) => {
        this.counters.received++;
        this.reject(reason);
      },
    );
  }

  /** One AVR line (blank lines ignored). */
  ingestAvrLine(line: string): AdsbItem | null {
    if (!line.trim()) return null;
    this.counters.received++;
    const r = parseAvrLine(line);
    if (!r.ok) return this.reject(r.reason);
    if (!r.value) return null;
    const { data, timestampTicks } = r.value;
    const timeMs = this.tickTime(timestampTicks);
    if (data.length === 2) {
      this.counters.accepted++;
      return { format: 'avr', timeMs, timestampTicks, hex: hexOf(data), modeAC: hexOf(data) };
    }
    return this.ingestModeS(data, timeMs, { format: 'avr', timestampTicks });
  }

  /** Drops partial frames/lines (after a reconnect the stream restarts mid-frame). */
  resetStreams(): void {
    this.beast.reset();
    this.lines.reset();
  }
}

export type AdsbInputFormat = 'beast' | 'sbs' | 'avr';

/** Beast if the bytes start with 0x1A and a frame type, SBS if the first line is a BaseStation record, AVR if it starts with '*' or '@'. */
export function detectAdsbFormat(buf: Uint8Array): AdsbInputFormat | null {
  let i = 0;
  while (i < buf.length && (buf[i] === 0x20 || buf[i] === 0x0a || buf[i] === 0x0d || buf[i] === 0x09)) i++;
  if (buf[i] === 0x1a && buf[i + 1] >= 0x31 && buf[i + 1] <= 0x33) return 'beast';
  const head = Buffer.from(buf.subarray(i, i + 8)).toString('latin1');
  if (/^(MSG|SEL|ID|AIR|STA|CLK),/.test(head)) return 'sbs';
  if (head[0] === '*' || head[0] === '@') return 'avr';
  // a Beast capture that starts mid-frame: look for frame starts
  let starts = 0;
  for (let k = 0; k + 1 < Math.min(buf.length, 4096); k++) if (buf[k] === 0x1a && buf[k + 1] >= 0x31 && buf[k + 1] <= 0x33) starts++;
  return starts >= 2 ? 'beast' : null;
}

/** Decodes a whole file (format detected), calling `onItem` for every decoded item in order. */
export function decodeAdsbFile(buf: Uint8Array, source: AdsbSource, onItem: (item: AdsbItem) => void): AdsbInputFormat | null {
  const format = detectAdsbFormat(buf);
  if (format === 'beast') source.ingestBeastChunk(buf, onItem);
  else if (format === 'sbs' || format === 'avr') {
    for (const line of Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString('utf8').split(/\r?\n/)) {
      const item = format === 'sbs' ? source.ingestSbsLine(line) : source.ingestAvrLine(line);
      if (item) onItem(item);
    }
  }
  return format;
}
