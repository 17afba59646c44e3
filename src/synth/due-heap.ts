/**
 * A min-heap of (time, item, tag) entries in typed arrays: no allocation per entry once grown.
 * Entries cannot be removed; the owner gives each a tag (a generation number, say) and drops the
 * entries whose tag no longer means anything when they reach the top.
 */
export class DueHeap<T> {
  private at = new Float64Array(64);
  private tags = new Float64Array(64);
  private items: (T | undefined)[] = new Array(64);
  private n = 0;

  get size(): number {
    return this.n;
  }

  /** The earliest entry's time (Infinity when empty), item and tag. */
  get topAt(): number {
    return this.n === 0 ? Number.POSITIVE_INFINITY : this.at[0]!;
  }

  get topItem(): T {
    return this.items[0]!;
  }

  get topTag(): number {
    return this.tags[0]!;
  }

  push(at: number, item: T, tag: number): void {
    if (this.n === this.at.length) this.grow();
    let i = this.n++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.at[parent]! <= at) break;
      this.move(parent, i);
      i = parent;
    }
    this.at[i] = at;
    this.items[i] = item;
    this.tags[i] = tag;
  }

  /** Removes the earliest entry. */
  pop(): void {
    if (this.n === 0) return;
    const last = --this.n;
    const at = this.at[last]!;
    const item = this.items[last];
    const tag = this.tags[last]!;
    this.items[last] = undefined;
    if (last === 0) return;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= last) break;
      if (child + 1 < last && this.at[child + 1]! < this.at[child]!) child++;
      if (this.at[child]! >= at) break;
      this.move(child, i);
      i = child;
    }
    this.at[i] = at;
    this.items[i] = item;
    this.tags[i] = tag;
  }

  clear(): void {
    this.items.fill(undefined);
    this.n = 0;
  }

  private move(from: number, to: number): void {
    this.at[to] = this.at[from]!;
    this.items[to] = this.items[from];
    this.tags[to] = this.tags[from]!;
  }

  private grow(): void {
    const size = this.at.length * 2;
    const at = new Float64Array(size);
    at.set(this.at);
    const tags = new Float64Array(size);
    tags.set(this.tags);
    this.at = at;
    this.tags = tags;
    this.items.length = size;
  }
}
