import { describe, expect, it } from 'vitest';
import { MemoryBus } from '../../src/bus/bus.js';
import type { OperatorAction } from '../../src/alerts/types.js';

const ack = (n: number): OperatorAction => ({ type: 'acknowledge', alertId: `alert-${n}`, by: 'op', timeMs: n });

describe('MemoryBus', () => {
  it('delivers in publish order to every subscriber, and a failing subscriber stops no one', () => {
    const errors: string[] = [];
    const bus = new MemoryBus((topic) => errors.push(topic));
    const a: number[] = [], b: number[] = [];
    bus.subscribe('actions', (m) => a.push(m.timeMs));
    bus.subscribe('actions', () => {
      throw new Error('broken sink');
    });
    bus.subscribe('actions', (m) => b.push(m.timeMs));
    for (let i = 0; i < 5; i++) bus.publish('actions', ack(i));
    expect(a).toEqual([0, 1, 2, 3, 4]);
    expect(b).toEqual([0, 1, 2, 3, 4]);
    expect(bus.handlerErrors).toBe(5);
    expect(errors).toEqual(['actions', 'actions', 'actions', 'actions', 'actions']);
    expect(bus.published.actions).toBe(5);
  });

  it('stops delivering after unsubscribe and keeps topics apart', () => {
    const bus = new MemoryBus();
    const got: number[] = [];
    const off = bus.subscribe('actions', (m) => got.push(m.timeMs));
    bus.publish('actions', ack(1));
    bus.publish('alerts', { kind: 'opened', timeMs: 2, by: 'system', detail: '', alert: {} as never });
    off();
    bus.publish('actions', ack(3));
    expect(got).toEqual([1]);
  });
});
