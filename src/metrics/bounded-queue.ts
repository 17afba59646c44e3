/**
 * A FIFO of at most `capacity` items that drops its oldest item when full (a receiver that is
 * down must not grow memory without bound). Items carry sequence numbers, so a sender that read a
 * batch, awaited, and meanwhile lost some of it to overflow removes exactly what it sent.
 */
export class BoundedQueue<T> {
  private readonly items: (T | undefined)[];
  private head = 0;
  private count = 0;
  /** The sequence number of the item at the head (items ever removed, sent or dropped). */
  private headSeq = 0;
  /** Items dropped because the queue was full. */
  dropped = 0;

  constructor(readonly capacity: number) {
    if (!(capacity >= 1)) throw new RangeError(`queue capacity ${capacity} must be at least 1`);
    this.items = new Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** Appends; returns 1 if the oldest item was dropped to make room, else 0. */
  push(item: T): number {
    let dropped = 0;
    if (this.count === this.capacity) {
      this.shift();
      this.dropped++;
      dropped = 1;
    }
    this.items[(this.head + this.count) % this.capacity] = item;
    this.count++;
    return dropped;
  }

  /** Up to `max` items from the head, not removed, and the sequence number of the first. */
  peek(max: number): { items: T[]; firstSeq: number } {
    const n = Math.min(max, this.count);
    const items: T[] = new Array(n);
    for (let i = 0; i < n; i++) items[i] = this.items[(this.head + i) % this.capacity]!;
    return { items, firstSeq: this.headSeq };
  }

  /** Removes every item whose sequence number is below `seq`; returns how many it removed. */
  removeBefore(seq: number): number {
    let removed = 0;
    while (this.count > 0 && this.headSeq < seq) {
      this.shift();
      removed++;
    }
    return removed;
  }

  /** Removes and returns up to `max` items from the head. */
  take(max: number): T[] {
    const { items } = this.peek(max);
    this.removeBefore(this.headSeq + items.length);
    return items;
  }

  private shift(): void {
    this.items[this.head] = undefined;
    this.head = (this.head + 1) % this.capacity;
    this.count--;
    this.headSeq++;
  }
}
