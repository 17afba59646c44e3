import type { LogSink } from '../../log/sink.js';
import type { HealthMonitor } from '../../metrics/health.js';
import { Profiler } from '../../metrics/profiler.js';
import type { Registry } from '../../metrics/registry.js';
import { Users } from '../../server/auth/users.js';
import { debugMount } from '../../server/http/debug.js';
import { healthzMount } from '../../server/http/healthz.js';
import { metricsDoc, serveMetrics } from '../../server/http/metrics.js';
import { createHttpServer, type HttpServer } from '../../server/http.js';

export type AgentHttp = HttpServer;

export interface AgentHttpDeps {
  readonly registry: Registry;
  readonly health: HealthMonitor;
  readonly log: LogSink;
}

/**
 * The agent's `--metrics-listen` HTTP listener, the server's HTTP machinery with three paths:
 * GET /metrics (Prometheus text), GET /healthz (the health report as JSON, 503 when BAD) and
 * /debug (CPU and heap profiles, fail points) for loopback clients only — the agent has no users,
 * so nobody else is an admin.
 */
export function createAgentHttp(deps: AgentHttpDeps, where: { host: string; port: number }): AgentHttp {
  return createHttpServer(
    {
      log: deps.log,
      metrics: deps.registry,
      routes: [
        {
          method: 'GET',
          path: '/metrics',
          auth: 'none',
          doc: metricsDoc,
          handler: serveMetrics(deps.registry),
        },
      ],
      mounts: [
        healthzMount(() => deps.health.report()),
        debugMount({
          users: new Users([]),
          profiler: new Profiler(),
          processName: 'flowlens-agent',
          log: deps.log,
        }),
      ],
    },
    { port: where.port, listen: where.host },
  );
}
