/**
 * Text inputs for Remote ID: a line-per-frame hex feed and JSON from common receivers.
 *
 * Hex feed, one frame per line (blank lines and `#` comments ignored):
 *
 *     [<time>] [@<transmitter>] [<kind>:]<hex>
 *
 * - `<time>`: Unix seconds (≥ 9 digits, optional fraction), Unix milliseconds (13 digits) or an
 *   ISO-8601 instant; the receiver's timestamp.
 * - `@AA:BB:CC:DD:EE:FF`: the transmitter address, when the receiver reports it (it ties
 *   Basic ID, Location and System messages sent separately to one drone).
 * - `<kind>`: message (one message or a Message Pack), ble-ad (advertising data), ble-pdu,
 *   ble-ll (access address … CRC), nordic-ble, ble-phdr, wifi (802.11 frame), radiotap,
 *   wifi-ie (the vendor element); guessed from the bytes when absent.
 * - `<hex>`: bytes as hex, optionally separated by spaces, `:` or `-`, with or without `0x`.
 *
 * JSON (a JSON value per line, or one array of them), two families:
 *
 * 1. Raw bytes, as receivers that forward what they heard emit them:
 *    `{"hex": "…", "kind"?: "ble-ad", "time"?: 1621633931.16, "mac"?: "…", "rssi"?: -60}`
 *    (`payload`, `data` or `raw` accepted for `hex`; `timestamp`/`ts` for `time`;
 *    `transmitter`/`addr` for `mac`).
 * 2. Decoded messages in the layout of the DroneID / WarDragon family (alphafox02 DroneID,
 *    DragonSync, the ESP32 Remote ID sniffers that feed them): an array of one-key objects
 *    `{"Basic ID": {…}}, {"Location/Vector Message": {…}}, {"System Message": {…}},
 *    {"Self-ID Message": {…}}, {"Operator ID Message": {…}}, {"Authentication Message": {…}}`,
 *    or one object holding several of those keys. Their field spellings vary between versions
 *    (numbers or strings with units, "id_type" as text or code); the common ones are read.
 */
import { RAW_KINDS, decodeRaw, type RawKind, type RidFrame } from './frame.js';
import {
  HORIZONTAL_ACCURACY_M,
  SPEED_ACCURACY_MPS,
  VERTICAL_ACCURACY_M,
  fail,
  ok,
  type BasicIdMessage,
  type LocationMessage,
  type OperatorIdMessage,
  type Result,
  type RidMessage,
  type SelfIdMessage,
  type SystemMessage,
} from './messages.js';

export const MAX_LINE_CHARS = 16_384;

function parseTime(token: string): number | null {
  if (/^\d{13}(\.\d+)?$/.test(token)) return Number(token);
  if (/^\d{9,11}(\.\d+)?$/.test(token)) return Number(token) * 1000;
  if (/^\d{4}-\d\d-\d\dT/.test(token)) {
    const t = Date.parse(token);
    return Number.isFinite(t) ? t : null;
  }
  return null;
}

function hexToBytes(hex: string): Uint8Array | null {
  const h = hex.replace(/0x/gi, '').replace(/[\s:.\-_]/g, '');
  if (h.length === 0 || h.length % 2 !== 0 || !/^[0-9a-fA-F]+$/.test(h)) return null;
  const out = new Uint8Array(h.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(h.substr(2 * i, 2), 16);
  return out;
}

const MAC_RE = /^([0-9a-fA-F]{2}[:-]){5}[0-9a-fA-F]{2}$/;
const normMac = (s: string): string => s.replace(/-/g, ':').toUpperCase();

export interface ParsedHexLine {
  timeMs: number | null;
  transmitter: string | null;
  kind: RawKind | null;
  bytes: Uint8Array;
}

/** Parses one hex-feed line; `null` value for blank and comment lines. */
export function parseHexLine(line: string): Result<ParsedHexLine | null> {
  if (line.length > MAX_LINE_CHARS) return fail('hex-line-too-long');
  const hash = line.indexOf('#');
  const text = (hash >= 0 ? line.slice(0, hash) : line).trim();
  if (!text) return ok(null);
  const tokens = text.split(/\s+/);
  let timeMs: number | null = null;
  let transmitter: string | null = null;
  if (tokens.length > 1) {
    const t = parseTime(tokens[0]);
    if (t !== null) {
      timeMs = t;
      tokens.shift();
    }
  }
  const rest: string[] = [];
  for (const tok of tokens) {
    if (tok.startsWith('@')) {
      if (!MAC_RE.test(tok.slice(1))) return fail('hex-bad-transmitter');
      transmitter = normMac(tok.slice(1));
    } else rest.push(tok);
  }
  let payload = rest.join('');
  let kind: RawKind | null = null;
  const colon = payload.indexOf(':');
  if (colon > 0) {
    const prefix = payload.slice(0, colon).toLowerCase();
    if ((RAW_KINDS as readonly string[]).includes(prefix)) {
      kind = prefix as RawKind;
      payload = payload.slice(colon + 1);
    } else if (/^[a-z][a-z-]*$/.test(prefix)) return fail('hex-unknown-kind');
  }
  const bytes = hexToBytes(payload);
  if (!bytes) return fail('hex-invalid');
  return ok({ timeMs, transmitter, kind, bytes });
}

/** Decodes one hex-feed line into a frame (`null` value for blank/comment lines). */
export function decodeHexLine(line: string): Result<RidFrame | null> {
  const p = parseHexLine(line);
  if (!p.ok) return p;
  if (!p.value) return ok(null);
  const { bytes, kind, timeMs, transmitter } = p.value;
  return decodeRaw(bytes, kind, timeMs, transmitter);
}

// ---------------------------------------------------------------------------------------------
// JSON

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A number, or the leading number of a string such as "100.0 m" or "< 10 m"; null otherwise. */
function num(v: Json | undefined): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string') {
    const m = /-?\d+(\.\d+)?/.exec(v);
    if (!m) return null;
    const n = Number(m[0]);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}
const str = (v: Json | undefined): string | null => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null);

// Own properties only: receiver JSON is untrusted and may use keys such as "valueOf" or "__proto__".
function pick(o: Obj, ...keys: string[]): Json | undefined {
  for (const k of keys) if (Object.hasOwn(o, k) && o[k] !== null && o[k] !== undefined) return o[k];
  return undefined;
}

function jsonTime(v: Json | undefined): number | null {
  if (typeof v === 'number' && Number.isFinite(v) && v > 0) return v > 1e11 ? v : v * 1000;
  if (typeof v === 'string') return parseTime(v.trim()) ?? (Number.isFinite(Date.parse(v)) ? Date.parse(v) : null);
  return null;
}

/** Text or code → enum code, by keyword; the first matching keyword wins. */
function enumOf(v: Json | undefined, table: ReadonlyArray<readonly [RegExp, number]>, fallback = 0): number {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string') {
    if (/^\d+$/.test(v.trim())) return Number(v.trim());
    for (const [re, code] of table) if (re.test(v)) return code;
  }
  return fallback;
}

const ID_TYPES: ReadonlyArray<readonly [RegExp, number]> = [[/serial/i, 1], [/caa|registration/i, 2], [/utm|uuid/i, 3], [/session/i, 4], [/none/i, 0]];
const UA_TYPES: ReadonlyArray<readonly [RegExp, number]> = [
  [/aeroplane|airplane|fixed/i, 1], [/helicopter|multirotor|multicopter/i, 2], [/gyroplane/i, 3], [/hybrid|vtol/i, 4],
  [/ornithopter/i, 5], [/glider/i, 6], [/kite/i, 7], [/free balloon/i, 8], [/captive/i, 9], [/airship|blimp/i, 10],
  [/parachute/i, 11], [/rocket/i, 12], [/tethered/i, 13], [/obstacle/i, 14], [/other/i, 15], [/none/i, 0],
];
const STATUS: ReadonlyArray<readonly [RegExp, number]> = [[/failure/i, 4], [/emergency/i, 3], [/airborne/i, 2], [/ground/i, 1], [/undeclared/i, 0]];
const LOC_TYPES: ReadonlyArray<readonly [RegExp, number]> = [[/live|dynamic/i, 1], [/fixed/i, 2], [/take-?off/i, 0]];

/** Accuracy given as a category code (number) or as a bound ("< 10 m", "10m"): back to the category. */
function accuracyCategory(v: Json | undefined, table: readonly number[]): number {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < 16) return v;
  if (typeof v === 'string') {
    const n = num(v);
    if (n === null) return 0;
    if (/\d\s*(m|nm|m\/s)\b/i.test(v) || /</.test(v)) {
      const metres = /nm/i.test(v) ? n * 1852 : n;
      let best = 0;
      for (let i = 1; i < table.length; i++) if (Math.abs(table[i] - metres) <= 1e-6 * Math.max(1, metres) + 0.05) best = i;
      return best;
    }
    return Number.isInteger(n) && n >= 0 && n < 16 ? n : 0;
  }
  return 0;
}

function protocolVersion(o: Obj): number {
  const v = str(pick(o, 'protocol_version'));
  if (v === null) return 2;
  if (/19/.test(v)) return 0;
  if (/20|21/.test(v)) return 1;
  const n = num(v);
  return n !== null && Number.isInteger(n) && n >= 0 && n < 16 ? n : 2;
}

function basicFromJson(o: Obj): BasicIdMessage | null {
  const id = str(pick(o, 'id', 'uas_id', 'serial_number'));
  if (!id) return null;
  return { type: 'basic-id', protocolVersion: protocolVersion(o), idType: enumOf(pick(o, 'id_type'), ID_TYPES), uaType: enumOf(pick(o, 'ua_type'), UA_TYPES), uasId: id.slice(0, 20) };
}

function locationFromJson(o: Obj): LocationMessage | null {
  const lat = num(pick(o, 'latitude', 'lat'));
  const lon = num(pick(o, 'longitude', 'lon', 'lng'));
  if (lat === null || lon === null) return null;
  const heightType = str(pick(o, 'height_type'));
  return {
    type: 'location',
    protocolVersion: protocolVersion(o),
    status: enumOf(pick(o, 'op_status', 'status'), STATUS),
    heightType: heightType && /ground|agl/i.test(heightType) ? 1 : typeof pick(o, 'height_type') === 'number' ? (num(pick(o, 'height_type')) === 1 ? 1 : 0) : 0,
    directionDeg: num(pick(o, 'direction', 'track_direction', 'heading')),
    speedHorizontalMps: num(pick(o, 'speed', 'speed_horizontal')),
    speedVerticalMps: num(pick(o, 'vert_speed', 'vertical_speed', 'speed_vertical')),
    latDeg: lat,
    lonDeg: lon,
    altitudePressureM: num(pick(o, 'pressure_altitude', 'altitude_baro', 'baro_altitude')),
    altitudeGeodeticM: num(pick(o, 'geodetic_altitude', 'altitude_geo', 'alt_geo')),
    heightM: num(pick(o, 'height_agl', 'height')),
    horizontalAccuracy: accuracyCategory(pick(o, 'horizontal_accuracy', 'horiz_acc'), HORIZONTAL_ACCURACY_M),
    verticalAccuracy: accuracyCategory(pick(o, 'vertical_accuracy', 'vert_acc'), VERTICAL_ACCURACY_M),
    baroAccuracy: accuracyCategory(pick(o, 'baro_accuracy', 'baro_acc'), VERTICAL_ACCURACY_M),
    speedAccuracy: accuracyCategory(pick(o, 'speed_accuracy', 'speed_acc'), SPEED_ACCURACY_MPS),
    timestampTenths: null,
    timestampAccuracy: 0,
  };
}

function systemFromJson(o: Obj): SystemMessage | null {
  const lat = num(pick(o, 'operator_lat', 'latitude', 'lat'));
  const lon = num(pick(o, 'operator_lon', 'longitude', 'lon'));
  return {
    type: 'system',
    protocolVersion: protocolVersion(o),
    operatorLocationType: enumOf(pick(o, 'operator_location_type', 'location_type'), LOC_TYPES),
    classificationType: num(pick(o, 'classification_type', 'classification')) === 1 ? 1 : 0,
    operatorLatDeg: lat,
    operatorLonDeg: lon,
    areaCount: num(pick(o, 'area_count')) ?? 1,
    areaRadiusM: num(pick(o, 'area_radius')) ?? 0,
    areaCeilingM: num(pick(o, 'area_ceiling')),
    areaFloorM: num(pick(o, 'area_floor')),
    categoryEu: num(pick(o, 'category_eu', 'ua_category')) ?? 0,
    classEu: num(pick(o, 'class_eu', 'ua_class')) ?? 0,
    operatorAltitudeGeoM: num(pick(o, 'operator_alt_geo', 'operator_altitude_geo')),
    timestampS: 0,
  };
}

function selfIdFromJson(o: Obj): SelfIdMessage | null {
  const text = str(pick(o, 'text', 'description'));
  if (text === null) return null;
  return { type: 'self-id', protocolVersion: protocolVersion(o), descType: num(pick(o, 'description_type', 'desc_type')) ?? 0, description: text.slice(0, 23) };
}

function operatorFromJson(o: Obj): OperatorIdMessage | null {
  const id = str(pick(o, 'operator_id'));
  if (id === null) return null;
  return { type: 'operator-id', protocolVersion: protocolVersion(o), operatorIdType: num(pick(o, 'operator_id_type')) ?? 0, operatorId: id.slice(0, 20) };
}

const DECODED_KEYS = new Map<string, (o: Obj) => RidMessage | null>([
  ['Basic ID', basicFromJson],
  ['Location/Vector Message', locationFromJson],
  ['Location', locationFromJson],
  ['System Message', systemFromJson],
  ['System', systemFromJson],
  ['Self-ID Message', selfIdFromJson],
  ['SelfID', selfIdFromJson],
  ['Operator ID Message', operatorFromJson],
  ['OperatorID', operatorFromJson],
]);

/**
 * Decodes one JSON value from a receiver into frames (a DroneID-style array is one frame).
 * Fails with a reason when nothing usable is in it.
 */
export function decodeReceiverJson(value: unknown, fallbackTimeMs: number | null = null): Result<RidFrame> {
  if (isObj(value)) {
    const raw = pick(value, 'hex', 'payload', 'data', 'raw');
    if (typeof raw === 'string') {
      const bytes = hexToBytes(raw);
      if (!bytes) return fail('json-bad-hex');
      const k = str(pick(value, 'kind'));
      if (k !== null && !(RAW_KINDS as readonly string[]).includes(k)) return fail('json-unknown-kind');
      const mac = str(pick(value, 'mac', 'transmitter', 'addr', 'MAC'));
      const timeMs = jsonTime(pick(value, 'time', 'timestamp', 'ts')) ?? fallbackTimeMs;
      const r = decodeRaw(bytes, (k as RawKind | null) ?? null, timeMs, mac && MAC_RE.test(mac) ? normMac(mac) : null);
      if (!r.ok) return r;
      const rssi = num(pick(value, 'rssi', 'RSSI'));
      return ok(rssi !== null && r.value.rssiDbm === null ? { ...r.value, rssiDbm: rssi } : r.value);
    }
  }
  const parts: Obj[] = Array.isArray(value) ? value.filter(isObj) : isObj(value) ? [value] : [];
  if (parts.length === 0) return fail('json-not-an-object');
  const messages: RidMessage[] = [];
  let transmitter: string | null = null;
  let rssiDbm: number | null = null;
  let timeMs: number | null = null;
  for (const part of parts) {
    timeMs ??= jsonTime(pick(part, 'observed_at', 'time', 'timestamp'));
    for (const [key, val] of Object.entries(part)) {
      const dec = DECODED_KEYS.get(key);
      if (!dec || !isObj(val)) continue;
      const m = dec(val);
      if (m) messages.push(m);
      const mac = str(pick(val, 'MAC', 'mac'));
      if (!transmitter && mac && MAC_RE.test(mac)) transmitter = normMac(mac);
      rssiDbm ??= num(pick(val, 'RSSI', 'rssi'));
    }
    const mac = str(pick(part, 'MAC', 'mac'));
    if (!transmitter && mac && MAC_RE.test(mac)) transmitter = normMac(mac);
  }
  if (messages.length === 0) return fail('json-no-remote-id');
  return ok({ timeMs: timeMs ?? fallbackTimeMs, carrier: 'unknown', transmitter, counter: null, rssiDbm, packed: messages.length > 1, messages });
}

/** Splits a JSON document (one array, or JSON Lines) into values; unparsable lines are counted. */
export function parseJsonDocument(text: string): { values: unknown[]; bad: number } {
  const trimmed = text.trim();
  if (trimmed.startsWith('{') && !trimmed.includes('\n{')) {
    // one (possibly pretty-printed) object
    try {
      return { values: [JSON.parse(trimmed) as unknown], bad: 0 };
    } catch {
      /* fall through to JSON Lines */
    }
  }
  if (trimmed.startsWith('[')) {
    try {
      const v = JSON.parse(trimmed) as unknown;
      // A DroneID frame is itself an array of one-key objects: keep it whole.
      if (Array.isArray(v) && !v.every((x) => isObj(x) && Object.keys(x).some((k) => DECODED_KEYS.has(k)))) return { values: v, bad: 0 };
      return { values: [v], bad: 0 };
    } catch {
      /* fall through to JSON Lines */
    }
  }
  const values: unknown[] = [];
  let bad = 0;
  for (const line of text.split(/\r?\n/)) {
    const l = line.trim();
    if (!l) continue;
    if (l.length > MAX_LINE_CHARS * 4) {
      bad++;
      continue;
    }
    try {
      values.push(JSON.parse(l));
    } catch {
      bad++;
    }
  }
  return { values, bad };
}
