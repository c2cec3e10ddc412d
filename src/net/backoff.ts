/**
 * Exponential reconnect backoff: initial, initial·factor, … capped at max, with optional jitter.
 *
 * Jitter spreads the reconnects of many Centinela nodes after a TAK server restart, so they do
 * not all arrive in the same instant; tests set it to 0 for exact delays.
 */
export interface BackoffOptions {
  /** First delay, ms (default 500). */
  initialMs?: number;
  /** Cap, ms (default 30 000). */
  maxMs?: number;
  /** Growth per failed attempt (default 2). */
  factor?: number;
  /** Fraction of the delay drawn at random, 0–1 (default 0.2): delay · (1 − jitter·u), u ∈ [0, 1). */
  jitter?: number;
}

export class Backoff {
  private attempt = 0;
  readonly initialMs: number;
  readonly maxMs: number;
  readonly factor: number;
  readonly jitter: number;

  constructor(o: BackoffOptions = {}, private readonly random: () => number = Math.random) {
    this.initialMs = o.initialMs ?? 500;
    this.maxMs = o.maxMs ?? 30_000;
    this.factor = o.factor ?? 2;
    this.jitter = Math.min(Math.max(o.jitter ?? 0.2, 0), 1);
    if (!(this.initialMs > 0) || !(this.maxMs >= this.initialMs) || !(this.factor >= 1)) throw new RangeError('bad backoff options');
  }

  /** The delay before the next attempt, and counts the attempt. */
  next(): number {
    const base = Math.min(this.maxMs, this.initialMs * Math.pow(this.factor, this.attempt));
    this.attempt = Math.min(this.attempt + 1, 64);
    return Math.round(base * (1 - this.jitter * this.random()));
  }

  /** After a connection that worked: start again from the initial delay. */
  reset(): void {
    this.attempt = 0;
  }
}
