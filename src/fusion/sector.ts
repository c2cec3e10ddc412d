/**
 * The bridge from Detections (the external vocabulary, WGS84 at the edges) to the tracker for one
 * sector. It owns the sector's LocalFrame, turns each sensor's configuration into the tracker's
 * SensorSpec, turns each detection into the sensor model's measurement vector (and, for
 * self-reported positions, its own noise covariance and identity), groups the detections of one
 * sensor and instant into a Scan, and hands scans to the tracker through a ReorderBuffer so
 * late sensors cannot break time order. Malformed detections are counted by reason and dropped,
 * never thrown: one bad packet must not stop a sector.
 *
 * Sensor → measurement model:
 *   radar              → PolarRadar: range, azimuth, elevation, range rate
 *   radar              → (range rate only when the config says `measuresRangeRate`)
 *   acoustic, eoir     → BearingOnly with elevation (azimuth and elevation)
 *   rf                 → BearingOnly, azimuth only (the RF direction finders give no elevation)
 *   remoteid, adsb     → CartesianPosition(3, 'gnss') with per-detection R from the broadcast
 *                        95 % accuracy bounds: σ = bound / 1.96 per axis (horizontal bound on east
 *                        and north, vertical bound on up), identity from `identityOf(evidence)`.
 */
import type { LocalFrame } from '../geo/enu.js';
import { detectionSchema, identityOf, type Detection, type SensorKind } from '../model/detection.js';
import { BearingOnly } from '../tracking/measurement/bearing.js';
import { CartesianPosition } from '../tracking/measurement/cartesian.js';
import { PolarRadar } from '../tracking/measurement/polar.js';
import { trackerPreset } from '../tracking/presets.js';
import type { Box } from '../tracking/region.js';
import { ReorderBuffer } from '../tracking/reorder.js';
import type { Scan } from '../tracking/scan.js';
import type { Coverage, SensorSpec } from '../tracking/sensor.js';
import type { SensorConfig } from '../sim/sensor-models.js';
import type { Track } from '../tracking/track.js';
import { Tracker } from '../tracking/tracker.js';

/** Why fusion refused a detection before the tracker saw it. */
export type FusionRejectReason =
  | 'unknown-sensor'
  | 'wrong-measurement'
  | 'missing-component'
  | 'non-finite'
  | 'invalid'
  | 'late';

export interface SectorFusionOptions {
  /** Tracker preset (default "default"). */
  tracker?: string;
  /** How long scans wait for late ones [ms] (default 300). */
  reorderWindowMs?: number;
  /** Surveilled region (tracks leaving it end). */
  region?: Box | null;
  /** Validate every detection against the zod schema (for input from outside; the simulator's output is trusted). */
  validate?: boolean;
  /** Called just before the tracker processes a scan, with the scan time (evaluation hooks in here). */
  beforeScan?: (timeMs: number) => void;
}

const DEG = Math.PI / 180;
/**
 * False detections per scan assumed at least, even from a sensor that claims none: a zero
 * clutter density would make every unexplained detection a certain target.
 */
const MIN_FALSE_PER_SCAN = 0.05;
/**
 * The tracker takes one Pd per sensor, but the passive and cooperative models roll Pd off with
 * range (Pd = pdMax / (1 + (r / r½)^k)): inside coverage the typical value is below pdMax.
 */
const TYPICAL_PD_FRACTION = 0.8;
/**
 * A bearing fits every object along its line, so for a passive sensor the bearings of the other
 * objects it hears act as clutter for any one track: count a few of them with the false alarms.
 */
const OTHER_OBJECTS_PER_SCAN = 2;

interface OpenScan {
  timeMs: number;
  count: number;
  z: number[];
  R: number[];
  ownR: boolean;
  ids: (string | null)[];
  anyId: boolean;
}

export class SectorFusion {
  readonly specs: SensorSpec[];
  readonly tracker: Tracker;
  readonly rejected: Record<FusionRejectReason, number> = {
    'unknown-sensor': 0, 'wrong-measurement': 0, 'missing-component': 0, 'non-finite': 0, invalid: 0, late: 0,
  };
  /** Detections accepted into scans. */
  accepted = 0;
  private readonly index = new Map<string, number>();
  private readonly kinds: SensorKind[] = [];
  /** Whether the nominal R of a sensor has been set (from its config or first detection). */
  private readonly nominalSet: boolean[] = [];
  private readonly open: (OpenScan | null)[] = [];
  private readonly buffer: ReorderBuffer;
  private readonly geo = new Float64Array(3);
  private readonly validate: boolean;
  private readonly beforeScan?: (timeMs: number) => void;

  constructor(readonly frame: LocalFrame, sensors: readonly SensorConfig[], opts: SectorFusionOptions = {}) {
    this.specs = sensors.map((c, i) => {
      if (this.index.has(c.id)) throw new Error(`duplicate sensor id "${c.id}"`);
      this.index.set(c.id, i);
      this.kinds.push(c.kind);
      this.open.push(null);
      const { spec, nominal } = this.specFor(c);
      this.nominalSet.push(nominal);
      return spec;
    });
    this.tracker = new Tracker(trackerPreset(opts.tracker ?? 'default', 3), this.specs, opts.region ?? null);
    this.validate = opts.validate ?? false;
    this.beforeScan = opts.beforeScan;
    this.buffer = new ReorderBuffer(opts.reorderWindowMs ?? 300, (scan) => {
      this.beforeScan?.(scan.timeMs);
      this.tracker.process(scan);
    });
  }

  /** Sensor configuration → tracker SensorSpec (and whether its nominal noise was known). */
  private specFor(c: SensorConfig): { spec: SensorSpec; nominal: boolean } {
    const p = this.frame.geodeticToEnu(c.position.latDeg, c.position.lonDeg, c.position.heightAboveEllipsoidM, new Float64Array(3));
    const pos = [p[0], p[1], p[2]];
    const sector = (minRange: number, maxRange: number, centreDeg?: number, widthDeg?: number): Coverage => {
      if (centreDeg === undefined || widthDeg === undefined || widthDeg >= 360) return { kind: 'sector', x: pos[0], y: pos[1], minRange, maxRange };
      const wrap = (a: number) => Math.atan2(Math.sin(a), Math.cos(a));
      return { kind: 'sector', x: pos[0], y: pos[1], minRange, maxRange, azMin: wrap((centreDeg - widthDeg / 2) * DEG), azMax: wrap((centreDeg + widthDeg / 2) * DEG) };
    };
    const sq = (x: number) => x * x;
    switch (c.kind) {
      case 'radar': {
        const rr = c.measuresRangeRate;
        // Clutter spread over range × azimuth width × a 30° elevation band (× ±30 m/s of Doppler).
        const volume = (c.maxRangeM - c.minRangeM) * c.azimuthWidthDeg * DEG * (Math.PI / 6) * (rr ? 60 : 1);
        const sig = [sq(c.sigmaRangeM), sq(c.sigmaAzimuthDeg * DEG), sq(c.sigmaElevationDeg * DEG)];
        if (rr) sig.push(sq(c.sigmaRangeRateMps));
        const uniform = Math.max(c.clutter.meanPerScan, MIN_FALSE_PER_SCAN) / volume;
        return {
          spec: {
            id: c.id, kind: c.kind, model: new PolarRadar({ position: pos, elevation: true, rangeRate: rr }), R: diag(sig),
            pd: c.referencePd, clutterDensity: uniform, clutterDensityAt: radarClutterMap(c, uniform),
            coverage: sector(c.minRangeM, c.maxRangeM, c.boresightAzimuthDeg, c.azimuthWidthDeg),
          },
          nominal: true,
        };
      }
      case 'acoustic':
      case 'eoir': {
        const R = diag([sq(c.sigmaAzimuthDeg * DEG), sq(c.sigmaElevationDeg * DEG)]);
        // An uncued camera sees its home field of view only; the arrays hear all round.
        const coverage = c.kind === 'eoir' ? sector(0, c.maxRangeM, c.homeAzimuthDeg, c.horizontalFovDeg) : sector(0, c.maxRangeM);
        const volume = c.kind === 'eoir' ? c.horizontalFovDeg * c.verticalFovDeg * DEG * DEG : 2 * Math.PI * (Math.PI / 2);
        return {
          spec: {
            id: c.id, kind: c.kind, model: new BearingOnly({ position: pos, elevation: true }), R,
            pd: c.pdMax * TYPICAL_PD_FRACTION, clutterDensity: (Math.max(c.falseAlarmsPerUpdate, MIN_FALSE_PER_SCAN) + OTHER_OBJECTS_PER_SCAN) / volume, coverage,
            // An array hears only what makes noise (rotors, engines), not a gliding bird.
            selective: c.kind === 'acoustic',
          },
          nominal: true,
        };
      }
      case 'rf':
        return {
          spec: {
            id: c.id, kind: c.kind, model: new BearingOnly({ position: pos, elevation: false }), R: diag([sq(c.sigmaAzimuthDeg * DEG)]),
            pd: c.pdMax * TYPICAL_PD_FRACTION, clutterDensity: (Math.max(c.falseAlarmsPerUpdate, MIN_FALSE_PER_SCAN) + OTHER_OBJECTS_PER_SCAN) / (2 * Math.PI),
            coverage: sector(0, c.maxRangeM),
            selective: true, // hears only an emitting radio link
          },
          nominal: true,
        };
      case 'remoteid':
      case 'adsb': {
        // Reports are decoded messages, so "clutter" is a rare corrupt fix anywhere in the covered volume.
        const volume = 4 * sq(Math.min(c.maxRangeM, 50_000)) * 2000;
        return {
          spec: {
            id: c.id, kind: c.kind, model: new CartesianPosition(3, 'gnss'), R: diag([100, 100, 225]),
            pd: c.pdMax * TYPICAL_PD_FRACTION, clutterDensity: MIN_FALSE_PER_SCAN / volume, coverage: sector(0, c.maxRangeM),
            selective: true, // hears only objects that transmit Remote ID / ADS-B
          },
          nominal: true,
        };
      }
    }
  }

  /** Accepts one detection; returns false when it was rejected (and counts why). */
  push(d: Detection): boolean {
    if (this.validate && !detectionSchema.safeParse(d).success) return this.reject('invalid');
    const s = this.index.get(d.sensorId);
    if (s === undefined) return this.reject('unknown-sensor');
    if (!Number.isFinite(d.timeMs)) return this.reject('non-finite');
    // Close every group older than this detection: the stream is time-ordered per sensor.
    for (let i = 0; i < this.open.length; i++) {
      const o = this.open[i];
      if (o && (o.timeMs < d.timeMs || (i === s && o.timeMs !== d.timeMs))) this.emit(i);
    }
    const spec = this.specs[s], kind = this.kinds[s], m = spec.model.m, meas = d.measurement;
    const z = this.z, R = this.rScratch;
    let ownR = false;
    switch (kind) {
      case 'radar': {
        if (meas.kind !== 'polar') return this.reject('wrong-measurement');
        if (meas.elevationRad === undefined || (m === 4 && meas.rangeRateMps === undefined)) return this.reject('missing-component');
        z[0] = meas.rangeM; z[1] = meas.azimuthRad; z[2] = meas.elevationRad;
        const sig = [meas.sigma.rangeM, meas.sigma.azimuthRad, meas.sigma.elevationRad ?? Math.sqrt(spec.R[2 * m + 2])];
        if (m === 4) {
          z[3] = meas.rangeRateMps!;
          sig.push(meas.sigma.rangeRateMps ?? Math.sqrt(spec.R[15]));
        }
        setDiag(R, m, sig);
        ownR = this.adoptNominal(s, R, m * m);
        break;
      }
      case 'acoustic':
      case 'eoir':
      case 'rf': {
        if (meas.kind !== 'bearing') return this.reject('wrong-measurement');
        z[0] = meas.azimuthRad;
        if (m === 2) {
          if (meas.elevationRad === undefined) return this.reject('missing-component');
          z[1] = meas.elevationRad;
          setDiag(R, 2, [meas.sigma.azimuthRad, meas.sigma.elevationRad ?? Math.sqrt(spec.R[3])]);
        } else {
          setDiag(R, 1, [meas.sigma.azimuthRad]);
        }
        ownR = this.adoptNominal(s, R, m * m);
        break;
      }
      case 'remoteid':
      case 'adsb': {
        if (meas.kind !== 'gnss') return this.reject('wrong-measurement');
        this.frame.geodeticToEnu(meas.latDeg, meas.lonDeg, meas.heightAboveEllipsoidM, this.geo);
        z[0] = this.geo[0]; z[1] = this.geo[1]; z[2] = this.geo[2];
        const sh = meas.horizontalAccuracyM / 1.96, sv = meas.verticalAccuracyM / 1.96;
        setDiag(R, 3, [sh, sh, sv]);
        ownR = true;
        break;
      }
    }
    for (let k = 0; k < m; k++) if (!Number.isFinite(z[k])) return this.reject('non-finite');
    for (let k = 0; k < m * m; k++) if (!Number.isFinite(R[k])) return this.reject('non-finite');

    let o = this.open[s];
    if (!o) this.open[s] = o = { timeMs: d.timeMs, count: 0, z: [], R: [], ownR: false, ids: [], anyId: false };
    // A scan either carries R for every detection or none: back-fill the nominal when the first own R appears.
    if (ownR && !o.ownR) {
      o.ownR = true;
      for (let i = 0; i < o.count; i++) for (let k = 0; k < m * m; k++) o.R.push(spec.R[k]);
    }
    for (let k = 0; k < m; k++) o.z.push(z[k]);
    if (o.ownR) for (let k = 0; k < m * m; k++) o.R.push(R[k]);
    const id = identityOf(d.evidence);
    o.ids.push(id);
    if (id) o.anyId = true;
    o.count++;
    this.accepted++;
    return true;
  }

  /** Closes every open group and releases everything the reorder window holds. */
  flush(): void {
    for (let i = 0; i < this.open.length; i++) if (this.open[i]) this.emit(i);
    this.buffer.flush();
  }

  /** Closes groups older than `timeMs` (a quiet stream otherwise holds the last scans back). */
  advanceTo(timeMs: number): void {
    for (let i = 0; i < this.open.length; i++) {
      const o = this.open[i];
      if (o && o.timeMs < timeMs) this.emit(i);
    }
    this.buffer.advanceTo(timeMs);
  }

  /** Tracks a display shows now. */
  reported(): Track[] {
    return [...this.tracker.reported()];
  }

  /**
   * Reported track positions (east, north) extrapolated to `timeMs` along their velocity, so a
   * track last updated by a 1 Hz radar is scored where it says the object is now.
   */
  positionsAt(timeMs: number): { id: number; x: number; y: number }[] {
    const out: { id: number; x: number; y: number }[] = [];
    for (const t of this.tracker.reported()) {
      const x = t.estimator.x, d = t.estimator.space.dims, dt = (timeMs - t.timeMs) / 1000;
      out.push({ id: t.id, x: x[0] + x[d] * dt, y: x[1] + x[d + 1] * dt });
    }
    return out;
  }

  /** Fusion's and the tracker's rejection counts together. */
  get stats(): { accepted: number; rejected: Record<string, number>; late: number } {
    return { accepted: this.accepted, rejected: { ...this.rejected, ...prefix(this.tracker.stats.rejected) }, late: this.buffer.late };
  }

  private readonly z = new Float64Array(4);
  private readonly rScratch = new Float64Array(16);

  /** Takes a sensor's first stated noise as its nominal R; true when this detection's R differs from it. */
  private adoptNominal(s: number, R: Float64Array, mm: number): boolean {
    const spec = this.specs[s];
    if (!this.nominalSet[s]) {
      for (let k = 0; k < mm; k++) spec.R[k] = R[k];
      this.nominalSet[s] = true;
      return false;
    }
    for (let k = 0; k < mm; k++) if (Math.abs(spec.R[k] - R[k]) > 1e-12 * Math.max(1, Math.abs(spec.R[k]))) return true;
    return false;
  }

  private emit(s: number): void {
    const o = this.open[s]!;
    this.open[s] = null;
    const scan: Scan = {
      timeMs: o.timeMs, sensor: s, count: o.count, z: Float64Array.from(o.z),
      R: o.ownR ? Float64Array.from(o.R) : null, identity: o.anyId ? o.ids : null,
    };
    if (!this.buffer.push(scan)) this.rejected.late += o.count;
  }

  private reject(reason: FusionRejectReason): false {
    this.rejected[reason]++;
    return false;
  }
}

function diag(v: number[]): Float64Array {
  const m = v.length, R = new Float64Array(m * m);
  for (let i = 0; i < m; i++) R[i * m + i] = v[i];
  return R;
}

/** Writes diag(σ²) into R (m×m). */
function setDiag(R: Float64Array, m: number, sigma: number[]): void {
  R.fill(0, 0, m * m);
  for (let i = 0; i < m; i++) R[i * m + i] = sigma[i] * sigma[i];
}

function prefix(r: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(r)) out[`tracker:${k}`] = v;
  return out;
}

/**
 * The radar's clutter map, from its datasheet clutter model: false plots crowd short range
 * (exponential in range), the horizon (exponential in elevation above the mask) and zero
 * Doppler (Gaussian range rate), uniform in azimuth. Taking the average density everywhere would
 * understate it by orders of magnitude where clutter actually falls, and clutter would confirm as
 * tracks. Never below the uniform average.
 */
function radarClutterMap(c: Extract<SensorConfig, { kind: 'radar' }>, uniform: number): (z: Float64Array, o: number) => number {
  const cl = c.clutter, mean = Math.max(cl.meanPerScan, MIN_FALSE_PER_SCAN);
  const rs = cl.rangeScaleM, span = c.maxRangeM - c.minRangeM;
  const rangeNorm = rs * (1 - Math.exp(-span / rs));
  const azWidth = Math.min(c.azimuthWidthDeg, 360) * DEG;
  // Measurement noise widens the elevation and Doppler spreads the plots show.
  const es = cl.elevationScaleDeg * DEG + c.sigmaElevationDeg * DEG;
  const rrSigma = Math.hypot(cl.rangeRateSpreadMps, c.measuresRangeRate ? c.sigmaRangeRateMps : 0);
  const mask = c.minElevationDeg * DEG;
  return (z, o) => {
    const range = Math.exp(-Math.max(z[o] - c.minRangeM, 0) / rs) / rangeNorm;
    const elevation = Math.exp(-Math.max(z[o + 2] - mask, 0) / es) / es;
    let d = (mean * range * elevation) / azWidth;
    if (c.measuresRangeRate) d *= Math.exp(-0.5 * (z[o + 3] / rrSigma) ** 2) / (rrSigma * Math.sqrt(2 * Math.PI));
    return Math.max(d, uniform);
  };
}

