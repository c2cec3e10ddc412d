/**
 * fast-check arbitraries for Remote ID messages whose values lie on the wire's quantisation grid,
 * so that encode → decode must return them exactly.
 */
import fc from 'fast-check';
import type {
  AuthMessage,
  BasicIdMessage,
  LocationMessage,
  OperatorIdMessage,
  RidMessage,
  SelfIdMessage,
  SystemMessage,
} from '../../../src/ingest/remoteid/messages.js';

const nibble = fc.integer({ min: 0, max: 15 });
const byte = fc.integer({ min: 0, max: 255 });
/** NUL-free latin1 text (NUL is the padding). */
const text = (max: number) => fc.array(fc.integer({ min: 1, max: 255 }), { maxLength: max }).map((c) => String.fromCharCode(...c));
const altitude = fc.option(fc.integer({ min: 1, max: 0xffff }).map((r) => r * 0.5 - 1000), { nil: null });
const hexBytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n }).map((b) => Buffer.from(b).toString('hex'));
const latLon = fc.oneof(
  fc.constant<[number | null, number | null]>([null, null]),
  fc
    .tuple(fc.integer({ min: -900_000_000, max: 900_000_000 }), fc.integer({ min: -1_800_000_000, max: 1_800_000_000 }))
    .filter(([a, b]) => a !== 0 || b !== 0)
    .map(([a, b]): [number | null, number | null] => [a / 1e7, b / 1e7]),
);

export const basicIdArb: fc.Arbitrary<BasicIdMessage> = fc.record({
  type: fc.constant('basic-id' as const),
  protocolVersion: nibble,
  idType: nibble,
  uaType: nibble,
  uasId: text(20),
});

export const locationArb: fc.Arbitrary<LocationMessage> = fc
  .record({
    protocolVersion: nibble,
    status: nibble,
    heightType: fc.integer({ min: 0, max: 1 }),
    directionDeg: fc.option(fc.integer({ min: 0, max: 360 }), { nil: null }),
    speedHorizontalMps: fc.oneof(
      fc.constant(null),
      fc.integer({ min: 0, max: 255 }).map((r) => r * 0.25),
      fc.integer({ min: 1, max: 254 }).map((r) => r * 0.75 + 63.75),
    ),
    speedVerticalMps: fc.option(
      fc
        .integer({ min: -128, max: 127 })
        .filter((r) => r !== 126)
        .map((r) => r * 0.5),
      { nil: null },
    ),
    pos: latLon,
    altitudePressureM: altitude,
    altitudeGeodeticM: altitude,
    heightM: altitude,
    horizontalAccuracy: nibble,
    verticalAccuracy: nibble,
    baroAccuracy: nibble,
    speedAccuracy: nibble,
    timestampTenths: fc.option(fc.integer({ min: 0, max: 0xfffe }), { nil: null }),
    timestampAccuracy: nibble,
  })
  .map(({ pos, ...r }) => ({ type: 'location' as const, ...r, latDeg: pos[0], lonDeg: pos[1] }))
  .map((r): LocationMessage => ({
    type: r.type,
    protocolVersion: r.protocolVersion,
    status: r.status,
    heightType: r.heightType,
    directionDeg: r.directionDeg,
    speedHorizontalMps: r.speedHorizontalMps,
    speedVerticalMps: r.speedVerticalMps,
    latDeg: r.latDeg,
    lonDeg: r.lonDeg,
    altitudePressureM: r.altitudePressureM,
    altitudeGeodeticM: r.altitudeGeodeticM,
    heightM: r.heightM,
    horizontalAccuracy: r.horizontalAccuracy,
    verticalAccuracy: r.verticalAccuracy,
    baroAccuracy: r.baroAccuracy,
    speedAccuracy: r.speedAccuracy,
    timestampTenths: r.timestampTenths,
    timestampAccuracy: r.timestampAccuracy,
  }));

export const authArb: fc.Arbitrary<AuthMessage> = fc.oneof(
  fc.record({
    type: fc.constant('auth' as const),
    protocolVersion: nibble,
    authType: nibble,
    page: fc.constant(0),
    lastPageIndex: byte,
    length: byte,
    timestampS: fc.integer({ min: 0, max: 0xffffffff }),
    dataHex: hexBytes(17),
  }),
  fc.record({
    type: fc.constant('auth' as const),
    protocolVersion: nibble,
    authType: nibble,
    page: fc.integer({ min: 1, max: 15 }),
    lastPageIndex: fc.constant(null),
    length: fc.constant(null),
    timestampS: fc.constant(null),
    dataHex: hexBytes(23),
  }),
);

export const selfIdArb: fc.Arbitrary<SelfIdMessage> = fc.record({
  type: fc.constant('self-id' as const),
  protocolVersion: nibble,
  descType: byte,
  description: text(23),
});

export const systemArb: fc.Arbitrary<SystemMessage> = fc
  .record({
    protocolVersion: nibble,
    operatorLocationType: fc.integer({ min: 0, max: 3 }),
    classificationType: fc.integer({ min: 0, max: 7 }),
    pos: latLon,
    areaCount: fc.integer({ min: 0, max: 0xffff }),
    areaRadiusM: byte.map((r) => r * 10),
    areaCeilingM: altitude,
    areaFloorM: altitude,
    categoryEu: nibble,
    classEu: nibble,
    operatorAltitudeGeoM: altitude,
    timestampS: fc.integer({ min: 0, max: 0xffffffff }),
  })
  .map((r): SystemMessage => ({
    type: 'system',
    protocolVersion: r.protocolVersion,
    operatorLocationType: r.operatorLocationType,
    classificationType: r.classificationType,
    operatorLatDeg: r.pos[0],
    operatorLonDeg: r.pos[1],
    areaCount: r.areaCount,
    areaRadiusM: r.areaRadiusM,
    areaCeilingM: r.areaCeilingM,
    areaFloorM: r.areaFloorM,
    categoryEu: r.categoryEu,
    classEu: r.classEu,
    operatorAltitudeGeoM: r.operatorAltitudeGeoM,
    timestampS: r.timestampS,
  }));

export const operatorIdArb: fc.Arbitrary<OperatorIdMessage> = fc.record({
  type: fc.constant('operator-id' as const),
  protocolVersion: nibble,
  operatorIdType: byte,
  operatorId: text(20),
});

export const messageArb: fc.Arbitrary<RidMessage> = fc.oneof(basicIdArb, locationArb, authArb, selfIdArb, systemArb, operatorIdArb);
export const macArb = fc.uint8Array({ minLength: 6, maxLength: 6 });
export const macString = (b: Uint8Array): string => Array.from(b, (v) => v.toString(16).toUpperCase().padStart(2, '0')).join(':');
