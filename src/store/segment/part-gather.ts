import type { ColumnBatch, NumberArray } from '../../flow/batch.js';
import type { ColumnType } from '../../flow/schema.js';
import { columnView } from '../encoding/column-alloc.js';
import type { SegmentPartInput } from './types.js';

/** No part holds this batch row. */
const NONE = 0xffffffff;

/**
 * How a batch's parts get their copies: `scatter` (one pass over the batch, `dest` maps a batch
 * row to its position in the concatenated copy of the group's parts), `identity` (one part that
 * is rows 0..n-1 of its batch: the batch's arrays are used as they are) or `gather` (a part whose
 * rows another part of the same batch shares: copied row by row on its own).
 */
type Group =
  | {
      readonly kind: 'scatter';
      readonly batch: ColumnBatch<string>;
      readonly dest: Uint32Array;
      readonly covering: boolean;
      readonly rows: number;
    }
  | {
      readonly kind: 'identity' | 'gather';
      readonly batch: ColumnBatch<string>;
      readonly rowList: Uint32Array;
    };

interface Place {
  readonly group: number;
  /** First row of the part in its group's copy. */
  readonly start: number;
  readonly rows: number;
}

function isIdentity(rows: Uint32Array): boolean {
  for (let i = 0; i < rows.length; i++) if (rows[i] !== i) return false;
  return true;
}

/**
 * The columns of a segment's parts, each in its part's input row order, gathered one column at
 * a time for all the parts that share a batch. A sealed minute is one batch with the devices'
 * rows interleaved: gathering each part on its own read every column once per part, touching
 * most cache lines each time; here one sequential pass over the batch scatters every row to its
 * part. A part that is its own batch in order (compaction) uses the batch's arrays as they are.
 */
export class PartGather {
  private readonly groups: Group[] = [];
  private readonly places: Place[];
  private readonly cache = new Map<string, NumberArray[]>();
  /** The copies' memory per cached column, and memory of dropped columns to reuse. */
  private readonly owned = new Map<string, ArrayBuffer[]>();
  private readonly free: ArrayBuffer[] = [];

  constructor(private readonly parts: readonly SegmentPartInput[]) {
    const byBatch = new Map<ColumnBatch<string>, number[]>();
    parts.forEach((part, p) => {
      const list = byBatch.get(part.batch);
      if (list === undefined) byBatch.set(part.batch, [p]);
      else list.push(p);
    });
    this.places = new Array(parts.length);
    for (const [batch, members] of byBatch) {
      const single = members.length === 1 ? parts[members[0]!]! : undefined;
      if (single !== undefined && isIdentity(single.rows)) {
        this.places[members[0]!] = { group: this.groups.length, start: 0, rows: single.rows.length };
        this.groups.push({ kind: 'identity', batch, rowList: single.rows });
        continue;
      }
      if (!this.scatterGroup(batch, members)) {
        for (const p of members) {
          this.places[p] = { group: this.groups.length, start: 0, rows: parts[p]!.rows.length };
          this.groups.push({ kind: 'gather', batch, rowList: parts[p]!.rows });
        }
      }
    }
  }

  /** Maps every row of the members to its place; false if two of them share a row. */
  private scatterGroup(batch: ColumnBatch<string>, members: readonly number[]): boolean {
    let maxRow = -1;
    for (const p of members) {
      const rows = this.parts[p]!.rows;
      for (let i = 0; i < rows.length; i++) if (rows[i]! > maxRow) maxRow = rows[i]!;
    }
    const dest = new Uint32Array(maxRow + 1).fill(NONE);
    const g = this.groups.length;
    let start = 0;
    for (const p of members) {
      const rows = this.parts[p]!.rows;
      for (let i = 0; i < rows.length; i++) {
        const r = rows[i]!;
        if (dest[r] !== NONE) return false;
        dest[r] = start + i;
      }
      this.places[p] = { group: g, start, rows: rows.length };
      start += rows.length;
    }
    this.groups.push({ kind: 'scatter', batch, dest, covering: start === dest.length, rows: start });
    return true;
  }

  /** Column `name` of part `p`, in the part's input row order (cached until `drop`). */
  get(name: string, type: ColumnType, p: number): NumberArray {
    let perPart = this.cache.get(name);
    if (perPart === undefined) {
      perPart = this.gatherAll(name, type);
      this.cache.set(name, perPart);
    }
    return perPart[p]!;
  }

  /** Forgets a column's copies (its blocks are written). */
  drop(name: string): void {
    this.cache.delete(name);
    this.free.push(...(this.owned.get(name) ?? []));
    this.owned.delete(name);
  }

  /** Memory for a copy: a dropped column's when one is large enough (fresh pages cost faults). */
  private memory(name: string, bytes: number): ArrayBuffer {
    let best = -1;
    for (let i = 0; i < this.free.length; i++) {
      const size = this.free[i]!.byteLength;
      if (size >= bytes && (best < 0 || size < this.free[best]!.byteLength)) best = i;
    }
    const buffer =
      best >= 0
        ? this.free.splice(best, 1)[0]!
        : (Buffer.allocUnsafeSlow(Math.max(8, bytes)).buffer as ArrayBuffer);
    const list = this.owned.get(name);
    if (list === undefined) this.owned.set(name, [buffer]);
    else list.push(buffer);
    return buffer;
  }

  private gatherAll(name: string, type: ColumnType): NumberArray[] {
    const width = type === 'addr' ? 16 : 1;
    const copies = this.groups.map((group) => {
      const index = (group.batch.index as Record<string, number | undefined>)[name];
      if (index === undefined) throw new Error(`batch has no column ${name}`);
      const src = group.batch.arrays[index]!;
      if (group.kind === 'identity') return src.subarray(0, group.rowList.length * width);
      const rows = group.kind === 'scatter' ? group.rows : group.rowList.length;
      const out = columnView(type, this.memory(name, rows * bytesOf(type)), 0, rows);
      if (group.kind === 'scatter') scatterColumn(type, src, group.dest, out, group.covering);
      else gatherColumn(type, src, group.rowList, out);
      return out;
    });
    return this.parts.map((_, p) => {
      const place = this.places[p]!;
      return copies[place.group]!.subarray(place.start * width, (place.start + place.rows) * width);
    });
  }
}

function bytesOf(type: ColumnType): number {
  return type === 'addr'
    ? 16
    : type === 'u8'
      ? 1
      : type === 'u16'
        ? 2
        : type === 'u32' || type === 'string'
          ? 4
          : 8;
}

/** out[i] = src[rows[i]]: the row-by-row copy of a part whose rows another part shares. */
function gatherColumn(type: ColumnType, src: NumberArray, rows: Uint32Array, out: NumberArray): void {
  if (type === 'addr') {
    const s = words(src as Uint8Array);
    const o = words(out as Uint8Array);
    for (let i = 0; i < rows.length; i++) for (let k = 0; k < 4; k++) o[i * 4 + k] = s[rows[i]! * 4 + k]!;
    return;
  }
  for (let i = 0; i < rows.length; i++) out[i] = src[rows[i]!]!;
}

/**
 * out[dest[r]] = src[r] for the batch rows below dest.length; `covering`: every one of them has a
 * destination (no test per row). One loop per array type (monomorphic).
 */
function scatterColumn(
  type: ColumnType,
  src: NumberArray,
  dest: Uint32Array,
  out: NumberArray,
  covering: boolean,
): void {
  if (type === 'addr') {
    scatterAddr(words(src as Uint8Array), dest, words(out as Uint8Array));
  } else if (src instanceof Float64Array) scatterF64(src, dest, out as Float64Array, covering);
  else if (src instanceof Uint32Array) scatterU32(src, dest, out as Uint32Array, covering);
  else if (src instanceof Uint16Array) scatterU16(src, dest, out as Uint16Array, covering);
  else scatterU8(src as Uint8Array, dest, out as Uint8Array, covering);
}

function words(bytes: Uint8Array): Uint32Array {
  if (bytes.byteOffset % 4 !== 0) throw new Error('address column not 4-aligned');
  return new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length >> 2);
}

function scatterF64(src: Float64Array, dest: Uint32Array, out: Float64Array, covering: boolean): void {
  if (covering) {
    for (let r = 0; r < dest.length; r++) out[dest[r]!] = src[r]!;
    return;
  }
  for (let r = 0; r < dest.length; r++) {
    const d = dest[r]!;
    if (d !== NONE) out[d] = src[r]!;
  }
}
function scatterU32(src: Uint32Array, dest: Uint32Array, out: Uint32Array, covering: boolean): void {
  if (covering) {
    for (let r = 0; r < dest.length; r++) out[dest[r]!] = src[r]!;
    return;
  }
  for (let r = 0; r < dest.length; r++) {
    const d = dest[r]!;
    if (d !== NONE) out[d] = src[r]!;
  }
}
function scatterU16(src: Uint16Array, dest: Uint32Array, out: Uint16Array, covering: boolean): void {
  if (covering) {
    for (let r = 0; r < dest.length; r++) out[dest[r]!] = src[r]!;
    return;
  }
  for (let r = 0; r < dest.length; r++) {
    const d = dest[r]!;
    if (d !== NONE) out[d] = src[r]!;
  }
}
function scatterU8(src: Uint8Array, dest: Uint32Array, out: Uint8Array, covering: boolean): void {
  if (covering) {
    for (let r = 0; r < dest.length; r++) out[dest[r]!] = src[r]!;
    return;
  }
  for (let r = 0; r < dest.length; r++) {
    const d = dest[r]!;
    if (d !== NONE) out[d] = src[r]!;
  }
}
function scatterAddr(src: Uint32Array, dest: Uint32Array, out: Uint32Array): void {
  for (let r = 0; r < dest.length; r++) {
    const d = dest[r]!;
    if (d === NONE) continue;
    const o = d * 4;
    const s = r * 4;
    out[o] = src[s]!;
    out[o + 1] = src[s + 1]!;
    out[o + 2] = src[s + 2]!;
    out[o + 3] = src[s + 3]!;
  }
}
