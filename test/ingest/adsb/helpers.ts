/** Transmitter-side builders for DF17 messages (tests only): ME fields written bit by bit. */
import { AIS_CHARSET, cprEncode, encodeAc12, setModeSParity } from '../../../src/ingest/adsb/index.js';

export class Bits {
  readonly b: Uint8Array;
  constructor(bytes: number) {
    this.b = new Uint8Array(bytes);
  }
  /** Writes `value` into bits first…last (1-based, inclusive, most significant first). */
  set(first: number, last: number, value: number): this {
    for (let i = last; i >= first; i--) {
      const bit = value % 2;
      value = Math.floor(value / 2);
      const k = i - 1;
      if (bit) this.b[k >> 3] |= 0x80 >> (k & 7);
      else this.b[k >> 3] &= ~(0x80 >> (k & 7));
    }
    return this;
  }
}

export function df17(icao: number, me: Uint8Array, df = 17, ca = 5): Uint8Array {
  const m = new Uint8Array(14);
  m[0] = (df << 3) | ca;
  m[1] = (icao >> 16) & 0xff;
  m[2] = (icao >> 8) & 0xff;
  m[3] = icao & 0xff;
  m.set(me, 4);
  return setModeSParity(m);
}

export function identMe(callsign: string, tc = 4, cat = 3): Uint8Array {
  const w = new Bits(7).set(1, 5, tc).set(6, 8, cat);
  const cs = callsign.padEnd(8, ' ');
  for (let k = 0; k < 8; k++) w.set(9 + 6 * k, 14 + 6 * k, AIS_CHARSET.indexOf(cs[k]));
  return w.b;
}

export function positionMe(latDeg: number, lonDeg: number, odd: boolean, altFt: number, tc = 11): Uint8Array {
  const c = cprEncode(latDeg, lonDeg, odd);
  return new Bits(7).set(1, 5, tc).set(9, 20, encodeAc12(altFt)).set(22, 22, odd ? 1 : 0).set(23, 39, c.lat).set(40, 56, c.lon).b;
}

export function surfaceMe(latDeg: number, lonDeg: number, odd: boolean, movement = 20, trackDeg: number | null = 90): Uint8Array {
  const c = cprEncode(latDeg, lonDeg, odd, true);
  const w = new Bits(7).set(1, 5, 7).set(6, 12, movement).set(22, 22, odd ? 1 : 0).set(23, 39, c.lat).set(40, 56, c.lon);
  if (trackDeg !== null) w.set(13, 13, 1).set(14, 20, Math.round((trackDeg * 128) / 360) % 128);
  return w.b;
}

/** Subtype 1 velocity from east/north knots and vertical rate (ft/min), optional GNSS−baro difference. */
export function velocityMe(eastKt: number, northKt: number, vrFtMin: number, geoMinusBaroFt: number | null = null): Uint8Array {
  const w = new Bits(7).set(1, 5, 19).set(6, 8, 1).set(11, 13, 2);
  w.set(14, 14, eastKt < 0 ? 1 : 0).set(15, 24, Math.abs(eastKt) + 1);
  w.set(25, 25, northKt < 0 ? 1 : 0).set(26, 35, Math.abs(northKt) + 1);
  w.set(36, 36, 0).set(37, 37, vrFtMin < 0 ? 1 : 0).set(38, 46, Math.abs(vrFtMin) / 64 + 1);
  if (geoMinusBaroFt !== null) w.set(49, 49, geoMinusBaroFt < 0 ? 1 : 0).set(50, 56, Math.abs(geoMinusBaroFt) / 25 + 1);
  return w.b;
}

/** Operational status, version 2 airborne, with NACp and GVA. */
export function opStatusMe(nacP: number, gva: number): Uint8Array {
  return new Bits(7).set(1, 5, 31).set(6, 8, 0).set(41, 43, 2).set(45, 48, nacP).set(49, 50, gva).b;
}
