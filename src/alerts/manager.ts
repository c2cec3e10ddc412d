/**
 * Alert lifecycle: open → acknowledged → resolved, deduplicated per fused track and rule family,
 * escalated in place, suppressed for friendlies, with every step in an audit trail.
 *
 *   trigger      a rule fired on a track. No alert of its family for the track: open one. An alert
 *                exists: record the rule and its events on it; if the severity rises, raise it
 *                (an acknowledged alert goes back to open — worse behaviour needs eyes again; a
 *                resolved one is reopened); otherwise it is an update, not a new alert.
 *   operator     acknowledge (open only), resolve (open or acknowledged), mark a track friendly
 *                (its alerts resolve as friendly and no more open for it) — with who and when.
 *   track ended  the alert stays (a person closes it) but says the track is gone.
 *   merged       two objects turned out to be one: the younger one's alerts fold into the
 *                older one's of the same family (resolved as merged, rules and events carried).
 *
 * Alerts are kept per object (a chain of tracks judged to be one thing), so a track that breaks
 * up and restarts, or a duplicate track of the same drone, does not raise a second alert.
 *
 * Pure: times come in with the calls; ids are sequential, so a replay gives the same ids.
 */
import { severityRank } from '../assess/threat.js';
import type { Alert, AlertChange, AlertChangeKind, AuditEntry, OperatorAction, Trigger } from './types.js';

export interface AlertContext {
  threatScore: number;
  threatEvidence: readonly string[];
  cls: string;
  pDrone: number;
  disposition: string;
}

const SYSTEM = 'system';

export class AlertManager {
  private readonly byId = new Map<string, Alert>();
  /** Object id → family → alert. */
  private readonly byObject = new Map<number, Map<string, Alert>>();
  private readonly friendly = new Map<number, { by: string; timeMs: number }>();
  readonly audit: AuditEntry[] = [];
  private next = 1;

  /** All alerts, in order of opening. */
  all(): Alert[] {
    return [...this.byId.values()];
  }

  get(id: string): Alert | undefined {
    return this.byId.get(id);
  }

  /** Alerts of an object (by its id: the first track of its chain). */
  forObject(objectId: number): Alert[] {
    return [...(this.byObject.get(objectId)?.values() ?? [])];
  }

  /** Alerts any rule fired on from this track. */
  forTrack(trackId: number): Alert[] {
    return this.all().filter((a) => a.trackIds.includes(trackId));
  }

  /**
   * Takes back alerts a previous run of the service stored (with their operator states), so a
   * restart loses no acknowledgement and new alerts continue the numbering. Restored alerts are
   * about objects the new run has not seen; they stay until a person resolves them.
   */
  restore(alerts: readonly Alert[]): void {
    for (const a of alerts) {
      if (this.byId.has(a.id)) continue;
      const copy: Alert = structuredClone(a);
      this.byId.set(copy.id, copy);
      let fam = this.byObject.get(copy.objectId);
      if (!fam) this.byObject.set(copy.objectId, (fam = new Map()));
      fam.set(copy.family, copy);
      const n = Number(/^alert-(\d+)$/.exec(copy.id)?.[1] ?? 0);
      if (n >= this.next) this.next = n + 1;
    }
  }

  /** Unresolved alerts. */
  active(): Alert[] {
    return this.all().filter((a) => a.state !== 'resolved');
  }

  isFriendly(objectId: number): boolean {
    return this.friendly.has(objectId);
  }

  friendlyMark(objectId: number): { by: string; timeMs: number } | undefined {
    return this.friendly.get(objectId);
  }

  /**
   * A rule fired on a track of an object (objectId defaults to the track: a lone track is its own
   * object); returns the change it made, or null (nothing new).
   */
  trigger(trackId: number, timeMs: number, t: Trigger, ctx: AlertContext, objectId = trackId): AlertChange | null {
    if (this.friendly.has(objectId)) return null;
    let fam = this.byObject.get(objectId);
    if (!fam) this.byObject.set(objectId, (fam = new Map()));
    const a = fam.get(t.family);
    if (!a) {
      const alert: Alert = {
        id: `alert-${this.next++}`, objectId, trackId, trackIds: [trackId], family: t.family, rules: [t.rule], title: t.title, severity: t.severity, state: 'open',
        openedMs: timeMs, updatedMs: timeMs, acknowledged: null, resolved: null,
        evidence: [...t.evidence, ...ctx.threatEvidence], events: [...t.events],
        threatScore: ctx.threatScore, cls: ctx.cls, pDrone: ctx.pDrone, disposition: ctx.disposition, trackEnded: false,
      };
      fam.set(t.family, alert);
      this.byId.set(alert.id, alert);
      return this.change('opened', alert, timeMs, SYSTEM, `${t.rule}: ${t.title} (${t.severity})`);
    }
    const newRule = !a.rules.includes(t.rule);
    const higher = severityRank(t.severity) > severityRank(a.severity);
    if (!newRule && !higher) return null;
    if (newRule) a.rules.push(t.rule);
    a.trackId = trackId;
    if (!a.trackIds.includes(trackId)) a.trackIds.push(trackId);
    for (const e of t.events) if (!a.events.includes(e)) a.events.push(e);
    a.evidence = [...t.evidence, ...ctx.threatEvidence];
    a.threatScore = ctx.threatScore;
    a.cls = ctx.cls;
    a.pDrone = ctx.pDrone;
    a.disposition = ctx.disposition;
    a.updatedMs = timeMs;
    if (!higher) return this.change('updated', a, timeMs, SYSTEM, `${t.rule} on the same track: ${t.title}`);
    const from = a.severity;
    a.severity = t.severity;
    a.title = t.title;
    if (a.state === 'resolved') {
      a.state = 'open';
      a.resolved = null;
      a.acknowledged = null;
      return this.change('reopened', a, timeMs, SYSTEM, `${t.rule}: severity ${from} → ${t.severity}; reopened after resolution`);
    }
    if (a.state === 'acknowledged') {
      a.state = 'open';
      a.acknowledged = null;
    }
    return this.change('escalated', a, timeMs, SYSTEM, `${t.rule}: severity ${from} → ${t.severity}`);
  }

  /** An operator action. Invalid ones (unknown alert, wrong state) change nothing and are audited as refused. */
  act(action: OperatorAction): AlertChange[] {
    const { by, timeMs } = action;
    const note = action.note;
    if (action.type === 'mark-friendly') return this.markFriendly(action.trackId, by, timeMs, note);
    const a = this.byId.get(action.alertId);
    if (!a) return this.refuse(action, `no alert ${action.alertId}`);
    if (action.type === 'acknowledge') {
      if (a.state !== 'open') return this.refuse(action, `${a.id} is ${a.state}, only an open alert can be acknowledged`);
      a.state = 'acknowledged';
      a.acknowledged = { by, timeMs, ...(note ? { note } : {}) };
      a.updatedMs = timeMs;
      return [this.change('acknowledged', a, timeMs, by, note ?? '')];
    }
    if (a.state === 'resolved') return this.refuse(action, `${a.id} is already resolved`);
    a.state = 'resolved';
    a.resolved = { by, timeMs, reason: 'operator', ...(note ? { note } : {}) };
    a.updatedMs = timeMs;
    return [this.change('resolved', a, timeMs, by, note ?? '')];
  }

  /**
   * Marks an object friendly (by a person, or by the whitelist): resolves its alerts as friendly
   * and opens no more for it. `objectId` is the track id for a lone track.
   */
  markFriendly(objectId: number, by: string, timeMs: number, note?: string): AlertChange[] {
    if (this.friendly.has(objectId)) return [];
    this.friendly.set(objectId, { by, timeMs });
    this.audit.push({ timeMs, by, action: 'mark-friendly', alertId: null, trackId: objectId, detail: note ?? '' });
    const out: AlertChange[] = [];
    for (const a of this.byObject.get(objectId)?.values() ?? []) {
      if (a.state === 'resolved') continue;
      a.state = 'resolved';
      a.resolved = { by, timeMs, reason: 'friendly', ...(note ? { note } : {}) };
      a.updatedMs = timeMs;
      out.push(this.change('suppressed', a, timeMs, by, `object ${objectId} marked friendly${note ? `: ${note}` : ''}`));
    }
    return out;
  }

  /** The object's last track ended: its alerts say so (they stay until a person resolves them). */
  trackEnded(objectId: number, timeMs: number): AlertChange[] {
    const out: AlertChange[] = [];
    for (const a of this.byObject.get(objectId)?.values() ?? []) {
      if (a.trackEnded) continue;
      a.trackEnded = true;
      a.updatedMs = timeMs;
      out.push(this.change('track-ended', a, timeMs, SYSTEM, `track ${a.trackId} ended`));
    }
    return out;
  }

  /**
   * Object `from` turned out to be object `into`: each of from's alerts becomes into's alert of
   * that family when into has none, else folds into it (rules and events carried, the duplicate
   * resolved as merged). A friendly mark carries over.
   */
  mergeObjects(from: number, into: number, timeMs: number): AlertChange[] {
    const out: AlertChange[] = [];
    const src = this.byObject.get(from);
    const fr = this.friendly.get(from);
    if (fr && !this.friendly.has(into)) this.friendly.set(into, fr);
    if (!src) return out;
    let dst = this.byObject.get(into);
    if (!dst) this.byObject.set(into, (dst = new Map()));
    for (const [family, a] of src) {
      const b = dst.get(family);
      if (!b) {
        a.objectId = into;
        dst.set(family, a);
        a.updatedMs = timeMs;
        out.push(this.change('updated', a, timeMs, SYSTEM, `object ${from} is object ${into}: alert carried over`));
        continue;
      }
      for (const r of a.rules) if (!b.rules.includes(r)) b.rules.push(r);
      for (const e of a.events) if (!b.events.includes(e)) b.events.push(e);
      for (const k of a.trackIds) if (!b.trackIds.includes(k)) b.trackIds.push(k);
      const raise = severityRank(a.severity) > severityRank(b.severity) && b.state !== 'resolved';
      if (raise) {
        b.severity = a.severity;
        b.title = a.title;
        if (b.state === 'acknowledged') {
          b.state = 'open';
          b.acknowledged = null;
        }
      }
      b.updatedMs = timeMs;
      out.push(this.change(raise ? 'escalated' : 'updated', b, timeMs, SYSTEM, `${a.id} (object ${from}) is the same object: merged in`));
      if (a.state !== 'resolved') {
        a.state = 'resolved';
        a.resolved = { by: SYSTEM, timeMs, reason: 'merged', note: `duplicate of ${b.id}` };
        a.updatedMs = timeMs;
        out.push(this.change('resolved', a, timeMs, SYSTEM, `duplicate of ${b.id}`));
      }
    }
    this.byObject.delete(from);
    return out;
  }

  private refuse(action: OperatorAction, why: string): AlertChange[] {
    this.audit.push({
      timeMs: action.timeMs, by: action.by, action: `${action.type} refused`,
      alertId: 'alertId' in action ? action.alertId : null, trackId: 'trackId' in action ? action.trackId : null, detail: why,
    });
    return [];
  }

  private change(kind: AlertChangeKind, a: Alert, timeMs: number, by: string, detail: string): AlertChange {
    this.audit.push({ timeMs, by, action: kind, alertId: a.id, trackId: a.trackId, detail });
    return { kind, timeMs, alert: snapshot(a), by, detail };
  }
}

function snapshot(a: Alert): Alert {
  return {
    ...a, rules: [...a.rules], trackIds: [...a.trackIds], evidence: [...a.evidence], events: [...a.events],
    acknowledged: a.acknowledged ? { ...a.acknowledged } : null, resolved: a.resolved ? { ...a.resolved } : null,
  };
}
