/**
 * Remote ID over Bluetooth LE: link-layer framing, advertising PDUs, and the ODID service data.
 *
 * F3411 puts each message in the advertising data as one AD structure of type 0x16 (Service
 * Data, 16-bit UUID) with the ASTM UUID 0xFFFA, the application code 0x0D and a one-byte message
 * counter:
 * - Bluetooth 4 legacy advertising (ADV_NONCONN_IND and friends, ≤ 31 bytes of AdvData):
 *   `1E 16 FA FF 0D <counter> <one 25-byte message>`;
 * - Bluetooth 5 extended advertising (AUX_ADV_IND on the secondary channel, usually LE Coded
 *   "Long Range"): the same AD structure carrying a Message Pack.
 *
 * Captures reach us in three link-layer wrappings, all of which end in the over-the-air packet
 * (access address, [coding indicator on LE Coded], PDU header, payload, 24-bit CRC):
 * LINKTYPE_BLUETOOTH_LE_LL (251, bare), LINKTYPE_BLUETOOTH_LE_LL_WITH_PHDR (256, a 10-byte
 * pseudo-header) and LINKTYPE_NORDIC_BLE (272, nRF Sniffer; the captures in
 * ../shared/standards/remoteid use it). The CRC is recomputed here: a sniffer hands over corrupted
 * packets too (flagged, but the flag is easy to ignore), and a corrupted pack can decode to
 * nonsense that looks valid.
 */
import { decodeMessageOrPack, fail, ok, type Result, type RidMessage } from './messages.js';

/** The access address of every advertising physical channel packet. */
export const BLE_ADVERTISING_ACCESS_ADDRESS = 0x8e89bed6;
/** ASTM International's 16-bit service UUID for Remote ID. */
export const ODID_BLE_UUID = 0xfffa;
/** The F3411 application code that follows the UUID. */
export const ODID_APP_CODE = 0x0d;

export interface BleOdid {
  counter: number;
  packed: boolean;
  messages: RidMessage[];
}

/** An advertising PDU's interesting parts. */
export interface BleAdvPdu {
  pduType: number;
  extended: boolean;
  /** Advertiser address as AA:BB:CC:DD:EE:FF (most significant byte first), when present. */
  advA: string | null;
  advData: Uint8Array;
}

/** What a link-layer wrapper told us besides the PDU. */
export interface BleMeta {
  rssiDbm: number | null;
  channel: number | null;
  phy: '1M' | '2M' | 'coded' | null;
}

export function macToString(b: Uint8Array, offset: number, reversed: boolean): string {
  let s = '';
  for (let i = 0; i < 6; i++) {
    const v = b[reversed ? offset + 5 - i : offset + i];
    s += (i ? ':' : '') + (v < 16 ? '0' : '') + v.toString(16).toUpperCase();
  }
  return s;
}

/**
 * Finds and decodes the Remote ID service data in a block of AD structures
 * (length, type, data…). Other AD structures (flags, names) are skipped.
 */
export function decodeBleAdvData(ad: Uint8Array): Result<BleOdid> {
  let i = 0;
  while (i < ad.length) {
    const len = ad[i];
    if (len === 0) break; // zero length: the rest is padding
    if (i + 1 + len > ad.length) return fail('ble-ad-truncated');
    const type = ad[i + 1];
    if (type === 0x16 && len >= 4 && (ad[i + 2] | (ad[i + 3] << 8)) === ODID_BLE_UUID && ad[i + 4] === ODID_APP_CODE) {
      if (len < 5) return fail('ble-odid-no-counter');
      const payload = ad.subarray(i + 6, i + 1 + len);
      const r = decodeMessageOrPack(payload);
      if (!r.ok) return r;
      return ok({ counter: ad[i + 5], packed: r.value.packed, messages: r.value.messages });
    }
    i += 1 + len;
  }
  return fail('not-remote-id');
}

/** Builds the ODID AD structure: `len 16 FA FF 0D <counter> <payload>`. */
export function encodeBleAdvData(counter: number, payload: Uint8Array): Uint8Array {
  if (payload.length > 250) throw new RangeError('AD payload too long');
  const out = new Uint8Array(6 + payload.length);
  out[0] = 5 + payload.length;
  out[1] = 0x16;
  out[2] = ODID_BLE_UUID & 0xff;
  out[3] = ODID_BLE_UUID >> 8;
  out[4] = ODID_APP_CODE;
  out[5] = counter & 0xff;
  out.set(payload, 6);
  return out;
}

// Extended-header field sizes in flag order: AdvA, TargetA, CTEInfo, ADI, AuxPtr, SyncInfo, TxPower.
const EXT_FIELD_SIZES = [6, 6, 1, 2, 3, 18, 1];

/** Parses an advertising physical channel PDU (2-byte header + payload, no access address or CRC). */
export function decodeBleAdvPdu(pdu: Uint8Array): Result<BleAdvPdu> {
  if (pdu.length < 2) return fail('ble-pdu-too-short');
  const pduType = pdu[0] & 0x0f;
  const len = pdu[1];
  if (2 + len > pdu.length) return fail('ble-pdu-truncated');
  const payload = pdu.subarray(2, 2 + len);
  switch (pduType) {
    case 0: // ADV_IND
    case 2: // ADV_NONCONN_IND
    case 4: // SCAN_RSP
    case 6: // ADV_SCAN_IND
      if (len < 6) return fail('ble-pdu-truncated');
      return ok({ pduType, extended: false, advA: macToString(payload, 0, true), advData: payload.subarray(6) });
    case 7: {
      // Common Extended Advertising Payload (ADV_EXT_IND, AUX_ADV_IND, AUX_CHAIN_IND, …).
      if (len < 1) return fail('ble-ext-empty');
      const hlen = payload[0] & 0x3f;
      if (1 + hlen > len) return fail('ble-ext-header-overflow');
      let advA: string | null = null;
      if (hlen > 0) {
        const flags = payload[1];
        let o = 2;
        for (let bit = 0; bit < EXT_FIELD_SIZES.length; bit++) {
          if (!(flags & (1 << bit))) continue;
          if (o + EXT_FIELD_SIZES[bit] > 1 + hlen) return fail('ble-ext-header-overflow');
          if (bit === 0) advA = macToString(payload, o, true);
          o += EXT_FIELD_SIZES[bit];
        }
      }
      const advData = payload.subarray(1 + hlen);
      if (advData.length === 0) return fail('ble-ext-no-adv-data');
      return ok({ pduType, extended: true, advA, advData });
    }
    default:
      return fail('ble-pdu-without-adv-data');
  }
}

/** Legacy ADV_NONCONN_IND PDU (header + AdvA + AdvData), random TxAdd. */
export function encodeBleLegacyPdu(advA: Uint8Array, advData: Uint8Array): Uint8Array {
  if (advData.length > 31) throw new RangeError('legacy AdvData is at most 31 bytes');
  const out = new Uint8Array(2 + 6 + advData.length);
  out[0] = 0x42; // ADV_NONCONN_IND, TxAdd = random
  out[1] = 6 + advData.length;
  for (let i = 0; i < 6; i++) out[2 + i] = advA[5 - i];
  out.set(advData, 8);
  return out;
}

/** AUX_ADV_IND PDU with AdvA and ADI in the extended header (as Bluetooth 5 Remote ID senders emit). */
export function encodeBleExtendedPdu(advA: Uint8Array, advData: Uint8Array, adi = 0): Uint8Array {
  const hlen = 1 + 6 + 2;
  const len = 1 + hlen + advData.length;
  if (len > 255) throw new RangeError('extended PDU payload is at most 255 bytes');
  const out = new Uint8Array(2 + len);
  out[0] = 0x07;
  out[1] = len;
  out[2] = hlen; // AdvMode 0: non-connectable, non-scannable
  out[3] = 0x09; // AdvA + ADI
  for (let i = 0; i < 6; i++) out[4 + i] = advA[5 - i];
  out[10] = adi & 0xff;
  out[11] = (adi >> 8) & 0xff;
  out.set(advData, 12);
  return out;
}

/**
 * Bluetooth LE CRC-24 (polynomial x²⁴+x¹⁰+x⁹+x⁶+x⁴+x³+x+1), shifted in least significant bit
 * first from the 0x555555 advertising preset; returned in the order it is transmitted (the
 * little-endian 24-bit value of the three CRC bytes as captured).
 */
export function bleCrc24(pdu: Uint8Array, init = 0x555555): number {
  let state = init;
  for (let i = 0; i < pdu.length; i++) {
    const byte = pdu[i];
    for (let k = 0; k < 8; k++) {
      const fb = ((state >> 23) & 1) ^ ((byte >> k) & 1);
      state = (state << 1) & 0xffffff;
      if (fb) state ^= 0x00065b;
    }
  }
  let out = 0;
  for (let k = 0; k < 24; k++) out |= ((state >> k) & 1) << (23 - k);
  return out >>> 0;
}

export interface BleLinkOptions {
  /** Recompute and check the CRC (default true). */
  verifyCrc?: boolean;
}

/**
 * Decodes an over-the-air LE packet: access address, [CI when `coded`], PDU, CRC.
 * Only advertising-channel packets can carry Remote ID.
 */
export function decodeBleAirPacket(pkt: Uint8Array, coded: boolean, opts: BleLinkOptions = {}): Result<BleAdvPdu> {
  if (pkt.length < 4 + (coded ? 1 : 0) + 2 + 3) return fail('ble-packet-too-short');
  const aa = (pkt[0] | (pkt[1] << 8) | (pkt[2] << 16) | (pkt[3] << 24)) >>> 0;
  if (aa !== BLE_ADVERTISING_ACCESS_ADDRESS) return fail('not-remote-id');
  const start = 4 + (coded ? 1 : 0);
  const len = pkt[start + 1];
  const end = start + 2 + len;
  if (end > pkt.length) return fail('ble-pdu-truncated');
  const pdu = pkt.subarray(start, end);
  if (opts.verifyCrc !== false) {
    if (end + 3 > pkt.length) return fail('ble-crc-missing');
    const got = pkt[end] | (pkt[end + 1] << 8) | (pkt[end + 2] << 16);
    if (got !== bleCrc24(pdu)) return fail('ble-crc');
  }
  return decodeBleAdvPdu(pdu);
}

/** Wraps a PDU as an over-the-air packet (advertising access address, optional CI, CRC). */
export function encodeBleAirPacket(pdu: Uint8Array, coded = false): Uint8Array {
  const start = 4 + (coded ? 1 : 0);
  const out = new Uint8Array(start + pdu.length + 3);
  out[0] = 0xd6;
  out[1] = 0xbe;
  out[2] = 0x89;
  out[3] = 0x8e;
  out.set(pdu, start);
  const crc = bleCrc24(pdu);
  out[start + pdu.length] = crc & 0xff;
  out[start + pdu.length + 1] = (crc >> 8) & 0xff;
  out[start + pdu.length + 2] = (crc >> 16) & 0xff;
  return out;
}

/** LINKTYPE_BLUETOOTH_LE_LL_WITH_PHDR: 10-byte pseudo-header, then the air packet. */
export function decodeBlePhdr(data: Uint8Array, opts: BleLinkOptions = {}): Result<{ pdu: BleAdvPdu; meta: BleMeta }> {
  if (data.length < 10) return fail('ble-phdr-too-short');
  const flags = data[8] | (data[9] << 8);
  // 0x0400 CRC checked, 0x0800 CRC valid: believe a capture tool that says the CRC failed.
  if (flags & 0x0400 && !(flags & 0x0800)) return fail('ble-crc');
  const phyBits = (flags >> 14) & 3;
  const phy = phyBits === 0 ? '1M' : phyBits === 1 ? '2M' : phyBits === 2 ? 'coded' : null;
  const r = decodeBleAirPacket(data.subarray(10), phy === 'coded', opts);
  if (!r.ok) return r;
  const rssiDbm = flags & 0x0002 ? (data[1] << 24) >> 24 : null;
  return ok({ pdu: r.value, meta: { rssiDbm, channel: data[0], phy } });
}

/** LINKTYPE_BLUETOOTH_LE_LL: the bare air packet (1M/2M assumed: the format cannot say "coded"). */
export function decodeBleLl(data: Uint8Array, opts: BleLinkOptions = {}): Result<{ pdu: BleAdvPdu; meta: BleMeta }> {
  const r = decodeBleAirPacket(data, false, opts);
  return r.ok ? ok({ pdu: r.value, meta: { rssiDbm: null, channel: null, phy: null } }) : r;
}

/**
 * LINKTYPE_NORDIC_BLE (nRF Sniffer for Bluetooth LE): board id, a 6-byte UART header
 * (protocol 1: header length, payload length, version, counter, packet id; protocol 2 and 3:
 * 16-bit payload length, version, counter, packet id), then for packet events a 10-byte header
 * (length, flags, channel, RSSI magnitude, event counter, timestamp) and the air packet. Flags
 * bit 0 is "CRC OK"; bits 4–6 the PHY (2 = LE Coded, whose packets carry the coding indicator
 * after the access address).
 */
export function decodeNordicBle(data: Uint8Array, opts: BleLinkOptions = {}): Result<{ pdu: BleAdvPdu; meta: BleMeta }> {
  if (data.length < 7) return fail('nordic-too-short');
  if (data[0] === 0xbe && data[1] === 0xef) return fail('nordic-unsupported-version');
  const protover = data[3];
  let payloadLen: number;
  if (protover >= 2) payloadLen = data[1] | (data[2] << 8);
  else if (protover === 1 && data[1] === 6) payloadLen = data[2];
  else return fail('nordic-unsupported-version');
  if (1 + 6 + payloadLen > data.length) return fail('nordic-truncated');
  const packetId = data[6];
  // v3: 0x02 advertising PDU event, 0x06 data PDU event; v1/v2: 0x06 packet event.
  if (packetId !== 0x06 && packetId !== 0x02) return fail('nordic-not-a-packet');
  if (payloadLen < 10) return fail('nordic-truncated');
  const hdr = 7;
  const bleHeaderLen = data[hdr];
  if (bleHeaderLen < 10 || hdr + bleHeaderLen > 7 + payloadLen) return fail('nordic-bad-header');
  const flags = data[hdr + 1];
  const phyCode = protover >= 2 ? (flags >> 4) & 7 : 0;
  const phy = phyCode === 0 ? '1M' : phyCode === 1 ? '2M' : phyCode === 2 ? 'coded' : null;
  const r = decodeBleAirPacket(data.subarray(hdr + bleHeaderLen, 7 + payloadLen), phy === 'coded', opts);
  if (!r.ok) return r;
  return ok({ pdu: r.value, meta: { rssiDbm: -data[hdr + 3], channel: data[hdr + 2], phy } });
}

/** Wraps an air packet as an nRF Sniffer protocol-3 advertising event (tests and fuzz seeds). */
export function encodeNordicBle(airPacket: Uint8Array, opts: { coded?: boolean; rssiDbm?: number; channel?: number } = {}): Uint8Array {
  const payloadLen = 10 + airPacket.length;
  const out = new Uint8Array(7 + payloadLen);
  out[0] = 0x03; // board
  out[1] = payloadLen & 0xff;
  out[2] = payloadLen >> 8;
  out[3] = 3; // protocol version
  out[6] = 0x02; // advertising PDU event
  out[7] = 10;
  out[8] = 0x01 | (opts.coded ? 0x20 : 0); // CRC OK, PHY
  out[9] = opts.channel ?? 37;
  out[10] = Math.min(255, Math.max(0, -(opts.rssiDbm ?? -60)));
  out.set(airPacket, 17);
  return out;
}
