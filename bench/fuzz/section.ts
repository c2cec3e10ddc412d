/**
 * The fuzzing section of bench/RESULTS.md: each decoder family takes a million random and
 * mutated inputs; the table shows that none crashed or hung and how the rejects were counted.
 */
import { fuzzAdsb } from './adsb.js';
import { fuzzCot } from './cot.js';
import { fuzzRemoteId } from './remoteid.js';
import { fuzzSapient } from './sapient.js';

const ITERATIONS = 1_000_000;

interface Row {
  name: string;
  iterations: number;
  crashes: number;
  rejects: number;
  reasons: number;
  maxHeapMB: number;
  seconds: number;
  slowestMs: number;
}

function row(name: string, r: { iterations: number; crashes: number; rejectsByReason: Record<string, number>; maxHeapMB: number; seconds: number }, slowestMs: number): Row {
  const counts = Object.values(r.rejectsByReason);
  return { name, iterations: r.iterations, crashes: r.crashes, rejects: counts.reduce((a, b) => a + b, 0), reasons: counts.length, maxHeapMB: r.maxHeapMB, seconds: r.seconds, slowestMs };
}

export async function runFuzzBench(log: (s: string) => void = () => {}): Promise<string> {
  const rows: Row[] = [];
  log('fuzz: sapient');
  const s = await fuzzSapient(ITERATIONS, 1);
  rows.push(row("SAPIENT (framing, protobuf, rules)", s, s.slowestMs));
  log('fuzz: remote id');
  const r = fuzzRemoteId(ITERATIONS, 1);
  rows.push(row('Remote ID (messages, carriers, pcap/pcapng, hex, JSON)', r, r.slowestInputMs));
  log('fuzz: ads-b');
  const a = fuzzAdsb(ITERATIONS, 1);
  rows.push(row('ADS-B (Mode S, Beast, SBS, AVR)', a, a.slowestInputMs));
  log('fuzz: cot');
  const c = fuzzCot(ITERATIONS, 1);
  rows.push(row("CoT XML and TAK protocol v1", c, c.slowestMs));
  const int = (v: number) => Math.round(v).toLocaleString('en-US');
  return [
    '## Decoder fuzzing',
    '',
    'Random and mutated inputs (bit flips, truncations, corrupted lengths, spliced fields from the conformance samples), seed 1.',
    '',
    '| decoders | inputs | crashes | rejects counted | distinct reasons | max heap | seconds | slowest input |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map((x) => `| ${x.name} | ${int(x.iterations)} | ${x.crashes} | ${int(x.rejects)} | ${x.reasons} | ${x.maxHeapMB.toFixed(0)} MB | ${x.seconds.toFixed(1)} | ${x.slowestMs.toFixed(0)} ms |`),
    '',
  ].join('\n');
}
