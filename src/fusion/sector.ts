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
 *   any kind, `position` detections (a SAPIENT `location` report; a node that fixes the object
 *   itself) → CartesianPosition(3) with the detection's own covariance. For remoteid and adsb
 *   sensors that is their usual model; any other sensor gets a second, "position form" of its
 *   spec (same coverage, Pd and selectivity — a camera's is all round and selective, as it pans
 *   to what it is cued on; clutter density per m³ from its false-alarm rate over its coverage
 *   volume), and such scans carry it as `scan.spec`: the tracker still sees
 *   one sensor index, so tracks name the sensor as usual. A sensor that mixes forms at one
 *   instant sends one scan per form.
 *   remoteid, adsb `gnss` fixes that carry the broadcast velocity → the sensor's "velocity form":
 *   CartesianPositionVelocity(2), z = [e, n, u, v_e, v_n], with the fix's R plus the velocity's
 *   σ = bound / 2.448 per axis (the 95 % radius of a circular 2-D Gaussian) from the report's
 *   `velocityAccuracyMps` (Remote ID speed accuracy, ADS-B NACv), or DEFAULT_VELOCITY_BOUND_MPS
 *   when it states none. Horizontal only: decoders fill a missing vertical rate with 0. Fast
 *   aircraft then start moving at their stated velocity and hold it across report gaps, where
 *   a position-only track of a 200 m/s aircraft needs several fixes to learn its speed.
 *
 * Covariance frames: a `position` covariance is ENU at the target; it is rotated into the sector
 * frame exactly (ENU at the target → ECEF → ENU at the origin). The two frames differ by the
 * angle θ between the verticals (0.16 mrad per km of offset). Small, but a 2-D fix (vertical σ
 * 500 m, SAPIENT's assumption when z is absent) would otherwise lose its horizontal–vertical
 * correlation θ·σu² (≈ 40 m² per km; ρ ≈ 0.08 at 10 km for a 10 m horizontal σ), and the
 * rotation costs a few dozen multiplications. The `gnss` bounds are circular horizontally (the
 * convergence of the meridians does not change them) and coarse categories (their tilt term is
 * far below their quantisation), so they are used as they are.
 *
 * Sensors can join while the sector runs (`addSensor`, e.g. a SAPIENT node registering): the
 * tracker's sensor list is this object's `specs` array and grows with it.
 *
 * Report-driven sensors (SensorSpec.reportIntervalMs): Remote ID and ADS-B at their
 * `updateIntervalS`, and any sensor whose config sets `reportIntervalS` — SAPIENT nodes, which
 * send one DetectionReport per object on its own timestamp; their object ids come in as
 * `evidence.objectRef`, the identity that lets a report touch only its own object's track.
 */
import type { LocalFrame } from '../geo/enu.js';
import { detectionSchema, identityOf, type Detection, type Measurement, type SensorKind } from '../model/detection.js';
import { BearingOnly } from '../tracking/measurement/bearing.js';
import { CartesianPosition, CartesianPositionVelocity } from '../tracking/measurement/cartesian.js';
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

/**
 * 95 % bound on a broadcast horizontal velocity [m/s] when the report states none (an SBS feed
 * carries no NACv; Remote ID speed accuracy "unknown"): 3 m/s, ADS-B NACv 2 and Remote ID speed
 * accuracy category 2, the class common transponders and broadcast modules meet. Per axis
 * σ = 3 / 2.448 ≈ 1.2 m/s.
 */
export const DEFAULT_VELOCITY_BOUND_MPS = 3;
/** 95 % radius of a circular 2-D Gaussian in σ: √(−2 ln 0.05). */
const RADIAL_95_PER_SIGMA = 2.448;
/** Speeds a corrupt report may state, per kind [m/s]: the velocity span clutter spreads over. */
const MAX_BROADCAST_SPEED_MPS = { remoteid: 100, adsb: 350 } as const;

/** Which of a sensor's specs a scan uses: its own, its position form, or its velocity form. */
type ScanForm = 'native' | 'position' | 'velocity';

interface OpenScan {
  timeMs: number;
  form: ScanForm;
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
  /** Per sensor: its position form (null when its own model already takes positions). */
  private readonly positionSpecs: (SensorSpec | null)[] = [];
  /** Per sensor: its velocity form (remoteid and adsb only: fixes with a broadcast velocity). */
  private readonly velocitySpecs: (SensorSpec | null)[] = [];
  /** Whether the nominal R of a sensor has been set (from its config or first detection). */
  private readonly nominalSet: boolean[] = [];
  private readonly open: (OpenScan | null)[] = [];
  private readonly buffer: ReorderBuffer;
  private readonly geo = new Float64Array(3);
  private readonly validate: boolean;
  private readonly beforeScan?: (timeMs: number) => void;

  constructor(readonly frame: LocalFrame, sensors: readonly SensorConfig[], opts: SectorFusionOptions = {}) {
    this.specs = [];
    for (const c of sensors) this.register(c);
    this.tracker = new Tracker(trackerPreset(opts.tracker ?? 'default', 3), this.specs, opts.region ?? null);
    this.validate = opts.validate ?? false;
    this.beforeScan = opts.beforeScan;
    this.buffer = new ReorderBuffer(opts.reorderWindowMs ?? 300, (scan) => {
      this.beforeScan?.(scan.timeMs);
      this.tracker.process(scan);
    });
  }

  /**
   * Adds a sensor while the sector runs (a SAPIENT node that registered, a receiver brought up);
   * returns its index in `specs` (= the tracker's sensor index). Throws on a duplicate id.
   * Whoever keeps per-sensor state beside this object (an assessor's sensor list) must grow it
   * with the same index.
   */
  addSensor(c: SensorConfig): number {
    return this.register(c);
  }

  /** Whether a sensor id is known. */
  hasSensor(id: string): boolean {
    return this.index.has(id);
  }

  private register(c: SensorConfig): number {
    if (this.index.has(c.id)) throw new Error(`duplicate sensor id "${c.id}"`);
    const { spec, nominal } = this.specFor(c);
    const i = this.specs.length;
    this.index.set(c.id, i);
    this.kinds.push(c.kind);
    this.open.push(null);
    this.nominalSet.push(nominal);
    const gnss = c.kind === 'remoteid' || c.kind === 'adsb';
    this.positionSpecs.push(gnss ? null : positionFormOf(spec, c));
    this.velocitySpecs.push(gnss ? velocityFormOf(spec, c) : null);
    this.specs.push(spec); // the tracker holds this same array
    return i;
  }

  /**
   * Sensor configuration → tracker SensorSpec (and whether its nominal noise was known). A sensor
   * whose config sets `reportIntervalS` (a SAPIENT node: one DetectionReport per object, each on
   * its own timestamp) is report-driven at that interval, whatever its kind.
   */
  private specFor(c: SensorConfig): { spec: SensorSpec; nominal: boolean } {
    const r = this.specOfKind(c);
    if (c.reportIntervalS !== undefined) r.spec.reportIntervalMs = Math.max(1, Math.round(c.reportIntervalS * 1000));
    return r;
  }

  private specOfKind(c: SensorConfig): { spec: SensorSpec; nominal: boolean } {
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
            // Each transmitter broadcasts on its own clock: silence is a miss only after a report interval.
            reportIntervalMs: Math.round(c.updateIntervalS * 1000),
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
    const meas = d.measurement;
    const alt = meas.kind === 'position' ? this.positionSpecs[s] : meas.kind === 'gnss' && meas.velocityEnuMps ? this.velocitySpecs[s] : null;
    const form: ScanForm = !alt ? 'native' : meas.kind === 'position' ? 'position' : 'velocity';
    // Close every group older than this detection (the stream is time-ordered per sensor), and
    // this sensor's group when the time or the form changes.
    for (let i = 0; i < this.open.length; i++) {
      const o = this.open[i];
      if (o && (o.timeMs < d.timeMs || (i === s && (o.timeMs !== d.timeMs || o.form !== form)))) this.emit(i);
    }
    const spec = alt ?? this.specs[s], kind = this.kinds[s], m = spec.model.m;
    const z = this.z, R = this.rScratch;
    let ownR = false;
    if (form === 'position') {
      if (meas.kind !== 'position') return this.reject('wrong-measurement');
      if (!this.positionMeasurement(meas, z, R)) return this.reject('invalid');
      ownR = true;
    } else switch (kind) {
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
        if (meas.kind === 'position') {
          if (!this.positionMeasurement(meas, z, R)) return this.reject('invalid');
          ownR = true;
          break;
        }
        if (meas.kind !== 'gnss') return this.reject('wrong-measurement');
        this.frame.geodeticToEnu(meas.latDeg, meas.lonDeg, meas.heightAboveEllipsoidM, this.geo);
        z[0] = this.geo[0]; z[1] = this.geo[1]; z[2] = this.geo[2];
        const sh = meas.horizontalAccuracyM / 1.96, sv = meas.verticalAccuracyM / 1.96;
        if (form === 'velocity') {
          const v = meas.velocityEnuMps!;
          const bound = meas.velocityAccuracyMps;
          const sVel = (bound !== undefined && bound > 0 ? bound : DEFAULT_VELOCITY_BOUND_MPS) / RADIAL_95_PER_SIGMA;
          z[3] = v[0]; z[4] = v[1];
          setDiag(R, 5, [sh, sh, sv, sVel, sVel]);
        } else {
          setDiag(R, 3, [sh, sh, sv]);
        }
        ownR = true;
        break;
      }
    }
    for (let k = 0; k < m; k++) if (!Number.isFinite(z[k])) return this.reject('non-finite');
    for (let k = 0; k < m * m; k++) if (!Number.isFinite(R[k])) return this.reject('non-finite');

    let o = this.open[s];
    if (!o) this.open[s] = o = { timeMs: d.timeMs, form, count: 0, z: [], R: [], ownR: false, ids: [], anyId: false };
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

  private readonly z = new Float64Array(6);
  private readonly rScratch = new Float64Array(36);
  private readonly rot = new Float64Array(9);
  private readonly covIn = new Float64Array(9);

  /**
   * A `position` detection → z (sector ENU) and R (its covariance rotated from ENU at the target
   * into the sector frame). False when the covariance is not one (not symmetric positive definite).
   */
  private positionMeasurement(meas: Extract<Measurement, { kind: 'position' }>, z: Float64Array, R: Float64Array): boolean {
    const c = meas.covarianceEnu, C = this.covIn;
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        const a = c[i * 3 + j], b = c[j * 3 + i];
        if (Math.abs(a - b) > 1e-6 * Math.max(1, Math.abs(a), Math.abs(b))) return false;
        C[i * 3 + j] = (a + b) / 2;
      }
    }
    if (!positiveDefinite3(C)) return false;
    this.frame.geodeticToEnu(meas.latDeg, meas.lonDeg, meas.heightAboveEllipsoidM, this.geo);
    z[0] = this.geo[0]; z[1] = this.geo[1]; z[2] = this.geo[2];
    // M = R_origin · R_targetᵀ (ENU at the target → ECEF → ENU at the origin); R = M C Mᵀ.
    const lat = meas.latDeg * DEG, lon = meas.lonDeg * DEG;
    const sf = Math.sin(lat), cf = Math.cos(lat), sl = Math.sin(lon), cl = Math.cos(lon);
    const t0 = -sl, t1 = cl, t2 = 0, t3 = -sf * cl, t4 = -sf * sl, t5 = cf, t6 = cf * cl, t7 = cf * sl, t8 = sf;
    const o = this.frame.ecefToEnuRotation, M = this.rot;
    for (let i = 0; i < 3; i++) {
      const a = o[i * 3], b = o[i * 3 + 1], g = o[i * 3 + 2];
      M[i * 3] = a * t0 + b * t1 + g * t2;
      M[i * 3 + 1] = a * t3 + b * t4 + g * t5;
      M[i * 3 + 2] = a * t6 + b * t7 + g * t8;
    }
    for (let i = 0; i < 3; i++) {
      for (let j = i; j < 3; j++) {
        let sum = 0;
        for (let k = 0; k < 3; k++) {
          const mik = M[i * 3 + k];
          if (mik === 0) continue;
          for (let l = 0; l < 3; l++) sum += mik * C[k * 3 + l] * M[j * 3 + l];
        }
        R[i * 3 + j] = sum;
        R[j * 3 + i] = sum;
      }
    }
    return true;
  }

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
    if (o.form !== 'native') scan.spec = o.form === 'position' ? this.positionSpecs[s] : this.velocitySpecs[s];
    if (!this.buffer.push(scan)) this.rejected.late += o.count;
  }

  private reject(reason: FusionRejectReason): false {
    this.rejected[reason]++;
    return false;
  }
}

/**
 * The position form of a sensor that normally measures plots or bearings: a Cartesian 3-D model
 * with the sensor's coverage, Pd, selectivity and report interval. Its clutter density [1/m³] spreads the
 * sensor's false reports per scan uniformly over its coverage volume (azimuth width × the
 * elevation band × the range shell): a node that reports positions has already run its own
 * detection and plot extraction, so no clutter map.
 */
function positionFormOf(own: SensorSpec, c: SensorConfig): SensorSpec {
  let falsePerScan: number, azWidth: number, elMin: number, elMax: number, rMin = 0;
  const rMax = c.maxRangeM;
  switch (c.kind) {
    case 'radar':
      falsePerScan = c.clutter.meanPerScan;
      azWidth = Math.min(c.azimuthWidthDeg, 360) * DEG;
      elMin = c.minElevationDeg;
      elMax = c.maxElevationDeg;
      rMin = c.minRangeM;
      break;
    case 'eoir':
      falsePerScan = c.falseAlarmsPerUpdate;
      azWidth = Math.min(c.horizontalFovDeg, 360) * DEG;
      elMin = Math.max(c.homeElevationDeg - c.verticalFovDeg / 2, -90);
      elMax = Math.min(c.homeElevationDeg + c.verticalFovDeg / 2, 90);
      break;
    case 'acoustic':
      falsePerScan = c.falseAlarmsPerUpdate;
      azWidth = 2 * Math.PI;
      elMin = c.minElevationDeg;
      elMax = c.maxElevationDeg;
      break;
    default:
      falsePerScan = 'falseAlarmsPerUpdate' in c ? c.falseAlarmsPerUpdate : 0;
      azWidth = 2 * Math.PI;
      elMin = 0;
      elMax = 90;
  }
  const band = Math.max(Math.sin(elMax * DEG) - Math.sin(elMin * DEG), 1e-3);
  const volume = Math.max((azWidth * (rMax ** 3 - rMin ** 3) / 3) * band, 1);
  // A camera that fixes positions pans to what it was cued on: it covers all round (to its
  // range), and its silence about a track it has not seen says nothing (it looked elsewhere).
  const oc = own.coverage;
  const camera = c.kind === 'eoir' && oc.kind === 'sector';
  const coverage: Coverage = camera ? { kind: 'sector', x: oc.x, y: oc.y, minRange: 0, maxRange: rMax } : oc;
  const selective = camera ? true : own.selective;
  return {
    id: own.id, kind: own.kind, model: new CartesianPosition(3), R: diag([100, 100, 225]),
    pd: own.pd, clutterDensity: Math.max(falsePerScan, MIN_FALSE_PER_SCAN) / volume, coverage,
    ...(selective !== undefined ? { selective } : {}),
    ...(own.reportIntervalMs !== undefined ? { reportIntervalMs: own.reportIntervalMs } : {}),
  };
}

/**
 * The velocity form of a Remote ID or ADS-B sensor: its fixes with their broadcast horizontal
 * velocity (CartesianPositionVelocity(2)), same coverage, Pd, selectivity and report interval.
 * Clutter (a corrupt report) spreads over the position volume and the span of speeds a report
 * can state.
 */
function velocityFormOf(own: SensorSpec, c: Extract<SensorConfig, { kind: 'remoteid' | 'adsb' }>): SensorSpec {
  const vmax = MAX_BROADCAST_SPEED_MPS[c.kind];
  const sVel = DEFAULT_VELOCITY_BOUND_MPS / RADIAL_95_PER_SIGMA;
  return {
    ...own, model: new CartesianPositionVelocity(2), R: diag([100, 100, 225, sVel * sVel, sVel * sVel]),
    clutterDensity: own.clutterDensity / (2 * vmax) ** 2,
  };
}

/** Whether a symmetric 3×3 matrix is positive definite (Cholesky succeeds). */
function positiveDefinite3(C: Float64Array): boolean {
  const l00 = C[0];
  if (!(l00 > 0)) return false;
  const a = Math.sqrt(l00);
  const l10 = C[3] / a, l20 = C[6] / a;
  const d1 = C[4] - l10 * l10;
  if (!(d1 > 0)) return false;
  const b = Math.sqrt(d1);
  const l21 = (C[7] - l20 * l10) / b;
  const d2 = C[8] - l20 * l20 - l21 * l21;
  return d2 > 0;
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

