/**
 * A min-heap of items by due time, each item at most once: pushing an item again supersedes its
 * earlier entry, `forget` drops it. Superseded entries stay in the array and are skipped when they
 * reach the top (lazy deletion), so every operation is O(log n).
 */
export class TickHeap<T> {
  private dues: number[] = [];
  private items: T[] = [];
  private gens: number[] = [];
  private readonly current = new Map<T, number>();
  private nextGen = 1;

  push(due: number, item: T): void {
    const gen = this.nextGen++;
    this.current.set(item, gen);
    this.dues.push(due);
    this.items.push(item);
    this.gens.push(gen);
    this.up(this.dues.length - 1);
  }

  forget(item: T): void {
    this.current.delete(item);
  }

  /** The earliest due time of a live entry. */
  peek(): number | undefined {
    this.dropStale();
    return this.dues.length === 0 ? undefined : this.dues[0];
  }

  pop(): T | undefined {
    this.dropStale();
    if (this.dues.length === 0) return undefined;
    const item = this.items[0]!;
    this.current.delete(item);
    this.removeTop();
    return item;
  }

  /** Live entries. */
  get size(): number {
    return this.current.size;
  }

  private dropStale(): void {
    while (this.dues.length > 0 && this.current.get(this.items[0]!) !== this.gens[0]) this.removeTop();
  }

  private removeTop(): void {
    const last = this.dues.length - 1;
    this.swap(0, last);
    this.dues.pop();
    this.items.pop();
    this.gens.pop();
    this.down(0);
  }

  private up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.dues[parent]! <= this.dues[i]!) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(i: number): void {
    const n = this.dues.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let min = i;
      if (l < n && this.dues[l]! < this.dues[min]!) min = l;
      if (r < n && this.dues[r]! < this.dues[min]!) min = r;
      if (min === i) return;
      this.swap(i, min);
      i = min;
    }
  }

  private swap(a: number, b: number): void {
    [this.dues[a], this.dues[b]] = [this.dues[b]!, this.dues[a]!];
    [this.items[a], this.items[b]] = [this.items[b]!, this.items[a]!];
    [this.gens[a], this.gens[b]] = [this.gens[b]!, this.gens[a]!];
  }
}
