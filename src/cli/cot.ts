/**
 * `centinela cot <tracks.json>`: recorded tracks → CoT events on stdout, for integrators who want
 * to see (or pipe into TAK) exactly what Centinela sends.
 *
 * Input is the `centinela track --out` format: `{tracks: [{id, states: [[t, x, y, vx, vy], …]}]}`
 * with t in seconds and x/y east/north metres in a local frame anchored at `--origin`. Output is
 * every state as one event, in time order (ties by track id), so the bytes are the same on every
 * run: XML one event per line (`--pretty` for indented documents), or with `--proto` TAK protocol
 * v1 as hex, one message per line, mesh-framed by default.
 */

import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { z } from 'zod';
import { LocalFrame } from '../geo/enu.js';
import { OBJECT_CLASSES, type ObjectClass } from '../model/detection.js';
import { snapshotFromEnu, trackSnapshotToCot } from '../outputs/tak/cot.js';
import { AFFILIATIONS, type Affiliation } from '../outputs/tak/cot-types.js';
import { cotEventToXml } from '../outputs/tak/event.js';
import { encodeTakMesh, encodeTakPayload, encodeTakStream } from '../outputs/tak/takproto.js';

/** Default sector: the Rio Grande near Hidalgo, Texas. */
export const DEFAULT_COT_ORIGIN = '26.10,-98.26';

const tracksFileSchema = z.object({
  tracks: z.array(
    z.object({
      id: z.union([z.number(), z.string()]),
      states: z.array(z.array(z.number().finite()).min(5)),
    }),
  ),
});

export interface CotCliOptions {
  origin: string;
  epoch: string;
  stale: number;
  class: ObjectClass;
  affiliation: Affiliation;
  sigma?: number;
  uidPrefix: string;
  last?: boolean;
  pretty?: boolean;
  proto?: boolean;
  framing: 'mesh' | 'stream' | 'payload';
}

/** `lat,lon[,h]` in degrees and metres above the ellipsoid. */
export function parseOrigin(v: string): { latDeg: number; lonDeg: number; heightAboveEllipsoidM: number } {
  const parts = v.split(',').map((p) => Number(p.trim()));
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => !Number.isFinite(p))) throw new InvalidArgumentError('expected lat,lon[,h]');
  const [latDeg, lonDeg, h = 0] = parts;
  if (Math.abs(latDeg) > 90 || Math.abs(lonDeg) > 180) throw new InvalidArgumentError('lat must be in [-90, 90] and lon in [-180, 180]');
  return { latDeg, lonDeg, heightAboveEllipsoidM: h };
}

/** `--epoch`: an ISO 8601 time, milliseconds since the Unix epoch, or `now`. */
export function parseEpoch(v: string): number {
  if (v === 'now') return Date.now();
  const ms = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  if (!Number.isFinite(ms) || ms < 0) throw new InvalidArgumentError('expected an ISO 8601 time, milliseconds since 1970, or "now"');
  return ms;
}

function positive(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a positive number');
  return n;
}

/** The lines `centinela cot` prints for a tracks file's JSON text. */
export function cotLines(json: string, o: CotCliOptions): string[] {
  const parsed = tracksFileSchema.safeParse(JSON.parse(json));
  if (!parsed.success) throw new Error(`not a tracks file ({tracks: [{id, states: [[t, x, y, vx, vy], …]}]}): ${parsed.error.issues[0]?.message}`);
  const frame = LocalFrame.fromDegrees(parseOrigin(o.origin));
  const epochMs = parseEpoch(o.epoch);
  const cov = o.sigma !== undefined ? [o.sigma ** 2, 0, 0, o.sigma ** 2] : null;

  const items: { t: number; id: string; state: number[] }[] = [];
  for (const tr of parsed.data.tracks) {
    const states = o.last ? tr.states.slice(-1) : tr.states;
    for (const st of states) items.push({ t: st[0], id: String(tr.id), state: st });
  }
  items.sort((a, b) => a.t - b.t || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  return items.map(({ t, id, state }) => {
    const snap = snapshotFromEnu(
      frame,
      { id, timeMs: epochMs + t * 1000, positionEnu: [state[1], state[2]], velocityEnu: [state[3], state[4]], covarianceEnu: cov, status: 'confirmed' },
      o.class === 'unknown' ? { affiliation: o.affiliation } : { classLabel: o.class, affiliation: o.affiliation },
    );
    const ev = trackSnapshotToCot(snap, { uidPrefix: o.uidPrefix, staleAfterMs: o.stale * 1000 });
    if (!o.proto) return cotEventToXml(ev, { declaration: !!o.pretty, pretty: !!o.pretty });
    const bytes = o.framing === 'stream' ? encodeTakStream(ev) : o.framing === 'payload' ? encodeTakPayload(ev) : encodeTakMesh(ev);
    return Buffer.from(bytes).toString('hex');
  });
}

/** Adds `cot` to the program. */
export function registerCotCommands(program: Command): void {
  program
    .command('cot')
    .description('print the CoT events (TAK) for a tracks file (the `track --out` format), one per line')
    .argument('<tracks>', 'tracks JSON: {tracks: [{id, states: [[t, x, y, vx, vy], …]}]} in a local ENU frame, t in seconds')
    .option('--origin <lat,lon[,h]>', 'WGS84 origin of the local frame (h above the ellipsoid)', DEFAULT_COT_ORIGIN)
    .option('--epoch <time>', 'UTC time of t = 0: ISO 8601, ms since 1970, or "now"', '1970-01-01T00:00:00Z')
    .option('--stale <seconds>', 'validity of each event after its time', positive, 15)
    .addOption(new Option('--class <class>', 'object class of every track').choices(OBJECT_CLASSES).default('unknown'))
    .addOption(new Option('--affiliation <affiliation>', 'affiliation of every track').choices(AFFILIATIONS).default('unknown'))
    .option('--sigma <metres>', 'horizontal 1-sigma position error to state as ce (default: unknown)', positive)
    .option('--uid-prefix <prefix>', 'prefix of every event uid', 'centinela-')
    .option('--last', 'only the last state of each track')
    .option('--pretty', 'indented XML documents with the XML declaration')
    .option('--proto', 'TAK protocol v1 (protobuf) as hex instead of XML')
    .addOption(new Option('--framing <framing>', 'with --proto: mesh (bf 01 bf), stream (bf <len>) or payload').choices(['mesh', 'stream', 'payload']).default('mesh'))
    .action((file: string, opts: CotCliOptions) => {
      const lines = cotLines(readFileSync(file, 'utf8'), opts);
      process.stdout.write(lines.length ? lines.join(opts.pretty && !opts.proto ? '\n\n' : '\n') + '\n' : '');
    });
}
