/**
 * `centinela serve --config site.yaml`: in process (the service, its API and the adapters come
 * up from the site file and stop cleanly), and as the real CLI in a child process (login URL on
 * stdout, SIGTERM stops it with exit code 0).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';
import { serve } from '../../src/cli/serve.js';
import { SiteFileError } from '../../src/service/site-file.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'centinela-serve-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

async function siteFile(): Promise<string> {
  const file = join(dir, 'site.yaml');
  writeFileSync(file, `
name: serve-test
sector:
  origin: { latDeg: 26.09, lonDeg: -98.25, heightAboveEllipsoidM: 10 }
zones: ${join(root, 'examples', 'hidalgo-zones.geojson')}
sensors:
  - { id: adsb-1, kind: adsb, position: { latDeg: 26.12, lonDeg: -98.24, heightAboveEllipsoidM: 20 } }
  - { id: radar-1, kind: radar, position: { latDeg: 26.1, lonDeg: -98.26, heightAboveEllipsoidM: 25 }, measuresRangeRate: false }
sources:
  - { kind: adsb-beast, id: beast, host: 127.0.0.1, port: ${await closedPort()}, sensor: adsb-1 }
  - { kind: sapient, id: sapient, host: 127.0.0.1, port: 0, nodes: [{ nodeId: 3f2b8c1e-5d6a-4e7f-9a0b-1c2d3e4f5a6b, sensor: radar-1 }] }
sinks:
  - { kind: tak-tcp, id: tak, host: 127.0.0.1, port: ${await closedPort()} }
`);
  return file;
}

describe('centinela serve', () => {
  it('is a registered command with --config (required), --port, --host, --db', () => {
    const cmd = buildProgram().commands.find((c) => c.name() === 'serve');
    expect(cmd).toBeDefined();
    const flags = cmd!.options.map((o) => o.long);
    expect(flags).toEqual(expect.arrayContaining(['--config', '--port', '--host', '--db']));
    expect(cmd!.options.find((o) => o.long === '--config')!.mandatory).toBe(true);
  });

  it('starts the service and the site adapters; the login token opens the API; stop() ends it all', async () => {
    const served = await serve({ config: await siteFile(), port: 0, host: '127.0.0.1', db: ':memory:', signals: false, print: false });
    const base = served.service.url;
    try {
      const url = new URL(served.loginUrl);
      expect(url.hostname).toBe('localhost');
      const token = url.searchParams.get('token')!;
      expect((await fetch(`${base}/health`)).status).toBe(200);
      expect((await fetch(`${base}/api/sensors`)).status).toBe(401);
      const sensors = (await (await fetch(`${base}/api/sensors`, { headers: { authorization: `Bearer ${token}` } })).json()) as { sensors: { id: string }[] };
      expect(sensors.sensors.map((s) => s.id)).toEqual(['adsb-1', 'radar-1']);
      expect(served.adapters.adapters.map((a) => a.id)).toEqual(['beast', 'sapient', 'tak']);
      expect(served.adapters.get('sapient')!.port).toBeGreaterThan(0);
      const metrics = await (await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${token}` } })).text();
      expect(metrics).toMatch(/^centinela_adsb_in_received_total\{adapter="beast"\} 0$/m);
      expect(metrics).toMatch(/^centinela_tak_out_connected\{adapter="tak"\} 0$/m);
      expect(metrics).toMatch(/^centinela_sapient_in_listening\{adapter="sapient"\} 1$/m);
    } finally {
      await served.stop();
    }
    await expect(fetch(`${base}/health`)).rejects.toThrow();
  });

  it('refuses a broken site file, naming the field', async () => {
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, 'name: x\nsector: { origin: { latDeg: 26, lonDeg: -98, heightAboveEllipsoidM: 0 } }\nsensors: []\n');
    await expect(serve({ config: file, port: 0, host: '127.0.0.1', db: ':memory:', signals: false, print: false })).rejects.toThrow(SiteFileError);
    await expect(serve({ config: file, port: 0, host: '127.0.0.1', db: ':memory:', signals: false, print: false })).rejects.toThrow(/broken\.yaml: sensors: /);
  });

  const built = existsSync(join(root, 'dist', 'src', 'cli', 'serve.js'));
  if (!built && process.env.CI === 'true') throw new Error('CI runs `npm test`, whose pretest builds dist/');
  if (!built) console.warn('skipping the serve child-process test: dist/ has no serve.js (run npm run build)');
  (built ? it : it.skip)('runs as the CLI: prints the login URL, answers /health, exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, [join(root, 'bin', 'centinela.js'), 'serve', '--config', await siteFile(), '--port', '0', '--db', ':memory:'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      const login = await new Promise<string>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no login URL in 30 s; stdout ${out}; stderr ${err}`)), 30_000);
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          const m = /(http:\/\/localhost:\d+\/\?token=\S+)/.exec(out);
          if (m) {
            clearTimeout(t);
            resolve(m[1]);
          }
        });
      });
      expect(out).toContain('site serve-test (2 sensors, 2 sources, 1 sinks)');
      const port = new URL(login).port;
      expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
