/**
 * The SBS and Beast TCP clients against a loopback server (127.0.0.1, ephemeral port) that
 * sends in odd chunk sizes, hangs up once in the middle of a frame, and serves again on the
 * reconnection.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AdsbFeedClient, encodeBeastFrame, type AdsbItem } from '../../../src/ingest/adsb/index.js';
import { df17, identMe, positionMe, velocityMe } from './helpers.js';

const ICAO = 0x4d2023;
const CHUNKS = [1, 7, 3, 13, 2, 29, 5, 64, 11];

/** A flight of 30 messages: identification, velocity, then alternating even/odd positions. */
function flight(): Uint8Array[] {
  const msgs = [df17(ICAO, identMe('TEST123')), df17(ICAO, velocityMe(100, -200, 640))];
  for (let i = 0; i < 28; i++) msgs.push(df17(ICAO, positionMe(26.1 + i * 0.001, -97.4, i % 2 === 1, 12000 - i * 25)));
  return msgs;
}

function sbsLines(): string[] {
  const lines = ['MSG,1,1,1,4D2023,1,2025/06/01,12:00:00.000,2025/06/01,12:00:00.000,TEST123,,,,,,,,,,,0'];
  for (let i = 0; i < 29; i++) {
    const t = `12:00:${String(1 + i).padStart(2, '0')}.000`;
    lines.push(`MSG,3,1,1,4D2023,1,2025/06/01,${t},2025/06/01,${t},,${12000 - 25 * i},,,${(26.1 + i * 0.001).toFixed(5)},-97.40000,,,0,0,0,0`);
  }
  return lines;
}

async function sendInChunks(sock: Socket, data: Uint8Array): Promise<void> {
  let o = 0;
  let k = 0;
  while (o < data.length && !sock.destroyed) {
    const n = CHUNKS[k++ % CHUNKS.length];
    sock.write(data.subarray(o, o + n));
    o += n;
    await new Promise((r) => setTimeout(r, 1));
  }
}

interface Harness {
  server: Server;
  port: number;
  connections: number;
}

/** Serves `first` (then hangs up) to the first connection and `rest` to the later ones. */
async function serve(first: Uint8Array, rest: Uint8Array): Promise<Harness> {
  const h: Harness = { server: createServer(), port: 0, connections: 0 };
  h.server.on('connection', async (sock) => {
    sock.on('error', () => {});
    const n = ++h.connections;
    await sendInChunks(sock, n === 1 ? first : rest);
    if (n === 1) sock.destroy();
  });
  await new Promise<void>((r) => h.server.listen(0, '127.0.0.1', () => r()));
  h.port = (h.server.address() as { port: number }).port;
  return h;
}

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c(); // clients before their servers
  cleanup = [];
});

async function until(pred: () => boolean, ms = 10_000): Promise<void> {
  const t0 = Date.now();
  while (!pred()) {
    if (Date.now() - t0 > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('ADS-B TCP clients (loopback)', () => {
  it('Beast: decodes odd-sized chunks, survives a hang-up mid-frame, reconnects and carries on', async () => {
    const frames = flight().map((m, i) => encodeBeastFrame(m, 0x1a0000 + i * 12_000, 0x1a + i));
    const all = Buffer.concat(frames);
    // first connection: 10 whole frames and half of the 11th
    const cut = Buffer.concat(frames.slice(0, 10)).length + 9;
    const h = await serve(all.subarray(0, cut), all);
    cleanup.push(() => new Promise((r) => h.server.close(() => r())));
    const items: AdsbItem[] = [];
    const client = new AdsbFeedClient({ host: '127.0.0.1', port: h.port, format: 'beast', sensorId: 'beast-1', backoff: { initialMs: 20, jitter: 0 }, onItem: (i) => items.push(i) });
    cleanup.push(() => client.stop());
    client.start();
    await until(() => items.length >= 40);
    const c = client.counters();
    expect(items).toHaveLength(40);
    expect(c.connection).toMatchObject({ connects: 2, disconnects: 1, connectFailures: 0, state: 'connected' });
    expect(c).toMatchObject({ received: 40, accepted: 40, rejected: {} });
    expect(items.slice(10).map((i) => i.hex)).toEqual(flight().map((m) => Buffer.from(m).toString('hex')));
    expect(items[0].signal).toBe(0x1a);
    expect(items[0].rssiDbfs).toBeCloseTo(20 * Math.log10(0x1a / 255), 9);
    // positions from both connections; Detections carry the identity
    expect(c.detections).toBeGreaterThan(30);
    const d = items.filter((i) => i.detection).at(-1)!.detection!;
    expect(d).toMatchObject({ sensorId: 'beast-1', evidence: { icao: '4D2023', callsign: 'TEST123' } });
    // counters are a plain-object snapshot
    expect(JSON.parse(JSON.stringify(c))).toEqual(c);
    await client.stop();
    expect(client.state).toBe('stopped');
  });

  it('SBS: lines split across chunks, a hang-up mid-line, then the full feed again', async () => {
    const text = Buffer.from(sbsLines().join('\r\n') + '\r\n');
    const cut = Buffer.from(sbsLines().slice(0, 12).join('\r\n') + '\r\nMSG,3,1,1,4D20');
    const h = await serve(cut, text);
    cleanup.push(() => new Promise((r) => h.server.close(() => r())));
    const items: AdsbItem[] = [];
    const client = new AdsbFeedClient({ host: '127.0.0.1', port: h.port, format: 'sbs', sensorId: 'sbs-1', backoff: { initialMs: 20, jitter: 0 }, onItem: (i) => items.push(i) });
    cleanup.push(() => client.stop());
    client.start();
    await until(() => items.length >= 42);
    const c = client.counters();
    expect(c).toMatchObject({ received: 42, accepted: 42, rejected: {}, detections: 11 + 29 });
    expect(c.connection.connects).toBe(2);
    expect(items.at(-1)!.detection).toMatchObject({ timeMs: Date.UTC(2025, 5, 1, 12, 0, 29), evidence: { icao: '4D2023', callsign: 'TEST123' } });
  });

  it('backs off exponentially while nothing listens, and recovers when a server appears', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const events: number[] = [];
    const client = new AdsbFeedClient({
      host: '127.0.0.1', port, format: 'sbs', sensorId: 's', backoff: { initialMs: 10, maxMs: 80, factor: 2, jitter: 0 },
      onEvent: (e) => { if (e.type === 'waiting') events.push(e.delayMs!); },
    });
    cleanup.push(() => client.stop());
    client.start();
    await until(() => events.length >= 6);
    expect(events.slice(0, 6)).toEqual([10, 20, 40, 80, 80, 80]);
    expect(client.counters().connection.connectFailures).toBeGreaterThanOrEqual(5);
    // a server appears on that port: the client connects and decodes
    const items: AdsbItem[] = [];
    const server = createServer((s) => {
      s.on('error', () => {});
      s.end(sbsLines().join('\n') + '\n');
    });
    cleanup.push(() => new Promise((r) => server.close(() => r())));
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
    (client as unknown as { opts: { onItem: (i: AdsbItem) => void } }).opts.onItem = (i) => items.push(i);
    await until(() => items.length >= 30);
    expect(client.counters().connection.connects).toBeGreaterThanOrEqual(1);
  });

  it('drops a connection that goes quiet and reconnects', async () => {
    let connections = 0;
    const server = createServer((s) => {
      connections++;
      s.on('error', () => {});
    });
    cleanup.push(() => new Promise((r) => server.close(() => r())));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const client = new AdsbFeedClient({ host: '127.0.0.1', port: (server.address() as { port: number }).port, format: 'beast', sensorId: 'b', idleTimeoutMs: 50, backoff: { initialMs: 10, jitter: 0 } });
    cleanup.push(() => client.stop());
    client.start();
    await until(() => connections >= 3);
    expect(client.counters().connection.lastError).toBe('idle timeout');
    // nothing ever decoded on those connections, so the backoff keeps growing
    expect(client.counters().connection.disconnects).toBeGreaterThanOrEqual(2);
  });
});
