import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createCollector } from '../ingest/collector.js';
import { instrumentCollector } from '../ingest/collector-metrics.js';
import { createDemoExporter, type DemoExporter } from '../ingest/demo/exporter.js';
import { DeviceStore } from '../ingest/device-store.js';
import { TemplateStore } from '../ingest/netflow/template-store.js';
import { type FlowSink, JsonLinesSink } from '../ingest/sink.js';
import { createLogger } from '../log/logger.js';
import { logSink } from '../log/sink.js';
import { setFailPointHooks } from '../metrics/failpoint.js';
import { instrumentHost } from '../metrics/host/instrument-host.js';
import { createOpenTsdbExporter } from '../metrics/opentsdb-exporter.js';
import { Registry } from '../metrics/registry.js';
import { Users } from '../server/auth/users.js';
import { BatchDedup } from '../server/batch-dedup.js';
import { ConfigError, mergeConfig, parseConfigFile, type ServerConfig } from '../server/config.js';
import { parseServerArgs, serverUsage } from '../server/config-flags.js';
import { connectionHints } from '../server/connection-hints.js';
import { demoDevices, demoTarget } from '../server/demo.js';
import { newIngestStats } from '../server/http/ingest.js';
import { instrumentIngest } from '../server/http/ingest-metrics.js';
import { portalMount } from '../server/http/portal.js';
import { newQueryStats } from '../server/http/query.js';
import { apiRoutes } from '../server/http/routes.js';
import { visibleCollectorStats } from '../server/http/status.js';
import { createHttpServer } from '../server/http.js';
import { MetricsStore } from '../server/metrics-store.js';
import { ServerOps } from '../server/ops.js';
import { createPgServer, type PgServer } from '../server/pg/server.js';
import { serverQueryEngine } from '../server/query-engine.js';
import { storeConfigOf } from '../server/store-config.js';
import { TeeSink } from '../server/tee-sink.js';
import { registryTenants, StoreSink, type TenantOf } from '../store/sink.js';
import { createStore } from '../store/store.js';
import type { ReplayProgress } from '../store/write/recovery.js';
import { SynthService } from '../synth/server/synth-service.js';
import { version } from './version.js';

/** Largest ingest request body, as sent and after gunzip. */
const maxBodyBytes = 64 << 20;
/** Largest query request body (SQL text and parameters). */
const maxQueryBodyBytes = 1 << 20;

/**
 * `flowlens server`: wires config → store, HTTP API, collector → store sink by hand; runs until
 * SIGINT/SIGTERM, then stops the listeners, makes everything durable and stops the store.
 */
export async function run(args: string[]): Promise<number> {
  let config: ServerConfig;
  try {
    const parsed = parseServerArgs(args);
    if (parsed.help) {
      process.stdout.write(serverUsage);
      return 0;
    }
    const file =
      parsed.configFile === undefined ? {} : parseConfigFile(readText(parsed.configFile), parsed.configFile);
    config = mergeConfig(file, parsed.flags);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`flowlens server: ${err.message}\n`);
    return 2;
  }
  // Usage and config errors above are plain lines (exit 2); from here on everything is logged.
  const logger = createLogger({ service: 'server', level: config.logLevel, format: config.logFormat });
  const log = logSink(logger);
  // A fail point's print(msg) action, as a log record (worker threads still print plain lines).
  setFailPointHooks({ print: logSink(logger.child({ component: 'failpoint' }), 'warn') });

  let users: Users;
  let demo: DemoExporter | undefined;
  try {
    users = new Users(config.users, config.tokens);
  } catch (err) {
    process.stderr.write(`flowlens server: tokens: ${(err as Error).message}\n`);
    return 2;
  }
  try {
    if (config.demo)
      demo = createDemoExporter(demoTarget(config), {
        log: logSink(logger.child({ component: 'demo' }), 'warn'),
      });
  } catch (err) {
    process.stderr.write(`flowlens server: --demo: ${(err as Error).message}\n`);
    return 2;
  }
  let tls: { tlsCert: string; tlsKey: string } | undefined;
  try {
    tls = pgTls(config);
  } catch (err) {
    process.stderr.write(`flowlens server: ${(err as Error).message}\n`);
    return 2;
  }
  const data = resolve(config.data);
  mkdirSync(data, { recursive: true });
  let phase: 'starting' | 'ready' | 'stopping' = 'starting';
  let replay: ReplayProgress | undefined;
  const startedAt = Date.now();
  const metrics = serverMetrics(startedAt);
  const hostMetrics = instrumentHost(metrics, { dataDir: data });
  const storeLog = logger.child({ component: 'store' });
  const store = createStore(
    {
      log: storeLog,
      metrics,
      onReplayProgress: (progress) => {
        replay = progress;
        storeLog.info(describeReplay(progress));
      },
    },
    storeConfigOf(config, data),
  );
  let tenantOf: TenantOf = () => undefined;
  const storeSink = new StoreSink(
    { append: (tenant, flows) => store.append(tenant, flows), flush: () => store.writePath.flush() },
    (id) => tenantOf(id),
  );
  const sink: FlowSink =
    config.print && !config.quiet ? new TeeSink([storeSink, new JsonLinesSink(process.stdout)]) : storeSink;
  const deviceStore = new DeviceStore(join(data, 'devices.json'));
  // Agents' retried batches are recognized across clean restarts (docs/agent-export.md).
  const dedup = new BatchDedup();
  const dedupFile = join(data, 'agent-batches.json');
  const collector = createCollector(
    {
      sink,
      log: logger.child({ component: 'collector' }),
      templates: new TemplateStore(join(data, 'templates.json')),
      devices: deviceStore,
    },
    {
      listen: config.listen,
      netflowPort: config.netflowPort,
      sflowPort: config.sflowPort,
      ipfixTcpPort: config.ipfixTcpPort,
      recvBufferSize: config.recvBufferSize,
      devices: { autoRegister: config.autoRegister, devices: demoDevices(config, demo?.profiles ?? []) },
    },
  );
  tenantOf = registryTenants(collector.devices);
  const ingest = newIngestStats();
  const queryStats = newQueryStats();
  const metricsStore = new MetricsStore(
    { dataDir: data, log: logger.child({ component: 'metrics-table' }) },
    config,
  );
  const synth = new SynthService(
    { dataDir: data, log: logSink(logger.child({ component: 'synth' }), 'warn'), metrics },
    config,
  );
  const engine = serverQueryEngine({
    backend: store,
    config,
    metrics,
    metricsTable: metricsStore.source,
    tables: synth.engineTables(),
  });
  instrumentCollector(metrics, collector);
  instrumentIngest(metrics, ingest);
  const opentsdb = createOpenTsdbExporter(
    { registry: metrics, log: logger.child({ component: 'opentsdb' }) },
    { telnet: config.opentsdbTelnet, url: config.opentsdbUrl, intervalMs: config.metricsIntervalMs },
  );
  const ops = new ServerOps(
    {
      phase: () => phase,
      pgSessions: () => pg?.sessions,
      collector,
      store,
      engine,
      users,
      log: logger.child({ component: 'ops' }),
      metrics,
    },
    config,
  );
  const http = createHttpServer(
    {
      log: logger.child({ component: 'http' }),
      mounts: [...ops.mounts, portalMount()],
      metrics,
      routes: apiRoutes({
        store,
        users,
        metrics,
        version: version(),
        synth,
        devices: () => collector.stats(),
        ingest: {
          phase: () => phase,
          append: (t, f) => store.append(t, f),
          maxBodyBytes,
          stats: ingest,
          agentDevice: (tenant, name) => collector.devices.agent(tenant, name),
          dedup,
        },
        query: {
          engine,
          maxBodyBytes: maxQueryBodyBytes,
          stats: queryStats,
          log: logSink(logger.child({ component: 'query' }), 'error'),
        },
        status: (viewer) => ({
          phase,
          version: version(),
          uptimeMs: Date.now() - startedAt,
          replay,
          store: store.stats(),
          storeSink: storeSink.stats,
          ingest,
          query: queryStats,
          engine: engine.stats(),
          pg: pg === undefined ? undefined : { sessions: pg.sessions },
          collector: visibleCollectorStats(collector.stats(), viewer),
          demo: demo?.stats(),
        }),
      }),
    },
    { port: config.httpPort, listen: config.httpListen },
  );
  const pg: PgServer | undefined =
    config.pgPort === 0
      ? undefined
      : createPgServer(
          { engine, users, metrics },
          { host: config.pgListen, port: config.pgPort, auth: config.pgAuth, ...tls },
        );

  const signalled = stopSignal(config.print && !config.quiet);
  try {
    // HTTP first, so that clients get 503 (not a refused connection) while the WAL replays.
    await http.start();
    opentsdb.start();
    await ops.start();
    log(`data directory ${data}`);
    await store.start();
    // After the store, which holds the data directory's lock.
    await metricsStore.start(metrics);
    await synth.start();
    // After the store: a query never meets a store that is still replaying its WAL.
    await pg?.start();
    await collector.start();
    await dedup.load(dedupFile);
    // After the collector listens, so the routers' first datagrams (their templates) arrive.
    await demo?.start();
  } catch (err) {
    logger.error(`cannot start: ${(err as Error).message}`, { reason: 'start_failed', code: codeOf(err) });
    await Promise.allSettled([
      pg?.stop(),
      http.stop(),
      ops.stop(),
      opentsdb.stop(),
      metricsStore.stop(),
      synth.stop(),
      demo?.stop(),
      collector.stop(),
      engine.stop(),
      store.stop(),
    ]);
    return 1;
  }
  const listeners = collector.describeListeners();
  log(listeners.length === 0 ? 'no flow listeners (every port is 0)' : `listening: ${listeners.join(', ')}`);
  log(`http API: ${http.describe() ?? 'disabled (port 0)'}`);
  log(`metrics: GET /metrics on the HTTP API; OpenTSDB push ${opentsdb.describe()}`);
  log(metricsStore.describe());
  log(synth.describe());
  log(ops.describe());
  log(
    pg === undefined
      ? 'postgres: disabled (port 0)'
      : `postgres: ${config.pgListen}:${config.pgPort} (${tls === undefined ? 'no TLS' : 'TLS'}, ${config.pgAuth})`,
  );
  log(
    `${config.devices.length} configured devices; unknown exporters ${config.autoRegister ? 'auto-registered' : 'refused'}`,
  );
  if (demo !== undefined)
    log(
      `demo exporter: ${demo.profiles.length} simulated routers (${demo.profiles.map((p) => p.address).join(', ')}) ` +
        `sending NetFlow v9 to ${demo.config.targetAddress}:${demo.config.targetPort}`,
    );
  for (const line of connectionHints(config)) log(line);
  phase = 'ready';
  log(
    `ready: storing flows (fsync ${config.fsync}, grace ${config.graceMs} ms, retention ${config.retentionDays} days)`,
  );

  const signal = await signalled;
  phase = 'stopping';
  log(`${signal}: stopping`);
  await demo?.stop();
  // The frontends first (their running queries are aborted), then the workers, then the store.
  await Promise.all([collector.stop(), pg?.stop(), http.stop(), ops.stop()]);
  // After the last ingest request: an agent registered by it keeps its id, its batches stay known.
  await Promise.all([deviceStore.saveIfChanged(collector.devices), dedup.save(dedupFile)]).catch((err) =>
    log(`cannot save agent state: ${(err as Error).message}`),
  );
  await engine.stop();
  // A last push of the final counts, bounded in time when the receiver is down.
  await opentsdb.stop();
  // A last snapshot of the final counts in the metrics table.
  await metricsStore.stop();
  await synth.stop();
  hostMetrics.stop();
  try {
    await store.stop();
  } catch (err) {
    // What could not be sealed stays in the WAL and is replayed at the next start.
    storeLog.error(`stop failed: ${(err as Error).message}`, {
      reason: 'store_stop_failed',
      code: codeOf(err),
    });
    return 1;
  }
  const s = collector.stats().decode;
  log(
    `stopped: ${s.packets} packets, ${s.flows} flows, ${collector.stats().devices.length} devices; ` +
      `${storeSink.stats.storedFlows + ingest.rows} flows stored`,
  );
  return 0;
}

/** The process's registry, with what every server exposes from the start (docs/metrics.md). */
function serverMetrics(startedAt: number): Registry {
  const metrics = new Registry();
  metrics
    .gauge(
      'flowlens_server_build_info',
      { version: version().replace(/^flowlens /, ''), node: process.version },
      { help: 'Always 1; the tags say which build runs' },
    )
    .set(1);
  metrics.gaugeFn('flowlens_server_uptime_seconds', () => (Date.now() - startedAt) / 1000, undefined, {
    help: 'Seconds since the server started',
  });
  return metrics;
}

function describeReplay(p: ReplayProgress): string {
  const torn = p.tornRecords > 0 ? `, ${p.tornRecords} torn records (${p.tornBytes} bytes) cut off` : '';
  const state = p.done ? `done in ${Math.round(p.elapsedMs)} ms` : `${Math.round(p.percent)}%`;
  return (
    `WAL replay ${state}: ${p.files}/${p.filesTotal} files, ${p.rowsReplayed} rows replayed, ` +
    `${p.rowsSkipped} already sealed${torn}`
  );
}

/** The PEM texts of pgTlsCert / pgTlsKey, both or neither. */
function pgTls(config: ServerConfig): { tlsCert: string; tlsKey: string } | undefined {
  const { pgTlsCert: cert, pgTlsKey: key } = config;
  if (cert === undefined && key === undefined) return undefined;
  if (cert === undefined || key === undefined)
    throw new Error('pgTlsCert and pgTlsKey: PostgreSQL TLS needs both a certificate and a key file');
  const read = (file: string, what: string) => {
    try {
      return readFileSync(file, 'utf8');
    } catch (err) {
      throw new Error(`cannot read ${what} ${file}: ${(err as Error).message}`);
    }
  };
  return { tlsCert: read(cert, 'pgTlsCert'), tlsKey: read(key, 'pgTlsKey') };
}

function codeOf(err: unknown): unknown {
  return (err as { code?: unknown } | undefined)?.code;
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config file ${file}: ${(err as Error).message}`);
  }
}

/** Resolves on the first SIGINT or SIGTERM, or when printed-to stdout closes (piped into `head`). */
function stopSignal(printing: boolean): Promise<string> {
  return new Promise((resolve) => {
    const done = (why: string) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolve(why);
    };
    const onInt = () => done('SIGINT');
    const onTerm = () => done('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    if (printing)
      process.stdout.on('error', (err: NodeJS.ErrnoException) => done(`stdout ${err.code ?? err.message}`));
  });
}
