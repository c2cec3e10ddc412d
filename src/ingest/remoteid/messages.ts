/**
 * ASTM F3411 / ASD-STAN prEN 4709-002 broadcast Remote ID messages: decoders and encoders.
 *
 * Every message is 25 bytes, little-endian. Byte 0 is the message type (high nibble) and the
 * protocol version (low nibble: 0 = F3411-19, 1 = ASD-STAN / F3411 v1.1 draft, 2 = F3411-22a).
 * The layouts follow the standard as implemented by opendroneid-core-c (the reference
 * implementation); newer versions only added enum values and the System timestamp, so every
 * version is decoded with one layout, as the reference does.
 *
 * Decoded values are in SI units (metres, m/s, degrees for WGS84 angles), with `null` where
 * the standard's "unknown / no value" sentinel was sent. Enumerations (status, ID type,
 * accuracy categories, …) stay as the numbers on the wire; {@link horizontalAccuracyM} and
 * friends turn the accuracy categories into 95 % bounds.
 *
 * A decoder rejects only what it cannot interpret (wrong length, unknown message type, a Message
 * Pack whose sizes do not add up); values out of their physical range are passed through and
 * judged where they are used (the Detection builder).
 */

export const RID_MESSAGE_SIZE = 25;
export const RID_PACK_MAX_MESSAGES = 9;
/** Authentication: 17 data bytes on page 0, 23 on later pages; 16 pages at most (4-bit index). */
export const RID_AUTH_PAGE0_DATA = 17;
export const RID_AUTH_PAGEN_DATA = 23;
/** Unix time of 2019-01-01T00:00:00Z, the epoch of the System and Authentication timestamps. */
export const RID_EPOCH_2019_MS = Date.UTC(2019, 0, 1);

export const RID_MESSAGE_TYPES = {
  basicId: 0x0,
  location: 0x1,
  auth: 0x2,
  selfId: 0x3,
  system: 0x4,
  operatorId: 0x5,
  pack: 0xf,
} as const;

export type Result<T> = { ok: true; value: T } | { ok: false; reason: string };
export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = <T = never>(reason: string): Result<T> => ({ ok: false, reason });

export interface BasicIdMessage {
  type: 'basic-id';
  protocolVersion: number;
  /** 0 none, 1 serial number (ANSI/CTA-2063-A), 2 CAA registration, 3 UTM UUID, 4 specific session ID. */
  idType: number;
  /** 0 none, 1 aeroplane, 2 helicopter/multirotor, 3 gyroplane, 4 hybrid lift, … 15 other. */
  uaType: number;
  uasId: string;
}

export interface LocationMessage {
  type: 'location';
  protocolVersion: number;
  /** 0 undeclared, 1 ground, 2 airborne, 3 emergency, 4 Remote ID system failure. */
  status: number;
  /** Reference of `heightM`: 0 above take-off, 1 above ground level. */
  heightType: number;
  /** Track over ground, degrees clockwise from true north; null when unknown (361). */
  directionDeg: number | null;
  speedHorizontalMps: number | null;
  /** Positive up. */
  speedVerticalMps: number | null;
  latDeg: number | null;
  lonDeg: number | null;
  /** Pressure altitude (standard atmosphere, 1013.25 hPa), m. */
  altitudePressureM: number | null;
  /** Geodetic altitude: height above the WGS84 ellipsoid, m. */
  altitudeGeodeticM: number | null;
  /** Height above take-off or ground (see heightType), m. */
  heightM: number | null;
  horizontalAccuracy: number;
  verticalAccuracy: number;
  baroAccuracy: number;
  speedAccuracy: number;
  /** Tenths of a second since the start of the current UTC hour; null when unknown (0xFFFF). */
  timestampTenths: number | null;
  /** 0 unknown, else the accuracy in tenths of a second (1 … 15). */
  timestampAccuracy: number;
}

export interface AuthMessage {
  type: 'auth';
  protocolVersion: number;
  /** 0 none, 1 UAS ID signature, 2 operator ID signature, 3 message set signature, 4 network RID, 5 specific. */
  authType: number;
  page: number;
  /** Page 0 only. */
  lastPageIndex: number | null;
  /** Page 0 only: total authentication data bytes over all pages. */
  length: number | null;
  /** Page 0 only: seconds since 2019-01-01T00:00:00Z. */
  timestampS: number | null;
  /** This page's data bytes (17 on page 0, 23 otherwise), hex. */
  dataHex: string;
}

export interface SelfIdMessage {
  type: 'self-id';
  protocolVersion: number;
  /** 0 text, 1 emergency, 2 extended status, 201–255 private. */
  descType: number;
  description: string;
}

export interface SystemMessage {
  type: 'system';
  protocolVersion: number;
  /** 0 take-off, 1 live GNSS, 2 fixed. */
  operatorLocationType: number;
  /** 0 undeclared, 1 EU. */
  classificationType: number;
  operatorLatDeg: number | null;
  operatorLonDeg: number | null;
  areaCount: number;
  areaRadiusM: number;
  areaCeilingM: number | null;
  areaFloorM: number | null;
  categoryEu: number;
  classEu: number;
  /** Operator geodetic altitude (height above the WGS84 ellipsoid), m. */
  operatorAltitudeGeoM: number | null;
  /** Seconds since 2019-01-01T00:00:00Z (protocol version 2; reserved, usually 0, before). */
  timestampS: number;
}

export interface OperatorIdMessage {
  type: 'operator-id';
  protocolVersion: number;
  operatorIdType: number;
  operatorId: string;
}

export type RidMessage = BasicIdMessage | LocationMessage | AuthMessage | SelfIdMessage | SystemMessage | OperatorIdMessage;

export interface MessagePack {
  type: 'message-pack';
  protocolVersion: number;
  messages: RidMessage[];
}

// ---------------------------------------------------------------------------------------------
// accuracy categories → 95 % bounds

/** Horizontal accuracy category → 95 % radius [m] (index = category; NaN = unknown/reserved). */
export const HORIZONTAL_ACCURACY_M = [NaN, 18520, 7408, 3704, 1852, 926, 555.6, 185.2, 92.6, 30, 10, 3, 1] as const;
/** Vertical (geodetic and baro) accuracy category → 95 % bound [m]. */
export const VERTICAL_ACCURACY_M = [NaN, 150, 45, 25, 10, 3, 1] as const;
/** Speed accuracy category → 95 % bound [m/s]. */
export const SPEED_ACCURACY_MPS = [NaN, 10, 3, 1, 0.3] as const;

const lookup = (t: readonly number[], i: number): number | null => (i >= 0 && i < t.length && Number.isFinite(t[i]) ? t[i] : null);
export const horizontalAccuracyM = (category: number): number | null => lookup(HORIZONTAL_ACCURACY_M, category);
export const verticalAccuracyM = (category: number): number | null => lookup(VERTICAL_ACCURACY_M, category);
export const speedAccuracyMps = (category: number): number | null => lookup(SPEED_ACCURACY_MPS, category);

// ---------------------------------------------------------------------------------------------
// field codecs

const u16 = (b: Uint8Array, o: number): number => b[o] | (b[o + 1] << 8);
const i32 = (b: Uint8Array, o: number): number => b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24);
const u32 = (b: Uint8Array, o: number): number => i32(b, o) >>> 0;
const put16 = (b: Uint8Array, o: number, v: number): void => {
  b[o] = v & 0xff;
  b[o + 1] = (v >>> 8) & 0xff;
};
const put32 = (b: Uint8Array, o: number, v: number): void => {
  b[o] = v & 0xff;
  b[o + 1] = (v >>> 8) & 0xff;
  b[o + 2] = (v >>> 16) & 0xff;
  b[o + 3] = (v >>> 24) & 0xff;
};

const clampInt = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, Math.round(v)));

/** Altitudes and heights: uint16 in 0.5 m steps from −1000 m; 0 (−1000 m) means unknown. */
function decodeAltitude(raw: number): number | null {
  return raw === 0 ? null : raw * 0.5 - 1000;
}
function encodeAltitude(m: number | null): number {
  return m === null || !Number.isFinite(m) ? 0 : clampInt((m + 1000) / 0.5, 0, 0xffff);
}

/** Latitude/longitude: int32 in 1e-7 degrees; both zero means unknown. Division, not ×1e-7, gives the nearest double. */
function decodeLatLon(lat: number, lon: number): [number | null, number | null] {
  return lat === 0 && lon === 0 ? [null, null] : [lat / 1e7, lon / 1e7];
}
function encodeDeg7(deg: number | null): number {
  return deg === null || !Number.isFinite(deg) ? 0 : clampInt(deg * 1e7, -0x80000000, 0x7fffffff);
}

/** Fixed-size ASCII field: stops at the first NUL (padding); bytes map 1:1 to code points (latin1). */
function decodeText(b: Uint8Array, start: number, len: number): string {
  let s = '';
  for (let i = start; i < start + len; i++) {
    if (b[i] === 0) break;
    s += String.fromCharCode(b[i]);
  }
  return s;
}
function encodeText(out: Uint8Array, start: number, len: number, text: string): void {
  for (let i = 0; i < len && i < text.length; i++) out[start + i] = text.charCodeAt(i) & 0xff;
}

function toHex(b: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i++) s += (b[i] < 16 ? '0' : '') + b[i].toString(16);
  return s;
}
function fromHex(hex: string, out: Uint8Array, start: number, max: number): void {
  for (let i = 0; i < max && 2 * i + 1 < hex.length; i++) {
    const v = parseInt(hex.substr(2 * i, 2), 16);
    out[start + i] = Number.isNaN(v) ? 0 : v;
  }
}

// ---------------------------------------------------------------------------------------------
// decoding

/** Decodes one 25-byte message starting at `offset` (a Message Pack is decoded by {@link decodeMessagePack}). */
export function decodeMessage(b: Uint8Array, offset = 0): Result<RidMessage> {
  if (b.length - offset < RID_MESSAGE_SIZE) return fail('rid-message-too-short');
  const m = offset === 0 && b.length === RID_MESSAGE_SIZE ? b : b.subarray(offset, offset + RID_MESSAGE_SIZE);
  const type = m[0] >> 4;
  const protocolVersion = m[0] & 0x0f;
  switch (type) {
    case RID_MESSAGE_TYPES.basicId:
      return ok({ type: 'basic-id', protocolVersion, idType: m[1] >> 4, uaType: m[1] & 0x0f, uasId: decodeText(m, 2, 20) });
    case RID_MESSAGE_TYPES.location:
      return ok(decodeLocation(m, protocolVersion));
    case RID_MESSAGE_TYPES.auth: {
      const page = m[1] & 0x0f;
      const authType = m[1] >> 4;
      if (page === 0) {
        return ok({ type: 'auth', protocolVersion, authType, page, lastPageIndex: m[2], length: m[3], timestampS: u32(m, 4), dataHex: toHex(m, 8, 25) });
      }
      return ok({ type: 'auth', protocolVersion, authType, page, lastPageIndex: null, length: null, timestampS: null, dataHex: toHex(m, 2, 25) });
    }
    case RID_MESSAGE_TYPES.selfId:
      return ok({ type: 'self-id', protocolVersion, descType: m[1], description: decodeText(m, 2, 23) });
    case RID_MESSAGE_TYPES.system: {
      const [operatorLatDeg, operatorLonDeg] = decodeLatLon(i32(m, 2), i32(m, 6));
      return ok({
        type: 'system',
        protocolVersion,
        operatorLocationType: m[1] & 0x03,
        classificationType: (m[1] >> 2) & 0x07,
        operatorLatDeg,
        operatorLonDeg,
        areaCount: u16(m, 10),
        areaRadiusM: m[12] * 10,
        areaCeilingM: decodeAltitude(u16(m, 13)),
        areaFloorM: decodeAltitude(u16(m, 15)),
        categoryEu: m[17] >> 4,
        classEu: m[17] & 0x0f,
        operatorAltitudeGeoM: decodeAltitude(u16(m, 18)),
        timestampS: u32(m, 20),
      });
    }
    case RID_MESSAGE_TYPES.operatorId:
      return ok({ type: 'operator-id', protocolVersion, operatorIdType: m[1], operatorId: decodeText(m, 2, 20) });
    case RID_MESSAGE_TYPES.pack:
      return fail('rid-pack-where-message-expected');
    default:
      return fail('rid-unknown-message-type');
  }
}

function decodeLocation(m: Uint8Array, protocolVersion: number): LocationMessage {
  const flags = m[1];
  const speedMult = flags & 0x01;
  const ew = (flags >> 1) & 0x01;
  // Direction is split into a byte and an east/west half-circle bit; 361 is the "unknown" code.
  const dir = m[2] + (ew ? 180 : 0);
  // Horizontal speed: 0.25 m/s steps up to 63.75, then 0.75 m/s steps; 255 m/s means unknown.
  const speed = speedMult ? m[3] * 0.75 + 63.75 : m[3] * 0.25;
  // Vertical speed: signed 0.5 m/s steps; 63 m/s means unknown.
  const vs = ((m[4] << 24) >> 24) * 0.5;
  const [latDeg, lonDeg] = decodeLatLon(i32(m, 5), i32(m, 9));
  const ts = u16(m, 21);
  return {
    type: 'location',
    protocolVersion,
    status: flags >> 4,
    heightType: (flags >> 2) & 0x01,
    directionDeg: dir > 360 ? null : dir,
    speedHorizontalMps: speed === 255 ? null : speed,
    speedVerticalMps: vs === 63 ? null : vs,
    latDeg,
    lonDeg,
    altitudePressureM: decodeAltitude(u16(m, 13)),
    altitudeGeodeticM: decodeAltitude(u16(m, 15)),
    heightM: decodeAltitude(u16(m, 17)),
    horizontalAccuracy: m[19] & 0x0f,
    verticalAccuracy: m[19] >> 4,
    baroAccuracy: m[20] >> 4,
    speedAccuracy: m[20] & 0x0f,
    timestampTenths: ts === 0xffff ? null : ts,
    timestampAccuracy: m[23] & 0x0f,
  };
}

/**
 * Decodes a Message Pack: type 0xF header, single-message size (must be 25), message count
 * (at most 9), then the messages. Bytes after the last message are ignored (Bluetooth 5 senders
 * pad the advertising data); a pack inside a pack is rejected.
 */
export function decodeMessagePack(b: Uint8Array, offset = 0): Result<MessagePack> {
  if (b.length - offset < 3) return fail('rid-pack-too-short');
  if (b[offset] >> 4 !== RID_MESSAGE_TYPES.pack) return fail('rid-pack-wrong-type');
  if (b[offset + 1] !== RID_MESSAGE_SIZE) return fail('rid-pack-message-size');
  const count = b[offset + 2];
  if (count > RID_PACK_MAX_MESSAGES) return fail('rid-pack-count');
  if (b.length - offset - 3 < count * RID_MESSAGE_SIZE) return fail('rid-pack-truncated');
  const messages: RidMessage[] = [];
  for (let i = 0; i < count; i++) {
    const r = decodeMessage(b, offset + 3 + i * RID_MESSAGE_SIZE);
    if (!r.ok) return fail(r.reason === 'rid-pack-where-message-expected' ? 'rid-pack-nested' : r.reason);
    messages.push(r.value);
  }
  return ok({ type: 'message-pack', protocolVersion: b[offset] & 0x0f, messages });
}

/** Decodes either a single message or a Message Pack into a flat list of messages. */
export function decodeMessageOrPack(b: Uint8Array, offset = 0): Result<{ packed: boolean; messages: RidMessage[] }> {
  if (b.length - offset >= 1 && b[offset] >> 4 === RID_MESSAGE_TYPES.pack) {
    const p = decodeMessagePack(b, offset);
    return p.ok ? ok({ packed: true, messages: p.value.messages }) : p;
  }
  const m = decodeMessage(b, offset);
  return m.ok ? ok({ packed: false, messages: [m.value] }) : m;
}

// ---------------------------------------------------------------------------------------------
// encoding

/** Encodes one message into 25 bytes (reserved bits zero). Values are quantised to the wire's steps. */
export function encodeMessage(msg: RidMessage): Uint8Array {
  const m = new Uint8Array(RID_MESSAGE_SIZE);
  const pv = msg.protocolVersion & 0x0f;
  switch (msg.type) {
    case 'basic-id':
      m[0] = (RID_MESSAGE_TYPES.basicId << 4) | pv;
      m[1] = ((msg.idType & 0x0f) << 4) | (msg.uaType & 0x0f);
      encodeText(m, 2, 20, msg.uasId);
      break;
    case 'location':
      encodeLocation(msg, m);
      m[0] = (RID_MESSAGE_TYPES.location << 4) | pv;
      break;
    case 'auth':
      m[0] = (RID_MESSAGE_TYPES.auth << 4) | pv;
      m[1] = ((msg.authType & 0x0f) << 4) | (msg.page & 0x0f);
      if ((msg.page & 0x0f) === 0) {
        m[2] = (msg.lastPageIndex ?? 0) & 0xff;
        m[3] = (msg.length ?? 0) & 0xff;
        put32(m, 4, msg.timestampS ?? 0);
        fromHex(msg.dataHex, m, 8, RID_AUTH_PAGE0_DATA);
      } else {
        fromHex(msg.dataHex, m, 2, RID_AUTH_PAGEN_DATA);
      }
      break;
    case 'self-id':
      m[0] = (RID_MESSAGE_TYPES.selfId << 4) | pv;
      m[1] = msg.descType & 0xff;
      encodeText(m, 2, 23, msg.description);
      break;
    case 'system':
      m[0] = (RID_MESSAGE_TYPES.system << 4) | pv;
      m[1] = (msg.operatorLocationType & 0x03) | ((msg.classificationType & 0x07) << 2);
      put32(m, 2, encodeDeg7(msg.operatorLatDeg));
      put32(m, 6, encodeDeg7(msg.operatorLonDeg));
      put16(m, 10, clampInt(msg.areaCount, 0, 0xffff));
      m[12] = clampInt(msg.areaRadiusM / 10, 0, 255);
      put16(m, 13, encodeAltitude(msg.areaCeilingM));
      put16(m, 15, encodeAltitude(msg.areaFloorM));
      m[17] = ((msg.categoryEu & 0x0f) << 4) | (msg.classEu & 0x0f);
      put16(m, 18, encodeAltitude(msg.operatorAltitudeGeoM));
      put32(m, 20, clampInt(msg.timestampS, 0, 0xffffffff));
      break;
    case 'operator-id':
      m[0] = (RID_MESSAGE_TYPES.operatorId << 4) | pv;
      m[1] = msg.operatorIdType & 0xff;
      encodeText(m, 2, 20, msg.operatorId);
      break;
  }
  return m;
}

function encodeLocation(msg: LocationMessage, m: Uint8Array): void {
  let ew = 1;
  let dir = 181; // 361: unknown
  if (msg.directionDeg !== null && Number.isFinite(msg.directionDeg) && msg.directionDeg >= 0 && msg.directionDeg <= 360) {
    const d = Math.round(msg.directionDeg);
    ew = d < 180 ? 0 : 1;
    dir = d - ew * 180;
  }
  let mult = 1;
  let speed = 255; // 255 m/s: unknown
  const s = msg.speedHorizontalMps;
  if (s !== null && Number.isFinite(s)) {
    if (s <= 63.75) {
      mult = 0;
      speed = clampInt(s / 0.25, 0, 255);
    } else {
      speed = clampInt((s - 63.75) / 0.75, 0, 254);
    }
  }
  const v = msg.speedVerticalMps;
  const vs = v === null || !Number.isFinite(v) ? 126 : clampInt(v / 0.5, -128, 127);
  m[1] = ((msg.status & 0x0f) << 4) | ((msg.heightType & 0x01) << 2) | (ew << 1) | mult;
  m[2] = dir;
  m[3] = speed;
  m[4] = vs & 0xff;
  put32(m, 5, encodeDeg7(msg.latDeg));
  put32(m, 9, encodeDeg7(msg.lonDeg));
  put16(m, 13, encodeAltitude(msg.altitudePressureM));
  put16(m, 15, encodeAltitude(msg.altitudeGeodeticM));
  put16(m, 17, encodeAltitude(msg.heightM));
  m[19] = ((msg.verticalAccuracy & 0x0f) << 4) | (msg.horizontalAccuracy & 0x0f);
  m[20] = ((msg.baroAccuracy & 0x0f) << 4) | (msg.speedAccuracy & 0x0f);
  put16(m, 21, msg.timestampTenths === null ? 0xffff : clampInt(msg.timestampTenths, 0, 0xffff));
  m[23] = msg.timestampAccuracy & 0x0f;
}

/** Encodes a Message Pack (at most 9 messages). */
export function encodeMessagePack(messages: readonly RidMessage[], protocolVersion = 2): Uint8Array {
  if (messages.length > RID_PACK_MAX_MESSAGES) throw new RangeError(`a Message Pack holds at most ${RID_PACK_MAX_MESSAGES} messages`);
  const out = new Uint8Array(3 + messages.length * RID_MESSAGE_SIZE);
  out[0] = (RID_MESSAGE_TYPES.pack << 4) | (protocolVersion & 0x0f);
  out[1] = RID_MESSAGE_SIZE;
  out[2] = messages.length;
  messages.forEach((msg, i) => out.set(encodeMessage(msg), 3 + i * RID_MESSAGE_SIZE));
  return out;
}

