/**
 * Friendly units from TAK (GET /api/blueforce: the CoT sources' latest report per uid, not
 * stale), polled every 5 s while their layer is on, so operators see their own teams beside the
 * tracks they are sent to.
 */
import { api } from '../api.js';
import { prefs } from '../prefs.js';
import type { BlueForcePosition } from '../types.js';

const REFRESH_MS = 5000;

export interface BlueForceView {
  setBlueForce(units: readonly BlueForcePosition[]): void;
}

let timer: number | null = null;
let count = 0;

/** Starts (or stops) polling as the layer is on (or off). */
export function syncBlueForce(view: BlueForceView | null): void {
  if (timer !== null) window.clearInterval(timer);
  timer = null;
  if (!view || !prefs.layers.blueforce) return;
  const refresh = () =>
    api<{ positions: BlueForcePosition[] }>('/api/blueforce')
      .then((r) => {
        count = r.positions.length;
        view.setBlueForce(r.positions);
      })
      // A failed poll keeps the last picture; the next one retries (the connection badge tells the rest).
      .catch(() => undefined);
  void refresh();
  timer = window.setInterval(() => void refresh(), REFRESH_MS);
}

/** For tests: friendly units last drawn. */
export function blueForceCount(): number {
  return count;
}
