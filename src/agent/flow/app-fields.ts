import type { FlowBatch } from '../../flow/batch.js';
import { type ColumnType, flowColumns } from '../../flow/schema.js';
import { text } from '../app/latin1.js';
import type { AppFieldSink } from '../contract.js';
import { TextArena } from './text-arena.js';

/** The host-agent columns a decoder may write, by name: index and type. */
const hostColumns = new Map<string, { index: number; type: ColumnType }>(
  flowColumns.flatMap((col, index) => (col.source === 'host' ? [[col.name, { index, type: col.type }]] : [])),
);

const maxOf: Partial<Record<ColumnType, number>> = {
  u8: 0xff,
  u16: 0xffff,
  u32: 0xffff_ffff,
  u64: Number.MAX_SAFE_INTEGER,
  mac: 2 ** 48 - 1,
};

const NONE = -1;
const NUMBER = 0;
const TEXT = 1;
const ADDRESS = 2;
/** Text kept as bytes in the arena: the entry's words 2 and 3 hold their offset and length. */
const BYTES = 3;
/**
 * An entry is 16 bytes of `AppFields.cells`, read together: int32 words `column | kind << 16`
 * and `next`, then the number as a float64 (or a BYTES entry's offset and length).
 */
const CELL_WORDS = 4;
const KIND_SHIFT = 16;
const COLUMN_MASK = 0xffff;
/** Strings remembered per column with their batch dictionary codes (most records repeat a few). */
const CODE_CACHE = 4;

/**
 * Application fields waiting for their flow's next record, per flow slot: values are what the
 * decoders copied out (strings), numbers, or small copies (addresses). `slot` is the flow the
 * decoder currently writes for. A slot's fields are a short list of entries in one pool shared
 * by every slot (grown when full, entries reused once written), so a flow costs one list head and
 * no object of its own; an entry's column, kind, link and number sit together in 16 bytes,
 * strings and addresses beside them in `objects`, and text given as bytes (`setText`) in an arena
 * of byte blocks until the record is written.
 */
export class AppFields implements AppFieldSink {
  slot = 0;
  /** Fields refused: not a host-agent column, wrong type, or out of range. */
  errors = 0;
  /** Set by every field stored (the flow table clears it before a decoder runs). */
  stored = false;
  /** Per slot: its first entry, or -1. */
  private readonly head: Int32Array;
  private words: Int32Array;
  private numbers: Float64Array;
  private objects: (string | Uint8Array | undefined)[];
  private readonly arena = new TextArena();
  private freeList = NONE;
  private used = 0;
  /** Per schema column, CODE_CACHE recent strings and their codes (checked against the dictionary). */
  private readonly cachedText: string[] = new Array<string>(flowColumns.length * CODE_CACHE).fill('');
  private readonly cachedCode = new Int32Array(flowColumns.length * CODE_CACHE);
  private readonly cacheNext = new Uint8Array(flowColumns.length);

  constructor(capacity: number, entries = 1024) {
    this.head = new Int32Array(capacity).fill(NONE);
    const cells = new ArrayBuffer(entries * CELL_WORDS * 4);
    this.words = new Int32Array(cells);
    this.numbers = new Float64Array(cells);
    this.objects = new Array<string | Uint8Array | undefined>(entries).fill(undefined);
  }

  setString(column: string, value: string): void {
    const col = hostColumns.get(column);
    if (col === undefined || col.type !== 'string') this.errors++;
    else {
      const e = this.entry(col.index, TEXT);
      this.objects[e] = value;
    }
  }

  setText(column: string, buf: Uint8Array, start: number, end: number): void {
    const col = hostColumns.get(column);
    if (col === undefined || col.type !== 'string') this.errors++;
    else if (end <= start) this.objects[this.entry(col.index, TEXT)] = '';
    else {
      const e = this.entry(col.index, BYTES);
      this.words[e * CELL_WORDS + 2] = this.arena.store(buf, start, end);
      this.words[e * CELL_WORDS + 3] = end - start;
    }
  }

  setNumber(column: string, value: number): void {
    const col = hostColumns.get(column);
    const max = col === undefined ? undefined : maxOf[col.type];
    if (col === undefined || max === undefined || !Number.isInteger(value) || value < 0 || value > max)
      this.errors++;
    else {
      const e = this.entry(col.index, NUMBER); // before reading `numbers`: it may grow the pool
      this.numbers[e * 2 + 1] = value;
    }
  }

  setAddress(column: string, buf: Uint8Array, offset: number, length: 4 | 16): void {
    const col = hostColumns.get(column);
    if (col === undefined || col.type !== 'addr' || offset < 0 || offset + length > buf.length) {
      this.errors++;
      return;
    }
    const addr = new Uint8Array(16);
    if (length === 4) {
      addr[10] = addr[11] = 0xff;
      addr.set(buf.subarray(offset, offset + 4), 12);
    } else addr.set(buf.subarray(offset, offset + 16));
    const e = this.entry(col.index, ADDRESS);
    this.objects[e] = addr;
  }

  /** Whether the slot's next record has `column` (an index into the flow schema) set. */
  has(slot: number, column: number): boolean {
    const w = this.words;
    for (let e = this.head[slot]!; e !== NONE; e = w[e * CELL_WORDS + 1]!)
      if ((w[e * CELL_WORDS]! & COLUMN_MASK) === column) return true;
    return false;
  }

  /**
   * Reads the slot's entries and the length of each string, for reading ahead of `write(slot)`:
   * a flow's entries and strings were stored at different times and lie apart in memory, so each
   * is a cache miss, which a read ahead overlaps with the exports before it.
   */
  readAhead(slot: number): number {
    const w = this.words;
    let x = 0;
    for (let e = this.head[slot]!; e !== NONE; e = w[e * CELL_WORDS + 1]!) {
      const cell = w[e * CELL_WORDS]!;
      x ^= cell;
      const kind = cell >> KIND_SHIFT;
      if (kind === TEXT) x ^= (this.objects[e] as string).length;
      else if (kind === BYTES) x ^= this.arena.bytes[w[e * CELL_WORDS + 2]!]!;
    }
    return x;
  }

  hasAny(slot: number): boolean {
    return this.head[slot] !== NONE;
  }

  /** Writes the slot's fields into row `row` of `batch` and forgets them. */
  write(slot: number, batch: FlowBatch, row: number): void {
    const w = this.words;
    for (let e = this.head[slot]!; e !== NONE; e = w[e * CELL_WORDS + 1]!) {
      const i = w[e * CELL_WORDS]! & COLUMN_MASK;
      const kind = w[e * CELL_WORDS]! >> KIND_SHIFT;
      batch.touch(i);
      const arr = batch.arrays[i]!;
      if (kind === NUMBER) arr[row] = this.numbers[e * 2 + 1]!;
      else if (kind === BYTES) {
        const at = w[e * CELL_WORDS + 2]!;
        arr[row] = this.code(batch, i, text(this.arena.bytes, at, at + w[e * CELL_WORDS + 3]!));
      } else if (kind === TEXT) arr[row] = this.code(batch, i, this.objects[e] as string);
      else (arr as Uint8Array).set(this.objects[e] as Uint8Array, row * 16);
    }
    this.drop(slot);
  }

  /**
   * The batch dictionary's code of `value` for column `i`: a recent string of the column whose code
   * the dictionary still maps to it (the batch may have been cleared since), else the dictionary's.
   */
  private code(batch: FlowBatch, i: number, value: string): number {
    const values = batch.dicts[i]!.values;
    const at = i * CODE_CACHE;
    for (let k = at; k < at + CODE_CACHE; k++) {
      if (this.cachedText[k] === value) {
        const code = this.cachedCode[k]!;
        if (values[code] === value) return code;
      }
    }
    const code = batch.dicts[i]!.code(value);
    const k = at + this.cacheNext[i]!;
    this.cacheNext[i] = (this.cacheNext[i]! + 1) % CODE_CACHE;
    this.cachedText[k] = value;
    this.cachedCode[k] = code;
    return code;
  }

  /** Forgets the slot's fields (its flow is gone, or they were written). */
  drop(slot: number): void {
    let e = this.head[slot]!;
    if (e === NONE) return;
    const w = this.words;
    for (;;) {
      this.clear(e);
      const n = w[e * CELL_WORDS + 1]!;
      if (n === NONE) break;
      e = n;
    }
    w[e * CELL_WORDS + 1] = this.freeList;
    this.freeList = this.head[slot]!;
    this.head[slot] = NONE;
  }

  /** The current slot's entry for `column` (found, or added), its kind set. */
  private entry(column: number, kind: number): number {
    const slot = this.slot;
    this.stored = true;
    let w = this.words;
    for (let e = this.head[slot]!; e !== NONE; e = w[e * CELL_WORDS + 1]!) {
      if ((w[e * CELL_WORDS]! & COLUMN_MASK) === column) {
        this.clear(e);
        w[e * CELL_WORDS] = column | (kind << KIND_SHIFT);
        return e;
      }
    }
    let e = this.freeList;
    if (e !== NONE) this.freeList = w[e * CELL_WORDS + 1]!;
    else {
      if (this.used === this.objects.length) w = this.grow();
      e = this.used++;
    }
    w[e * CELL_WORDS] = column | (kind << KIND_SHIFT);
    w[e * CELL_WORDS + 1] = this.head[slot]!;
    this.head[slot] = e;
    return e;
  }

  /** Lets go of what an entry holds besides its words (its string, address or bytes). */
  private clear(e: number): void {
    const w = this.words;
    const kind = w[e * CELL_WORDS]! >> KIND_SHIFT;
    if (kind === BYTES) this.arena.release(w[e * CELL_WORDS + 2]!, w[e * CELL_WORDS + 3]!);
    else if (kind !== NUMBER) this.objects[e] = undefined;
  }

  /** Half as large again: a pool of a million fields grows by 16 MB, not 32. */
  private grow(): Int32Array {
    const n = this.objects.length + (this.objects.length >> 1) + 16;
    const cells = new ArrayBuffer(n * CELL_WORDS * 4);
    const words = new Int32Array(cells);
    words.set(this.words);
    this.words = words;
    this.numbers = new Float64Array(cells);
    for (let i = this.objects.length; i < n; i++) this.objects.push(undefined);
    return words;
  }
}
