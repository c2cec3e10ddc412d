/**
 * The operator server under load (issue 5): N = 2,000 simultaneous tracks at 1 Hz through the
 * whole service in a child process, with one WebSocket client (this process) taking every change.
 *
 *   server CPU           the child's CPU time over the measuring window / wall time, in units of
 *                        one core (target < 0.5); it includes intake, fusion, assessment, the
 *                        store's writes, and serialising and sending every change
 *   WebSocket latency    client receipt − `publishedMs` (when the change reached the server's
 *                        stream), per tracks message; p50 / p99 (target p99 ≤ 100 ms)
 *   sensor → client      client receipt − the update's sensor time; includes fusion's 300 ms
 *                        reorder window and the 500 ms assessment cadence, by design
 *   baseline             the same swarm through the Pipeline alone, in this process, before the
 *                        child starts: the ratio says what the service around the pipeline costs
 *   UI frame time        headless Chromium (Debian's, through playwright-core) showing the same
 *                        2,000 tracks: p95 of requestAnimationFrame intervals (target ≤ 50 ms);
 *                        skipped with a reason when Chromium or the built UI is missing
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { MemoryBus } from '../src/bus/bus.js';
import { Pipeline } from '../src/pipeline/pipeline.js';
import type { ChildCpu } from './server/child.js';
import { SwarmSource, swarmSite } from './server/swarm.js';
import { measureUiFrames } from './server/ui-frames.js';
import { timeFirstTracks, type FirstTracks } from './server/first-tracks.js';

const here = dirname(fileURLToPath(import.meta.url));

export interface ServerBenchOptions {
  tracks?: number;
  warmupS?: number;
  measureS?: number;
  log?: (line: string) => void;
}

function quantile(v: number[], q: number): number {
  if (v.length === 0) return NaN;
  const s = [...v].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

/** CPU per wall second of the pipeline alone on the same swarm (virtual clock, this process). */
function pipelineBaseline(n: number, warmupS: number, measureS: number): number {
  const bus = new MemoryBus();
  const p = new Pipeline(swarmSite(), bus);
  const t0 = 1_800_000_000_000;
  const src = new SwarmSource(n, bus, t0);
  let c0 = process.cpuUsage();
  for (let s = 0; s < warmupS + measureS; s++) {
    if (s === warmupS) c0 = process.cpuUsage();
    for (let k = 0; k < 10; k++) {
      const t = t0 + s * 1000 + k * 100;
      src.emitUntil(t);
      p.advanceTo(t);
    }
  }
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000 / measureS / 1000;
}

export async function runServerBench(opts: ServerBenchOptions = {}): Promise<string> {
  const n = opts.tracks ?? 2000, warmupS = opts.warmupS ?? 75, measureS = opts.measureS ?? 60;
  const log = opts.log ?? (() => {});
  log('npm start: timing the demo to its first tracks…');
  const first: FirstTracks | { error: string } = await timeFirstTracks().catch((err: Error) => ({ error: err.message }));
  log(`  ${'error' in first ? first.error : `first tracks after ${first.firstTracksS.toFixed(1)} s`}`);
  log(`pipeline baseline: ${n} Remote ID tracks, ${warmupS + measureS} s of load on a virtual clock…`);
  const baseline = pipelineBaseline(n, warmupS, measureS);
  log(`  pipeline alone: ${(baseline * 100).toFixed(1)} % of one core`);

  const dir = mkdtempSync(join(tmpdir(), 'centinela-bench-'));
  const child = fork(join(here, 'server', 'child.js'), [String(n), join(dir, 'bench.db')], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const messages: unknown[] = [];
  const waiters: ((m: unknown) => void)[] = [];
  child.on('message', (m) => {
    const w = waiters.shift();
    if (w) w(m);
    else messages.push(m);
  });
  const next = () => new Promise<unknown>((resolve) => (messages.length > 0 ? resolve(messages.shift()) : waiters.push(resolve)));
  const cpu = async () => {
    child.send('cpu');
    return (await next()) as ChildCpu;
  };
  try {
    const { url, token } = (await next()) as { url: string; token: string };
    const latencies: number[] = [];
    const sensorToClient: number[] = [];
    let measuring = false, updates = 0, bytes = 0;
    const ws = new WebSocket(`${url.replace('http', 'ws')}/api/stream?token=${token}`);
    ws.on('message', (data: Buffer) => {
      const now = Date.now();
      if (!measuring) return;
      const msg = JSON.parse(data.toString()) as { type: string; publishedMs?: number; timeMs: number; updated?: unknown[] };
      if (msg.type !== 'tracks' || msg.publishedMs === undefined) return;
      latencies.push(now - msg.publishedMs);
      sensorToClient.push(now - msg.timeMs);
      updates += msg.updated?.length ?? 0;
      bytes += data.length;
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    log(`server up at ${url}; warming up ${warmupS} s (tracks confirm, young-track correlation settles)…`);
    await new Promise((r) => setTimeout(r, warmupS * 1000));
    const a = await cpu();
    measuring = true;
    log(`measuring ${measureS} s with ${a.tracks} tracks shown…`);
    await new Promise((r) => setTimeout(r, measureS * 1000));
    measuring = false;
    const b = await cpu();
    const ui = await measureUiFrames(url, token, n, log).catch((err: Error) => ({ skipped: `failed: ${err.message}` }) as const);
    ws.close();
    const serverCores = (b.cpuUs - a.cpuUs) / 1000 / (b.wallMs - a.wallMs);
    const p50 = quantile(latencies, 0.5), p99 = quantile(latencies, 0.99);
    const lines = [
      '## Operator server',
      '',
      `${n.toLocaleString('en-US')} Remote ID drones at 1 Hz through the whole service (child process: intake → fusion → assessment → SQLite store → WebSocket), ` +
        `one WebSocket client taking every change; ${warmupS} s warm-up, ${measureS} s measured. \`npm run bench -- --only server\`.`,
      '',
      '| measure | value | target |',
      '|---|---|---|',
      `| tracks shown (start → end of window) | ${a.tracks} → ${b.tracks} | ${n} |`,
      `| server CPU, share of one core | ${(serverCores * 100).toFixed(1)} % | < 50 % ${serverCores < 0.5 ? '(met)' : '(MISSED)'} |`,
      `| pipeline alone (baseline, same load, this process) | ${(baseline * 100).toFixed(1)} % | — |`,
      `| service / pipeline-alone CPU ratio | ${(serverCores / baseline).toFixed(2)} | — |`,
      `| WebSocket change latency p50 / p99 | ${p50.toFixed(1)} / ${p99.toFixed(1)} ms | p99 ≤ 100 ms ${p99 <= 100 ? '(met)' : '(MISSED)'} |`,
      `| sensor time → client p50 / p99 (incl. 300 ms reorder window) | ${quantile(sensorToClient, 0.5).toFixed(0)} / ${quantile(sensorToClient, 0.99).toFixed(0)} ms | — |`,
      `| track changes received | ${(updates / measureS).toFixed(0)}/s in ${latencies.length} messages, ${(bytes / measureS / 1e6).toFixed(2)} MB/s | — |`,
      `| server heap | ${b.heapMb.toFixed(0)} MiB | — |`,
      'skipped' in ui
        ? `| UI p95 frame time, ${n} tracks | skipped: ${ui.skipped} | ≤ 50 ms |`
        : `| UI p95 frame time, ${n} tracks (headless Chromium, ${ui.frames} frames, ${ui.shown} tracks shown) | ${ui.p95.toFixed(1)} ms (p50 ${ui.p50.toFixed(1)}) | ≤ 50 ms ${ui.p95 <= 50 ? '(met)' : '(MISSED)'} |`,
      'error' in first
        ? `| \`centinela demo\` start → first tracks served | failed: ${first.error} | ≤ 5 s |`
        : `| \`centinela demo\` start → first tracks served (border-night, real time; listening after ${first.listeningS.toFixed(1)} s) | ${first.firstTracksS.toFixed(1)} s (${first.tracks} tracks) | ≤ 5 s ${first.firstTracksS <= 5 ? '(met)' : '(MISSED)'} |`,
      '',
    ];
    return lines.join('\n');
  } finally {
    child.send('stop');
    await new Promise((r) => child.once('exit', r)).catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
}

/** For `node dist/bench/server.js` alone. */
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const t = performance.now();
  runServerBench({ log: (l) => process.stdout.write(l + '\n') })
    .then((md) => process.stdout.write(md + `\n(${((performance.now() - t) / 1000).toFixed(0)} s)\n`))
    .catch((err) => {
      process.stderr.write(String(err?.stack ?? err) + '\n');
      process.exit(1);
    });
}

