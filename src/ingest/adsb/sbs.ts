/**
 * SBS-1 / BaseStation text format (dump1090 and readsb serve it on TCP 30003).
 *
 * One CSV record per line, 22 fields: message type (`MSG`, `SEL`, `ID`, `AIR`, `STA`, `CLK`),
 * transmission type (1–8 for MSG), session id, aircraft id, hex ident, flight id, date and time
 * generated, date and time logged, callsign, altitude (ft), ground speed (kt), track (°),
 * latitude, longitude, vertical rate (ft/min), squawk, alert, emergency, SPI, on ground (flags:
 * `-1`/`1` true, `0` false). Empty fields mean "not in this message". Transmission types:
 * 1 identification, 2 surface position, 3 airborne position, 4 airborne velocity,
 * 5 surveillance altitude, 6 surveillance identity, 7 air-to-air, 8 all-call reply.
 *
 * Dialects differ in what they leave empty (antirez's dump1090 leaves the dates empty and always
 * writes the four flags; dump1090-fa fills dates and repeats known velocities on MSG,6) but not
 * in field positions. BaseStation's dates are the receiver's local time; dump1090 writes UTC,
 * which is assumed here (`utcOffsetMinutes` shifts it otherwise). A hex ident starting with `~`
 * is dump1090's mark for a non-ICAO address.
 */

export type Result<T> = { ok: true; value: T } | { ok: false; reason: string };

export interface SbsRecord {
  transmissionType: number;
  icao: string;
  /** False for `~`-prefixed (non-ICAO) addresses. */
  icaoAddress: boolean;
  /** Time generated, ms since the Unix epoch, when the line has one. */
  timeMs: number | null;
  callsign: string | null;
  altitudeFt: number | null;
  groundSpeedKt: number | null;
  trackDeg: number | null;
  latDeg: number | null;
  lonDeg: number | null;
  verticalRateFtMin: number | null;
  squawk: string | null;
  alert: boolean | null;
  emergency: boolean | null;
  spi: boolean | null;
  onGround: boolean | null;
}

export const SBS_MAX_LINE = 1024;

const NUM = /^[-+]?(\d+(\.\d*)?|\.\d+)$/;

function num(s: string | undefined): number | null | undefined {
  if (s === undefined) return null;
  const t = s.trim();
  if (t === '') return null;
  if (!NUM.test(t)) return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}

function flag(s: string | undefined): boolean | null | undefined {
  const t = (s ?? '').trim();
  if (t === '') return null;
  if (t === '-1' || t === '1') return true;
  if (t === '0') return false;
  return undefined;
}

function time(date: string | undefined, clock: string | undefined, utcOffsetMinutes: number): number | null | undefined {
  const d = (date ?? '').trim();
  const c = (clock ?? '').trim();
  if (!d && !c) return null;
  const m = /^(\d{4})\/(\d{2})\/(\d{2})$/.exec(d);
  const k = /^(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?$/.exec(c);
  if (!m || !k) return undefined;
  const ms = k[4] ? Number(k[4].padEnd(3, '0')) : 0;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(k[1]), Number(k[2]), Number(k[3]), ms);
  return Number.isFinite(t) ? t - utcOffsetMinutes * 60_000 : undefined;
}

/**
 * Parses one line. Non-MSG records (SEL, ID, AIR, STA, CLK) fail with 'sbs-not-msg' so a
 * caller can count them apart from broken lines.
 */
export function parseSbsLine(line: string, utcOffsetMinutes = 0): Result<SbsRecord> {
  if (line.length > SBS_MAX_LINE) return { ok: false, reason: 'sbs-line-too-long' };
  const f = line.replace(/\r$/, '').split(',');
  const kind = f[0].trim();
  if (kind !== 'MSG') {
    return { ok: false, reason: ['SEL', 'ID', 'AIR', 'STA', 'CLK'].includes(kind) ? 'sbs-not-msg' : 'sbs-bad-record-type' };
  }
  if (f.length < 11 || f.length > 23) return { ok: false, reason: 'sbs-field-count' };
  const tt = Number(f[1]);
  if (!Number.isInteger(tt) || tt < 1 || tt > 8) return { ok: false, reason: 'sbs-bad-transmission-type' };
  let hex = (f[4] ?? '').trim();
  const icaoAddress = !hex.startsWith('~');
  if (!icaoAddress) hex = hex.slice(1);
  if (!/^[0-9A-Fa-f]{6}$/.test(hex)) return { ok: false, reason: 'sbs-bad-icao' };
  const t = time(f[6], f[7], utcOffsetMinutes);
  const altitudeFt = num(f[11]);
  const groundSpeedKt = num(f[12]);
  const trackDeg = num(f[13]);
  const latDeg = num(f[14]);
  const lonDeg = num(f[15]);
  const verticalRateFtMin = num(f[16]);
  const sq = (f[17] ?? '').trim();
  const alert = flag(f[18]);
  const emergency = flag(f[19]);
  const spi = flag(f[20]);
  const onGround = flag(f[21]);
  if (t === undefined) return { ok: false, reason: 'sbs-bad-time' };
  if ([altitudeFt, groundSpeedKt, trackDeg, latDeg, lonDeg, verticalRateFtMin].includes(undefined)) return { ok: false, reason: 'sbs-bad-number' };
  if ([alert, emergency, spi, onGround].includes(undefined)) return { ok: false, reason: 'sbs-bad-flag' };
  // antirez's dump1090 writes the squawk as a decimal integer (0112 → "112"): pad it back.
  if (sq && !/^[0-7]{1,4}$/.test(sq)) return { ok: false, reason: 'sbs-bad-squawk' };
  if ((latDeg === null) !== (lonDeg === null)) return { ok: false, reason: 'sbs-half-position' };
  if (latDeg !== null && latDeg !== undefined && lonDeg !== null && lonDeg !== undefined && (Math.abs(latDeg) > 90 || Math.abs(lonDeg) > 180)) return { ok: false, reason: 'sbs-position-out-of-range' };
  if (trackDeg !== null && trackDeg !== undefined && (trackDeg < 0 || trackDeg > 360)) return { ok: false, reason: 'sbs-bad-track' };
  if (groundSpeedKt !== null && groundSpeedKt !== undefined && groundSpeedKt < 0) return { ok: false, reason: 'sbs-bad-speed' };
  const cs = (f[10] ?? '').trim();
  if (cs.length > 8) return { ok: false, reason: 'sbs-bad-callsign' };
  return {
    ok: true,
    value: {
      transmissionType: tt,
      icao: hex.toUpperCase(),
      icaoAddress,
      timeMs: t,
      callsign: cs || null,
      altitudeFt: altitudeFt ?? null,
      groundSpeedKt: groundSpeedKt ?? null,
      trackDeg: trackDeg ?? null,
      latDeg: latDeg ?? null,
      lonDeg: lonDeg ?? null,
      verticalRateFtMin: verticalRateFtMin ?? null,
      squawk: sq ? sq.padStart(4, '0') : null,
      alert: alert ?? null,
      emergency: emergency ?? null,
      spi: spi ?? null,
      onGround: onGround ?? null,
    },
  };
}

/**
 * Splits a byte stream into lines with a bounded buffer: a line longer than `maxLine` is
 * dropped whole (reported once, as 'sbs-line-too-long') instead of growing the buffer.
 */
export class LineSplitter {
  private buf = '';
  private discarding = false;
  private readonly decoder = new TextDecoder('utf-8', { fatal: false });

  constructor(private readonly maxLine = SBS_MAX_LINE) {}

  push(chunk: Uint8Array, onLine: (line: string) => void, onReject: (reason: string) => void): void {
    const text = this.decoder.decode(chunk, { stream: true });
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      const piece = text.slice(start, nl);
      start = nl + 1;
      if (this.discarding) {
        this.discarding = false;
        this.buf = '';
        continue;
      }
      const line = this.buf + piece;
      this.buf = '';
      if (line.length > this.maxLine) onReject('sbs-line-too-long');
      else onLine(line);
    }
    if (this.discarding) return;
    this.buf += text.slice(start);
    if (this.buf.length > this.maxLine) {
      onReject('sbs-line-too-long');
      this.buf = '';
      this.discarding = true;
    }
  }

  /** Bytes held waiting for a newline. */
  get pending(): number {
    return this.buf.length;
  }

  reset(): void {
    this.buf = '';
    this.discarding = false;
  }
}
