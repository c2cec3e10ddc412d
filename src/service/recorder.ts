/**
 * The store as a sink: everything the pipeline publishes, and every detection it accepted, goes
 * into the store; the store batches and the recorder flushes it on the owner's timer. The audit
 * trail lives in the alert manager until recorded here, then leaves memory (a service runs for
 * months; its audit must not grow in RAM).
 */
import type { AuditEntry } from '../alerts/types.js';
import type { Bus } from '../bus/bus.js';
import type { Detection } from '../model/detection.js';
import type { Store } from '../store/store.js';

export class Recorder {
  private readonly unsubscribe: (() => void)[];
  private detections: Detection[] = [];
  flushes = 0;

  constructor(private readonly store: Store, bus: Bus, private readonly audit: AuditEntry[]) {
    this.unsubscribe = [
      bus.subscribe('tracks', (u) => store.addTrackUpdate(u)),
      bus.subscribe('events', (e) => store.addEvent(e)),
      bus.subscribe('alerts', (c) => store.addAlertChange(c)),
      bus.subscribe('actions', (a) => store.addAction(a)),
    ];
  }

  /** An accepted detection (the pipeline's onAccepted). */
  detection(d: Detection): void {
    this.detections.push(d);
  }

  /** Writes what is queued (the owner's timer, and at shutdown). */
  flush(): void {
    if (this.detections.length > 0) {
      this.store.addDetections(this.detections);
      this.detections = [];
    }
    if (this.audit.length > 0) {
      for (const e of this.audit) this.store.addAudit(e);
      this.audit.length = 0;
    }
    this.store.flush();
    this.flushes++;
  }

  close(): void {
    for (const u of this.unsubscribe) u();
  }
}
