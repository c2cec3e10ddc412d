import { describe, expect, it } from 'vitest';
import { UlidFactory, isUlid, isUuid, ulidTimeMs } from '../../../src/ingest/sapient/ids.js';

describe('SAPIENT identifiers', () => {
  it('recognises ULIDs as the standard uses them', () => {
    expect(isUlid('01GGYFBAXGDG7AGAHRZ6XSNY12')).toBe(true);
    expect(isUlid('01ggyfbaxgdg7agahrz6xsny12')).toBe(true);
    expect(isUlid('AAA')).toBe(false);
    expect(isUlid('a8654cdf-4328-47de-81fa-c495589e30c8')).toBe(false);
    expect(isUlid('81GGYFBAXGDG7AGAHRZ6XSNY12')).toBe(false); // > 128 bits
    expect(isUlid('01GGYFBAXGDG7AGAHRZ6XSNYI2')).toBe(false); // I is not Crockford
  });

  it('recognises UUIDs in canonical form', () => {
    expect(isUuid('a8654cdf-4328-47de-81fa-c495589e30c8')).toBe(true);
    expect(isUuid('A8654CDF-4328-47DE-81FA-C495589E30C8')).toBe(true);
    expect(isUuid('01H4R63D7NVN8444Z5M77WEBY6')).toBe(false);
    expect(isUuid('a8654cdf432847de81fac495589e30c8')).toBe(false);
  });

  it('makes valid, time-ordered, monotonic ULIDs', () => {
    const f = new UlidFactory();
    const t = Date.parse('2025-11-14T04:00:00Z');
    const ids = Array.from({ length: 1000 }, (_, i) => f.next(t + Math.floor(i / 100)));
    for (const id of ids) expect(isUlid(id)).toBe(true);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ulidTimeMs(ids[0])).toBe(t);
  });

  it('stays monotonic when the clock steps back', () => {
    const f = new UlidFactory(() => new Uint8Array(10).fill(0xff));
    const a = f.next(2000);
    const b = f.next(1000);
    expect(b > a).toBe(true);
  });
});
