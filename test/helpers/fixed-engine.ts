import type { QueryEngine, QueryOptions, QueryResult, QuerySession } from '../../src/query/api.js';
import { QueryError, SqlState } from '../../src/query/errors.js';

/**
 * A stand-in QueryEngine for the REST API and CLI tests (the real engine is tested on its own):
 * a few statements with fixed answers, every kind of error, and a slow statement that only ends
 * when its AbortSignal fires. It records what it was asked.
 */

const ts = Date.UTC(2026, 0, 5, 10, 0, 0, 123);

/** Every SQL type, with values at the edges of their JSON forms. */
export const fixedResult: QueryResult = {
  fields: [
    { name: 'src_as', type: 'int8' },
    { name: 'f_sum_in_pkts', type: 'numeric' },
    { name: 'ratio', type: 'float8' },
    { name: 'src_addr', type: 'inet' },
    { name: 'minute', type: 'timestamptz' },
    { name: 'app', type: 'text' },
    { name: 'up', type: 'bool' },
    { name: 'port', type: 'int4' },
    { name: 'age', type: 'interval' },
  ],
  rows: [
    [15169, 9_007_199_254_740_993n, 0.5, '10.1.2.3', ts, 'https', true, 443, 90_000],
    [
      2n ** 63n - 1n,
      12345678901234567890123n,
      Number.NaN,
      '2001:db8::1',
      ts + 60_000,
      'say "hi", then\nleave',
      false,
      -1,
      -86_400_000 - 1500,
    ],
    [null, null, Number.POSITIVE_INFINITY, null, null, '', null, null, null],
  ],
  command: 'SELECT 3',
  stats: { jobs: 4, memoHits: 1, rowsScanned: 1000, resolution: 'minute', elapsedMs: 3 },
};

export interface FixedEngine extends QueryEngine {
  /** Sessions and options of every run, in order. */
  readonly calls: { session: QuerySession; sql: string; options: QueryOptions | undefined }[];
  /** Resolves when the slow statement sees its signal abort. */
  readonly slowAborted: Promise<void>;
  /** Resolves when the slow statement has started. */
  readonly slowStarted: Promise<void>;
}

export function fixedEngine(): FixedEngine {
  let aborted!: () => void;
  let started!: () => void;
  const slowAborted = new Promise<void>((resolve) => (aborted = resolve));
  const slowStarted = new Promise<void>((resolve) => (started = resolve));
  const calls: FixedEngine['calls'] = [];
  return {
    calls,
    slowAborted,
    slowStarted,
    split: (sql) =>
      sql
        .split(';')
        .map((s) => s.trim())
        .filter((s) => s !== ''),
    describe: async () => ({ fields: fixedResult.fields, paramTypes: [] }),
    async run(session, sql, options) {
      calls.push({ session, sql, options });
      const text = sql.trim().replace(/;$/, '');
      // As the real engine: one statement per run, none (only blanks and ';') is an empty result.
      if (text.includes(';') && text.replace(/[\s;]/g, '') !== '')
        throw new QueryError(
          SqlState.syntaxError,
          'cannot insert multiple commands into a prepared statement',
        );
      if (text.replace(/[\s;]/g, '') === '') return { fields: [], rows: [], command: '' };
      if (text === 'SELECT fixed') return fixedResult;
      if (text === 'SELECT whoami')
        return {
          fields: [
            { name: 'user', type: 'text' },
            { name: 'tenant', type: 'text' },
            { name: 'params', type: 'text' },
          ],
          rows: [[session.user, session.tenant, JSON.stringify(options?.params ?? [])]],
          command: 'SELECT 1',
        };
      if (text === 'SET x = 1') return { fields: [], rows: [], command: 'SET' };
      if (text === 'SELECT slow')
        return new Promise((_resolve, reject) => {
          started();
          const signal = options?.signal;
          const stop = () => {
            aborted();
            reject(new QueryError(SqlState.queryCanceled, 'canceling statement due to user request'));
          };
          if (signal?.aborted) stop();
          else signal?.addEventListener('abort', stop, { once: true });
        });
      if (text === 'SELECT limited')
        throw new QueryError(SqlState.configurationLimitExceeded, 'tenant query rate exceeded', {
          retryAfterMs: 2500,
          hint: 'retry in 3 s',
        });
      if (text === 'SELECT timeout')
        throw new QueryError(SqlState.queryCanceled, 'canceling statement due to statement timeout');
      if (text === 'SELECT boom') throw new Error('boom');
      const at = text.indexOf('no_such_table');
      if (at >= 0)
        throw new QueryError(SqlState.undefinedTable, 'relation "no_such_table" does not exist', {
          position: sql.indexOf('no_such_table') + 1,
          hint: 'tables: all_devices, devices',
        });
      throw new QueryError(SqlState.syntaxError, `syntax error in ${JSON.stringify(text)}`, { position: 1 });
    },
  };
}
