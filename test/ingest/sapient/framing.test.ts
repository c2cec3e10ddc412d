import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameDecoder, frame, splitFrames, type FrameEvent } from '../../../src/ingest/sapient/framing.js';

function collect(d: FrameDecoder, chunks: Uint8Array[]): FrameEvent[] {
  const out: FrameEvent[] = [];
  for (const c of chunks) d.push(c, (e) => out.push(e.kind === 'frame' ? { kind: 'frame', payload: e.payload.slice() } : e));
  return out;
}

/** Cuts a buffer at the given (sorted, deduplicated) offsets. */
function cut(buf: Uint8Array, offsets: number[]): Uint8Array[] {
  const at = [...new Set(offsets.map((o) => o % (buf.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const o of [...at, buf.length]) {
    out.push(buf.subarray(prev, o));
    prev = o;
  }
  return out;
}

describe('SAPIENT framing (4-byte little-endian length prefix)', () => {
  it('frames with the length little-endian first', () => {
    expect([...frame(new Uint8Array([7, 8, 9]))]).toEqual([3, 0, 0, 0, 7, 8, 9]);
    const big = frame(new Uint8Array(0x010203));
    expect([...big.subarray(0, 4)]).toEqual([0x03, 0x02, 0x01, 0x00]);
  });

  it('returns every payload, whatever the chunking (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 20 }), fc.array(fc.nat(), { maxLength: 40 }), (payloads, offsets) => {
        const stream = Buffer.concat(payloads.map((p) => frame(p)));
        const d = new FrameDecoder(1000);
        const events = collect(d, cut(stream, offsets));
        expect(events.map((e) => (e.kind === 'frame' ? [...e.payload] : 'error'))).toEqual(payloads.map((p) => [...p]));
        expect(d.end()).toBeNull();
        expect(d.buffered).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('holds at most one header and one payload of the maximum size (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4000 }), fc.array(fc.nat(), { maxLength: 50 }), (junk, offsets) => {
        const d = new FrameDecoder(256);
        for (const c of cut(junk, offsets)) {
          d.push(c, () => undefined);
          expect(d.buffered).toBeLessThanOrEqual(4 + 256);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a length above the maximum once, then discards the stream', () => {
    const d = new FrameDecoder(1024);
    const hostile = new Uint8Array([0xff, 0xff, 0xff, 0x7f, 1, 2, 3]);
    const events = collect(d, [frame(new Uint8Array([1])), hostile, frame(new Uint8Array([2]))]);
    expect(events.map((e) => e.kind)).toEqual(['frame', 'error']);
    const err = events[1] as Extract<FrameEvent, { kind: 'error' }>;
    expect(err.violation.rule).toBe('frame_oversize');
    expect(err.declaredLength).toBe(0x7fffffff);
    expect(d.broken).toBe(true);
    expect(d.buffered).toBe(0);
    expect(d.bytesDiscarded).toBeGreaterThan(0);
  });

  it('refuses an oversize length split across chunks', () => {
    const d = new FrameDecoder(10);
    const events = collect(d, [new Uint8Array([11]), new Uint8Array([0, 0]), new Uint8Array([0])]);
    expect(events.map((e) => e.kind)).toEqual(['error']);
  });

  it('reports a stream that ends inside a frame', () => {
    const d = new FrameDecoder();
    collect(d, [frame(new Uint8Array([1, 2, 3])).subarray(0, 5)]);
    expect(d.end()?.rule).toBe('frame_truncated');
    const h = new FrameDecoder();
    collect(h, [new Uint8Array([3, 0])]);
    expect(h.end()?.message).toContain('length prefix');
  });

  it('passes an empty frame through (an empty SapientMessage then fails validation, not framing)', () => {
    const d = new FrameDecoder();
    const events = collect(d, [new Uint8Array([0, 0, 0, 0])]);
    expect(events).toHaveLength(1);
    expect((events[0] as Extract<FrameEvent, { kind: 'frame' }>).payload.length).toBe(0);
  });

  it('tells a framed file from an unframed one', () => {
    const a = new Uint8Array([0x0a, 0x02, 0x08, 0x01]);
    const b = new Uint8Array([0x12, 0x01, 0x41]);
    expect(splitFrames(Buffer.concat([frame(a), frame(b)]))!.map((x) => [...x])).toEqual([[...a], [...b]]);
    expect(splitFrames(a)).toBeNull();
    expect(splitFrames(Buffer.concat([frame(a), new Uint8Array([1])]))).toBeNull();
  });
});
