import { describe, expect, it } from 'vitest';
import type { Detection } from '../../src/model/detection.js';
import { Intake } from '../../src/service/intake.js';

const det = (sensorId: string, timeMs: number): Detection => ({
  sensorId, timeMs, measurement: { kind: 'bearing', azimuthRad: 0, sigma: { azimuthRad: 0.05 } },
});

describe('Intake', () => {
  it('refuses detections stamped ahead of the clock or too old, counting each by sensor and reason', () => {
    let now = 1_000_000;
    const fused: number[] = [];
    const rejected: string[] = [];
    const intake = new Intake(() => now, (d) => (fused.push(d.timeMs), true), (_d, reason) => rejected.push(reason));
    expect(intake.accept(det('rf-1', now))).toBe(true);
    expect(intake.accept(det('rf-1', now + 3_600_000))).toBe(false); // a skewed clock must not push the window into the future
    expect(intake.accept(det('rf-1', now - 120_000))).toBe(false);
    now += 500;
    expect(intake.accept(det('rf-2', now - 100))).toBe(true);
    expect(fused).toEqual([1_000_000, 1_000_400]);
    expect(rejected).toEqual(['future', 'stale']);
    expect(intake.bySensor.get('rf-1')).toEqual({ received: 3, accepted: 1, rejected: { future: 1, stale: 1, fusion: 0 } });
    expect(intake.bySensor.get('rf-2')?.accepted).toBe(1);
  });

  it('counts what fusion refused, and bounds the number of sensors it keeps counters for', () => {
    const intake = new Intake(() => 0, () => false);
    for (let i = 0; i < 5000; i++) intake.accept(det(`spoofed-${i}`, 0));
    expect(intake.bySensor.size).toBeLessThanOrEqual(1024);
    expect(intake.bySensor.get('spoofed-0')?.rejected.fusion).toBe(1);
  });
});
