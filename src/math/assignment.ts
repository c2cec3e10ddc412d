/**
 * Minimum-cost rectangular linear assignment.
 *
 * Algorithm: Jonker–Volgenant style shortest augmenting paths with dual variables, in the
 * rectangular form of Crouse ("On implementing 2D rectangular assignment algorithms",
 * IEEE TAES 2016) — the same scheme SciPy's `linear_sum_assignment` uses. Rows are added one at
 * a time; each addition runs a Dijkstra search over reduced costs `c[i][j] - u[i] - v[j]`
 * (non-negative for every already-assigned row, which is what makes Dijkstra valid), augments
 * along the shortest path and updates the duals so that the invariant holds again. Every row
 * costs O(rows·cols) at worst, so a call is O(rows²·cols) ≤ O(n³); when a row's cheapest
 * column is free (the common case in tracking: well-separated targets) the row costs one pass
 * over its columns.
 *
 * Why a class: the tracker calls this once per cluster per scan and GOSPA once per scan with up
 * to ~900×900. All scratch arrays live in the instance and only grow, so a warm solver
 * allocates nothing per call.
 *
 * Forbidden pairs: `+Infinity` entries. They are replaced internally by a finite BIG chosen so
 * large that one more forbidden pair always costs more than any difference in finite cost
 * (BIG > n·range of the finite entries). The optimum of the substituted problem therefore
 * (1) uses as few forbidden pairs as possible — i.e. it is a maximum-cardinality matching over
 * the allowed pairs — and (2) among those has the least finite cost. Forbidden pairs that the
 * optimum is forced to use are reported as -1. The search itself never sees an infinity, so it
 * always terminates.
 */

/** Minimum-cost rectangular assignment solver with a reusable workspace (not thread-safe; one per user). */
export class AssignmentSolver {
  // Working cost matrix (possibly transposed / with Infinity substituted), nr×nc row-major.
  private work = new Float64Array(0);
  // Dual variables: u per (working) row, v per (working) column.
  private u = new Float64Array(0);
  private v = new Float64Array(0);
  // Dijkstra state per working column: tentative shortest path cost, predecessor row, column → row.
  private spc = new Float64Array(0);
  private path = new Int32Array(0);
  private row4col = new Int32Array(0);
  private remaining = new Int32Array(0);
  // Working row → column.
  private col4row = new Int32Array(0);

  /**
   * Solves min Σ cost[i, rowToCol[i]] over assignments.
   *
   * @param cost row-major rows×cols matrix; finite entries may be negative; `+Infinity` marks a
   *   forbidden pair. NaN and `-Infinity` are rejected (they have no meaning as a cost).
   * @param rowToCol output (length ≥ rows): column of each row, or -1. When rows ≤ cols every row
   *   gets a column; when rows > cols every column gets a row and the surplus rows get -1. A pair
   *   that is only possible through a forbidden (`+Infinity`) entry is reported as -1.
   * @param colToRow optional output (length ≥ cols): the inverse map, -1 where unassigned.
   * @returns the total cost of the reported (finite) pairs. If some rows had to be left at -1
   *   because of forbidden entries, their infinite cost is not included — check `rowToCol`.
   */
  solve(cost: Float64Array, rows: number, cols: number, rowToCol: Int32Array, colToRow?: Int32Array): number {
    if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
      throw new RangeError(`AssignmentSolver: bad shape ${rows}×${cols}`);
    }
    if (cost.length < rows * cols) throw new RangeError('AssignmentSolver: cost array shorter than rows×cols');
    if (rowToCol.length < rows) throw new RangeError('AssignmentSolver: rowToCol shorter than rows');
    if (colToRow && colToRow.length < cols) throw new RangeError('AssignmentSolver: colToRow shorter than cols');
    rowToCol.fill(-1, 0, rows);
    if (colToRow) colToRow.fill(-1, 0, cols);
    if (rows === 0 || cols === 0) return 0;

    // One pass to validate and find the finite range (needed for BIG).
    const total = rows * cols;
    let hasInf = false;
    let minF = Infinity;
    let maxF = -Infinity;
    for (let k = 0; k < total; k++) {
      const c = cost[k];
      if (c === Infinity) {
        hasInf = true;
      } else if (c > -Infinity) {
        if (c < minF) minF = c;
        if (c > maxF) maxF = c;
      } else {
        // NaN fails both comparisons and lands here, as does -Infinity.
        throw new RangeError(`AssignmentSolver: invalid cost ${c} at (${Math.floor(k / cols)}, ${k % cols})`);
      }
    }

    const transpose = rows > cols;
    const nr = transpose ? cols : rows; // the algorithm needs nr ≤ nc
    const nc = transpose ? rows : cols;
    this.reserve(nr, nc, transpose || hasInf);

    let mat: Float64Array;
    if (!transpose && !hasInf) {
      // Fast path: work on the caller's matrix directly (no copy).
      mat = cost;
    } else {
      mat = this.work;
      // Shifting by minF leaves the optimal assignment unchanged (every assignment has exactly nr
      // pairs) and makes finite costs lie in [0, range], so BIG only has to beat nr·range.
      let shift = 0;
      let big = 0;
      if (hasInf) {
        if (minF === Infinity) {
          // Everything is forbidden: any assignment is as good as any other.
          minF = 0;
          maxF = 0;
        }
        shift = minF;
        const range = maxF - minF;
        big = (nr + 1) * range + 1;
        if (!Number.isFinite(big)) throw new RangeError('AssignmentSolver: finite costs too large to handle forbidden pairs');
      }
      if (transpose) {
        for (let i = 0; i < rows; i++) {
          for (let j = 0; j < cols; j++) {
            const c = cost[i * cols + j];
            mat[j * nc + i] = c === Infinity ? big : c - shift;
          }
        }
      } else {
        for (let k = 0; k < total; k++) {
          const c = cost[k];
          mat[k] = c === Infinity ? big : c - shift;
        }
      }
    }

    this.run(mat, nr, nc);

    // Map back and sum the true costs; forced forbidden pairs become -1.
    const col4row = this.col4row;
    let sum = 0;
    for (let i = 0; i < nr; i++) {
      const j = col4row[i];
      const r = transpose ? j : i; // original row
      const c = transpose ? i : j; // original column
      const cc = cost[r * cols + c];
      if (cc === Infinity) continue;
      rowToCol[r] = c;
      if (colToRow) colToRow[c] = r;
      sum += cc;
    }
    return sum;
  }

  /** Grows the workspace to hold an nr×nc problem (never shrinks). */
  private reserve(nr: number, nc: number, needWork: boolean): void {
    if (needWork && this.work.length < nr * nc) this.work = new Float64Array(grow(this.work.length, nr * nc));
    if (this.u.length < nr) {
      const n = grow(this.u.length, nr);
      this.u = new Float64Array(n);
      this.col4row = new Int32Array(n);
    }
    if (this.v.length < nc) {
      const n = grow(this.v.length, nc);
      this.v = new Float64Array(n);
      this.spc = new Float64Array(n);
      this.path = new Int32Array(n);
      this.row4col = new Int32Array(n);
      this.remaining = new Int32Array(n);
    }
  }

  /** Core: all-finite nr×nc matrix, nr ≤ nc. Leaves the answer in col4row. */
  private run(c: Float64Array, nr: number, nc: number): void {
    const { u, v, spc, path, row4col, col4row, remaining } = this;
    u.fill(0, 0, nr);
    v.fill(0, 0, nc);
    row4col.fill(-1, 0, nc);
    col4row.fill(-1, 0, nr);

    for (let cur = 0; cur < nr; cur++) {
      // --- Dijkstra from free row `cur` over reduced costs to the nearest free column. ---
      // Filling `remaining` in reverse makes a constant matrix come out as the identity, which is
      // what a reader of a tie expects.
      for (let k = 0; k < nc; k++) remaining[k] = nc - 1 - k;
      spc.fill(Infinity, 0, nc);
      let numRemaining = nc;
      let minVal = 0;
      let i = cur;
      let sink = -1;
      while (sink < 0) {
        const base = i * nc;
        const ui = u[i];
        let lowest = Infinity;
        let index = -1;
        for (let k = 0; k < numRemaining; k++) {
          const j = remaining[k];
          const r = minVal + c[base + j] - ui - v[j];
          let s = spc[j];
          if (r < s) {
            path[j] = i;
            spc[j] = r;
            s = r;
          }
          // On ties prefer a free column: it ends the search at once (matters for the many
          // equal entries of a GOSPA matrix, all capped at c^p).
          if (s < lowest || (s === lowest && row4col[j] < 0)) {
            lowest = s;
            index = k;
          }
        }
        // The matrix is finite, so lowest is finite and index ≥ 0.
        minVal = lowest;
        const j = remaining[index];
        if (row4col[j] < 0) sink = j;
        else i = row4col[j];
        // Move the scanned column to the tail; the tail [numRemaining, nc) is the scanned set.
        numRemaining--;
        remaining[index] = remaining[numRemaining];
        remaining[numRemaining] = j;
      }

      // --- Dual update, only over the scanned columns and their rows (not all nr/nc). ---
      u[cur] += minVal;
      for (let k = numRemaining; k < nc; k++) {
        const j = remaining[k];
        const d = minVal - spc[j];
        v[j] -= d;
        if (j !== sink) u[row4col[j]] += d; // rows reached through j (col4row[row] === j)
      }

      // --- Augment along the predecessor chain. ---
      let j = sink;
      for (;;) {
        const r = path[j];
        row4col[j] = r;
        const prev = col4row[r];
        col4row[r] = j;
        j = prev;
        if (r === cur) break;
      }
    }
  }
}

function grow(have: number, need: number): number {
  return Math.max(need, Math.ceil(have * 1.5), 16);
}
