/**
 * A synthetic load for the server benchmark: N drones broadcasting Remote ID once a second over
 * a 20 × 20 km sector, each on its own slow circle (so every track changes every update), from a
 * fixed seed. Remote ID carries a serial per drone, so association is unambiguous and the load is
 * what the issue asks for — N simultaneous tracks at 1 Hz — not a tracking puzzle.
 */
import type { Bus } from '../../src/bus/bus.js';
import { LocalFrame } from '../../src/geo/enu.js';
import type { Detection } from '../../src/model/detection.js';
import type { Site } from '../../src/pipeline/site.js';
import { Random } from '../../src/scenario/random.js';
import { sensorConfigSchema } from '../../src/sim/sensor-models.js';

const ORIGIN = { latDeg: 26.09, lonDeg: -98.25, heightAboveEllipsoidM: 10 };
const HALF_M = 10_000;

export function swarmSite(): Site {
  return {
    name: 'swarm', description: 'server benchmark: Remote ID swarm', origin: ORIGIN,
    region: { xmin: -HALF_M - 2000, xmax: HALF_M + 2000, ymin: -HALF_M - 2000, ymax: HALF_M + 2000 },
    sensors: [sensorConfigSchema.parse({ id: 'rid', kind: 'remoteid', position: { ...ORIGIN, heightAboveEllipsoidM: 20 }, maxRangeM: 30_000, halfPdRangeM: 100_000, pdMax: 1 })],
    zones: { type: 'FeatureCollection', features: [] },
  };
}

interface Drone {
  serial: string;
  cx: number;
  cy: number;
  r: number;
  w: number;
  phase: number;
  h: number;
  /** Wall time of its next broadcast [ms]. */
  nextMs: number;
}

export class SwarmSource {
  private readonly drones: Drone[] = [];
  private readonly frame = LocalFrame.fromDegrees(ORIGIN);
  private readonly geo = new Float64Array(3);
  emitted = 0;
  /** Next drone to broadcast (drones are sorted by their phase within the second). */
  private cursor = 0;

  constructor(count: number, private readonly bus: Bus, private readonly startMs: number, seed = 7) {
    const rng = new Random(seed);
    for (let i = 0; i < count; i++) {
      this.drones.push({
        serial: `SWARM${String(i).padStart(5, '0')}`,
        cx: rng.uniform(-HALF_M, HALF_M), cy: rng.uniform(-HALF_M, HALF_M), r: rng.uniform(100, 400),
        w: rng.uniform(0.02, 0.05) * (rng.next() < 0.5 ? -1 : 1), phase: rng.uniform(0, 2 * Math.PI), h: rng.uniform(30, 120),
        // Spread over the second, as independent transmitters are.
        nextMs: startMs + Math.floor(rng.next() * 1000),
      });
    }
    this.drones.sort((a, b) => a.nextMs - b.nextMs);
  }

  /**
   * Publishes every broadcast due by `nowMs`, in time order (as a radio receiver hears them: a
   * source that sent one drone's backlog before the next's would make fusion drop them as late).
   * All drones share the 1 s period, so their order by phase within the second is the time order.
   */
  emitUntil(nowMs: number): number {
    let n = 0;
    const ds = this.drones;
    for (;;) {
      const d = ds[this.cursor];
      if (d.nextMs > nowMs) break;
      this.bus.publish('detections', this.broadcast(d, d.nextMs));
      d.nextMs += 1000;
      this.cursor = (this.cursor + 1) % ds.length;
      n++;
    }
    this.emitted += n;
    return n;
  }

  private broadcast(d: Drone, timeMs: number): Detection {
    const t = (timeMs - this.startMs) / 1000, a = d.phase + d.w * t;
    const e = d.cx + d.r * Math.cos(a), n = d.cy + d.r * Math.sin(a);
    const ve = -d.r * d.w * Math.sin(a), vn = d.r * d.w * Math.cos(a);
    const g = this.frame.enuToGeodetic(e, n, d.h, this.geo);
    return {
      sensorId: 'rid', timeMs,
      measurement: { kind: 'gnss', latDeg: g[0], lonDeg: g[1], heightAboveEllipsoidM: g[2], horizontalAccuracyM: 10, verticalAccuracyM: 15, velocityEnuMps: [ve, vn, 0] },
      evidence: { remoteId: { serial: d.serial } },
    };
  }
}
