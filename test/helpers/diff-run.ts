import type { QueryEngine, QueryResult } from '../../src/query/api.js';
import { QueryError } from '../../src/query/errors.js';
import { compareResults } from './diff-compare.js';
import type { DiffDuck, DuckCell } from './diff-duckdb.js';
import { DIFF_NOW } from './diff-flows.js';
import type { DiffQuery } from './diff-gen-query.js';
import { session } from './query-oracle.js';

/** Runs one generated query on both sides and keeps the tally the differential test reports. */

type Outcome<T> = { value: T; ms: number } | { error: string; ms: number };

async function timed<T>(run: () => Promise<T>, describe: (err: unknown) => string): Promise<Outcome<T>> {
  const start = performance.now();
  try {
    const value = await run();
    return { value, ms: performance.now() - start };
  } catch (err) {
    return { error: describe(err), ms: performance.now() - start };
  }
}

export class DiffTally {
  readonly failures: string[] = [];
  /** Result type mismatches with PostgreSQL's rules: one example query per kind. */
  readonly types = new Map<string, string>();
  readonly names: string[] = [];
  queries = 0;
  rows = 0;
  bothRejected = 0;
  flowlensMs = 0;
  duckMs = 0;
  readonly times: { i: number; flowlens: number; duck: number }[] = [];

  async run(i: number, q: DiffQuery, engine: QueryEngine, duck: DiffDuck): Promise<void> {
    this.queries++;
    const fl = await timed<QueryResult>(
      () => engine.run(session(), q.pg, { now: DIFF_NOW }),
      (err) =>
        err instanceof QueryError ? `${err.code} ${err.message}` : `not a QueryError: ${String(err)}`,
    );
    const dk = await timed<{ rows: DuckCell[][] }>(
      () => duck.query(q.duck),
      (err) => String((err as Error).message).split('\n')[0]!,
    );
    this.flowlensMs += fl.ms;
    this.duckMs += dk.ms;
    this.times.push({ i, flowlens: fl.ms, duck: dk.ms });
    const tag = `#${i} ${q.pg}`;
    if ('error' in fl || 'error' in dk) {
      // Both refusing (say, an overflow) is agreement, as long as flowlens's error is a clean one.
      if ('error' in fl && 'error' in dk && /^[0-9A-WYZ][0-9A-Z]{4} /.test(fl.error)) {
        this.bothRejected++;
        return;
      }
      const flText = 'error' in fl ? fl.error : `${fl.value.rows.length} rows`;
      const dkText = 'error' in dk ? dk.error : `${dk.value.rows.length} rows`;
      this.failures.push(`${tag}\n  flowlens: ${flText}\n  duckdb:   ${dkText}\n  duck sql: ${q.duck}`);
      return;
    }
    const verdict = compareResults(q, fl.value, dk.value.rows);
    this.rows += fl.value.rows.length;
    for (const t of verdict.typeMismatches) {
      this.types.set(t.replace(/^column \d+ \([^)]*\): /, ''), `${t} in #${i} ${q.pg}`);
    }
    for (const n of verdict.nameMismatches) this.names.push(`${n} in #${i} ${q.pg}`);
    if (!verdict.ok) this.failures.push(`${tag}\n  ${verdict.problem}\n  duck sql: ${q.duck}`);
  }

  report(seed: number): string {
    return [
      `seed ${seed}: ${this.queries} queries, ${this.rows} rows compared, ${this.bothRejected} rejected by both, ` +
        `${this.failures.length} failed (flowlens ${Math.round(this.flowlensMs)} ms, DuckDB ${Math.round(this.duckMs)} ms)`,
      ...[...this.types.values()].map((t) => `  type ${t}`),
      ...this.names.slice(0, 10).map((n) => `  name ${n}`),
    ].join('\n');
  }

  /** Every failure and the slowest queries, for a log file. */
  log(): string {
    const top = (k: 'flowlens' | 'duck') =>
      [...this.times]
        .sort((a, b) => b[k] - a[k])
        .slice(0, 8)
        .map((t) => `#${t.i} ${Math.round(t[k])} ms`)
        .join(', ');
    return `slowest flowlens: ${top('flowlens')}\nslowest DuckDB: ${top('duck')}\n\n${this.failures.join('\n\n')}`;
  }
}
