import type { ObjectClass } from '../../model/detection.js';
import type { TruthState } from '../types.js';

/**
 * A target's motion as a chain of analytic legs in the sector's ENU frame: straight lines at
 * constant velocity (climbs, cruises, descents, hovers with zero velocity) and horizontal
 * circles (a loiter orbit). Positions and velocities are exact at any instant, so sensors can
 * sample the world at their own rates and the truth is the same whichever rate samples it.
 *
 * Legs are stored as flat typed arrays and the lookup keeps a cursor, because the simulator asks
 * every object for its state at non-decreasing times (a thousand objects, several instants a
 * second, for an hour in `stress`). Times are seconds from the scenario start.
 */
export class Trajectory {
  /** Leg start/end times [s]. */
  private readonly t0: Float64Array;
  private readonly t1: Float64Array;
  /** 0 = straight leg, 1 = orbit. */
  private readonly kind: Uint8Array;
  /**
   * Per leg, 7 parameters. Straight: e0, n0, u0, ve, vn, vu, –.
   * Orbit: centre e, centre n, u0, radius, phase0 (compass angle of the position seen from the
   * centre at t0), angular rate ω [rad/s] (positive = clockwise seen from above), vu.
   */
  private readonly p: Float64Array;
  private cursor = 0;

  constructor(legs: readonly Leg[]) {
    if (legs.length === 0) throw new RangeError('a trajectory needs at least one leg');
    const k = legs.length;
    this.t0 = new Float64Array(k);
    this.t1 = new Float64Array(k);
    this.kind = new Uint8Array(k);
    this.p = new Float64Array(7 * k);
    legs.forEach((leg, i) => {
      this.t0[i] = leg.t0;
      this.t1[i] = leg.t1;
      const o = 7 * i;
      if (leg.kind === 'line') {
        this.p.set([leg.e0, leg.n0, leg.u0, leg.ve, leg.vn, leg.vu, 0], o);
      } else {
        this.kind[i] = 1;
        this.p.set([leg.ce, leg.cn, leg.u0, leg.radius, leg.phase0, leg.omega, leg.vu], o);
      }
    });
  }

  get startS(): number {
    return this.t0[0];
  }

  get endS(): number {
    return this.t1[this.t1.length - 1];
  }

  /**
   * Writes the kinematic part of the state at time `tS` into `out`; returns false (and leaves
   * `out` alone) when the target does not exist then (before launch, after landing).
   */
  stateAt(tS: number, out: Kinematics): boolean {
    const last = this.t0.length - 1;
    if (!(tS >= this.t0[0] && tS <= this.t1[last])) return false;
    let i = this.cursor;
    if (tS < this.t0[i]) i = 0; // a query back in time (analysis passes): restart the walk
    while (i < last && tS > this.t1[i]) i++;
    this.cursor = i;
    const o = 7 * i, p = this.p, dt = tS - this.t0[i];
    if (this.kind[i] === 0) {
      out.e = p[o] + p[o + 3] * dt;
      out.n = p[o + 1] + p[o + 4] * dt;
      out.u = p[o + 2] + p[o + 5] * dt;
      out.ve = p[o + 3];
      out.vn = p[o + 4];
      out.vu = p[o + 5];
    } else {
      const r = p[o + 3], w = p[o + 5];
      const phase = p[o + 4] + w * dt;
      const s = Math.sin(phase), c = Math.cos(phase);
      out.e = p[o] + r * s;
      out.n = p[o + 1] + r * c;
      out.u = p[o + 2] + p[o + 6] * dt;
      out.ve = r * w * c;
      out.vn = -r * w * s;
      out.vu = p[o + 6];
    }
    return true;
  }

  /** Resets the lookup cursor (before a pass that starts again from the beginning). */
  rewind(): void {
    this.cursor = 0;
  }
}

export interface Kinematics {
  e: number;
  n: number;
  u: number;
  ve: number;
  vn: number;
  vu: number;
}

export type Leg =
  | { kind: 'line'; t0: number; t1: number; e0: number; n0: number; u0: number; ve: number; vn: number; vu: number }
  | { kind: 'orbit'; t0: number; t1: number; ce: number; cn: number; u0: number; radius: number; phase0: number; omega: number; vu: number };

/**
 * Builds a trajectory by flying it: each call appends a leg from where the previous one ended.
 * Heights `u` are metres above the local ground, taken as the sector origin's level (the
 * Rio Grande valley is flat to a few metres over the sector).
 */
export class PathBuilder {
  private readonly legs: Leg[] = [];
  t: number;
  e: number;
  n: number;
  u: number;

  constructor(startS: number, e: number, n: number, u = 0) {
    this.t = startS;
    this.e = e;
    this.n = n;
    this.u = u;
  }

  /** Straight flight to (e, n, u) at a ground speed [m/s] (height changes along the way). */
  goTo(e: number, n: number, u: number, speedMps: number): this {
    const d = Math.hypot(e - this.e, n - this.n);
    const dz = Math.abs(u - this.u);
    // Pure vertical moves take the vertical rate as their speed.
    const dur = d > 1e-6 ? d / speedMps : dz / Math.max(speedMps, 1e-6);
    return this.moveTo(e, n, u, dur);
  }

  /** Straight move to (e, n, u) taking `durS` seconds. */
  moveTo(e: number, n: number, u: number, durS: number): this {
    if (!(durS > 0)) {
      this.e = e; this.n = n; this.u = u;
      return this;
    }
    this.legs.push({
      kind: 'line', t0: this.t, t1: this.t + durS, e0: this.e, n0: this.n, u0: this.u,
      ve: (e - this.e) / durS, vn: (n - this.n) / durS, vu: (u - this.u) / durS,
    });
    this.t += durS;
    this.e = e; this.n = n; this.u = u;
    return this;
  }

  /** Vertical climb or descent to height u at a vertical rate [m/s]. */
  verticalTo(u: number, rateMps: number): this {
    return this.moveTo(this.e, this.n, u, Math.abs(u - this.u) / rateMps);
  }

  /** Holds position for `durS` seconds. */
  hover(durS: number): this {
    return this.moveTo(this.e, this.n, this.u, durS);
  }

  /**
   * Circles (ce, cn) at the current height for `durS` seconds at `speedMps`, starting from the
   * point of the circle nearest the current position (the caller flies there first).
   */
  orbit(ce: number, cn: number, radius: number, speedMps: number, durS: number, clockwise = true): this {
    const phase0 = Math.atan2(this.e - ce, this.n - cn);
    const omega = ((clockwise ? 1 : -1) * speedMps) / radius;
    this.legs.push({ kind: 'orbit', t0: this.t, t1: this.t + durS, ce, cn, u0: this.u, radius, phase0, omega, vu: 0 });
    const phase = phase0 + omega * durS;
    this.t += durS;
    this.e = ce + radius * Math.sin(phase);
    this.n = cn + radius * Math.cos(phase);
    return this;
  }

  build(): Trajectory {
    if (this.legs.length === 0) this.hover(1e-3);
    return new Trajectory(this.legs);
  }
}

/** What a target is, apart from where: the constant part of its TruthState and its story. */
export interface TargetMeta {
  id: number;
  /** Generator that made it (the scenario's target type). */
  type: string;
  /** Human-readable label ("smuggling run 3"). */
  label: string;
  cls: ObjectClass;
  rcsM2: number;
  acousticLevel: number;
  rf: TruthState['rf'];
  remoteId: TruthState['remoteId'];
  icao: string | null;
  callsign: string | null;
  /** Where it took off (ENU, ground level), when it took off in the sector. */
  launch: { timeS: number; e: number; n: number } | null;
  /** Payload releases. */
  drops: { timeS: number; e: number; n: number; u: number }[];
  /** Whether it is a threat in the scenario's story (smuggling, fibre-optic, recon). */
  threat: boolean;
  /** Fibre-optic runs: the spool length that bounds the flight [m]. */
  cableLengthM?: number;
}

/** A target: what it is and how it moves. */
export interface SimTarget {
  meta: TargetMeta;
  trajectory: Trajectory;
}
