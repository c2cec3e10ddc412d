/**
 * Track continuity over a run: ID switches and fragmentations, counted on the per-scan GOSPA
 * assignment (only pairs with d < c count as "tracked"; GOSPA reports farther pairs as -1).
 *
 * Definitions (CLEAR-MOT style, adapted to the GOSPA assignment):
 * - A truth is *tracked* at a scan when the GOSPA assignment pairs it with an estimate at d < c.
 * - **ID switch**: the truth is tracked by a track id different from the last track id that
 *   tracked it (however long ago). The first acquisition is not a switch. Reacquiring with the
 *   same id after a gap is not a switch.
 * - **Fragmentation**: the truth was tracked, became untracked, and is now tracked again;
 *   counted once per such interruption, at the reacquisition. A truth that ends untracked adds
 *   nothing (that shows up as GOSPA "missed" instead).
 * - A scan in which a truth id is absent (not alive) is ignored for that truth: it is neither
 *   tracked nor untracked there. (Scenario truth has no gaps, so this only matters for other inputs.)
 *
 * A typical "target lost in a turn and re-born as a new track" therefore scores one
 * fragmentation and one ID switch; a track swapping onto a neighbour scores one ID switch per truth.
 */

export interface ContinuityResult {
  idSwitches: number;
  fragmentations: number;
}

interface TruthState {
  /** last track id that tracked this truth, or NaN if never tracked */
  lastTrack: number;
  /** tracked before and currently in an untracked stretch */
  inGap: boolean;
}

/** Incremental counter: feed it one scan at a time (see module doc for definitions). */
export class ContinuityCounter {
  private readonly state = new Map<number, TruthState>();
  private switches = 0;
  private frags = 0;

  /**
   * @param truthIds id of each truth present at this scan
   * @param estIds id of each estimate (track) reported at this scan
   * @param assignment truth index → estimate index, or -1 (as in GospaResult.assignment)
   */
  update(truthIds: ArrayLike<number>, estIds: ArrayLike<number>, assignment: ArrayLike<number>): void {
    for (let i = 0; i < truthIds.length; i++) {
      const tid = truthIds[i];
      let s = this.state.get(tid);
      if (!s) {
        s = { lastTrack: NaN, inGap: false };
        this.state.set(tid, s);
      }
      const j = assignment[i];
      if (j >= 0) {
        const track = estIds[j];
        if (!Number.isNaN(s.lastTrack) && s.lastTrack !== track) this.switches++;
        if (s.inGap) this.frags++;
        s.lastTrack = track;
        s.inGap = false;
      } else if (!Number.isNaN(s.lastTrack)) {
        s.inGap = true;
      }
    }
  }

  result(): ContinuityResult {
    return { idSwitches: this.switches, fragmentations: this.frags };
  }
}

export interface ContinuityScan {
  truthIds: ArrayLike<number>;
  estIds: ArrayLike<number>;
  assignment: ArrayLike<number>;
}

/** Counts ID switches and fragmentations over a whole run of scans (in time order). */
export function countContinuity(scans: Iterable<ContinuityScan>): ContinuityResult {
  const counter = new ContinuityCounter();
  for (const s of scans) counter.update(s.truthIds, s.estIds, s.assignment);
  return counter.result();
}
