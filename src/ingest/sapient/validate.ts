/**
 * The rules of BSI Flex 335 v2.0 that protobuf itself does not enforce, checked at every
 * nesting level of a decoded SapientMessage:
 *
 * - `is_mandatory` fields present and meaningful. Following Dstl's validator (the reference the
 *   `invalid/` samples were written for): a mandatory string must not be blank, a mandatory enum
 *   must not be its `*_UNSPECIFIED` zero, mandatory bytes must not be empty, a mandatory repeated
 *   field needs at least one element; a mandatory number or bool must be present (explicit
 *   presence), any value.
 * - mandatory oneofs (`(oneof_options).is_mandatory`) have a member set.
 * - `is_ulid` / `is_uuid` fields hold a ULID / UUID when not blank (blank optional ids pass, as in
 *   Dstl's validator; blank mandatory ones fail `is_mandatory`).
 * - enumeration values are ones the standard defines; confidences and rankings lie in 0–1;
 *   Timestamps lie in the protobuf range.
 *
 * It returns every violation (never throws on data), each naming the rule and the field path.
 */
import { isUlid, isUuid } from './ids.js';
import { TIMESTAMP_MAX_S, TIMESTAMP_MIN_S, sapientFromJsonText } from './json.js';
import { joinPath, violation, type Violation } from './rules.js';
import { decodeSapientMessage, enumInfo, message, messageInfo, type FieldDef, type ProtoObject } from './schema.js';

const TIMESTAMP = 'google.protobuf.Timestamp';
/** Deeper than protobufjs decodes (100), so a decoded message is always walked completely. */
const MAX_DEPTH = 128;

/** Validates a SapientMessage object (decoded from the wire or parsed from JSON). */
export function validateSapientMessage(msg: ProtoObject): Violation[] {
  const out: Violation[] = [];
  walk(msg, 'SapientMessage', '', out, 0);
  return out;
}

/** Validates any message of the schema by type name (e.g. a DetectionReport on its own). */
export function validateAs(obj: ProtoObject, typeName: string, path = ''): Violation[] {
  const out: Violation[] = [];
  walk(obj, typeName, path, out, 0);
  return out;
}

function own(obj: ProtoObject, name: string): boolean {
  return Object.prototype.hasOwnProperty.call(obj, name) && obj[name] !== undefined && obj[name] !== null;
}

function walk(obj: ProtoObject, typeName: string, path: string, out: Violation[], depth: number): void {
  const info = message(typeName);
  if (depth > MAX_DEPTH) return;
  if (typeName === TIMESTAMP) {
    checkTimestamp(obj, path, out);
    return;
  }
  for (const fd of info.fields) {
    const p = joinPath(path, fd.name);
    const present = own(obj, fd.name);
    const v = present ? obj[fd.name] : undefined;
    if (fd.label === 'repeated') {
      const list = Array.isArray(v) ? v : [];
      if (fd.mandatory && list.length === 0) out.push(violation('is_mandatory', p, `${typeName}.${fd.name} needs at least one element`));
      list.forEach((el, i) => checkValue(el, fd, `${p}[${i}]`, out, depth, false));
      continue;
    }
    if (!present) {
      if (fd.mandatory) out.push(violation('is_mandatory', p, `${typeName}.${fd.name} is mandatory`));
      continue;
    }
    checkValue(v, fd, p, out, depth, !!fd.mandatory);
  }
  for (const oneof of info.oneofs) {
    if (!oneof.mandatory) continue;
    if (!info.fields.some((fd) => fd.oneof === oneof.name && own(obj, fd.name))) {
      const members = info.fields.filter((fd) => fd.oneof === oneof.name).map((fd) => fd.name);
      out.push(violation('oneof_mandatory', joinPath(path, oneof.name), `${typeName} needs one of ${members.join(', ')}`));
    }
  }
}

function checkValue(v: unknown, fd: FieldDef, path: string, out: Violation[], depth: number, mandatory: boolean): void {
  const t = fd.type;
  if (messageInfo.has(t)) {
    if (typeof v === 'object' && v !== null) walk(v as ProtoObject, t, path, out, depth + 1);
    return;
  }
  const en = enumInfo.get(t);
  if (en) {
    if (mandatory && v === 0) out.push(violation('is_mandatory', path, `${fd.name} is mandatory and may not be ${en.byNumber.get(0)}`));
    else if (!en.byNumber.has(v as number)) out.push(violation('enum_defined', path, `${String(v)} is not a value of ${t}`));
    return;
  }
  switch (t) {
    case 'string': {
      const s = typeof v === 'string' ? v : '';
      if (s.trim() === '') {
        if (mandatory) out.push(violation('is_mandatory', path, `${fd.name} is mandatory and may not be blank`));
        return;
      }
      if (fd.ulid && !isUlid(s)) out.push(violation('is_ulid', path, `"${clip(s)}" is not a ULID`));
      if (fd.uuid && !isUuid(s)) out.push(violation('is_uuid', path, `"${clip(s)}" is not a UUID`));
      return;
    }
    case 'bytes':
      if (mandatory && (!(v instanceof Uint8Array) || v.length === 0)) out.push(violation('is_mandatory', path, `${fd.name} is mandatory and may not be empty`));
      return;
    case 'float':
    case 'double':
      if (fd.unitInterval && !(typeof v === 'number' && v >= 0 && v <= 1)) {
        out.push(violation('unit_interval', path, `${fd.name} = ${String(v)} is outside 0–1`));
      }
      return;
    default:
      return;
  }
}

function checkTimestamp(ts: ProtoObject, path: string, out: Violation[]): void {
  const s = Number(ts.seconds ?? 0);
  const n = Number(ts.nanos ?? 0);
  if (!(s >= TIMESTAMP_MIN_S && s <= TIMESTAMP_MAX_S) || !(n >= 0 && n <= 999_999_999)) {
    out.push(violation('timestamp', path, `seconds ${s}, nanos ${n} is outside the Timestamp range`));
  }
}

function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

// ---------------------------------------------------------------------------------------------
// Convenience: bytes or JSON text in, message and all violations out.

export interface ParseResult {
  /** The message, when it could be decoded at all (also when it then failed validation). */
  message: ProtoObject | null;
  violations: Violation[];
}

/** Decodes an unframed SapientMessage and validates it. Never throws. */
export function parseSapientBinary(bytes: Uint8Array): ParseResult {
  let msg: ProtoObject;
  try {
    msg = decodeSapientMessage(bytes);
  } catch (e) {
    return { message: null, violations: [violation('protobuf_wire', '', wireReason(e))] };
  }
  return { message: msg, violations: validateSapientMessage(msg) };
}

/** Parses proto3 JSON text of a SapientMessage and validates it. Never throws. */
export function parseSapientJson(text: string): ParseResult {
  const r = sapientFromJsonText(text);
  if (r.violations.some((v) => v.rule === 'json_syntax')) return { message: null, violations: r.violations };
  // A value the parser refused is absent from the message; do not report it missing as well.
  const refused = new Set(r.violations.map((v) => v.path));
  const rest = validateSapientMessage(r.message).filter((v) => !(v.rule === 'is_mandatory' && refused.has(v.path)));
  return { message: r.message, violations: [...r.violations, ...rest] };
}

/** protobufjs' exception text, trimmed to a stable one-line reason. */
export function wireReason(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.split('\n')[0].slice(0, 120);
}
