import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { trackSnapshotToCot, type TrackSnapshot } from '../../../src/outputs/tak/cot.js';
import { cotEventToXml, type CotEvent } from '../../../src/outputs/tak/event.js';
import { CotMulticastSender } from '../../../src/outputs/tak/multicast.js';
import { DropOldestQueue } from '../../../src/outputs/tak/queue.js';
import { Backoff } from '../../../src/net/backoff.js';
import { TakStreamClient } from '../../../src/outputs/tak/stream.js';
import { CotMulticastListener } from '../../../src/ingest/cot/listener.js';
import { decodeTakMesh } from '../../../src/ingest/cot/takproto.js';
import { parseCotXml } from '../../../src/ingest/cot/parse.js';
import type { CotInbound } from '../../../src/ingest/cot/receiver.js';
import { SA_GROUP, fakeTakServer, multicastLoopbackProblem, testPort, waitFor } from './helpers.js';
import { makeTestPki } from './tls-fixtures.js';

const T0 = Date.UTC(2025, 4, 1, 3, 0, 0);

function event(i: number, over: Partial<TrackSnapshot> = {}): CotEvent {
  return trackSnapshotToCot({
    id: String(i), timeMs: T0 + i * 100, latDeg: 26.1 + i * 1e-5, lonDeg: -98.26, heightAboveEllipsoidM: 60,
    velocityEnuMps: [5, 5, 0], covarianceEnu: [9, 0, 0, 0, 9, 0, 0, 0, 16], status: 'confirmed', classLabel: 'rotary-drone',
    affiliation: 'hostile', identities: [], ...over,
  });
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});
function track<T extends { close(): Promise<void> }>(x: T): T {
  cleanups.push(() => x.close());
  return x;
}

const fast = { initialMs: 20, maxMs: 200, factor: 2, jitter: 0 };

describe('bounded queue and backoff', () => {
  it('drops the oldest item when full and counts it', () => {
    const q = new DropOldestQueue<number>(3);
    for (let i = 0; i < 5; i++) q.push(i);
    expect(q.length).toBe(3);
    expect(q.dropped).toBe(2);
    expect([q.shift(), q.shift(), q.shift(), q.shift()]).toEqual([2, 3, 4, undefined]);
    expect(() => new DropOldestQueue(0)).toThrow(RangeError);
  });

  it('backs off exponentially to the cap and starts over after a success', () => {
    const b = new Backoff({ initialMs: 100, maxMs: 1000, factor: 2, jitter: 0 });
    expect([b.next(), b.next(), b.next(), b.next(), b.next(), b.next()]).toEqual([100, 200, 400, 800, 1000, 1000]);
    b.reset();
    expect(b.next()).toBe(100);
    const j = new Backoff({ initialMs: 1000, jitter: 0.5 }, () => 0.999);
    expect(j.next()).toBe(500);
  });
});

describe('TAK server streaming (TCP 127.0.0.1)', () => {
  it('streams XML events in order, each `<?xml …?>` + newline + event, no newline after </event>', async () => {
    const server = track(await fakeTakServer());
    const client = track(new TakStreamClient({ host: '127.0.0.1', port: server.port, backoff: fast }).start());
    const sent = Array.from({ length: 50 }, (_, i) => event(i));
    for (const ev of sent) expect(client.send(ev)).toBe(true);
    await waitFor(() => server.events().length === 50, '50 events at the server');
    expect(server.events().map((e) => e.event)).toEqual(sent);
    const raw = server.connections[0].rawText();
    const decl = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
    expect(raw.startsWith(decl + '<event ')).toBe(true);
    expect(raw.split(decl).length - 1).toBe(50);
    expect(raw.split('</event>' + decl).length - 1).toBe(49);
    expect(raw.endsWith('</event>')).toBe(true);
    expect(client.counters).toMatchObject({ sent: 50, dropped: 0, queued: 0, errors: 0, connected: true, encoding: 'xml', bytesSent: Buffer.byteLength(raw) });
  });

  it('reconnects with backoff after the server drops the connection, and carries on', async () => {
    const server = track(await fakeTakServer({
      onData: (c) => {
        if (server.connections.indexOf(c) === 0 && c.events.length >= 1) c.socket.destroy();
      },
    }));
    const client = track(new TakStreamClient({ host: '127.0.0.1', port: server.port, backoff: fast }).start());
    client.send(event(0));
    await waitFor(() => server.connections.length === 1 && server.connections[0].socket.destroyed, 'the server to drop the first connection');
    await waitFor(() => server.connections.length === 2 && client.counters.connected, 'a second connection');
    for (let i = 1; i <= 10; i++) client.send(event(i));
    await waitFor(() => server.connections[1].events.length === 10, 'events on the second connection');
    expect(server.connections[1].events.map((e) => e.event.uid)).toEqual(Array.from({ length: 10 }, (_, i) => `centinela-${i + 1}`));
    expect(client.counters.reconnects).toBeGreaterThanOrEqual(1);
  });

  it('keeps retrying while the server is down, with growing delays, and connects when it returns', async () => {
    const probe = await fakeTakServer();
    const port = probe.port;
    await probe.close(); // nothing listens on this port now
    const client = track(new TakStreamClient({ host: '127.0.0.1', port, backoff: { initialMs: 10, maxMs: 80, factor: 2, jitter: 0 } }).start());
    client.send(event(1));
    await waitFor(() => client.counters.reconnects >= 4, 'several reconnection attempts');
    expect(client.counters.errors).toBeGreaterThanOrEqual(4); // ECONNREFUSED each time
    expect(client.counters.queued).toBe(1); // the event waits
    const net = await import('node:net');
    const got: Buffer[] = [];
    const sockets: import('node:net').Socket[] = [];
    const back = net.createServer((s) => {
      sockets.push(s);
      s.on('data', (d) => got.push(d));
    });
    cleanups.push(() => new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      back.close(() => r());
    }));
    await new Promise<void>((resolve) => back.listen(port, '127.0.0.1', resolve));
    await waitFor(() => Buffer.concat(got).toString().includes('</event>'), 'the queued event after the server returns', 5000);
    expect(Buffer.concat(got).toString()).toContain('uid="centinela-1"');
    await waitFor(() => client.counters.queued === 0, 'an empty queue');
  });

  it('keeps memory bounded when the server stalls: drop-oldest, counted, newest kept', async () => {
    const server = track(await fakeTakServer({ onConnection: (c) => c.socket.pause() })); // never reads
    const capacity = 100;
    const client = track(new TakStreamClient({ host: '127.0.0.1', port: server.port, queueCapacity: capacity, backoff: fast }).start());
    await waitFor(() => client.counters.connected, 'connection');
    const heap0 = process.memoryUsage().heapUsed;
    let offered = 0;
    let maxQueued = 0;
    // Offer events until the socket and kernel buffers are full and the queue overflows, then
    // keep offering: sent must stop growing while drops take the excess.
    for (let round = 0; round < 400 && client.counters.dropped < 20_000; round++) {
      for (let i = 0; i < 500; i++) client.send(event(offered++));
      maxQueued = Math.max(maxQueued, client.counters.queued);
      await new Promise((r) => setImmediate(r));
    }
    expect(client.counters.dropped).toBeGreaterThanOrEqual(20_000);
    expect(maxQueued).toBeLessThanOrEqual(capacity);
    const c = client.counters;
    expect(c.sent + c.dropped + c.queued).toBe(offered);
    const sentAtStall = c.sent;
    for (let i = 0; i < 5000; i++) client.send(event(offered++));
    expect(client.counters.sent).toBe(sentAtStall); // nothing more written to a stalled socket
    expect(client.counters.queued).toBe(capacity);
    const heapGrowthMB = (process.memoryUsage().heapUsed - heap0) / 2 ** 20;
    expect(heapGrowthMB).toBeLessThan(100);
    // The server wakes up: the queue drains and the newest event (never dropped) arrives.
    const lastUid = `centinela-${offered - 1}`;
    server.connections[0].socket.resume();
    await waitFor(() => server.events().some((e) => e.event.uid === lastUid), 'the newest event after the stall', 20_000);
    expect(client.counters.queued).toBe(0);
    expect(server.connections[0].rejects).toEqual([]);
  });

  it('refuses invalid events before queueing them', () => {
    const client = new TakStreamClient({ host: '127.0.0.1', port: 1 });
    expect(client.send({ ...event(1), staleMs: event(1).startMs })).toBe(false);
    expect(client.send({ ...event(1), type: 'a h' })).toBe(false);
    expect(client.counters).toMatchObject({ invalid: 2, queued: 0 });
  });

  it('negotiates TAK protocol v1 with the server, then sends protobuf stream frames', async () => {
    const offer = cotEventToXml({
      uid: 'protouid-1', type: 't-x-takp-v', how: 'm-g', timeMs: T0, startMs: T0, staleMs: T0 + 60_000, latDeg: 0, lonDeg: 0, haeM: 0, ceM: 999999, leM: 999999,
      detail: { xmlDetail: '<TakControl><TakProtocolSupport version="1"/></TakControl>' },
    });
    const answer = cotEventToXml({
      uid: 'protouid-1', type: 't-x-takp-r', how: 'm-g', timeMs: T0, startMs: T0, staleMs: T0 + 60_000, latDeg: 0, lonDeg: 0, haeM: 0, ceM: 999999, leM: 999999,
      detail: { xmlDetail: '<TakControl><TakResponse status="true"/></TakControl>' },
    });
    let answered = false;
    const server = track(await fakeTakServer({
      onConnection: (c) => c.socket.write(offer),
      onData: (c) => {
        const q = c.events.find((e) => e.event.type === 't-x-takp-q');
        if (q && !answered) {
          answered = true;
          expect(q.event.uid).toBe('protouid-1');
          expect(q.detail && q.detail.children[0].children[0].attrs.get('version')).toBe('1');
          c.socket.write(answer);
        }
      },
    }));
    const client = track(new TakStreamClient({ host: '127.0.0.1', port: server.port, encoding: 'negotiate', backoff: fast }).start());
    await waitFor(() => client.counters.encoding === 'proto', 'the switch to protobuf');
    for (let i = 0; i < 5; i++) client.send(event(i));
    await waitFor(() => server.events().filter((e) => e.encoding === 'proto').length === 5, 'five protobuf events');
    const raw = Buffer.concat(server.connections[0].raw);
    const after = raw.subarray(raw.lastIndexOf(Buffer.from('</event>')) + 8);
    expect(after[0]).toBe(0xbf); // stream framing from here on
    expect(server.events().filter((e) => e.encoding === 'proto').map((e) => e.event)).toEqual(Array.from({ length: 5 }, (_, i) => event(i)));
    expect(client.incoming.accepted).toBe(2); // the offer and the answer, both consumed by the negotiation
  });

  it('stays on XML when the server refuses TAK protocol v1', async () => {
    const x = (type: string, inner: string) => cotEventToXml({
      uid: 'p', type, how: 'm-g', timeMs: T0, startMs: T0, staleMs: T0 + 60_000, latDeg: 0, lonDeg: 0, haeM: 0, ceM: 999999, leM: 999999, detail: { xmlDetail: `<TakControl>${inner}</TakControl>` },
    });
    const server = track(await fakeTakServer({
      onConnection: (c) => c.socket.write(x('t-x-takp-v', '<TakProtocolSupport version="1"/>')),
      onData: (c) => {
        if (c.events.some((e) => e.event.type === 't-x-takp-q') && !c.socket.destroyed && !(c as { told?: boolean }).told) {
          (c as { told?: boolean }).told = true;
          c.socket.write(x('t-x-takp-r', '<TakResponse status="false"/>'));
        }
      },
    }));
    const client = track(new TakStreamClient({ host: '127.0.0.1', port: server.port, encoding: 'negotiate', backoff: fast }).start());
    client.send(event(1));
    await waitFor(() => server.events().some((e) => e.event.uid === 'centinela-1'), 'the event as XML');
    expect(server.events().find((e) => e.event.uid === 'centinela-1')!.encoding).toBe('xml');
    expect(client.counters.encoding).toBe('xml');
  });
});

describe('TAK server streaming over TLS with client certificates (8089 style)', () => {
  const pki = makeTestPki();
  const tlsIt = pki ? it : it.skip;
  if (!pki) console.warn('skipping TLS tests: openssl is not installed');

  tlsIt('authenticates with a client certificate signed by the server CA and streams events', async () => {
    const server = track(await fakeTakServer({ tls: { key: pki!.serverKey, cert: pki!.serverCert, ca: pki!.ca, requestCert: true, rejectUnauthorized: true } }));
    const client = track(new TakStreamClient({
      host: '127.0.0.1', port: server.port, backoff: fast,
      tls: { cert: pki!.clientCert, key: pki!.clientKey, ca: pki!.ca, servername: 'localhost' },
    }).start());
    for (let i = 0; i < 10; i++) client.send(event(i));
    await waitFor(() => server.events().length === 10, 'ten events over TLS');
    const sock = server.connections[0].socket as import('node:tls').TLSSocket;
    expect(sock.authorized).toBe(true);
    expect(sock.getPeerCertificate().subject.CN).toBe('centinela-node');
    expect(client.counters).toMatchObject({ sent: 10, errors: 0, connected: true });
  });

  tlsIt('is refused with a certificate from another CA, counts the errors and keeps retrying', async () => {
    const server = track(await fakeTakServer({ tls: { key: pki!.serverKey, cert: pki!.serverCert, ca: pki!.ca, requestCert: true, rejectUnauthorized: true } }));
    const client = track(new TakStreamClient({
      host: '127.0.0.1', port: server.port, backoff: fast,
      tls: { cert: pki!.strangerCert, key: pki!.strangerKey, ca: pki!.ca, servername: 'localhost' },
    }).start());
    client.send(event(1));
    // TLS 1.3: the client finishes its handshake before the server checks the certificate, so
    // each refusal looks like a connection the server hangs up at once — counted as an error,
    // and the backoff keeps growing instead of starting over.
    await waitFor(() => client.counters.reconnects >= 3 && client.counters.errors >= 3, 'refused handshakes and retries');
    expect(server.events()).toEqual([]);
    expect(client.lastError?.message).toMatch(/closed by the server|certificate|alert/i);
  });

  tlsIt('refuses a server whose certificate it cannot verify', async () => {
    const server = track(await fakeTakServer({ tls: { key: pki!.serverKey, cert: pki!.serverCert } }));
    const client = track(new TakStreamClient({ host: '127.0.0.1', port: server.port, backoff: fast, tls: { cert: pki!.clientCert, key: pki!.clientKey } }).start());
    client.send(event(1));
    await waitFor(() => client.counters.errors >= 1, 'a verification error');
    expect(client.lastError?.message).toMatch(/certificate/i);
    expect(client.counters.sent).toBe(0);
  });
});

describe('UDP multicast SA (239.2.3.1 on the loopback interface)', async () => {
  const port = testPort();
  const problem = await multicastLoopbackProblem(port);
  if (problem) console.warn(`skipping multicast tests: ${problem}`);
  const mcIt = problem ? it.skip : it;

  async function rawReceiver(): Promise<{ got: Buffer[]; close: () => Promise<void> }> {
    const rx = dgram.createSocket({ type: 'udp4', reuseAddr: true });
    const got: Buffer[] = [];
    rx.on('message', (m) => got.push(m));
    await new Promise<void>((resolve) => rx.bind(port, () => resolve()));
    rx.addMembership(SA_GROUP, '127.0.0.1');
    return { got, close: () => new Promise((r) => rx.close(() => r())) };
  }

  mcIt('sends one XML event per datagram to the group, read back by the CoT-in listener', async () => {
    const raw = track(await rawReceiver());
    const inbound: CotInbound[] = [];
    const listener = track(new CotMulticastListener({ port, interface: '127.0.0.1', onEvent: (e) => inbound.push(e) }));
    await listener.start();
    // TTL 0 on lo: the datagrams cannot leave this host.
    const sender = track(new CotMulticastSender({ port, interface: '127.0.0.1', ttl: 0, backoff: fast }));
    await sender.start();
    const sent = Array.from({ length: 20 }, (_, i) => event(i));
    for (const ev of sent) sender.send(ev);
    await waitFor(() => raw.got.length === 20 && inbound.length === 20, '20 datagrams');
    for (const d of raw.got) {
      const text = d.toString('utf8');
      expect(text.startsWith('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<event ')).toBe(true);
      expect(text.endsWith('</event>')).toBe(true);
      expect(parseCotXml(d).ok).toBe(true);
    }
    expect(inbound.map((e) => e.event)).toEqual(sent);
    expect(listener.counters).toMatchObject({ received: 20, accepted: 20 });
    expect(sender.counters).toMatchObject({ sent: 20, dropped: 0, errors: 0 });
    expect(sender.group).toBe('239.2.3.1');
  });

  mcIt('sends TAK protocol v1 mesh datagrams (bf 01 bf) with a TakControl announcement', async () => {
    const raw = track(await rawReceiver());
    const sender = track(new CotMulticastSender({ port, interface: '127.0.0.1', ttl: 0, encoding: 'proto', contactUid: 'centinela-hidalgo' }));
    await sender.start();
    for (let i = 0; i < 3; i++) sender.send(event(i));
    await waitFor(() => raw.got.length === 3, '3 datagrams');
    const decoded = raw.got.map((d) => decodeTakMesh(d));
    for (const d of raw.got) expect([...d.subarray(0, 3)]).toEqual([0xbf, 0x01, 0xbf]);
    expect(decoded.every((d) => d.ok)).toBe(true);
    const controls = decoded.map((d) => (d.ok ? d.control : null));
    expect(controls[0]).toEqual({ minProtoVersion: 1, maxProtoVersion: 1, contactUid: 'centinela-hidalgo' });
    expect(controls.slice(1)).toEqual([null, null]); // announced again only after controlIntervalMs
    expect(decoded.map((d) => (d.ok ? d.event : null))).toEqual([event(0), event(1), event(2)]);
  });

  mcIt('drops (and counts) events too big for a datagram', async () => {
    const sender = track(new CotMulticastSender({ port, interface: '127.0.0.1', ttl: 0, maxDatagramBytes: 200 }));
    await sender.start();
    sender.send(event(1));
    await waitFor(() => sender.counters.dropped === 1, 'the drop');
    expect(sender.counters.sent).toBe(0);
  });
});
