/**
 * Cuts a TAK server TCP stream into messages, with bounded memory.
 *
 * A streaming connection carries either traditional CoT XML — events back to back, each cut
 * "immediately after the `</event>` token" (protocol.txt) — or, after protocol negotiation, TAK
 * protocol v1 messages `bf <length varint> <payload>`. The cutter tells them apart by the first
 * byte of each message (0xbf never starts XML), so it follows a mid-stream switch.
 *
 * Memory is bounded by `maxMessageBytes` (plus one chunk): an XML message that grows past it is
 * counted as `too-large` and skipped up to the next `</event>`; an oversized protobuf message is
 * skipped by its declared length, so the stream stays in step. A broken protobuf header cannot be
 * resynchronised (there is no delimiter to search for), so it is reported as `bad-frame` and the
 * cutter refuses further input until `reset()` — the owner closes the connection.
 */

import { readVarint } from './takproto.js';
import type { CotRejectReason } from './parse.js';

export type StreamMessage = { kind: 'xml'; bytes: Uint8Array } | { kind: 'proto'; payload: Uint8Array };

const END_TAG = Buffer.from('</event>', 'latin1');

export class CotStreamCutter {
  private buf: Buffer = Buffer.alloc(0);
  /** Where to resume searching for `</event>` in buf (bytes before it were already searched). */
  private searchFrom = 0;
  /** Discarding an oversized XML message up to its `</event>`. */
  private skippingXml = false;
  /** Protobuf payload bytes still to discard. */
  private skipBytes = 0;
  /** Set after an unrecoverable framing error. */
  broken = false;

  constructor(
    private readonly onMessage: (m: StreamMessage) => void,
    private readonly onReject: (reason: CotRejectReason, message: string) => void,
    readonly maxMessageBytes = 64 * 1024,
  ) {}

  /** Forgets all buffered state (after a reconnect). */
  reset(): void {
    this.buf = Buffer.alloc(0);
    this.searchFrom = 0;
    this.skippingXml = false;
    this.skipBytes = 0;
    this.broken = false;
  }

  /** Bytes held between calls (for tests and metrics). */
  get buffered(): number {
    return this.buf.length;
  }

  push(chunk: Uint8Array): void {
    if (this.broken || chunk.length === 0) return;
    let data = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    if (this.skipBytes > 0) {
      const n = Math.min(this.skipBytes, data.length);
      this.skipBytes -= n;
      data = data.subarray(n);
      if (data.length === 0) return;
    }
    this.buf = this.buf.length ? Buffer.concat([this.buf, data]) : Buffer.from(data);
    this.drain();
  }

  private drain(): void {
    for (;;) {
      if (this.skippingXml) {
        const i = this.buf.indexOf(END_TAG, this.searchFrom);
        if (i < 0) {
          // Keep only a tail that could hold the start of a split `</event>`.
          const keep = Math.min(this.buf.length, END_TAG.length - 1);
          this.buf = Buffer.from(this.buf.subarray(this.buf.length - keep));
          this.searchFrom = 0;
          return;
        }
        this.buf = this.buf.subarray(i + END_TAG.length);
        this.searchFrom = 0;
        this.skippingXml = false;
      }
      // Whitespace between messages (newlines after </event> from lenient senders).
      let p = 0;
      while (p < this.buf.length && (this.buf[p] === 0x20 || this.buf[p] === 0x0a || this.buf[p] === 0x0d || this.buf[p] === 0x09 || this.buf[p] === 0)) p++;
      if (p > 0) {
        this.buf = this.buf.subarray(p);
        this.searchFrom = Math.max(0, this.searchFrom - p);
      }
      if (this.buf.length === 0) {
        this.buf = Buffer.alloc(0);
        return;
      }
      if (this.buf[0] === 0xbf) {
        const len = readVarint(this.buf, 1);
        if (!len) {
          if (this.buf.length >= 11) return this.fail('bad TAK stream header');
          return; // header incomplete
        }
        const [n, start] = len;
        if (n === 0) return this.fail('zero-length TAK message');
        if (n > this.maxMessageBytes) {
          this.onReject('too-large', `TAK message of ${n} bytes`);
          const have = this.buf.length - start;
          if (have >= n) {
            this.buf = this.buf.subarray(start + n);
            continue;
          }
          this.skipBytes = n - have;
          this.buf = Buffer.alloc(0);
          return;
        }
        if (this.buf.length - start < n) return; // wait for the rest
        // Copy out so the message does not pin the (possibly large) receive buffer.
        this.onMessage({ kind: 'proto', payload: Uint8Array.prototype.slice.call(this.buf, start, start + n) });
        this.buf = this.buf.subarray(start + n);
        this.searchFrom = 0;
        continue;
      }
      const i = this.buf.indexOf(END_TAG, this.searchFrom);
      if (i < 0) {
        if (this.buf.length > this.maxMessageBytes) {
          this.onReject('too-large', `XML message over ${this.maxMessageBytes} bytes without </event>`);
          this.skippingXml = true;
          this.searchFrom = Math.max(0, this.buf.length - (END_TAG.length - 1));
          continue;
        }
        this.searchFrom = Math.max(0, this.buf.length - (END_TAG.length - 1));
        // Compact: a subarray would keep the whole earlier chunk alive.
        if (this.buf.byteOffset !== 0) this.buf = Buffer.from(this.buf);
        return;
      }
      const end = i + END_TAG.length;
      if (end > this.maxMessageBytes) {
        this.onReject('too-large', `XML message of ${end} bytes`);
      } else {
        this.onMessage({ kind: 'xml', bytes: Uint8Array.prototype.slice.call(this.buf, 0, end) });
      }
      this.buf = this.buf.subarray(end);
      this.searchFrom = 0;
    }
  }

  private fail(message: string): void {
    this.onReject('bad-frame', message);
    this.broken = true;
    this.buf = Buffer.alloc(0);
  }
}
