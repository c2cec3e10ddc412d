/**
 * Independent random streams from one scenario seed. Each consumer (a target, a sensor) gets a
 * seed hashed from the scenario seed and its own label, so streams do not overlap and adding a
 * consumer never shifts another's draws.
 */
export function deriveSeed(seed: number, label: string): number {
  // FNV-1a over the label, then a murmur3-style finaliser mixed with the seed.
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= Math.imul(seed >>> 0, 0x9e3779b1);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
