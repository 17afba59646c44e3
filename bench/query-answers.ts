import { formatAddr } from '../src/flow/addr.js';
import type { Value } from '../src/query/api.js';
import type { BenchQuery } from './query-queries.js';

/**
 * The three systems' answers in one form (each value as decimal text, addresses as flowlens
 * prints them), so the exact ones can be compared row for row.
 */
export type Answer = string[][];

function addressFromBig(value: bigint): string {
  const bytes = new Uint8Array(16);
  let v = value;
  for (let k = 15; k >= 0; k--) {
    bytes[k] = Number(v & 0xffn);
    v >>= 8n;
  }
  return formatAddr(bytes, 0);
}

const text = (v: unknown): string => (v === null || v === undefined ? 'NULL' : String(v));

export function flowlensAnswer(rows: readonly (readonly Value[])[]): Answer {
  return rows.map((r) => r.map(text));
}

/** DuckDB holds addresses as UHUGEINT (the 16 bytes as one big-endian number). */
export function duckdbAnswer(q: BenchQuery, rows: readonly (readonly unknown[])[]): Answer {
  return rows.map((r) =>
    r.map((v, i) => (i === 0 && q.key === 'address' ? addressFromBig(BigInt(v as bigint)) : text(v))),
  );
}

/** ClickHouse returns TSV text; addresses as the hex of the FixedString(16). */
export function clickhouseAnswer(q: BenchQuery, rows: readonly string[][]): Answer {
  return rows.map((r) =>
    r.map((v, i) => (i === 0 && q.key === 'address' ? addressFromBig(BigInt(`0x${v}`)) : v)),
  );
}

export function sameAnswer(a: Answer, b: Answer): boolean {
  return a.length === b.length && a.every((row, i) => row.join('\t') === b[i]!.join('\t'));
}

export interface AnswerCheck {
  /** Exact queries: every system's rows equal flowlens's. Approximate ones: each estimate's error. */
  readonly agree: boolean | undefined;
  readonly flowlens: Answer;
  readonly clickhouse?: Answer | undefined;
  readonly duckdb?: Answer | undefined;
  readonly relative_error?: Record<string, number> | undefined;
}

/**
 * Exact queries agree when every system present returns the same rows. For approximate distinct
 * counts, each system's relative error against `exactCount` (DuckDB's count(DISTINCT), untimed)
 * is reported instead.
 */
export function checkAnswers(
  q: BenchQuery,
  flowlens: Answer,
  clickhouse: Answer | undefined,
  duckdb: Answer | undefined,
  exactCount: number | undefined,
): AnswerCheck {
  if (q.exact) {
    const others = [clickhouse, duckdb].filter((a): a is Answer => a !== undefined);
    const agree = others.length === 0 ? undefined : others.every((a) => sameAnswer(a, flowlens));
    return { agree, flowlens, clickhouse, duckdb };
  }
  if (exactCount === undefined) return { agree: undefined, flowlens, clickhouse, duckdb };
  const error = (a: Answer | undefined) =>
    a === undefined ? undefined : Math.round((Number(a[0]![0]) / exactCount - 1) * 1e5) / 1e5;
  const relative_error: Record<string, number> = { exact: exactCount };
  for (const [name, a] of [
    ['flowlens', flowlens],
    ['clickhouse', clickhouse],
    ['duckdb', duckdb],
  ] as const) {
    const e = error(a);
    if (e !== undefined) relative_error[name] = e;
  }
  return { agree: undefined, flowlens, clickhouse, duckdb, relative_error };
}
