import { hourOf, MAX_TIME_MS } from './hour-files.js';
import type { TableRows, TableSchema } from './schema.js';

/**
 * The row indexes of `rows` by the hour of their time, after checking every column against the
 * schema (a TypeError or RangeError names the first bad value: a programming error).
 */
export function rowsByHour(schema: TableSchema, rows: TableRows): Map<number, number[]> {
  const n = rows.rows;
  if (!Number.isInteger(n) || n < 0) throw new TypeError(`rows: expected a count, got ${n}`);
  for (const c of schema.columns) {
    const values = rows.columns[c.name];
    if (values === undefined || values.length !== n)
      throw new TypeError(`table ${schema.name}: column ${c.name} needs ${n} values`);
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (c.kind === 'string' ? typeof v !== 'string' : typeof v !== 'number')
        throw new TypeError(`table ${schema.name}: column ${c.name}, row ${i}: ${String(v)}`);
    }
  }
  const times = rows.columns[schema.timeColumn] as ArrayLike<number>;
  const byHour = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const t = times[i]!;
    if (!(t >= 0 && t < MAX_TIME_MS))
      throw new RangeError(`table ${schema.name}: time ${t} outside 1970-9999`);
    const hour = hourOf(t);
    const list = byHour.get(hour);
    if (list === undefined) byHour.set(hour, [i]);
    else list.push(i);
  }
  return byHour;
}
