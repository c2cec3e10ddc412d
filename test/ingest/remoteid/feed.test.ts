import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectionSchema } from '../../../src/model/detection.js';
import { LINKTYPE_BLUETOOTH_LE_LL, LINKTYPE_IEEE802_11_RADIOTAP, readCapture, writePcap, writePcapng } from '../../../src/ingest/pcap/reader.js';
import {
  RemoteIdAssembler,
  RemoteIdSource,
  decodeHexLine,
  decodeReceiverJson,
  decodeRemoteIdFile,
  detectRidInputFormat,
  encodeBleAdvData,
  encodeBleAirPacket,
  encodeBleLegacyPdu,
  encodeMessage,
  encodeMessagePack,
  encodeRadiotap,
  encodeWifiBeacon,
  parseJsonDocument,
  type LocationMessage,
  type RidFrame,
  type SystemMessage,
} from '../../../src/ingest/remoteid/index.js';

const mac = new Uint8Array([0x02, 0x11, 0x22, 0x33, 0x44, 0x55]);
const MAC = '02:11:22:33:44:55';

const location = (over: Partial<LocationMessage> = {}): LocationMessage => ({
  type: 'location', protocolVersion: 2, status: 2, heightType: 0, directionDeg: 90, speedHorizontalMps: 10, speedVerticalMps: 1.5,
  latDeg: 26.05, lonDeg: -97.5, altitudePressureM: 140, altitudeGeodeticM: 120, heightM: 100,
  horizontalAccuracy: 10, verticalAccuracy: 4, baroAccuracy: 3, speedAccuracy: 3, timestampTenths: null, timestampAccuracy: 1, ...over,
});
const system = (over: Partial<SystemMessage> = {}): SystemMessage => ({
  type: 'system', protocolVersion: 2, operatorLocationType: 0, classificationType: 0, operatorLatDeg: 26.04, operatorLonDeg: -97.51,
  areaCount: 1, areaRadiusM: 0, areaCeilingM: null, areaFloorM: null, categoryEu: 0, classEu: 0, operatorAltitudeGeoM: 20, timestampS: 0, ...over,
});
const basic = { type: 'basic-id', protocolVersion: 2, idType: 1, uaType: 2, uasId: '1581F4XFA12345' } as const;

const frame = (messages: RidFrame['messages'], timeMs: number, transmitter: string | null = MAC): RidFrame => ({
  timeMs, carrier: 'bt4-legacy', transmitter, counter: 0, rssiDbm: null, packed: false, messages,
});

describe('Remote ID assembler', () => {
  it('joins Basic ID, System and Location sent separately (Bluetooth 4) into one Detection', () => {
    const a = new RemoteIdAssembler({ sensorId: 'rid' });
    expect(a.ingest(frame([basic], 1000)).detections).toEqual([]);
    expect(a.ingest(frame([system()], 1100)).detections).toEqual([]);
    const { detections } = a.ingest(frame([location()], 1200));
    expect(detections).toHaveLength(1);
    const d = detections[0];
    expect(detectionSchema.parse(d)).toEqual(d);
    expect(d).toMatchObject({
      sensorId: 'rid',
      timeMs: 1200,
      measurement: { kind: 'gnss', latDeg: 26.05, lonDeg: -97.5, heightAboveEllipsoidM: 120, horizontalAccuracyM: 10, verticalAccuracyM: 10 },
      evidence: { remoteId: { serial: '1581F4XFA12345', operator: { latDeg: 26.04, lonDeg: -97.51 } } },
    });
    const v = (d.measurement as { velocityEnuMps: number[] }).velocityEnuMps;
    expect(v[0]).toBeCloseTo(10, 12);
    expect(v[1]).toBeCloseTo(0, 12);
    expect(v[2]).toBe(1.5);
    // speed accuracy category 3 → 1 m/s (95 %)
    expect((d.measurement as { velocityAccuracyMps?: number }).velocityAccuracyMps).toBe(1);
    // another transmitter's Location does not borrow this serial
    const other = a.ingest(frame([location()], 1300, '02:00:00:00:00:01')).detections[0];
    expect(other.evidence).toBeUndefined();
  });

  it('altitude falls back to take-off altitude + height, then to pressure altitude with a wide bound', () => {
    const a = new RemoteIdAssembler({ sensorId: 'rid' });
    a.ingest(frame([system({ operatorAltitudeGeoM: 20 })], 0));
    let d = a.ingest(frame([location({ altitudeGeodeticM: null, heightM: 55 })], 1)).detections[0];
    expect(d.measurement).toMatchObject({ heightAboveEllipsoidM: 75, verticalAccuracyM: 150 });
    d = a.ingest(frame([location({ altitudeGeodeticM: null, heightM: 55, heightType: 1 })], 2)).detections[0];
    expect(d.measurement).toMatchObject({ heightAboveEllipsoidM: 140, verticalAccuracyM: 300 });
    const r = a.ingest(frame([location({ altitudeGeodeticM: null, heightM: null, altitudePressureM: null })], 3));
    expect(r).toEqual({ detections: [], rejected: ['rid-no-altitude'] });
    expect(a.ingest(frame([location({ latDeg: null, lonDeg: null })], 4)).rejected).toEqual(['rid-no-position']);
    expect(a.ingest(frame([location({ latDeg: 95 })], 5)).rejected).toEqual(['rid-position-out-of-range']);
    // unknown accuracy categories use the configured defaults
    d = a.ingest(frame([location({ horizontalAccuracy: 0, verticalAccuracy: 0 })], 6)).detections[0];
    expect(d.measurement).toMatchObject({ horizontalAccuracyM: 185.2, verticalAccuracyM: 150 });
  });

  it("uses the Location's own timestamp when it agrees with the receiver clock, else the receiver's", () => {
    const a = new RemoteIdAssembler({ sensorId: 'rid' });
    const hour = Date.UTC(2025, 5, 1, 14);
    // fix at 14:59:59.5, received at 15:00:00.3 (previous hour's tenths)
    let d = a.ingest(frame([location({ timestampTenths: 35995 })], hour + 3_600_300)).detections[0];
    expect(d.timeMs).toBe(hour + 3_599_500);
    d = a.ingest(frame([location({ timestampTenths: 0 })], hour + 1_800_000)).detections[0];
    expect(d.timeMs).toBe(hour + 1_800_000);
  });

  it('stays bounded: least recently heard drones are evicted, silent ones expire', () => {
    const a = new RemoteIdAssembler({ sensorId: 'rid', maxDrones: 100, stateTtlMs: 10_000 });
    for (let i = 0; i < 1000; i++) a.ingest(frame([location()], i, `02:00:00:00:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`));
    expect(a.size).toBe(100);
    a.ingest(frame([location()], 50_000, MAC));
    expect(a.size).toBe(1);
  });

  it('reassembles multi-page authentication', () => {
    const a = new RemoteIdAssembler({ sensorId: 'rid' });
    const data = Buffer.alloc(40, 0xab).toString('hex');
    a.ingest(frame([{ type: 'auth', protocolVersion: 2, authType: 3, page: 0, lastPageIndex: 1, length: 30, timestampS: 1234, dataHex: data.slice(0, 34) }], 0));
    a.ingest(frame([{ type: 'auth', protocolVersion: 2, authType: 3, page: 1, lastPageIndex: null, length: null, timestampS: null, dataHex: data.slice(0, 46) }], 1));
    const s = [...a.states()][0];
    expect(s.auth).toEqual({ authType: 3, timestampS: 1234, length: 30, dataHex: 'ab'.repeat(30) });
  });
});

describe('Remote ID hex feed', () => {
  const msg = Buffer.from(encodeMessage(location())).toString('hex');
  it('decodes each kind, with time and transmitter', () => {
    const ad = Buffer.from(encodeBleAdvData(9, encodeMessage(basic))).toString('hex');
    let r = decodeHexLine(`1717200000.5 @02-11-22-33-44-55 ble-ad:${ad}`);
    expect(r.ok && r.value).toMatchObject({ timeMs: 1717200000500, transmitter: MAC, carrier: 'bt4-legacy', counter: 9, messages: [basic] });
    r = decodeHexLine(`2024-06-01T00:00:00Z ${msg.match(/../g)!.join(' ')}`);
    expect(r.ok && r.value).toMatchObject({ timeMs: Date.UTC(2024, 5, 1), carrier: 'unknown', messages: [location()] });
    // guessed kinds: message pack, vendor element, 802.11 frame, air packet
    const pack = Buffer.from(encodeMessagePack([basic, location()])).toString('hex');
    expect(decodeHexLine(pack)).toMatchObject({ ok: true, value: { packed: true } });
    const beacon = encodeWifiBeacon(mac, 3, encodeMessagePack([basic]));
    expect(decodeHexLine(Buffer.from(beacon).toString('hex'))).toMatchObject({ ok: true, value: { carrier: 'wifi-beacon', transmitter: MAC } });
    const ie = beacon.subarray(beacon.indexOf(0xdd));
    expect(decodeHexLine(`0x${Buffer.from(ie).toString('hex')}`)).toMatchObject({ ok: true, value: { carrier: 'wifi-beacon', counter: 3 } });
    const air = encodeBleAirPacket(encodeBleLegacyPdu(mac, encodeBleAdvData(1, encodeMessage(basic))));
    expect(decodeHexLine(Buffer.from(air).toString('hex'))).toMatchObject({ ok: true, value: { transmitter: MAC } });
    expect(decodeHexLine(`radiotap:${Buffer.from(encodeRadiotap(beacon)).toString('hex')}`)).toMatchObject({ ok: true, value: { rssiDbm: -50 } });
  });

  it('blank and comment lines are skipped; bad lines name their reason', () => {
    expect(decodeHexLine('   # a comment')).toEqual({ ok: true, value: null });
    expect(decodeHexLine('zz')).toEqual({ ok: false, reason: 'hex-invalid' });
    expect(decodeHexLine('abc')).toEqual({ ok: false, reason: 'hex-invalid' });
    expect(decodeHexLine('bogus:0011')).toEqual({ ok: false, reason: 'hex-unknown-kind' });
    expect(decodeHexLine('@nope 00')).toEqual({ ok: false, reason: 'hex-bad-transmitter' });
    expect(decodeHexLine('ff'.repeat(9000))).toEqual({ ok: false, reason: 'hex-line-too-long' });
    expect(decodeHexLine('0102')).toEqual({ ok: false, reason: 'rid-raw-unrecognised' });
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        const r = decodeHexLine(s);
        expect(typeof r.ok).toBe('boolean');
      }),
      { numRuns: 3000 },
    );
  });
});

describe('Remote ID receiver JSON', () => {
  it('DroneID / WarDragon layout: an array of one-key message objects', () => {
    const v = [
      { 'Basic ID': { protocol_version: 'F3411.22', id_type: 'Serial Number (ANSI/CTA-2063-A)', ua_type: 'Helicopter (or Multirotor)', id: '1581F5FHD23AS00D', MAC: '60:60:1f:aa:bb:cc', RSSI: -67 } },
      {
        'Location/Vector Message': {
          latitude: 26.07, longitude: -97.21, geodetic_altitude: '120.5 m', height_agl: 80, speed: 12.5, vert_speed: -1, direction: 180,
          op_status: 'Airborne', height_type: 'Above Takeoff', horizontal_accuracy: '< 3 m', vertical_accuracy: '< 10 m', speed_accuracy: '< 1 m/s',
        },
      },
      { 'System Message': { operator_lat: 26.06, operator_lon: -97.2, operator_alt_geo: 15 } },
      { 'Operator ID Message': { operator_id_type: 'Operator ID', operator_id: 'USA-OP-1' } },
    ];
    const r = decodeReceiverJson(v, 1000);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.transmitter).toBe('60:60:1F:AA:BB:CC');
    expect(r.value.rssiDbm).toBe(-67);
    expect(r.value.messages[0]).toMatchObject({ type: 'basic-id', idType: 1, uaType: 2, uasId: '1581F5FHD23AS00D' });
    expect(r.value.messages[1]).toMatchObject({ type: 'location', status: 2, altitudeGeodeticM: 120.5, horizontalAccuracy: 11, verticalAccuracy: 4, speedAccuracy: 3 });
    const src = new RemoteIdSource({ sensorId: 'rid' });
    const { detections } = src.ingestJson(v, 1000);
    expect(detections).toHaveLength(1);
    expect(detections[0]).toMatchObject({
      timeMs: 1000,
      measurement: { latDeg: 26.07, lonDeg: -97.21, heightAboveEllipsoidM: 120.5, horizontalAccuracyM: 3, verticalAccuracyM: 10 },
      evidence: { remoteId: { serial: '1581F5FHD23AS00D', operator: { latDeg: 26.06, lonDeg: -97.2 } } },
    });
  });

  it('raw-bytes JSON, JSON Lines and one array; bad values counted', () => {
    const hex = Buffer.from(encodeBleAdvData(4, encodeMessage(location()))).toString('hex');
    const r = decodeReceiverJson({ time: 1717200000, mac: '02:11:22:33:44:55', rssi: -80, hex, kind: 'ble-ad' });
    expect(r.ok && r.value).toMatchObject({ timeMs: 1717200000000, transmitter: MAC, rssiDbm: -80, counter: 4 });
    expect(decodeReceiverJson({ hex: 'xyz' })).toEqual({ ok: false, reason: 'json-bad-hex' });
    expect(decodeReceiverJson({ hex, kind: 'nope' })).toEqual({ ok: false, reason: 'json-unknown-kind' });
    expect(decodeReceiverJson(42)).toEqual({ ok: false, reason: 'json-not-an-object' });
    expect(decodeReceiverJson({ foo: 1 })).toEqual({ ok: false, reason: 'json-no-remote-id' });
    expect(parseJsonDocument(`{"hex":"${hex}"}\nnot json\n\n{"hex":"${hex}"}`)).toMatchObject({ bad: 1 });
    expect(parseJsonDocument(`[{"hex":"${hex}"},{"hex":"${hex}"}]`).values).toHaveLength(2);
    expect(parseJsonDocument(`[{"Basic ID":{"id":"A"}},{"Location/Vector Message":{"latitude":1,"longitude":2}}]`).values).toHaveLength(1);
  });

  it('keys that live on Object.prototype are data, not methods', () => {
    for (const v of [{ valueOf: {} }, { toString: 1, constructor: { prototype: {} } }, JSON.parse('{"__proto__":{"hex":"00"}}'), [{ hasOwnProperty: {} }]]) {
      expect(decodeReceiverJson(v)).toEqual({ ok: false, reason: 'json-no-remote-id' });
    }
    expect(parseJsonDocument('[{"valueOf":1},{"toString":2}]').values).toHaveLength(2);
  });

  it('never throws on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const r = decodeReceiverJson(v);
        expect(typeof r.ok).toBe('boolean');
      }),
      { numRuns: 20_000 },
    );
  });
});

describe('pcap / pcapng reader', () => {
  const pkts = [
    { timeMs: 1717200000123.456, data: encodeRadiotap(encodeWifiBeacon(mac, 1, encodeMessagePack([basic, location()]))) },
    { timeMs: 1717200001000, data: encodeRadiotap(encodeWifiBeacon(mac, 2, encodeMessagePack([location()]))) },
  ];

  it('reads back what it writes, in both formats, and feeds the decoder', () => {
    for (const file of [writePcap(LINKTYPE_IEEE802_11_RADIOTAP, pkts), writePcapng(LINKTYPE_IEEE802_11_RADIOTAP, pkts)]) {
      const r = readCapture(file);
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      expect(r.value.records.map((x) => [x.linkType, Math.round(x.timeMs! * 1000), Buffer.from(x.data).toString('hex')])).toEqual(
        pkts.map((p) => [LINKTYPE_IEEE802_11_RADIOTAP, Math.round(p.timeMs * 1000), Buffer.from(p.data).toString('hex')]),
      );
      const src = new RemoteIdSource({ sensorId: 'rid' });
      const got: number[] = [];
      decodeRemoteIdFile(file, src, (it) => got.push(...it.detections.map((d) => d.timeMs)));
      expect(got).toHaveLength(2);
      expect(src.counters).toMatchObject({ received: 2, accepted: 2, detections: 2 });
    }
  });

  it('big-endian and nanosecond pcap headers', () => {
    const le = writePcap(LINKTYPE_BLUETOOTH_LE_LL, [{ timeMs: 1000.5, data: new Uint8Array([1, 2, 3]) }]);
    const be = new Uint8Array(le.length);
    const dl = new DataView(le.buffer);
    const db = new DataView(be.buffer);
    for (const o of [0, 8, 12, 16, 20, 24, 28, 32, 36]) db.setUint32(o, dl.getUint32(o, true), false);
    db.setUint16(4, 2, false);
    db.setUint16(6, 4, false);
    be.set(le.subarray(40), 40);
    db.setUint32(0, 0xa1b23c4d, false); // nanosecond magic, big-endian
    db.setUint32(28, 500_000, false);
    const r = readCapture(be);
    expect(r.ok && r.value.records.map((x) => [x.timeMs, Array.from(x.data)])).toEqual([[1000.5, [1, 2, 3]]]);
  });

  it('truncated and corrupt files keep what was read and say why they stopped', () => {
    const file = writePcapng(LINKTYPE_IEEE802_11_RADIOTAP, pkts);
    const cut = readCapture(file.subarray(0, file.length - 10));
    expect(cut.ok && cut.value.records).toHaveLength(1);
    expect(cut.ok && cut.value.problems).toEqual({ 'pcapng-truncated-block': 1 });
    const p = writePcap(LINKTYPE_IEEE802_11_RADIOTAP, pkts);
    const cutp = readCapture(p.subarray(0, p.length - 1));
    expect(cutp.ok && cutp.value.problems).toEqual({ 'pcap-truncated-record': 1 });
    expect(readCapture(new Uint8Array([1, 2, 3, 4, 5]))).toEqual({ ok: false, reason: 'capture-unknown-format' });
    expect(detectRidInputFormat(p)).toBe('pcap');
    expect(detectRidInputFormat(Buffer.from(' [{"hex":"00"}]'))).toBe('json');
    expect(detectRidInputFormat(Buffer.from('0102'))).toBe('hex');
  });

  it('never throws on mutated captures', () => {
    const base = [writePcap(LINKTYPE_IEEE802_11_RADIOTAP, pkts), writePcapng(LINKTYPE_IEEE802_11_RADIOTAP, pkts)];
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1 }), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }), fc.nat(), (which, edits, cut) => {
        const f = base[which].slice(0, Math.max(0, base[which].length - (cut % 64)));
        for (const [pos, v] of edits) if (f.length) f[pos % f.length] = v;
        const r = readCapture(f);
        expect(typeof r.ok).toBe('boolean');
        const src = new RemoteIdSource({ sensorId: 'x' });
        decodeRemoteIdFile(f, src, () => {});
      }),
      { numRuns: 3000 },
    );
  });
});

describe('JSON documents', () => {
  it('one pretty-printed object is one value', () => {
    const doc = JSON.stringify({ 'Basic ID': { id: 'A' }, 'Location/Vector Message': { latitude: 1, longitude: 2 } }, null, 2);
    expect(parseJsonDocument(doc)).toEqual({ values: [JSON.parse(doc)], bad: 0 });
  });
});
