/**
 * Remote ID over Wi-Fi: radiotap, 802.11 management frames, the beacon vendor element and the
 * Wi-Fi Aware (NAN) service discovery frame.
 *
 * - Beacon: a vendor-specific element `DD <len> FA 0B BC 0D <counter> <Message Pack>` (OUI
 *   FA:0B:BC is ASD-STAN's, type 0x0D) in a beacon (or probe response) frame body.
 * - NAN: a Service Discovery Frame — Public Action frame (category 4), vendor-specific action 9,
 *   OUI 50:6F:9A type 0x13 — whose Service Descriptor Attribute (id 0x03) names the service id
 *   88:69:19:9D:92:09 (the first 6 bytes of SHA-256("org.opendroneid.remoteid")) and carries
 *   `<counter> <Message Pack>` as its service info. NAN synchronisation beacons list the same
 *   service id but carry no messages; they are "not Remote ID" here.
 */
import { decodeMessageOrPack, fail, ok, type Result, type RidMessage } from './messages.js';
import { macToString } from './ble.js';

export const ODID_WIFI_OUI = [0xfa, 0x0b, 0xbc] as const;
export const ODID_WIFI_OUI_TYPE = 0x0d;
export const ODID_NAN_SERVICE_ID = [0x88, 0x69, 0x19, 0x9d, 0x92, 0x09] as const;
const WFA_OUI = [0x50, 0x6f, 0x9a] as const;
const NAN_OUI_TYPE = 0x13;

export interface WifiOdid {
  carrier: 'wifi-beacon' | 'wifi-nan';
  /** Transmitter address (addr2). */
  transmitter: string;
  counter: number;
  packed: boolean;
  messages: RidMessage[];
}

export interface RadiotapMeta {
  rssiDbm: number | null;
  frequencyMHz: number | null;
}

// ---------------------------------------------------------------------------------------------
// radiotap

// (alignment, size) of the radiotap fields in the default namespace, by present bit, up to the
// last one we need (5: dBm antenna signal); fields after it do not move the ones before.
const RT_FIELDS: ReadonlyArray<readonly [number, number]> = [
  [8, 8], // 0 TSFT
  [1, 1], // 1 Flags
  [1, 1], // 2 Rate
  [2, 4], // 3 Channel (freq, flags)
  [1, 2], // 4 FHSS
  [1, 1], // 5 dBm antenna signal
];

/**
 * Strips a radiotap header: returns the 802.11 frame (without FCS when the Flags field says
 * one is appended) and what we use from the header. A frame the driver marked as failing its
 * FCS is rejected.
 */
export function decodeRadiotap(data: Uint8Array): Result<{ frame: Uint8Array; meta: RadiotapMeta }> {
  if (data.length < 8) return fail('radiotap-too-short');
  if (data[0] !== 0) return fail('radiotap-bad-version');
  const len = data[2] | (data[3] << 8);
  if (len < 8 || len > data.length) return fail('radiotap-bad-length');
  let present = (data[4] | (data[5] << 8) | (data[6] << 16) | (data[7] << 24)) >>> 0;
  // Extended bitmaps (bit 31) follow; the default namespace's fields come after all of them.
  let off = 8;
  let word = present;
  while (word & 0x80000000) {
    if (off + 4 > len) return fail('radiotap-bad-length');
    word = (data[off] | (data[off + 1] << 8) | (data[off + 2] << 16) | (data[off + 3] << 24)) >>> 0;
    off += 4;
  }
  let flags = 0;
  let rssiDbm: number | null = null;
  let frequencyMHz: number | null = null;
  present &= 0x3f;
  for (let bit = 0; bit < RT_FIELDS.length && present >> bit; bit++) {
    if (!(present & (1 << bit))) continue;
    const [align, size] = RT_FIELDS[bit];
    off = (off + align - 1) & ~(align - 1);
    if (off + size > len) return fail('radiotap-bad-length');
    if (bit === 1) flags = data[off];
    if (bit === 3) frequencyMHz = data[off] | (data[off + 1] << 8);
    if (bit === 5) rssiDbm = (data[off] << 24) >> 24;
    off += size;
  }
  if (flags & 0x40) return fail('wifi-bad-fcs');
  let frame = data.subarray(len);
  if (flags & 0x10) {
    if (frame.length < 4) return fail('wifi-frame-too-short');
    const body = frame.subarray(0, frame.length - 4);
    const fcs = (frame[frame.length - 4] | (frame[frame.length - 3] << 8) | (frame[frame.length - 2] << 16) | (frame[frame.length - 1] << 24)) >>> 0;
    if (crc32(body) !== fcs) return fail('wifi-bad-fcs');
    frame = body;
  }
  return ok({ frame, meta: { rssiDbm, frequencyMHz } });
}

/** A minimal radiotap header (flags, channel, antenna signal) in front of a frame. */
export function encodeRadiotap(frame: Uint8Array, opts: { rssiDbm?: number; frequencyMHz?: number } = {}): Uint8Array {
  // present: Flags(1) | Channel(3) | dBm antenna signal(5); layout: hdr 8, flags 1, pad 1, chan 4, signal 1
  const len = 15;
  const out = new Uint8Array(len + frame.length);
  out[2] = len;
  out[4] = (1 << 1) | (1 << 3) | (1 << 5);
  const f = opts.frequencyMHz ?? 2437;
  out[10] = f & 0xff;
  out[11] = f >> 8;
  out[12] = 0xa0;
  out[14] = (opts.rssiDbm ?? -50) & 0xff;
  out.set(frame, len);
  return out;
}

let CRC32_TABLE: Uint32Array | null = null;
/** IEEE 802.3 CRC-32 (the 802.11 FCS). */
export function crc32(b: Uint8Array): number {
  if (!CRC32_TABLE) {
    CRC32_TABLE = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      CRC32_TABLE[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < b.length; i++) c = CRC32_TABLE[(c ^ b[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

// ---------------------------------------------------------------------------------------------
// 802.11

/** Decodes the Remote ID carried in an 802.11 frame (no radiotap, no FCS). */
export function decodeWifiFrame(f: Uint8Array): Result<WifiOdid> {
  if (f.length < 24) return fail('wifi-frame-too-short');
  const type = (f[0] >> 2) & 3;
  const subtype = f[0] >> 4;
  if ((f[0] & 3) !== 0) return fail('wifi-bad-version');
  if (type !== 0) return fail('not-remote-id'); // control and data frames never carry it
  if (f[1] & 0x40) return fail('not-remote-id'); // protected management frame
  // Management frames of HT stations may carry an HT Control field (Order bit).
  const hdr = f[1] & 0x80 ? 28 : 24;
  if (f.length < hdr) return fail('wifi-frame-too-short');
  const transmitter = macToString(f, 10, false);
  if (subtype === 8 || subtype === 5) {
    // beacon / probe response: timestamp (8), interval (2), capabilities (2), then elements
    if (f.length < hdr + 12) return fail('wifi-frame-too-short');
    return decodeElements(f.subarray(hdr + 12), transmitter);
  }
  if (subtype === 13 || subtype === 14) return decodeNanAction(f.subarray(hdr), transmitter);
  return fail('not-remote-id');
}

/** Walks information elements looking for the ASD-STAN vendor element. */
export function decodeElements(ies: Uint8Array, transmitter: string): Result<WifiOdid> {
  let i = 0;
  while (i + 2 <= ies.length) {
    const id = ies[i];
    const len = ies[i + 1];
    if (i + 2 + len > ies.length) return fail('wifi-element-truncated');
    if (id === 221 && len >= 4 && ies[i + 2] === ODID_WIFI_OUI[0] && ies[i + 3] === ODID_WIFI_OUI[1] && ies[i + 4] === ODID_WIFI_OUI[2] && ies[i + 5] === ODID_WIFI_OUI_TYPE) {
      if (len < 5) return fail('wifi-odid-no-counter');
      const r = decodeMessageOrPack(ies.subarray(i + 7, i + 2 + len));
      if (!r.ok) return r;
      return ok({ carrier: 'wifi-beacon', transmitter, counter: ies[i + 6], packed: r.value.packed, messages: r.value.messages });
    }
    i += 2 + len;
  }
  return fail('not-remote-id');
}

function decodeNanAction(body: Uint8Array, transmitter: string): Result<WifiOdid> {
  // category 4 (public), action 9 (vendor specific), WFA OUI, NAN type
  if (body.length < 6 || body[0] !== 4 || body[1] !== 9 || body[2] !== WFA_OUI[0] || body[3] !== WFA_OUI[1] || body[4] !== WFA_OUI[2] || body[5] !== NAN_OUI_TYPE) {
    return fail('not-remote-id');
  }
  let i = 6;
  while (i + 3 <= body.length) {
    const id = body[i];
    const len = body[i + 1] | (body[i + 2] << 8);
    if (i + 3 + len > body.length) return fail('nan-attribute-truncated');
    if (id === 0x03) {
      const r = decodeServiceDescriptor(body.subarray(i + 3, i + 3 + len), transmitter);
      if (r.ok || r.reason !== 'not-remote-id') return r;
    }
    i += 3 + len;
  }
  return fail('not-remote-id');
}

/** Service Descriptor Attribute body: service id, instance ids, control, optional fields, service info. */
function decodeServiceDescriptor(a: Uint8Array, transmitter: string): Result<WifiOdid> {
  if (a.length < 9) return fail('nan-sda-too-short');
  for (let k = 0; k < 6; k++) if (a[k] !== ODID_NAN_SERVICE_ID[k]) return fail('not-remote-id');
  const control = a[8];
  let o = 9;
  if (control & 0x40) o += 2; // binding bitmap
  if (control & 0x04) o += 1 + (a[o] ?? 0); // matching filter
  if (control & 0x08) o += 1 + (a[o] ?? 0); // service response filter
  if (!(control & 0x10)) return fail('nan-no-service-info');
  if (o + 1 > a.length) return fail('nan-sda-too-short');
  const infoLen = a[o];
  if (o + 1 + infoLen > a.length) return fail('nan-sda-too-short');
  if (infoLen < 1) return fail('nan-no-service-info');
  const info = a.subarray(o + 1, o + 1 + infoLen);
  const r = decodeMessageOrPack(info.subarray(1));
  if (!r.ok) return r;
  return ok({ carrier: 'wifi-nan', transmitter, counter: info[0], packed: r.value.packed, messages: r.value.messages });
}

// ---------------------------------------------------------------------------------------------
// encoders (tests, fuzz seeds, a transmitter simulator)

function mgmtHeader(subtype: number, da: readonly number[], sa: Uint8Array, bssid: readonly number[] | Uint8Array, seq: number): Uint8Array {
  const h = new Uint8Array(24);
  h[0] = subtype << 4;
  h.set(da, 4);
  h.set(sa, 10);
  h.set(bssid, 16);
  h[22] = (seq << 4) & 0xff;
  h[23] = (seq >> 4) & 0xff;
  return h;
}

const concat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};

/** A beacon frame carrying `<counter> <payload>` in the ASD-STAN vendor element. */
export function encodeWifiBeacon(mac: Uint8Array, counter: number, payload: Uint8Array, ssid = 'RID'): Uint8Array {
  if (payload.length > 250) throw new RangeError('vendor element payload too long');
  const fixed = new Uint8Array(12);
  fixed[8] = 0x64; // beacon interval 100 TU
  const ssidIe = new Uint8Array(2 + ssid.length);
  ssidIe[1] = ssid.length;
  for (let i = 0; i < ssid.length; i++) ssidIe[2 + i] = ssid.charCodeAt(i) & 0xff;
  const vendor = new Uint8Array(2 + 5 + payload.length);
  vendor[0] = 221;
  vendor[1] = 5 + payload.length;
  vendor.set([...ODID_WIFI_OUI, ODID_WIFI_OUI_TYPE, counter & 0xff], 2);
  vendor.set(payload, 7);
  return concat(mgmtHeader(8, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff], mac, mac, counter), fixed, ssidIe, vendor);
}

/** A NAN Service Discovery Frame (publish) carrying `<counter> <payload>` as ODID service info. */
export function encodeNanSdf(mac: Uint8Array, counter: number, payload: Uint8Array): Uint8Array {
  if (payload.length > 254) throw new RangeError('service info too long');
  const sda = new Uint8Array(3 + 9 + 1 + 1 + payload.length);
  const len = sda.length - 3;
  sda[0] = 0x03;
  sda[1] = len & 0xff;
  sda[2] = len >> 8;
  sda.set(ODID_NAN_SERVICE_ID, 3);
  sda[9] = 1; // instance id
  sda[11] = 0x10; // publish, service info present
  sda[12] = 1 + payload.length;
  sda[13] = counter & 0xff;
  sda.set(payload, 14);
  const action = new Uint8Array([4, 9, ...WFA_OUI, NAN_OUI_TYPE]);
  const cluster = [0x51, 0x6f, 0x9a, 0x01, 0x00, 0x00];
  return concat(mgmtHeader(13, cluster, mac, cluster, counter), action, sda);
}
