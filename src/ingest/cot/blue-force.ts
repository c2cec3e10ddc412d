/**
 * Blue force from TAK: friendly positions (patrols, vehicles, the agency's own drones) read
 * from CoT, so the picture can mark them and fusion can tell a friendly drone from a threat.
 *
 * A TAK network carries every kind of event (chat, markers, drawings, other sensors' tracks);
 * only friendly atoms — type `a-f-…` (friend) or `a-a-…` (assumed friend) — are blue force.
 * The table keeps the latest event per uid, as CoT defines ("the latest, ordered by timestamp,
 * overwrites all previous events for that UID"), drops entries past their stale time, and holds
 * at most `maxEntries`, evicting the entry that goes stale first.
 */

import { COT_UNKNOWN, type CotEvent, type CotGroup } from '../../outputs/tak/event.js';

export interface BlueForcePosition {
  uid: string;
  callsign: string | null;
  type: string;
  how: string;
  latDeg: number;
  lonDeg: number;
  /** Height above the WGS84 ellipsoid, m; null when the sender marked it unknown. */
  heightAboveEllipsoidM: number | null;
  /** 1-sigma horizontal error, m (CoT ce); null when unknown. */
  ceM: number | null;
  /** 1-sigma vertical error, m (CoT le); null when unknown. */
  leM: number | null;
  timeMs: number;
  startMs: number;
  staleMs: number;
  group: CotGroup | null;
  courseDeg: number | null;
  speedMps: number | null;
}

/** TAK's "unknown" sentinel for hae/ce/le: 9999999 (MITRE) or 999999 (takproto comments). */
const UNKNOWN_AT = 999999;

const known = (v: number): number | null => (Number.isFinite(v) && Math.abs(v) < Math.min(UNKNOWN_AT, COT_UNKNOWN) ? v : null);

/** Whether a CoT type is a friendly atom (friend or assumed friend). */
export function isBlueForceType(type: string): boolean {
  return type.startsWith('a-f-') || type.startsWith('a-a-') || type === 'a-f' || type === 'a-a';
}

/** The blue-force view of an event (whatever its type; filter with {@link isBlueForceType}). */
export function blueForceFromCot(ev: CotEvent): BlueForcePosition {
  return {
    uid: ev.uid,
    callsign: ev.detail.contact?.callsign ?? null,
    type: ev.type,
    how: ev.how,
    latDeg: ev.latDeg,
    lonDeg: ev.lonDeg,
    heightAboveEllipsoidM: known(ev.haeM),
    ceM: known(ev.ceM),
    leM: known(ev.leM),
    timeMs: ev.timeMs,
    startMs: ev.startMs,
    staleMs: ev.staleMs,
    group: ev.detail.group ?? null,
    courseDeg: ev.detail.track ? ev.detail.track.course : null,
    speedMps: ev.detail.track ? ev.detail.track.speed : null,
  };
}

/** Latest blue-force position per uid, bounded and expiring. */
export class BlueForceTable {
  private readonly byUid = new Map<string, BlueForcePosition>();

  constructor(readonly maxEntries = 10_000) {}

  get size(): number {
    return this.byUid.size;
  }

  /**
   * Stores a position unless an entry with a later (or equal) time is held. Returns whether it was
   * stored. `nowMs` (the caller's clock) drops positions already stale on arrival.
   */
  upsert(p: BlueForcePosition, nowMs?: number): boolean {
    if (nowMs !== undefined && p.staleMs <= nowMs) return false;
    const old = this.byUid.get(p.uid);
    if (old && old.timeMs >= p.timeMs) return false;
    if (!old && this.byUid.size >= this.maxEntries) {
      if (nowMs !== undefined) this.expire(nowMs);
      if (this.byUid.size >= this.maxEntries) this.evictFirstStale();
    }
    this.byUid.delete(p.uid); // re-insert keeps Map order = update order
    this.byUid.set(p.uid, p);
    return true;
  }

  /** Removes entries whose stale time has passed; returns how many. */
  expire(nowMs: number): number {
    let n = 0;
    for (const [uid, p] of this.byUid) {
      if (p.staleMs <= nowMs) {
        this.byUid.delete(uid);
        n++;
      }
    }
    return n;
  }

  get(uid: string): BlueForcePosition | undefined {
    return this.byUid.get(uid);
  }

  /** Current positions (not stale at `nowMs` when given), sorted by uid for deterministic output. */
  list(nowMs?: number): BlueForcePosition[] {
    const out = [...this.byUid.values()].filter((p) => nowMs === undefined || p.staleMs > nowMs);
    return out.sort((a, b) => (a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0));
  }

  private evictFirstStale(): void {
    let victim: string | null = null, first = Infinity;
    for (const [uid, p] of this.byUid) {
      if (p.staleMs < first) {
        first = p.staleMs;
        victim = uid;
      }
    }
    if (victim !== null) this.byUid.delete(victim);
  }
}
