/**
 * `centinela serve --config site.yaml`: the live service on real sensor feeds. Loads the site file
 * (sector, zones, sensors, sources, sinks), starts the service (store, pipeline, API and UI),
 * starts the site's adapters against it, prints a one-time login URL, and on SIGINT/SIGTERM
 * stops the adapters, then the service (which flushes the store).
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createToken } from '../server/auth.js';
import { startAdapters, type AdaptersHandle } from '../service/adapters.js';
import { Service } from '../service/service.js';
import { loadSiteFile } from '../service/site-file.js';
import { webRoot } from './demo.js';

export interface ServeOptions {
  config: string;
  port: number;
  host: string;
  /** SQLite store; default `.centinela/<site name>.db` beside the working directory. */
  db?: string;
  tracker?: string;
  /** Install SIGINT/SIGTERM handlers that stop and exit (default true; tests pass false). */
  signals?: boolean;
  /** Print the banner with the login URL (default true). */
  print?: boolean;
}

export interface Served {
  service: Service;
  adapters: AdaptersHandle;
  /** The one-time login URL (its token is also an admin bearer token for 12 h). */
  loginUrl: string;
  stop(): Promise<void>;
}

export async function serve(opts: ServeOptions): Promise<Served> {
  const siteFile = loadSiteFile(opts.config);
  const { site } = siteFile;
  const db = opts.db ?? `.centinela/${site.name}.db`;
  if (db !== ':memory:') mkdirSync(dirname(resolve(db)), { recursive: true });
  const service = await Service.start({ site, dbPath: db, host: opts.host, port: opts.port, webRoot: webRoot(), tracker: opts.tracker });
  let adapters: AdaptersHandle;
  try {
    adapters = await startAdapters(service, siteFile);
  } catch (err) {
    await service.stop();
    throw err;
  }
  const { secret } = createToken(service.store, 'admin', 'serve login', 12);
  const port = new URL(service.url).port;
  const loginHost = opts.host === '0.0.0.0' || opts.host === '::' || opts.host === '127.0.0.1' ? 'localhost' : opts.host;
  const loginUrl = `http://${loginHost}:${port}/?token=${secret}`;
  if (opts.print ?? true) {
    const lines = [
      `Centinela: site ${site.name} (${site.sensors.length} sensors, ${siteFile.sources.length} sources, ${siteFile.sinks.length} sinks), store ${db}`,
      ...siteFile.sources.map((s) => `  source ${s.id} (${s.kind})`),
      ...siteFile.sinks.map((s) => `  sink   ${s.id} (${s.kind})`),
      `Open the operator UI (this token is also the API bearer token, admin, valid 12 h):`,
      '',
      `    ${loginUrl}`,
      '',
    ];
    process.stdout.write(lines.join('\n') + '\n');
  }
  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      await adapters.stop();
      await service.stop();
    })();
    return stopping;
  };
  if (opts.signals ?? true) {
    const onSignal = (signal: NodeJS.Signals) => {
      service.log.info({ signal }, 'stopping');
      stop().then(
        () => process.exit(0),
        (err: unknown) => {
          service.log.error({ err }, 'stop failed');
          process.exit(1);
        },
      );
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
  return { service, adapters, loginUrl, stop };
}
