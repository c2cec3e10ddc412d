/**
 * Fuzzing every ADS-B decoder: ≥ 1,000,000 random and mutated inputs through the Mode S decoder
 * (half of them with a recomputed CRC so the extended-squitter decoders behind the CRC check
 * are reached), the aircraft table with its CPR decoding, CPR itself, the altitude and identity
 * codes, SBS-1 lines and streams, Beast streams cut into random chunks, and AVR lines. One
 * long-lived source takes every stream input, so its buffers and tables are shown to stay
 * bounded.
 *
 *   node dist/bench/fuzz/adsb.js [iterations=1000000] [seed=1]
 */
import {
  AdsbSource,
  cprGlobalAirborne,
  cprGlobalSurface,
  cprLocal,
  decodeAc12,
  decodeAc13,
  decodeId13,
  decodeModeS,
  encodeBeastFrame,
  parseAvrLine,
  parseSbsLine,
  setModeSParity,
} from '../../src/ingest/adsb/index.js';
import { Mutator, isMain, prng, printSummary, runFuzz, type FuzzResult, type FuzzOutcome, type FuzzTarget } from './harness.js';

type R = FuzzOutcome;
type Target = FuzzTarget;

const OK: R = { ok: true };

/** A plausible DF17 with a valid CRC: identification, position or velocity of one of a few aircraft. */
function es(m: Mutator): Uint8Array {
  const b = new Uint8Array(14);
  b[0] = (17 << 3) | 5;
  const icao = [0x4d2023, 0xa1b2c3, 0x3c6586][m.int(3)];
  b[1] = icao >> 16;
  b[2] = (icao >> 8) & 0xff;
  b[3] = icao & 0xff;
  const tc = m.pick([1, 2, 3, 4, 5, 7, 9, 11, 13, 18, 19, 20, 22, 28, 29, 31]);
  b.set(m.bytes(7), 4);
  b[4] = (tc << 3) | (b[4] & 7);
  return setModeSParity(b);
}

function buildTargets(m: Mutator, sink: AdsbSource): Target[] {
  const enc = new TextEncoder();
  const dec = new TextDecoder();
  const long = Array.from({ length: 64 }, () => es(m));
  const short = Array.from({ length: 16 }, () => {
    const b = m.bytes(7);
    b[0] = (m.pick([0, 4, 5, 11]) << 3) | (b[0] & 7);
    return setModeSParity(b, m.int(2) ? 0x4d2023 : 0);
  });
  const frames = [...long, ...short];
  const beast = Array.from({ length: 16 }, () => Buffer.concat(Array.from({ length: 1 + m.int(6) }, () => encodeBeastFrame(m.pick(frames), m.int(2 ** 48), m.int(256)))));
  const sbs = [
    'MSG,3,1,1,4D2023,1,2026/11/27,16:49:24.512,2026/11/27,16:49:24.512,,22175,,,37.06671,13.80247,,,0,,0,0',
    'MSG,4,,,4D2023,,,,,,,,385,157,,,-1920,,0,0,0,0',
    'MSG,1,1,1,4D2023,1,2026/11/27,16:49:24.512,2026/11/27,16:49:24.512,AMC421  ,,,,,,,,,,,0',
    'MSG,6,1,1,4D2023,1,2026/11/27,16:49:24.411,2026/11/27,16:49:24.411,,,,,,,,0112,0,0,0,',
    'MSG,2,,,~ABCDEF,,,,,,,,12,90,26.1,-97.5,,,,,,-1',
    'MSG,5,,,4D2023,,,,,,,21025,,,,,,,,,,',
    'STA,,5,179,400AA5,10103,2008/11/28,14:58:51.153,2008/11/28,14:58:51.153,RM',
  ].map((l) => enc.encode(l));
  const avr = frames.slice(0, 24).map((f, i) => enc.encode(i % 2 ? `*${Buffer.from(f).toString('hex')};` : `@${(i * 12345).toString(16).padStart(12, '0')}${Buffer.from(f).toString('hex')};`));
  const cprSeeds = Array.from({ length: 8 }, () => m.bytes(16));
  const u32 = (b: Uint8Array, o: number) => ((b[o] ?? 0) | ((b[o + 1] ?? 0) << 8) | ((b[o + 2] ?? 0) << 16) | ((b[o + 3] ?? 0) << 24)) >>> 0;
  const count = <T extends { ok: boolean; reason?: string }>(r: T): R => (r.ok ? OK : { ok: false, reason: r.reason! });

  return [
    { name: 'modes-raw', seeds: frames, maxLen: 20, run: (b) => count(decodeModeS(b)) },
    {
      name: 'modes-crc-fixed',
      seeds: frames,
      maxLen: 14,
      run: (b) => {
        // fix the parity so the message gets past the CRC into the field decoders and the table
        const msg = b.length === 14 || b.length === 7 ? setModeSParity(Uint8Array.from(b), b.length === 7 && b[0] >> 3 !== 11 ? 0x4d2023 : 0) : b;
        const r = sink.ingestModeS(msg, m.int(600_000), { format: 'avr' });
        return r ? OK : { ok: false, reason: lastReason(sink) };
      },
    },
    {
      name: 'cpr',
      seeds: cprSeeds,
      maxLen: 16,
      run: (b) => {
        const e = { lat: u32(b, 0) & 0x1ffff, lon: u32(b, 4) & 0x1ffff };
        const o = { lat: u32(b, 8) & 0x1ffff, lon: u32(b, 12) & 0x1ffff };
        const refLat = ((u32(b, 2) / 2 ** 32) * 180 - 90) * 0.999;
        const refLon = (u32(b, 6) / 2 ** 32) * 360 - 180;
        const rs = [cprGlobalAirborne(e, o, (b[0] & 1) === 1), cprGlobalSurface(e, o, (b[1] & 1) === 1, refLat, refLon), cprLocal(e, (b[2] & 1) === 1, refLat, refLon, (b[3] & 1) === 1)];
        for (const r of rs) if (r.ok && !(Math.abs(r.latDeg) <= 90 && Math.abs(r.lonDeg) <= 180)) throw new Error(`CPR out of range ${r.latDeg},${r.lonDeg}`);
        return rs.map(count);
      },
    },
    {
      name: 'codes',
      seeds: cprSeeds,
      maxLen: 8,
      run: (b) => {
        const v = u32(b, 0);
        decodeAc13(v & 0x1fff);
        decodeAc12(v & 0xfff);
        decodeId13((v >> 13) & 0x1fff);
        return OK;
      },
    },
    { name: 'sbs-line', seeds: sbs, maxLen: 1100, run: (b) => count(parseSbsLine(dec.decode(b))) },
    {
      name: 'sbs-stream',
      seeds: sbs.map((l) => enc.encode(dec.decode(l) + '\r\n' + dec.decode(m.pick(sbs)) + '\n')),
      maxLen: 2500,
      run: (b) => streamed(sink, b, m, 'sbs'),
    },
    { name: 'beast-stream', seeds: beast, maxLen: 600, run: (b) => streamed(sink, b, m, 'beast') },
    {
      name: 'avr-line',
      seeds: avr,
      maxLen: 80,
      run: (b) => {
        const r = parseAvrLine(dec.decode(b));
        if (r.ok && r.value) sink.ingestAvrLine(dec.decode(b));
        return count(r);
      },
    },
  ];
}

/** The most recent rejection reason the source counted (sources count, they do not return reasons). */
let lastCounts: Record<string, number> = {};
function lastReason(src: AdsbSource): string {
  for (const [k, v] of Object.entries(src.counters.rejected)) {
    if (v !== (lastCounts[k] ?? 0)) {
      lastCounts = { ...src.counters.rejected };
      return k;
    }
  }
  return 'unknown';
}

/** Feeds a stream in random chunk sizes and reports every rejection the source counted meanwhile. */
function streamed(src: AdsbSource, b: Uint8Array, m: Mutator, kind: 'sbs' | 'beast'): R[] {
  const before = { ...src.counters.rejected };
  const acc0 = src.counters.accepted;
  for (let o = 0; o < b.length; ) {
    const n = 1 + m.int(32);
    if (kind === 'beast') src.ingestBeastChunk(b.subarray(o, o + n));
    else src.ingestSbsChunk(b.subarray(o, o + n));
    o += n;
  }
  const out: R[] = [];
  for (let k = src.counters.accepted - acc0; k > 0; k--) out.push(OK);
  for (const [k, v] of Object.entries(src.counters.rejected)) for (let d = v - (before[k] ?? 0); d > 0; d--) out.push({ ok: false, reason: k });
  lastCounts = { ...src.counters.rejected };
  return out;
}

export function fuzzAdsb(iterations = 1_000_000, seed = 1): FuzzResult {
  const m = new Mutator(prng(seed));
  const sink = new AdsbSource({ sensorId: 'fuzz', receiver: { latDeg: 37, lonDeg: 13.8 }, maxAircraft: 256, clock: () => 0 });
  lastCounts = {};
  const targets = buildTargets(m, sink);
  const res = runFuzz(targets, iterations, m, [0, 0xff, 0x1a, 0x1a, 0x31, 0x33, 0x0a, 0x2c, 0x8d]);
  if (sink.table.size > 256) res.crashes++; // the table must stay within its bound
  return res;
}

if (isMain(import.meta.url)) {
  const iterations = Number(process.argv[2] ?? 1_000_000);
  const seed = Number(process.argv[3] ?? 1);
  const r = fuzzAdsb(iterations, seed);
  printSummary('ADS-B', r);
  process.exitCode = r.crashes || r.hangs ? 1 : 0;
}
