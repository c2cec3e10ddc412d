/**
 * Replay: the store's detections read back through a fresh Pipeline — the same code as live — on
 * a virtual clock that runs `speed` times faster than the wall clock (up to 1000×). What the
 * replay pipeline concludes goes to `onUpdate` (the server streams it marked as replay); it never
 * touches the live bus or the store.
 *
 * Seeking re-runs the pipeline from the start of the window to the new time without emitting:
 * tracker state is the product of everything before it, so there is no cheaper honest way.
 */
import type { Store } from '../store/store.js';
import type { Detection } from '../model/detection.js';
import { Pipeline, type TrackUpdateExtras } from './pipeline.js';
import type { Site } from './site.js';
import type { TrackUpdate } from './views.js';

export interface ReplayState {
  running: boolean;
  paused: boolean;
  speed: number;
  /** Replay time [ms] (virtual). */
  timeMs: number | null;
  fromMs: number | null;
  toMs: number | null;
  /** Detections fed so far. */
  detections: number;
}

export interface ReplayHost {
  /** Wall clock [ms]. */
  now: () => number;
  setInterval: (fn: () => void, ms: number) => unknown;
  clearInterval: (handle: unknown) => void;
}

export const MAX_REPLAY_SPEED = 1000;
export const MIN_REPLAY_SPEED = 0.1;
/** Wall-clock step of the replay loop [ms]. */
const STEP_MS = 50;

export class Replay {
  private pipeline: Pipeline | null = null;
  private iter: Iterator<Detection> | null = null;
  private pending: Detection | null = null;
  private handle: unknown = null;
  private lastWallMs = 0;
  private state: ReplayState = { running: false, paused: false, speed: 1, timeMs: null, fromMs: null, toMs: null, detections: 0 };

  constructor(
    private readonly site: Site,
    private readonly store: Store,
    private readonly host: ReplayHost,
    private readonly onUpdate: (u: TrackUpdate, extras: TrackUpdateExtras) => void,
    private readonly onState: (s: ReplayState) => void = () => {},
  ) {}

  get status(): ReplayState {
    return { ...this.state };
  }

  /** Starts (or restarts) a replay of [fromMs, toMs] at `speed`. */
  start(fromMs: number, toMs: number | null, speed: number): ReplayState {
    this.stopLoop();
    const span = this.store.detectionSpan();
    const to = toMs ?? span?.lastMs ?? fromMs;
    if (!(to >= fromMs)) throw new RangeError(`replay window ends (${to}) before it starts (${fromMs})`);
    this.state = { running: true, paused: false, speed: clampSpeed(speed), timeMs: fromMs, fromMs, toMs: to, detections: 0 };
    this.open(fromMs, to, true);
    this.startLoop();
    this.onState(this.status);
    return this.status;
  }

  pause(): ReplayState {
    if (this.state.running && !this.state.paused) {
      this.state.paused = true;
      this.stopLoop();
      this.onState(this.status);
    }
    return this.status;
  }

  resume(): ReplayState {
    if (this.state.running && this.state.paused) {
      this.state.paused = false;
      this.startLoop();
      this.onState(this.status);
    }
    return this.status;
  }

  setSpeed(speed: number): ReplayState {
    this.state.speed = clampSpeed(speed);
    this.onState(this.status);
    return this.status;
  }

  /** Jumps to `timeMs` within the window: re-runs the pipeline from the window's start to there, silently. */
  seek(timeMs: number): ReplayState {
    const { fromMs, toMs } = this.state;
    if (!this.state.running || fromMs === null || toMs === null) throw new RangeError('no replay is running');
    const t = Math.min(Math.max(timeMs, fromMs), toMs);
    this.open(fromMs, toMs, false);
    this.feedUntil(t);
    this.pipeline!.advanceTo(t);
    this.emitOn();
    this.state.timeMs = t;
    this.onState(this.status);
    return this.status;
  }

  stop(): ReplayState {
    this.stopLoop();
    this.pipeline?.close();
    this.pipeline = null;
    this.iter = null;
    this.pending = null;
    this.state = { ...this.state, running: false, paused: false };
    this.onState(this.status);
    return this.status;
  }

  /** Advances the virtual clock by `wallMs` × speed and feeds what falls in it (the loop's body; tests call it directly). */
  step(wallMs: number): void {
    if (!this.state.running || this.state.paused || this.state.timeMs === null) return;
    const t = Math.min(this.state.timeMs + wallMs * this.state.speed, this.state.toMs!);
    this.feedUntil(t);
    this.pipeline!.advanceTo(t);
    this.state.timeMs = t;
    if (t >= this.state.toMs! && this.pending === null) {
      this.pipeline!.flush();
      this.stop();
    }
  }

  private emitting = true;

  private open(fromMs: number, toMs: number, emit: boolean): void {
    this.pipeline?.close();
    this.emitting = emit;
    this.pipeline = new Pipeline(this.site, null, {
      publish: false,
      onUpdate: (u, x) => {
        if (this.emitting) this.onUpdate(u, x);
      },
    });
    this.iter = this.store.detections({ fromMs, toMs });
    this.pending = null;
    this.state.detections = 0;
  }

  private emitOn(): void {
    this.emitting = true;
  }

  private feedUntil(t: number): void {
    const it = this.iter!, p = this.pipeline!;
    for (;;) {
      if (this.pending === null) {
        const r = it.next();
        if (r.done) return;
        this.pending = r.value;
      }
      if (this.pending.timeMs > t) return;
      p.push(this.pending);
      this.state.detections++;
      this.pending = null;
    }
  }

  private startLoop(): void {
    this.lastWallMs = this.host.now();
    this.handle = this.host.setInterval(() => {
      const now = this.host.now();
      const dt = now - this.lastWallMs;
      this.lastWallMs = now;
      this.step(dt);
    }, STEP_MS);
  }

  private stopLoop(): void {
    if (this.handle !== null) this.host.clearInterval(this.handle);
    this.handle = null;
  }
}

function clampSpeed(s: number): number {
  if (!Number.isFinite(s)) throw new RangeError(`replay speed must be a number, got ${s}`);
  return Math.min(Math.max(s, MIN_REPLAY_SPEED), MAX_REPLAY_SPEED);
}
