/**
 * Fuzzing the SAPIENT ingest path: framing → protobuf decode → validation (and, for a share of
 * the inputs, proto3 JSON parsing), with random and mutated inputs built from a corpus of valid
 * messages: Dstl's 38 golden framed messages when ../shared/standards is present, plus messages
 * our own builders make (so the fuzzer runs anywhere).
 *
 * Mutations: random bytes; bit flips; truncation; length-prefix corruption (random, off by a
 * little, hostile 2³²−1); field splicing (the head of one message glued to the tail of another,
 * a whole field of one inserted into another); byte insertion / deletion / duplication; deep
 * nesting (a sub-class chain past protobufjs' recursion limit); several frames in one stream
 * fed through the decoder in random slices.
 *
 * Every input must end in "accepted" or in a reject with a reason; anything thrown is a crash.
 * Memory is sampled as it runs; the slowest single input is reported as the hang indicator.
 *
 *   node dist/bench/fuzz/sapient.js [iterations=1000000] [seed=1]
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { FrameDecoder, frame } from '../../src/ingest/sapient/framing.js';
import { prng } from './harness.js';
import { sapientToJson } from '../../src/ingest/sapient/json.js';
import { encodeSapientMessage, type ProtoObject } from '../../src/ingest/sapient/schema.js';
import { parseSapientBinary, parseSapientJson } from '../../src/ingest/sapient/validate.js';
import { fusionNodeRegistration, statusReport, trackReport } from '../../src/outputs/sapient/report.js';

export interface FuzzSummary {
  iterations: number;
  /** Frames (messages) that reached the decoder, and of those the valid ones. */
  frames: number;
  accepted: number;
  crashes: number;
  crashSamples: string[];
  rejectsByReason: Record<string, number>;
  maxHeapMB: number;
  seconds: number;
  /** Longest time any single input took [ms]: a hang would show here first. */
  slowestMs: number;
  corpus: number;
}

const MAX_MESSAGE_BYTES = 64 * 1024;

function corpus(): Uint8Array[] {
  const out: Uint8Array[] = [];
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
  const golden = process.env.CENTINELA_STANDARDS
    ? join(process.env.CENTINELA_STANDARDS, 'sapient', 'samples', 'valid-framed-bin')
    : resolve(root, '..', 'shared', 'standards', 'sapient', 'samples', 'valid-framed-bin');
  if (existsSync(golden)) {
    for (const f of readdirSync(golden).sort()) if (f.endsWith('.bin')) out.push(new Uint8Array(readFileSync(join(golden, f)).subarray(4)));
  }
  const node = 'a8654cdf-4328-47de-81fa-c495589e30c8';
  const t = Date.parse('2025-11-14T04:00:00Z');
  const own: ProtoObject[] = [
    fusionNodeRegistration(t, { nodeId: node, name: 'fuzz', shortName: 'f', statusIntervalMs: 1000, softwareVersion: '0' }),
    statusReport(t, node, undefined, '01JCRS00000000000000000001', { first: true, location: { latDeg: 26.1, lonDeg: -98.2, heightAboveEllipsoidM: 20 } }),
    trackReport({ id: 1, timeMs: t, latDeg: 26.1, lonDeg: -98.2, heightAboveEllipsoidM: 80, velocityEnuMps: [1, 2, 3], classProbabilities: { 'rotary-drone': 0.7, bird: 0.3 } }, node, undefined, '01JCRS00000000000000000002', '01JCRS00000000000000000003'),
  ];
  for (const m of own) out.push(encodeSapientMessage(m));
  return out;
}

/** A chain of DetectionReport sub-classes `depth` deep: tests the recursion limits. */
function deepNesting(depth: number): Uint8Array {
  // SubClass { type = "x" (1), level = 1 (3), sub_class = <next> (4) }, innermost first.
  let inner: Uint8Array = new Uint8Array([0x0a, 0x01, 0x78, 0x18, 0x01]);
  for (let i = 0; i < depth; i++) inner = concat(new Uint8Array([0x0a, 0x01, 0x78, 0x18, 0x01]), tagLen(4, inner));
  const classification = concat(new Uint8Array([0x0a, 0x01, 0x78]), tagLen(3, inner)); // DetectionReportClassification
  return tagLen(7, tagLen(11, classification)); // SapientMessage.detection_report.classification
}

function tagLen(field: number, body: Uint8Array): Uint8Array {
  return concat(varint((field << 3) | 2), varint(body.length), body);
}

function varint(n: number): Uint8Array {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return Uint8Array.from(out);
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Reads the field boundaries of a message's top level (for splicing whole fields). */
function topLevelFields(b: Uint8Array): [number, number][] {
  const out: [number, number][] = [];
  let i = 0;
  while (i < b.length) {
    const start = i;
    let tag = 0, shift = 0;
    while (i < b.length && b[i] & 0x80) {
      tag += (b[i++] & 0x7f) * 2 ** shift;
      shift += 7;
    }
    if (i >= b.length) break;
    tag += b[i++] * 2 ** shift;
    const wt = tag % 8;
    if (wt === 0) {
      while (i < b.length && b[i] & 0x80) i++;
      i++;
    } else if (wt === 2) {
      let len = 0;
      shift = 0;
      while (i < b.length && b[i] & 0x80) {
        len += (b[i++] & 0x7f) * 2 ** shift;
        shift += 7;
      }
      if (i >= b.length) break;
      len += b[i++] * 2 ** shift;
      i += len;
    } else if (wt === 1) i += 8;
    else if (wt === 5) i += 4;
    else break;
    if (i > b.length) break;
    out.push([start, i]);
  }
  return out;
}

/** One fuzz input: the stream bytes a peer would send, and how they are sliced into reads. */
function makeInput(r: () => number, seeds: Uint8Array[], fields: [number, number][][], deep: Uint8Array[]): { stream: Uint8Array } {
  const pick = () => Math.floor(r() * seeds.length);
  const int = (n: number) => Math.floor(r() * n);
  const k = pick();
  const s = seeds[k];
  switch (int(11)) {
    case 0: // random bytes, as a stream
      return { stream: Uint8Array.from({ length: int(200) }, () => int(256)) };
    case 1: // random bytes, framed correctly
      return { stream: frame(Uint8Array.from({ length: int(300) }, () => int(256))) };
    case 2: { // bit flips
      const b = frame(s).slice();
      for (let n = 1 + int(8); n > 0; n--) {
        const at = 4 + int(b.length - 4);
        b[at] ^= 1 << int(8);
      }
      return { stream: b };
    }
    case 3: { // truncation
      const f = frame(s);
      return { stream: f.subarray(0, int(f.length)) };
    }
    case 4: { // length-prefix corruption
      const b = frame(s).slice();
      const v = [int(2 ** 32), s.length + int(9) - 4, 0xffffffff, int(MAX_MESSAGE_BYTES * 2), 0][int(5)] >>> 0;
      new DataView(b.buffer, b.byteOffset).setUint32(0, Math.max(0, v), true);
      return { stream: b };
    }
    case 5: { // splice: head of one message, tail of another
      const o = seeds[pick()];
      return { stream: frame(concat(s.subarray(0, int(s.length + 1)), o.subarray(int(o.length + 1)))) };
    }
    case 6: { // a whole top-level field of another message inserted at a field boundary
      const fa = fields[k];
      const j = pick();
      const fb = fields[j];
      if (!fa.length || !fb.length) return { stream: frame(s) };
      const [bs, be] = fb[int(fb.length)];
      const at = fa[int(fa.length)][int(2)];
      return { stream: frame(concat(s.subarray(0, at), seeds[j].subarray(bs, be), s.subarray(at))) };
    }
    case 7: { // byte insertion, deletion, duplication
      const at = int(s.length + 1), n = 1 + int(16);
      const op = int(3);
      const body = op === 0 ? concat(s.subarray(0, at), Uint8Array.from({ length: n }, () => int(256)), s.subarray(at))
        : op === 1 ? concat(s.subarray(0, at), s.subarray(Math.min(s.length, at + n)))
          : concat(s.subarray(0, at), s.subarray(at, at + n), s.subarray(at));
      return { stream: frame(body) };
    }
    case 8: // deep nesting past the decoder's recursion limit (or just under it)
      return { stream: deep[int(deep.length)] };
    case 9: { // several frames, some broken, in one stream
      const parts: Uint8Array[] = [];
      for (let n = 2 + int(5); n > 0; n--) {
        const m = seeds[pick()];
        parts.push(r() < 0.6 ? frame(m) : frame(m.subarray(0, int(m.length))));
      }
      return { stream: concat(...parts) };
    }
    default: // the message unchanged (valid traffic in the mix)
      return { stream: frame(s) };
  }
}

function reasonOf(rule: string, message: string): string {
  if (rule !== 'protobuf_wire') return rule;
  // protobufjs' exception text without its particulars: "index out of range", "invalid wire type".
  const text = message.replace(/^protobuf_wire: /, '').split(':')[0].replace(/\s*\d+.*$/, '');
  return `protobuf_wire: ${/not valid for encoding utf/i.test(text) ? 'invalid UTF-8' : text}`;
}

export async function fuzzSapient(iterations: number, seed: number): Promise<FuzzSummary> {
  const seeds = corpus();
  const fields = seeds.map(topLevelFields);
  // Built once: nesting just under, at and far past protobufjs' limit of 100.
  const deep = [40, 95, 97, 98, 99, 100, 101, 120, 500, 3000].map((d) => frame(deepNesting(d)));
  const jsonSeeds = seeds.map((s) => JSON.stringify(sapientToJson(parseSapientBinary(s).message ?? {})));
  const r = prng(seed);
  const rejects: Record<string, number> = {};
  const bump = (k: string) => (rejects[k] = (rejects[k] ?? 0) + 1);
  const crashSamples: string[] = [];
  let crashes = 0, frames = 0, accepted = 0, slowest = 0, maxHeap = 0;
  const t0 = performance.now();

  for (let it = 0; it < iterations; it++) {
    const s0 = performance.now();
    try {
      if (r() < 0.05) {
        // proto3 JSON: character flips and truncations of a valid message's JSON.
        let text = jsonSeeds[Math.floor(r() * jsonSeeds.length)];
        const cuts = Math.floor(r() * 4);
        for (let c = 0; c < cuts; c++) {
          const at = Math.floor(r() * text.length);
          text = r() < 0.2 ? text.slice(0, at) : text.slice(0, at) + String.fromCharCode(32 + Math.floor(r() * 95)) + text.slice(at + 1);
        }
        frames++;
        const res = parseSapientJson(text);
        if (res.violations.length === 0) accepted++;
        else bump(`json: ${res.violations[0].rule}`);
      } else {
        const { stream } = makeInput(r, seeds, fields, deep);
        const dec = new FrameDecoder(MAX_MESSAGE_BYTES);
        let off = 0;
        while (off < stream.length) {
          const n = 1 + Math.floor(r() * Math.max(1, stream.length));
          dec.push(stream.subarray(off, off + n), (ev) => {
            if (ev.kind === 'error') {
              bump(ev.violation.rule);
              return;
            }
            frames++;
            const res = parseSapientBinary(ev.payload);
            if (res.violations.length === 0) accepted++;
            else bump(reasonOf(res.violations[0].rule, res.violations[0].message));
          });
          off += n;
        }
        const end = dec.end();
        if (end) bump(end.rule);
        if (dec.buffered !== 0) throw new Error('decoder kept bytes after end()');
      }
    } catch (e) {
      crashes++;
      if (crashSamples.length < 5) crashSamples.push(e instanceof Error ? (e.stack ?? e.message) : String(e));
    }
    const dt = performance.now() - s0;
    if (dt > slowest) slowest = dt;
    if ((it & 0x3fff) === 0) {
      maxHeap = Math.max(maxHeap, process.memoryUsage().heapUsed);
      await new Promise((res) => setImmediate(res)); // let timers and GC breathe on long runs
    }
  }
  maxHeap = Math.max(maxHeap, process.memoryUsage().heapUsed);
  return {
    iterations,
    frames,
    accepted,
    crashes,
    crashSamples,
    rejectsByReason: Object.fromEntries(Object.entries(rejects).sort((a, b) => b[1] - a[1])),
    maxHeapMB: Math.round((maxHeap / 2 ** 20) * 10) / 10,
    seconds: Math.round((performance.now() - t0) / 100) / 10,
    slowestMs: Math.round(slowest * 100) / 100,
    corpus: seeds.length,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const iterations = Number(process.argv[2] ?? 1_000_000);
  const seed = Number(process.argv[3] ?? 1);
  fuzzSapient(iterations, seed).then(
    (s) => {
      process.stdout.write(JSON.stringify(s, null, 2) + '\n');
      process.exit(s.crashes ? 1 : 0);
    },
    (e) => {
      process.stderr.write(`fuzz failed: ${e instanceof Error ? e.stack : String(e)}\n`);
      process.exit(2);
    },
  );
}
