/**
 * Splits the gated (track, measurement) pairs into independent clusters by union-find, so
 * assignment and JPDA run on many small problems instead of one big one.
 */
export class ClusterBuilder {
  private parent = new Int32Array(0);
  private labelOf = new Int32Array(0);
  /** Cluster of each track (−1 when it gated nothing). */
  trackCluster = new Int32Array(0);
  /** Cluster of each measurement (−1 when no track gated it). */
  measCluster = new Int32Array(0);
  count = 0;

  /** Clusters the pairs p with active[p] set (all pairs when `active` is null). */
  build(nTracks: number, nMeas: number, pairT: Int32Array, pairM: Int32Array, nPairs: number, active: Uint8Array | null): void {
    const nodes = nTracks + nMeas;
    if (this.parent.length < nodes) {
      this.parent = new Int32Array(Math.max(nodes, 2 * this.parent.length));
      this.labelOf = new Int32Array(this.parent.length);
    }
    if (this.trackCluster.length < nTracks) this.trackCluster = new Int32Array(Math.max(nTracks, 2 * this.trackCluster.length));
    if (this.measCluster.length < nMeas) this.measCluster = new Int32Array(Math.max(nMeas, 2 * this.measCluster.length));
    const parent = this.parent;
    for (let i = 0; i < nodes; i++) parent[i] = i;
    for (let p = 0; p < nPairs; p++) {
      if (active && !active[p]) continue;
      const a = this.find(pairT[p]), b = this.find(nTracks + pairM[p]);
      if (a !== b) {
        if (a < b) parent[b] = a;
        else parent[a] = b;
      }
    }
    this.trackCluster.fill(-1, 0, nTracks);
    this.measCluster.fill(-1, 0, nMeas);
    this.labelOf.fill(-1, 0, nodes);
    // Labels in order of first appearance among the pairs: deterministic for a given input.
    let count = 0;
    for (let p = 0; p < nPairs; p++) {
      if (active && !active[p]) continue;
      const root = this.find(pairT[p]);
      if (this.labelOf[root] < 0) this.labelOf[root] = count++;
      this.trackCluster[pairT[p]] = this.labelOf[root];
      this.measCluster[pairM[p]] = this.labelOf[root];
    }
    this.count = count;
  }

  private find(i: number): number {
    const parent = this.parent;
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  }
}
