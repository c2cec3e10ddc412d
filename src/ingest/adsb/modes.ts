/**
 * Mode S downlink decoding: DF0/4/5/11/16/17/18/20/21 surveillance fields and the DF17/18
 * extended squitter (ADS-B) messages that matter for surveillance — identification (TC 1–4),
 * surface position (5–8), airborne position (9–18 barometric, 20–22 GNSS height), airborne
 * velocity (19, subtypes 1–4), aircraft status (28), target state and status (29) and
 * operational status (31, for NACp/GVA and the ADS-B version).
 *
 * Bit numbers in comments are 1-based within the 56-bit ME field, as in DO-260B. Raw field
 * values are kept beside the physical ones (the conformance tests compare both with dump1090).
 *
 * CRC policy: DF17/18 must have a zero residue (no error correction — a corrected bit is a guess,
 * and a wrong guess is a phantom aircraft); DF11 may carry an interrogator code in the low
 * 7 bits; address/parity formats yield the address from the residue, unverified
 * (`addressFromParity`).
 */
import { AIS_CHARSET, decodeAc12, decodeAc13, decodeId13, type Altitude } from './codes.js';
import { modeSResidue } from './crc.js';

export type Result<T> = { ok: true; value: T } | { ok: false; reason: string };

export interface IdentificationMe {
  kind: 'identification';
  typeCode: number;
  /** Emitter category: set letter (A–D from TC 4…1) and number, e.g. "A3". */
  category: string;
  /** Eight characters, trailing spaces kept; '#' where the code is not a character. */
  callsign: string;
  callsignValid: boolean;
}

export interface AirbornePositionMe {
  kind: 'airborne-position';
  typeCode: number;
  surveillanceStatus: number;
  /** NIC supplement-B (v2) / single-antenna flag (v0/v1). */
  nicB: number;
  /** Barometric altitude for TC 9–18, GNSS height (above the ellipsoid) for TC 20–22 [ft]. */
  altitudeFt: number | null;
  altitudeType: 'baro' | 'gnss';
  timeFlag: number;
  odd: boolean;
  cprLat: number;
  cprLon: number;
}

export interface SurfacePositionMe {
  kind: 'surface-position';
  typeCode: number;
  movement: number;
  groundSpeedKt: number | null;
  trackDeg: number | null;
  timeFlag: number;
  odd: boolean;
  cprLat: number;
  cprLon: number;
}

export interface AirborneVelocityMe {
  kind: 'airborne-velocity';
  subtype: number;
  intentChange: number;
  /** NACv (NUCr in version 0). */
  nacV: number;
  /** Subtypes 1/2: raw direction bits and magnitudes (0 = not available). */
  ewDir: number;
  ewRaw: number;
  nsDir: number;
  nsRaw: number;
  /** Subtypes 1/2: velocity east and north over ground [kt]. */
  eastKt: number | null;
  northKt: number | null;
  groundSpeedKt: number | null;
  trackDeg: number | null;
  /** Subtypes 3/4: heading (magnetic or true, see operational status) and airspeed. */
  headingDeg: number | null;
  airspeedKt: number | null;
  airspeedType: 'ias' | 'tas' | null;
  /** 0 GNSS, 1 barometric. */
  verticalRateSource: number;
  verticalRateSign: number;
  verticalRateRaw: number;
  verticalRateFtMin: number | null;
  /** GNSS height minus barometric altitude [ft]. */
  geoMinusBaroFt: number | null;
}

export interface AircraftStatusMe {
  kind: 'aircraft-status';
  subtype: number;
  emergency: number | null;
  squawk: string | null;
}

export interface TargetStateMe {
  kind: 'target-state';
  subtype: number;
  nacP: number | null;
  nicBaro: number | null;
  sil: number | null;
}

export interface OperationalStatusMe {
  kind: 'operational-status';
  subtype: number;
  version: number;
  nacP: number | null;
  nicA: number | null;
  /** Geometric vertical accuracy (version 2, airborne). */
  gva: number | null;
  sil: number | null;
}

export interface OtherMe {
  kind: 'other';
  typeCode: number;
}

export type ExtendedSquitter = IdentificationMe | AirbornePositionMe | SurfacePositionMe | AirborneVelocityMe | AircraftStatusMe | TargetStateMe | OperationalStatusMe | OtherMe;

export interface ModeSMessage {
  df: number;
  /** Aircraft address as 6 upper-case hex digits. */
  icao: string;
  /** True when the address came out of the parity (DF0/4/5/16/20/21): unverified. */
  addressFromParity: boolean;
  /** False for DF18 non-ICAO addresses (anonymous, TIS-B track files, …). */
  icaoAddress: boolean;
  /** DF11/17 capability, DF18 control field. */
  ca: number | null;
  /** DF11 interrogator code from the residue. */
  iid: number | null;
  /** DF4/5/20/21 flight status. */
  flightStatus: number | null;
  altitude: Altitude | null;
  squawk: string | null;
  es: ExtendedSquitter | null;
}

const hex6 = (v: number): string => v.toString(16).toUpperCase().padStart(6, '0');

/** Bits `first`…`last` (1-based, inclusive) of a byte array, as a number (≤ 32 bits). */
export function bits(b: Uint8Array, first: number, last: number): number {
  let v = 0;
  for (let i = first - 1; i < last; i++) v = v * 2 + ((b[i >> 3] >> (7 - (i & 7))) & 1);
  return v;
}

const LONG_DFS = new Set([16, 17, 18, 19, 20, 21, 24]);

/** Decodes a 7- or 14-byte Mode S message. */
export function decodeModeS(msg: Uint8Array): Result<ModeSMessage> {
  if (msg.length !== 7 && msg.length !== 14) return { ok: false, reason: 'modes-bad-length' };
  let df = msg[0] >> 3;
  if (df >= 24) df = 24; // Comm-D ELM: the DF field's low bits carry data
  const long = LONG_DFS.has(df);
  if (long !== (msg.length === 14)) return { ok: false, reason: 'modes-length-mismatch' };
  const residue = modeSResidue(msg);
  const base: ModeSMessage = { df, icao: '', addressFromParity: false, icaoAddress: true, ca: null, iid: null, flightStatus: null, altitude: null, squawk: null, es: null };
  switch (df) {
    case 17:
    case 18: {
      if (residue !== 0) return { ok: false, reason: 'modes-crc' };
      const m = { ...base, icao: hex6(bits(msg, 9, 32)), ca: msg[0] & 7 };
      if (df === 18) {
        // Control field: 0 ES/NT with ICAO address, 1 ES/NT anonymous address, 2 fine TIS-B,
        // 5 fine TIS-B with a non-ICAO address, 6 ADS-R rebroadcast — all in the ES layouts;
        // 3 (coarse TIS-B), 4 (management) and 7 use other layouts and are not decoded. The
        // TIS-B/ADS-R IMF bit is not examined: CF 2 and 6 are taken as ICAO addresses.
        if (m.ca === 3 || m.ca === 4 || m.ca === 7) return { ok: true, value: m };
        if (m.ca === 1 || m.ca === 5) m.icaoAddress = false;
      }
      m.es = decodeExtendedSquitter(msg.subarray(4, 11));
      return { ok: true, value: m };
    }
    case 11:
      // The interrogator's code occupies the low 7 bits; anything above is a transmission error.
      if (residue & 0xffff80) return { ok: false, reason: 'modes-crc' };
      return { ok: true, value: { ...base, icao: hex6(bits(msg, 9, 32)), ca: msg[0] & 7, iid: residue } };
    case 0:
    case 4:
    case 16:
    case 20:
      return { ok: true, value: { ...base, icao: hex6(residue), addressFromParity: true, flightStatus: df === 4 || df === 20 ? msg[0] & 7 : null, altitude: decodeAc13(bits(msg, 20, 32)) } };
    case 5:
    case 21: {
      const id = bits(msg, 20, 32);
      return { ok: true, value: { ...base, icao: hex6(residue), addressFromParity: true, flightStatus: msg[0] & 7, squawk: id ? decodeId13(id) : null } };
    }
    case 24:
      return { ok: true, value: { ...base, icao: hex6(residue), addressFromParity: true } };
    default:
      return { ok: false, reason: 'modes-unsupported-df' };
  }
}

/** Decodes a 7-byte ME field. */
export function decodeExtendedSquitter(me: Uint8Array): ExtendedSquitter {
  const tc = bits(me, 1, 5);
  if (tc >= 1 && tc <= 4) {
    let callsign = '';
    let valid = true;
    for (let k = 0; k < 8; k++) {
      const ch = AIS_CHARSET[bits(me, 9 + 6 * k, 14 + 6 * k)];
      if (ch === '#') valid = false;
      callsign += ch;
    }
    return { kind: 'identification', typeCode: tc, category: `${'DCBA'[tc - 1]}${bits(me, 6, 8)}`, callsign, callsignValid: valid };
  }
  if ((tc >= 9 && tc <= 18) || (tc >= 20 && tc <= 22)) {
    return {
      kind: 'airborne-position',
      typeCode: tc,
      surveillanceStatus: bits(me, 6, 7),
      nicB: bits(me, 8, 8),
      altitudeFt: decodeAc12(bits(me, 9, 20)),
      altitudeType: tc >= 20 ? 'gnss' : 'baro',
      timeFlag: bits(me, 21, 21),
      odd: bits(me, 22, 22) === 1,
      cprLat: bits(me, 23, 39),
      cprLon: bits(me, 40, 56),
    };
  }
  if (tc >= 5 && tc <= 8) {
    const movement = bits(me, 6, 12);
    return {
      kind: 'surface-position',
      typeCode: tc,
      movement,
      groundSpeedKt: decodeMovement(movement),
      trackDeg: bits(me, 13, 13) ? (bits(me, 14, 20) * 360) / 128 : null,
      timeFlag: bits(me, 21, 21),
      odd: bits(me, 22, 22) === 1,
      cprLat: bits(me, 23, 39),
      cprLon: bits(me, 40, 56),
    };
  }
  if (tc === 19) return decodeVelocity(me);
  if (tc === 28) {
    const subtype = bits(me, 6, 8);
    if (subtype !== 1) return { kind: 'aircraft-status', subtype, emergency: null, squawk: null };
    const id = bits(me, 12, 24);
    return { kind: 'aircraft-status', subtype, emergency: bits(me, 9, 11), squawk: id ? decodeId13(id) : null };
  }
  if (tc === 29) {
    const subtype = bits(me, 6, 7);
    const v1 = subtype === 0 && bits(me, 11, 11) === 0;
    if (subtype === 1 || v1) return { kind: 'target-state', subtype, nacP: bits(me, 40, 43), nicBaro: bits(me, 44, 44), sil: bits(me, 45, 46) };
    return { kind: 'target-state', subtype, nacP: null, nicBaro: null, sil: null };
  }
  if (tc === 31) {
    const subtype = bits(me, 6, 8);
    const version = bits(me, 41, 43);
    if ((subtype === 0 || subtype === 1) && (version === 1 || version === 2)) {
      return {
        kind: 'operational-status',
        subtype,
        version,
        nacP: bits(me, 45, 48),
        nicA: bits(me, 44, 44),
        gva: version === 2 && subtype === 0 ? bits(me, 49, 50) : null,
        sil: bits(me, 51, 52),
      };
    }
    return { kind: 'operational-status', subtype, version, nacP: null, nicA: null, gva: null, sil: null };
  }
  return { kind: 'other', typeCode: tc };
}

function decodeVelocity(me: Uint8Array): AirborneVelocityMe {
  const subtype = bits(me, 6, 8);
  const out: AirborneVelocityMe = {
    kind: 'airborne-velocity',
    subtype,
    intentChange: bits(me, 9, 9),
    nacV: bits(me, 11, 13),
    ewDir: 0,
    ewRaw: 0,
    nsDir: 0,
    nsRaw: 0,
    eastKt: null,
    northKt: null,
    groundSpeedKt: null,
    trackDeg: null,
    headingDeg: null,
    airspeedKt: null,
    airspeedType: null,
    verticalRateSource: bits(me, 36, 36),
    verticalRateSign: bits(me, 37, 37),
    verticalRateRaw: bits(me, 38, 46),
    verticalRateFtMin: null,
    geoMinusBaroFt: null,
  };
  // Every magnitude is sent plus one, so that 0 can mean "not available".
  if (subtype === 1 || subtype === 2) {
    const mult = subtype === 2 ? 4 : 1; // subtype 2: supersonic, 4 kt steps
    out.ewDir = bits(me, 14, 14);
    out.ewRaw = bits(me, 15, 24);
    out.nsDir = bits(me, 25, 25);
    out.nsRaw = bits(me, 26, 35);
    if (out.ewRaw && out.nsRaw) {
      const e = (out.ewRaw - 1) * mult * (out.ewDir ? -1 : 1);
      const n = (out.nsRaw - 1) * mult * (out.nsDir ? -1 : 1);
      out.eastKt = e;
      out.northKt = n;
      out.groundSpeedKt = Math.hypot(e, n);
      if (out.groundSpeedKt > 0) {
        const t = (Math.atan2(e, n) * 180) / Math.PI;
        out.trackDeg = t < 0 ? t + 360 : t;
      }
    }
  } else if (subtype === 3 || subtype === 4) {
    if (bits(me, 14, 14)) out.headingDeg = (bits(me, 15, 24) * 360) / 1024;
    const as = bits(me, 26, 35);
    if (as) {
      out.airspeedKt = (as - 1) * (subtype === 4 ? 4 : 1);
      out.airspeedType = bits(me, 25, 25) ? 'tas' : 'ias';
    }
  }
  if (out.verticalRateRaw) out.verticalRateFtMin = (out.verticalRateRaw - 1) * 64 * (out.verticalRateSign ? -1 : 1);
  const delta = bits(me, 50, 56);
  if (delta) out.geoMinusBaroFt = (delta - 1) * 25 * (bits(me, 49, 49) ? -1 : 1);
  return out;
}

/**
 * Surface movement code → ground speed [kt]: each code is a speed band (finer at taxi speeds,
 * DO-260B version 2 bands); the band's midpoint is returned. 124 means 175 kt or more.
 */
export function decodeMovement(m: number): number | null {
  if (m === 0 || m >= 125) return null;
  if (m === 1) return 0; // stopped
  if (m === 2) return 0.0625; // (0, 0.125] kt
  if (m <= 8) return 0.125 + (m - 3 + 0.5) * 0.125;
  if (m <= 12) return 1 + (m - 9 + 0.5) * 0.25;
  if (m <= 38) return 2 + (m - 13 + 0.5) * 0.5;
  if (m <= 93) return 15 + (m - 39 + 0.5);
  if (m <= 108) return 70 + (m - 94 + 0.5) * 2;
  if (m <= 123) return 100 + (m - 109 + 0.5) * 5;
  return 175;
}

/**
 * Horizontal 95 % bound (EPU) per NACp [m]; index = NACp (0 = unknown).
 * Same table as the simulator's ADS-B model (src/sim/sensors/adsb.ts).
 */
export const NACP_EPU_M = [NaN, 18_520, 7408, 3704, 1852, 926, 555.6, 185.2, 92.6, 30, 10, 3] as const;
/** Vertical 95 % bound per GVA [m]; index = GVA (0 unknown, 3 reserved → treat as 45). */
export const GVA_BOUND_M = [NaN, 150, 45, 45] as const;
/** NACv (NUCr in version 0) → 95 % bound on the horizontal velocity error [m/s]; 0 = unknown. */
export const NACV_BOUND_MPS = [NaN, 10, 3, 1, 0.3] as const;

/**
 * Horizontal containment radius Rc implied by the position type code alone (NIC supplements
 * unknown, so the larger radius of each code) [m]; a conservative stand-in for accuracy when
 * no NACp has been heard. NaN = no bound.
 */
export function typeCodeContainmentM(tc: number): number {
  const table: Record<number, number> = {
    5: 7.5, 6: 25, 7: 185.2, 9: 7.5, 10: 25, 11: 185.2, 12: 370.4, 13: 1111.2, 14: 1852, 15: 3704, 16: 14_816, 17: 37_040, 20: 7.5, 21: 25,
  };
  return table[tc] ?? NaN;
}
