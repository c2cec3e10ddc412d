/**
 * What the decoder fuzzers share: a seeded PRNG, a byte mutator, the loop that drives targets
 * round-robin (half random bytes, half mutated seeds) and counts every result — accepted, or
 * rejected by its reason — with crashes (an exception is a bug: decoders reject, never throw),
 * hangs (one input over HANG_MS), the slowest input and the heap; and the summary it prints.
 */
import { realpathSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

export interface FuzzResult {
  iterations: number;
  crashes: number;
  hangs: number;
  rejectsByReason: Record<string, number>;
  accepted: number;
  maxHeapMB: number;
  seconds: number;
  slowestInputMs: number;
  perTarget: Record<string, number>;
  crashSamples: { target: string; inputHex: string; error: string }[];
}

export const HANG_MS = 250;

/** mulberry32: small, fast, good enough to drive a fuzzer reproducibly from a seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DEFAULT_INTERESTING = [0, 1, 0x7f, 0x80, 0xff, 0x19, 0x0d, 0xf0, 0x1a];

export class Mutator {
  constructor(readonly rnd: () => number) {}
  int(n: number): number {
    return Math.floor(this.rnd() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
  bytes(n: number): Uint8Array {
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i++) b[i] = this.int(256);
    return b;
  }
  /** 1–4 random edits: bit flips, interesting bytes, insertions, deletions, truncation, splices. */
  mutate(src: Uint8Array, others: readonly Uint8Array[], maxLen = 4096, interesting: readonly number[] = DEFAULT_INTERESTING): Uint8Array {
    let b: Uint8Array = src.slice();
    const n = 1 + this.int(4);
    for (let k = 0; k < n; k++) {
      const op = this.int(8);
      const at = b.length ? this.int(b.length) : 0;
      if (op === 0 && b.length) b[at] ^= 1 << this.int(8);
      else if (op === 1 && b.length) b[at] = this.int(256);
      else if (op === 2 && b.length) b[at] = this.pick(interesting);
      else if (op === 3 && b.length < maxLen) {
        const c = new Uint8Array(b.length + 1);
        c.set(b.subarray(0, at));
        c[at] = this.int(256);
        c.set(b.subarray(at), at + 1);
        b = c;
      } else if (op === 4 && b.length) b = Uint8Array.from([...b.subarray(0, at), ...b.subarray(at + 1)]);
      else if (op === 5) b = b.subarray(0, this.int(b.length + 1)).slice();
      else if (op === 6 && others.length) {
        const o = this.pick(others);
        const from = this.int(o.length + 1);
        const c = Uint8Array.from([...b.subarray(0, at), ...o.subarray(from, from + 1 + this.int(64))]);
        b = c.length > maxLen ? c.subarray(0, maxLen) : c;
      } else if (op === 7 && b.length >= 2) {
        // 16-bit length-like fields at small offsets are where parsers go wrong
        const v = this.pick([0, 1, 0xff, 0x7fff, 0xffff, b.length, b.length + 1]);
        b[at] = v & 0xff;
        if (at + 1 < b.length) b[at + 1] = v >> 8;
      }
    }
    return b;
  }
}

/** One decoder under fuzz: its seeds (valid inputs to mutate) and how to run an input through it. */
export interface FuzzTarget {
  name: string;
  seeds: Uint8Array[];
  maxLen: number;
  run: (input: Uint8Array) => FuzzOutcome | FuzzOutcome[];
}

export type FuzzOutcome = { ok: true } | { ok: false; reason: string };

/** Runs `iterations` inputs, round-robin over the targets, half random and half mutated seeds. */
export function runFuzz(targets: readonly FuzzTarget[], iterations: number, m: Mutator, interesting?: readonly number[]): FuzzResult {
  const res: FuzzResult = { iterations: 0, crashes: 0, hangs: 0, rejectsByReason: {}, accepted: 0, maxHeapMB: 0, seconds: 0, slowestInputMs: 0, perTarget: {}, crashSamples: [] };
  const start = performance.now();
  const heap = () => {
    res.maxHeapMB = Math.max(res.maxHeapMB, process.memoryUsage().heapUsed / 1048576);
  };
  heap();
  for (let i = 0; i < iterations; i++) {
    const t = targets[i % targets.length];
    const input = m.int(2) ? m.mutate(m.pick(t.seeds), t.seeds, t.maxLen, interesting) : m.bytes(m.int(t.maxLen));
    const t1 = performance.now();
    try {
      const r = t.run(input);
      for (const x of Array.isArray(r) ? r : [r]) {
        if (x.ok) res.accepted++;
        else res.rejectsByReason[x.reason] = (res.rejectsByReason[x.reason] ?? 0) + 1;
      }
    } catch (err) {
      res.crashes++;
      if (res.crashSamples.length < 10) res.crashSamples.push({ target: t.name, inputHex: Buffer.from(input).toString('hex').slice(0, 2000), error: String(err instanceof Error ? err.stack : err) });
    }
    const dt = performance.now() - t1;
    if (dt > res.slowestInputMs) res.slowestInputMs = dt;
    if (dt > HANG_MS) res.hangs++;
    res.perTarget[t.name] = (res.perTarget[t.name] ?? 0) + 1;
    res.iterations++;
    if ((i & 0x3fff) === 0) heap();
  }
  heap();
  res.seconds = (performance.now() - start) / 1000;
  return res;
}

export function printSummary(name: string, r: FuzzResult): void {
  const top = Object.entries(r.rejectsByReason).sort((a, b) => b[1] - a[1]);
  const lines = [
    `${name} fuzz: ${r.iterations.toLocaleString('en-US')} inputs in ${r.seconds.toFixed(1)} s (${Math.round(r.iterations / r.seconds).toLocaleString('en-US')}/s)`,
    `  crashes ${r.crashes}, hangs (> ${HANG_MS} ms) ${r.hangs}, slowest input ${r.slowestInputMs.toFixed(2)} ms, max heap ${r.maxHeapMB.toFixed(1)} MB`,
    `  accepted ${r.accepted.toLocaleString('en-US')}, rejected ${top.reduce((s, [, v]) => s + v, 0).toLocaleString('en-US')} by ${top.length} reasons:`,
    ...top.map(([k, v]) => `    ${k.padEnd(36)} ${v.toLocaleString('en-US')}`),
    `  per target: ${Object.entries(r.perTarget).map(([k, v]) => `${k} ${v.toLocaleString('en-US')}`).join(', ')}`,
    ...r.crashSamples.map((c) => `  CRASH in ${c.target}: ${c.error.split('\n')[0]} input ${c.inputHex.slice(0, 120)}`),
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

/** Whether this module is the one node was started with (`node bench/fuzz/x.js N SEED`). */
export function isMain(url: string): boolean {
  try {
    return !!process.argv[1] && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(url));
  } catch {
    return false;
  }
}
