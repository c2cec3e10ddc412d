/**
 * Fuzzes the CoT input path: the bounded XML parser (parseCotXml), the TAK protocol v1 decoders
 * (decodeTakPayload, decodeTakMesh) and the TCP stream cutter feeding a CotReceiver.
 *
 * Inputs are drawn from a seeded PRNG, so a run is reproducible: random bytes, mutations of real
 * CoT events (bit flips, insertions, deletions, duplicated ranges, truncations, hostile tokens
 * spliced in), hostile XML built to hurt parsers (billion laughs, external entities, deep
 * nesting, huge attributes, element floods, reference floods), mutated TAK v1 payloads and
 * random protobuf wire data, and framing variants. A "crash" is any exception escaping the API
 * (which promises never to throw) or an accepted event that breaks the invariants every accepted
 * event must hold (ranges, patterns, stale ≥ start). Every reject is counted by decoder and reason.
 *
 *   node dist/bench/fuzz/cot.js [iterations=1000000] [seed=1]
 */

import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { Random } from '../../src/scenario/random.js';
import { COT_HOW_PATTERN, COT_TYPE_PATTERN, cotEventToXml, type CotEvent } from '../../src/outputs/tak/event.js';
import { snapshotFromEnu, trackSnapshotToCot } from '../../src/outputs/tak/cot.js';
import { encodeTakPayload, meshFrame, streamFrame } from '../../src/outputs/tak/takproto.js';
import { LocalFrame } from '../../src/geo/enu.js';
import { parseCotXml } from '../../src/ingest/cot/parse.js';
import { decodeTakMesh, decodeTakPayload } from '../../src/ingest/cot/takproto.js';
import { CotStreamCutter } from '../../src/ingest/cot/stream.js';
import { CotReceiver } from '../../src/ingest/cot/receiver.js';

export interface FuzzResult {
  iterations: number;
  crashes: number;
  /** Rejects per decoder and reason, e.g. "xml:doctype", "proto:bad-protobuf", "stream:too-large". */
  rejectsByReason: Record<string, number>;
  /** Inputs some decoder accepted. */
  accepted: number;
  maxHeapMB: number;
  seconds: number;
  /** Slowest single input through all decoders, ms (a hang would show here, or never finish). */
  slowestMs: number;
  /** Which input that was and its size, to replay it (GC pauses land on random inputs too). */
  slowest: { iteration: number; bytes: number };
  /** The first crash, for reproduction. */
  firstCrash?: { iteration: number; decoder: string; error: string; inputHex: string };
}

const enc = new TextEncoder();

/** Real-shaped events: ATAK self-SA, a Centinela track, chat-like remarks with CDATA, negotiation, delete. */
function seedEvents(): string[] {
  const sa =
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<event version="2.0" uid="ANDROID-589520ccfcd20f01" type="a-f-G-U-C" how="m-g" ' +
    'time="2024-05-01T19:50:57.629Z" start="2024-05-01T19:50:57.629Z" stale="2024-05-01T19:56:57.629Z"><point lat="26.0977" lon="-98.2365" hae="15.0" ce="9.9" le="9999999.0"/>' +
    '<detail><takv device="SM-G998U" platform="ATAK-CIV" os="33" version="4.10.0"/><contact callsign="HOPE" endpoint="*:-1:stcp"/><__group name="Cyan" role="Team Member"/>' +
    '<precisionlocation geopointsrc="GPS" altsrc="GPS"/><status battery="88"/><track course="270.0" speed="1.2"/><uid Droid="HOPE"/></detail></event>';
  const frame = LocalFrame.fromDegrees({ latDeg: 26.1, lonDeg: -98.26, heightAboveEllipsoidM: 30 });
  const snap = snapshotFromEnu(frame, {
    id: '17', timeMs: 1714593057629, positionEnu: [1200, -340, 45], velocityEnu: [4, -7, 0.5],
    covarianceEnu: [25, 3, 0, 3, 16, 0, 0, 0, 9], status: 'confirmed',
  }, { classProbabilities: { 'rotary-drone': 0.8, bird: 0.15 }, identities: ['rid:1581F5FKD229400F'], sensors: ['radar-1', 'eoir-2'], flags: ['dark'] });
  const track = cotEventToXml(trackSnapshotToCot(snap), { declaration: true });
  const chat =
    '<event version="2.0" uid="GeoChat.x" type="b-t-f" how="h-g-i-g-o" time="2024-05-01T19:50:57Z" start="2024-05-01T19:50:57Z" stale="2024-05-02T19:50:57Z">' +
    '<point lat="0" lon="0" hae="0" ce="9999999" le="9999999"/><detail><remarks source="x" time="2024-05-01T19:50:57Z"><![CDATA[drone <north> & east]]> &amp; more &#x263A;</remarks><!-- c --></detail></event>';
  const takp =
    "<event version='2.0' uid='protouid' type='t-x-takp-v' time='2024-05-01T19:50:57Z' start='2024-05-01T19:50:57Z' stale='2024-05-01T19:51:57Z' how='m-g'>" +
    "<point lat='0.0' lon='0.0' hae='0.0' ce='999999' le='999999'/><detail><TakControl><TakProtocolSupport version=\"1\"/></TakControl></detail></event>";
  const del =
    '<event version="2.0" uid="x.delete" type="t-x-d-d" how="m-g" time="2024-05-01T19:50:57.1+02:00" start="2024-05-01T19:50:57.1+02:00" stale="2024-05-01T19:51:57.1+02:00">' +
    '<point lat="-33.35" lon="44.383333" hae="-12.5" ce="1e2" le="0"/><detail><link uid="x" relation="none" type="none"/><__forcedelete/></detail></event>';
  return [sa, track, chat, takp, del];
}

/** Inputs built to hurt XML parsers. Sizes vary with the PRNG. */
function hostileXml(r: Random): string {
  const k = Math.floor(r.next() * 10);
  const n = 1 + Math.floor(r.next() * 4000);
  switch (k) {
    case 0: // billion laughs
      return '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">' +
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><event version="2.0">&lol3;</event>';
    case 1: // external entity (XXE)
      return '<?xml version="1.0"?><!DOCTYPE e [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><event uid="&xxe;"/>';
    case 2: // deep nesting
      return '<event>' + '<a>'.repeat(n) + '</a>'.repeat(n) + '</event>';
    case 3: // huge attribute
      return `<event version="2.0" uid="${'A'.repeat(n * 16)}"/>`;
    case 4: // element flood
      return '<event><detail>' + '<x/>'.repeat(n) + '</detail></event>';
    case 5: // attribute flood
      return '<event ' + Array.from({ length: Math.min(n, 500) }, (_, i) => `a${i}="1"`).join(' ') + '/>';
    case 6: // reference flood and bad references
      return `<event><detail><remarks>${'&amp;&#x41;&#0;&#xD800;&bogus;'.repeat(Math.min(n, 300))}</remarks></detail></event>`;
    case 7: // unterminated everything
      return '<event version="2.0" uid="x' + '<!--'.repeat(Math.min(n, 200)) + '<![CDATA[' + ']]'.repeat(Math.min(n, 200));
    case 8: // processing instructions and stray declarations
      return '<?xml-stylesheet href="x"?><?xml version="1.0"?><event/>';
    default: // many unclosed tags then a closing flood
      return '<event>' + '<b x="1">'.repeat(Math.min(n, 100)) + '</c>'.repeat(Math.min(n, 100));
  }
}

const TOKENS = ['<', '>', '/>', '</event>', '<!DOCTYPE x>', '<!ENTITY a "b">', '&', '&lt;', '&#x0;', '&#xFFFE;', '&#1114112;', '"', "'", '<![CDATA[', ']]>',
  '<!--', '-->', '<?x?>', '\u0000', '\uD800', '\uFFFF', '=', ' ', '\n', 'lat="91"', 'stale="1969-12-31T23:59:59Z"', '<point lat="1" lon="2" hae="3" ce="4" le="5"/>',
  '<detail>', '</detail>', 'NaN', 'Infinity', '1e400', '-0', '9999999.0', 'T25:61:61Z', '\xbf\x01\xbf'];

function mutate(r: Random, input: Uint8Array): Uint8Array {
  let b = Array.from(input);
  const ops = 1 + Math.floor(r.next() * 4);
  for (let o = 0; o < ops; o++) {
    const k = Math.floor(r.next() * 7);
    const at = Math.floor(r.next() * (b.length + 1));
    if (k === 0 && b.length) b[Math.min(at, b.length - 1)] ^= 1 << Math.floor(r.next() * 8);
    else if (k === 1) b.splice(at, 0, Math.floor(r.next() * 256));
    else if (k === 2 && b.length) b.splice(at, 1 + Math.floor(r.next() * 8));
    else if (k === 3 && b.length) {
      const len = Math.floor(r.next() * Math.min(64, b.length - Math.min(at, b.length - 1)));
      b.splice(at, 0, ...b.slice(at, at + len));
    } else if (k === 4) b = b.slice(0, at);
    else if (k === 5) b.splice(at, 0, ...enc.encode(TOKENS[Math.floor(r.next() * TOKENS.length)]));
    else if (b.length) b[Math.min(at, b.length - 1)] = [0, 0x7f, 0x80, 0xff, 0xbf, 0x3c, 0x22][Math.floor(r.next() * 7)];
  }
  return Uint8Array.from(b);
}

function randomBytes(r: Random, max: number): Uint8Array {
  const n = Math.floor(r.next() * max);
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(r.next() * 256);
  return b;
}

/** Random protobuf wire data: plausible tags with all wire types, lengths sometimes lying. */
function randomWire(r: Random): Uint8Array {
  const out: number[] = [];
  const fields = Math.floor(r.next() * 20);
  for (let i = 0; i < fields; i++) {
    const field = r.next() < 0.8 ? 1 + Math.floor(r.next() * 16) : Math.floor(r.next() * 1e6);
    const wt = Math.floor(r.next() * 8);
    let tag = field * 8 + wt;
    while (tag >= 0x80) {
      out.push((tag % 0x80) | 0x80);
      tag = Math.floor(tag / 0x80);
    }
    out.push(tag);
    const len = Math.floor(r.next() * 40);
    if (wt === 2) out.push(r.next() < 0.9 ? len : 0xff);
    for (let j = 0; j < (wt === 2 ? len : wt === 1 ? 8 : wt === 5 ? 4 : 1 + Math.floor(r.next() * 3)); j++) out.push(Math.floor(r.next() * 256));
  }
  return Uint8Array.from(out);
}

const DATE_TIME_OK = (ms: number) => Number.isFinite(ms) && ms >= 0 && ms <= 253402300799999;

/** Invariants every accepted event holds; a violation is a bug. */
function invariantProblem(ev: CotEvent): string | null {
  if (!ev.uid || ev.uid.length > 256) return 'uid';
  if (!COT_TYPE_PATTERN.test(ev.type) || !COT_HOW_PATTERN.test(ev.how)) return 'type/how';
  if (![ev.timeMs, ev.startMs, ev.staleMs].every(DATE_TIME_OK) || ev.staleMs < ev.startMs) return 'times';
  if (!(ev.latDeg >= -90 && ev.latDeg <= 90) || !(ev.lonDeg >= -180 && ev.lonDeg <= 180)) return 'lat/lon';
  if (![ev.haeM, ev.ceM, ev.leM].every(Number.isFinite) || ev.ceM < 0 || ev.leM < 0) return 'hae/ce/le';
  const t = ev.detail.track;
  if (t && !(t.course >= 0 && t.course < 360 && t.speed >= 0)) return 'track';
  return null;
}

export function fuzzCot(iterations = 1_000_000, seed = 1): FuzzResult {
  const r = new Random(seed);
  const xmlSeeds = seedEvents().map((s) => enc.encode(s));
  const protoSeeds: Uint8Array[] = [];
  for (const x of xmlSeeds) {
    const p = parseCotXml(x);
    if (p.ok) protoSeeds.push(encodeTakPayload(p.event, { minProtoVersion: 1, maxProtoVersion: 1, contactUid: 'fuzz' }));
  }
  const rejects: Record<string, number> = {};
  const count = (key: string) => (rejects[key] = (rejects[key] ?? 0) + 1);
  let crashes = 0, accepted = 0, slowest = 0, slowestAt = { iteration: -1, bytes: 0 }, maxHeap = process.memoryUsage().heapUsed;
  let firstCrash: FuzzResult['firstCrash'];

  // The stream path: inputs are concatenated into one long stream, cut into random chunks.
  const receiver = new CotReceiver(() => accepted++, {}, (reason) => count(`stream:${reason}`));
  const cutter = new CotStreamCutter((m) => receiver.streamMessage(m), (reason, msg) => receiver.framingReject(reason, msg));

  const t0 = performance.now();
  for (let it = 0; it < iterations; it++) {
    const k = r.next();
    let input: Uint8Array;
    if (k < 0.12) input = randomBytes(r, 512);
    else if (k < 0.50) input = mutate(r, xmlSeeds[Math.floor(r.next() * xmlSeeds.length)]);
    else if (k < 0.56) input = r.next() < 0.5 ? enc.encode(hostileXml(r)) : mutate(r, enc.encode(hostileXml(r)));
    else if (k < 0.80) input = mutate(r, protoSeeds[Math.floor(r.next() * protoSeeds.length)]);
    else if (k < 0.90) input = randomWire(r);
    else if (k < 0.95) input = meshFrame(r.next() < 0.7 ? mutate(r, protoSeeds[Math.floor(r.next() * protoSeeds.length)]) : randomWire(r), r.next() < 0.9 ? 1 : Math.floor(r.next() * 1000));
    else input = r.next() < 0.5 ? xmlSeeds[Math.floor(r.next() * xmlSeeds.length)] : mutate(r, meshFrame(protoSeeds[0]));

    const start = performance.now();
    const run = (decoder: string, f: () => { ok: boolean; reason?: string; event?: CotEvent }) => {
      try {
        const res = f();
        if (res.ok) {
          const bad = res.event ? invariantProblem(res.event) : null;
          if (bad) throw new Error(`accepted event breaks the ${bad} invariant`);
          accepted++;
        } else count(`${decoder}:${res.reason}`);
      } catch (e) {
        crashes++;
        firstCrash ??= { iteration: it, decoder, error: e instanceof Error ? e.message : String(e), inputHex: Buffer.from(input).toString('hex').slice(0, 4096) };
      }
    };
    run('xml', () => parseCotXml(input));
    run('proto', () => decodeTakPayload(input));
    run('mesh', () => decodeTakMesh(input));
    try {
      // Feed as a stream, in random chunks, stream-framed 30 % of the time. Most inputs start on a
      // fresh connection (reset); the rest land mid-stream after whatever came before.
      if (r.next() < 0.7) cutter.reset();
      const data = r.next() < 0.3 ? streamFrame(input.length ? input : Uint8Array.of(0)) : input;
      let p = 0;
      while (p < data.length) {
        const n = 1 + Math.floor(r.next() * 700);
        cutter.push(data.subarray(p, p + n));
        p += n;
      }
      if (cutter.broken) cutter.reset();
    } catch (e) {
      crashes++;
      firstCrash ??= { iteration: it, decoder: 'stream', error: e instanceof Error ? e.message : String(e), inputHex: Buffer.from(input).toString('hex').slice(0, 4096) };
    }
    const dt = performance.now() - start;
    if (dt > slowest) {
      slowest = dt;
      slowestAt = { iteration: it, bytes: input.length };
    }
    if ((it & 0x3fff) === 0) maxHeap = Math.max(maxHeap, process.memoryUsage().heapUsed);
  }
  maxHeap = Math.max(maxHeap, process.memoryUsage().heapUsed);
  const sorted: Record<string, number> = {};
  for (const key of Object.keys(rejects).sort()) sorted[key] = rejects[key];
  const result: FuzzResult = {
    iterations, crashes, rejectsByReason: sorted, accepted,
    maxHeapMB: Math.round((maxHeap / 2 ** 20) * 10) / 10,
    seconds: Math.round((performance.now() - t0) / 10) / 100,
    slowestMs: Math.round(slowest * 1000) / 1000,
    slowest: slowestAt,
  };
  if (firstCrash) result.firstCrash = firstCrash;
  return result;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const iterations = Number(process.argv[2] ?? 1_000_000);
  const seed = Number(process.argv[3] ?? 1);
  const res = fuzzCot(iterations, seed);
  process.stdout.write(JSON.stringify(res, null, 2) + '\n');
  process.exitCode = res.crashes === 0 ? 0 : 1;
}
