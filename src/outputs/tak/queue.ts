/**
 * A bounded FIFO that drops its oldest item when full.
 *
 * Track updates supersede each other: when a TAK server or the network is slower than the
 * tracker, the newest positions are the ones worth sending, and memory must stay bounded however
 * long the stall lasts. So a full queue drops from the head and counts the drop.
 */
export class DropOldestQueue<T> {
  private readonly items: (T | undefined)[];
  private head = 0;
  private count = 0;
  /** Items dropped because the queue was full. */
  dropped = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`queue capacity must be a positive integer, got ${capacity}`);
    this.items = new Array<T | undefined>(capacity);
  }

  get length(): number {
    return this.count;
  }

  /** Appends; when full, first drops the oldest item. Returns the dropped item, if any. */
  push(item: T): T | undefined {
    let droppedItem: T | undefined;
    if (this.count === this.capacity) {
      droppedItem = this.shift();
      this.dropped++;
    }
    this.items[(this.head + this.count) % this.capacity] = item;
    this.count++;
    return droppedItem;
  }

  /** Removes and returns the oldest item. */
  shift(): T | undefined {
    if (this.count === 0) return undefined;
    const item = this.items[this.head];
    this.items[this.head] = undefined; // let it be collected
    this.head = (this.head + 1) % this.capacity;
    this.count--;
    return item;
  }

  /** The oldest item without removing it. */
  peek(): T | undefined {
    return this.count === 0 ? undefined : this.items[this.head];
  }

  clear(): void {
    while (this.count > 0) this.shift();
  }
}
