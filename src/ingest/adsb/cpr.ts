/**
 * Compact Position Reporting (DO-260B §A.1.7 / ICAO Doc 9871): 17-bit latitude and longitude
 * fractions within zones whose size depends on the frame parity (even: 60 latitude zones,
 * odd: 59) and, for longitude, on the latitude band (NL, the number of longitude zones).
 *
 * - Global decoding needs one even and one odd frame of the same kind close in time (10 s
 *   airborne); the pair fixes the zone index unambiguously anywhere on Earth. If the two frames
 *   fall in different NL bands (the aircraft crossed a band edge between them) the pair is not
 *   usable.
 * - Local decoding needs one frame and a reference position within half a zone (≈ 300 NM in
 *   latitude airborne, 75 NM surface); the nearest zone to the reference is taken.
 * - Surface frames use 90° instead of 360° zones, so a global surface decode has four longitude
 *   and two latitude solutions: the one nearest a reference position is chosen.
 */

const NZ = 15;
const SCALE = 131072; // 2^17

// Latitudes at which NL drops from n to n−1, for n = 59 … 2 (index n), from the defining formula
// NL(lat) = floor(2π / acos(1 − (1 − cos(π/2NZ)) / cos²(lat))).
const TRANSITIONS = new Float64Array(60);
for (let n = 2; n < 60; n++) {
  TRANSITIONS[n] = (Math.acos(Math.sqrt((1 - Math.cos(Math.PI / (2 * NZ))) / (1 - Math.cos((2 * Math.PI) / n)))) * 180) / Math.PI;
}

/** Number of longitude zones at a latitude (1 … 59). */
export function cprNL(latDeg: number): number {
  const a = Math.abs(latDeg);
  for (let n = 59; n >= 2; n--) if (a < TRANSITIONS[n]) return n;
  return 1;
}

/** Positive modulo. */
const mod = (a: number, b: number): number => a - b * Math.floor(a / b);

export interface CprFrame {
  /** 17-bit encoded latitude. */
  lat: number;
  /** 17-bit encoded longitude. */
  lon: number;
}

export type CprResult = { ok: true; latDeg: number; lonDeg: number } | { ok: false; reason: string };

const normLon = (lon: number): number => {
  const l = mod(lon + 180, 360) - 180;
  return l;
};

/**
 * Global airborne decode of an even/odd pair; the position is that of the newer frame
 * (`newerIsOdd`).
 */
export function cprGlobalAirborne(even: CprFrame, odd: CprFrame, newerIsOdd: boolean): CprResult {
  return globalDecode(even, odd, newerIsOdd, 360);
}

/**
 * Global surface decode: like the airborne one on a 90° grid; of the eight candidate positions
 * the one nearest the reference (receiver or last known position) is returned.
 */
export function cprGlobalSurface(even: CprFrame, odd: CprFrame, newerIsOdd: boolean, refLatDeg: number, refLonDeg: number): CprResult {
  const r = globalDecode(even, odd, newerIsOdd, 90);
  if (!r.ok) return r;
  // Latitude: the northern solution or the one 90° south of it.
  const lat = Math.abs(r.latDeg - refLatDeg) <= Math.abs(r.latDeg - 90 - refLatDeg) ? r.latDeg : r.latDeg - 90;
  // Longitude: four solutions 90° apart; NL must be taken at the chosen latitude.
  const g = globalDecode(even, odd, newerIsOdd, 90, lat);
  if (!g.ok) return g;
  let best = g.lonDeg;
  for (let k = 1; k < 4; k++) {
    const c = normLon(g.lonDeg + 90 * k);
    if (Math.abs(normLon(c - refLonDeg)) < Math.abs(normLon(best - refLonDeg))) best = c;
  }
  return { ok: true, latDeg: lat, lonDeg: normLon(best) };
}

function globalDecode(even: CprFrame, odd: CprFrame, newerIsOdd: boolean, span: number, latOverride?: number): CprResult {
  const dLat0 = span / 60;
  const dLat1 = span / 59;
  const j = Math.floor((59 * even.lat - 60 * odd.lat) / SCALE + 0.5);
  let rlat0 = dLat0 * (mod(j, 60) + even.lat / SCALE);
  let rlat1 = dLat1 * (mod(j, 59) + odd.lat / SCALE);
  if (span === 360) {
    if (rlat0 >= 270) rlat0 -= 360;
    if (rlat1 >= 270) rlat1 -= 360;
    if (Math.abs(rlat0) > 90 || Math.abs(rlat1) > 90) return { ok: false, reason: 'cpr-latitude-out-of-range' };
  }
  const nl0 = cprNL(latOverride ?? rlat0);
  const nl1 = cprNL(latOverride ?? rlat1);
  if (latOverride === undefined && nl0 !== nl1) return { ok: false, reason: 'cpr-zone-mismatch' };
  const lat = latOverride ?? (newerIsOdd ? rlat1 : rlat0);
  const nl = newerIsOdd ? nl1 : nl0;
  const ni = Math.max(nl - (newerIsOdd ? 1 : 0), 1);
  const m = Math.floor((even.lon * (nl - 1) - odd.lon * nl) / SCALE + 0.5);
  const lon = (span / ni) * (mod(m, ni) + (newerIsOdd ? odd.lon : even.lon) / SCALE);
  return { ok: true, latDeg: lat, lonDeg: span === 360 ? normLon(lon) : lon };
}

/**
 * Local decode of one frame against a reference position (must be within half a zone:
 * ≈ 300 NM airborne, 75 NM surface, for the result to be right).
 */
export function cprLocal(frame: CprFrame, odd: boolean, refLatDeg: number, refLonDeg: number, surface = false): CprResult {
  const span = surface ? 90 : 360;
  const i = odd ? 1 : 0;
  const dLat = span / (60 - i);
  const j = Math.floor(refLatDeg / dLat) + Math.floor(0.5 + mod(refLatDeg, dLat) / dLat - frame.lat / SCALE);
  const lat = dLat * (j + frame.lat / SCALE);
  if (Math.abs(lat) > 90) return { ok: false, reason: 'cpr-latitude-out-of-range' };
  const dLon = span / Math.max(cprNL(lat) - i, 1);
  const m = Math.floor(refLonDeg / dLon) + Math.floor(0.5 + mod(refLonDeg, dLon) / dLon - frame.lon / SCALE);
  const lon = dLon * (m + frame.lon / SCALE);
  return { ok: true, latDeg: lat, lonDeg: normLon(lon) };
}

/** Encodes a position as an even or odd CPR frame (transmitter side; tests and simulators). */
export function cprEncode(latDeg: number, lonDeg: number, odd: boolean, surface = false): CprFrame {
  const span = surface ? 90 : 360;
  const i = odd ? 1 : 0;
  const dLat = span / (60 - i);
  const yz = Math.floor((SCALE * mod(latDeg, dLat)) / dLat + 0.5);
  const rlat = dLat * (yz / SCALE + Math.floor(latDeg / dLat));
  const dLon = span / Math.max(cprNL(rlat) - i, 1);
  const xz = Math.floor((SCALE * mod(lonDeg, dLon)) / dLon + 0.5);
  return { lat: yz % SCALE, lon: xz % SCALE };
}
