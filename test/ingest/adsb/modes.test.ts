import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectionSchema } from '../../../src/model/detection.js';
import { geodesicDistanceM } from '../../../src/geo/geodesic.js';
import {
  AdsbSource,
  AircraftTable,
  BeastDecoder,
  cprEncode,
  cprGlobalAirborne,
  cprGlobalSurface,
  cprLocal,
  cprNL,
  decodeAc12,
  decodeAc13,
  decodeId13,
  decodeModeS,
  encodeAc12,
  encodeAc13,
  encodeBeastFrame,
  encodeId13,
  feetToGillham,
  gillhamToFeet,
  modeSResidue,
  parseAvrLine,
  parseSbsLine,
  setModeSParity,
  type BeastFrame,
} from '../../../src/ingest/adsb/index.js';
import { df17, identMe, opStatusMe, positionMe, surfaceMe, velocityMe } from './helpers.js';

describe('Mode S CRC-24', () => {
  it('a clean DF17 has residue 0 and every single- and double-bit error is caught', () => {
    const m = Buffer.from('8d4d2023991092aca87c14f8dd1c', 'hex');
    expect(modeSResidue(m)).toBe(0);
    for (let i = 0; i < 112; i++) {
      const c = Uint8Array.from(m);
      c[i >> 3] ^= 0x80 >> (i & 7);
      expect(modeSResidue(c)).not.toBe(0);
      for (let j = i + 1; j < 112; j += 7) {
        const d = Uint8Array.from(c);
        d[j >> 3] ^= 0x80 >> (j & 7);
        expect(modeSResidue(d)).not.toBe(0);
      }
    }
    expect(decodeModeS(Uint8Array.from([...m.subarray(0, 13), m[13] ^ 1]))).toEqual({ ok: false, reason: 'modes-crc' });
  });

  it('address/parity replies give the address back as the residue', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffff }), fc.uint8Array({ minLength: 4, maxLength: 4 }), (addr, head) => {
        const m = new Uint8Array(7);
        m.set(head);
        m[0] = (4 << 3) | (m[0] & 7);
        setModeSParity(m, addr);
        const r = decodeModeS(m);
        expect(r.ok && r.value.icao).toBe(addr.toString(16).toUpperCase().padStart(6, '0'));
        expect(r.ok && r.value.addressFromParity).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe('altitude and identity codes', () => {
  it('Gillham code: every 100 ft step from −1200 to 126 700 ft round-trips; −1000 ft is C2 alone', () => {
    expect(feetToGillham(-1000)).toBe(1 << 10);
    expect(gillhamToFeet(1 << 10)).toBe(-1000);
    const seen = new Set<number>();
    for (let ft = -1200; ft <= 126_700; ft += 100) {
      const code = feetToGillham(ft);
      expect(code, `${ft}`).not.toBeNull();
      expect(gillhamToFeet(code!)).toBe(ft);
      expect(decodeAc13(code!)).toEqual({ value: ft, unit: 'ft' });
      seen.add(code!);
    }
    expect(seen.size).toBe(1280);
    // 100 ft steps change one bit at a time (the point of a Gray code)
    for (let ft = -1200; ft < 126_700; ft += 100) {
      const x = feetToGillham(ft)! ^ feetToGillham(ft + 100)!;
      expect(x & (x - 1)).toBe(0);
    }
    expect(gillhamToFeet(0)).toBeNull(); // C bits all zero: not a valid code
  });

  it('Q-bit (25 ft) AC13 and AC12 round-trip', () => {
    for (let ft = -1000; ft <= 50_175; ft += 25) {
      expect(decodeAc13(encodeAc13(ft))).toEqual({ value: ft, unit: 'ft' });
      expect(decodeAc12(encodeAc12(ft))).toBe(ft);
    }
    expect(decodeAc12(0)).toBeNull();
    expect(decodeAc13(0)).toBeNull();
  });

  it('all 4096 squawks round-trip through ID13', () => {
    for (let v = 0; v < 4096; v++) {
      const sq = v.toString(8).padStart(4, '0');
      expect(decodeId13(encodeId13(sq))).toBe(sq);
    }
    expect(decodeId13(0x1024)).toBe('0112');
  });
});

describe('CPR', () => {
  const pos = fc.tuple(fc.double({ min: -86, max: 86, noNaN: true }), fc.double({ min: -180, max: 179.999, noNaN: true }));
  /** Largest rounding error of one frame: half a quantum in each axis (longitude quanta widen towards the poles) [m]. */
  const halfQuantumM = (lat: number, odd: boolean, surface = false): number => {
    const span = surface ? 90 : 360;
    const i = odd ? 1 : 0;
    const dLat = span / (60 - i);
    // NL just either side of the latitude: the decoded latitude may sit across a band edge
    const nl = Math.min(cprNL(lat - 0.001), cprNL(lat), cprNL(lat + 0.001));
    const dLon = span / Math.max(nl - i, 1);
    const m = 111_700 / 2 ** 18; // metres per degree (upper bound) × half of 2^-17
    return Math.hypot(dLat * m, dLon * m * Math.cos((lat * Math.PI) / 180)) + 0.01;
  };

  it('NL matches its definition away from the transition latitudes', () => {
    expect(cprNL(0)).toBe(59);
    expect(cprNL(87)).toBe(1);
    expect(cprNL(86.9)).toBe(2);
    expect(cprNL(-37.07)).toBe(cprNL(37.07));
    for (let lat = 0.05; lat < 86.9; lat += 0.1) {
      const nl = Math.floor((2 * Math.PI) / Math.acos(1 - (1 - Math.cos(Math.PI / 30)) / Math.cos((Math.PI * lat) / 180) ** 2));
      expect(cprNL(lat)).toBe(nl);
    }
  });

  it('global airborne decode of an encoded pair recovers the position to within half a quantum (or refuses a zone straddle)', () => {
    fc.assert(
      fc.property(pos, fc.boolean(), ([lat, lon], newerOdd) => {
        const e = cprEncode(lat, lon, false);
        const o = cprEncode(lat, lon, true);
        const r = cprGlobalAirborne(e, o, newerOdd);
        if (!r.ok) {
          expect(r.reason).toBe('cpr-zone-mismatch');
          return;
        }
        expect(geodesicDistanceM(lat, lon, r.latDeg, r.lonDeg)).toBeLessThan(halfQuantumM(lat, newerOdd));
      }),
      { numRuns: 3000 },
    );
    // at the Rio Grande an odd frame's quanta are about 5.2 m (north) by 5.3 m (east): within 3.7 m
    expect(halfQuantumM(26, true)).toBeLessThan(3.75);
  });

  it('local decode against any reference within 150 NM recovers the position', () => {
    fc.assert(
      fc.property(pos, fc.boolean(), fc.double({ min: -2, max: 2, noNaN: true }), fc.double({ min: -2, max: 2, noNaN: true }), ([lat, lon], odd, dLat, dLon) => {
        const refLat = Math.max(-89, Math.min(89, lat + dLat));
        const refLon = ((lon + dLon + 540) % 360) - 180;
        if (geodesicDistanceM(lat, lon, refLat, refLon) > 150 * 1852) return;
        const r = cprLocal(cprEncode(lat, lon, odd), odd, refLat, refLon);
        expect(r.ok).toBe(true);
        if (r.ok) expect(geodesicDistanceM(lat, lon, r.latDeg, r.lonDeg)).toBeLessThan(halfQuantumM(lat, odd));
      }),
      { numRuns: 3000 },
    );
  });

  it('surface decoding (90° zones): global with a reference, and local, to within half a quantum', () => {
    fc.assert(
      fc.property(pos, fc.double({ min: -0.3, max: 0.3, noNaN: true }), ([lat, lon], d) => {
        const e = cprEncode(lat, lon, false, true);
        const o = cprEncode(lat, lon, true, true);
        const g = cprGlobalSurface(e, o, true, lat + d, lon - d);
        if (g.ok) expect(geodesicDistanceM(lat, lon, g.latDeg, g.lonDeg)).toBeLessThan(halfQuantumM(lat, true, true));
        else expect(g.reason).toBe('cpr-zone-mismatch');
        const l = cprLocal(e, false, lat + d / 4, lon + d / 4, true);
        expect(l.ok && geodesicDistanceM(lat, lon, l.latDeg, l.lonDeg)).toBeLessThan(halfQuantumM(lat, false, true));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('extended squitter decoding and the aircraft table', () => {
  const icao = 0xa1b2c3;
  const base = { lat: 26.2, lon: -97.7 };

  it('identification, velocity, operational status and position → one Detection with NACp/GVA accuracy and GNSS height', () => {
    const t = new AircraftTable({ sensorId: 'adsb' });
    const feed = (me: Uint8Array, time: number) => {
      const r = decodeModeS(df17(icao, me));
      if (!r.ok) throw new Error(r.reason);
      return t.handle(r.value, time);
    };
    feed(identMe('N123AB'), 0);
    feed(velocityMe(-120, 250, -640, -150), 100);
    feed(opStatusMe(10, 2), 200);
    expect(feed(positionMe(base.lat, base.lon, false, 4500), 1000)).toMatchObject({ fix: null, rejected: 'cpr-no-reference' });
    const r = feed(positionMe(base.lat + 0.01, base.lon, true, 4475), 1500);
    expect(r.fix?.method).toBe('global');
    const d = r.detection!;
    expect(detectionSchema.parse(d)).toEqual(d);
    expect(geodesicDistanceM(d.measurement.kind === 'gnss' ? d.measurement.latDeg : 0, d.measurement.kind === 'gnss' ? d.measurement.lonDeg : 0, base.lat + 0.01, base.lon)).toBeLessThan(3);
    expect(d).toMatchObject({
      timeMs: 1500,
      evidence: { icao: 'A1B2C3', callsign: 'N123AB' },
      measurement: { horizontalAccuracyM: 10, verticalAccuracyM: 45, heightAboveEllipsoidM: (4475 - 150) * 0.3048 },
    });
    const v = (d.measurement as { velocityEnuMps: number[] }).velocityEnuMps;
    expect(v[0]).toBeCloseTo((-120 * 1852) / 3600, 9);
    expect(v[1]).toBeCloseTo((250 * 1852) / 3600, 9);
    expect(v[2]).toBeCloseTo((-640 * 0.3048) / 60, 9);
    // NACv 2 → 3 m/s (95 %)
    expect((d.measurement as { velocityAccuracyMps?: number }).velocityAccuracyMps).toBe(3);
    // the next frame decodes locally against the last position
    expect(feed(positionMe(base.lat + 0.02, base.lon, true, 4450), 2500).fix?.method).toBe('global');
    // TC 20: GNSS height is already height above the ellipsoid
    const g = feed(positionMe(base.lat + 0.03, base.lon, false, 5000, 20), 3000);
    expect(g.detection?.measurement).toMatchObject({ heightAboveEllipsoidM: 5000 * 0.3048, verticalAccuracyM: 45 });
  });

  it('a lone frame decodes locally against the receiver; far or jumping positions are refused', () => {
    const t = new AircraftTable({ sensorId: 'adsb', receiver: { latDeg: 26.0, lonDeg: -97.5 }, maxRangeM: 100_000 });
    const one = (lat: number, lon: number, odd: boolean, time: number, id = icao) => {
      const r = decodeModeS(df17(id, positionMe(lat, lon, odd, 3000)));
      if (!r.ok) throw new Error(r.reason);
      return t.handle(r.value, time);
    };
    const r = one(26.3, -97.2, true, 0);
    expect(r.fix?.method).toBe('local-receiver');
    expect(geodesicDistanceM(r.fix!.latDeg, r.fix!.lonDeg, 26.3, -97.2)).toBeLessThan(3);
    expect(r.detection?.measurement).toMatchObject({ horizontalAccuracyM: 185.2, verticalAccuracyM: 300 });
    expect(one(27.5, -97.5, false, 0, 0x111111).rejected).toBe('cpr-out-of-range');
    // a pair 30 s apart is not a pair; the aircraft's own last position serves as reference
    expect(one(26.31, -97.2, false, 30_000).fix?.method).toBe('local-aircraft');
  });

  it('surface positions decode (with a reference) but give no Detection without an altitude', () => {
    const src = new AdsbSource({ sensorId: 's', receiver: { latDeg: 26.18, lonDeg: -97.67 } });
    const r1 = src.ingestModeS(df17(icao, surfaceMe(26.2, -97.7, false)), 0, { format: 'avr' });
    expect(r1?.modeS?.es).toMatchObject({ kind: 'surface-position', groundSpeedKt: 5.75, trackDeg: 90 });
    const r2 = src.ingestModeS(df17(icao, surfaceMe(26.2, -97.7, true)), 100, { format: 'avr' });
    expect(r2?.position?.method).toBe('global');
    expect(geodesicDistanceM(r2!.position!.latDeg, r2!.position!.lonDeg, 26.2, -97.7)).toBeLessThan(1);
    expect(src.counters.noPosition['adsb-surface-no-altitude']).toBe(2);
  });

  it('DF18 anonymous addresses are not claimed as ICAO identities', () => {
    const r = decodeModeS(df17(icao, identMe('GND1'), 18, 1));
    expect(r.ok && r.value).toMatchObject({ df: 18, icaoAddress: false, es: { kind: 'identification', callsign: 'GND1    ' } });
    const tisbCoarse = decodeModeS(df17(icao, identMe('X'), 18, 3));
    expect(tisbCoarse.ok && tisbCoarse.value.es).toBeNull();
  });

  it('the table stays bounded', () => {
    const t = new AircraftTable({ sensorId: 'a', maxAircraft: 50, aircraftTtlMs: 1000 });
    for (let i = 0; i < 500; i++) {
      const r = decodeModeS(df17(i + 1, identMe('A')));
      if (r.ok) t.handle(r.value, i);
    }
    expect(t.size).toBe(50);
    const r = decodeModeS(df17(0xabcdef, identMe('A')));
    if (r.ok) t.handle(r.value, 10_000);
    expect(t.size).toBe(1);
  });

  it('random 7- and 14-byte messages: a result, never an exception; the table survives them', () => {
    const t = new AircraftTable({ sensorId: 'a', receiver: { latDeg: 0, lonDeg: 0 } });
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ minLength: 7, maxLength: 7 }), fc.uint8Array({ minLength: 14, maxLength: 14 }), fc.uint8Array({ maxLength: 20 })), fc.boolean(), (b, fix) => {
        const m = fix && (b.length === 14 || b.length === 7) ? setModeSParity(Uint8Array.from(b)) : b;
        if (fix && m.length === 14) m[0] = (17 << 3) | (m[0] & 7);
        if (fix && m.length === 14) setModeSParity(m);
        const r = decodeModeS(m);
        if (r.ok) t.handle(r.value, 0);
        else expect(r.reason).toMatch(/^modes-/);
      }),
      { numRuns: 5000 },
    );
  });
});

describe('SBS-1 lines', () => {
  it('parses both dialects and rejects broken lines by reason', () => {
    expect(parseSbsLine('MSG,3,1,1,4D2023,1,2026/11/27,16:49:24.512,2026/11/27,16:49:24.512,,22175,,,37.06671,13.80247,,,0,,0,0')).toMatchObject({
      ok: true,
      value: { transmissionType: 3, icao: '4D2023', altitudeFt: 22175, latDeg: 37.06671, lonDeg: 13.80247, timeMs: Date.UTC(2026, 10, 27, 16, 49, 24, 512), onGround: false, alert: false },
    });
    expect(parseSbsLine('MSG,6,,,4D2023,,,,,,,,,,,,,112,0,0,0,0')).toMatchObject({ ok: true, value: { squawk: '0112', timeMs: null } });
    expect(parseSbsLine('MSG,1,,,~ABCDEF,,,,,,TEST1234,,,,,,,,,,,')).toMatchObject({ ok: true, value: { icaoAddress: false, callsign: 'TEST1234' } });
    const bad: [string, string][] = [
      ['STA,,5,179,400AA5,10103,2008/11/28,14:58:51.153,2008/11/28,14:58:51.153,RM', 'sbs-not-msg'],
      ['FOO,1', 'sbs-bad-record-type'],
      ['MSG,9,,,4D2023,,,,,,,,,,,,,,,,,', 'sbs-bad-transmission-type'],
      ['MSG,3,,,4D20G3,,,,,,,,,,,,,,,,,', 'sbs-bad-icao'],
      ['MSG,3,,,4D2023,,,,,,,22x75,,,,,,,,,,', 'sbs-bad-number'],
      ['MSG,3,,,4D2023,,,,,,,,,,91.0,13.8,,,,,,', 'sbs-position-out-of-range'],
      ['MSG,3,,,4D2023,,,,,,,,,,37.0,,,,,,,', 'sbs-half-position'],
      ['MSG,3,,,4D2023,,2026/13/27,,,,,,,,,,,,,,,', 'sbs-bad-time'],
      ['MSG,6,,,4D2023,,,,,,,,,,,,,9999,,,,', 'sbs-bad-squawk'],
      ['MSG,3,,,4D2023', 'sbs-field-count'],
      [`MSG,3,,,4D2023,${'x'.repeat(2000)}`, 'sbs-line-too-long'],
    ];
    for (const [line, reason] of bad) expect(parseSbsLine(line), line.slice(0, 40)).toEqual({ ok: false, reason });
  });

  it('never throws on arbitrary lines', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom('MSG', '3', '', '4D2023', '-1', '0', '37.1', '2026/01/01', '12:00:00.000', 'x'), fc.string({ maxLength: 6 })), { maxLength: 25 }), (fields) => {
        const r = parseSbsLine(fields.join(','));
        expect(typeof r.ok).toBe('boolean');
      }),
      { numRuns: 5000 },
    );
  });
});

describe('Beast and AVR framing', () => {
  const msgs = [Buffer.from('8d4d2023991092aca87c14f8dd1c', 'hex'), Buffer.from('5d4d20237a55a6', 'hex'), Buffer.from('1a1a', 'hex')];
  // timestamps and signal chosen to contain 0x1A bytes that must be escaped
  const stream = Buffer.concat(msgs.map((m, i) => encodeBeastFrame(m, 0x1a1a00001a00 + i, 0x1a)));

  it('escapes 0x1A and decodes the same frames from every chunking', () => {
    expect(stream.filter((b) => b === 0x1a).length).toBeGreaterThan(12);
    for (let size = 1; size <= stream.length; size++) {
      const dec = new BeastDecoder();
      const got: BeastFrame[] = [];
      const rej: string[] = [];
      for (let o = 0; o < stream.length; o += size) dec.push(stream.subarray(o, o + size), (f) => got.push(f), (r) => rej.push(r));
      expect(rej).toEqual([]);
      expect(got.map((f) => [f.type, f.timestampTicks, f.signal, Buffer.from(f.data).toString('hex')])).toEqual(
        msgs.map((m, i) => [[0x33, 0x32, 0x31][i], 0x1a1a00001a00 + i, 0x1a, m.toString('hex')]),
      );
    }
  });

  it('resynchronises after garbage and cut frames, counting each problem once', () => {
    const dec = new BeastDecoder();
    const got: BeastFrame[] = [];
    const rej: string[] = [];
    const cut = encodeBeastFrame(msgs[0]).subarray(0, 9);
    dec.push(Buffer.concat([Buffer.from('garbage!'), cut, stream, Buffer.from([0x1a, 0x39, 1, 2])]), (f) => got.push(f), (r) => rej.push(r));
    expect(got).toHaveLength(3);
    expect(rej).toEqual(['beast-garbage', 'beast-truncated-frame', 'beast-bad-type']);
  });

  it('AVR lines, with and without the 12 MHz timestamp', () => {
    expect(parseAvrLine('*8D4D2023991092ACA87C14F8DD1C;')).toMatchObject({ ok: true, value: { timestampTicks: null } });
    expect(parseAvrLine('@0000001A2B3C5D4D20237A55A6;')).toMatchObject({ ok: true, value: { timestampTicks: 0x1a2b3c } });
    expect(parseAvrLine('*8D4D;x')).toEqual({ ok: false, reason: 'avr-bad-line' });
    expect(parseAvrLine('*8D4D20;')).toEqual({ ok: false, reason: 'avr-bad-length' });
    expect(parseAvrLine('  ')).toEqual({ ok: true, value: null });
  });

  it('never throws on random byte streams', () => {
    const src = new AdsbSource({ sensorId: 'x' });
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.uint8Array({ maxLength: 40 }), fc.constant(new Uint8Array(stream))), { maxLength: 6 }), (chunks) => {
        for (const c of chunks) src.ingestBeastChunk(c);
      }),
      { numRuns: 2000 },
    );
    expect(src.counters.accepted).toBeGreaterThan(0);
  });
});
