import type { AddressDictionary } from '../backend.js';

/**
 * One address dictionary for the address columns of a job of several parts (a minute with late
 * segments): each part's entries, or the rows of a part that stored a column without a
 * dictionary, are looked up in one table of distinct addresses and the part's indexes re-coded in
 * place. An open-addressing hash table over the four words of an address; the memory is kept
 * from one job to the next (one merge per thread, used by one read at a time).
 */
export class AddrDictMerge {
  private words = new Uint32Array(4 * 1024);
  /** Entry index + 1 per slot, 0 for an empty slot; the length is a power of two. */
  private slots = new Int32Array(2048);
  private remapArray = new Uint32Array(1024);
  private lastEntries: Uint8Array | undefined;
  private lastSize = 0;
  private lastSame = false;
  size = 0;

  reset(): void {
    if (this.size > 0) this.slots.fill(0);
    this.size = 0;
    this.lastEntries = undefined;
  }

  /**
   * Re-codes `indexes` (into the `size` 16-byte `entries`) to this merge's entries. The entries
   * of the previous call, passed again (src_addr and dst_addr of a part share theirs), are not
   * looked up again. Returns each entry's index in this merge (valid until the next call).
   */
  addDictionary(entries: Uint8Array, size: number, indexes: Uint32Array): Uint32Array {
    if (entries !== this.lastEntries || size !== this.lastSize) {
      const source = new Uint32Array(entries.buffer, entries.byteOffset, size * 4);
      if (this.remapArray.length < size)
        this.remapArray = new Uint32Array(Math.max(size, 2 * this.remapArray.length));
      const remap = this.remapArray;
      let same = true;
      for (let e = 0; e < size; e++) {
        const o = e * 4;
        const mapped = this.add(source[o]!, source[o + 1]!, source[o + 2]!, source[o + 3]!);
        remap[e] = mapped;
        if (mapped !== e) same = false;
      }
      this.lastEntries = entries;
      this.lastSize = size;
      this.lastSame = same;
    }
    const remap = this.remapArray;
    if (!this.lastSame) for (let i = 0; i < indexes.length; i++) indexes[i] = remap[indexes[i]!]!;
    return remap.subarray(0, size);
  }

  /** Writes into `indexes` the entry of each 16-byte row of `rows` (4-aligned in memory). */
  addRows(rows: Uint8Array, indexes: Uint32Array): void {
    const words = new Uint32Array(rows.buffer, rows.byteOffset, indexes.length * 4);
    for (let i = 0; i < indexes.length; i++) {
      const o = i * 4;
      indexes[i] = this.add(words[o]!, words[o + 1]!, words[o + 2]!, words[o + 3]!);
    }
  }

  /** The entries so far, 16 bytes each, written to `out` (4-aligned, at least size × 16 bytes). */
  writeEntries(out: Uint8Array): Uint8Array {
    new Uint8Array(out.buffer, out.byteOffset, this.size * 16).set(
      new Uint8Array(this.words.buffer, 0, this.size * 16),
    );
    return out;
  }

  dictionary(entries: Uint8Array, indexes: Uint32Array): AddressDictionary {
    return { entries: this.writeEntries(entries), size: this.size, indexes };
  }

  private add(w0: number, w1: number, w2: number, w3: number): number {
    if (2 * (this.size + 1) > this.slots.length) this.grow();
    const slots = this.slots;
    const words = this.words;
    const mask = slots.length - 1;
    let h = hash4(w0, w1, w2, w3) & mask;
    for (;;) {
      const at = slots[h]!;
      if (at === 0) break;
      const o = (at - 1) * 4;
      if (words[o] === w0 && words[o + 1] === w1 && words[o + 2] === w2 && words[o + 3] === w3) return at - 1;
      h = (h + 1) & mask;
    }
    const index = this.size++;
    if (words.length < this.size * 4) {
      const bigger = new Uint32Array(words.length * 2);
      bigger.set(words);
      this.words = bigger;
    }
    const o = index * 4;
    this.words[o] = w0;
    this.words[o + 1] = w1;
    this.words[o + 2] = w2;
    this.words[o + 3] = w3;
    slots[h] = index + 1;
    return index;
  }

  private grow(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    const words = this.words;
    for (let e = 0; e < this.size; e++) {
      const o = e * 4;
      let h = hash4(words[o]!, words[o + 1]!, words[o + 2]!, words[o + 3]!) & mask;
      while (slots[h] !== 0) h = (h + 1) & mask;
      slots[h] = e + 1;
    }
    this.slots = slots;
  }
}

function hash4(w0: number, w1: number, w2: number, w3: number): number {
  const h = Math.imul(
    w3 ^ Math.imul(w2 ^ Math.imul(w1 ^ Math.imul(w0, 0x9e3779b1), 0x85ebca77), 0xc2b2ae3d),
    0x27d4eb2f,
  );
  return h ^ (h >>> 15);
}
