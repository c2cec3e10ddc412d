import { describe, expect, it } from 'vitest';
import { AlertManager, type AlertContext } from '../../src/alerts/manager.js';
import type { Trigger } from '../../src/alerts/types.js';

const T0 = Date.parse('2025-11-14T04:00:00Z');
const ctx: AlertContext = { threatScore: 70, threatEvidence: ['P(drone) 99 % → +30'], cls: 'rotary-drone', pDrone: 0.99, disposition: 'suspect' };
const crossing: Trigger = { rule: 'border-crossing', family: 'incident', severity: 'high', title: 'Drone crossed the border MX → US', evidence: ['crossed at 04:00:10Z'], events: [] };
const drop: Trigger = { rule: 'suspected-drop', family: 'incident', severity: 'critical', title: 'Suspected payload drop', evidence: ['held 40 s'], events: [] };
const spoof: Trigger = { rule: 'remote-id-spoof', family: 'identity', severity: 'medium', title: 'Remote ID X broadcasts a false position', evidence: [], events: [] };

describe('alert lifecycle', () => {
  it('open → acknowledged → resolved, each with who and when, all in the audit trail', () => {
    const m = new AlertManager();
    const opened = m.trigger(7, T0, crossing, ctx)!;
    expect(opened.kind).toBe('opened');
    const id = opened.alert.id;
    expect(opened.alert.state).toBe('open');
    expect(opened.alert.evidence).toEqual(['crossed at 04:00:10Z', 'P(drone) 99 % → +30']);
    const ack = m.act({ type: 'acknowledge', alertId: id, by: 'sgt.ramos', timeMs: T0 + 20_000, note: 'team dispatched' });
    expect(ack).toHaveLength(1);
    expect(m.get(id)!.state).toBe('acknowledged');
    expect(m.get(id)!.acknowledged).toEqual({ by: 'sgt.ramos', timeMs: T0 + 20_000, note: 'team dispatched' });
    const res = m.act({ type: 'resolve', alertId: id, by: 'lt.chen', timeMs: T0 + 600_000, note: 'load recovered' });
    expect(res[0].kind).toBe('resolved');
    expect(m.get(id)!.resolved).toEqual({ by: 'lt.chen', timeMs: T0 + 600_000, reason: 'operator', note: 'load recovered' });
    expect(m.audit.map((a) => [a.action, a.by, a.alertId])).toEqual([
      ['opened', 'system', id], ['acknowledged', 'sgt.ramos', id], ['resolved', 'lt.chen', id],
    ]);
    expect(m.active()).toHaveLength(0);
  });

  it('refuses actions out of order, changes nothing and audits the refusal', () => {
    const m = new AlertManager();
    const id = m.trigger(1, T0, crossing, ctx)!.alert.id;
    m.act({ type: 'resolve', alertId: id, by: 'a', timeMs: T0 + 1 });
    expect(m.act({ type: 'acknowledge', alertId: id, by: 'b', timeMs: T0 + 2 })).toEqual([]);
    expect(m.act({ type: 'resolve', alertId: id, by: 'b', timeMs: T0 + 3 })).toEqual([]);
    expect(m.act({ type: 'acknowledge', alertId: 'alert-99', by: 'b', timeMs: T0 + 4 })).toEqual([]);
    expect(m.audit.filter((a) => a.action.endsWith('refused')).map((a) => a.detail)).toEqual([
      `${id} is resolved, only an open alert can be acknowledged`, `${id} is already resolved`, 'no alert alert-99',
    ]);
    expect(m.get(id)!.resolved!.by).toBe('a');
  });

  it('one alert per track per rule family: the same rule again is nothing new', () => {
    const m = new AlertManager();
    expect(m.trigger(1, T0, crossing, ctx)!.kind).toBe('opened');
    expect(m.trigger(1, T0 + 500, crossing, ctx)).toBeNull();
    expect(m.trigger(1, T0 + 1000, spoof, ctx)!.kind).toBe('opened'); // another family
    expect(m.trigger(2, T0 + 1000, crossing, ctx)!.kind).toBe('opened'); // another track
    expect(m.all()).toHaveLength(3);
  });

  it('escalation: crossing → drop raises the severity of the same alert and asks for eyes again', () => {
    const m = new AlertManager();
    const id = m.trigger(1, T0, crossing, ctx)!.alert.id;
    m.act({ type: 'acknowledge', alertId: id, by: 'ops', timeMs: T0 + 5000 });
    const esc = m.trigger(1, T0 + 60_000, drop, ctx)!;
    expect(esc.kind).toBe('escalated');
    expect(esc.alert.id).toBe(id);
    expect(esc.alert.severity).toBe('critical');
    expect(esc.alert.rules).toEqual(['border-crossing', 'suspected-drop']);
    expect(esc.alert.state).toBe('open');
    expect(esc.alert.acknowledged).toBeNull();
    expect(m.all()).toHaveLength(1);
    // A lower-severity rule on the same alert only updates it.
    const dark: Trigger = { rule: 'dark-drone', family: 'incident', severity: 'medium', title: 'dark', evidence: [], events: [] };
    expect(m.trigger(1, T0 + 70_000, dark, ctx)!.kind).toBe('updated');
    expect(m.get(id)!.severity).toBe('critical');
  });

  it('a possible drone confirmed later: the same crossing alert is raised and retitled, not a second one', () => {
    const m = new AlertManager();
    const possible: Trigger = { ...crossing, severity: 'medium', title: 'Possible drone crossed the border MX → US' };
    const id = m.trigger(1, T0, possible, ctx)!.alert.id;
    expect(m.trigger(1, T0 + 500, possible, ctx)).toBeNull();
    const esc = m.trigger(1, T0 + 30_000, crossing, ctx)!;
    expect([esc.kind, esc.alert.id, esc.alert.severity, esc.alert.title]).toEqual(['escalated', id, 'high', 'Drone crossed the border MX → US']);
    expect(m.all()).toHaveLength(1);
  });

  it('a resolved alert reopens only when behaviour worsens', () => {
    const m = new AlertManager();
    const id = m.trigger(1, T0, crossing, ctx)!.alert.id;
    m.act({ type: 'resolve', alertId: id, by: 'ops', timeMs: T0 + 1000 });
    expect(m.trigger(1, T0 + 2000, crossing, ctx)).toBeNull();
    const re = m.trigger(1, T0 + 3000, drop, ctx)!;
    expect(re.kind).toBe('reopened');
    expect(re.alert.state).toBe('open');
  });

  it('marking a track friendly resolves its alerts as friendly and opens no more', () => {
    const m = new AlertManager();
    m.trigger(4, T0, crossing, ctx);
    m.trigger(4, T0, spoof, ctx);
    const changes = m.act({ type: 'mark-friendly', trackId: 4, by: 'cbp.air', timeMs: T0 + 9000, note: 'our fleet, tail 12' });
    expect(changes.map((c) => [c.kind, c.alert.resolved?.reason, c.by])).toEqual([['suppressed', 'friendly', 'cbp.air'], ['suppressed', 'friendly', 'cbp.air']]);
    expect(m.trigger(4, T0 + 10_000, drop, ctx)).toBeNull();
    expect(m.isFriendly(4)).toBe(true);
    expect(m.audit.some((a) => a.action === 'mark-friendly' && a.by === 'cbp.air' && a.detail === 'our fleet, tail 12')).toBe(true);
  });

  it('two objects found to be one: alerts fold into the older one, the duplicate resolved as merged', () => {
    const m = new AlertManager();
    const a = m.trigger(1, T0, crossing, ctx, 1)!.alert.id;
    const b = m.trigger(9, T0 + 1000, drop, ctx, 9)!.alert.id;
    const s = m.trigger(9, T0 + 1000, spoof, ctx, 9)!.alert.id;
    const ch = m.mergeObjects(9, 1, T0 + 2000);
    expect(m.get(a)!.severity).toBe('critical');
    expect(m.get(a)!.rules).toEqual(['border-crossing', 'suspected-drop']);
    expect(m.get(a)!.trackIds).toEqual([1, 9]);
    expect(m.get(b)!.state).toBe('resolved');
    expect(m.get(b)!.resolved!.reason).toBe('merged');
    expect(m.get(s)!.objectId).toBe(1); // carried over: the older object had no identity alert
    expect(ch.map((c) => c.kind)).toEqual(['escalated', 'resolved', 'updated']);
    expect(m.trigger(9, T0 + 3000, drop, ctx, 1)).toBeNull(); // the object's alert already has it
  });

  it('a track that ends leaves its alert standing, marked', () => {
    const m = new AlertManager();
    const id = m.trigger(3, T0, crossing, ctx)!.alert.id;
    expect(m.trackEnded(3, T0 + 5000).map((c) => c.kind)).toEqual(['track-ended']);
    expect(m.get(id)!.trackEnded).toBe(true);
    expect(m.get(id)!.state).toBe('open');
  });
});
