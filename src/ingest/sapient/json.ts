/**
 * proto3 JSON ⇄ SAPIENT message objects, following the protobuf JSON mapping:
 * lowerCamelCase member names (the proto name is accepted too, as every conforming parser does:
 * Dstl's samples mix `enu_velocity` with `eastRate`), enums by name (or number), 64-bit integers
 * as strings (numbers accepted), numbers also as numeric strings, bytes as base64, Timestamps as
 * RFC 3339 text, `null` meaning "absent".
 *
 * The parser never throws on bad input: it records a violation with the field path and keeps
 * going, so one pass reports every problem of a file (unknown members are errors, as in the
 * reference parsers' default mode). Implicit-presence fields holding their default are left
 * unset, so the encoder writes what Google's runtime writes.
 */
import { enumInfo, isScalar, jsonNameOf, message, messageInfo, type FieldDef, type ProtoObject } from './schema.js';
import { joinPath, violation, type Violation } from './rules.js';

const TIMESTAMP = 'google.protobuf.Timestamp';
/** Seconds of 0001-01-01T00:00:00Z and of 9999-12-31T23:59:59Z, the Timestamp range. */
export const TIMESTAMP_MIN_S = -62135596800;
export const TIMESTAMP_MAX_S = 253402300799;
const MAX_DEPTH = 100;

export interface JsonParseResult {
  message: ProtoObject;
  violations: Violation[];
}

/** Parses proto3 JSON text into a SapientMessage object. */
export function sapientFromJsonText(text: string): JsonParseResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { message: {}, violations: [violation('json_syntax', '', `not JSON: ${(e as Error).message}`)] };
  }
  return sapientFromJson(value);
}

/** Converts an already parsed proto3 JSON value into a SapientMessage object. */
export function sapientFromJson(value: unknown, typeName = 'SapientMessage'): JsonParseResult {
  const violations: Violation[] = [];
  if (!isPlainObject(value)) {
    violations.push(violation('json_syntax', '', 'the top level must be a JSON object'));
    return { message: {}, violations };
  }
  const message = parseMessage(value, typeName, '', violations, 0);
  return { message, violations };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseMessage(json: Record<string, unknown>, typeName: string, path: string, out: Violation[], depth: number): ProtoObject {
  const info = message(typeName);
  const obj: ProtoObject = {};
  if (depth > MAX_DEPTH) {
    out.push(violation('json_type', path, `nesting deeper than ${MAX_DEPTH}`));
    return obj;
  }
  const oneofSeen = new Map<string, string>();
  for (const key of Object.keys(json)) {
    const raw = json[key];
    const fd = info.byJsonKey.get(key);
    const fieldPath = joinPath(path, fd ? fd.name : key);
    if (!fd) {
      out.push(violation('json_unknown_field', fieldPath, `${typeName} has no field "${key}"`));
      continue;
    }
    if (raw === null) continue; // proto3 JSON: null is the default, i.e. absent
    if (Object.prototype.hasOwnProperty.call(obj, fd.name)) {
      out.push(violation('json_type', fieldPath, `field given twice ("${fd.name}" and "${jsonNameOf(fd.name)}")`));
      continue;
    }
    if (fd.oneof) {
      const other = oneofSeen.get(fd.oneof);
      if (other !== undefined) {
        out.push(violation('oneof_exclusive', fieldPath, `"${fd.name}" and "${other}" are both members of oneof ${fd.oneof}`));
        continue;
      }
      oneofSeen.set(fd.oneof, fd.name);
    }
    if (fd.label === 'repeated') {
      if (!Array.isArray(raw)) {
        out.push(violation('json_type', fieldPath, 'a repeated field must be a JSON array'));
        continue;
      }
      const list: unknown[] = [];
      raw.forEach((el, i) => {
        const v = el === null ? undefined : parseValue(el, fd, `${fieldPath}[${i}]`, out, depth);
        if (el === null) out.push(violation('json_type', `${fieldPath}[${i}]`, 'null inside a repeated field'));
        else if (v !== undefined) list.push(v);
      });
      obj[fd.name] = list;
      continue;
    }
    const v = parseValue(raw, fd, fieldPath, out, depth);
    if (v === undefined) continue;
    if (fd.label === 'implicit' && isDefault(v)) continue; // never on the wire, so never in the message
    obj[fd.name] = v;
  }
  return obj;
}

function isDefault(v: unknown): boolean {
  return v === 0 || v === false || v === '' || (v instanceof Uint8Array && v.length === 0);
}

/** One JSON value → its in-memory form, or undefined after recording a violation. */
function parseValue(raw: unknown, fd: FieldDef, path: string, out: Violation[], depth: number): unknown {
  const t = fd.type;
  if (t === TIMESTAMP) {
    if (typeof raw !== 'string') {
      out.push(violation('timestamp', path, 'a Timestamp must be an RFC 3339 string'));
      return undefined;
    }
    const ts = parseRfc3339(raw);
    if (!ts) out.push(violation('timestamp', path, `"${clip(raw)}" is not an RFC 3339 UTC time in 0001…9999`));
    return ts ?? undefined;
  }
  if (messageInfo.has(t)) {
    if (!isPlainObject(raw)) {
      out.push(violation('json_type', path, `${t} must be a JSON object`));
      return undefined;
    }
    return parseMessage(raw, t, path, out, depth + 1);
  }
  const en = enumInfo.get(t);
  if (en) {
    if (typeof raw === 'string') {
      const n = en.values[raw];
      if (n === undefined) {
        out.push(violation('enum_defined', path, `"${clip(raw)}" is not a value of ${t}`));
        return undefined;
      }
      return n;
    }
    if (typeof raw === 'number' && Number.isInteger(raw) && raw >= -2147483648 && raw <= 2147483647) return raw;
    out.push(violation('json_type', path, `${t} must be an enum name or an int32`));
    return undefined;
  }
  if (!isScalar(t)) throw new Error(`SAPIENT schema: unknown type ${t}`);
  switch (t) {
    case 'string':
      if (typeof raw === 'string') return raw;
      break;
    case 'bool':
      if (typeof raw === 'boolean') return raw;
      break;
    case 'bytes':
      if (typeof raw === 'string') {
        const b = decodeBase64(raw);
        if (b) return b;
      }
      out.push(violation('json_type', path, 'bytes must be base64 text'));
      return undefined;
    case 'int32':
    case 'uint32':
    case 'int64': {
      const n = toNumber(raw);
      const [lo, hi] = t === 'int32' ? [-2147483648, 2147483647] : t === 'uint32' ? [0, 4294967295] : [-Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER];
      if (n !== undefined && Number.isInteger(n) && n >= lo && n <= hi) return n;
      out.push(violation('json_type', path, `${t} expected, got ${clip(JSON.stringify(raw))}`));
      return undefined;
    }
    case 'float':
    case 'double': {
      const n = toNumber(raw, true);
      if (n !== undefined && (t === 'double' || !Number.isFinite(n) || Math.abs(n) <= 3.4028234663852886e38)) return n;
      out.push(violation('json_type', path, `${t} expected, got ${clip(JSON.stringify(raw))}`));
      return undefined;
    }
  }
  out.push(violation('json_type', path, `${t} expected, got ${clip(JSON.stringify(raw) ?? typeof raw)}`));
  return undefined;
}

/** A JSON number, or a string holding one (proto3 JSON allows both); NaN/±Infinity by name for floats. */
function toNumber(raw: unknown, float = false): number | undefined {
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : undefined;
  if (typeof raw !== 'string') return undefined;
  if (float) {
    if (raw === 'NaN') return NaN;
    if (raw === 'Infinity') return Infinity;
    if (raw === '-Infinity') return -Infinity;
  }
  if (!/^-?(\d+)(\.\d+)?([eE][+-]?\d+)?$/.test(raw)) return undefined;
  const n = Number(raw);
  return Number.isFinite(n) ? n : undefined;
}

function decodeBase64(s: string): Uint8Array | undefined {
  // Standard or URL-safe alphabet, padding optional (the JSON mapping accepts either).
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(s)) return undefined;
  const std = s.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
  if (std.length % 4 === 1) return undefined;
  return new Uint8Array(Buffer.from(std, 'base64'));
}

function clip(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/** RFC 3339 text → {seconds, nanos}, or null when malformed or out of the Timestamp range. */
export function parseRfc3339(s: string): { seconds: number; nanos: number } | null {
  const m = RFC3339.exec(s);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59 || second > 59) return null;
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day); // setUTCFullYear, not Date.UTC: years 0–99 must not become 19xx
  d.setUTCHours(hour, minute, second, 0);
  let seconds = Math.floor(d.getTime() / 1000);
  if (!m[8]) {
    const off = (Number(m[10]) * 60 + Number(m[11])) * 60;
    if (Number(m[10]) > 23 || Number(m[11]) > 59) return null;
    seconds -= m[9] === '+' ? off : -off;
  }
  const nanos = m[7] ? Number(m[7].padEnd(9, '0')) : 0;
  if (seconds < TIMESTAMP_MIN_S || seconds > TIMESTAMP_MAX_S) return null;
  return { seconds, nanos };
}

function daysIn(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}

/** {seconds, nanos} → RFC 3339 UTC text with 0, 3, 6 or 9 fraction digits (as Google's runtime prints). */
export function formatRfc3339(seconds: number, nanos: number): string {
  const d = new Date(seconds * 1000);
  const base = d.toISOString().slice(0, 19);
  const y = d.getUTCFullYear();
  const head = y < 1000 ? `${String(y).padStart(4, '0')}${base.slice(base.indexOf('-', 1))}` : base;
  if (!nanos) return `${head}Z`;
  const frac = String(nanos).padStart(9, '0');
  const digits = nanos % 1_000_000 === 0 ? 3 : nanos % 1000 === 0 ? 6 : 9;
  return `${head}.${frac.slice(0, digits)}Z`;
}

/** Milliseconds since the epoch of a Timestamp object. */
export function timestampToMs(ts: ProtoObject | undefined): number {
  if (!ts) return NaN;
  const s = typeof ts.seconds === 'number' ? ts.seconds : Number(ts.seconds ?? 0);
  const n = typeof ts.nanos === 'number' ? ts.nanos : 0;
  return s * 1000 + n / 1e6;
}

/** A Timestamp object for milliseconds since the epoch. */
export function msToTimestamp(ms: number): { seconds: number; nanos: number } {
  const seconds = Math.floor(ms / 1000);
  return { seconds, nanos: Math.round((ms - seconds * 1000) * 1e6) };
}

// ---------------------------------------------------------------------------------------------
// message → proto3 JSON

/** A SapientMessage (or any schema type) as a proto3 JSON value (lowerCamelCase names). */
export function sapientToJson(obj: ProtoObject, typeName = 'SapientMessage'): Record<string, unknown> {
  return messageToJson(obj, typeName, 0);
}

function messageToJson(obj: ProtoObject, typeName: string, depth: number): Record<string, unknown> {
  const info = message(typeName);
  const out: Record<string, unknown> = {};
  if (depth > MAX_DEPTH) return out;
  for (const fd of info.fields) {
    if (!Object.prototype.hasOwnProperty.call(obj, fd.name)) continue;
    const v = obj[fd.name];
    if (v === undefined || v === null) continue;
    if (fd.label === 'repeated') {
      if (!Array.isArray(v) || v.length === 0) continue;
      out[jsonNameOf(fd.name)] = v.map((e) => valueToJson(e, fd, depth));
    } else {
      if (fd.label === 'implicit' && isDefault(v)) continue;
      out[jsonNameOf(fd.name)] = valueToJson(v, fd, depth);
    }
  }
  return out;
}

function valueToJson(v: unknown, fd: FieldDef, depth: number): unknown {
  const t = fd.type;
  if (t === TIMESTAMP) {
    const ts = v as ProtoObject;
    return formatRfc3339(Number(ts.seconds ?? 0), Number(ts.nanos ?? 0));
  }
  if (messageInfo.has(t)) return messageToJson(v as ProtoObject, t, depth + 1);
  const en = enumInfo.get(t);
  if (en) return en.byNumber.get(v as number) ?? v;
  switch (t) {
    case 'int64':
      return String(v);
    case 'bytes':
      return Buffer.from(v as Uint8Array).toString('base64');
    case 'float':
      return floatToJson(v as number);
    case 'double':
      return Number.isFinite(v) ? v : String(v);
    default:
      return v;
  }
}

/** The shortest decimal that reads back as the same float32 (what Google's runtime prints). */
function floatToJson(x: number): number | string {
  if (!Number.isFinite(x)) return String(x);
  for (let p = 1; p <= 9; p++) {
    const y = Number(x.toPrecision(p));
    if (Math.fround(y) === Math.fround(x)) return y;
  }
  return x;
}
