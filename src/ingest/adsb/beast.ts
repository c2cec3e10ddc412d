/**
 * Beast binary format (Mode-S Beast, dump1090/readsb TCP 30005) and AVR text.
 *
 * Beast frame: `0x1A`, type, 6-byte big-endian timestamp (a free-running 12 MHz counter on
 * Beast-compatible receivers), one signal-level byte, then the message: type '1' (0x31) Mode A/C,
 * 2 bytes; '2' (0x32) Mode S short, 7 bytes; '3' (0x33) Mode S long, 14 bytes. Inside a frame
 * every 0x1A byte is sent twice, so a single 0x1A always starts a frame: a parser that lost its
 * place resynchronises at the next lone 0x1A.
 *
 * The decoder is a byte-at-a-time state machine holding at most one frame (23 bytes), so a
 * hostile or broken stream cannot make it grow; garbage between frames is skipped and counted
 * once per run.
 *
 * AVR: `*<hex>;` per message, or `@<12 hex digits of timestamp><hex>;` with the 12 MHz counter.
 */

export interface BeastFrame {
  /** 0x31 Mode A/C, 0x32 Mode S short, 0x33 Mode S long. */
  type: number;
  /** 12 MHz counter (48 bits). dump1090 marks MLAT results with 0xFF004D4C4154 ("\xFF\0MLAT"). */
  timestampTicks: number;
  /** Raw signal level 0–255 (amplitude, full scale 255). */
  signal: number;
  data: Uint8Array;
}

export const BEAST_ESCAPE = 0x1a;
const PAYLOAD: Record<number, number> = { 0x31: 2, 0x32: 7, 0x33: 14 };
export const BEAST_MLAT_MAGIC = 0xff004d4c4154;

/** Signal level byte → dBFS (20·log10 of the amplitude fraction); null for 0. */
export function beastSignalDbfs(signal: number): number | null {
  return signal > 0 ? 20 * Math.log10(signal / 255) : null;
}

// parser states: between frames, after 0x1A, inside a frame, after an 0x1A inside a frame
const S = { Seek: 0, Type: 1, Body: 2, BodyEscape: 3 } as const;
type State = (typeof S)[keyof typeof S];

export class BeastDecoder {
  private state: State = S.Seek;
  private type = 0;
  private need = 0;
  private readonly body = new Uint8Array(6 + 1 + 14);
  private have = 0;
  private skipping = false;

  /**
   * Feeds bytes; calls `onFrame` for every complete frame (the frame's `data` is a fresh copy)
   * and `onReject` with a reason for every problem: a run of bytes outside frames
   * ('beast-garbage'), an unknown type ('beast-bad-type'), a frame cut short by a new one
   * ('beast-truncated-frame').
   */
  push(chunk: Uint8Array, onFrame: (f: BeastFrame) => void, onReject: (reason: string) => void): void {
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i];
      switch (this.state) {
        case S.Seek:
          if (c === BEAST_ESCAPE) {
            this.skipping = false;
            this.state = S.Type;
          } else if (!this.skipping) {
            this.skipping = true;
            onReject('beast-garbage');
          }
          break;
        case S.Type:
          if (c in PAYLOAD) {
            this.type = c;
            this.need = 7 + PAYLOAD[c];
            this.have = 0;
            this.state = S.Body;
          } else if (c === BEAST_ESCAPE) {
            // "1A 1A" outside a frame is an escaped data byte we joined mid-frame: keep seeking.
            this.state = S.Seek;
            this.skipping = true;
            onReject('beast-garbage');
          } else {
            onReject('beast-bad-type');
            this.state = S.Seek;
            this.skipping = true;
          }
          break;
        case S.Body:
          if (c === BEAST_ESCAPE) this.state = S.BodyEscape;
          else this.take(c, onFrame);
          break;
        case S.BodyEscape:
          if (c === BEAST_ESCAPE) {
            this.state = S.Body;
            this.take(c, onFrame);
          } else {
            // a lone 0x1A: the frame was cut short and this byte is the next frame's type
            onReject('beast-truncated-frame');
            this.state = S.Type;
            i--; // reprocess c as a type byte
          }
          break;
      }
    }
  }

  private take(c: number, onFrame: (f: BeastFrame) => void): void {
    this.body[this.have++] = c;
    if (this.have < this.need) return;
    const b = this.body;
    const ts = ((b[0] * 256 + b[1]) * 256 + b[2]) * 16777216 + ((b[3] << 16) | (b[4] << 8) | b[5]);
    onFrame({ type: this.type, timestampTicks: ts, signal: b[6], data: b.slice(7, this.need) });
    this.state = S.Seek;
    this.skipping = false;
  }

  reset(): void {
    this.state = S.Seek;
    this.have = 0;
    this.skipping = false;
  }
}

/** Encodes one Beast frame (escaping 0x1A). */
export function encodeBeastFrame(data: Uint8Array, timestampTicks = 0, signal = 0): Uint8Array {
  const type = data.length === 2 ? 0x31 : data.length === 7 ? 0x32 : data.length === 14 ? 0x33 : -1;
  if (type < 0) throw new RangeError('Beast messages are 2, 7 or 14 bytes');
  const raw: number[] = [];
  let t = timestampTicks;
  const ts: number[] = [];
  for (let k = 0; k < 6; k++) {
    ts.unshift(t % 256);
    t = Math.floor(t / 256);
  }
  for (const v of [...ts, signal & 0xff, ...data]) {
    raw.push(v);
    if (v === BEAST_ESCAPE) raw.push(v);
  }
  return Uint8Array.from([BEAST_ESCAPE, type, ...raw]);
}

export type Result<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Parses an AVR line (`*hex;` or `@timestamp+hex;`); null value for blank lines. */
export function parseAvrLine(line: string): Result<{ timestampTicks: number | null; data: Uint8Array } | null> {
  const t = line.trim();
  if (!t) return { ok: true, value: null };
  if (t.length > 64) return { ok: false, reason: 'avr-line-too-long' };
  const m = /^([*@])([0-9A-Fa-f]+);$/.exec(t);
  if (!m) return { ok: false, reason: 'avr-bad-line' };
  let hex = m[2];
  let ticks: number | null = null;
  if (m[1] === '@') {
    if (hex.length < 12) return { ok: false, reason: 'avr-bad-line' };
    ticks = parseInt(hex.slice(0, 12), 16);
    hex = hex.slice(12);
  }
  if (hex.length !== 4 && hex.length !== 14 && hex.length !== 28) return { ok: false, reason: 'avr-bad-length' };
  const data = new Uint8Array(hex.length / 2);
  for (let i = 0; i < data.length; i++) data[i] = parseInt(hex.substr(2 * i, 2), 16);
  return { ok: true, value: { timestampTicks: ticks, data } };
}
