/** Sorting and paging for the portal's tables (DataTable), kept apart from the DOM to be tested. */

export type SortValue = number | string | boolean | null | undefined;
export type SortDir = 'asc' | 'desc';

/**
 * Row indexes ordered by `key(i)`: numbers numerically, text in code-unit order, empty values
 * (null/undefined/NaN) last in both directions; ties keep their input order (a stable sort).
 */
export function sortedOrder(count: number, key: (i: number) => SortValue, dir: SortDir): Uint32Array {
  const keys: SortValue[] = new Array(count);
  for (let i = 0; i < count; i++) keys[i] = key(i);
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  const sign = dir === 'asc' ? 1 : -1;
  return order.sort((a, b) => {
    const x = keys[a];
    const y = keys[b];
    const xe = isEmpty(x);
    const ye = isEmpty(y);
    if (xe || ye) return xe === ye ? a - b : xe ? 1 : -1;
    const c = compare(x!, y!);
    return c === 0 ? a - b : sign * c;
  });
}

function isEmpty(v: SortValue): boolean {
  return v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v));
}

function compare(x: number | string | boolean, y: number | string | boolean): number {
  if (typeof x === 'number' && typeof y === 'number') return x - y;
  if (typeof x === 'boolean' && typeof y === 'boolean') return Number(x) - Number(y);
  const a = String(x);
  const b = String(y);
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface Page {
  /** 0-based page, clamped to the pages there are. */
  readonly page: number;
  readonly pages: number;
  /** Row range [start, end) of the page. */
  readonly start: number;
  readonly end: number;
}

export function pageOf(count: number, page: number, size: number): Page {
  const pages = Math.max(1, Math.ceil(count / size));
  const p = Math.min(Math.max(0, Math.floor(page)), pages - 1);
  return { page: p, pages, start: p * size, end: Math.min(count, (p + 1) * size) };
}
