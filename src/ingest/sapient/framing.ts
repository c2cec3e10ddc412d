/**
 * SAPIENT over TCP: each SapientMessage is preceded by its length as a 4-byte unsigned
 * little-endian integer (Dstl's and Roke's implementations; the standard names no other framing).
 *
 * `FrameDecoder` is a streaming decoder for one connection: feed it chunks as they arrive, it
 * hands back whole payloads. Memory stays bounded by one header plus one payload of at most
 * `maxMessageBytes`: the payload buffer is allocated only once its declared length has been
 * checked against the limit. A length above the limit can only be hostile or a stream that has
 * lost sync; there is no way to find the next frame boundary after it, so the decoder reports it
 * once and then discards the rest of the stream (the server answers with an Error and closes).
 */
import { violation, type Violation } from './rules.js';

/** 1 MiB: Dstl's largest sample is ~4 KB, a rich Registration is tens of KB. */
export const DEFAULT_MAX_MESSAGE_BYTES = 1 << 20;
export const HEADER_BYTES = 4;

export type FrameEvent =
  | { kind: 'frame'; payload: Uint8Array }
  | { kind: 'error'; violation: Violation; declaredLength: number };

export class FrameDecoder {
  private readonly header = new Uint8Array(HEADER_BYTES);
  private headerFill = 0;
  private body: Uint8Array | null = null;
  private bodyFill = 0;
  private failed = false;
  /** Payloads delivered so far. */
  frames = 0;
  /** Bytes accepted (including headers) and bytes discarded after a fatal length. */
  bytesIn = 0;
  bytesDiscarded = 0;

  constructor(readonly maxMessageBytes: number = DEFAULT_MAX_MESSAGE_BYTES) {
    if (!Number.isInteger(maxMessageBytes) || maxMessageBytes < 0 || maxMessageBytes > 0xffffffff) {
      throw new RangeError(`maxMessageBytes must be an integer in [0, 2³²), got ${maxMessageBytes}`);
    }
  }

  /** True once an oversize length was seen: everything after it is discarded. */
  get broken(): boolean {
    return this.failed;
  }

  /** Bytes held for a frame not yet complete (≤ 4 + maxMessageBytes). */
  get buffered(): number {
    return this.headerFill + this.bodyFill;
  }

  /**
   * Feeds one chunk and calls `onEvent` for each complete frame or error, in stream order.
   * A payload may share memory with `chunk` (no copy when a frame lies inside one chunk): copy it
   * if it must outlive the chunk.
   */
  push(chunk: Uint8Array, onEvent: (e: FrameEvent) => void): void {
    if (this.failed) {
      this.bytesDiscarded += chunk.length;
      return;
    }
    this.bytesIn += chunk.length;
    let i = 0;
    const n = chunk.length;
    while (i < n) {
      if (this.body === null) {
        // Fast path: a whole header and payload inside this chunk, no partial state pending.
        if (this.headerFill === 0 && n - i >= HEADER_BYTES) {
          const len = readU32LE(chunk, i);
          if (len > this.maxMessageBytes) {
            this.fail(len, n - i - HEADER_BYTES, onEvent);
            return;
          }
          if (n - i - HEADER_BYTES >= len) {
            i += HEADER_BYTES;
            this.frames++;
            onEvent({ kind: 'frame', payload: chunk.subarray(i, i + len) });
            i += len;
            continue;
          }
        }
        while (this.headerFill < HEADER_BYTES && i < n) this.header[this.headerFill++] = chunk[i++];
        if (this.headerFill < HEADER_BYTES) return;
        const len = readU32LE(this.header, 0);
        if (len > this.maxMessageBytes) {
          this.fail(len, n - i, onEvent);
          return;
        }
        this.body = new Uint8Array(len);
        this.bodyFill = 0;
      }
      const take = Math.min(this.body.length - this.bodyFill, n - i);
      this.body.set(chunk.subarray(i, i + take), this.bodyFill);
      this.bodyFill += take;
      i += take;
      if (this.bodyFill === this.body.length) {
        const payload = this.body;
        this.body = null;
        this.bodyFill = 0;
        this.headerFill = 0;
        this.frames++;
        onEvent({ kind: 'frame', payload });
      }
    }
  }

  /**
   * The stream has ended: reports a frame cut short (header or payload incomplete), if any, as
   * `frame_truncated`, and resets.
   */
  end(): Violation | null {
    const partial = !this.failed && (this.headerFill > 0 || this.body !== null);
    const got = this.bodyFill;
    const want = this.body?.length;
    this.header.fill(0);
    this.headerFill = 0;
    this.body = null;
    this.bodyFill = 0;
    if (!partial) return null;
    return violation('frame_truncated', '', want === undefined ? 'the stream ended inside a length prefix' : `the stream ended after ${got} of ${want} payload bytes`);
  }

  private fail(len: number, discarded: number, onEvent: (e: FrameEvent) => void): void {
    this.failed = true;
    this.body = null;
    this.headerFill = 0;
    this.bodyFill = 0;
    this.bytesDiscarded += discarded;
    onEvent({
      kind: 'error',
      declaredLength: len,
      violation: violation('frame_oversize', '', `length prefix ${len} exceeds the maximum message size ${this.maxMessageBytes}`),
    });
  }
}

function readU32LE(b: Uint8Array, o: number): number {
  return (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16)) + b[o + 3] * 0x1000000;
}

/** Prefixes a serialized message with its 4-byte little-endian length. */
export function frame(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(HEADER_BYTES + payload.length);
  const len = payload.length;
  out[0] = len & 0xff;
  out[1] = (len >>> 8) & 0xff;
  out[2] = (len >>> 16) & 0xff;
  out[3] = (len >>> 24) & 0xff;
  out.set(payload, HEADER_BYTES);
  return out;
}

/**
 * Splits a whole buffer that is a sequence of frames (a file, a capture) into payloads, or
 * returns null when the buffer is not exactly such a sequence: this is how a `.bin` file is told
 * framed from unframed. An unframed SapientMessage starts with a field tag (0x0a for the
 * timestamp), which read as a little-endian length is never the rest of a small file.
 */
export function splitFrames(buf: Uint8Array, maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES): Uint8Array[] | null {
  const out: Uint8Array[] = [];
  let i = 0;
  while (i < buf.length) {
    if (buf.length - i < HEADER_BYTES) return null;
    const len = readU32LE(buf, i);
    if (len > maxMessageBytes || len > buf.length - i - HEADER_BYTES) return null;
    out.push(buf.subarray(i + HEADER_BYTES, i + HEADER_BYTES + len));
    i += HEADER_BYTES + len;
  }
  return out.length ? out : null;
}
