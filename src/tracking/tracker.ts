import { AssignmentSolver } from '../math/assignment.js';
import { chi2Quantile } from '../math/chi2.js';
import { JpdaSolver } from './association/jpda.js';
import { ClusterBuilder } from './association/clusters.js';
import type { TrackerConfig } from './config.js';
import { PositionGrid } from './gating/grid.js';
import { mahalanobis2, logGaussian } from './filter/update.js';
import type { Scan } from './scan.js';
import { inCoverage, type SensorSpec } from './sensor.js';
import { Track } from './track.js';
import type { Box } from './region.js';
import { BearingInitiator } from './initiation/bearing-initiator.js';

/** Why a detection or scan was refused. Counted, never thrown. */
export type RejectReason = 'unknown-sensor' | 'out-of-order' | 'non-finite' | 'bad-shape';

export interface TrackerStats {
  scans: number;
  detections: number;
  rejected: Record<RejectReason, number>;
  tracksStarted: number;
  tracksConfirmed: number;
}

const GRID_MAX_CELLS = 64;

/**
 * The multi-sensor multi-target tracker: predict → gate → cluster → associate (GNN or JPDA)
 * → update → initiate / confirm / delete, one scan at a time in timestamp order.
 *
 * Pure and deterministic: no I/O, no clock, no randomness; the same scans give the same tracks.
 * Scratch space is reused across scans and tracks are pooled, so a steady stream of
 * detections allocates nothing per measurement.
 */
export class Tracker {
  readonly stats: TrackerStats = {
    scans: 0, detections: 0, tracksStarted: 0, tracksConfirmed: 0,
    rejected: { 'unknown-sensor': 0, 'out-of-order': 0, 'non-finite': 0, 'bad-shape': 0 },
  };
  /** Live (not ended) tracks, oldest first. */
  readonly live: Track[] = [];
  private readonly pool: Track[] = [];
  private nextId = 1;
  private lastTimeMs = -Infinity;
  private readonly identityIndex = new Map<string, Track>();
  /** Report-driven sensors: when each next counts silence as misses [ms]. */
  private readonly nextLookMs: number[] = [];
  private readonly named = new Set<Track>();
  private readonly dims: 2 | 3;
  private readonly n: number;

  // Scratch, grown on demand.
  private valid = new Uint8Array(0);
  private posX = new Float64Array(0);
  private posY = new Float64Array(0);
  private claimed = new Uint8Array(0);
  /** Clutter density at each detection of the scan (the sensor's clutter map, or its constant). */
  private lambda = new Float64Array(0);
  /**
   * After process(): the id of the track each detection of that scan went to (the one it
   * updated, its most probable track under JPDA, or the track it started), −1 for none.
   * Entries past the scan's count are stale. This is how evidence that rides on detections
   * (class labels, RF protocol, Remote ID operator position) reaches the track it belongs to.
   */
  trackOfDetection = new Int32Array(0);
  private pairT = new Int32Array(0);
  private pairM = new Int32Array(0);
  private pairCost = new Float64Array(0);
  private pairActive = new Uint8Array(0);
  /** Pairs identity evidence allows; the stages pick their active pairs among these. */
  private pairEligible = new Uint8Array(0);
  /** Pairs are made track by track, so track ti's pairs are [pairFrom[ti], pairTo[ti]). */
  private pairFrom = new Int32Array(0);
  private pairTo = new Int32Array(0);
  private pairBeta = new Float64Array(0);
  private nPairs = 0;
  private assignedMeas = new Int32Array(0);
  private readonly grid = new PositionGrid();
  private readonly candidates = new Int32Array(4096);
  private readonly clusters = new ClusterBuilder();
  private readonly solver = new AssignmentSolver();
  private readonly jpda = new JpdaSolver();
  private readonly nu = new Float64Array(8);
  private readonly rBuf = new Float64Array(64);
  private readonly pos = new Float64Array(3);
  private readonly posCov = new Float64Array(9);
  private readonly vel = new Float64Array(3);
  private readonly velCov = new Float64Array(9);
  private readonly x0: Float64Array;
  private readonly tentativeInit = new Map<number, { x: Float64Array; P: Float64Array }>();
  private readonly P0: Float64Array;
  private readonly gamma = new Map<number, number>();
  private costBuf = new Float64Array(0);
  private rowToCol = new Int32Array(0);
  private likBuf = new Float64Array(0);
  private missBuf = new Float64Array(0);
  private betaBuf = new Float64Array(0);
  private offsets = new Int32Array(64);
  private betasOne = new Float64Array(65);
  private clusterTracks: number[] = [];
  private clusterMeas: number[] = [];
  private trackLocal = new Int32Array(0);
  private measLocal = new Int32Array(0);
  private readonly bearings: BearingInitiator;

  constructor(readonly config: TrackerConfig, readonly sensors: SensorSpec[], readonly region: Box | null = null) {
    this.dims = config.estimator.space.dims;
    this.n = config.estimator.space.n;
    this.x0 = new Float64Array(this.n);
    this.P0 = new Float64Array(this.n * this.n);
    this.bearings = new BearingInitiator(sensors, config, this.dims);
  }

  /** Processes one scan. Scans must come in non-decreasing time (put a ReorderBuffer in front). */
  process(scan: Scan): void {
    const own = this.sensors[scan.sensor];
    const sensor = own ? (scan.spec ?? own) : undefined;
    if (!sensor) {
      this.stats.rejected['unknown-sensor'] += scan.count;
      return;
    }
    const m = sensor.model.m;
    if (!(scan.count >= 0) || scan.z.length < scan.count * m || (scan.R && scan.R.length < scan.count * m * m)) {
      this.stats.rejected['bad-shape'] += Math.max(scan.count, 0);
      return;
    }
    if (!(scan.timeMs >= this.lastTimeMs)) {
      this.stats.rejected['out-of-order'] += scan.count;
      return;
    }
    this.lastTimeMs = scan.timeMs;
    this.stats.scans++;
    this.stats.detections += scan.count;
    this.ensureScratch(scan.count);

    this.predictTracks(scan, sensor);
    const anyValid = this.locateDetections(scan, sensor);
    this.nPairs = 0;
    this.pairFrom.fill(0, 0, this.live.length);
    this.pairTo.fill(0, 0, this.live.length);
    if (anyValid) this.gate(scan, sensor);
    this.applyIdentities(scan);
    this.claimed.fill(0, 0, scan.count);
    this.trackOfDetection.fill(-1, 0, scan.count);
    this.associateAndUpdate(scan, sensor, true);
    this.associateAndUpdate(scan, sensor, false);
    this.initiate(scan, sensor);
    this.sweep();
  }

  /**
   * Tracks a live display shows now: confirmed or coasting with enough existence. Fills and
   * returns `out` (pass the same array every scan to allocate nothing).
   */
  reported(out: Track[] = []): Track[] {
    out.length = 0;
    for (const t of this.live) if (t.reportable && t.existence >= this.config.reportExistence) out.push(t);
    return out;
  }

  /**
   * New tracks get ids from `firstId` on: a restarted service continues its numbering, so ids in
   * the store, alerts and operators' notes never refer to two different tracks.
   */
  continueIdsFrom(firstId: number): void {
    if (firstId > this.nextId) this.nextId = Math.floor(firstId);
  }

  // ---------------------------------------------------------------- prediction

  private predictTracks(scan: Scan, sensor: SensorSpec): void {
    const ps = this.config.survivalPerSecond;
    let lastDt = NaN, survival = 1;
    const every = sensor.reportIntervalMs;
    const look = every === undefined || this.isLook(scan, every);
    const only = look ? null : this.namedTracks(scan);
    for (const t of this.live) {
      if (only && !only.has(t)) {
        // Another object's report: no evidence about this track, and no need to move it.
        t.pdNow = 0;
        t.pdMiss = 0;
        t.predValid = false;
        continue;
      }
      const dtS = (scan.timeMs - t.timeMs) / 1000;
      if (dtS > 0) {
        t.estimator.predict(dtS);
        t.timeMs = scan.timeMs;
        if (dtS !== lastDt) {
          lastDt = dtS;
          survival = Math.pow(ps, dtS);
        }
        t.existence *= survival;
      }
      const x = t.estimator.x;
      if (this.region && !(x[0] >= this.region.xmin && x[0] <= this.region.xmax && x[1] >= this.region.ymin && x[1] <= this.region.ymax)) {
        t.status = 'ended'; // left the surveilled sector: no sensor will see it again
        continue;
      }
      t.pdNow = inCoverage(sensor.coverage, x[0], x[1]) ? sensor.pd : 0;
      if (every !== undefined) {
        // Silent for a whole interval since its last report of the track — or, if it never
        // reported it (and sees everything it covers), since the track began.
        const last = t.lastHitBy(scan.sensor);
        const since = last === -Infinity ? (sensor.selective ? Infinity : t.startMs) : last;
        t.pdMiss = look && scan.timeMs - since >= every ? t.pdNow : 0;
      } else t.pdMiss = sensor.selective && !t.sensors.includes(scan.sensor) ? 0 : t.pdNow;
      const pred = (t.pred = t.prediction(sensor.model.m));
      t.predValid = t.pdNow > 0 && t.estimator.predictMeasurement(sensor.model, sensor.R, pred);
    }
  }

  /** Whether a report-driven sensor's scan is due to count silence as misses (once per interval). */
  private isLook(scan: Scan, everyMs: number): boolean {
    const next = this.nextLookMs[scan.sensor] ?? -Infinity;
    if (scan.timeMs < next) return false;
    this.nextLookMs[scan.sensor] = scan.timeMs + everyMs;
    return true;
  }

  /**
   * Tracks a scan's identities name, or null when some detection has none or names no track yet
   * (then every track is a candidate: a newly heard object may be one other sensors already track).
   */
  private namedTracks(scan: Scan): Set<Track> | null {
    const ids = scan.identity;
    if (!ids) return null;
    const set = this.named;
    set.clear();
    for (let i = 0; i < scan.count; i++) {
      const id = ids[i];
      if (!id) return null;
      const t = this.identityIndex.get(id);
      if (!t) return null;
      set.add(t);
    }
    return set;
  }

  // ---------------------------------------------------------------- gating

  /** Detection positions for the grid (NaN where a detection fixes no position). */
  private locateDetections(scan: Scan, sensor: SensorSpec): boolean {
    const m = sensor.model.m;
    let any = false;
    for (let i = 0; i < scan.count; i++) {
      let ok = true;
      for (let k = 0; k < m; k++) if (!Number.isFinite(scan.z[i * m + k])) ok = false;
      if (ok && scan.R) for (let k = 0; k < m * m; k++) if (!Number.isFinite(scan.R[i * m * m + k])) ok = false;
      this.valid[i] = ok ? 1 : 0;
      if (!ok) {
        this.stats.rejected['non-finite']++;
        this.posX[i] = NaN;
        continue;
      }
      any = true;
      const local = sensor.clutterDensityAt ? sensor.clutterDensityAt(scan.z, i * m) : sensor.clutterDensity;
      this.lambda[i] = local > 0 && local < Infinity ? local : sensor.clutterDensity;
      const R = this.detectionR(scan, sensor, i);
      if (sensor.model.toPosition(scan.z, i * m, R, 2, this.pos, this.posCov)) {
        this.posX[i] = this.pos[0];
        this.posY[i] = this.pos[1];
      } else {
        this.posX[i] = NaN;
      }
    }
    return any;
  }

  private gate(scan: Scan, sensor: SensorSpec): void {
    const m = sensor.model.m;
    const gamma = this.gateThreshold(m);
    const usesGrid = this.hasPositions(scan.count);
    if (usesGrid) this.grid.build(this.posX, this.posY, scan.count, this.cellSize(scan, sensor));
    for (let ti = 0; ti < this.live.length; ti++) {
      const t = this.live[ti];
      this.pairFrom[ti] = this.nPairs;
      this.pairTo[ti] = this.nPairs;
      if (t.status === 'ended' || !t.predValid) continue;
      const x = t.estimator.x, P = t.estimator.P, n = t.estimator.space.n;
      let found = -1;
      if (usesGrid) {
        const pred = t.pred;
        // Gate half-width in position: √γ times the largest position spread (trace bounds it).
        let spread = P[0] + P[n + 1];
        if (sensor.model.toPosition(pred.zhat, 0, sensor.R, 2, this.pos, this.posCov)) spread += this.posCov[0] + this.posCov[3];
        const radius = 1.1 * Math.sqrt(gamma * spread);
        found = this.grid.query(x[0], x[1], radius, GRID_MAX_CELLS, this.candidates);
      }
      if (found >= 0) for (let k = 0; k < found; k++) this.tryPair(ti, t, this.candidates[k], scan, sensor, gamma);
      else for (let i = 0; i < scan.count; i++) this.tryPair(ti, t, i, scan, sensor, gamma);
      this.pairTo[ti] = this.nPairs;
    }
  }

  private tryPair(ti: number, t: Track, i: number, scan: Scan, sensor: SensorSpec, gamma: number): void {
    if (!this.valid[i]) return;
    const m = sensor.model.m;
    const pred = t.pred;
    if (scan.R) {
      // A detection with its own accuracy: predict with that R (cooperative reports are few).
      if (!t.estimator.predictMeasurement(sensor.model, this.detectionR(scan, sensor, i), pred)) return;
    }
    const d2 = mahalanobis2(scan.z, i * m, pred, sensor.model, this.nu);
    const identity = scan.identity?.[i];
    const bound = identity ? this.identityIndex.get(identity) === t : false;
    const limit = bound ? gamma * this.config.identityGateFactor ** 2 : gamma;
    if (!(d2 <= limit)) return;
    this.addPair(ti, i, -Math.log(t.pdNow / this.lambda[i]) - logGaussian(d2, pred));
  }

  private addPair(ti: number, i: number, cost: number): void {
    if (this.nPairs === this.pairT.length) this.growPairs();
    const p = this.nPairs++;
    this.pairT[p] = ti;
    this.pairM[p] = i;
    this.pairCost[p] = cost;
    this.pairEligible[p] = 1;
    this.pairBeta[p] = 0;
  }

  /**
   * Identity evidence binds: a detection carrying an identity some track holds may only go to
   * that track, and never to a track holding a different identity of the same kind.
   */
  private applyIdentities(scan: Scan): void {
    const ids = scan.identity;
    if (!ids) return;
    for (let p = 0; p < this.nPairs; p++) {
      const id = ids[this.pairM[p]];
      if (!id) continue;
      const owner = this.identityIndex.get(id);
      const t = this.live[this.pairT[p]];
      if (owner && owner !== t && owner.status !== 'ended') this.pairEligible[p] = 0;
      else if (!owner && conflictsWith(t, id)) this.pairEligible[p] = 0;
      else if (owner === t) this.pairCost[p] -= 50; // the identity match outweighs any distance within the gate
    }
  }

  // ---------------------------------------------------------------- association and update

  /**
   * Associates one class of tracks: first the reportable ones with all detections, then the
   * tentative ones with what is left, so a new object cannot steal a confirmed track's plot.
   */
  private associateAndUpdate(scan: Scan, sensor: SensorSpec, reportable: boolean): void {
    const nT = this.live.length;
    for (let p = 0; p < this.nPairs; p++) {
      const t = this.live[this.pairT[p]];
      const inStage = reportable ? t.reportable : t.status === 'tentative';
      this.pairActive[p] = this.pairEligible[p] && inStage && !this.claimed[this.pairM[p]] ? 1 : 0;
    }
    this.clusters.build(nT, scan.count, this.pairT, this.pairM, this.nPairs, this.pairActive);
    const useJpda = reportable && this.config.association === 'jpda' && !scan.R;
    this.assignedMeas.fill(-1, 0, nT);
    this.solveClusters(useJpda);
    for (let ti = 0; ti < nT; ti++) {
      const t = this.live[ti];
      if (!t.predValid) continue;
      if (reportable ? !t.reportable : t.status !== 'tentative') continue;
      if (useJpda) this.updateJpda(ti, t, scan, sensor);
      else this.updateGnn(ti, t, scan, sensor);
    }
  }

  private solveClusters(useJpda: boolean): void {
    const { clusters } = this;
    if (clusters.count === 0) return;
    // Group pairs by cluster: a counting sort over pair indices.
    const byCluster = this.groupPairs();
    for (let c = 0; c < clusters.count; c++) {
      const from = byCluster.start[c], to = byCluster.start[c + 1];
      if (useJpda) this.solveJpda(byCluster.order, from, to);
      else this.solveGnn(byCluster.order, from, to);
    }
  }

  private groupStart = new Int32Array(0);
  private groupOrder = new Int32Array(0);
  private groupPairs(): { start: Int32Array; order: Int32Array } {
    const k = this.clusters.count;
    if (this.groupStart.length < k + 2) this.groupStart = new Int32Array(2 * k + 2);
    if (this.groupOrder.length < this.nPairs) this.groupOrder = new Int32Array(Math.max(this.nPairs, 2 * this.groupOrder.length));
    const start = this.groupStart;
    start.fill(0, 0, k + 2);
    for (let p = 0; p < this.nPairs; p++) if (this.pairActive[p]) start[this.clusters.trackCluster[this.pairT[p]] + 2]++;
    for (let c = 0; c < k; c++) start[c + 2] += start[c + 1];
    for (let p = 0; p < this.nPairs; p++) {
      if (!this.pairActive[p]) continue;
      this.groupOrder[start[this.clusters.trackCluster[this.pairT[p]] + 1]++] = p;
    }
    return { start, order: this.groupOrder };
  }

  /**
   * Collects the distinct tracks and detections of a cluster's pairs into the scratch lists,
   * and their positions in those lists into trackLocal / measLocal (O(pairs), no search).
   */
  private clusterMembers(order: Int32Array, from: number, to: number): void {
    const tracks = this.clusterTracks, meas = this.clusterMeas;
    tracks.length = 0;
    meas.length = 0;
    for (let k = from; k < to; k++) {
      const p = order[k], ti = this.pairT[p], i = this.pairM[p];
      if (this.trackLocal[ti] < 0) this.trackLocal[ti] = tracks.push(ti) - 1;
      if (this.measLocal[i] < 0) this.measLocal[i] = meas.push(i) - 1;
    }
  }

  /** Resets the local indices clusterMembers set. */
  private releaseMembers(): void {
    for (const ti of this.clusterTracks) this.trackLocal[ti] = -1;
    for (const i of this.clusterMeas) this.measLocal[i] = -1;
  }

  /** Global nearest neighbour in one cluster: optimal assignment with a miss option per track. */
  private solveGnn(order: Int32Array, from: number, to: number): void {
    if (to - from === 1) {
      const p = order[from], t = this.live[this.pairT[p]];
      if (this.pairCost[p] < this.missCost(t)) this.assign(this.pairT[p], this.pairM[p]);
      return;
    }
    this.clusterMembers(order, from, to);
    const tracks = this.clusterTracks, meas = this.clusterMeas;
    const nT = tracks.length, nM = meas.length, cols = nM + nT;
    if (this.costBuf.length < nT * cols) this.costBuf = new Float64Array(2 * nT * cols);
    if (this.rowToCol.length < nT) this.rowToCol = new Int32Array(2 * nT);
    const cost = this.costBuf;
    cost.fill(Infinity, 0, nT * cols);
    let min = Infinity;
    for (let k = from; k < to; k++) {
      const p = order[k];
      const v = this.pairCost[p];
      cost[this.trackLocal[this.pairT[p]] * cols + this.measLocal[this.pairM[p]]] = v;
      if (v < min) min = v;
    }
    for (let r = 0; r < nT; r++) {
      const v = this.missCost(this.live[tracks[r]]);
      cost[r * cols + nM + r] = v;
      if (v < min) min = v;
    }
    // Every row takes exactly one column, so a common shift keeps the optimum and makes costs ≥ 0.
    for (let i = 0; i < nT * cols; i++) cost[i] -= min;
    this.solver.solve(cost, nT, cols, this.rowToCol);
    for (let r = 0; r < nT; r++) {
      const c = this.rowToCol[r];
      if (c >= 0 && c < nM) this.assign(tracks[r], meas[c]);
    }
    this.releaseMembers();
  }

  private assign(ti: number, i: number): void {
    this.assignedMeas[ti] = i;
    this.claimed[i] = 1;
    this.trackOfDetection[i] = this.live[ti].id;
  }

  /** Cost of declaring a track undetected this scan: −log(1 − Pd·Pg). */
  private missCost(t: Track): number {
    return -Math.log(1 - t.pdNow * this.config.gateProbability);
  }

  /** Exact JPDA marginals in one cluster; a detection is claimed when it is more likely a track's than not. */
  private solveJpda(order: Int32Array, from: number, to: number): void {
    this.clusterMembers(order, from, to);
    const tracks = this.clusterTracks, meas = this.clusterMeas;
    const nT = tracks.length, nM = meas.length;
    if (this.likBuf.length < nT * nM) this.likBuf = new Float64Array(2 * nT * nM);
    if (this.missBuf.length < nT) this.missBuf = new Float64Array(2 * nT);
    if (this.betaBuf.length < nT * (nM + 1)) this.betaBuf = new Float64Array(2 * nT * (nM + 1));
    const lik = this.likBuf;
    lik.fill(0, 0, nT * nM);
    for (let k = from; k < to; k++) {
      const p = order[k];
      lik[this.trackLocal[this.pairT[p]] * nM + this.measLocal[this.pairM[p]]] = Math.exp(-this.pairCost[p]);
    }
    for (let r = 0; r < nT; r++) this.missBuf[r] = 1 - this.live[tracks[r]].pdNow * this.config.gateProbability;
    this.jpda.marginals(lik, this.missBuf, nT, nM, this.betaBuf, this.config.jpdaMaxHypotheses);
    for (let k = from; k < to; k++) {
      const p = order[k];
      const r = this.trackLocal[this.pairT[p]], c = this.measLocal[this.pairM[p]];
      this.pairBeta[p] = this.betaBuf[r * (nM + 1) + 1 + c];
    }
    for (let c = 0; c < nM; c++) {
      let s = 0, best = 0, bestR = -1;
      for (let r = 0; r < nT; r++) {
        const b = this.betaBuf[r * (nM + 1) + 1 + c];
        s += b;
        if (b > best) {
          best = b;
          bestR = r;
        }
      }
      if (s >= 0.5) {
        this.claimed[meas[c]] = 1;
        this.trackOfDetection[meas[c]] = this.live[tracks[bestR]].id;
      }
    }
    this.releaseMembers();
  }

  private updateGnn(ti: number, t: Track, scan: Scan, sensor: SensorSpec): void {
    const i = this.assignedMeas[ti];
    const m = sensor.model.m;
    if (i < 0) {
      this.miss(t);
      return;
    }
    const R = this.detectionR(scan, sensor, i);
    const pred = t.pred;
    if (scan.R) t.estimator.predictMeasurement(sensor.model, R, pred);
    const d2 = mahalanobis2(scan.z, i * m, pred, sensor.model, this.nu);
    const lr = (t.pdNow / this.lambda[i]) * Math.exp(logGaussian(d2, pred));
    t.estimator.update(scan.z, i * m, sensor.model, R, pred);
    this.hit(t, scan, lr, scan.identity?.[i] ?? null);
  }

  private updateJpda(ti: number, t: Track, scan: Scan, sensor: SensorSpec): void {
    let count = 0, missBeta = 1, lrSum = 0, bestBeta = 0, bestMeas = -1;
    const m = sensor.model.m;
    for (let p = this.pairFrom[ti]; p < this.pairTo[ti]; p++) {
      if (!this.pairActive[p] || this.pairBeta[p] <= 0) continue;
      if (count === this.offsets.length) break;
      this.offsets[count] = this.pairM[p] * m;
      this.betasOne[1 + count] = this.pairBeta[p];
      missBeta -= this.pairBeta[p];
      lrSum += Math.exp(-this.pairCost[p]);
      if (this.pairBeta[p] > bestBeta) {
        bestBeta = this.pairBeta[p];
        bestMeas = this.pairM[p];
      }
      count++;
    }
    if (count === 0) {
      this.miss(t);
      return;
    }
    this.betasOne[0] = Math.max(missBeta, 0);
    const pred = t.pred;
    const lrScale = t.pdNow / sensor.clutterDensity;
    t.estimator.updatePda(scan.z, this.offsets, count, this.betasOne, sensor.model, sensor.R, pred, lrScale, 1 - t.pdNow * this.config.gateProbability);
    this.hit(t, scan, lrSum, bestBeta >= 0.5 ? (scan.identity?.[bestMeas] ?? null) : null);
  }

  /**
   * Existence update after a scan that may have detected the track (IPDA's δ form): pd is the
   * detection probability expected, lrSum the likelihood ratios of the detections it took.
   */
  private updateExistence(t: Track, pd: number, lrSum: number): void {
    const delta = pd * this.config.gateProbability - lrSum;
    const p = t.existence;
    t.existence = Math.min(((1 - delta) * p) / (1 - delta * p), 1 - 1e-12);
  }

  private hit(t: Track, scan: Scan, lrSum: number, identity: string | null): void {
    this.updateExistence(t, t.pdNow, lrSum);
    t.hits++;
    t.misses = 0;
    t.hitHistory = ((t.hitHistory << 1) | 1) >>> 0;
    t.lastHitMs = scan.timeMs;
    t.addSensor(scan.sensor, scan.timeMs);
    if (t.status === 'coasting') t.status = 'confirmed';
    if (identity) this.bindIdentity(t, identity);
    this.checkConfirmation(t);
    this.checkDeletion(t);
  }

  private miss(t: Track): void {
    if (t.pdMiss <= 0) return; // not expected to be seen: no evidence either way
    this.updateExistence(t, t.pdMiss, 0);
    t.misses++;
    t.hitHistory = (t.hitHistory << 1) >>> 0;
    if (t.status === 'confirmed') t.status = 'coasting';
    this.checkDeletion(t);
  }

  private bindIdentity(t: Track, identity: string): void {
    const owner = this.identityIndex.get(identity);
    if (owner === t) return;
    if (owner) owner.identities.delete(identity);
    this.identityIndex.set(identity, t);
    t.identities.add(identity);
  }

  private checkConfirmation(t: Track): void {
    if (t.status !== 'tentative') return;
    const rule = this.config.confirmation;
    let ok: boolean;
    if (rule.kind === 'existence') ok = t.hits >= rule.minHits && t.existence >= rule.threshold;
    else ok = popcount(t.hitHistory & ((1 << rule.n) - 1)) >= rule.m;
    if (ok) {
      t.promote(this.config.initialTurnRateStd ** 2);
      t.status = 'confirmed';
      this.stats.tracksConfirmed++;
    }
  }

  private checkDeletion(t: Track): void {
    const rule = this.config.deletion;
    const tentative = t.status === 'tentative';
    if (rule.kind === 'existence') {
      if (t.existence < (tentative ? rule.tentative : rule.confirmed)) t.status = 'ended';
    } else if (t.misses >= (tentative ? rule.tentative : rule.confirmed)) {
      t.status = 'ended';
    }
  }

  // ---------------------------------------------------------------- initiation and housekeeping

  private initiate(scan: Scan, sensor: SensorSpec): void {
    const m = sensor.model.m;
    for (let i = 0; i < scan.count; i++) {
      if (!this.valid[i] || this.claimed[i]) continue;
      if (Number.isNaN(this.posX[i])) {
        if (!scan.spec) this.bearings.offer(scan, i); // the initiator knows the sensors' own models only
        continue;
      }
      const R = this.detectionR(scan, sensor, i);
      if (!sensor.model.toPosition(scan.z, i * m, R, this.dims, this.pos, this.posCov)) continue;
      // Where the clutter map says false plots crowd, a plot is proportionally less likely a new
      // object: the prior odds scale with the nominal over the local clutter density.
      const odds = this.config.initialExistence / (1 - this.config.initialExistence) * (sensor.clutterDensity / this.lambda[i]);
      // A detection that states its velocity (a broadcast fix) starts the track moving with it.
      const k = sensor.model.toVelocity?.(scan.z, i * m, R, this.dims, this.vel, this.velCov) ?? 0;
      const started = this.startTrack(scan, this.pos, this.posCov, scan.identity?.[i] ?? null, odds / (1 + odds), k);
      if (started) this.trackOfDetection[i] = started.id;
    }
    for (const fix of this.bearings.drain(scan.timeMs)) this.startTrack(scan, fix.position, fix.covariance, null, this.config.initialExistence);
  }

  /**
   * Starts a tentative track at a position with the configured velocity prior, or with the
   * velocity its first detection stated on the first `velAxes` axes (in `this.vel`, `this.velCov`).
   */
  private startTrack(scan: Scan, pos: Float64Array, cov: Float64Array, identity: string | null, existence: number, velAxes = 0): Track | null {
    if (this.region && !(pos[0] >= this.region.xmin && pos[0] <= this.region.xmax && pos[1] >= this.region.ymin && pos[1] <= this.region.ymax)) return null;
    const { dims: d, n, x0, P0, config } = this;
    x0.fill(0);
    P0.fill(0);
    for (let a = 0; a < d; a++) {
      x0[a] = pos[a];
      for (let b = 0; b < d; b++) P0[a * n + b] = cov[a * d + b];
      const vs = a === 2 ? config.initialVerticalVelocityStd : config.initialVelocityStd;
      P0[(d + a) * n + d + a] = vs * vs;
    }
    for (let a = 0; a < velAxes; a++) {
      x0[d + a] = this.vel[a];
      for (let b = 0; b < velAxes; b++) P0[(d + a) * n + d + b] = this.velCov[a * velAxes + b];
    }
    if (config.estimator.space.turnRate) P0[n * n - 1] = config.initialTurnRateStd ** 2;
    const t = this.pool.pop() ?? new Track(config.estimator.create(), config.tentativeEstimator?.create() ?? null);
    t.reset(this.nextId++, scan.timeMs, existence);
    if (t.estimator !== t.full) this.initTentative(t, x0, P0);
    else t.estimator.init(x0, P0);
    t.addSensor(scan.sensor, scan.timeMs);
    if (identity) this.bindIdentity(t, identity);
    this.live.push(t);
    this.stats.tracksStarted++;
    return t;
  }

  /** Initialises a tentative estimator whose state may lack the full state's turn rate. */
  private initTentative(t: Track, x0: Float64Array, P0: Float64Array): void {
    const m = t.estimator.space.n, n = this.n;
    let scratch = this.tentativeInit.get(m);
    if (!scratch) {
      scratch = { x: new Float64Array(m), P: new Float64Array(m * m) };
      this.tentativeInit.set(m, scratch);
    }
    const { x, P } = scratch;
    for (let i = 0; i < m; i++) {
      x[i] = x0[i];
      for (let j = 0; j < m; j++) P[i * m + j] = P0[i * n + j];
    }
    t.estimator.init(x, P);
  }

  /** Removes ended tracks (keeping the order of the rest) and returns them to the pool. */
  private sweep(): void {
    let w = 0;
    for (let r = 0; r < this.live.length; r++) {
      const t = this.live[r];
      if (t.status === 'ended') {
        if (t.identities.size > 0) for (const id of t.identities) if (this.identityIndex.get(id) === t) this.identityIndex.delete(id);
        this.pool.push(t);
      } else {
        this.live[w++] = t;
      }
    }
    this.live.length = w;
  }

  private detectionR(scan: Scan, sensor: SensorSpec, i: number): Float64Array {
    if (!scan.R) return sensor.R;
    const mm = sensor.model.m * sensor.model.m;
    for (let k = 0; k < mm; k++) this.rBuf[k] = scan.R[i * mm + k];
    return this.rBuf;
  }

  private gateThreshold(m: number): number {
    let g = this.gamma.get(m);
    if (g === undefined) {
      g = chi2Quantile(this.config.gateProbability, m);
      this.gamma.set(m, g);
    }
    return g;
  }

  private hasPositions(count: number): boolean {
    for (let i = 0; i < count; i++) if (!Number.isNaN(this.posX[i])) return true;
    return false;
  }

  /** Grid cell: a few measurement sigmas, so a confirmed track's gate spans only a few cells. */
  private cellSize(scan: Scan, sensor: SensorSpec): number {
    let sum = 0, k = 0;
    const m = sensor.model.m;
    for (let i = 0; i < scan.count && k < 16; i++) {
      if (Number.isNaN(this.posX[i])) continue;
      sensor.model.toPosition(scan.z, i * m, this.detectionR(scan, sensor, i), 2, this.pos, this.posCov);
      sum += this.posCov[0] + this.posCov[3];
      k++;
    }
    return Math.max(100, 4 * Math.sqrt(sum / Math.max(k, 1)));
  }

  private ensureScratch(count: number): void {
    if (this.valid.length < count) {
      const c = Math.max(count, 2 * this.valid.length);
      this.valid = new Uint8Array(c);
      this.posX = new Float64Array(c);
      this.posY = new Float64Array(c);
      this.claimed = new Uint8Array(c);
      this.lambda = new Float64Array(c);
      this.trackOfDetection = new Int32Array(c);
      this.measLocal = new Int32Array(c).fill(-1);
    }
    const tracks = this.live.length;
    if (this.assignedMeas.length < tracks) {
      this.assignedMeas = new Int32Array(2 * tracks);
      this.pairFrom = new Int32Array(2 * tracks);
      this.pairTo = new Int32Array(2 * tracks);
      this.trackLocal = new Int32Array(2 * tracks).fill(-1);
    }
    if (this.pairT.length === 0) this.growPairs();
  }

  private growPairs(): void {
    const c = Math.max(1024, 2 * this.pairT.length);
    const grow = <T extends Int32Array | Float64Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(c);
      b.set(a);
      return b;
    };
    this.pairT = grow(this.pairT, (n) => new Int32Array(n));
    this.pairM = grow(this.pairM, (n) => new Int32Array(n));
    this.pairCost = grow(this.pairCost, (n) => new Float64Array(n));
    this.pairActive = grow(this.pairActive, (n) => new Uint8Array(n));
    this.pairEligible = grow(this.pairEligible, (n) => new Uint8Array(n));
    this.pairBeta = grow(this.pairBeta, (n) => new Float64Array(n));
  }
}

/** Whether a track already holds a different identity of the same kind (two serials ≠ one drone). */
function conflictsWith(t: Track, identity: string): boolean {
  const kind = identityKind(identity);
  for (const id of t.identities) if (id !== identity && id.startsWith(kind) && identityKind(id) === kind) return true;
  return false;
}

/**
 * An identity's kind, the prefix two identities of one object cannot differ in: "rid:", "icao:",
 * "rf:"; for a node's object reference `ref:<issuer>:<object>` the issuer is part of the kind
 * (everything up to the last colon), since each node numbers its own objects — two nodes' numbers
 * for one object do not conflict, two numbers from one node do.
 */
function identityKind(identity: string): string {
  const colon = identity.startsWith('ref:') ? identity.lastIndexOf(':') : identity.indexOf(':');
  return identity.slice(0, colon + 1);
}

function popcount(v: number): number {
  v = v - ((v >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
