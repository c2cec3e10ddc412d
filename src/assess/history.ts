/**
 * A track's recent kinematic history as the assessment saw it: one sample per assessment, in
 * typed-array columns of a ring buffer (a thousand tracks assessed twice a second for an hour
 * must not allocate an object per sample), plus the first seconds of the track kept apart for
 * the launch-point back-projection.
 */

/** One assessed state: position, velocity and the position covariance's blocks that events use. */
export interface Sample {
  timeMs: number;
  e: number;
  n: number;
  u: number;
  ve: number;
  vn: number;
  vu: number;
  /** Horizontal position covariance [m²] and vertical variance. */
  pee: number;
  pen: number;
  pnn: number;
  puu: number;
  /** Horizontal velocity variance (trace / 2) [m²/s²]. */
  pvv: number;
}

const FIELDS = ['timeMs', 'e', 'n', 'u', 've', 'vn', 'vu', 'pee', 'pen', 'pnn', 'puu', 'pvv'] as const;
type Field = (typeof FIELDS)[number];

export class History {
  private cols: Record<Field, Float64Array>;
  private head = 0;
  private size = 0;

  constructor(private capacity = 8, readonly maxAgeMs = 240_000) {
    this.cols = makeCols(capacity);
  }

  get length(): number {
    return this.size;
  }

  /** Appends a sample, dropping those older than maxAgeMs (grows while they are younger). */
  push(s: Sample): void {
    while (this.size > 0 && s.timeMs - this.get(0, 'timeMs') > this.maxAgeMs) this.dropOldest();
    if (this.size === this.capacity) this.grow();
    const i = (this.head + this.size) % this.capacity;
    for (const f of FIELDS) this.cols[f][i] = s[f];
    this.size++;
  }

  /** Field of the k-th sample, oldest first (k = length − 1 is the newest). */
  get(k: number, f: Field): number {
    return this.cols[f][(this.head + k) % this.capacity];
  }

  /** Index of the oldest sample at or after `timeMs` (length when none). */
  indexFrom(timeMs: number): number {
    let lo = 0, hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.get(mid, 'timeMs') < timeMs) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  sample(k: number): Sample {
    const s = {} as Sample;
    for (const f of FIELDS) s[f] = this.get(k, f);
    return s;
  }

  private dropOldest(): void {
    this.head = (this.head + 1) % this.capacity;
    this.size--;
  }

  private grow(): void {
    const c = this.capacity * 2;
    const next = makeCols(c);
    for (const f of FIELDS) for (let k = 0; k < this.size; k++) next[f][k] = this.get(k, f);
    this.cols = next;
    this.capacity = c;
    this.head = 0;
  }
}

function makeCols(c: number): Record<Field, Float64Array> {
  const o = {} as Record<Field, Float64Array>;
  for (const f of FIELDS) o[f] = new Float64Array(c);
  return o;
}

/** Extracts a Sample from a track estimator's state (2-D or 3-D layout). */
export function sampleOf(timeMs: number, x: ArrayLike<number>, P: ArrayLike<number>, dims: 2 | 3, n: number, out: Sample): Sample {
  out.timeMs = timeMs;
  out.e = x[0];
  out.n = x[1];
  out.u = dims === 3 ? x[2] : 0;
  out.ve = x[dims];
  out.vn = x[dims + 1];
  out.vu = dims === 3 ? x[dims + 2] : 0;
  out.pee = P[0];
  out.pen = P[1];
  out.pnn = P[n + 1];
  out.puu = dims === 3 ? P[2 * n + 2] : 1e6;
  out.pvv = 0.5 * (P[dims * n + dims] + P[(dims + 1) * n + dims + 1]);
  return out;
}
