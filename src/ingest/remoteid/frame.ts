/**
 * One received Remote ID frame, whatever carried it, and the decoders that produce it from
 * capture records (by link type) and from raw bytes of a known or guessed kind.
 */
import {
  LINKTYPE_BLUETOOTH_LE_LL,
  LINKTYPE_BLUETOOTH_LE_LL_WITH_PHDR,
  LINKTYPE_IEEE802_11,
  LINKTYPE_IEEE802_11_RADIOTAP,
  LINKTYPE_NORDIC_BLE,
  type CaptureRecord,
} from '../pcap/reader.js';
import {
  decodeBleAdvData,
  decodeBleAdvPdu,
  decodeBleLl,
  decodeBlePhdr,
  decodeNordicBle,
  type BleAdvPdu,
  type BleLinkOptions,
  type BleMeta,
} from './ble.js';
import { decodeMessageOrPack, fail, ok, type Result, type RidMessage } from './messages.js';
import { decodeElements, decodeRadiotap, decodeWifiFrame, type RadiotapMeta, type WifiOdid } from './wifi.js';

export type RidCarrier = 'bt4-legacy' | 'bt5-extended' | 'wifi-beacon' | 'wifi-nan' | 'unknown';

export interface RidFrame {
  /** Receiver timestamp (capture time), ms since the Unix epoch; null when the input had none. */
  timeMs: number | null;
  carrier: RidCarrier;
  /** Transmitter address (Wi-Fi addr2, Bluetooth AdvA), AA:BB:CC:DD:EE:FF, when known. */
  transmitter: string | null;
  /** The carrier's message counter (F3411: incremented per transmission), when present. */
  counter: number | null;
  rssiDbm: number | null;
  /** True when the messages came in a Message Pack. */
  packed: boolean;
  /** The messages, a Message Pack flattened. May be empty (some senders start with empty packs). */
  messages: RidMessage[];
}

function fromBle(pdu: BleAdvPdu, meta: BleMeta, timeMs: number | null): Result<RidFrame> {
  const r = decodeBleAdvData(pdu.advData);
  if (!r.ok) return r;
  return ok({
    timeMs,
    carrier: pdu.extended ? 'bt5-extended' : 'bt4-legacy',
    transmitter: pdu.advA,
    counter: r.value.counter,
    rssiDbm: meta.rssiDbm,
    packed: r.value.packed,
    messages: r.value.messages,
  });
}

function fromWifi(w: WifiOdid, meta: RadiotapMeta | null, timeMs: number | null): RidFrame {
  return { timeMs, carrier: w.carrier, transmitter: w.transmitter, counter: w.counter, rssiDbm: meta?.rssiDbm ?? null, packed: w.packed, messages: w.messages };
}

/** Decodes one capture record by its link type. Anything that is not Remote ID fails with 'not-remote-id'. */
export function decodeCaptureRecord(rec: Pick<CaptureRecord, 'linkType' | 'data' | 'timeMs'>, opts: BleLinkOptions = {}): Result<RidFrame> {
  switch (rec.linkType) {
    case LINKTYPE_IEEE802_11_RADIOTAP: {
      const rt = decodeRadiotap(rec.data);
      if (!rt.ok) return rt;
      const w = decodeWifiFrame(rt.value.frame);
      return w.ok ? ok(fromWifi(w.value, rt.value.meta, rec.timeMs)) : w;
    }
    case LINKTYPE_IEEE802_11: {
      const w = decodeWifiFrame(rec.data);
      return w.ok ? ok(fromWifi(w.value, null, rec.timeMs)) : w;
    }
    case LINKTYPE_NORDIC_BLE:
    case LINKTYPE_BLUETOOTH_LE_LL_WITH_PHDR:
    case LINKTYPE_BLUETOOTH_LE_LL: {
      const dec = rec.linkType === LINKTYPE_NORDIC_BLE ? decodeNordicBle : rec.linkType === LINKTYPE_BLUETOOTH_LE_LL ? decodeBleLl : decodeBlePhdr;
      const r = dec(rec.data, opts);
      return r.ok ? fromBle(r.value.pdu, r.value.meta, rec.timeMs) : r;
    }
    default:
      return fail('capture-unsupported-link-type');
  }
}

/** What a bare byte string in a hex feed or JSON holds. */
export type RawKind =
  | 'message' // one 25-byte message or a Message Pack
  | 'ble-ad' // advertising data (AD structures)
  | 'ble-pdu' // advertising PDU (header + payload)
  | 'ble-ll' // air packet: access address … CRC
  | 'wifi' // 802.11 frame without FCS
  | 'radiotap' // radiotap + 802.11
  | 'wifi-ie' // information elements (e.g. the vendor element DD … alone)
  | 'nordic-ble'
  | 'ble-phdr';

export const RAW_KINDS: readonly RawKind[] = ['message', 'ble-ad', 'ble-pdu', 'ble-ll', 'wifi', 'radiotap', 'wifi-ie', 'nordic-ble', 'ble-phdr'];

/**
 * Guesses what a byte string is from its first bytes: the ODID signatures are distinctive
 * (service data `16 FA FF 0D`, vendor element `DD xx FA 0B BC 0D`, advertising access
 * address, 802.11 beacon / action frame control). Returns null when nothing fits.
 */
export function guessRawKind(b: Uint8Array): RawKind | null {
  if (b.length >= 5 && b[1] === 0x16 && b[2] === 0xfa && b[3] === 0xff && b[4] === 0x0d) return 'ble-ad';
  if (b.length >= 6 && b[0] === 0xdd && b[2] === 0xfa && b[3] === 0x0b && b[4] === 0xbc && b[5] === 0x0d) return 'wifi-ie';
  if (b.length >= 4 && b[0] === 0xd6 && b[1] === 0xbe && b[2] === 0x89 && b[3] === 0x8e) return 'ble-ll';
  if (b.length === 25 || (b.length >= 3 && b[0] >> 4 === 0xf && b[1] === 25)) return 'message';
  if (b.length >= 24 && (b[0] === 0x80 || b[0] === 0x50 || b[0] === 0xd0) && (b[1] & 0x03) === 0) return 'wifi';
  if (b.length >= 8 && b[0] === 0 && b[1] === 0 && (b[2] | (b[3] << 8)) >= 8 && (b[2] | (b[3] << 8)) <= b.length) return 'radiotap';
  if (b.length >= 8 && (b[0] & 0x0f) <= 7 && b[1] + 2 <= b.length && b[1] >= 6) return 'ble-pdu';
  return null;
}

/** Decodes raw bytes of a given kind (or a guessed one) into a frame. */
export function decodeRaw(b: Uint8Array, kind: RawKind | null, timeMs: number | null, transmitter: string | null = null): Result<RidFrame> {
  const k = kind ?? guessRawKind(b);
  const base = { timeMs, transmitter, rssiDbm: null } as const;
  switch (k) {
    case 'message': {
      const r = decodeMessageOrPack(b);
      if (!r.ok) return r;
      return ok({ ...base, carrier: 'unknown', counter: null, packed: r.value.packed, messages: r.value.messages });
    }
    case 'ble-ad': {
      const r = decodeBleAdvData(b);
      if (!r.ok) return r;
      return ok({ ...base, carrier: r.value.packed ? 'bt5-extended' : 'bt4-legacy', counter: r.value.counter, packed: r.value.packed, messages: r.value.messages });
    }
    case 'ble-pdu': {
      const p = decodeBleAdvPdu(b);
      if (!p.ok) return p;
      const r = fromBle(p.value, { rssiDbm: null, channel: null, phy: null }, timeMs);
      return r.ok && !r.value.transmitter ? ok({ ...r.value, transmitter }) : r;
    }
    case 'ble-ll':
    case 'nordic-ble':
    case 'ble-phdr':
    case 'wifi':
    case 'radiotap': {
      const linkType =
        k === 'ble-ll' ? LINKTYPE_BLUETOOTH_LE_LL : k === 'nordic-ble' ? LINKTYPE_NORDIC_BLE : k === 'ble-phdr' ? LINKTYPE_BLUETOOTH_LE_LL_WITH_PHDR : k === 'wifi' ? LINKTYPE_IEEE802_11 : LINKTYPE_IEEE802_11_RADIOTAP;
      return decodeCaptureRecord({ linkType, data: b, timeMs });
    }
    case 'wifi-ie': {
      const r = decodeElements(b, '');
      return r.ok ? ok({ ...fromWifi(r.value, null, timeMs), transmitter }) : r;
    }
    default:
      return fail('rid-raw-unrecognised');
  }
}
