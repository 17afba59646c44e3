import { allocateColumn, type NumberArray } from '../../flow/batch.js';
import type { ColumnDef } from '../../flow/schema.js';
import { allocateUninitialized } from '../encoding/column-alloc.js';

/**
 * A segment reader's reusable memory, per schema column: decoded columns a read needs but was not
 * asked for (a relative column's reference), address dictionary indexes, keyed tables; and the
 * repeat map. Grown as needed, never shrunk: after the largest part, reads allocate nothing.
 */
export class ReaderScratch {
  private readonly columns = new Map<number, NumberArray>();
  private readonly indexArrays = new Map<number, Uint32Array>();
  private readonly tables = new Map<number, NumberArray>();
  private repeatMap = new Uint32Array(1024);

  constructor(private readonly schema: readonly ColumnDef[]) {}

  /** Memory for `rows` rows of column `c` (addresses 16 bytes a row). */
  column(c: number, rows: number): NumberArray {
    const type = this.schema[c]!.type;
    const width = type === 'addr' ? 16 : 1;
    let array = this.columns.get(c);
    if (array === undefined || array.length < rows * width) {
      array = allocateUninitialized('', type, rows);
      this.columns.set(c, array);
    }
    return array.subarray(0, rows * width);
  }

  /** Dictionary indexes of address column `c`. */
  indexes(c: number, rows: number): Uint32Array {
    let array = this.indexArrays.get(c);
    if (array === undefined || array.length < rows) {
      array = new Uint32Array(Math.max(rows, 1024));
      this.indexArrays.set(c, array);
    }
    return array.subarray(0, rows);
  }

  /** A keyed table of `t` values of column `c`'s array type. */
  table(c: number, t: number): NumberArray {
    let table = this.tables.get(c);
    if (table === undefined || table.length < t) {
      table = allocateColumn(this.schema[c]!.type, Math.max(t, 256));
      this.tables.set(c, table);
    }
    return table.subarray(0, t);
  }

  /** The leader of each of `count` repeated rows. */
  repeats(count: number): Uint32Array {
    if (this.repeatMap.length < count)
      this.repeatMap = new Uint32Array(Math.max(count, this.repeatMap.length * 2));
    return this.repeatMap.subarray(0, count);
  }
}
