import type { ServerQueryEngineStats } from '../server/query-engine.js';
import { type ComponentHealth, type HealthComponent, judged, round } from './health.js';
import { CounterWindow } from './health-window.js';

export interface QueryHealthConfig {
  /** Jobs waiting for a worker that count as a deep queue… */
  deepQueueJobs: number;
  /** …when the queue stays that deep this long. */
  deepQueueMs: number;
}

/**
 * A big query queues thousands of per-minute jobs at once and drains them in seconds, so depth
 * alone is not trouble; depth that lasts is.
 */
export const defaultQueryHealthConfig: QueryHealthConfig = { deepQueueJobs: 10_000, deepQueueMs: 10_000 };

/** SQLSTATEs that mean the server, not the query, failed: internal error, data corrupted, I/O error. */
const serverErrors = ['XX000', 'XX001', '58030'];

/**
 * The query engine's health, from the engine's `stats()`. Never BAD on its own (queries fail when
 * the store does, and the store says why).
 *   WARN  the job queue held over deepQueueJobs jobs for deepQueueMs (workers cannot keep up); a
 *         worker thread crashed in the last minute; queries failed with an internal, corruption
 *         or I/O error (XX000, XX001, 58030) in the last minute.
 */
export function queryHealth(
  engine: { stats(): ServerQueryEngineStats },
  config: Partial<QueryHealthConfig> = {},
): HealthComponent {
  const c = { ...defaultQueryHealthConfig, ...config };
  const jobs = new CounterWindow();
  const queries = new CounterWindow();
  const hits = new CounterWindow();
  const misses = new CounterWindow();
  const crashes = new CounterWindow();
  const failures = new CounterWindow();
  const refused = new CounterWindow();
  const timeouts = new CounterWindow();
  let deepSince: number | undefined;
  return {
    name: 'query',
    check(now: number): ComponentHealth {
      const s = engine.stats();
      jobs.record(now, s.workers.jobsRun);
      queries.record(now, s.flowQueries);
      hits.record(now, s.memo.hits);
      misses.record(now, s.memo.misses);
      crashes.record(now, s.workers.crashes);
      failures.record(
        now,
        serverErrors.reduce((n, code) => n + (s.errors[code] ?? 0), 0),
      );
      const r = s.limits.refused;
      refused.record(now, r.rate + r.concurrency + r.rows);
      timeouts.record(now, s.limits.timeouts);
      if (s.workers.queued < c.deepQueueJobs) deepSince = undefined;
      else deepSince ??= now;

      const warn: string[] = [];
      if (deepSince !== undefined && now - deepSince >= c.deepQueueMs)
        warn.push(
          `${s.workers.queued} jobs queued, over ${c.deepQueueJobs} for ${Math.round((now - deepSince) / 1000)} s: the workers cannot keep up`,
        );
      if (crashes.delta() > 0) warn.push(`${crashes.delta()} query worker crashes in the last minute`);
      if (failures.delta() > 0)
        warn.push(`${failures.delta()} queries failed with an internal or I/O error in the last minute`);
      const lookups = hits.delta() + misses.delta();
      return judged(
        'query',
        {
          jobs_queued: s.workers.queued,
          jobs_running: s.workers.busy,
          workers: `${s.workers.live}/${s.workers.size}`,
          jobs_per_s: round(jobs.rate()),
          queries_running: s.running,
          queries_per_s: round(queries.rate()),
          memo_hit_rate: lookups === 0 ? '-' : round(hits.delta() / lookups),
          memo_bytes: s.memo.bytes,
          refused_last_min: refused.delta(),
          timeouts_last_min: timeouts.delta(),
        },
        [],
        warn,
      );
    },
  };
}
