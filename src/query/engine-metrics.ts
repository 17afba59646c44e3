import type { MetricsClock } from '../metrics/clock.js';
import type { Counter } from '../metrics/counter.js';
import type { Histogram } from '../metrics/histogram.js';
import type { Registry } from '../metrics/registry.js';
import type { Timer } from '../metrics/timer.js';
import type { QueryStats } from './api.js';
import type { EngineStats } from './engine.js';
import type { QueryLimits } from './runtime/query-limits.js';
import { stageTimer } from './runtime/runtime-metrics.js';

/**
 * The query engine's metrics (docs/metrics.md), obtained once when the engine is created: stage
 * timers, statements by outcome, errors by SQLSTATE, rows, jobs per query, resolution used, and
 * the engine's and the limits' own counters read at export.
 */
export class EngineMetrics {
  /** The timers' duration clock, for stages summed over several spans (merge). */
  readonly clock: MetricsClock;
  readonly parse: Timer;
  readonly validate: Timer;
  readonly plan: Timer;
  readonly fanout: Timer;
  readonly job: Timer;
  readonly merge: Timer;
  readonly sort: Timer;
  readonly plannedJobs: Histogram;
  readonly staleReplans: Counter;
  private readonly ok: Timer;
  private readonly failed: Timer;
  private readonly scannedRows: Counter;
  private readonly returnedRows: Counter;
  private readonly byResolution: Record<QueryStats['resolution'], Counter>;
  private readonly codes = new Set<string>();

  constructor(
    private readonly registry: Registry,
    private readonly counters: EngineStats,
    limits: QueryLimits | undefined,
  ) {
    const m = registry;
    this.clock = m.durationClock;
    this.parse = stageTimer(m, 'parse');
    this.validate = stageTimer(m, 'validate');
    this.plan = stageTimer(m, 'plan');
    this.fanout = stageTimer(m, 'fanout');
    this.job = stageTimer(m, 'job');
    this.merge = stageTimer(m, 'merge');
    this.sort = stageTimer(m, 'sort');
    const statementHelp = 'Seconds per statement run, from its arrival to its last row or its error';
    this.ok = m.timer('flowlens_query_statement_seconds', { outcome: 'ok' }, { help: statementHelp });
    this.failed = m.timer('flowlens_query_statement_seconds', { outcome: 'error' }, { help: statementHelp });
    this.scannedRows = m.counter('flowlens_query_scanned_rows_total', undefined, {
      help: 'Flow rows read by the jobs of flows queries (memo hits read none)',
    });
    this.returnedRows = m.counter('flowlens_query_returned_rows_total', undefined, {
      help: 'Rows returned by statements that succeeded',
    });
    this.plannedJobs = m.histogram('flowlens_query_planned_jobs', undefined, {
      help: 'Jobs (device x minute, hour or day) per flows query, once planned and pruned',
    });
    this.staleReplans = m.counter('flowlens_query_stale_replans_total', undefined, {
      help: 'Flows queries planned again because compaction or retention replaced their files meanwhile',
    });
    const resolutionHelp =
      'Flows queries that succeeded, by the coarsest resolution they read (none: no jobs)';
    const counter = (resolution: string) =>
      m.counter('flowlens_query_resolution_queries_total', { resolution }, { help: resolutionHelp });
    this.byResolution = {
      minute: counter('minute'),
      hour: counter('hour'),
      day: counter('day'),
      none: counter('none'),
    };
    m.counterFn('flowlens_query_statements_total', () => counters.statements, undefined, {
      help: 'Statements run (every kind: flows queries, catalog and session statements, devices)',
    });
    m.counterFn('flowlens_query_flow_queries_total', () => counters.flowQueries, undefined, {
      help: 'Queries over flows (all_devices and the device tables) admitted to run',
    });
    m.gaugeFn('flowlens_query_running_queries', () => counters.running, undefined, {
      help: 'Flows queries running now',
    });
    m.counterFn('flowlens_query_canceled_queries_total', () => counters.canceled, undefined, {
      help: 'Flows queries cancelled by their client (CancelRequest, disconnect): 57014',
    });
    m.counterFn('flowlens_query_timed_out_queries_total', () => counters.timedOut, undefined, {
      help: 'Flows queries stopped by the statement timeout: 57014',
    });
    if (limits !== undefined) {
      const refused = limits.refused;
      const help = 'Flows queries refused by a per-tenant limit (53400), by reason: rate, concurrency, rows';
      m.counterFn('flowlens_query_refused_queries_total', () => refused.rate, { reason: 'rate' }, { help });
      m.counterFn(
        'flowlens_query_refused_queries_total',
        () => refused.concurrency,
        { reason: 'concurrency' },
        { help },
      );
      m.counterFn('flowlens_query_refused_queries_total', () => refused.rows, { reason: 'rows' }, { help });
    }
  }

  /** A statement ended: `startedAt` is the clock's time when it arrived. */
  statementDone(startedAt: number, returnedRows: number | undefined): void {
    const seconds = (this.clock.now() - startedAt) / 1000;
    if (returnedRows === undefined) {
      this.failed.update(seconds);
      return;
    }
    this.ok.update(seconds);
    this.returnedRows.inc(returnedRows);
  }

  /** A statement failed with `code` (after the engine counted it in its stats). */
  error(code: string): void {
    if (this.codes.has(code)) return;
    this.codes.add(code);
    const errors = this.counters.errors;
    this.registry.counterFn(
      'flowlens_query_errors_total',
      () => errors[code] ?? 0,
      { code },
      {
        help: 'Statements that failed, by SQLSTATE (57014: cancelled or timed out; 53400: refused by a limit)',
      },
    );
  }

  /** A flows query succeeded. */
  flowsDone(stats: Omit<QueryStats, 'elapsedMs'>): void {
    this.scannedRows.inc(stats.rowsScanned);
    this.byResolution[stats.resolution].inc();
  }
}
