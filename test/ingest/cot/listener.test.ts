import dgram from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { CotMulticastListener, CotTcpClient } from '../../../src/ingest/cot/listener.js';
import type { BlueForcePosition } from '../../../src/ingest/cot/blue-force.js';
import { cotEventToXml, type CotEvent } from '../../../src/outputs/tak/event.js';
import { encodeTakMesh, encodeTakStream } from '../../../src/outputs/tak/takproto.js';
import { trackSnapshotToCot } from '../../../src/outputs/tak/cot.js';
import { SA_GROUP, fakeTakServer, multicastLoopbackProblem, testPort, waitFor } from '../../outputs/tak/helpers.js';

const NOW = Date.UTC(2025, 4, 1, 12);
function ev(uid: string, type = 'a-f-G-U-C', over: Partial<CotEvent> = {}): CotEvent {
  return {
    uid, type, how: 'm-g', timeMs: NOW, startMs: NOW, staleMs: NOW + 300_000, latDeg: 26.09, lonDeg: -98.24, haeM: 25, ceM: 8, leM: 9999999,
    detail: { contact: { callsign: uid.toUpperCase() }, group: { name: 'Cyan', role: 'Team Member' } }, ...over,
  };
}
const BILLION_LAUGHS = '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><event>&b;</event>';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe('blue force from the SA multicast group (239.2.3.1 on lo)', async () => {
  const port = testPort();
  const problem = await multicastLoopbackProblem(port);
  if (problem) console.warn(`skipping multicast listener tests: ${problem}`);
  const mcIt = problem ? it.skip : it;

  mcIt('reads XML and TAK v1 datagrams, keeps friendly atoms, counts rejects by reason', async () => {
    const blue: BlueForcePosition[] = [];
    const listener = new CotMulticastListener({ port, interface: '127.0.0.1', onBlueForce: (p) => blue.push(p), now: () => NOW });
    cleanups.push(() => listener.close());
    await listener.start();
    const tx = dgram.createSocket('udp4');
    cleanups.push(() => new Promise((r) => tx.close(() => r())));
    await new Promise<void>((r) => tx.bind(0, '127.0.0.1', () => r()));
    tx.setMulticastInterface('127.0.0.1');
    tx.setMulticastTTL(0); // never leaves the host
    const send = (b: Uint8Array | string) => new Promise<void>((r) => tx.send(b, port, SA_GROUP, () => r()));
    await send(cotEventToXml(ev('alpha')));
    await send(encodeTakMesh(ev('bravo')));
    await send(cotEventToXml(ev('hostile-drone', 'a-h-A-M-H-Q')));
    await send(BILLION_LAUGHS);
    await send(Uint8Array.of(0xbf, 0x01, 0xbf, 0x0b, 0x0b));
    await send(cotEventToXml(ev('alpha', 'a-f-G-U-C', { timeMs: NOW - 1000 }))); // older than what we hold
    await waitFor(() => listener.counters.received === 6, 'six datagrams');
    expect(blue.map((p) => [p.uid, p.callsign])).toEqual([['alpha', 'ALPHA'], ['bravo', 'BRAVO']]);
    expect(listener.table.list().map((p) => p.uid)).toEqual(['alpha', 'bravo']);
    expect(listener.counters.accepted).toBe(4);
    expect(listener.counters.rejected.doctype).toBe(1);
    expect(listener.counters.rejected['bad-protobuf']).toBe(1);
  });
});

describe('blue force from a TAK server connection (127.0.0.1)', () => {
  it('reads the server stream (XML, then protobuf frames), filters blue force, and sends tracks on the same connection', async () => {
    const server = await fakeTakServer({
      onConnection: (c) => {
        const s = c.socket;
        s.write(cotEventToXml(ev('alpha')));
        s.write(cotEventToXml(ev('chat', 'b-t-f')));
        s.write(BILLION_LAUGHS);
        s.write('<event>' + 'x'.repeat(100_000) + '</event>'); // oversized: skipped
        const proto = Buffer.from(encodeTakStream(ev('bravo', 'a-a-G-U-C-I')));
        s.write(proto.subarray(0, 7));
        setTimeout(() => s.write(proto.subarray(7)), 20); // split across TCP segments
      },
    });
    cleanups.push(() => server.close());
    const blue: BlueForcePosition[] = [];
    const client = new CotTcpClient({ host: '127.0.0.1', port: server.port, onBlueForce: (p) => blue.push(p), now: () => NOW, backoff: { initialMs: 20, jitter: 0 } }).start();
    cleanups.push(() => client.close());
    await waitFor(() => blue.length === 2, 'two blue-force positions');
    expect(blue.map((p) => p.uid)).toEqual(['alpha', 'bravo']);
    expect(blue[1]).toMatchObject({ type: 'a-a-G-U-C-I', callsign: 'BRAVO', group: { name: 'Cyan', role: 'Team Member' }, heightAboveEllipsoidM: 25, leM: null });
    expect(client.counters).toMatchObject({ received: 5, accepted: 3 });
    expect(client.counters.rejected.doctype).toBe(1);
    expect(client.counters.rejected['too-large']).toBe(1);

    const track = trackSnapshotToCot({
      id: '9', timeMs: NOW, latDeg: 26.1, lonDeg: -98.25, heightAboveEllipsoidM: 40, velocityEnuMps: [1, 1, 0], covarianceEnu: [4, 0, 0, 0, 4, 0, 0, 0, 4],
      status: 'confirmed', classLabel: 'rotary-drone', affiliation: 'hostile', identities: [],
    });
    client.connection.send(track);
    await waitFor(() => server.events().length === 1, 'our track at the server');
    expect(server.events()[0].event).toEqual(track);
  });
});
