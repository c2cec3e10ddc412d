import { expect, it } from 'vitest';
import protobuf from 'protobufjs';
import { ENUMS, MESSAGES, SAPIENT_PACKAGE, jsonNameOf, sapientRoot } from '../../../src/ingest/sapient/schema.js';
import { describeStandards, haveStandards, loadReferenceRoot } from './helpers.js';

/**
 * Our hand-written schema against the official BSI Flex 335 v2.0 .proto files, parsed at test
 * time: the same types, field for field (number, type, label, presence, oneof), the same
 * enumerations, the same reserved numbers, and the same validation options — except the three
 * rules Dstl's validator adds, which the table marks `beyondProto` and this test proves are
 * indeed absent from the official options.
 */

interface RefType {
  name: string;
  type: protobuf.Type;
}

function collect(ns: protobuf.NamespaceBase, prefix: string, types: RefType[], enums: { name: string; e: protobuf.Enum }[]): void {
  for (const child of ns.nestedArray) {
    const name = prefix ? `${prefix}.${child.name}` : child.name;
    if (child instanceof protobuf.Type) {
      types.push({ name, type: child });
      collect(child, name, types, enums);
    } else if (child instanceof protobuf.Enum) {
      enums.push({ name, e: child });
    }
  }
}

function relative(field: protobuf.Field): string {
  if (!field.resolvedType) return field.type;
  const full = field.resolvedType.fullName.replace(/^\./, '');
  return full.startsWith(`${SAPIENT_PACKAGE}.`) ? full.slice(SAPIENT_PACKAGE.length + 1) : full;
}

function reservedNumbers(r: (number[] | string)[] | undefined): number[] {
  const out: number[] = [];
  for (const x of r ?? []) if (Array.isArray(x)) for (let i = x[0]; i <= x[1]; i++) out.push(i);
  return out.sort((a, b) => a - b);
}

describeStandards('SAPIENT schema vs the official .proto files', () => {
  if (!haveStandards) return; // collected but skipped: do not read the absent files
  const ref = loadReferenceRoot();
  const pkg = ref.lookup(SAPIENT_PACKAGE) as protobuf.Namespace;
  const refTypes: RefType[] = [];
  const refEnums: { name: string; e: protobuf.Enum }[] = [];
  collect(pkg, '', refTypes, refEnums);
  const ours = new Map(MESSAGES.filter((m) => !m.name.startsWith('google.')).map((m) => [m.name, m]));

  it('declares the same message types and enumerations', () => {
    expect([...ours.keys()].sort()).toEqual(refTypes.map((t) => t.name).sort());
    expect(ENUMS.map((e) => e.name).sort()).toEqual(refEnums.map((e) => e.name).sort());
  });

  it.each(refTypes.map((t) => [t.name, t] as const))('%s: fields, labels, presence, oneofs, options', (name, { type }) => {
    const m = ours.get(name)!;
    expect(m.fields.map((f) => f.id)).toEqual([...m.fields.map((f) => f.id)].sort((a, b) => a - b)); // declared in number order
    expect(m.fields.map((f) => f.name).sort()).toEqual(Object.keys(type.fields).sort());
    for (const fd of m.fields) {
      const rf = type.fields[fd.name];
      const where = `${name}.${fd.name}`;
      expect(fd.id, where).toBe(rf.id);
      expect(fd.type, where).toBe(relative(rf));
      const refLabel = rf.repeated ? 'repeated' : rf.options?.proto3_optional ? 'optional' : rf.partOf ? 'oneof' : 'implicit';
      expect(fd.label, where).toBe(refLabel);
      if (fd.label === 'oneof') expect(fd.oneof, where).toBe(rf.partOf!.name);
      expect(jsonNameOf(fd.name), where).toBe(rf.jsonName);
      const opt = (k: string) => rf.options?.[`(field_options).${k}`] === true;
      if (fd.beyondProto) {
        // The deviation is real: the official options lack at least one rule we add.
        expect(!opt('is_mandatory') && fd.mandatory || !opt('is_ulid') && fd.ulid || !opt('is_uuid') && fd.uuid, where).toBe(true);
      } else {
        expect(!!fd.mandatory, `${where} is_mandatory`).toBe(opt('is_mandatory'));
        expect(!!fd.ulid, `${where} is_ulid`).toBe(opt('is_ulid'));
        expect(!!fd.uuid, `${where} is_uuid`).toBe(opt('is_uuid'));
      }
      // The codec protobufjs builds from our descriptor agrees on presence and packing.
      const built = sapientRoot.lookupType(`${SAPIENT_PACKAGE}.${name}`).fields[fd.name];
      expect(!!built.hasPresence, where).toBe(!!rf.hasPresence);
      expect(built.repeated && built.packed, where).toBe(rf.repeated && rf.packed);
    }
    const realOneofs = type.oneofsArray.filter((o) => !(o.fieldsArray.length === 1 && o.fieldsArray[0].options?.proto3_optional));
    expect(m.oneofs.map((o) => o.name).sort()).toEqual(realOneofs.map((o) => o.name).sort());
    for (const o of m.oneofs) {
      const ro = type.oneofs[o.name];
      expect(o.mandatory, `${name}.${o.name}`).toBe(ro.options?.['(oneof_options).is_mandatory'] === true);
    }
    expect([...(m.reserved ?? [])].sort((a, b) => a - b)).toEqual(reservedNumbers(type.reserved as (number[] | string)[] | undefined));
  });

  it.each(refEnums.map((e) => [e.name, e.e] as const))('enum %s: names, numbers, reserved', (name, e) => {
    const ours = ENUMS.find((x) => x.name === name)!;
    expect(ours.values).toEqual(e.values);
    expect([...(ours.reserved ?? [])].sort((a, b) => a - b)).toEqual(reservedNumbers(e.reserved as (number[] | string)[] | undefined));
  });

  it('marks exactly three fields as going beyond the official options', () => {
    const beyond = MESSAGES.flatMap((m) => m.fields.filter((f) => f.beyondProto).map((f) => `${m.name}.${f.name}`));
    expect(beyond.sort()).toEqual(['DetectionReport.DerivedDetection.timestamp', 'Error.error_message', 'FollowObject.follow_object_id']);
  });
});

it('builds a codec for every message type in the table', () => {
  for (const m of MESSAGES) {
    const name = m.name.startsWith('google.') ? m.name : `${SAPIENT_PACKAGE}.${m.name}`;
    expect(sapientRoot.lookupType(name).fieldsArray).toHaveLength(m.fields.length);
  }
});
