/**
 * Fuzzing every Remote ID decoder: ≥ 1,000,000 random and mutated inputs through the message
 * and Message Pack decoders, the Bluetooth (AD, bare link layer, PHDR, nRF Sniffer) and Wi-Fi
 * (radiotap, 802.11, vendor element, NAN) carriers, the pcap and pcapng readers, the hex feed
 * and the receiver-JSON decoder, with every accepted frame fed on into one long-lived source so
 * the per-drone assembler is fuzzed too (and shown to stay bounded).
 *
 * A crash is any exception; a hang is any single input taking longer than HANG_MS; memory is
 * the V8 heap sampled as it runs. Every rejection is counted under its reason.
 *
 *   node dist/bench/fuzz/remoteid.js [iterations=1000000] [seed=1]
 */
import { Mutator, isMain, prng, printSummary, runFuzz, type FuzzResult, type FuzzTarget } from './harness.js';
import {
  LINKTYPE_BLUETOOTH_LE_LL,
  LINKTYPE_BLUETOOTH_LE_LL_WITH_PHDR,
  LINKTYPE_IEEE802_11,
  LINKTYPE_IEEE802_11_RADIOTAP,
  LINKTYPE_NORDIC_BLE,
  readCapture,
  writePcap,
  writePcapng,
} from '../../src/ingest/pcap/reader.js';
import {
  RemoteIdSource,
  decodeBleAdvData,
  decodeCaptureRecord,
  decodeHexLine,
  decodeMessage,
  decodeMessagePack,
  decodeRaw,
  decodeReceiverJson,
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
  type Result,
  type RidMessage,
} from '../../src/ingest/remoteid/index.js';

function randomMessage(m: Mutator): RidMessage {
  const nib = () => m.int(16);
  const text = (n: number) => String.fromCharCode(...Array.from({ length: m.int(n + 1) }, () => 1 + m.int(255)));
  const alt = () => (m.int(4) ? m.int(0x10000) * 0.5 - 1000 : null);
  switch (m.int(6)) {
    case 0:
      return { type: 'basic-id', protocolVersion: nib(), idType: nib(), uaType: nib(), uasId: text(20) };
    case 1:
      return {
        type: 'location', protocolVersion: nib(), status: nib(), heightType: m.int(2), directionDeg: m.int(4) ? m.int(361) : null,
        speedHorizontalMps: m.int(4) ? m.int(255) * 0.25 : null, speedVerticalMps: m.int(4) ? (m.int(250) - 125) * 0.5 : null,
        latDeg: (m.int(1_800_000_001) - 900_000_000) / 1e7, lonDeg: (m.int(3_600_000_001) - 1_800_000_000) / 1e7,
        altitudePressureM: alt(), altitudeGeodeticM: alt(), heightM: alt(), horizontalAccuracy: nib(), verticalAccuracy: nib(),
        baroAccuracy: nib(), speedAccuracy: nib(), timestampTenths: m.int(4) ? m.int(0xffff) : null, timestampAccuracy: nib(),
      };
    case 2:
      return m.int(2)
        ? { type: 'auth', protocolVersion: nib(), authType: nib(), page: 0, lastPageIndex: m.int(16), length: m.int(256), timestampS: m.int(2 ** 32), dataHex: Buffer.from(m.bytes(17)).toString('hex') }
        : { type: 'auth', protocolVersion: nib(), authType: nib(), page: 1 + m.int(15), lastPageIndex: null, length: null, timestampS: null, dataHex: Buffer.from(m.bytes(23)).toString('hex') };
    case 3:
      return { type: 'self-id', protocolVersion: nib(), descType: m.int(256), description: text(23) };
    case 4:
      return {
        type: 'system', protocolVersion: nib(), operatorLocationType: m.int(4), classificationType: m.int(8), operatorLatDeg: (m.int(1_800_000_001) - 900_000_000) / 1e7,
        operatorLonDeg: (m.int(3_600_000_001) - 1_800_000_000) / 1e7, areaCount: m.int(0x10000), areaRadiusM: m.int(256) * 10, areaCeilingM: alt(), areaFloorM: alt(),
        categoryEu: nib(), classEu: nib(), operatorAltitudeGeoM: alt(), timestampS: m.int(2 ** 32),
      };
    default:
      return { type: 'operator-id', protocolVersion: nib(), operatorIdType: m.int(256), operatorId: text(20) };
  }
}

type Target = FuzzTarget;

function buildTargets(m: Mutator, sink: RemoteIdSource): Target[] {
  const msgs = Array.from({ length: 48 }, () => randomMessage(m));
  const packs = Array.from({ length: 24 }, () => encodeMessagePack(Array.from({ length: m.int(10) }, () => m.pick(msgs))));
  const macs = Array.from({ length: 8 }, () => m.bytes(6));
  const singles = msgs.map(encodeMessage);
  const legacyAd = singles.map((s, i) => encodeBleAdvData(i, s));
  const extAd = packs.slice(0, 12).map((p, i) => encodeBleAdvData(i, p));
  const legacyPdu = legacyAd.map((ad, i) => encodeBleLegacyPdu(macs[i % 8], ad));
  const extPdu = extAd.map((ad, i) => encodeBleExtendedPdu(macs[i % 8], ad, i));
  const air = [...legacyPdu.slice(0, 12).map((p) => encodeBleAirPacket(p)), ...extPdu.slice(0, 6).map((p) => encodeBleAirPacket(p))];
  const airCoded = extPdu.map((p) => encodeBleAirPacket(p, true));
  const nordic = airCoded.map((a) => encodeNordicBle(a, { coded: true }));
  const phdr = air.map((a) => {
    const b = new Uint8Array(10 + a.length);
    b[0] = 37;
    b[8] = 0x02;
    b[9] = 0x0c;
    b.set(a, 10);
    return b;
  });
  const wifi = packs.slice(0, 12).flatMap((p, i) => [encodeWifiBeacon(macs[i % 8], i, p), encodeNanSdf(macs[i % 8], i, p)]);
  const radiotap = wifi.map((f) => encodeRadiotap(f));
  const t0 = 1_717_200_000_000;
  const pcaps = [
    writePcap(LINKTYPE_IEEE802_11_RADIOTAP, radiotap.slice(0, 6).map((data, i) => ({ timeMs: t0 + i * 100, data }))),
    writePcap(LINKTYPE_BLUETOOTH_LE_LL, air.slice(0, 6).map((data, i) => ({ timeMs: t0 + i * 100, data }))),
  ];
  const pcapngs = [
    writePcapng(LINKTYPE_NORDIC_BLE, nordic.slice(0, 4).map((data, i) => ({ timeMs: t0 + i * 100, data }))),
    writePcapng(LINKTYPE_IEEE802_11_RADIOTAP, radiotap.slice(0, 4).map((data, i) => ({ timeMs: t0 + i * 100, data }))),
  ];
  const enc = new TextEncoder();
  const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
  const hexLines = [
    ...singles.slice(0, 8).map((s) => enc.encode(`${t0 / 1000 + m.int(1000)} ${hex(s)}`)),
    ...legacyAd.slice(0, 8).map((a, i) => enc.encode(`@${[...macs[i % 8]].map((v) => v.toString(16).padStart(2, '0')).join(':')} ble-ad:${hex(a)}`)),
    ...wifi.slice(0, 4).map((f) => enc.encode(`2024-06-01T00:00:00Z wifi:${hex(f)}`)),
    ...packs.slice(0, 4).map((p) => enc.encode(hex(p).match(/../g)!.join(' '))),
  ];
  const jsonDocs = [
    ...legacyAd.slice(0, 6).map((a) => enc.encode(JSON.stringify({ time: t0 / 1000, mac: '02:11:22:33:44:55', rssi: -70, hex: hex(a), kind: 'ble-ad' }))),
    enc.encode(
      JSON.stringify([
        { 'Basic ID': { id_type: 'Serial Number (ANSI/CTA-2063-A)', ua_type: 2, id: 'SN123', MAC: 'aa:bb:cc:dd:ee:ff', RSSI: -60 } },
        { 'Location/Vector Message': { latitude: 26.1, longitude: -97.2, geodetic_altitude: '120.0 m', speed: 10, direction: 45, horizontal_accuracy: '< 10 m' } },
        { 'System Message': { operator_lat: 26.09, operator_lon: -97.21 } },
      ]),
    ),
    // keys that live on Object.prototype: a decoder that looks names up with `in` or `[]` trips on them
    enc.encode('{"valueOf":{},"toString":1,"__proto__":{"hex":"00"},"constructor":{"prototype":{}},"hex":{"valueOf":2}}'),
    enc.encode('[{"Basic ID":{"id":{"valueOf":1},"hasOwnProperty":3}},{"hasOwnProperty":{}},{"Location/Vector Message":{"latitude":"1e999","longitude":[]}}]'),
  ];
  const dec = new TextDecoder();
  return [
    { name: 'message', seeds: singles, maxLen: 64, run: (b) => decodeMessage(b) },
    { name: 'message-pack', seeds: packs, maxLen: 300, run: (b) => decodeMessagePack(b) },
    { name: 'ble-adv-data', seeds: [...legacyAd, ...extAd], maxLen: 300, run: (b) => decodeBleAdvData(b) },
    { name: 'ble-ll', seeds: air, maxLen: 300, run: (b) => sinkRecord(sink, LINKTYPE_BLUETOOTH_LE_LL, b) },
    { name: 'ble-phdr', seeds: phdr, maxLen: 300, run: (b) => sinkRecord(sink, LINKTYPE_BLUETOOTH_LE_LL_WITH_PHDR, b) },
    { name: 'nordic-ble', seeds: nordic, maxLen: 320, run: (b) => sinkRecord(sink, LINKTYPE_NORDIC_BLE, b) },
    { name: 'radiotap', seeds: radiotap, maxLen: 400, run: (b) => sinkRecord(sink, LINKTYPE_IEEE802_11_RADIOTAP, b) },
    { name: '802.11', seeds: wifi, maxLen: 400, run: (b) => sinkRecord(sink, LINKTYPE_IEEE802_11, b) },
    { name: 'raw-guess', seeds: [...singles, ...legacyAd, ...air, ...wifi], maxLen: 400, run: (b) => decodeRaw(b, null, t0, null) },
    { name: 'pcap', seeds: pcaps, maxLen: 4096, run: (b) => captureFile(sink, b) },
    { name: 'pcapng', seeds: pcapngs, maxLen: 4096, run: (b) => captureFile(sink, b) },
    {
      name: 'hex-line',
      seeds: hexLines,
      maxLen: 1200,
      run: (b) => {
        const r = decodeHexLine(dec.decode(b));
        if (r.ok && r.value) sink.assembler.ingest(r.value);
        return r;
      },
    },
    {
      name: 'json',
      seeds: jsonDocs,
      maxLen: 2048,
      run: (b) => {
        let v: unknown;
        try {
          v = JSON.parse(dec.decode(b));
        } catch {
          return { ok: false, reason: 'json-syntax' };
        }
        const r = decodeReceiverJson(v, t0);
        if (r.ok) sink.assembler.ingest(r.value);
        return r;
      },
    },
  ];
}

function sinkRecord(sink: RemoteIdSource, linkType: number, data: Uint8Array): Result<unknown> {
  const r = decodeCaptureRecord({ linkType, data, timeMs: 1_717_200_000_000 }, {});
  if (r.ok) sink.assembler.ingest(r.value);
  return r;
}

function captureFile(sink: RemoteIdSource, b: Uint8Array): Result<unknown>[] {
  const cap = readCapture(b, { maxRecords: 64 });
  if (!cap.ok) return [cap];
  const out: Result<unknown>[] = Object.entries(cap.value.problems).map(([reason]) => ({ ok: false as const, reason }));
  if (out.length === 0) out.push({ ok: true, value: null });
  for (const rec of cap.value.records) {
    const r = decodeCaptureRecord(rec);
    if (r.ok) sink.assembler.ingest(r.value);
    out.push(r);
  }
  return out;
}

/** Runs `iterations` inputs, round-robin over the targets, half random and half mutated seeds. */
export function fuzzRemoteId(iterations = 1_000_000, seed = 1): FuzzResult {
  const m = new Mutator(prng(seed));
  const sink = new RemoteIdSource({ sensorId: 'fuzz', maxDrones: 1024, clock: () => 0 });
  const targets = buildTargets(m, sink);
  const res = runFuzz(targets, iterations, m);
  if (sink.assembler.size > 1024) res.crashes++; // the assembler must stay within its bound
  return res;
}

if (isMain(import.meta.url)) {
  const iterations = Number(process.argv[2] ?? 1_000_000);
  const seed = Number(process.argv[3] ?? 1);
  const r = fuzzRemoteId(iterations, seed);
  printSummary('Remote ID', r);
  process.exitCode = r.crashes || r.hangs ? 1 : 0;
}
