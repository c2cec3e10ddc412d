/** Socket helpers shared by the reconnecting TCP clients. */
import type { Socket } from 'node:net';

/** Destroys a client socket; resolves once it has closed (at once when there is none). */
export function destroySocket(s: Socket | null): Promise<void> {
  if (!s || s.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    s.once('close', () => resolve());
    s.destroy();
  });
}
