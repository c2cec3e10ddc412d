import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import protobuf from 'protobufjs';
import { CoTParser } from '@tak-ps/node-cot';
import { beforeAll, describe, expect, it } from 'vitest';
import { trackSnapshotToCot, type TrackSnapshot } from '../../../src/outputs/tak/cot.js';
import { cotEventToXml, type CotEvent } from '../../../src/outputs/tak/event.js';
import {
  TAK_PACKAGE, encodeTakMesh, encodeTakPayload, encodeTakStream, encodeVarint, meshFrame, streamFrame, takMessageObject, takRoot,
} from '../../../src/outputs/tak/takproto.js';
import { decodeTakMesh, decodeTakPayload, readVarint } from '../../../src/ingest/cot/takproto.js';
import { parseCotXml } from '../../../src/ingest/cot/parse.js';

const protoDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'shared', 'standards', 'cot', 'takproto');
let reference: protobuf.Root;
let RefTakMessage: protobuf.Type;

beforeAll(async () => {
  reference = await protobuf.load(resolve(protoDir, 'takmessage.proto'));
  RefTakMessage = reference.lookupType(`${TAK_PACKAGE}.TakMessage`);
});

function snap(over: Partial<TrackSnapshot> = {}): TrackSnapshot {
  return {
    id: '42', timeMs: Date.UTC(2025, 4, 1, 3, 12, 9, 250), latDeg: 26.1012345, lonDeg: -98.2598765, heightAboveEllipsoidM: 75.13,
    velocityEnuMps: [3, -4, 0], covarianceEnu: [16, 0, 0, 0, 9, 0, 0, 0, 4], status: 'confirmed', classLabel: 'rotary-drone',
    affiliation: 'hostile', identities: [], ...over,
  };
}

describe('TAK protocol v1 schema', () => {
  it('defines every official message with the official field names, numbers and types', () => {
    const messages = ['TakMessage', 'TakControl', 'CotEvent', 'Detail', 'Contact', 'Group', 'PrecisionLocation', 'Status', 'Takv', 'Track'];
    for (const name of messages) {
      const ref = reference.lookupType(`${TAK_PACKAGE}.${name}`);
      const ours = takRoot.lookupType(`${TAK_PACKAGE}.${name}`);
      const shape = (t: protobuf.Type) =>
        t.fieldsArray.map((f) => [f.name, f.id, f.type, f.repeated]).sort((a, b) => (a[1] as number) - (b[1] as number));
      expect(shape(ours), name).toEqual(shape(ref));
    }
  });

  it('encodes byte for byte as the reference schema does, and the reference decodes it (property)', () => {
    const event = fc.record({
      uid: fc.string({ minLength: 1, maxLength: 30 }), t: fc.integer({ min: 1, max: 4102444800000 }),
      lat: fc.double({ min: -90, max: 90, noNaN: true }), lon: fc.double({ min: -180, max: 180, noNaN: true }),
      hae: fc.double({ min: -500, max: 1e7, noNaN: true }), ce: fc.double({ min: 0, max: 1e7, noNaN: true }),
      callsign: fc.option(fc.string({ maxLength: 20 })), remarks: fc.option(fc.string({ maxLength: 40 })),
      track: fc.option(fc.record({ course: fc.double({ min: 0, max: 359.99, noNaN: true }), speed: fc.double({ min: 0, max: 300, noNaN: true }) })),
      control: fc.boolean(),
    });
    fc.assert(
      fc.property(event, (r) => {
        const ev: CotEvent = {
          uid: r.uid, type: 'a-h-A-M-H-Q', how: 'm-f', timeMs: r.t, startMs: r.t, staleMs: r.t + 15000,
          latDeg: r.lat, lonDeg: r.lon, haeM: r.hae, ceM: r.ce, leM: 9999999, detail: {},
        };
        if (r.callsign !== null) ev.detail.contact = { callsign: r.callsign };
        if (r.remarks !== null) ev.detail.remarks = r.remarks;
        if (r.track) ev.detail.track = r.track;
        const control = r.control ? { minProtoVersion: 1, maxProtoVersion: 1, contactUid: 'c' } : undefined;
        const ours = encodeTakPayload(ev, control);
        const theirs = RefTakMessage.encode(RefTakMessage.fromObject(takMessageObject(ev, control))).finish();
        expect(Buffer.from(ours).equals(Buffer.from(theirs))).toBe(true);
        const back = RefTakMessage.toObject(RefTakMessage.decode(ours), { longs: Number }) as { cotEvent: Record<string, unknown> };
        expect(back.cotEvent.uid).toBe(r.uid);
        expect(back.cotEvent.sendTime).toBe(r.t);
        expect(back.cotEvent.lat).toBe(r.lat === 0 ? undefined : r.lat);
      }),
      { numRuns: 500 },
    );
  });

  it('leaves proto3 defaults off the wire and puts remarks in xmlDetail, contact and track in their messages', () => {
    const ev = trackSnapshotToCot(snap({ velocityEnuMps: [0, 0, 0] }));
    const obj = takMessageObject(ev) as { cotEvent: Record<string, unknown> };
    expect(obj.cotEvent).not.toHaveProperty('access');
    const det = obj.cotEvent.detail as Record<string, unknown>;
    expect(det.xmlDetail).toMatch(/^<remarks>Centinela track 42; class rotary-drone \(label\); status confirmed<\/remarks>$/);
    expect(det.contact).toEqual({ callsign: 'CNT-42' });
    expect(det.track).toEqual({}); // speed 0 and course 0 are both proto3 defaults
  });
});

describe('framing', () => {
  it('varints follow protocol.txt (7 bits at a time, least significant first)', () => {
    expect([...encodeVarint(0)]).toEqual([0]);
    expect([...encodeVarint(1)]).toEqual([1]);
    expect([...encodeVarint(127)]).toEqual([0x7f]);
    expect([...encodeVarint(128)]).toEqual([0x80, 0x01]);
    expect([...encodeVarint(300)]).toEqual([0xac, 0x02]);
    expect([...encodeVarint(2 ** 35)]).toEqual([0x80, 0x80, 0x80, 0x80, 0x80, 0x01]);
    fc.assert(fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (n) => {
      const v = encodeVarint(n);
      expect(readVarint(v, 0)).toEqual([n, v.length]);
    }));
    expect(() => encodeVarint(-1)).toThrow(RangeError);
  });

  it('mesh messages start bf 01 bf; stream messages bf <length>', () => {
    const ev = trackSnapshotToCot(snap());
    const payload = encodeTakPayload(ev);
    const mesh = encodeTakMesh(ev);
    expect([...mesh.subarray(0, 3)]).toEqual([0xbf, 0x01, 0xbf]);
    expect(Buffer.from(mesh.subarray(3)).equals(Buffer.from(payload))).toBe(true);
    const stream = encodeTakStream(ev);
    expect(stream[0]).toBe(0xbf);
    expect(readVarint(stream, 1)).toEqual([payload.length, 1 + encodeVarint(payload.length).length]);
    expect(payload.length).toBeGreaterThan(127); // a two-byte length in this case
    expect([...streamFrame(Uint8Array.of(1, 2, 3))]).toEqual([0xbf, 3, 1, 2, 3]);
    expect([...meshFrame(Uint8Array.of(9), 2)]).toEqual([0xbf, 2, 0xbf, 9]);
  });
});

describe('interoperability with @tak-ps/node-cot', () => {
  it('node-cot decodes our TAK v1 payloads to the event our XML describes', async () => {
    const ev = trackSnapshotToCot(snap());
    const cot = await CoTParser.from_proto(encodeTakPayload(ev));
    const a = cot.raw.event._attributes;
    expect(a.uid).toBe(ev.uid);
    expect(a.type).toBe('a-h-A-M-H-Q');
    expect(a.how).toBe('m-f');
    expect(a.time).toBe('2025-05-01T03:12:09.250Z');
    expect(a.stale).toBe('2025-05-01T03:12:24.250Z');
    const p = cot.raw.event.point._attributes;
    expect(Number(p.lat)).toBe(ev.latDeg);
    expect(Number(p.lon)).toBe(ev.lonDeg);
    expect(Number(p.ce)).toBe(4);
    expect(cot.raw.event.detail?.contact?._attributes?.callsign).toBe('CNT-42');
    expect(Number(cot.raw.event.detail?.track?._attributes?.speed)).toBe(5);
    expect((cot.raw.event.detail?.remarks as { _text: string })._text).toMatch(/^Centinela track 42/);
  });

  it('we decode node-cot TAK v1 payloads of our XML to the same event', async () => {
    const ev = trackSnapshotToCot(snap());
    const theirs = await CoTParser.to_proto(CoTParser.from_xml(cotEventToXml(ev)));
    const r = decodeTakPayload(theirs);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const { detail, ...rest } = r.event;
    const { detail: expectedDetail, ...expected } = ev;
    expect(rest).toEqual(expected);
    expect(detail.contact).toEqual(expectedDetail.contact);
    expect(detail.track).toEqual(expectedDetail.track);
    expect(detail.remarks).toBe(expectedDetail.remarks);
  });

  it('XML and TAK v1 of one event decode to the same model', () => {
    fc.assert(
      fc.property(fc.double({ min: -90, max: 90, noNaN: true }), fc.double({ min: -180, max: 180, noNaN: true }), fc.string({ maxLength: 30 }), (lat, lon, id) => {
        const ev = trackSnapshotToCot(snap({ latDeg: lat, lonDeg: lon, id }));
        const x = parseCotXml(cotEventToXml(ev));
        const p = decodeTakMesh(encodeTakMesh(ev));
        expect(x.ok && p.ok).toBe(true);
        if (x.ok && p.ok) {
          expect(p.event).toEqual(x.event);
          expect(x.event).toEqual(ev);
        }
      }),
      { numRuns: 300 },
    );
  });
});
