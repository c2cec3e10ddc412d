/**
 * Mode S CRC-24 (ICAO Annex 10 Vol IV): generator polynomial
 * x²⁴+x²³+x²²+x²¹+x²⁰+x¹⁹+x¹⁸+x¹⁷+x¹⁶+x¹⁵+x¹⁴+x¹³+x¹²+x¹⁰+x³+1 (0x1FFF409), register starting
 * at zero, over the message's first 32 or 88 bits; the last 24 bits carry the parity.
 *
 * {@link modeSResidue} returns CRC(data) XOR parity — the "syndrome". Its meaning depends on
 * the downlink format: 0 for a clean DF17/18; the interrogator code (low 7 bits) for DF11; and
 * for the address/parity formats (DF0/4/5/16/20/21) the aircraft address itself, which is how
 * a receiver learns who sent them (and why they cannot be checked without knowing the address).
 */

const TABLE = new Uint32Array(256);
for (let i = 0; i < 256; i++) {
  let c = i << 16;
  for (let k = 0; k < 8; k++) c = c & 0x800000 ? ((c << 1) ^ 0xfff409) & 0xffffff : (c << 1) & 0xffffff;
  TABLE[i] = c;
}

/** CRC-24 of `len` bytes from `start`. */
export function crc24(b: Uint8Array, start = 0, len = b.length - start): number {
  let crc = 0;
  for (let i = start; i < start + len; i++) crc = ((crc << 8) & 0xffffff) ^ TABLE[((crc >> 16) ^ b[i]) & 0xff];
  return crc;
}

/** CRC of the data part XOR the 24-bit parity field of a 7- or 14-byte Mode S message. */
export function modeSResidue(msg: Uint8Array): number {
  const n = msg.length;
  const parity = (msg[n - 3] << 16) | (msg[n - 2] << 8) | msg[n - 1];
  return (crc24(msg, 0, n - 3) ^ parity) >>> 0;
}

/** Writes the parity for `address` (0 for DF11/17/18 with II = 0) into the last 3 bytes. */
export function setModeSParity(msg: Uint8Array, address = 0): Uint8Array {
  const n = msg.length;
  const p = crc24(msg, 0, n - 3) ^ (address & 0xffffff);
  msg[n - 3] = (p >> 16) & 0xff;
  msg[n - 2] = (p >> 8) & 0xff;
  msg[n - 1] = p & 0xff;
  return msg;
}
