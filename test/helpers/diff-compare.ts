import type { QueryResult, Value } from '../../src/query/api.js';
import type { DuckCell } from './diff-duckdb.js';
import type { DiffQuery, OutSpec } from './diff-gen-query.js';
import { formatInet, formatMacText } from './diff-inet.js';

/**
 * Compares flowlens's result with DuckDB's rows of the same query: same column count, the names and
 * types PostgreSQL gives, and the same rows — as a multiset where ORDER BY leaves the order open
 * (among ties, or without ORDER BY), each value normalized per type: exact for integers, text,
 * addresses and times; a float tolerance for computed numerics; approx_count_distinct within 3σ of
 * HyperLogLog at precision 14; percentile_cont exact up to 10 000 distinct values per group, else
 * within the sketch's 1 % relative error.
 */

/** HyperLogLog's standard error at precision 14: 1.04 / sqrt(2^14). */
const HLL_SIGMA = 1.04 / 128;
const EXACT_PERCENTILE_VALUES = 10_000;

type Approx =
  | { kind: 'float'; v: number | null }
  | { kind: 'hll'; v: number | null }
  | { kind: 'pct'; v: number | null; nd: number };

interface Canon {
  readonly key: string;
  readonly approx: readonly Approx[];
}

export interface Verdict {
  readonly ok: boolean;
  readonly problem?: string;
  readonly typeMismatches: readonly string[];
  readonly nameMismatches: readonly string[];
}

const num = (v: unknown): number | null => (v === null ? null : Number(v));

function exactText(type: OutSpec['type'], v: unknown): string {
  if (v === null) return 'NULL';
  switch (type) {
    case 'text':
      return JSON.stringify(v);
    case 'bool':
      return v ? 't' : 'f';
    default:
      if (typeof v === 'bigint') return v.toString();
      if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v).toString();
      return String(v);
  }
}

function flowlensCanon(q: DiffQuery, row: readonly Value[]): Canon {
  const key: string[] = [];
  const approx: Approx[] = [];
  q.outputs.forEach((o, i) => {
    const v = row[i] ?? null;
    if (o.approx?.kind === 'hll') approx.push({ kind: 'hll', v: num(v) });
    else if (o.approx?.kind === 'pct') approx.push({ kind: 'pct', v: num(v), nd: 0 });
    else if (!o.exact) approx.push({ kind: 'float', v: num(v) });
    else key.push(exactText(o.type, v));
  });
  return { key: key.join('|'), approx };
}

function duckCanon(q: DiffQuery, row: readonly DuckCell[]): { canon: Canon; rest: DuckCell[] } {
  const key: string[] = [];
  const approx: Approx[] = [];
  let c = 0;
  for (const o of q.outputs) {
    const cells = row.slice(c, c + o.width);
    c += o.width;
    const v = cells[0] ?? null;
    if (o.approx?.kind === 'hll') approx.push({ kind: 'hll', v: num(v) });
    else if (o.approx?.kind === 'pct') approx.push({ kind: 'pct', v: num(v), nd: Number(cells[1]) });
    else if (!o.exact) approx.push({ kind: 'float', v: num(v) });
    else if (o.type === 'inet' || o.type === 'cidr') {
      key.push(
        v === null
          ? 'NULL'
          : formatInet(Number(v), BigInt(cells[1] as bigint), Number(cells[2]), o.type === 'cidr'),
      );
    } else if (o.type === 'macaddr') key.push(v === null ? 'NULL' : formatMacText(v as bigint));
    else key.push(exactText(o.type, v));
  }
  return { canon: { key: key.join('|'), approx }, rest: row.slice(c) };
}

const closeFloat = (a: number, b: number, rel: number) =>
  Math.abs(a - b) <= rel * Math.max(1, Math.abs(a), Math.abs(b));

function approxMatch(f: Approx, d: Approx): boolean {
  if (f.v === null || d.v === null) return f.v === d.v;
  if (d.kind === 'hll') return Math.abs(f.v - d.v) <= Math.max(1, Math.ceil(3 * HLL_SIGMA * d.v));
  if (d.kind === 'pct') return closeFloat(f.v, d.v, d.nd <= EXACT_PERCENTILE_VALUES ? 1e-9 : 0.0101);
  return closeFloat(f.v, d.v, 1e-9);
}

const rowMatch = (f: Canon, d: Canon) =>
  f.key === d.key && f.approx.every((a, i) => approxMatch(a, d.approx[i]!));

/** The matching candidate nearest in its approximate values (first-fit could take a neighbour's). */
function closest(f: Canon, list: readonly Canon[]): number {
  let best = -1;
  let bestDistance = Number.POSITIVE_INFINITY;
  list.forEach((d, i) => {
    if (!rowMatch(f, d)) return;
    const distance = f.approx.reduce((sum, a, j) => sum + Math.abs((a.v ?? 0) - (d.approx[j]!.v ?? 0)), 0);
    if (distance < bestDistance) {
      best = i;
      bestDistance = distance;
    }
  });
  return best;
}

function sameSortKey(q: DiffQuery, a: readonly DuckCell[], b: readonly DuckCell[]): boolean {
  let c = 0;
  for (const s of q.sorts) {
    for (let i = 0; i < s.width; i++, c++) {
      const x = a[c] ?? null;
      const y = b[c] ?? null;
      if (x === null || y === null) {
        if (x !== y) return false;
      } else if (s.float) {
        if (!closeFloat(Number(x), Number(y), 1e-12)) return false;
      } else if (String(x) !== String(y)) return false;
    }
  }
  return true;
}

const show = (c: Canon) =>
  `${c.key}${c.approx.length > 0 ? ` ~[${c.approx.map((a) => a.v).join(', ')}]` : ''}`;

export function compareResults(q: DiffQuery, fl: QueryResult, duckRows: readonly DuckCell[][]): Verdict {
  const typeMismatches: string[] = [];
  const nameMismatches: string[] = [];
  const base = { typeMismatches, nameMismatches };
  if (fl.fields.length !== q.outputs.length) {
    return {
      ...base,
      ok: false,
      problem: `flowlens returned ${fl.fields.length} columns, expected ${q.outputs.length}`,
    };
  }
  q.outputs.forEach((o, i) => {
    const f = fl.fields[i]!;
    if (f.type !== o.type)
      typeMismatches.push(`column ${i + 1} (${o.name}): flowlens ${f.type}, PostgreSQL ${o.type}`);
    if (f.name !== o.name)
      nameMismatches.push(`column ${i + 1}: flowlens "${f.name}", PostgreSQL "${o.name}"`);
  });
  const duck = duckRows.map((r) => duckCanon(q, r));
  const flow = fl.rows.map((r) => flowlensCanon(q, r));
  const lim = q.limit ?? Number.POSITIVE_INFINITY;
  const expected = Math.min(lim, Math.max(0, duck.length - q.offset));
  if (flow.length !== expected) {
    const sample = duck.slice(q.offset, q.offset + 3).map((d) => show(d.canon));
    const got = flow.slice(0, 3).map(show);
    return {
      ...base,
      ok: false,
      problem: `flowlens returned ${flow.length} rows, expected ${expected}; expected first: ${sample.join(' ; ')}; got first: ${got.join(' ; ')}`,
    };
  }
  // Tie groups: runs of equal ORDER BY keys (everything is one group without ORDER BY).
  const groups: [number, number][] = [];
  for (let i = 0; i < duck.length; ) {
    let j = i + 1;
    while (j < duck.length && (q.sorts.length === 0 || sameSortKey(q, duck[i]!.rest, duck[j]!.rest))) j++;
    groups.push([i, j]);
    i = j;
  }
  const end = q.offset + expected;
  for (const [s, e] of groups) {
    const from = Math.max(s, q.offset);
    const to = Math.min(e, end);
    if (from >= to) continue;
    const pool = new Map<string, Canon[]>();
    for (let i = s; i < e; i++) {
      const c = duck[i]!.canon;
      const list = pool.get(c.key);
      if (list === undefined) pool.set(c.key, [c]);
      else list.push(c);
    }
    for (let i = from; i < to; i++) {
      const f = flow[i - q.offset]!;
      const list = pool.get(f.key);
      const at = closest(f, list ?? []);
      if (at < 0) {
        const near = list?.[0] ?? duck[i]!.canon;
        return {
          ...base,
          ok: false,
          problem: `row ${i - q.offset + 1}: flowlens ${show(f)} is not among DuckDB's rows for that position (e.g. ${show(near)})`,
        };
      }
      list!.splice(at, 1);
    }
  }
  return { ...base, ok: true };
}
