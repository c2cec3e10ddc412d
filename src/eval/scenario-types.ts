/**
 * Minimal TypeScript view of a `cuas-mtt-scenario` v1 file (../shared/scenarios/FORMAT.md).
 *
 * Only what evaluation needs is typed strictly; the tracker team may extend or replace this
 * (e.g. with a zod schema). Units: metres, seconds, radians.
 */

/** One truth state: [t, x, y, vx, vy] (s, m, m, m/s, m/s). */
export type StateRow = [number, number, number, number, number];

export interface Area {
  xmin: number;
  xmax: number;
  ymin: number;
  ymax: number;
}

export interface ScenarioSensor {
  id: string;
  type: 'cartesian' | 'range_bearing';
  pd: number;
  clutter_rate: number;
  clutter_density: number;
  measurement?: string[];
  /** cartesian: per-axis noise std [m] */
  sigma_xy?: number;
  /** range_bearing: radar position [m] */
  position?: [number, number];
  sigma_r?: number;
  sigma_bearing?: number;
}

export interface ScenarioTruth {
  id: number;
  birth_scan: number;
  n_manoeuvres?: number;
  /** consecutive scans while alive and inside the area */
  states: StateRow[];
}

export interface ScenarioScan {
  k: number;
  t: number;
  sensor: string;
  /** [x, y] for cartesian sensors, [r, bearing] for range_bearing */
  z: [number, number][];
  /** ground-truth origin per measurement (target id or -1 for clutter) — evaluation only */
  origin: number[];
}

export interface ScenarioStats {
  num_targets: number;
  num_true_detections: number;
  num_clutter: number;
  num_measurements: number;
  mean_alive: number;
  max_alive: number;
  num_truth_states: number;
}

export interface Scenario {
  format: 'cuas-mtt-scenario';
  version: 1;
  name: string;
  seed: number;
  generator?: string;
  dim?: number;
  area: Area;
  t0: number;
  scan_interval: number;
  num_scans: number;
  sensors: ScenarioSensor[];
  stats?: ScenarioStats;
  truth: ScenarioTruth[];
  scans: ScenarioScan[];
}

/**
 * The part of a scenario that truth extraction reads. Structural and read-only on purpose, so a
 * scenario typed elsewhere (e.g. inferred from a zod schema with optional fields and
 * `number[][]` rows) can be passed without conversion.
 */
export interface ScenarioTruthSource {
  name: string;
  t0: number;
  scan_interval: number;
  num_scans: number;
  truth: ReadonlyArray<{ id: number; states: ReadonlyArray<ReadonlyArray<number>> }>;
}

/** The part of a scenario that the raw-oracle floor reads (needs the ground-truth `origin`). */
export interface ScenarioMeasurementSource extends ScenarioTruthSource {
  sensors: ReadonlyArray<{ id: string; type: string }>;
  scans: ReadonlyArray<{
    k: number;
    t: number;
    sensor: string;
    z: ReadonlyArray<ReadonlyArray<number>>;
    origin?: ReadonlyArray<number>;
  }>;
}
