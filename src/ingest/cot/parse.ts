/**
 * CoT XML in: one `<event>` document → a validated {@link CotEvent}, or a counted reason.
 *
 * The XML is read by the bounded parser in xml.ts (no DTDs, no entities, size/depth limits) and
 * the event is then checked against MITRE's CoT Base-Event schema 2.0: version ≥ 2, uid, type and
 * how patterns, ISO 8601 times, exactly one point with lat/lon in range, numeric hae/ce/le. Input
 * is accepted a little more liberally than Centinela writes (exponent notation in numbers, a
 * missing time zone read as UTC), as TAK clients in the field vary; anything that cannot be a
 * position is refused. The detail children TAK uses for blue force (`contact`, `__group`,
 * `track`, `remarks`) are read into the model; the whole `<detail>` element is returned too.
 */

import { COT_HOW_PATTERN, COT_TYPE_PATTERN, type CotDetail, type CotEvent } from '../../outputs/tak/event.js';
import { child, parseXml, type XmlElement, type XmlLimits, type XmlRejectReason } from './xml.js';

/** Why a CoT message was refused (XML, event schema, TAK protocol framing or protobuf). */
export type CotRejectReason =
  | XmlRejectReason
  | 'not-event'
  | 'bad-version'
  | 'bad-uid'
  | 'bad-type'
  | 'bad-how'
  | 'bad-time'
  | 'stale-before-start'
  | 'missing-point'
  | 'duplicate-point'
  | 'duplicate-detail'
  | 'bad-lat'
  | 'bad-lon'
  | 'bad-hae'
  | 'bad-ce'
  | 'bad-le'
  | 'bad-qos'
  | 'bad-utf8'
  | 'bad-frame'
  | 'unsupported-version'
  | 'bad-protobuf'
  | 'no-event';

export const COT_REJECT_REASONS: readonly CotRejectReason[] = [
  'empty', 'too-large', 'doctype', 'entity', 'processing-instruction', 'too-deep', 'too-many-elements',
  'too-many-attributes', 'attribute-too-long', 'name-too-long', 'text-too-long', 'duplicate-attribute',
  'bad-char-ref', 'bad-char', 'malformed', 'mismatched-tag', 'trailing-content',
  'not-event', 'bad-version', 'bad-uid', 'bad-type', 'bad-how', 'bad-time', 'stale-before-start',
  'missing-point', 'duplicate-point', 'duplicate-detail', 'bad-lat', 'bad-lon', 'bad-hae', 'bad-ce', 'bad-le',
  'bad-qos', 'bad-utf8', 'bad-frame', 'unsupported-version', 'bad-protobuf', 'no-event',
];

export type CotParseResult =
  | { ok: true; event: CotEvent; detail: XmlElement | null }
  | { ok: false; reason: CotRejectReason; message: string };

/** Longest uid / type / how / callsign accepted (real ones are < 100 characters). */
export const MAX_ID_LENGTH = 256;

const reject = (reason: CotRejectReason, message: string): CotParseResult => ({ ok: false, reason, message });

/** A finite number from CoT text: decimal, optionally with an exponent (lenient on input). */
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d{1,3})?$/;
export function parseCotNumber(v: string | undefined): number | null {
  if (v === undefined) return null;
  const t = v.trim();
  if (t.length === 0 || t.length > 40 || !NUMBER.test(t)) return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

/** xs:dateTime as CoT writes it; fraction any length; zone `Z`, `±hh:mm`, or none (read as UTC). */
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,12})?(Z|[+-]\d{2}:\d{2})?$/;
/** Milliseconds since the epoch of a CoT time, or null. Range-checks every field (no Feb 30). */
export function parseCotTime(v: string | undefined): number | null {
  if (v === undefined || v.length > 40) return null;
  const m = DATE_TIME.exec(v.trim());
  if (!m) return null;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number);
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return null;
  const dim = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  if (d > dim) return null;
  let ms = Date.UTC(y, mo - 1, d, h, mi, s);
  if (y < 100) ms = new Date(ms).setUTCFullYear(y); // Date.UTC maps 0–99 to 1900–1999
  if (m[7]) ms += Math.floor(Number('0' + m[7]) * 1000);
  const z = m[8];
  if (z && z !== 'Z') {
    const sign = z[0] === '-' ? -1 : 1;
    const oh = Number(z.slice(1, 3)), om = Number(z.slice(4, 6));
    if (oh > 14 || om > 59) return null;
    ms -= sign * (oh * 60 + om) * 60_000;
  }
  return Number.isFinite(ms) && ms >= 0 ? ms : null;
}

const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

/**
 * Validates a parsed `<event>` element and builds the event. Shared by the XML path and by TAK
 * protocol v1, whose decoder rebuilds the same checks on the protobuf fields.
 */
export function eventFromElement(root: XmlElement): CotParseResult {
  if (root.name !== 'event') return reject('not-event', `root element is <${root.name}>`);
  const a = root.attrs;
  const version = a.get('version');
  if (version === undefined || !DECIMAL.test(version.trim()) || !(Number(version) >= 2)) return reject('bad-version', `version ${version}`);
  const uid = a.get('uid');
  if (!uid || uid.length > MAX_ID_LENGTH || uid.trim().length === 0) return reject('bad-uid', 'uid missing, empty or too long');
  const type = a.get('type');
  if (type === undefined || type.length > MAX_ID_LENGTH || !COT_TYPE_PATTERN.test(type)) return reject('bad-type', `type ${type?.slice(0, 64)}`);
  const how = a.get('how');
  if (how === undefined || how.length > MAX_ID_LENGTH || !COT_HOW_PATTERN.test(how)) return reject('bad-how', `how ${how?.slice(0, 64)}`);
  const timeMs = parseCotTime(a.get('time'));
  const startMs = parseCotTime(a.get('start'));
  const staleMs = parseCotTime(a.get('stale'));
  if (timeMs === null || startMs === null || staleMs === null) return reject('bad-time', 'time, start or stale missing or not ISO 8601');
  if (staleMs < startMs) return reject('stale-before-start', 'stale is before start');
  const qos = a.get('qos');
  if (qos !== undefined && !/^\d-\w-\w$/.test(qos)) return reject('bad-qos', `qos ${qos.slice(0, 16)}`);

  let point: XmlElement | null = null;
  let detailEl: XmlElement | null = null;
  for (const c of root.children) {
    if (c.name === 'point') {
      if (point) return reject('duplicate-point', 'more than one <point>');
      point = c;
    } else if (c.name === 'detail') {
      if (detailEl) return reject('duplicate-detail', 'more than one <detail>');
      detailEl = c;
    }
  }
  if (!point) return reject('missing-point', 'no <point>');
  const lat = parseCotNumber(point.attrs.get('lat'));
  if (lat === null || lat < -90 || lat > 90) return reject('bad-lat', `lat ${point.attrs.get('lat')?.slice(0, 32)}`);
  const lon = parseCotNumber(point.attrs.get('lon'));
  if (lon === null || lon < -180 || lon > 180) return reject('bad-lon', `lon ${point.attrs.get('lon')?.slice(0, 32)}`);
  const hae = parseCotNumber(point.attrs.get('hae'));
  if (hae === null) return reject('bad-hae', 'hae missing or not a number');
  const ce = parseCotNumber(point.attrs.get('ce'));
  if (ce === null || ce < 0) return reject('bad-ce', 'ce missing, negative or not a number');
  const le = parseCotNumber(point.attrs.get('le'));
  if (le === null || le < 0) return reject('bad-le', 'le missing, negative or not a number');

  const event: CotEvent = {
    uid, type, how, timeMs, startMs, staleMs,
    latDeg: lat, lonDeg: lon, haeM: hae, ceM: ce, leM: le,
    detail: detailEl ? detailFromElement(detailEl) : {},
  };
  const access = a.get('access'), opex = a.get('opex');
  if (access !== undefined) event.access = access;
  if (qos !== undefined) event.qos = qos;
  if (opex !== undefined) event.opex = opex;
  return { ok: true, event, detail: detailEl };
}

/**
 * The detail children blue force carries. A malformed optional child (a `<track>` with a
 * non-numeric course) is left out rather than refusing the position it rides with.
 */
export function detailFromElement(el: XmlElement): CotDetail {
  const d: CotDetail = {};
  const contact = child(el, 'contact');
  const callsign = contact?.attrs.get('callsign');
  if (contact && callsign !== undefined && callsign.length <= MAX_ID_LENGTH) {
    d.contact = { callsign };
    const ep = contact.attrs.get('endpoint');
    if (ep !== undefined && ep.length <= MAX_ID_LENGTH) d.contact.endpoint = ep;
  }
  const group = child(el, '__group');
  if (group) {
    const name = group.attrs.get('name'), role = group.attrs.get('role');
    if (name !== undefined && role !== undefined && name.length <= MAX_ID_LENGTH && role.length <= MAX_ID_LENGTH) d.group = { name, role };
  }
  const track = child(el, 'track');
  if (track) {
    const course = parseCotNumber(track.attrs.get('course')), speed = parseCotNumber(track.attrs.get('speed'));
    if (course !== null && speed !== null && course >= 0 && course <= 360 && speed >= 0) d.track = { course: course % 360, speed };
  }
  const remarks = child(el, 'remarks');
  if (remarks) d.remarks = remarks.text;
  return d;
}

export interface CotParseLimits extends XmlLimits {
  /** Largest message accepted, bytes (XML text or protobuf payload). */
  maxBytes: number;
}

export const DEFAULT_COT_LIMITS: Readonly<CotParseLimits> = {
  maxChars: 64 * 1024,
  maxBytes: 64 * 1024,
  maxDepth: 16,
  maxElements: 1024,
  maxAttributes: 32,
  maxAttributeLength: 4096,
  maxNameLength: 64,
  maxTextLength: 8192,
};

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Bytes → string as strict UTF-8 (an invalid sequence is a reject, not a silent U+FFFD). */
export function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    return utf8.decode(bytes);
  } catch {
    return null;
  }
}

/**
 * Parses one CoT XML event (a datagram, or one message cut from a TCP stream).
 * Never throws; every refusal carries a reason from {@link COT_REJECT_REASONS}.
 */
export function parseCotXml(input: string | Uint8Array, limits: Partial<CotParseLimits> = {}): CotParseResult {
  const lim = { ...DEFAULT_COT_LIMITS, ...limits };
  let text: string;
  if (typeof input === 'string') {
    text = input;
  } else {
    if (input.length > lim.maxBytes) return reject('too-large', `message of ${input.length} bytes`);
    const t = decodeUtf8(input);
    if (t === null) return reject('bad-utf8', 'not valid UTF-8');
    text = t;
  }
  if (text.length > Math.min(lim.maxChars, lim.maxBytes)) return reject('too-large', `message of ${text.length} characters`);
  const r = parseXml(text, lim);
  if (!r.ok) return r;
  return eventFromElement(r.root);
}
