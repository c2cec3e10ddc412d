/**
 * The server under load, in its own process (so its CPU is its own): the whole service — intake,
 * fusion, assessment, store, HTTP/WebSocket — fed by a swarm of N Remote ID drones at 1 Hz.
 * Talks to the benchmark over IPC: sends { url, token } when listening, answers 'cpu' with its
 * CPU time, 'stop' by shutting down.
 *
 *   node dist/bench/server/child.js <tracks> <db file>
 */
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { webRoot } from '../../src/cli/demo.js';
import { createToken } from '../../src/server/auth.js';
import { Service } from '../../src/service/service.js';
import { SwarmSource, swarmSite } from './swarm.js';

export interface ChildCpu {
  cpuUs: number;
  wallMs: number;
  tracks: number;
  detections: number;
  heapMb: number;
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 2000);
  const db = process.argv[3] ?? ':memory:';
  const service = await Service.start({ site: swarmSite(), dbPath: db, port: 0, logger: pino({ level: 'warn' }, pino.destination(2)), webRoot: webRoot() });
  const swarm = new SwarmSource(n, service.bus, service.now());
  service.addSource(swarm);
  const { secret } = createToken(service.store, 'viewer', 'benchmark', 2);
  process.send!({ url: service.url, token: secret });
  process.on('message', (m) => {
    if (m === 'cpu') {
      const c = process.cpuUsage();
      const msg: ChildCpu = {
        cpuUs: c.user + c.system, wallMs: performance.now(), tracks: service.pipeline.tracks().length,
        detections: swarm.emitted, heapMb: process.memoryUsage().heapUsed / 2 ** 20,
      };
      process.send!(msg);
    } else if (m === 'stop') {
      void service.stop().then(() => process.exit(0));
    }
  });
}

main().catch((err) => {
  process.stderr.write(`server benchmark child failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
