/**
 * Remote ID ingest: inputs (captures, hex feed, receiver JSON) → frames → per-drone state →
 * Detections, with every rejected input counted by reason.
 */
import type { Detection } from '../../model/detection.js';
import { detectCaptureFormat, readCapture, type CaptureRecord } from '../pcap/reader.js';
import { RemoteIdAssembler, type RemoteIdAssemblerOptions } from './assembler.js';
import type { BleLinkOptions } from './ble.js';
import { decodeCaptureRecord, type RidFrame } from './frame.js';
import { decodeHexLine, decodeReceiverJson, parseJsonDocument } from './feed.js';

export * from './messages.js';
export * from './ble.js';
export * from './wifi.js';
export * from './frame.js';
export * from './feed.js';
export * from './assembler.js';

/** Per-source counters, a plain object (exported as-is to /metrics). */
export interface RidCounters {
  /** Inputs seen: capture records, hex lines (not blank/comment), JSON values. */
  received: number;
  /** Inputs that decoded to a Remote ID frame. */
  accepted: number;
  /** Inputs not accepted, by reason ('not-remote-id' counts other traffic in a capture). */
  rejected: Record<string, number>;
  /** Remote ID messages inside accepted frames. */
  messages: number;
  detections: number;
  /** Location messages that gave no Detection, by reason (no GNSS fix yet, no altitude, …). */
  noDetection: Record<string, number>;
}

export const newRidCounters = (): RidCounters => ({ received: 0, accepted: 0, rejected: {}, messages: 0, detections: 0, noDetection: {} });

function count(c: RidCounters, reason: string): void {
  c.rejected[reason] = (c.rejected[reason] ?? 0) + 1;
}

export interface RemoteIdSourceOptions extends RemoteIdAssemblerOptions, BleLinkOptions {}

/** A Remote ID source: decodes inputs, assembles drones, emits Detections, counts everything. */
export class RemoteIdSource {
  readonly counters: RidCounters = newRidCounters();
  readonly assembler: RemoteIdAssembler;
  private readonly link: BleLinkOptions;

  constructor(opts: RemoteIdSourceOptions) {
    this.assembler = new RemoteIdAssembler(opts);
    this.link = { verifyCrc: opts.verifyCrc };
  }

  /** A capture record (pcap/pcapng). */
  ingestRecord(rec: Pick<CaptureRecord, 'linkType' | 'data' | 'timeMs'>): { frame: RidFrame | null; detections: Detection[] } {
    this.counters.received++;
    const r = decodeCaptureRecord(rec, this.link);
    if (!r.ok) {
      count(this.counters, r.reason);
      return { frame: null, detections: [] };
    }
    return { frame: r.value, detections: this.frame(r.value) };
  }

  /** A line of the hex feed (blank and comment lines are ignored, not counted). */
  ingestHexLine(line: string): { frame: RidFrame | null; detections: Detection[] } {
    const r = decodeHexLine(line);
    if (r.ok && r.value === null) return { frame: null, detections: [] };
    this.counters.received++;
    if (!r.ok) {
      count(this.counters, r.reason);
      return { frame: null, detections: [] };
    }
    return { frame: r.value, detections: this.frame(r.value!) };
  }

  /** One JSON value from a receiver. */
  ingestJson(value: unknown, timeMs: number | null = null): { frame: RidFrame | null; detections: Detection[] } {
    this.counters.received++;
    const r = decodeReceiverJson(value, timeMs);
    if (!r.ok) {
      count(this.counters, r.reason);
      return { frame: null, detections: [] };
    }
    return { frame: r.value, detections: this.frame(r.value) };
  }

  private frame(f: RidFrame): Detection[] {
    this.counters.accepted++;
    this.counters.messages += f.messages.length;
    const a = this.assembler.ingest(f);
    for (const reason of a.rejected) this.counters.noDetection[reason] = (this.counters.noDetection[reason] ?? 0) + 1;
    this.counters.detections += a.detections.length;
    return a.detections;
  }
}

export type RidInputFormat = 'pcap' | 'pcapng' | 'json' | 'hex';

/** Decides what a Remote ID input file is: a capture by its magic, JSON by its first character, else hex. */
export function detectRidInputFormat(buf: Uint8Array): RidInputFormat {
  const cap = detectCaptureFormat(buf);
  if (cap) return cap;
  let i = 0;
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) i = 3; // UTF-8 BOM
  while (i < buf.length && (buf[i] === 0x20 || buf[i] === 0x09 || buf[i] === 0x0a || buf[i] === 0x0d)) i++;
  return buf[i] === 0x7b || buf[i] === 0x5b ? 'json' : 'hex';
}

export interface RidFileItem {
  /** Index of the input item (capture record, line, JSON value), from 0. */
  index: number;
  frame: RidFrame | null;
  detections: Detection[];
}

/** Decodes a whole file through a source, calling `onItem` for every input item in order. */
export function decodeRemoteIdFile(buf: Uint8Array, source: RemoteIdSource, onItem: (item: RidFileItem) => void): { format: RidInputFormat; problems: Record<string, number> } {
  const format = detectRidInputFormat(buf);
  const problems: Record<string, number> = {};
  if (format === 'pcap' || format === 'pcapng') {
    const cap = readCapture(buf);
    if (!cap.ok) {
      problems[cap.reason] = 1;
      return { format, problems };
    }
    Object.assign(problems, cap.value.problems);
    cap.value.records.forEach((rec, index) => onItem({ index, ...source.ingestRecord(rec) }));
  } else if (format === 'json') {
    const doc = parseJsonDocument(Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString('utf8'));
    if (doc.bad) problems['json-unparsable-line'] = doc.bad;
    doc.values.forEach((v, index) => onItem({ index, ...source.ingestJson(v) }));
  } else {
    const lines = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString('utf8').split(/\r?\n/);
    lines.forEach((line, index) => {
      const r = source.ingestHexLine(line);
      if (r.frame || r.detections.length || !/^\s*(#.*)?$/.test(line)) onItem({ index, ...r });
    });
  }
  return { format, problems };
}

/** A frame as one JSON-serialisable object (the `rid decode --jsonl` line). */
export function frameToJson(f: RidFrame, index?: number): Record<string, unknown> {
  return {
    ...(index !== undefined ? { index } : {}),
    timeMs: f.timeMs,
    time: f.timeMs !== null && Number.isFinite(f.timeMs) ? new Date(f.timeMs).toISOString() : null,
    carrier: f.carrier,
    transmitter: f.transmitter,
    counter: f.counter,
    rssiDbm: f.rssiDbm,
    packed: f.packed,
    messages: f.messages,
  };
}
