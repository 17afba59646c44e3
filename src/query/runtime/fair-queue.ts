/**
 * Per-owner FIFO queues served round-robin: `next()` takes one item from each owner with work in
 * turn, so an owner with thousands of queued items delays another's first item by at most one
 * item per owner. Owners are the queries of the worker pool.
 */
export class FairQueue<Owner, Item> {
  private readonly queues = new Map<Owner, { items: Item[]; head: number }>();
  /** Owners with queued items, in service order; `cursor` is the next to serve. */
  private readonly ring: Owner[] = [];
  private cursor = 0;
  private count = 0;

  /** Items queued across all owners. */
  get size(): number {
    return this.count;
  }

  push(owner: Owner, item: Item): void {
    let queue = this.queues.get(owner);
    if (queue === undefined) {
      queue = { items: [], head: 0 };
      this.queues.set(owner, queue);
      // Joins at the end of the round: behind every owner already waiting.
      this.ring.splice(this.cursor, 0, owner);
      this.cursor++;
    }
    queue.items.push(item);
    this.count++;
  }

  next(): Item | undefined {
    if (this.ring.length === 0) return undefined;
    if (this.cursor >= this.ring.length) this.cursor = 0;
    const owner = this.ring[this.cursor]!;
    const queue = this.queues.get(owner)!;
    const item = queue.items[queue.head]!;
    queue.items[queue.head] = undefined as Item;
    queue.head++;
    this.count--;
    if (queue.head === queue.items.length) this.remove(owner);
    else {
      if (queue.head >= 1024 && queue.head * 2 >= queue.items.length) {
        queue.items.splice(0, queue.head);
        queue.head = 0;
      }
      this.cursor++;
    }
    return item;
  }

  /** Removes an owner's queued items and returns them. */
  drop(owner: Owner): Item[] {
    const queue = this.queues.get(owner);
    if (queue === undefined) return [];
    const items = queue.items.slice(queue.head);
    this.count -= items.length;
    this.remove(owner);
    return items;
  }

  queued(owner: Owner): number {
    const queue = this.queues.get(owner);
    return queue === undefined ? 0 : queue.items.length - queue.head;
  }

  private remove(owner: Owner): void {
    this.queues.delete(owner);
    const at = this.ring.indexOf(owner);
    this.ring.splice(at, 1);
    if (at < this.cursor) this.cursor--;
  }
}
