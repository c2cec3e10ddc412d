import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  LINKTYPE_BLUETOOTH_LE_LL,
  LINKTYPE_BLUETOOTH_LE_LL_WITH_PHDR,
  LINKTYPE_IEEE802_11_RADIOTAP,
  LINKTYPE_NORDIC_BLE,
} from '../../../src/ingest/pcap/reader.js';
import {
  RID_MESSAGE_SIZE,
  bleCrc24,
  decodeBleAdvData,
  decodeCaptureRecord,
  decodeMessage,
  decodeMessageOrPack,
  decodeMessagePack,
  encodeBleAdvData,
  encodeBleAirPacket,
  encodeBleExtendedPdu,
  encodeBleLegacyPdu,
  encodeMessage,
  encodeMessagePack,
  encodeNanSdf,
  encodeNordicBle,
  encodeRadiotap,
  encodeWifiBeacon,
  horizontalAccuracyM,
  speedAccuracyMps,
  verticalAccuracyM,
  type RidMessage,
} from '../../../src/ingest/remoteid/index.js';
import { authArb, basicIdArb, locationArb, macArb, macString, messageArb, operatorIdArb, selfIdArb, systemArb } from './arbitraries.js';

const RUNS = { numRuns: 2000 };

describe('Remote ID messages: encode → decode round trip', () => {
  const cases: [string, fc.Arbitrary<RidMessage>][] = [
    ['Basic ID', basicIdArb],
    ['Location/Vector', locationArb],
    ['Authentication (page 0 and later pages)', authArb],
    ['Self-ID', selfIdArb],
    ['System', systemArb],
    ['Operator ID', operatorIdArb],
  ];
  for (const [name, arb] of cases) {
    it(`${name} round-trips exactly`, () => {
      fc.assert(
        fc.property(arb, (m) => {
          const bytes = encodeMessage(m);
          expect(bytes).toHaveLength(RID_MESSAGE_SIZE);
          const r = decodeMessage(bytes);
          expect(r).toEqual({ ok: true, value: m });
        }),
        RUNS,
      );
    });
  }

  it('Message Pack (0–9 messages of any type) round-trips exactly', () => {
    fc.assert(
      fc.property(fc.array(messageArb, { maxLength: 9 }), fc.integer({ min: 0, max: 15 }), (ms, pv) => {
        const r = decodeMessagePack(encodeMessagePack(ms, pv));
        expect(r).toEqual({ ok: true, value: { type: 'message-pack', protocolVersion: pv, messages: ms } });
      }),
      { numRuns: 500 },
    );
  });

  it('decode ∘ encode ∘ decode = decode for arbitrary 25-byte messages (the encoder loses nothing the decoder keeps)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 25, maxLength: 25 }), (b) => {
        const r = decodeMessage(b);
        if (!r.ok) return;
        expect(decodeMessage(encodeMessage(r.value))).toEqual(r);
      }),
      { numRuns: 5000 },
    );
  });

  it('the unknown-value sentinels decode to null and encode back', () => {
    const m = encodeMessage({
      type: 'location', protocolVersion: 2, status: 2, heightType: 0, directionDeg: null, speedHorizontalMps: null, speedVerticalMps: null,
      latDeg: null, lonDeg: null, altitudePressureM: null, altitudeGeodeticM: null, heightM: null,
      horizontalAccuracy: 0, verticalAccuracy: 0, baroAccuracy: 0, speedAccuracy: 0, timestampTenths: null, timestampAccuracy: 0,
    });
    // direction 361 = EW bit + 181, speed 255 = multiplier bit + 255, vertical 63 m/s = 126, altitudes 0, timestamp 0xFFFF
    expect(Buffer.from(m).toString('hex')).toBe('1223b5ff7e00000000000000000000000000000000ffff0000');
    expect(horizontalAccuracyM(0)).toBeNull();
    expect(horizontalAccuracyM(10)).toBe(10);
    expect(verticalAccuracyM(3)).toBe(25);
    expect(speedAccuracyMps(4)).toBe(0.3);
    expect(horizontalAccuracyM(13)).toBeNull();
  });
});

describe('Remote ID carriers: encode → decode round trip', () => {
  it('Bluetooth 4 legacy advertising (one message, LINKTYPE_BLUETOOTH_LE_LL and PHDR)', () => {
    fc.assert(
      fc.property(messageArb, macArb, fc.integer({ min: 0, max: 255 }), (m, mac, ctr) => {
        const ad = encodeBleAdvData(ctr, encodeMessage(m));
        expect(ad.length).toBe(31); // fills legacy advertising data exactly: 1E 16 FA FF 0D ctr + 25
        expect(ad[0]).toBe(0x1e);
        const air = encodeBleAirPacket(encodeBleLegacyPdu(mac, ad));
        const r = decodeCaptureRecord({ linkType: LINKTYPE_BLUETOOTH_LE_LL, data: air, timeMs: 5 });
        expect(r).toEqual({ ok: true, value: { timeMs: 5, carrier: 'bt4-legacy', transmitter: macString(mac), counter: ctr, rssiDbm: null, packed: false, messages: [m] } });
        const phdr = new Uint8Array(10 + air.length);
        phdr[0] = 37;
        phdr[1] = -70 & 0xff;
        phdr[8] = 0x02; // flags 0x0C02: signal valid, CRC checked, CRC valid, LE 1M
        phdr[9] = 0x0c;
        phdr.set(air, 10);
        const p = decodeCaptureRecord({ linkType: LINKTYPE_BLUETOOTH_LE_LL_WITH_PHDR, data: phdr, timeMs: 5 });
        expect(p.ok && p.value.messages).toEqual([m]);
      }),
      { numRuns: 300 },
    );
  });

  it('Bluetooth 5 extended advertising on LE Coded (Message Pack, nRF Sniffer wrapping)', () => {
    fc.assert(
      fc.property(fc.array(messageArb, { maxLength: 9 }), macArb, fc.integer({ min: 0, max: 255 }), (ms, mac, ctr) => {
        const pdu = encodeBleExtendedPdu(mac, encodeBleAdvData(ctr, encodeMessagePack(ms)));
        const rec = encodeNordicBle(encodeBleAirPacket(pdu, true), { coded: true, rssiDbm: -61 });
        const r = decodeCaptureRecord({ linkType: LINKTYPE_NORDIC_BLE, data: rec, timeMs: 1 });
        expect(r).toEqual({ ok: true, value: { timeMs: 1, carrier: 'bt5-extended', transmitter: macString(mac), counter: ctr, rssiDbm: -61, packed: true, messages: ms } });
      }),
      { numRuns: 300 },
    );
  });

  it('Wi-Fi beacon vendor element and NAN service discovery frame (radiotap)', () => {
    fc.assert(
      fc.property(fc.array(messageArb, { maxLength: 9 }), macArb, fc.integer({ min: 0, max: 255 }), fc.boolean(), (ms, mac, ctr, nan) => {
        const pack = encodeMessagePack(ms);
        const frame = nan ? encodeNanSdf(mac, ctr, pack) : encodeWifiBeacon(mac, ctr, pack);
        const r = decodeCaptureRecord({ linkType: LINKTYPE_IEEE802_11_RADIOTAP, data: encodeRadiotap(frame, { rssiDbm: -42 }), timeMs: 2 });
        expect(r).toEqual({ ok: true, value: { timeMs: 2, carrier: nan ? 'wifi-nan' : 'wifi-beacon', transmitter: macString(mac), counter: ctr, rssiDbm: -42, packed: true, messages: ms } });
      }),
      { numRuns: 300 },
    );
  });

  it('BLE CRC-24 detects every single-bit error', () => {
    const pdu = encodeBleLegacyPdu(new Uint8Array([1, 2, 3, 4, 5, 6]), encodeBleAdvData(7, new Uint8Array(25)));
    const crc = bleCrc24(pdu);
    for (let i = 0; i < pdu.length * 8; i++) {
      const c = pdu.slice();
      c[i >> 3] ^= 1 << (i & 7);
      expect(bleCrc24(c)).not.toBe(crc);
    }
  });
});

describe('Remote ID: malformed input is rejected with a reason and never throws', () => {
  it('specific malformations name their reason', () => {
    const basic = encodeMessage({ type: 'basic-id', protocolVersion: 2, idType: 1, uaType: 2, uasId: 'X' });
    expect(decodeMessage(basic.subarray(0, 24))).toEqual({ ok: false, reason: 'rid-message-too-short' });
    const t6 = basic.slice();
    t6[0] = 0x62;
    expect(decodeMessage(t6)).toEqual({ ok: false, reason: 'rid-unknown-message-type' });
    const pack = encodeMessagePack([{ type: 'basic-id', protocolVersion: 2, idType: 1, uaType: 2, uasId: 'X' }]);
    const bad = pack.slice();
    bad[1] = 24;
    expect(decodeMessagePack(bad)).toEqual({ ok: false, reason: 'rid-pack-message-size' });
    bad[1] = 25;
    bad[2] = 10;
    expect(decodeMessagePack(bad)).toEqual({ ok: false, reason: 'rid-pack-count' });
    bad[2] = 2;
    expect(decodeMessagePack(bad)).toEqual({ ok: false, reason: 'rid-pack-truncated' });
    const nested = encodeMessagePack([]);
    const outer = new Uint8Array(3 + 25);
    outer.set([0xf2, 25, 1]);
    outer.set(nested, 3);
    expect(decodeMessagePack(outer)).toEqual({ ok: false, reason: 'rid-pack-nested' });
    expect(decodeBleAdvData(new Uint8Array([0x1e, 0x16, 0xfa, 0xff, 0x0d]))).toEqual({ ok: false, reason: 'ble-ad-truncated' });
    expect(decodeBleAdvData(new Uint8Array([0x02, 0x01, 0x06]))).toEqual({ ok: false, reason: 'not-remote-id' });
    const air = encodeBleAirPacket(encodeBleLegacyPdu(new Uint8Array(6), encodeBleAdvData(0, basic)));
    air[10] ^= 0x40;
    expect(decodeCaptureRecord({ linkType: LINKTYPE_BLUETOOTH_LE_LL, data: air, timeMs: 0 })).toEqual({ ok: false, reason: 'ble-crc' });
    expect(decodeCaptureRecord({ linkType: 1, data: air, timeMs: 0 })).toEqual({ ok: false, reason: 'capture-unsupported-link-type' });
  });

  it('random bytes through every decoder: a result, never an exception', () => {
    const linkTypes = [LINKTYPE_BLUETOOTH_LE_LL, LINKTYPE_BLUETOOTH_LE_LL_WITH_PHDR, LINKTYPE_NORDIC_BLE, LINKTYPE_IEEE802_11_RADIOTAP, 105];
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
        for (const r of [decodeMessage(b), decodeMessagePack(b), decodeMessageOrPack(b), decodeBleAdvData(b), ...linkTypes.map((linkType) => decodeCaptureRecord({ linkType, data: b, timeMs: 0 }))]) {
          expect(typeof r.ok).toBe('boolean');
          if (!r.ok) expect(r.reason).toMatch(/^[a-z0-9-]+$/);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
