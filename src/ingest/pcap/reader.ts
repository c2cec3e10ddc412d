/**
 * pcap and pcapng readers (and small writers, for tests and fuzz seeds).
 *
 * Captures come from the field (Wireshark, tcpdump, nRF Sniffer, Kismet) and are untrusted:
 * every length is checked against what is left of the buffer before it is used, nothing grows
 * without bound, and a broken file yields the records read so far plus the reason reading
 * stopped — never an exception. Formats:
 *
 * - pcap (libpcap): 24-byte file header, magic a1b2c3d4 (µs) or a1b23c4d (ns), in either byte
 *   order; 16-byte record headers.
 * - pcapng: blocks of (type, total length, body, total length). A Section Header Block sets the
 *   byte order (magic 1a2b3c4d) and resets the interface list; Interface Description Blocks give
 *   the link type and timestamp resolution (`if_tsresol`, option 9) and offset (`if_tsoffset`,
 *   option 14); packets come in Enhanced (6), Simple (3) and obsolete Packet (2) blocks. Other
 *   blocks (name resolution, statistics, custom) are skipped by their length.
 */

export const LINKTYPE_IEEE802_11 = 105;
export const LINKTYPE_IEEE802_11_RADIOTAP = 127;
export const LINKTYPE_BLUETOOTH_LE_LL = 251;
export const LINKTYPE_BLUETOOTH_LE_LL_WITH_PHDR = 256;
export const LINKTYPE_NORDIC_BLE = 272;

/** One captured packet. */
export interface CaptureRecord {
  /** Link-layer header type of the interface that captured it (LINKTYPE_*). */
  linkType: number;
  /** Capture time, milliseconds since the Unix epoch (UTC); null when the format carries none (pcapng SPB). */
  timeMs: number | null;
  /** The captured bytes (a view into the input buffer, not a copy). */
  data: Uint8Array;
  /** Length of the packet on the wire (≥ data.length when the capture was truncated by a snap length). */
  originalLength: number;
  /** pcapng interface index (0 for pcap). */
  interfaceId: number;
}

export interface Capture {
  format: 'pcap' | 'pcapng';
  records: CaptureRecord[];
  /** Why reading stopped early or what was skipped, counted by reason (empty when the file was clean). */
  problems: Record<string, number>;
}

export type CaptureResult = { ok: true; value: Capture } | { ok: false; reason: string };

export interface CaptureLimits {
  /** Stop after this many records (bounds memory on huge or hostile files). */
  maxRecords?: number;
  /** Records longer than this are skipped (counted); 256 KiB covers every real link type. */
  maxRecordBytes?: number;
  /** Interfaces per pcapng section. */
  maxInterfaces?: number;
}

const DEFAULT_LIMITS: Required<CaptureLimits> = { maxRecords: 10_000_000, maxRecordBytes: 262_144, maxInterfaces: 256 };

/** Which capture format the bytes start with, or null. */
export function detectCaptureFormat(buf: Uint8Array): 'pcap' | 'pcapng' | null {
  if (buf.length < 4) return null;
  const m = (buf[0] << 24 | buf[1] << 16 | buf[2] << 8 | buf[3]) >>> 0;
  if (m === 0x0a0d0d0a) return 'pcapng';
  if (m === 0xa1b2c3d4 || m === 0xd4c3b2a1 || m === 0xa1b23c4d || m === 0x4d3cb2a1) return 'pcap';
  return null;
}

function bump(p: Record<string, number>, reason: string): void {
  p[reason] = (p[reason] ?? 0) + 1;
}

/** Reads a whole pcap or pcapng file held in memory. */
export function readCapture(buf: Uint8Array, limits: CaptureLimits = {}): CaptureResult {
  const lim = { ...DEFAULT_LIMITS, ...limits };
  const fmt = detectCaptureFormat(buf);
  if (fmt === 'pcap') return readPcap(buf, lim);
  if (fmt === 'pcapng') return readPcapng(buf, lim);
  return { ok: false, reason: 'capture-unknown-format' };
}

function readPcap(buf: Uint8Array, lim: Required<CaptureLimits>): CaptureResult {
  if (buf.length < 24) return { ok: false, reason: 'pcap-short-header' };
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const magicBE = dv.getUint32(0, false);
  // The magic is written in the writer's native order: reading it big-endian tells us which.
  const little = magicBE === 0xd4c3b2a1 || magicBE === 0x4d3cb2a1;
  const nano = magicBE === 0xa1b23c4d || magicBE === 0x4d3cb2a1;
  // The upper bits of the link-type word carry FCS information in newer files; the type is the low 16.
  const linkType = dv.getUint32(20, little) & 0xffff;
  const records: CaptureRecord[] = [];
  const problems: Record<string, number> = {};
  let off = 24;
  while (off < buf.length) {
    if (records.length >= lim.maxRecords) {
      bump(problems, 'capture-record-limit');
      break;
    }
    if (off + 16 > buf.length) {
      bump(problems, 'pcap-truncated-record-header');
      break;
    }
    const sec = dv.getUint32(off, little);
    const frac = dv.getUint32(off + 4, little);
    const incl = dv.getUint32(off + 8, little);
    const orig = dv.getUint32(off + 12, little);
    off += 16;
    if (incl > buf.length - off) {
      bump(problems, 'pcap-truncated-record');
      break;
    }
    if (incl > lim.maxRecordBytes) {
      bump(problems, 'capture-record-too-large');
      off += incl;
      continue;
    }
    const timeMs = sec * 1000 + (nano ? frac / 1e6 : frac / 1e3);
    records.push({ linkType, timeMs, data: buf.subarray(off, off + incl), originalLength: Math.max(orig, incl), interfaceId: 0 });
    off += incl;
  }
  return { ok: true, value: { format: 'pcap', records, problems } };
}

interface PcapngInterface {
  linkType: number;
  /** Timestamp units per second. */
  unitsPerSecond: number;
  offsetSeconds: number;
}

function readPcapng(buf: Uint8Array, lim: Required<CaptureLimits>): CaptureResult {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const records: CaptureRecord[] = [];
  const problems: Record<string, number> = {};
  let little = true;
  let sawSection = false;
  let ifaces: PcapngInterface[] = [];
  let off = 0;
  while (off < buf.length) {
    if (records.length >= lim.maxRecords) {
      bump(problems, 'capture-record-limit');
      break;
    }
    if (off + 12 > buf.length) {
      bump(problems, 'pcapng-truncated-block');
      break;
    }
    const rawType = dv.getUint32(off, false);
    if (rawType === 0x0a0d0d0a) {
      // Section Header: the byte-order magic decides how everything after it is read.
      if (off + 28 > buf.length) {
        bump(problems, 'pcapng-truncated-block');
        break;
      }
      const bom = dv.getUint32(off + 8, false);
      if (bom === 0x1a2b3c4d) little = false;
      else if (bom === 0x4d3c2b1a) little = true;
      else {
        bump(problems, 'pcapng-bad-byte-order-magic');
        break;
      }
      ifaces = [];
      sawSection = true;
    } else if (!sawSection) {
      return { ok: false, reason: 'pcapng-no-section-header' };
    }
    const type = dv.getUint32(off, little);
    const total = dv.getUint32(off + 4, little);
    if (total < 12 || total % 4 !== 0) {
      bump(problems, 'pcapng-bad-block-length');
      break;
    }
    if (total > buf.length - off) {
      bump(problems, 'pcapng-truncated-block');
      break;
    }
    if (dv.getUint32(off + total - 4, little) !== total) {
      bump(problems, 'pcapng-block-length-mismatch');
      break;
    }
    const body = off + 8;
    const bodyEnd = off + total - 4;
    switch (type) {
      case 0x0a0d0d0a:
        break;
      case 1: {
        if (bodyEnd - body < 8) {
          bump(problems, 'pcapng-short-interface-block');
          break;
        }
        if (ifaces.length >= lim.maxInterfaces) {
          bump(problems, 'pcapng-interface-limit');
          break;
        }
        ifaces.push(readInterface(dv, body, bodyEnd, little));
        break;
      }
      case 6: {
        if (bodyEnd - body < 20) {
          bump(problems, 'pcapng-short-packet-block');
          break;
        }
        const id = dv.getUint32(body, little);
        const hi = dv.getUint32(body + 4, little);
        const lo = dv.getUint32(body + 8, little);
        const cap = dv.getUint32(body + 12, little);
        const orig = dv.getUint32(body + 16, little);
        pushPacket(id, hi, lo, cap, orig, body + 20, true);
        break;
      }
      case 2: {
        // Obsolete Packet Block: 16-bit interface id and drops count instead of a 32-bit id.
        if (bodyEnd - body < 20) {
          bump(problems, 'pcapng-short-packet-block');
          break;
        }
        const id = dv.getUint16(body, little);
        const hi = dv.getUint32(body + 4, little);
        const lo = dv.getUint32(body + 8, little);
        const cap = dv.getUint32(body + 12, little);
        const orig = dv.getUint32(body + 16, little);
        pushPacket(id, hi, lo, cap, orig, body + 20, true);
        break;
      }
      case 3: {
        // Simple Packet Block: interface 0, no timestamp, captured length implied by the block.
        if (bodyEnd - body < 4) {
          bump(problems, 'pcapng-short-packet-block');
          break;
        }
        const orig = dv.getUint32(body, little);
        const room = bodyEnd - body - 4;
        const snap = Math.min(orig, room);
        pushPacket(0, 0, 0, snap, orig, body + 4, false);
        break;
      }
      default:
        break; // name resolution, statistics, custom blocks: not needed
    }
    off += total;

    function pushPacket(id: number, hi: number, lo: number, cap: number, orig: number, dataOff: number, timed: boolean): void {
      const iface = ifaces[id];
      if (!iface) {
        bump(problems, 'pcapng-unknown-interface');
        return;
      }
      if (cap > bodyEnd - dataOff) {
        bump(problems, 'pcapng-packet-exceeds-block');
        return;
      }
      if (cap > lim.maxRecordBytes) {
        bump(problems, 'capture-record-too-large');
        return;
      }
      // 64-bit tick count as a double: exact to 2^53 (µs until year 2255), ms-exact beyond.
      const ticks = hi * 4294967296 + lo;
      const timeMs = timed ? (ticks / iface.unitsPerSecond + iface.offsetSeconds) * 1000 : null;
      records.push({ linkType: iface.linkType, timeMs, data: buf.subarray(dataOff, dataOff + cap), originalLength: Math.max(orig, cap), interfaceId: id });
    }
  }
  return { ok: true, value: { format: 'pcapng', records, problems } };
}

function readInterface(dv: DataView, body: number, end: number, little: boolean): PcapngInterface {
  const linkType = dv.getUint16(body, little);
  let unitsPerSecond = 1e6;
  let offsetSeconds = 0;
  let o = body + 8;
  // Options: (code u16, length u16, value padded to 4); a malformed option ends the walk.
  while (o + 4 <= end) {
    const code = dv.getUint16(o, little);
    const len = dv.getUint16(o + 2, little);
    if (code === 0) break;
    const v = o + 4;
    if (v + len > end) break;
    if (code === 9 && len >= 1) {
      const r = dv.getUint8(v);
      // High bit clear: 10^-r seconds; set: 2^-(r & 0x7f). Out-of-range exponents keep the default.
      const u = r & 0x80 ? 2 ** (r & 0x7f) : 10 ** r;
      if (Number.isFinite(u) && u >= 1 && u <= 1e18) unitsPerSecond = u;
    } else if (code === 14 && len >= 8) {
      const hi = dv.getInt32(little ? v + 4 : v, little);
      const lo = dv.getUint32(little ? v : v + 4, little);
      offsetSeconds = hi * 4294967296 + lo;
    }
    o = v + ((len + 3) & ~3);
  }
  return { linkType, unitsPerSecond, offsetSeconds };
}

/** A packet to write with {@link writePcap} / {@link writePcapng}. */
export interface WritableRecord {
  timeMs: number;
  data: Uint8Array;
}

/** Writes a little-endian microsecond pcap file (tests, fuzz seeds, CLI fixtures). */
export function writePcap(linkType: number, records: readonly WritableRecord[]): Uint8Array {
  const size = 24 + records.reduce((s, r) => s + 16 + r.data.length, 0);
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, 0xa1b2c3d4, true);
  dv.setUint16(4, 2, true);
  dv.setUint16(6, 4, true);
  dv.setUint32(16, 262144, true);
  dv.setUint32(20, linkType, true);
  let off = 24;
  for (const r of records) {
    const us = Math.round(r.timeMs * 1000);
    dv.setUint32(off, Math.floor(us / 1e6), true);
    dv.setUint32(off + 4, us % 1e6, true);
    dv.setUint32(off + 8, r.data.length, true);
    dv.setUint32(off + 12, r.data.length, true);
    out.set(r.data, off + 16);
    off += 16 + r.data.length;
  }
  return out;
}

/** Writes a little-endian pcapng file with one interface (µs timestamps) and Enhanced Packet Blocks. */
export function writePcapng(linkType: number, records: readonly WritableRecord[]): Uint8Array {
  const blocks: Uint8Array[] = [];
  const shb = new Uint8Array(28);
  let dv = new DataView(shb.buffer);
  dv.setUint32(0, 0x0a0d0d0a, true);
  dv.setUint32(4, 28, true);
  dv.setUint32(8, 0x1a2b3c4d, true);
  dv.setUint16(12, 1, true);
  dv.setInt32(16, -1, true);
  dv.setInt32(20, -1, true);
  dv.setUint32(24, 28, true);
  blocks.push(shb);
  const idb = new Uint8Array(20);
  dv = new DataView(idb.buffer);
  dv.setUint32(0, 1, true);
  dv.setUint32(4, 20, true);
  dv.setUint16(8, linkType, true);
  dv.setUint32(12, 262144, true);
  dv.setUint32(16, 20, true);
  blocks.push(idb);
  for (const r of records) {
    const padded = (r.data.length + 3) & ~3;
    const total = 32 + padded;
    const b = new Uint8Array(total);
    dv = new DataView(b.buffer);
    const us = Math.round(r.timeMs * 1000);
    dv.setUint32(0, 6, true);
    dv.setUint32(4, total, true);
    dv.setUint32(8, 0, true);
    dv.setUint32(12, Math.floor(us / 4294967296), true);
    dv.setUint32(16, us % 4294967296, true);
    dv.setUint32(20, r.data.length, true);
    dv.setUint32(24, r.data.length, true);
    b.set(r.data, 28);
    dv.setUint32(total - 4, total, true);
    blocks.push(b);
  }
  const out = new Uint8Array(blocks.reduce((s, b) => s + b.length, 0));
  let off = 0;
  for (const b of blocks) {
    out.set(b, off);
    off += b.length;
  }
  return out;
}
