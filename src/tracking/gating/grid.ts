/**
 * A uniform grid over measurement positions, so a track looks only at the cells its gate
 * overlaps — gating costs O(tracks + measurements), never O(tracks × measurements).
 * Open-addressed hash of occupied cells with a linked list per cell, all in typed arrays that
 * grow on demand and are reused scan after scan.
 */
export class PositionGrid {
  private cell = 50;
  private capacity = 0;
  private keysX = new Int32Array(0);
  private keysY = new Int32Array(0);
  private heads = new Int32Array(0);
  private next = new Int32Array(0);
  private used = new Uint8Array(0);

  /** Indexes `count` points at xs[i], ys[i]; NaN marks a point with no position (skipped). */
  build(xs: Float64Array, ys: Float64Array, count: number, cellSize: number): void {
    this.cell = cellSize;
    let cap = 16;
    while (cap < 2 * count) cap <<= 1;
    if (cap > this.capacity) {
      this.capacity = cap;
      this.keysX = new Int32Array(cap);
      this.keysY = new Int32Array(cap);
      this.heads = new Int32Array(cap);
      this.used = new Uint8Array(cap);
    }
    this.used.fill(0);
    if (this.next.length < count) this.next = new Int32Array(Math.max(count, 2 * this.next.length));
    for (let i = 0; i < count; i++) {
      if (Number.isNaN(xs[i])) continue;
      const cx = Math.floor(xs[i] / cellSize), cy = Math.floor(ys[i] / cellSize);
      const slot = this.slot(cx, cy, true);
      this.next[i] = this.heads[slot];
      this.heads[slot] = i;
    }
  }

  /**
   * Writes into `out` the indexed points in the cells overlapping the square of half-side
   * `radius` around (x, y), and returns how many. Returns −1 (writing nothing) when the square
   * spans more than `maxCells` cells or `out` is too small, so the caller can fall back to a
   * scan of all points.
   */
  query(x: number, y: number, radius: number, maxCells: number, out: Int32Array): number {
    const c = this.cell;
    const x0 = Math.floor((x - radius) / c), x1 = Math.floor((x + radius) / c);
    const y0 = Math.floor((y - radius) / c), y1 = Math.floor((y + radius) / c);
    if ((x1 - x0 + 1) * (y1 - y0 + 1) > maxCells) return -1;
    let k = 0;
    for (let cx = x0; cx <= x1; cx++) {
      for (let cy = y0; cy <= y1; cy++) {
        const slot = this.slot(cx, cy, false);
        if (slot < 0) continue;
        for (let i = this.heads[slot]; i >= 0; i = this.next[i]) {
          if (k === out.length) return -1;
          out[k++] = i;
        }
      }
    }
    return k;
  }

  /** Finds (or with `insert`, creates) the hash slot of cell (cx, cy); -1 when absent. */
  private slot(cx: number, cy: number, insert: boolean): number {
    const mask = this.capacity - 1;
    let h = (Math.imul(cx, 0x9e3779b1) ^ Math.imul(cy, 0x85ebca77)) & mask;
    for (;;) {
      if (!this.used[h]) {
        if (!insert) return -1;
        this.used[h] = 1;
        this.keysX[h] = cx;
        this.keysY[h] = cy;
        this.heads[h] = -1;
        return h;
      }
      if (this.keysX[h] === cx && this.keysY[h] === cy) return h;
      h = (h + 1) & mask;
    }
  }
}
