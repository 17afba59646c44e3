/**
 * Reading cells of POST /api/v1/query answers (docs/rest.md "JSON") for the Devices, Synthetic
 * tests and Ops pages: numbers may come as strings (past 2^53, or "NaN"/"Infinity" for float8),
 * timestamps as ISO strings.
 */

export type Cell = null | boolean | number | string;

/** The number in a cell; null for NULL, NaN, infinities and anything that is not a number. */
export function num(cell: Cell | undefined): number | null {
  if (typeof cell === 'number') return Number.isFinite(cell) ? cell : null;
  if (typeof cell === 'string' && /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(cell)) return Number(cell);
  return null;
}

/** A timestamptz cell as ms since the epoch (null when it is not one). */
export function time(cell: Cell | undefined): number | null {
  if (typeof cell !== 'string') return null;
  const ms = Date.parse(cell);
  return Number.isFinite(ms) ? ms : null;
}

export function text(cell: Cell | undefined): string {
  return cell === null || cell === undefined ? '' : String(cell);
}

/** The answer of POST /api/v1/query, as far as these pages read it. */
export interface QueryAnswer {
  readonly fields: readonly { readonly name: string }[];
  readonly rows: readonly (readonly Cell[])[];
}

/** Rows as records keyed by column name. */
export function records(answer: QueryAnswer): Record<string, Cell>[] {
  const names = answer.fields.map((f) => f.name);
  return answer.rows.map((row) => {
    const out: Record<string, Cell> = {};
    names.forEach((name, i) => {
      out[name] = row[i] ?? null;
    });
    return out;
  });
}

/** Series over a shared time axis, as TimeChart draws them. */
export interface Pivoted {
  readonly times: number[];
  readonly series: { readonly key: string; readonly values: (number | null)[] }[];
}

/**
 * Points (time, key, value) as one series per key over the sorted distinct times; a key with no
 * point at a time gets null there (a gap). Series are in order of first appearance unless `order`.
 */
export function pivot(
  points: readonly { readonly t: number; readonly key: string; readonly v: number | null }[],
  order?: readonly string[],
): Pivoted {
  const times = [...new Set(points.map((p) => p.t))].sort((a, b) => a - b);
  const at = new Map(times.map((t, i) => [t, i]));
  const keys = order ?? [...new Set(points.map((p) => p.key))];
  const byKey = new Map(keys.map((k) => [k, new Array<number | null>(times.length).fill(null)]));
  for (const p of points) {
    const values = byKey.get(p.key);
    if (values !== undefined) values[at.get(p.t)!] = p.v;
  }
  return { times, series: keys.map((key) => ({ key, values: byKey.get(key)! })) };
}
