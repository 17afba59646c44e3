import type { Collector } from '../ingest/collector.js';
import { type LogTarget, loggerOf, logSink } from '../log/sink.js';
import { createHealthMonitor, type HealthMonitor } from '../metrics/health.js';
import { readBuildInfo } from '../metrics/health-build.js';
import { collectorHealth } from '../metrics/health-collector.js';
import { failPointsHealth } from '../metrics/health-failpoints.js';
import { queryHealth } from '../metrics/health-query.js';
import { type ServerPhase, serverHealth } from '../metrics/health-server.js';
import { createHealthSocket, type HealthSocket } from '../metrics/health-socket.js';
import { storeHealth } from '../metrics/health-store.js';
import { Profiler } from '../metrics/profiler.js';
import type { Registry } from '../metrics/registry.js';
import type { EmbeddedStore } from '../store/store.js';
import type { Users } from './auth/users.js';
import type { ServerConfig } from './config.js';
import { debugMount } from './http/debug.js';
import { healthzMount } from './http/healthz.js';
import type { Mount } from './http/routes.js';
import type { ServerQueryEngine } from './query-engine.js';

export interface ServerOpsDeps {
  readonly phase: () => ServerPhase;
  readonly pgSessions: () => number | undefined;
  readonly collector: Pick<Collector, 'stats'>;
  readonly store: Pick<EmbeddedStore, 'stats'>;
  readonly engine: Pick<ServerQueryEngine, 'stats'>;
  readonly users: Users;
  readonly log: LogTarget;
  /** The process's registry: the health socket counts its connections there. */
  readonly metrics?: Registry;
}

/**
 * The operations side of `flowlens server` (docs/operations.md): the health monitor over its
 * components, the health socket, and the HTTP mounts /healthz and /debug (profiles, fail points).
 */
export class ServerOps {
  readonly health: HealthMonitor;
  readonly socket: HealthSocket;
  readonly mounts: readonly Mount[];

  constructor(
    deps: ServerOpsDeps,
    private readonly config: Pick<ServerConfig, 'healthPort' | 'healthListen'>,
  ) {
    const log = loggerOf(deps.log);
    this.health = createHealthMonitor({
      name: 'flowlens server',
      build: readBuildInfo(),
      components: [
        serverHealth({ phase: deps.phase, pgSessions: deps.pgSessions }),
        collectorHealth(deps.collector),
        storeHealth(deps.store),
        queryHealth(deps.engine),
        failPointsHealth(),
      ],
    });
    this.socket = createHealthSocket(
      { report: () => this.health.report(), log: logSink(log, 'error'), metrics: deps.metrics },
      { port: config.healthPort, listen: config.healthListen },
    );
    this.mounts = [
      healthzMount(() => this.health.report()),
      debugMount({
        users: deps.users,
        profiler: new Profiler(),
        processName: 'flowlens-server',
        log: logSink(log),
      }),
    ];
  }

  async start(): Promise<void> {
    this.health.start();
    await this.socket.start();
  }

  async stop(): Promise<void> {
    await this.socket.stop();
    this.health.stop();
  }

  /** The start-up banner's line. */
  describe(): string {
    const where = this.socket.describe();
    return where === undefined
      ? 'health socket: disabled (port 0); GET /healthz still answers'
      : `${where} (nc ${this.config.healthListen} ${this.config.healthPort}; GET /healthz; docs/operations.md)`;
  }
}
