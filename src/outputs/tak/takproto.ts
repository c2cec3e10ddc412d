/**
 * TAK protocol version 1: a CoT event as a protobuf `TakMessage`, and its two framings.
 *
 * The schema is our own protobufjs reflection definition, written to the field numbers and types
 * of the official takproto `.proto` files (../shared/standards/cot/takproto, the reference the
 * tests compare against, field by field and byte by byte). Package
 * `atakmap.commoncommo.protobuf.v1`, proto3:
 *
 *   TakMessage { TakControl takControl = 1; CotEvent cotEvent = 2; }
 *   TakControl { uint32 minProtoVersion = 1; uint32 maxProtoVersion = 2; string contactUid = 3; }
 *   CotEvent   { string type = 1; access = 2; qos = 3; opex = 4; uid = 5;
 *                uint64 sendTime = 6; startTime = 7; staleTime = 8;   (ms since the Unix epoch)
 *                string how = 9; double lat = 10; lon = 11; hae = 12; ce = 13; le = 14;
 *                Detail detail = 15; }
 *   Detail     { string xmlDetail = 1; Contact contact = 2; Group group = 3;
 *                PrecisionLocation precisionLocation = 4; Status status = 5; Takv takv = 6;
 *                Track track = 7; }
 *   Contact { endpoint = 1; callsign = 2; }  Group { name = 1; role = 2; }
 *   PrecisionLocation { geopointsrc = 1; altsrc = 2; }  Status { uint32 battery = 1; }
 *   Takv { device = 1; platform = 2; os = 3; version = 4; }  Track { double speed = 1; course = 2; }
 *
 * Framing (protocol.txt): mesh/multicast `0xbf <version varint> 0xbf <payload>` (version 1 →
 * `bf 01 bf`); streaming `0xbf <payload length varint> <payload>`.
 *
 * proto3 leaves zero values off the wire; protobufjs does the same for absent fields, and we never
 * set a field to its default, so our bytes equal Google's runtime's for the same message.
 */

import protobuf from 'protobufjs';
import { remarksXml, type CotEvent } from './event.js';

/** The protobuf package of TAK protocol version 1. */
export const TAK_PACKAGE = 'atakmap.commoncommo.protobuf.v1';
/** The magic byte that starts every TAK protocol header. */
export const TAK_MAGIC = 0xbf;

const s = (id: number) => ({ type: 'string', id });
const d = (id: number) => ({ type: 'double', id });

/** The reflection schema (see the module comment for the field table it encodes). */
export const takRoot: protobuf.Root = protobuf.Root.fromJSON({
  nested: {
    atakmap: { nested: { commoncommo: { nested: { protobuf: { nested: { v1: { nested: {
      TakMessage: { fields: { takControl: { type: 'TakControl', id: 1 }, cotEvent: { type: 'CotEvent', id: 2 } } },
      TakControl: { fields: { minProtoVersion: { type: 'uint32', id: 1 }, maxProtoVersion: { type: 'uint32', id: 2 }, contactUid: s(3) } },
      CotEvent: {
        fields: {
          type: s(1), access: s(2), qos: s(3), opex: s(4), uid: s(5),
          sendTime: { type: 'uint64', id: 6 }, startTime: { type: 'uint64', id: 7 }, staleTime: { type: 'uint64', id: 8 },
          how: s(9), lat: d(10), lon: d(11), hae: d(12), ce: d(13), le: d(14),
          detail: { type: 'Detail', id: 15 },
        },
      },
      Detail: {
        fields: {
          xmlDetail: s(1), contact: { type: 'Contact', id: 2 }, group: { type: 'Group', id: 3 },
          precisionLocation: { type: 'PrecisionLocation', id: 4 }, status: { type: 'Status', id: 5 },
          takv: { type: 'Takv', id: 6 }, track: { type: 'Track', id: 7 },
        },
      },
      Contact: { fields: { endpoint: s(1), callsign: s(2) } },
      Group: { fields: { name: s(1), role: s(2) } },
      PrecisionLocation: { fields: { geopointsrc: s(1), altsrc: s(2) } },
      Status: { fields: { battery: { type: 'uint32', id: 1 } } },
      Takv: { fields: { device: s(1), platform: s(2), os: s(3), version: s(4) } },
      Track: { fields: { speed: d(1), course: d(2) } },
    } } } } } } } },
  },
});

export const TakMessageType = takRoot.lookupType(`${TAK_PACKAGE}.TakMessage`);

/** TakControl content (mesh peers announce the versions they can decode). */
export interface TakControlFields {
  minProtoVersion: number;
  maxProtoVersion: number;
  contactUid?: string;
}

/** Sets `key` on `o` unless it is the proto3 default (empty string, 0), which stays off the wire. */
function put(o: Record<string, unknown>, key: string, v: string | number | undefined): void {
  if (v === undefined || v === '' || v === 0) return;
  o[key] = v;
}

/**
 * The plain TakMessage object for an event (the shape protobufjs encodes). `<contact>`,
 * `<__group>` and `<track>` become their typed messages; `<remarks>` and any other detail XML
 * travel in `xmlDetail`, as detail.proto's sender rules say (whole elements only, never split).
 */
export function takMessageObject(ev: CotEvent | null, control?: TakControlFields): Record<string, unknown> {
  const msg: Record<string, unknown> = {};
  if (control) {
    const c: Record<string, unknown> = {};
    put(c, 'minProtoVersion', control.minProtoVersion);
    put(c, 'maxProtoVersion', control.maxProtoVersion);
    put(c, 'contactUid', control.contactUid);
    msg.takControl = c;
  }
  if (ev) {
    const e: Record<string, unknown> = {};
    put(e, 'type', ev.type);
    put(e, 'access', ev.access);
    put(e, 'qos', ev.qos);
    put(e, 'opex', ev.opex);
    put(e, 'uid', ev.uid);
    put(e, 'sendTime', Math.round(ev.timeMs));
    put(e, 'startTime', Math.round(ev.startMs));
    put(e, 'staleTime', Math.round(ev.staleMs));
    put(e, 'how', ev.how);
    put(e, 'lat', ev.latDeg);
    put(e, 'lon', ev.lonDeg);
    put(e, 'hae', ev.haeM);
    put(e, 'ce', ev.ceM);
    put(e, 'le', ev.leM);
    const det: Record<string, unknown> = {};
    const xml = (ev.detail.remarks !== undefined ? remarksXml(ev.detail.remarks) : '') + (ev.detail.xmlDetail ?? '');
    put(det, 'xmlDetail', xml);
    if (ev.detail.contact) {
      const c: Record<string, unknown> = {};
      put(c, 'endpoint', ev.detail.contact.endpoint);
      put(c, 'callsign', ev.detail.contact.callsign);
      det.contact = c;
    }
    if (ev.detail.group) {
      const g: Record<string, unknown> = {};
      put(g, 'name', ev.detail.group.name);
      put(g, 'role', ev.detail.group.role);
      det.group = g;
    }
    if (ev.detail.track) {
      const t: Record<string, unknown> = {};
      put(t, 'speed', ev.detail.track.speed);
      put(t, 'course', ev.detail.track.course);
      det.track = t;
    }
    if (Object.keys(det).length > 0) e.detail = det;
    msg.cotEvent = e;
  }
  return msg;
}

/** The TAK protocol v1 payload (a serialized TakMessage) for an event, optionally with TakControl. */
export function encodeTakPayload(ev: CotEvent | null, control?: TakControlFields): Uint8Array {
  return TakMessageType.encode(takMessageObject(ev, control)).finish();
}

/** Unsigned protobuf varint of a non-negative safe integer. */
export function encodeVarint(n: number): Uint8Array {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`varint needs a non-negative safe integer, got ${n}`);
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return Uint8Array.from(out);
}

/** Mesh (UDP/multicast) framing: `bf <version> bf <payload>`. */
export function meshFrame(payload: Uint8Array, version = 1): Uint8Array {
  const v = encodeVarint(version);
  const out = new Uint8Array(2 + v.length + payload.length);
  out[0] = TAK_MAGIC;
  out.set(v, 1);
  out[1 + v.length] = TAK_MAGIC;
  out.set(payload, 2 + v.length);
  return out;
}

/** Streaming (TAK server TCP) framing: `bf <payload length> <payload>`. */
export function streamFrame(payload: Uint8Array): Uint8Array {
  const len = encodeVarint(payload.length);
  const out = new Uint8Array(1 + len.length + payload.length);
  out[0] = TAK_MAGIC;
  out.set(len, 1);
  out.set(payload, 1 + len.length);
  return out;
}

/** An event as one mesh datagram (TAK protocol v1). */
export function encodeTakMesh(ev: CotEvent | null, control?: TakControlFields): Uint8Array {
  return meshFrame(encodeTakPayload(ev, control));
}

/** An event as one streaming message (TAK protocol v1). */
export function encodeTakStream(ev: CotEvent | null, control?: TakControlFields): Uint8Array {
  return streamFrame(encodeTakPayload(ev, control));
}
