import { EventEmitter } from 'node:events';
import { loadModule, parseSync } from 'libpg-query';
import type {
  Field,
  QueryEngine,
  QueryOptions,
  QueryResult,
  QuerySession,
  StatementDescription,
  Value,
} from '../../src/query/api.js';
import { answerCompat, describeCompat } from '../../src/query/compat/index.js';
import { QueryError, SqlState } from '../../src/query/errors.js';
import { tenantTables } from '../../src/query/tables.js';

/**
 * A stand-in QueryEngine for the wire-server tests, until the real engine lands: compat statements
 * go to answerCompat (as the real engine does), and a few FROM-less test functions answer the rest:
 *   three()        3 fixed rows of every wire type the tests check
 *   series(n)      n rows of (i int8, label text), for streaming and row limits
 *   slow(ms)       waits, honouring the abort signal (57014 when cancelled)
 *   echo($1, …)    the parameters back, as text, with their declared types
 */
export const threeRows: { fields: Field[]; rows: Value[][] } = {
  fields: [
    { name: 'id', type: 'int8' },
    { name: 'small', type: 'int2' },
    { name: 'n4', type: 'int4' },
    { name: 'name', type: 'text' },
    { name: 'ok', type: 'bool' },
    { name: 'ratio', type: 'float8' },
    { name: 'addr', type: 'inet' },
    { name: 'at', type: 'timestamptz' },
    { name: 'total', type: 'numeric' },
  ],
  rows: [
    [1, 7, 70000, 'alpha', true, 0.5, '10.1.2.3', Date.UTC(2026, 10, 21, 10, 5, 0), 12345678901234567890n],
    [2, -3, -1, 'béta "quoted"', false, -1.25e-7, '2001:db8::1', Date.UTC(2000, 0, 1, 0, 0, 0, 123), 0.5],
    [3, 0, 0, null, null, null, null, null, null],
  ],
};

/** 'slow-started' when slow() begins waiting, 'slow-aborted' when its signal aborts it. */
export const fakeEngineEvents = new EventEmitter();

export const fakeTables = tenantTables([{ id: 7, name: 'router1', rows: 0, firstBucket: 0, lastBucket: 0 }]);

export async function createFakeEngine(): Promise<QueryEngine> {
  await loadModule();
  const parseOne = (sql: string) => {
    let parsed: ReturnType<typeof parseSync>;
    try {
      parsed = parseSync(sql);
    } catch (err) {
      const pos = (err as { sqlDetails?: { cursorPosition?: number } }).sqlDetails?.cursorPosition;
      throw new QueryError(SqlState.syntaxError, (err as Error).message, {
        position: pos === undefined ? undefined : pos + 1,
      });
    }
    const stmt = parsed.stmts?.[0]?.stmt;
    if (stmt === undefined) throw new QueryError(SqlState.syntaxError, 'empty statement');
    return stmt as unknown as Record<string, Record<string, unknown>>;
  };
  const testCall = (stmt: Record<string, Record<string, unknown>>) => {
    // biome-ignore lint/suspicious/noExplicitAny: walking libpg-query JSON
    const target = (stmt.SelectStmt as any)?.targetList?.[0]?.ResTarget?.val?.FuncCall;
    if (target === undefined || (stmt.SelectStmt as { fromClause?: unknown }).fromClause !== undefined)
      return undefined;
    return { name: target.funcname.at(-1).String.sval as string, args: (target.args ?? []) as unknown[] };
  };
  const intArg = (arg: unknown) =>
    Number((arg as { A_Const?: { ival?: { ival?: number } } }).A_Const?.ival?.ival ?? 0);
  const engine: QueryEngine = {
    split(sql: string): string[] {
      let parsed: ReturnType<typeof parseSync>;
      try {
        parsed = parseSync(sql);
      } catch (err) {
        throw new QueryError(SqlState.syntaxError, (err as Error).message);
      }
      const bytes = Buffer.from(sql);
      return (parsed.stmts ?? []).map((s) => {
        const start = s.stmt_location ?? 0;
        const end = s.stmt_len === undefined || s.stmt_len === 0 ? bytes.length : start + s.stmt_len;
        return bytes.toString('utf8', start, end).trim();
      });
    },
    async describe(session: QuerySession, sql: string): Promise<StatementDescription> {
      const stmt = parseOne(sql);
      const compat = describeCompat(stmt, { session, tables: fakeTables, sql });
      if (compat !== undefined) return compat;
      const call = testCall(stmt);
      if (call?.name === 'three') return { fields: threeRows.fields, paramTypes: [] };
      if (call?.name === 'series') return { fields: seriesFields, paramTypes: [] };
      if (call?.name === 'slow') return { fields: [{ name: 'slow', type: 'int4' }], paramTypes: [] };
      if (call?.name === 'echo')
        return {
          fields: call.args.map((_, i) => ({ name: `p${i + 1}`, type: 'text' })),
          paramTypes: call.args.map(() => 'text'),
        };
      throw new QueryError(SqlState.undefinedTable, `the test engine does not know: ${sql}`);
    },
    async run(session: QuerySession, sql: string, options: QueryOptions = {}): Promise<QueryResult> {
      const stmt = parseOne(sql);
      const compat = answerCompat(stmt, { session, tables: fakeTables, sql, params: options.params });
      if (compat !== undefined) return compat;
      const call = testCall(stmt);
      switch (call?.name) {
        case 'three':
          return { ...threeRows, command: 'SELECT 3' };
        case 'series': {
          const n = intArg(call.args[0]);
          const rows: Value[][] = [];
          for (let i = 1; i <= n; i++) rows.push([i, `row ${i}`]);
          return { fields: seriesFields, rows, command: `SELECT ${n}` };
        }
        case 'slow':
          await abortableWait(intArg(call.args[0]), options.signal);
          return { fields: [{ name: 'slow', type: 'int4' }], rows: [[1]], command: 'SELECT 1' };
        case 'echo':
          return {
            fields: call.args.map((_, i) => ({ name: `p${i + 1}`, type: 'text' as const })),
            rows: [(options.params ?? []).map((p) => p)],
            command: 'SELECT 1',
          };
      }
      throw new QueryError(SqlState.undefinedTable, `the test engine does not know: ${sql}`);
    },
  };
  return engine;
}

const seriesFields: Field[] = [
  { name: 'i', type: 'int8' },
  { name: 'label', type: 'text' },
];

/** Resolves after `ms`, or rejects with 57014 as soon as the signal aborts. */
function abortableWait(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const cancelled = () =>
      reject(new QueryError(SqlState.queryCanceled, 'canceling statement due to user request'));
    if (signal?.aborted) return cancelled();
    fakeEngineEvents.emit('slow-started');
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      fakeEngineEvents.emit('slow-aborted');
      cancelled();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
