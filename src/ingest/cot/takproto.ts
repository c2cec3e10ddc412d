/**
 * TAK protocol v1 in: mesh datagrams (`bf 01 bf <TakMessage>`) and stream payloads → the same
 * validated CotEvent the XML path gives.
 *
 * Before protobufjs sees a payload, a small iterative scan walks its wire format against the
 * schema: every tag, varint and length must be well formed and inside the buffer, every known
 * field must have the wire type its declared type uses, and groups (wire types 3/4, which
 * proto3 never produces and which protobufjs skips by recursion) are refused. The decoder then
 * only reads what the scan proved sound; nested depth is the schema's (4), never the input's.
 * The decoded fields get the checks the XML path applies (uid, type/how patterns, times,
 * ranges), and `xmlDetail` goes through the bounded XML parser.
 */

import { TAK_MAGIC, TakMessageType, type TakControlFields } from '../../outputs/tak/takproto.js';
import { COT_HOW_PATTERN, COT_TYPE_PATTERN, type CotEvent } from '../../outputs/tak/event.js';
import { DEFAULT_COT_LIMITS, MAX_ID_LENGTH, detailFromElement, type CotParseLimits, type CotRejectReason } from './parse.js';
import { child, parseXml, type XmlElement } from './xml.js';

export type TakDecodeResult =
  | { ok: true; event: CotEvent; detail: XmlElement | null; control: TakControlFields | null }
  | { ok: false; reason: CotRejectReason; message: string; control?: TakControlFields };

const reject = (reason: CotRejectReason, message: string): TakDecodeResult => ({ ok: false, reason, message });

/** Sub-message fields per message: field number → message name. */
const SUBMESSAGES: Record<string, Record<number, string>> = {
  TakMessage: { 1: 'TakControl', 2: 'CotEvent' },
  CotEvent: { 15: 'Detail' },
  Detail: { 2: 'Contact', 3: 'Group', 4: 'PrecisionLocation', 5: 'Status', 6: 'Takv', 7: 'Track' },
};
/** Expected wire type of every known field (0 varint, 1 fixed64, 2 length-delimited). */
const WIRE: Record<string, Record<number, number>> = {
  TakMessage: { 1: 2, 2: 2 },
  TakControl: { 1: 0, 2: 0, 3: 2 },
  CotEvent: { 1: 2, 2: 2, 3: 2, 4: 2, 5: 2, 6: 0, 7: 0, 8: 0, 9: 2, 10: 1, 11: 1, 12: 1, 13: 1, 14: 1, 15: 2 },
  Detail: { 1: 2, 2: 2, 3: 2, 4: 2, 5: 2, 6: 2, 7: 2 },
  Contact: { 1: 2, 2: 2 },
  Group: { 1: 2, 2: 2 },
  PrecisionLocation: { 1: 2, 2: 2 },
  Status: { 1: 0 },
  Takv: { 1: 2, 2: 2, 3: 2, 4: 2 },
  Track: { 1: 1, 2: 1 },
};

/**
 * Reads an unsigned varint at pos (≤ 10 bytes, ≤ 2^53 − 1). Returns [value, next] or null when
 * truncated, overlong or too large for a JavaScript number.
 */
export function readVarint(b: Uint8Array, pos: number, end = b.length): [number, number] | null {
  let value = 0, mul = 1;
  for (let i = 0; i < 10; i++) {
    if (pos >= end) return null;
    const byte = b[pos++];
    value += (byte & 0x7f) * mul;
    if (byte < 0x80) return Number.isSafeInteger(value) ? [value, pos] : null;
    mul *= 128;
  }
  return null;
}

/** Walks one message's wire format; returns null when sound, else what is wrong. */
function scanWire(b: Uint8Array, start: number, end: number, type: string): string | null {
  // An explicit stack instead of recursion, although the schema bounds the depth at 4.
  const stack: [number, number, string][] = [[start, end, type]];
  while (stack.length) {
    const [s, e, t] = stack.pop()!;
    let pos = s;
    while (pos < e) {
      const tag = readVarint(b, pos, e);
      if (!tag) return `bad tag in ${t}`;
      pos = tag[1];
      const field = Math.floor(tag[0] / 8), wt = tag[0] % 8;
      if (field === 0 || field > 536870911) return `bad field number in ${t}`;
      const expected = WIRE[t]?.[field];
      if (expected !== undefined && expected !== wt) return `field ${field} of ${t} has wire type ${wt}`;
      if (wt === 0) {
        const v = readVarint(b, pos, e);
        if (!v) return `bad varint in ${t}`;
        pos = v[1];
      } else if (wt === 1) {
        pos += 8;
      } else if (wt === 5) {
        pos += 4;
      } else if (wt === 2) {
        const len = readVarint(b, pos, e);
        if (!len || len[1] + len[0] > e) return `bad length in ${t}`;
        pos = len[1];
        const sub = SUBMESSAGES[t]?.[field];
        if (sub) stack.push([pos, pos + len[0], sub]);
        pos += len[0];
      } else {
        return `wire type ${wt} (groups are not proto3) in ${t}`;
      }
      if (pos > e) return `truncated field in ${t}`;
    }
  }
  return null;
}

const num = (v: unknown): number => (typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : 0);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** Latest instant xs:dateTime can carry with a four-digit year. */
const MAX_TIME_MS = 253402300799999;

/**
 * Decodes a TAK protocol v1 payload (a serialized TakMessage, without framing).
 * Never throws; refusals carry a reason.
 */
export function decodeTakPayload(payload: Uint8Array, limits: Partial<CotParseLimits> = {}): TakDecodeResult {
  const lim = { ...DEFAULT_COT_LIMITS, ...limits };
  if (payload.length === 0) return reject('empty', 'empty payload');
  if (payload.length > lim.maxBytes) return reject('too-large', `payload of ${payload.length} bytes`);
  const wire = scanWire(payload, 0, payload.length, 'TakMessage');
  if (wire) return reject('bad-protobuf', wire);
  let msg: Record<string, unknown>;
  try {
    msg = TakMessageType.toObject(TakMessageType.decode(payload), { longs: Number, defaults: false }) as Record<string, unknown>;
  } catch (e) {
    return reject('bad-protobuf', e instanceof Error ? e.message : String(e));
  }
  let control: TakControlFields | null = null;
  const tc = msg.takControl as Record<string, unknown> | undefined;
  if (tc) {
    control = { minProtoVersion: num(tc.minProtoVersion), maxProtoVersion: num(tc.maxProtoVersion) };
    if (tc.contactUid) control.contactUid = str(tc.contactUid).slice(0, MAX_ID_LENGTH);
  }
  const ce = msg.cotEvent as Record<string, unknown> | undefined;
  if (!ce) {
    const r: TakDecodeResult = { ok: false, reason: 'no-event', message: 'TakMessage without a CotEvent' };
    if (control) r.control = control;
    return r;
  }
  const uid = str(ce.uid), type = str(ce.type), how = str(ce.how);
  if (uid.length === 0 || uid.length > MAX_ID_LENGTH || uid.trim().length === 0) return reject('bad-uid', 'uid missing, empty or too long');
  if (type.length > MAX_ID_LENGTH || !COT_TYPE_PATTERN.test(type)) return reject('bad-type', `type ${type.slice(0, 64)}`);
  if (how.length > MAX_ID_LENGTH || !COT_HOW_PATTERN.test(how)) return reject('bad-how', `how ${how.slice(0, 64)}`);
  const timeMs = num(ce.sendTime), startMs = num(ce.startTime), staleMs = num(ce.staleTime);
  // proto3 cannot tell 0 from absent: a zero send/start time reads as the epoch (as XML
  // "1970-01-01T00:00:00Z" would), but an event without a stale time has no validity at all.
  for (const t of [timeMs, startMs, staleMs]) {
    if (!Number.isSafeInteger(t) || t < 0 || t > MAX_TIME_MS) return reject('bad-time', 'sendTime, startTime or staleTime out of range');
  }
  if (staleMs === 0) return reject('bad-time', 'staleTime missing');
  if (staleMs < startMs) return reject('stale-before-start', 'staleTime is before startTime');
  const qos = str(ce.qos);
  if (qos && !/^\d-\w-\w$/.test(qos)) return reject('bad-qos', `qos ${qos.slice(0, 16)}`);
  const lat = num(ce.lat), lon = num(ce.lon), hae = num(ce.hae), cErr = num(ce.ce), lErr = num(ce.le);
  if (!(lat >= -90 && lat <= 90)) return reject('bad-lat', `lat ${lat}`);
  if (!(lon >= -180 && lon <= 180)) return reject('bad-lon', `lon ${lon}`);
  if (!Number.isFinite(hae)) return reject('bad-hae', `hae ${hae}`);
  if (!(cErr >= 0) || !Number.isFinite(cErr)) return reject('bad-ce', `ce ${cErr}`);
  if (!(lErr >= 0) || !Number.isFinite(lErr)) return reject('bad-le', `le ${lErr}`);

  const event: CotEvent = { uid, type, how, timeMs, startMs, staleMs, latDeg: lat, lonDeg: lon, haeM: hae, ceM: cErr, leM: lErr, detail: {} };
  if (ce.access) event.access = str(ce.access);
  if (qos) event.qos = qos;
  if (ce.opex) event.opex = str(ce.opex);

  // Detail: xmlDetail (if any) first, then the typed messages for elements it does not carry
  // (detail.proto receiver rule 5: on a conflict the XML wins).
  const det = ce.detail as Record<string, unknown> | undefined;
  let detailEl: XmlElement | null = null;
  if (det) {
    const xml = str(det.xmlDetail);
    if (xml.length > 0) {
      const r = parseXml(`<detail>${xml}</detail>`, { ...lim, maxChars: lim.maxChars + 17 });
      if (!r.ok) return reject(r.reason, `xmlDetail: ${r.message}`);
      detailEl = r.root;
      event.detail = detailFromElement(detailEl);
    }
    const contact = det.contact as Record<string, unknown> | undefined;
    if (contact && !(detailEl && child(detailEl, 'contact'))) {
      const callsign = str(contact.callsign);
      if (callsign.length <= MAX_ID_LENGTH) {
        event.detail.contact = { callsign };
        const ep = str(contact.endpoint);
        if (ep && ep.length <= MAX_ID_LENGTH) event.detail.contact.endpoint = ep;
      }
    }
    const group = det.group as Record<string, unknown> | undefined;
    if (group && !(detailEl && child(detailEl, '__group'))) {
      const name = str(group.name), role = str(group.role);
      if (name.length <= MAX_ID_LENGTH && role.length <= MAX_ID_LENGTH) event.detail.group = { name, role };
    }
    const track = det.track as Record<string, unknown> | undefined;
    if (track && !(detailEl && child(detailEl, 'track'))) {
      const course = num(track.course), speed = num(track.speed);
      if (course >= 0 && course <= 360 && speed >= 0 && Number.isFinite(speed)) event.detail.track = { course: course % 360, speed };
    }
  }
  return { ok: true, event, detail: detailEl, control };
}

/** Splits a mesh datagram `bf <version varint> bf <payload>`; null payload with a reason when not one. */
export function parseMeshHeader(b: Uint8Array): { version: number; payload: Uint8Array } | { reason: CotRejectReason; message: string } {
  if (b.length < 3 || b[0] !== TAK_MAGIC) return { reason: 'bad-frame', message: 'no TAK magic byte' };
  const v = readVarint(b, 1);
  if (!v || v[1] >= b.length || b[v[1]] !== TAK_MAGIC) return { reason: 'bad-frame', message: 'bad TAK mesh header' };
  return { version: v[0], payload: b.subarray(v[1] + 1) };
}

/** Decodes one mesh datagram of TAK protocol v1. Version 0 (XML) datagrams are the XML parser's. */
export function decodeTakMesh(b: Uint8Array, limits: Partial<CotParseLimits> = {}): TakDecodeResult {
  const h = parseMeshHeader(b);
  if ('reason' in h) return reject(h.reason, h.message);
  if (h.version !== 1) return reject('unsupported-version', `TAK protocol version ${h.version}`);
  return decodeTakPayload(h.payload, limits);
}
