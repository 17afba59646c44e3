import { dimensionOf, filterableColumns } from './explorer-dimensions.js';
import { sqlLiteral } from './explorer-literals.js';

/**
 * Explorer filters: equality, IN lists, CIDR containment (`<<=`, for address columns) and their
 * negations. In the URL each is one `f` parameter written as it reads: `src_as in 15169,13335`,
 * `dst_addr <<= 10.0.0.0/8`, `protocol != 17`.
 */

export const filterOps = ['=', '!=', 'in', 'not in', '<<=', 'not <<='] as const;
export type FilterOp = (typeof filterOps)[number];

export interface Filter {
  readonly column: string;
  readonly op: FilterOp;
  /** One value, or several for in / not in. */
  readonly values: readonly string[];
}

/** `column op value[,value…]`, or an error message saying what is wrong. */
export function parseFilter(text: string): Filter | string {
  const m = /^\s*([a-z_0-9]+)\s+(not\s+in|not\s+<<=|in|<<=|!=|<>|=)\s*(.*?)\s*$/i.exec(text);
  if (m === null) return `"${text}": write column, operator (= != in "not in" <<= "not <<="), value`;
  const column = m[1]!.toLowerCase();
  if (!filterableColumns.has(column)) return `no column "${column}" to filter on`;
  let op = m[2]!.toLowerCase().replace(/\s+/g, ' ');
  if (op === '<>') op = '!=';
  const raw = m[3]!;
  const values = op === 'in' || op === 'not in' ? raw.split(',').map((v) => v.trim()) : [raw];
  if (values.some((v) => v === '')) return `"${text}": a value is missing`;
  if ((op === '<<=' || op === 'not <<=') && dimensionOf(column)?.kind !== 'address')
    return `<<= needs an address column, not ${column}`;
  return { column, op: op as FilterOp, values };
}

export function formatFilter(f: Filter): string {
  return `${f.column} ${f.op} ${f.values.join(',')}`;
}

/** The SQL condition of a filter (the column was checked against the schema when parsed). */
export function filterSql(f: Filter): string {
  const lit = f.values.map((v) => sqlLiteral(f.column, v));
  switch (f.op) {
    case '=':
      return `${f.column} = ${lit[0]}`;
    case '!=':
      return `${f.column} <> ${lit[0]}`;
    case 'in':
      return `${f.column} IN (${lit.join(', ')})`;
    case 'not in':
      return `${f.column} NOT IN (${lit.join(', ')})`;
    case '<<=':
      return `${f.column} <<= ${lit[0]}`;
    case 'not <<=':
      return `NOT (${f.column} <<= ${lit[0]})`;
  }
}
