/**
 * `centinela demo` (what `npm start` runs): a simulator scenario (border-night by default) played
 * in real time through the whole pipeline, the embedded store, and the operator UI, with a
 * one-time login URL printed as Jupyter does. Stopping and starting it again keeps the alerts
 * (and their acknowledgements) and continues with the next lap of the scenario.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { siteOfScenario } from '../pipeline/site.js';
import { createToken } from '../server/auth.js';
import { LiveSimSource } from '../sim/live-source.js';
import { loadSimScenario } from '../sim/scenario.js';
import { Service } from '../service/service.js';

export interface DemoOptions {
  port: number;
  host: string;
  scenario: string;
  db: string;
  seed?: number;
  speed: number;
}

const LAP = 'demo.lap';

/** dist/web beside this file's package (the built UI). */
export function webRoot(): string | undefined {
  // Built by Vite into dist/web: beside dist/src when running the build, under dist/ when
  // running the sources (tests). The sources' own web/ holds an index.html too, unbuilt.
  const here = dirname(fileURLToPath(import.meta.url));
  for (const dir of [resolve(here, '../../web'), resolve(here, '../../dist/web')]) {
    if (existsSync(join(dir, 'index.html')) && existsSync(join(dir, 'assets'))) return dir;
  }
  return undefined;
}

export async function demo(opts: DemoOptions): Promise<Service> {
  const scenario = loadSimScenario(opts.scenario);
  if (opts.db !== ':memory:') mkdirSync(dirname(resolve(opts.db)), { recursive: true });
  // Logs go to stderr (warnings and worse): stdout is for the login URL.
  const logger = pino({ level: process.env.LOG_LEVEL ?? 'warn' }, pino.destination(2));
  // --speed runs the service on a virtual clock (the tracker must see true time between
  // detections, or drones would seem to fly `speed` times faster). A restart continues after the
  // last stored detection, so the store's time line never runs backwards.
  const wall0 = Date.now();
  let base = wall0;
  const now = () => base + (Date.now() - wall0) * opts.speed;
  const service = await Service.start({ site: siteOfScenario(scenario), dbPath: opts.db, host: opts.host, port: opts.port, webRoot: webRoot(), logger, now });
  base = Math.max(wall0, (service.store.detectionSpan()?.lastMs ?? 0) + 1000);
  const lap = Number(service.store.getMeta(LAP) ?? -1) + 1;
  service.store.setMeta(LAP, String(lap));
  service.addSource(new LiveSimSource(scenario, service.bus, now(), { seed: opts.seed, firstLap: lap }));
  const { secret } = createToken(service.store, 'admin', 'demo login', 12);
  const port = new URL(service.url).port;
  process.stdout.write(
    `Centinela demo: ${scenario.name} (lap ${lap}) in real time${opts.speed !== 1 ? ` ×${opts.speed}` : ''}, store ${opts.db}\n` +
      `Open the operator UI (this token is also the API bearer token, admin, valid 12 h):\n\n` +
      `    http://localhost:${port}/?token=${secret}\n\n`,
  );
  const stop = () => {
    void service.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return service;
}
