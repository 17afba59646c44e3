import { mkdirSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultRetentionConfig } from '../src/store/retention.js';
import { createStore } from '../src/store/store.js';
import { machineInfo } from './machine.js';
import { clickhouseDensity } from './store-clickhouse.js';
import { DataSet, defaultDataSetConfig } from './store-data.js';
import { measureStore } from './store-density.js';
import { measureDiskWrite } from './store-disk.js';
import { ingest, round, type VirtualClock } from './store-ingest.js';
import { summarize } from './store-report.js';
import { scanFacade, scanReadBuffers, scanSegments } from './store-scan.js';

/**
 * `npm run bench:store`: the flow store's speed and density on a synthetic router-flow data set
 * (bench/store-data.ts), and ClickHouse's density on the same data. Prints one JSON object on
 * stdout; progress goes to stderr. See docs/bench.md.
 */
const { values } = parseArgs({
  options: {
    flows: { type: 'string', default: String(defaultDataSetConfig.flows) },
    seed: { type: 'string', default: String(defaultDataSetConfig.seed) },
    rate: { type: 'string', default: String(defaultDataSetConfig.flowsPerSec) },
    batch: { type: 'string', default: '32768' },
    'in-flight': { type: 'string', default: '1' },
    'seal-workers': { type: 'string' },
    dir: { type: 'string' },
    keep: { type: 'boolean', default: false },
    'no-clickhouse': { type: 'boolean', default: false },
    'no-zstd': { type: 'boolean', default: false },
  },
});

const started = performance.now();
const log = (line: string) =>
  process.stderr.write(`[bench:store ${((performance.now() - started) / 1000).toFixed(0)} s] ${line}\n`);

function dataSet(): DataSet {
  return new DataSet({
    flows: Number(values.flows),
    seed: Number(values.seed),
    flowsPerSec: Number(values.rate),
  });
}

async function flowlensPhase(dir: string, batchRows: number) {
  const data = dataSet();
  const clock: VirtualClock = { now: data.config.startMs };
  const store = createStore(
    { now: () => clock.now, log: (line) => log(line) },
    {
      dataDir: dir,
      maintenanceIntervalMs: 0,
      retention: { ...defaultRetentionConfig, intervalMs: 0 },
      write: values['seal-workers'] === undefined ? {} : { sealWorkers: Number(values['seal-workers']) },
    },
  );
  await store.start();
  try {
    const ingested = await ingest(
      store,
      data,
      clock,
      batchRows,
      (n) => log(`ingest: ${n} flows`),
      Number(values['in-flight']),
    );
    log(`ingest: ${ingested.flows_per_sec} flows/s, final seal ${ingested.final_seal_seconds} s`);
    const size = measureStore(dir);
    const to = data.receiveTime(data.produced) + 60_000;
    const facade = await scanFacade(store, data.config.startMs, to);
    log(`scan (facade): ${facade.values_per_sec} values/s`);
    const reused = await scanReadBuffers(store, data.config.startMs, to);
    log(`scan (read buffers): ${reused.values_per_sec} values/s`);
    const dicts = await scanReadBuffers(store, data.config.startMs, to, 'dicts');
    log(`scan (read buffers, address dictionaries): ${dicts.values_per_sec} values/s`);
    const keyed = await scanReadBuffers(store, data.config.startMs, to, 'keyed');
    log(`scan (read buffers, address dictionaries, keyed columns): ${keyed.values_per_sec} values/s`);
    const segments = scanSegments(dir);
    log(`scan (segment reader): ${segments.values_per_sec} values/s`);
    return {
      data: data.config,
      first_minute: new Date(data.config.startMs).toISOString(),
      last_flow: new Date(data.receiveTime(data.produced - 1)).toISOString(),
      ingest: ingested,
      size,
      scan: {
        facade,
        read_buffers: reused,
        read_buffers_address_dicts: dicts,
        read_buffers_keyed: keyed,
        segment_reader: segments,
      },
    };
  } finally {
    await store.stop();
  }
}

async function main() {
  const workDir = values.dir ?? join(tmpdir(), `flowlens-bench-store-${process.pid}`);
  const storeDir = join(workDir, 'flowlens');
  const chDir = join(workDir, 'clickhouse');
  // Only the two folders the benchmark owns are ever removed (a --dir may hold other things).
  const clean = () => {
    rmSync(storeDir, { recursive: true, force: true });
    rmSync(chDir, { recursive: true, force: true });
    if (values.dir === undefined) rmSync(workDir, { recursive: true, force: true });
  };
  clean();
  mkdirSync(workDir, { recursive: true });
  const batchRows = Number(values.batch);
  const machine = { ...machineInfo(), disk_write_fsync_per_4mib: measureDiskWrite(workDir) };
  try {
    const flowlens = await flowlensPhase(storeDir, batchRows);
    let clickhouse: Awaited<ReturnType<typeof clickhouseDensity>> | undefined;
    let clickhouseError: string | undefined;
    if (!values['no-clickhouse']) {
      try {
        clickhouse = await clickhouseDensity(chDir, dataSet(), batchRows, !values['no-zstd'], log);
      } catch (err) {
        // Keep the flowlens figures of a long run: report the failure in the JSON instead.
        clickhouseError = (err as Error).message;
        log(`clickhouse failed: ${clickhouseError}`);
      }
    }
    const result = summarize({
      machine,
      loadAverageEnd: round(loadavg()[0]!, 2),
      seconds: round((performance.now() - started) / 1000, 1),
      workDir,
      flowlens,
      clickhouse,
      clickhouseError,
    });
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    if (!values.keep) clean();
  }
}

// On Ctrl-C or kill, exit through process.exit so the 'exit' hook stops a running ClickHouse.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

main().catch((err: Error) => {
  process.stderr.write(`bench:store failed: ${err.stack ?? err.message}\n`);
  process.exit(1);
});
