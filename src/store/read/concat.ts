import type { NumberArray } from '../../flow/batch.js';
import type { JobColumns } from '../backend.js';

type ArrayCtor = new (length: number) => NumberArray;

/**
 * Concatenates the columns of several parts into one JobColumns. Numeric and address columns are
 * copied with `set` (no per-row work); string columns are re-coded into one dictionary through a
 * per-part code map, so codes of the result index `dicts[column]` as usual.
 */
export function concatJobColumns(parts: readonly JobColumns[], columns: readonly string[]): JobColumns {
  if (parts.length === 1) return parts[0]!;
  let rows = 0;
  for (const part of parts) rows += part.rows;
  const out: Record<string, NumberArray> = {};
  const dicts: Record<string, readonly string[]> = {};
  for (const name of columns) {
    const first = parts[0]?.columns[name];
    if (first === undefined) continue;
    const width = parts[0]!.rows === 0 ? widthOf(parts, name) : first.length / parts[0]!.rows;
    const target = new (first.constructor as ArrayCtor)(rows * width);
    if (parts[0]!.dicts[name] !== undefined) {
      dicts[name] = concatStrings(parts, name, target);
    } else {
      let offset = 0;
      for (const part of parts) {
        target.set(part.columns[name] as never, offset);
        offset += part.columns[name]!.length;
      }
    }
    out[name] = target;
  }
  return { rows, columns: out, dicts };
}

function widthOf(parts: readonly JobColumns[], name: string): number {
  for (const part of parts) if (part.rows > 0) return part.columns[name]!.length / part.rows;
  return 1;
}

function concatStrings(parts: readonly JobColumns[], name: string, target: NumberArray): string[] {
  const values: string[] = [''];
  const index = new Map<string, number>([['', 0]]);
  let offset = 0;
  for (const part of parts) {
    const dict = part.dicts[name] ?? [''];
    const remap = new Uint32Array(dict.length);
    for (let code = 0; code < dict.length; code++) {
      const value = dict[code]!;
      let mapped = index.get(value);
      if (mapped === undefined) {
        mapped = values.length;
        values.push(value);
        index.set(value, mapped);
      }
      remap[code] = mapped;
    }
    const codes = part.columns[name]!;
    for (let row = 0; row < part.rows; row++) target[offset + row] = remap[codes[row]!]!;
    offset += part.rows;
  }
  return values;
}
