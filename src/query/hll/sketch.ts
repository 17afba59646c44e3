import { addAddressWordsDense } from './address-range.js';
import { estimateDense, linearCount } from './estimate.js';
import { hashAddress, hashAddressWords, hashNumber, hashString, newHash64 } from './hash64.js';
import { applyEntryToDense, SPARSE_PRECISION, SparseSet, sparseEntry } from './sparse.js';

export const MIN_PRECISION = 4;
export const MAX_PRECISION = 18;
export const DEFAULT_PRECISION = 14;
export const ADDRESS_BYTES = 16;

/** Sparse entries allowed before converting to dense: a quarter of the register count. */
export function sparseLimit(precision: number): number {
  return 1 << (precision - 2);
}

export function checkPrecision(precision: number): void {
  if (!Number.isInteger(precision) || precision < MIN_PRECISION || precision > MAX_PRECISION) {
    throw new RangeError(`HyperLogLog precision must be an integer in ${MIN_PRECISION}..${MAX_PRECISION}`);
  }
}

/**
 * HyperLogLog sketch over 64-bit hashes: sparse (exact up to hash collisions at p' = 25) until
 * 2^p / 4 distinct sparse indexes, then 2^p dense byte registers. Registers depend only on the
 * set of values added, never on order, representation history or merge tree.
 */
export class HyperLogLog {
  readonly precision: number;
  private sparse: SparseSet | null = new SparseSet();
  private registers: Uint8Array | null = null;
  private readonly hash = newHash64();
  /** addAddressWords tried dense registers at once and found too few values (tryDense). */
  private denseTried = false;

  constructor(precision = DEFAULT_PRECISION) {
    checkPrecision(precision);
    this.precision = precision;
  }

  /** A dense sketch that takes ownership of `registers` (2^precision bytes, ranks 0..65-p). */
  static fromRegisters(precision: number, registers: Uint8Array): HyperLogLog {
    const sketch = new HyperLogLog(precision);
    if (registers.length !== 1 << precision) throw new RangeError('register count must be 2^precision');
    sketch.sparse = null;
    sketch.registers = registers;
    return sketch;
  }

  static fromSparseEntries(precision: number, entries: ArrayLike<number>): HyperLogLog {
    const sketch = new HyperLogLog(precision);
    for (let i = 0; i < entries.length; i++) sketch.sparse!.add(entries[i]!);
    sketch.convertIfFull();
    return sketch;
  }

  /** The live dense registers (kernels update them in place), or null while sparse. */
  get registersIfDense(): Uint8Array | null {
    return this.registers;
  }

  get isSparse(): boolean {
    return this.sparse !== null;
  }

  /** Sorted sparse entries (index << 6 | rank at p' = 25), or null when dense. */
  sparseEntries(): Uint32Array | null {
    return this.sparse?.sortedEntries() ?? null;
  }

  /** Dense registers: the live array when dense, a fresh one computed from the entries when sparse. */
  denseRegisters(): Uint8Array {
    if (this.registers !== null) return this.registers;
    const registers = new Uint8Array(1 << this.precision);
    this.sparse!.forEach((entry) => {
      applyEntryToDense(entry, registers, this.precision);
    });
    return registers;
  }

  addHash(hashHi: number, hashLo: number): void {
    const registers = this.registers;
    if (registers !== null) {
      const p = this.precision;
      const index = hashHi >>> (32 - p);
      const rest = hashHi << p;
      const rank = rest !== 0 ? Math.clz32(rest) + 1 : 33 - p + Math.clz32(hashLo);
      if (rank > registers[index]!) registers[index] = rank;
      return;
    }
    this.sparse!.add(sparseEntry(hashHi, hashLo));
    this.convertIfFull();
  }

  addNumber(x: number): void {
    hashNumber(x, this.hash);
    this.addHash(this.hash[0]!, this.hash[1]!);
  }

  /** Add the 16-byte address at bytes[offset .. offset + 16), read in place. */
  addAddress(bytes: Uint8Array, offset: number): void {
    hashAddress(bytes, offset, this.hash);
    this.addHash(this.hash[0]!, this.hash[1]!);
  }

  addString(s: string): void {
    hashString(s, this.hash);
    this.addHash(this.hash[0]!, this.hash[1]!);
  }

  /** Add values[from .. to) of a numeric column. */
  addNumbers(values: ArrayLike<number>, from = 0, to = values.length): void {
    const hash = this.hash;
    for (let i = from; i < to; i++) {
      hashNumber(values[i]!, hash);
      this.addHash(hash[0]!, hash[1]!);
    }
  }

  /** Add values[rows[0 .. count)] of a numeric column through a selection vector. */
  addNumbersAt(values: ArrayLike<number>, rows: ArrayLike<number>, count = rows.length): void {
    const hash = this.hash;
    for (let i = 0; i < count; i++) {
      hashNumber(values[rows[i]!]!, hash);
      this.addHash(hash[0]!, hash[1]!);
    }
  }

  /** Add rows [fromRow, toRow) of an address column (16 bytes per row). */
  addAddresses(bytes: Uint8Array, fromRow = 0, toRow = bytes.length / ADDRESS_BYTES): void {
    const hash = this.hash;
    for (let row = fromRow; row < toRow; row++) {
      hashAddress(bytes, row * ADDRESS_BYTES, hash);
      this.addHash(hash[0]!, hash[1]!);
    }
  }

  /**
   * Add rows [fromRow, toRow) of an address column read as little-endian int32 words (4 per row:
   * an Int32Array view of the column on a little-endian machine), the same as addAddresses.
   */
  addAddressWords(words: Int32Array, fromRow: number, toRow: number): void {
    if (
      this.sparse !== null &&
      !this.denseTried &&
      toRow - fromRow > sparseLimit(this.precision) &&
      this.tryDense(words, fromRow, toRow)
    )
      return;
    let row = fromRow;
    const hash = this.hash;
    for (; row < toRow && this.registers === null; row++) {
      const o = row << 2;
      hashAddressWords(words[o]!, words[o + 1]!, words[o + 2]!, words[o + 3]!, hash);
      this.addHash(hash[0]!, hash[1]!);
    }
    if (row < toRow) addAddressWordsDense(this.registers!, this.precision, words, row, toRow);
  }

  /** Add the rows rows[0 .. count) of an address column through a selection vector. */
  addAddressesAt(bytes: Uint8Array, rows: ArrayLike<number>, count = rows.length): void {
    const hash = this.hash;
    for (let i = 0; i < count; i++) {
      hashAddress(bytes, rows[i]! * ADDRESS_BYTES, hash);
      this.addHash(hash[0]!, hash[1]!);
    }
  }

  /**
   * Merge `other` into this sketch (register max); `other` is unchanged. A sketch of higher
   * precision is folded down exactly; merging a lower-precision dense sketch into a higher one
   * throws a RangeError (call `reduce(other.precision)` on this sketch first).
   */
  merge(other: HyperLogLog): void {
    if (other.sparse !== null) {
      if (this.sparse !== null) {
        other.sparse.forEach((entry) => {
          this.sparse!.add(entry);
        });
        this.convertIfFull();
      } else {
        const registers = this.registers!;
        other.sparse.forEach((entry) => {
          applyEntryToDense(entry, registers, this.precision);
        });
      }
      return;
    }
    if (other.precision < this.precision) {
      throw new RangeError(
        `cannot merge a dense p=${other.precision} HyperLogLog into p=${this.precision}; reduce this sketch first`,
      );
    }
    if (this.sparse !== null) this.convertToDense();
    const target = this.registers!;
    const source = other.registers!;
    if (other.precision === this.precision) {
      for (let i = 0; i < target.length; i++) if (source[i]! > target[i]!) target[i] = source[i]!;
      return;
    }
    const extraBits = other.precision - this.precision;
    const lowMask = (1 << extraBits) - 1;
    for (let i = 0; i < source.length; i++) {
      const rank = source[i]!;
      if (rank === 0) continue;
      const low = i & lowMask;
      const folded = low !== 0 ? Math.clz32(low) - (32 - extraBits) + 1 : extraBits + rank;
      const index = i >>> extraBits;
      if (folded > target[index]!) target[index] = folded;
    }
  }

  /** A copy at a lower (or equal) precision, identical to sketching the same values at that precision. */
  reduce(precision: number): HyperLogLog {
    checkPrecision(precision);
    if (precision > this.precision) throw new RangeError('reduce() cannot raise the precision');
    const reduced = new HyperLogLog(precision);
    reduced.merge(this);
    return reduced;
  }

  clone(): HyperLogLog {
    return this.reduce(this.precision);
  }

  /** Estimated number of distinct values added. */
  estimate(): number {
    if (this.sparse !== null) return linearCount(2 ** SPARSE_PRECISION, this.sparse.size);
    return estimateDense(this.registers!, this.precision);
  }

  /**
   * Rows enough to turn a sparse sketch dense: the rows go straight into fresh registers (one loop,
   * no sparse table), kept when more than sparseLimit registers are set — then the sparse set
   * would have held more than sparseLimit entries (each register index is a prefix of the sparse
   * indexes that set it) and converted, to these same registers. Otherwise they are dropped and
   * the rows go the sparse way, and the sketch does not try again (a column of few values in many
   * rows would pay the extra loop at every call). True when the sketch is dense now.
   */
  private tryDense(words: Int32Array, fromRow: number, toRow: number): boolean {
    this.denseTried = true;
    const registers = new Uint8Array(1 << this.precision);
    addAddressWordsDense(registers, this.precision, words, fromRow, toRow);
    this.sparse!.forEach((entry) => {
      applyEntryToDense(entry, registers, this.precision);
    });
    let set = 0;
    for (let i = 0; i < registers.length; i++) if (registers[i] !== 0) set++;
    if (set <= sparseLimit(this.precision)) return false;
    this.registers = registers;
    this.sparse = null;
    return true;
  }

  private convertIfFull(): void {
    if (this.sparse!.size > sparseLimit(this.precision)) this.convertToDense();
  }

  private convertToDense(): void {
    this.registers = this.denseRegisters();
    this.sparse = null;
  }
}
