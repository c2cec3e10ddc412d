/**
 * The rules a SAPIENT message can break, and the violation record every layer (framing, wire
 * decoding, JSON parsing, validation, the server's own checks) reports them with. Rule names
 * follow the standard's own vocabulary where it has one (`is_mandatory`, `is_ulid`, `is_uuid`
 * are the option names in proto_options.proto), so an integrator reading an Error message can
 * find the rule in the ICD.
 */

export const SAPIENT_RULES = {
  // Validation options of proto_options.proto
  is_mandatory: 'a mandatory field is missing or empty ((field_options).is_mandatory)',
  oneof_mandatory: 'none of the members of a mandatory oneof is set ((oneof_options).is_mandatory)',
  is_ulid: 'not a ULID (26 Crockford base-32 characters) ((field_options).is_ulid)',
  is_uuid: 'not a UUID (8-4-4-4-12 hexadecimal) ((field_options).is_uuid)',
  // Rules the validator of the standard's test harness adds
  unit_interval: 'a confidence or ranking outside 0–1',
  enum_defined: 'an enumeration value the standard does not define',
  timestamp: 'a Timestamp that is malformed or outside 0001-01-01 … 9999-12-31',
  oneof_exclusive: 'more than one member of a oneof is set',
  // Encoding
  json_syntax: 'not a JSON object',
  json_unknown_field: 'a JSON member that is not a field of the message',
  json_type: 'a JSON value of the wrong type or out of range for its field',
  protobuf_wire: 'malformed protobuf wire data',
  // Framing (4-byte little-endian length prefix)
  frame_oversize: 'a length prefix above the maximum message size',
  frame_truncated: 'the stream ended inside a frame',
} as const;

export type SapientRule = keyof typeof SAPIENT_RULES;

export interface Violation {
  rule: SapientRule;
  /** Field path in proto names from the SapientMessage root, e.g. `registration.capabilities[0].category`. */
  path: string;
  /** One line for people. */
  message: string;
}

export function violation(rule: SapientRule, path: string, detail?: string): Violation {
  return { rule, path, message: `${rule}${path ? ` at ${path}` : ''}: ${detail ?? SAPIENT_RULES[rule]}` };
}

export function joinPath(base: string, name: string): string {
  return base ? `${base}.${name}` : name;
}
