/**
 * Mode S altitude and identity codes.
 *
 * AC13 (DF0/4/16/20) bit order, most significant first: C1 A1 C2 A2 C4 A4 M B1 Q B2 D2 B4 D4.
 * - M = 1: metric altitude (practically unused; decoded as metres).
 * - M = 0, Q = 1: the 11 remaining bits are a binary count of 25 ft above −1000 ft.
 * - M = 0, Q = 0: Gillham (Mode C) code in 100 ft steps, for altitudes above 50 175 ft or old
 *   encoders. Its 500 ft part D1 D2 D4 A1 A2 A4 B1 B2 B4 is a reflected binary (Gray) code
 *   (D1 does not exist in AC13 and is 0); the 100 ft part C1 C2 C4 walks the five states
 *   001 011 010 110 100 and runs backwards in every odd 500 ft band.
 * AC12 (ES airborne position) is AC13 without the M bit.
 * ID13 (DF5/21, Mode A code): C1 A1 C2 A2 C4 A4 X B1 D1 B2 D2 B4 D4; the squawk's digits are
 * A4A2A1, B4B2B1, C4C2C1, D4D2D1 in octal.
 */

const bit = (v: number, n: number): number => (v >> n) & 1;

function grayToBinary(g: number): number {
  let b = 0;
  for (; g; g >>= 1) b ^= g;
  return b;
}

/** Gillham code in AC13 bit positions (M and Q ignored) → feet, or null if not a valid code. */
export function gillhamToFeet(ac13: number): number | null {
  const [C1, A1, C2, A2, C4, A4, B1, B2, D2, B4, D4] = [12, 11, 10, 9, 8, 7, 5, 3, 2, 1, 0].map((n) => bit(ac13, n));
  const g500 = (D2 << 7) | (D4 << 6) | (A1 << 5) | (A2 << 4) | (A4 << 3) | (B1 << 2) | (B2 << 1) | B4;
  const n500 = grayToBinary(g500);
  let n100 = grayToBinary((C1 << 2) | (C2 << 1) | C4);
  if (n100 === 0 || n100 === 5 || n100 === 6) return null; // not one of the five C states
  if (n100 === 7) n100 = 5;
  if (n500 % 2) n100 = 6 - n100;
  return n500 * 500 + n100 * 100 - 1300;
}

/** Inverse of {@link gillhamToFeet} (for tests and encoders): AC13 bits with M = Q = 0. */
export function feetToGillham(ft: number): number | null {
  const units = Math.round((ft + 1300) / 100);
  if (units * 100 - 1300 !== ft) return null;
  let n500 = Math.floor(units / 5);
  let n100 = units % 5;
  if (n100 === 0) {
    // 100-ft states run 1…5 inside a band: the band's 0 is the previous band's 5
    n500 -= 1;
    n100 = 5;
  }
  if (n500 < 0 || n500 > 255) return null;
  if (n500 % 2) n100 = 6 - n100;
  const g500 = n500 ^ (n500 >> 1);
  const c = (n100 === 5 ? 7 : n100) ^ ((n100 === 5 ? 7 : n100) >> 1);
  const [D2, D4, A1, A2, A4, B1, B2, B4] = [7, 6, 5, 4, 3, 2, 1, 0].map((n) => bit(g500, n));
  const [C1, C2, C4] = [2, 1, 0].map((n) => bit(c, n));
  return (C1 << 12) | (A1 << 11) | (C2 << 10) | (A2 << 9) | (C4 << 8) | (A4 << 7) | (B1 << 5) | (B2 << 3) | (D2 << 2) | (B4 << 1) | D4;
}

export interface Altitude {
  value: number;
  unit: 'ft' | 'm';
}

/** AC13 → altitude; null for 0 (no altitude) and invalid Gillham codes. */
export function decodeAc13(ac13: number): Altitude | null {
  if (ac13 === 0) return null;
  if (ac13 & 0x40) {
    // M bit: the other 12 bits are metres (binary)
    return { value: ((ac13 & 0x1f80) >> 1) | (ac13 & 0x3f), unit: 'm' };
  }
  if (ac13 & 0x10) {
    const n = ((ac13 & 0x1f80) >> 2) | ((ac13 & 0x20) >> 1) | (ac13 & 0x0f);
    return { value: n * 25 - 1000, unit: 'ft' };
  }
  const ft = gillhamToFeet(ac13);
  return ft === null ? null : { value: ft, unit: 'ft' };
}

/** AC12 (extended squitter) → altitude in feet; null for 0 and invalid codes. */
export function decodeAc12(ac12: number): number | null {
  if (ac12 === 0) return null;
  if (ac12 & 0x10) {
    const n = ((ac12 & 0x0fe0) >> 1) | (ac12 & 0x0f);
    return n * 25 - 1000;
  }
  // insert a zero M bit and decode as Gillham
  return gillhamToFeet(((ac12 & 0x0fc0) << 1) | (ac12 & 0x3f));
}

/** Feet → AC12 with Q = 1 (25 ft steps), as transponders below 50 175 ft send it. */
export function encodeAc12(ft: number): number {
  const n = Math.max(0, Math.min(0x7ff, Math.round((ft + 1000) / 25)));
  return ((n & 0x7f0) << 1) | 0x10 | (n & 0x0f);
}

/** Feet → AC13 with Q = 1. */
export function encodeAc13(ft: number): number {
  const n = Math.max(0, Math.min(0x7ff, Math.round((ft + 1000) / 25)));
  return ((n & 0x7e0) << 2) | ((n & 0x10) << 1) | 0x10 | (n & 0x0f);
}

/** ID13 → four-digit octal squawk. */
export function decodeId13(id13: number): string {
  const [C1, A1, C2, A2, C4, A4, B1, D1, B2, D2, B4, D4] = [12, 11, 10, 9, 8, 7, 5, 4, 3, 2, 1, 0].map((n) => bit(id13, n));
  const a = (A4 << 2) | (A2 << 1) | A1;
  const b = (B4 << 2) | (B2 << 1) | B1;
  const c = (C4 << 2) | (C2 << 1) | C1;
  const d = (D4 << 2) | (D2 << 1) | D1;
  return `${a}${b}${c}${d}`;
}

/** Four-digit octal squawk → ID13. */
export function encodeId13(squawk: string): number {
  const [a, b, c, d] = squawk.split('').map((x) => parseInt(x, 8) & 7);
  const bits: Record<number, number> = {
    12: c & 1, 11: a & 1, 10: (c >> 1) & 1, 9: (a >> 1) & 1, 8: (c >> 2) & 1, 7: (a >> 2) & 1,
    5: b & 1, 4: d & 1, 3: (b >> 1) & 1, 2: (d >> 1) & 1, 1: (b >> 2) & 1, 0: (d >> 2) & 1,
  };
  let v = 0;
  for (const [n, x] of Object.entries(bits)) v |= x << Number(n);
  return v;
}

/** The 6-bit ICAO identification alphabet (ES type codes 1–4); '#' marks codes that are not characters. */
export const AIS_CHARSET = '#ABCDEFGHIJKLMNOPQRSTUVWXYZ##### ###############0123456789######';
