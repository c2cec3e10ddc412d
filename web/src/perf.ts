/**
 * Frame-time recorder: the interval between consecutive requestAnimationFrame callbacks, kept
 * in a ring buffer (the benchmark's measure of smoothness: p95 ≤ 50 ms with 2,000 tracks).
 */

const N = 2400;
const ring = new Float64Array(N);
let next = 0;
let count = 0;
let last = 0;

export function startFrameLoop(onFrame: (now: number) => void): void {
  const loop = (now: number) => {
    if (last) {
      ring[next] = now - last;
      next = (next + 1) % N;
      if (count < N) count++;
    }
    last = now;
    try {
      onFrame(now);
    } catch (err) {
      console.error('frame', err);
    }
    requestAnimationFrame(loop);
  };
  requestAnimationFrame(loop);
  // A hidden tab gets no frames: do not count the gap when it comes back.
  document.addEventListener('visibilitychange', () => {
    last = 0;
  });
}

/** Recorded frame intervals [ms], oldest first. */
export function frameTimes(): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push(ring[(next - count + i + N) % N]);
  return out;
}

export function resetFrameTimes(): void {
  next = 0;
  count = 0;
  last = 0;
}

const quantile = (sorted: number[], q: number): number => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : NaN);

export function frameStats(): { n: number; meanMs: number; p50Ms: number; p95Ms: number; p99Ms: number; maxMs: number } {
  const xs = frameTimes().sort((a, b) => a - b);
  const mean = xs.reduce((a, b) => a + b, 0) / (xs.length || 1);
  return { n: xs.length, meanMs: mean, p50Ms: quantile(xs, 0.5), p95Ms: quantile(xs, 0.95), p99Ms: quantile(xs, 0.99), maxMs: xs.length ? xs[xs.length - 1] : NaN };
}
