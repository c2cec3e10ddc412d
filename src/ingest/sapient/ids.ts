/**
 * ULID and UUID: the two identifier formats the standard prescribes (`is_ulid`, `is_uuid`).
 *
 * A ULID is 26 characters of Crockford base 32 (no I, L, O, U): 48 bits of milliseconds then
 * 80 random bits. The first character is at most '7' because 26 × 5 = 130 bits must hold 128.
 * A UUID is accepted in its canonical textual form only (8-4-4-4-12 hex digits, either case),
 * which is what every SAPIENT implementation we know of sends.
 */
import { randomBytes } from 'node:crypto';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const ULID_RE = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/i;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUlid(s: string): boolean {
  return ULID_RE.test(s);
}

export function isUuid(s: string): boolean {
  return UUID_RE.test(s);
}

/** The millisecond timestamp inside a ULID. */
export function ulidTimeMs(ulid: string): number {
  let t = 0;
  for (let i = 0; i < 10; i++) t = t * 32 + CROCKFORD.indexOf(ulid[i].toUpperCase());
  return t;
}

/**
 * Generates ULIDs; monotonic within one millisecond (the random part is incremented), so ids
 * made in a burst still sort in creation order, as the ULID specification recommends.
 */
export class UlidFactory {
  private lastMs = -1;
  private readonly last = new Uint8Array(10);

  constructor(private readonly random: (n: number) => Uint8Array = (n) => randomBytes(n)) {}

  next(nowMs: number = Date.now()): string {
    const ms = Math.max(0, Math.floor(nowMs));
    if (ms <= this.lastMs) {
      // Same (or earlier: clock stepped back) millisecond: keep the last time, add one to the
      // randomness; should the 80 bits overflow, borrow the next millisecond instead.
      let carry = true;
      for (let i = 9; i >= 0 && carry; i--) {
        this.last[i] = (this.last[i] + 1) & 0xff;
        carry = this.last[i] === 0;
      }
      if (carry) this.lastMs++;
    } else {
      this.lastMs = ms;
      this.last.set(this.random(10));
    }
    return encodeTime(this.lastMs) + encodeRandom(this.last);
  }
}

function encodeTime(ms: number): string {
  let out = '';
  let t = ms;
  for (let i = 0; i < 10; i++) {
    out = CROCKFORD[t % 32] + out;
    t = Math.floor(t / 32);
  }
  return out;
}

function encodeRandom(bytes: Uint8Array): string {
  // 80 bits → 16 characters, most significant first.
  let out = '';
  let acc = 0;
  let bits = 0;
  for (const b of bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += CROCKFORD[(acc >> bits) & 31];
    }
    acc &= (1 << bits) - 1;
  }
  return out;
}

/** A random (version 4) UUID in canonical form. */
export function randomUuid(): string {
  return globalThis.crypto.randomUUID();
}
