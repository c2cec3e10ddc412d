/**
 * `npm start`'s promise: first tracks on the map within 5 s. Starts the real CLI (`centinela demo`,
 * real time, a fresh store) and times from the spawn to the first non-empty GET /api/tracks.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const CLI = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'bin', 'centinela.js');

export interface FirstTracks {
  /** Spawn → login URL printed [s]. */
  listeningS: number;
  /** Spawn → first tracks served [s]. */
  firstTracksS: number;
  tracks: number;
}

export async function timeFirstTracks(timeoutS = 60): Promise<FirstTracks> {
  const dir = mkdtempSync(join(tmpdir(), 'centinela-first-'));
  const t0 = performance.now();
  const proc = spawn(process.execPath, [CLI, 'demo', '--port', '0', '--db', join(dir, 'demo.db')], { stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    const url = await new Promise<string>((res, rej) => {
      let out = '';
      proc.stdout.on('data', (b: Buffer) => {
        out += b.toString();
        const m = /http:\/\/localhost:(\d+)\/\?token=([\w-]+)/.exec(out);
        if (m) res(`http://127.0.0.1:${m[1]}|${m[2]}`);
      });
      proc.once('exit', (code) => rej(new Error(`demo exited with ${code}`)));
    });
    const listeningS = (performance.now() - t0) / 1000;
    const [base, token] = url.split('|');
    for (;;) {
      const r = (await (await fetch(`${base}/api/tracks`, { headers: { authorization: `Bearer ${token}` } })).json()) as { tracks: unknown[] };
      const s = (performance.now() - t0) / 1000;
      if (r.tracks.length > 0) return { listeningS, firstTracksS: s, tracks: r.tracks.length };
      if (s > timeoutS) throw new Error(`no tracks after ${timeoutS} s`);
      await new Promise((r2) => setTimeout(r2, 100));
    }
  } finally {
    proc.kill('SIGTERM');
    await new Promise((r) => proc.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}
