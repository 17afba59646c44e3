import { Registry } from '../metrics/registry.js';
import type { DeviceSummary, StorageBackend } from '../store/backend.js';
import { isStaleJobError } from '../store/read/errors.js';
import type {
  QueryEngine,
  QueryOptions,
  QueryResult,
  QuerySession,
  QueryStats,
  StatementDescription,
  Value,
} from './api.js';
import { answerCompat, describeCompat } from './compat/index.js';
import { statementTimeoutMs } from './compat/settings.js';
import { executeFlows, type FlowsContext } from './engine-flows.js';
import { EngineMetrics } from './engine-metrics.js';
import type { ReduceThresholds } from './engine-reduce.js';
import { asQueryError, QueryError, SqlState } from './errors.js';
import { ResultCollector } from './exec/collect.js';
import { canceledError, InProcessExecutor } from './exec/inprocess-executor.js';
import type { JobExecutor } from './exec/job-contract.js';
import { runJobKernel } from './exec/kernel-entry.js';
import { devicesJobColumns } from './exec/source-columns.js';
import { specFromPlan } from './exec/spec.js';
import type { PlanSource } from './plan/plan.js';
import { PlanCache, tablesKey } from './plan-cache.js';
import { ResultMemo } from './result-memo.js';
import type { QueryLimits } from './runtime/query-limits.js';
import {
  loadSqlParser,
  type ParsedStatement,
  type PlannedSelect,
  parseStatements,
  planSelect,
} from './sql/index.js';
import { ParseCache } from './sql/parse-cache.js';
import { emptyTable, runTableQuery, type TableSource } from './table-query.js';
import { metricsTableDef, type StoreTableDef, tenantTables } from './tables.js';

export interface QueryEngineDeps {
  readonly backend: StorageBackend;
  /** Runs the jobs; by default on the calling thread (InProcessExecutor). */
  readonly executor?: JobExecutor | undefined;
  /** now() for statements that do not pass one (ms). */
  readonly now?: (() => number) | undefined;
  /** Times a query is planned again when its jobs' files were compacted away meanwhile. */
  readonly staleRetries?: number | undefined;
  /**
   * Per-tenant limits around each flows query (rate, concurrency, rows scanned, timeout); none
   * when absent. Catalog and session statements (compat) and the devices table are not limited.
   */
  readonly limits?: QueryLimits | undefined;
  /** The server's query timeout (ms, 0 = none); a session's statement_timeout can only lower it. */
  readonly queryTimeoutMs?: number | undefined;
  /** The metrics table's rows (the server's table store); an empty table when absent. */
  readonly metricsTable?: TableSource | undefined;
  /** More tables of the table store (the synth_* results), beside `metrics`. */
  readonly tables?: readonly EngineTable[] | undefined;
  /** Rows a query over a table-store table may read (default 2e9, as maxRowsScanned). */
  readonly metricsMaxRowsScanned?: number | undefined;
  /** Where the engine's metrics go (stage timers, errors, rows…); a throwaway registry if absent. */
  readonly metrics?: Registry | undefined;
  /**
   * Groups held back past which an executor that can reduce merges them on its workers
   * (src/query/engine-reduce.ts; defaults there). Tests lower them.
   */
  readonly reduceThresholds?: ReduceThresholds | undefined;
}

/** A table of the table store the engine reads: what SQL sees, and where its rows are. */
export interface EngineTable extends StoreTableDef {
  readonly source: TableSource;
}

/** Counters of the engine's statements (the server's status endpoint shows them). */
export interface EngineStats {
  /** Statements run (every kind), and flows queries among them. */
  statements: number;
  flowQueries: number;
  /** Flows queries running now (gauge). */
  running: number;
  /** Statements that ended with an error, by SQLSTATE (57014 counts cancels and timeouts). */
  errors: Record<string, number>;
  /** Flows queries cancelled by their client (CancelRequest, disconnect), and by a timeout. */
  canceled: number;
  timedOut: number;
}

/** The engine with its counters. */
export interface CountingQueryEngine extends QueryEngine {
  stats(): EngineStats;
}

/**
 * The query engine: parse → catalog/session statements (compat) → plan → jobs (minutes, or
 * hourly/daily rollups for the full buckets where allowed) → executor → merge → HAVING, ORDER BY,
 * LIMIT → rows. Every failure reaches the caller as a QueryError.
 */
export function createQueryEngine(deps: QueryEngineDeps): CountingQueryEngine {
  const backend = deps.backend;
  const clock = deps.now ?? Date.now;
  const retries = deps.staleRetries ?? 3;
  const limits = deps.limits;
  const counters: EngineStats = {
    statements: 0,
    flowQueries: 0,
    running: 0,
    errors: {},
    canceled: 0,
    timedOut: 0,
  };
  const m = new EngineMetrics(deps.metrics ?? new Registry(), counters, limits);
  const executor = deps.executor ?? new InProcessExecutor(backend, m.job);
  const flows: FlowsContext = {
    backend,
    executor,
    limits,
    metrics: m,
    reduceThresholds: deps.reduceThresholds,
    results: new ResultMemo(),
  };
  const storeTables: EngineTable[] = [
    { ...metricsTableDef, source: deps.metricsTable ?? emptyTable },
    ...(deps.tables ?? []),
  ];
  const sources = new Map(storeTables.map((t) => [t.info.name, t.source]));
  const parsed = new ParseCache();
  const plans = new PlanCache();

  const single = (sql: string): ParsedStatement | undefined => {
    const statements = m.parse.time(() => parsed.parse(sql));
    if (statements.length > 1) {
      throw new QueryError(SqlState.syntaxError, 'cannot insert multiple commands into a prepared statement');
    }
    return statements[0];
  };

  /**
   * A flows query under the tenant's limits: admitted (rate, concurrency), its rows checked once
   * its jobs are planned, and aborted by the client's signal or the timeout (the server's
   * queryTimeoutMs, lowered by the session's statement_timeout).
   */
  async function runFlows(
    planned: PlannedSelect,
    session: QuerySession,
    devices: DeviceSummary[],
    clientSignal: AbortSignal | undefined,
  ) {
    const tenant = session.tenant;
    const release = limits?.admit(tenant);
    const query = limits?.signalFor(clientSignal, timeoutFor(session));
    const signal = query?.signal ?? clientSignal;
    counters.flowQueries++;
    counters.running++;
    try {
      for (let attempt = 0; ; attempt++) {
        try {
          const result = await executeFlows(
            flows,
            planned.plan,
            planned.fields.map((f) => f.type),
            tenant,
            devices,
            signal,
          );
          m.flowsDone(result.stats);
          return result;
        } catch (err) {
          if (!isStaleJobError(err) || attempt >= retries) throw err;
          m.staleReplans.inc();
        }
      }
    } catch (err) {
      if (signal?.aborted) {
        if (clientSignal?.aborted !== true) counters.timedOut++;
        else counters.canceled++;
        throw signal.reason instanceof QueryError ? signal.reason : canceledError();
      }
      throw err;
    } finally {
      counters.running--;
      query?.dispose();
      release?.();
    }
  }

  /** The tighter of the server's timeout and the session's statement_timeout (0 = none). */
  function timeoutFor(session: QuerySession): number | undefined {
    if (limits === undefined) return undefined;
    const server = deps.queryTimeoutMs ?? 0;
    const statement = statementTimeoutMs(session);
    if (statement <= 0) return server;
    return server <= 0 ? statement : Math.min(server, statement);
  }

  /**
   * A table-store table (listed only to those who may read it, so only they get here), read on
   * the coordinator under the query timeout; a table shared by tenants yields the session's rows.
   */
  async function runTable(
    planned: PlannedSelect,
    source: Extract<PlanSource, { kind: 'table' }>,
    session: QuerySession,
    clientSignal: AbortSignal | undefined,
  ) {
    const query = limits?.signalFor(clientSignal, timeoutFor(session));
    try {
      return await runTableQuery(
        planned.plan,
        planned.fields.map((f) => f.type),
        sources.get(source.table) ?? emptyTable,
        {
          table: source.table,
          signal: query?.signal ?? clientSignal,
          maxRowsScanned: deps.metricsMaxRowsScanned ?? 2_000_000_000,
          match:
            source.tenantColumn === undefined
              ? []
              : [{ column: source.tenantColumn, values: [session.tenant] }],
        },
      );
    } finally {
      query?.dispose();
    }
  }

  /** The devices table and FROM-less selects: one in-process kernel run over coordinator data. */
  function runLocal(planned: PlannedSelect, devices: DeviceSummary[]): Value[][] {
    const plan = planned.plan;
    const spec = specFromPlan(plan, 'minute');
    const columns =
      plan.source.kind === 'devices' ? devicesJobColumns(devices) : { rows: 1, columns: {}, dicts: {} };
    const collector = new ResultCollector(plan, spec);
    collector.add(runJobKernel(spec, columns));
    return collector.finish(planned.fields.map((f) => f.type));
  }

  /** One statement, counted in the engine's stats (its errors by SQLSTATE). */
  async function runStatement(
    session: QuerySession,
    sql: string,
    options: QueryOptions,
  ): Promise<QueryResult> {
    const started = performance.now();
    const signal = options.signal;
    counters.statements++;
    try {
      if (signal?.aborted) throw canceledError();
      await loadSqlParser();
      const stmt = single(sql);
      if (stmt === undefined) return { fields: [], rows: [], command: '' };
      const devices = await backend.devices(session.tenant);
      const tables = tenantTables(devices, session, storeTables);
      const compat = answerCompat(stmt.stmt, {
        session,
        tables,
        sql: stmt.text,
        params: options.params,
        now: options.now,
      });
      if (compat !== undefined) return compat;
      const context = {
        sql: stmt.text,
        tables,
        now: options.now ?? clock(),
        params: options.params,
        paramTypes: options.paramTypes,
      };
      const planned = m.validate.time(() =>
        plans.plan(stmt.stmt, context, tablesKey(devices, session.admin), () =>
          planSelect(stmt.stmt, context),
        ),
      );
      let rows: Value[][];
      let stats: Omit<QueryStats, 'elapsedMs'>;
      if (planned.plan.source.kind === 'flows') {
        ({ rows, stats } = await runFlows(planned, session, devices, signal));
      } else if (planned.plan.source.kind === 'table') {
        ({ rows, stats } = await runTable(planned, planned.plan.source, session, signal));
      } else {
        rows = runLocal(planned, devices);
        stats = { jobs: 0, memoHits: 0, rowsScanned: 0, resolution: 'none' };
      }
      if (signal?.aborted) throw canceledError();
      return {
        fields: planned.fields,
        rows,
        command: `SELECT ${rows.length}`,
        stats: { ...stats, elapsedMs: performance.now() - started },
      };
    } catch (err) {
      const error =
        signal?.aborted === true
          ? signal.reason instanceof QueryError
            ? signal.reason
            : canceledError()
          : asQueryError(err);
      counters.errors[error.code] = (counters.errors[error.code] ?? 0) + 1;
      m.error(error.code);
      throw error;
    }
  }

  return {
    split(sql: string): string[] {
      return parseStatements(sql).map((s) => s.text);
    },

    async describe(session, sql, paramTypes): Promise<StatementDescription> {
      try {
        await loadSqlParser();
        const stmt = single(sql);
        if (stmt === undefined) return { fields: [], paramTypes: [] };
        const devices = await backend.devices(session.tenant);
        const tables = tenantTables(devices, session, storeTables);
        const compat = describeCompat(stmt.stmt, { session, tables, sql: stmt.text });
        if (compat !== undefined) return compat;
        const planned = m.validate.time(() =>
          planSelect(stmt.stmt, { sql: stmt.text, tables, now: clock(), paramTypes }),
        );
        return { fields: planned.fields, paramTypes: planned.paramTypes };
      } catch (err) {
        throw asQueryError(err);
      }
    },

    stats: () => counters,

    async run(session, sql, options: QueryOptions = {}): Promise<QueryResult> {
      const startedAt = m.clock.now();
      let result: QueryResult;
      try {
        result = await runStatement(session, sql, options);
      } catch (err) {
        m.statementDone(startedAt, undefined);
        throw err;
      }
      m.statementDone(startedAt, result.rows.length);
      return result;
    },
  };
}
