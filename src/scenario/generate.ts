import type { CuasScenario } from './cuas-format.js';
import { Random } from './random.js';

export interface ManoeuvreScenarioOptions {
  seed: number;
  targets: number;
  scans: number;
  /** Half-width of the square area [m]. */
  halfWidth: number;
  sigma: number;
  pd: number;
  clutterPerScan: number;
  /** Hard-turn rate [rad/s]. */
  turnRate: number;
}

/**
 * A drone-like scenario in the cuas-mtt-scenario format: each target alternates straight legs,
 * hard coordinated turns and hovers (stop, hold, go) — what border drones do over a drop point,
 * and what a plain constant-velocity filter handles badly.
 */
export function generateManoeuvreScenario(o: ManoeuvreScenarioOptions): CuasScenario {
  const rng = new Random(o.seed);
  const area = { xmin: -o.halfWidth, xmax: o.halfWidth, ymin: -o.halfWidth, ymax: o.halfWidth };
  const truth: CuasScenario['truth'] = [];
  for (let id = 0; id < o.targets; id++) {
    let x = rng.uniform(-0.5, 0.5) * o.halfWidth, y = rng.uniform(-0.5, 0.5) * o.halfWidth;
    let heading = rng.uniform(0, 2 * Math.PI), speed = rng.uniform(8, 18);
    const cruise = speed;
    let mode: 'straight' | 'turn' | 'hover' = 'straight', left = 5 + Math.floor(rng.uniform(0, 10)), w = 0;
    const states: number[][] = [];
    for (let k = 0; k < o.scans; k++) {
      if (x < area.xmin || x > area.xmax || y < area.ymin || y > area.ymax) break;
      states.push([k, x, y, speed * Math.cos(heading), speed * Math.sin(heading)]);
      if (--left <= 0) {
        const r = rng.next();
        if (mode !== 'straight') {
          mode = 'straight';
          left = 8 + Math.floor(rng.uniform(0, 10));
        } else if (r < 0.5) {
          mode = 'turn';
          w = (rng.next() < 0.5 ? -1 : 1) * o.turnRate;
          left = 4 + Math.floor(rng.uniform(0, 6));
        } else {
          mode = 'hover';
          left = 8 + Math.floor(rng.uniform(0, 12));
        }
      }
      // Speed eases to zero in a hover and back to cruise after it, as a multirotor brakes.
      const target = mode === 'hover' ? 0 : cruise;
      speed += Math.max(-4, Math.min(4, target - speed));
      if (mode === 'turn') heading += w;
      // Steer back towards the centre when near the edge, so targets stay in the area.
      if (Math.hypot(x, y) > 0.8 * o.halfWidth && mode === 'straight') heading = Math.atan2(-y, -x) + rng.uniform(-0.3, 0.3);
      x += speed * Math.cos(heading) + 0.2 * rng.normal();
      y += speed * Math.sin(heading) + 0.2 * rng.normal();
    }
    truth.push({ id, birth_scan: 0, states });
  }
  const scans: CuasScenario['scans'] = [];
  const span = 2 * o.halfWidth;
  for (let k = 0; k < o.scans; k++) {
    const z: number[][] = [], origin: number[] = [];
    for (const tr of truth) {
      const s = tr.states.find((st) => st[0] === k);
      if (!s || rng.next() >= o.pd) continue;
      z.push([s[1] + o.sigma * rng.normal(), s[2] + o.sigma * rng.normal()]);
      origin.push(tr.id);
    }
    const nc = rng.poisson(o.clutterPerScan);
    for (let c = 0; c < nc; c++) {
      z.push([rng.uniform(area.xmin, area.xmax), rng.uniform(area.ymin, area.ymax)]);
      origin.push(-1);
    }
    scans.push({ k, t: k, sensor: 'pos0', z, origin });
  }
  return {
    format: 'cuas-mtt-scenario', version: 1, name: `manoeuvre-${o.seed}`, seed: o.seed, dim: 2, area,
    t0: 0, scan_interval: 1, num_scans: o.scans,
    sensors: [{
      id: 'pos0', type: 'cartesian', pd: o.pd, clutter_rate: o.clutterPerScan,
      clutter_density: Math.max(o.clutterPerScan, 1e-9) / (span * span), sigma_xy: o.sigma,
    }],
    truth, scans,
  } as CuasScenario;
}
