/**
 * The simulator as a live source: a scenario played on the wall clock, its detections published
 * as they fall due, stamped with the wall time (so the demo looks and behaves like a live site and
 * operator actions, stamped with the wall clock too, fall on the same time line).
 *
 * (A faster demo runs the service on a virtual clock instead: time between detections stays true.)
 *
 * A scenario is a bounded night (border-night: 20 min); the source plays it in laps, each with the
 * next seed, so the demo runs for as long as it is left on and no two laps are the same. The
 * source holds no timer: its owner calls `emitUntil(now)` from one (tests call it directly).
 */
import type { Bus } from '../bus/bus.js';
import type { Detection } from '../model/detection.js';
import type { Scenario } from './scenario.js';
import { Simulation, type SimItem } from './simulator.js';

export interface LiveSimOptions {
  /** Seed of the first lap (default the scenario's); lap k runs seed + k. */
  seed?: number;
  /** First lap number (a restarted demo continues with the next lap). */
  firstLap?: number;
}

export class LiveSimSource {
  /** Laps begun (the current lap's number is lap). */
  lap: number;
  emitted = 0;
  private sim!: Simulation;
  private iter!: Iterator<SimItem>;
  private next: Detection | null = null;
  /** Wall time at which the current lap's scenario start plays [ms]. */
  private lapWallStartMs = 0;
  private readonly seed: number;

  constructor(private readonly scenario: Scenario, private readonly bus: Bus, startWallMs: number, opts: LiveSimOptions = {}) {
    this.seed = opts.seed ?? scenario.seed;
    this.lap = opts.firstLap ?? 0;
    this.beginLap(startWallMs);
  }

  /** Publishes every detection due by wall time `nowMs`; returns how many. */
  emitUntil(nowMs: number): number {
    let n = 0;
    for (;;) {
      const d = this.peek();
      if (d === null) {
        // Lap over: the next one starts where this one ended, not at `now` (no gap, no burst).
        const endWallMs = this.lapWallStartMs + (this.sim.endMs - this.sim.startMs);
        if (endWallMs > nowMs) return n;
        this.lap++;
        this.beginLap(endWallMs);
        continue;
      }
      const wallMs = this.wallOf(d.timeMs);
      if (wallMs > nowMs) return n;
      this.next = null;
      this.bus.publish('detections', { ...d, timeMs: wallMs });
      this.emitted++;
      n++;
    }
  }

  private wallOf(simMs: number): number {
    return this.lapWallStartMs + (simMs - this.sim.startMs);
  }

  private peek(): Detection | null {
    while (this.next === null) {
      const r = this.iter.next();
      if (r.done) return null;
      if (r.value.type === 'detection') this.next = r.value.detection;
    }
    return this.next;
  }

  private beginLap(wallStartMs: number): void {
    this.sim = new Simulation(this.scenario, { seed: this.seed + this.lap });
    this.iter = this.sim.run();
    this.next = null;
    this.lapWallStartMs = wallStartMs;
  }
}
