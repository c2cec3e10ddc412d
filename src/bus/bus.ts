/**
 * The bus between the pipeline's stages (DESIGN.md: sources → bus → fusion → … → sinks).
 *
 * In one process it is the MemoryBus below; across machines a NATS JetStream implementation fills
 * the same interface (subjects = topics, JSON payloads), so nothing upstream or downstream changes.
 * Delivery is in publish order per topic. A subscriber that throws is counted and logged by the
 * bus's owner (`onError`), never allowed to stop the others: one broken sink must not stop a sector.
 */
import type { Detection } from '../model/detection.js';
import type { AlertChange, OperatorAction } from '../alerts/types.js';
import type { TrackEvent } from '../assess/types.js';
import type { TrackUpdate } from '../pipeline/views.js';

/** What flows on each topic. */
export interface Topics {
  /** Detections from every source, validated at the source's edge. */
  detections: Detection;
  /** Operator actions (acknowledge, resolve, mark friendly) with who and when. */
  actions: OperatorAction;
  /** Per assessment tick: tracks updated and tracks gone. */
  tracks: TrackUpdate;
  /** Behaviour events (crossing, drop, launch, dark flag, …). */
  events: TrackEvent;
  /** Alert changes (opened, escalated, acknowledged, …), each with the alert's snapshot. */
  alerts: AlertChange;
}

export type Topic = keyof Topics;
export type Handler<T extends Topic> = (message: Topics[T]) => void;

export interface Bus {
  publish<T extends Topic>(topic: T, message: Topics[T]): void;
  /** Returns the function that ends the subscription. */
  subscribe<T extends Topic>(topic: T, handler: Handler<T>): () => void;
  close(): Promise<void>;
}

/** Synchronous in-process bus: publish calls every subscriber of the topic in turn. */
export class MemoryBus implements Bus {
  private readonly handlers = new Map<Topic, Set<(m: never) => void>>();
  /** Messages per topic, and handler failures. */
  readonly published: Record<Topic, number> = { detections: 0, actions: 0, tracks: 0, events: 0, alerts: 0 };
  handlerErrors = 0;

  constructor(private readonly onError: (topic: Topic, err: unknown) => void = () => {}) {}

  publish<T extends Topic>(topic: T, message: Topics[T]): void {
    this.published[topic]++;
    const set = this.handlers.get(topic);
    if (!set) return;
    for (const h of set) {
      try {
        (h as Handler<T>)(message);
      } catch (err) {
        this.handlerErrors++;
        this.onError(topic, err);
      }
    }
  }

  subscribe<T extends Topic>(topic: T, handler: Handler<T>): () => void {
    let set = this.handlers.get(topic);
    if (!set) this.handlers.set(topic, (set = new Set()));
    const h = handler as (m: never) => void;
    set.add(h);
    return () => void set.delete(h);
  }

  async close(): Promise<void> {
    this.handlers.clear();
  }
}
