import type { Scan } from './scan.js';

/**
 * A bounded reorder window in front of the tracker: asynchronous sensors deliver scans late
 * and out of order, but the tracker must see them in timestamp order. Scans wait here until
 * the newest timestamp seen is `windowMs` past them, then are released oldest first. A scan
 * older than what was already released is too late: it is counted and dropped, never applied
 * out of order. Memory is bounded by `maxPending` (the oldest are released early when full).
 */
export class ReorderBuffer {
  private readonly pending: Scan[] = [];
  private newestMs = -Infinity;
  private releasedMs = -Infinity;
  /** Scans dropped because they arrived after the window had closed on their time. */
  late = 0;

  constructor(
    private readonly windowMs: number,
    private readonly release: (scan: Scan) => void,
    private readonly maxPending = 10_000,
  ) {}

  /** Accepts a scan; releases whatever the window no longer holds back. Returns false if it was too late. */
  push(scan: Scan): boolean {
    if (!(scan.timeMs >= this.releasedMs)) {
      this.late++;
      return false;
    }
    // Insertion keeps `pending` sorted by time; equal times keep arrival order (stable).
    let i = this.pending.length;
    while (i > 0 && this.pending[i - 1].timeMs > scan.timeMs) i--;
    this.pending.splice(i, 0, scan);
    if (scan.timeMs > this.newestMs) this.newestMs = scan.timeMs;
    this.drain(this.newestMs - this.windowMs);
    while (this.pending.length > this.maxPending) this.releaseOne();
    return true;
  }

  /** Releases everything still held (end of a recording, or shutdown). */
  flush(): void {
    this.drain(Infinity);
  }

  /**
   * The clock moved to `nowMs`: release what the window no longer holds back even if no newer
   * scan arrives (a quiet sector must not keep its last scans, and its tracks, waiting).
   */
  advanceTo(nowMs: number): void {
    if (nowMs > this.newestMs) this.newestMs = nowMs;
    this.drain(this.newestMs - this.windowMs);
  }

  get size(): number {
    return this.pending.length;
  }

  private drain(upToMs: number): void {
    while (this.pending.length > 0 && this.pending[0].timeMs <= upToMs) this.releaseOne();
  }

  private releaseOne(): void {
    const scan = this.pending.shift()!;
    this.releasedMs = scan.timeMs;
    this.release(scan);
  }
}
