/** Shared helpers for the TAK network tests: polling, a fake TAK server, a multicast probe. */
import dgram from 'node:dgram';
import net from 'node:net';
import tls from 'node:tls';
import { CotStreamCutter } from '../../../src/ingest/cot/stream.js';
import { CotReceiver, type CotInbound } from '../../../src/ingest/cot/receiver.js';

/** Resolves when cond() holds; rejects after timeoutMs with the description. */
export async function waitFor(cond: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export interface ServerConnection {
  socket: net.Socket;
  raw: Buffer[];
  events: CotInbound[];
  rejects: string[];
  rawText(): string;
}

export interface FakeTakServer {
  port: number;
  connections: ServerConnection[];
  /** All events received on every connection, in arrival order. */
  events(): CotInbound[];
  close(): Promise<void>;
}

/**
 * A TAK-server stand-in on 127.0.0.1: accepts streaming connections (plain or TLS), cuts and
 * parses what clients send with the CoT-in path, and lets a test act on each connection.
 */
export async function fakeTakServer(
  opts: { tls?: tls.TlsOptions; onConnection?: (c: ServerConnection) => void; onData?: (c: ServerConnection) => void } = {},
): Promise<FakeTakServer> {
  const connections: ServerConnection[] = [];
  const handle = (socket: net.Socket) => {
    const c: ServerConnection = { socket, raw: [], events: [], rejects: [], rawText: () => Buffer.concat(c.raw).toString('utf8') };
    const receiver = new CotReceiver((e) => c.events.push(e), {}, (reason) => c.rejects.push(reason));
    const cutter = new CotStreamCutter((m) => receiver.streamMessage(m), (r, m) => receiver.framingReject(r, m));
    socket.on('data', (d: Buffer) => {
      c.raw.push(d);
      cutter.push(d);
      opts.onData?.(c);
    });
    socket.on('error', () => undefined);
    connections.push(c);
    opts.onConnection?.(c);
  };
  const server = opts.tls ? tls.createServer(opts.tls, handle) : net.createServer(handle);
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    connections,
    events: () => connections.flatMap((c) => c.events),
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of connections) c.socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The group Centinela multicasts SA on. */
export const SA_GROUP = '239.2.3.1';

/**
 * Whether this host can join 239.2.3.1 on the loopback interface and loop a datagram back to
 * itself with TTL 0 (which never leaves the host). Returns null when it works, else why not.
 */
export async function multicastLoopbackProblem(port: number): Promise<string | null> {
  const rx = dgram.createSocket({ type: 'udp4', reuseAddr: true });
  const tx = dgram.createSocket('udp4');
  try {
    await new Promise<void>((resolve, reject) => {
      rx.once('error', reject);
      rx.bind(port, () => resolve());
    });
    rx.addMembership(SA_GROUP, '127.0.0.1');
    await new Promise<void>((resolve) => tx.bind(0, '127.0.0.1', () => resolve()));
    tx.setMulticastInterface('127.0.0.1');
    tx.setMulticastTTL(0);
    tx.setMulticastLoopback(true);
    const got = new Promise<boolean>((resolve) => {
      rx.once('message', () => resolve(true));
      setTimeout(() => resolve(false), 1000);
    });
    tx.send('probe', port, SA_GROUP);
    return (await got) ? null : 'a datagram sent to 239.2.3.1 on lo did not loop back within 1 s';
  } catch (e) {
    return `cannot use multicast on lo: ${e instanceof Error ? e.message : String(e)}`;
  } finally {
    rx.close();
    tx.close();
  }
}

/** A port for a multicast test, away from 6969 so concurrent runs and real TAK clients do not mix. */
export function testPort(): number {
  return 20000 + ((process.pid * 7919 + Math.floor(Math.random() * 20000)) % 30000);
}
