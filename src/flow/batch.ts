import { formatAddr, formatMac, isZeroAddr } from './addr.js';
import {
  type ColumnDef,
  type ColumnType,
  type FlowColumnName,
  flowColumns,
  type InterfaceCounterColumnName,
  interfaceCounterColumns,
} from './schema.js';

export type NumberArray = Uint8Array | Uint16Array | Uint32Array | Float64Array;

/** Per-column dictionary for string columns; code 0 is always the empty string. */
export class StringDict {
  values: string[] = [''];
  private index = new Map<string, number>([['', 0]]);

  code(value: string): number {
    let code = this.index.get(value);
    if (code === undefined) {
      code = this.values.length;
      this.values.push(value);
      this.index.set(value, code);
    }
    return code;
  }

  clear(): void {
    if (this.values.length === 1) return;
    this.values = [''];
    this.index = new Map([['', 0]]);
  }
}

/** A zeroed typed array of `rows` values of a column type (addresses: 16 bytes per row). */
export function allocateColumn(type: ColumnType, rows: number): NumberArray {
  switch (type) {
    case 'u8':
      return new Uint8Array(rows);
    case 'u16':
      return new Uint16Array(rows);
    case 'u32':
    case 'string':
      return new Uint32Array(rows);
    case 'addr':
      return new Uint8Array(rows * 16);
    case 'u64':
    case 'time':
    case 'mac':
      return new Float64Array(rows);
  }
}

/**
 * A reusable columnar batch of rows built from a schema. Invariant: every cell at or beyond
 * `length` is zero, so a producer writes only the columns it has. Producers call `reserve(n)`
 * before writing n rows (arrays grow geometrically and are replaced, so fetch them after), then
 * `touch()` the columns they write so that `clear()` only zeroes what was used.
 */
export class ColumnBatch<Name extends string> {
  readonly schema: readonly ColumnDef[];
  readonly index: Readonly<Record<Name, number>>;
  /** Column arrays in schema order; addr columns hold 16 bytes per row. */
  readonly arrays: NumberArray[];
  readonly dicts: (StringDict | undefined)[];
  length = 0;
  capacity: number;
  private readonly touched: Uint8Array;

  constructor(schema: readonly ColumnDef[], capacity = 4096) {
    this.schema = schema;
    this.capacity = Math.max(16, capacity);
    this.index = Object.fromEntries(schema.map((col, i) => [col.name, i])) as Record<Name, number>;
    this.arrays = schema.map((col) => allocateColumn(col.type, this.capacity));
    this.dicts = schema.map((col) => (col.type === 'string' ? new StringDict() : undefined));
    this.touched = new Uint8Array(schema.length);
  }

  /** Makes room for `rows` more rows. */
  reserve(rows: number): void {
    const need = this.length + rows;
    if (need <= this.capacity) return;
    let cap = this.capacity;
    while (cap < need) cap *= 2;
    for (let i = 0; i < this.arrays.length; i++) {
      const old = this.arrays[i]!;
      const grown = allocateColumn(this.schema[i]!.type, cap);
      grown.set(old as never);
      this.arrays[i] = grown;
    }
    this.capacity = cap;
  }

  touch(column: number): void {
    this.touched[column] = 1;
  }

  touchAll(columns: readonly number[]): void {
    for (const col of columns) this.touched[col] = 1;
  }

  col(name: Name): NumberArray {
    this.touched[this.index[name]] = 1;
    return this.arrays[this.index[name]]!;
  }

  setString(name: Name, row: number, value: string): void {
    const i = this.index[name];
    this.touched[i] = 1;
    this.arrays[i]![row] = this.dicts[i]!.code(value);
  }

  getString(name: Name, row: number): string {
    const i = this.index[name];
    return this.dicts[i]!.values[this.arrays[i]![row]!]!;
  }

  /** Drops rows from `rows` on (used to roll back a partly written record). */
  truncate(rows: number): void {
    if (rows >= this.length) return;
    this.zeroFrom(rows);
    this.length = rows;
  }

  clear(): void {
    this.zeroFrom(0);
    this.length = 0;
    for (const dict of this.dicts) dict?.clear();
  }

  private zeroFrom(row: number): void {
    for (let i = 0; i < this.arrays.length; i++) {
      if (this.touched[i] === 0) continue;
      const width = this.schema[i]!.type === 'addr' ? 16 : 1;
      this.arrays[i]!.fill(0, row * width, this.length * width);
      if (row === 0) this.touched[i] = 0;
    }
  }

  /**
   * One row as a plain object keyed by column name, for printing. Collector and router columns
   * are always present; host-agent columns only when set. Addresses and MACs become text, times
   * ISO 8601 strings.
   */
  rowObject(row: number): Record<string, string | number> {
    const out: Record<string, string | number> = {};
    for (let i = 0; i < this.schema.length; i++) {
      const col = this.schema[i]!;
      const arr = this.arrays[i]!;
      let value: string | number;
      switch (col.type) {
        case 'addr':
          value = isZeroAddr(arr as Uint8Array, row * 16) ? '' : formatAddr(arr as Uint8Array, row * 16);
          break;
        case 'string':
          value = this.dicts[i]!.values[arr[row]!]!;
          break;
        case 'mac':
          value = arr[row] === 0 ? '' : formatMac(arr[row]!);
          break;
        case 'time':
          value = arr[row] === 0 ? '' : new Date(arr[row]!).toISOString();
          break;
        default:
          value = arr[row]!;
      }
      if (col.source === 'host' && (value === 0 || value === '')) continue;
      out[col.name] = value;
    }
    return out;
  }
}

export type FlowBatch = ColumnBatch<FlowColumnName>;
export type InterfaceCounterBatch = ColumnBatch<InterfaceCounterColumnName>;

export function createFlowBatch(capacity?: number): FlowBatch {
  return new ColumnBatch<FlowColumnName>(flowColumns, capacity);
}

export function createInterfaceCounterBatch(capacity?: number): InterfaceCounterBatch {
  return new ColumnBatch<InterfaceCounterColumnName>(interfaceCounterColumns, capacity);
}

/** Column indexes of the flow schema, resolved once, for hot loops. */
export const F = Object.fromEntries(flowColumns.map((col, i) => [col.name, i])) as Readonly<
  Record<FlowColumnName, number>
>;

/** Column indexes of the interface counter schema. */
export const IC = Object.fromEntries(interfaceCounterColumns.map((col, i) => [col.name, i])) as Readonly<
  Record<InterfaceCounterColumnName, number>
>;
