import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { machineInfo } from './machine.js';
import { clickhouseAnswer, duckdbAnswer } from './query-answers.js';
import {
  type ClickHouseLoad,
  type ClickHouseSide,
  loadClickHouseSide,
  startClickHouseSide,
} from './query-clickhouse.js';
import { type DuckDb, loadDuckDb, openDuckDb } from './query-duckdb.js';
import { type FlowlensLoad, loadFlowlens, openFlowlens, queryRange, settledTime } from './query-flowlens.js';
import { benchQueries } from './query-queries.js';
import { goals, type QueryFigures } from './query-report.js';
import { measureQuery } from './query-run.js';
import { procCpu } from './query-timing.js';
import { DataSet, defaultDataSetConfig } from './store-data.js';
import { round } from './store-ingest.js';

/**
 * `npm run bench:query`: the query engine beside ClickHouse 18.16 (max_threads = 2) and DuckDB
 * (2 threads) over the same data set on disk — the four queries of issue 4, each run `--runs`
 * times per system. JSON on stdout, progress on stderr. See docs/bench.md "Query benchmark".
 */
const { values } = parseArgs({
  options: {
    flows: { type: 'string', default: String(defaultDataSetConfig.flows) },
    seed: { type: 'string', default: String(defaultDataSetConfig.seed) },
    runs: { type: 'string', default: '5' },
    workers: { type: 'string', default: '2' },
    batch: { type: 'string', default: '32768' },
    dir: { type: 'string' },
    keep: { type: 'boolean', default: false },
    /** Reuse the data a previous `--keep` run left in `--dir` (same flows and seed). */
    reuse: { type: 'boolean', default: false },
    'no-clickhouse': { type: 'boolean', default: false },
    'no-duckdb': { type: 'boolean', default: false },
    /** Run only these queries (comma-separated names, e.g. seed_query_5pct_window). */
    only: { type: 'string' },
  },
});

const started = performance.now();
const log = (line: string) =>
  process.stderr.write(`[bench:query ${((performance.now() - started) / 1000).toFixed(0)} s] ${line}\n`);

const DUCKDB_THREADS = 2;
const dataSet = () => new DataSet({ flows: Number(values.flows), seed: Number(values.seed) });

interface Loaded {
  flowlens?: FlowlensLoad | undefined;
  clickhouse?: ClickHouseLoad | undefined;
  duckdb?: { rows: number; seconds: number } | undefined;
}

async function main() {
  const workDir = values.dir ?? join(tmpdir(), `flowlens-bench-query-${process.pid}`);
  const dirs = {
    flowlens: join(workDir, 'flowlens'),
    clickhouse: join(workDir, 'clickhouse'),
    duckdb: join(workDir, 'duckdb'),
  };
  const manifestPath = join(workDir, 'bench-query.json');
  const manifest = JSON.stringify({ flows: Number(values.flows), seed: Number(values.seed) });
  const reuse = values.reuse && existsSync(manifestPath) && readFileSync(manifestPath, 'utf8') === manifest;
  // Only the folders the benchmark owns are ever removed (a --dir may hold other things).
  const clean = () => {
    for (const d of Object.values(dirs)) rmSync(d, { recursive: true, force: true });
    rmSync(manifestPath, { force: true });
    if (values.dir === undefined) rmSync(workDir, { recursive: true, force: true });
  };
  if (!reuse) clean();
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  const machine = machineInfo();
  const batchRows = Number(values.batch);
  const probe = dataSet();
  const { from, to, lastFlow } = queryRange(probe);
  const loaded: Loaded = {};
  let ch: ClickHouseSide | undefined;
  let duck: DuckDb | undefined;
  try {
    if (!reuse) loaded.flowlens = await loadFlowlens(dirs.flowlens, dataSet(), batchRows, log);
    if (!values['no-clickhouse']) {
      ch = await startClickHouseSide(dirs.clickhouse);
      log(`clickhouse: started, pid ${ch.server.pid}`);
      if (!reuse) loaded.clickhouse = await loadClickHouseSide(ch, dataSet(), batchRows, log);
    }
    if (!values['no-duckdb']) {
      duck = await openDuckDb(join(dirs.duckdb, 'flows.duckdb'), DUCKDB_THREADS);
      if (!reuse) {
        loaded.duckdb = await loadDuckDb(duck, dataSet(), batchRows);
        log(`duckdb: loaded ${loaded.duckdb.rows} rows in ${loaded.duckdb.seconds.toFixed(1)} s`);
      }
    }
    if (!reuse) writeFileSync(manifestPath, manifest);

    const flowlens = await openFlowlens(dirs.flowlens, settledTime(lastFlow), Number(values.workers), log);
    const queries: Record<string, QueryFigures> = {};
    try {
      const exact = await exactDistinct(ch, duck);
      const only = values.only?.split(',');
      for (const q of benchQueries(from, to)) {
        if (only !== undefined && !only.includes(q.name)) continue;
        log(`query ${q.name} (load average ${loadavg()[0]!.toFixed(2)})`);
        queries[q.name] = await measureQuery(q, Number(values.runs), exact, {
          flowlens,
          clickhouse:
            ch === undefined ? undefined : async () => clickhouseAnswer(q, await ch!.run(q.clickhouse)),
          clickhouseCpu: ch === undefined ? undefined : procCpu(ch.server.pid),
          duckdb: duck === undefined ? undefined : async () => duckdbAnswer(q, await duck!.query(q.duckdb)),
        });
        log(`  ${JSON.stringify(summaryLine(queries[q.name]!))}`);
      }
    } finally {
      await flowlens.stop();
    }
    const result = {
      machine,
      load_average_end: round(loadavg()[0]!, 2),
      seconds: round((performance.now() - started) / 1000, 1),
      work_dir: workDir,
      reused_data: reuse,
      data: {
        ...probe.config,
        first_minute: new Date(from).toISOString(),
        range_end: new Date(to).toISOString(),
      },
      settings: { flowlens_workers: Number(values.workers), clickhouse_max_threads: 2, duckdb_threads: 2 },
      load: loaded,
      queries,
      ...goals(queries),
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    duck?.close();
    await ch?.server.stop();
    if (!values.keep) clean();
  }
}

/** The exact distinct count of src_addr (untimed), to report the approximations' errors. */
async function exactDistinct(ch: ClickHouseSide | undefined, duck: DuckDb | undefined) {
  if (duck !== undefined)
    return Number((await duck.query('SELECT count(DISTINCT src_addr) FROM flows'))[0]![0]);
  if (ch !== undefined) return Number((await ch.run('SELECT uniqExact(src_addr) FROM flows'))[0]![0]);
  return undefined;
}

function summaryLine(f: QueryFigures) {
  return {
    flowlens_ms: f.flowlens.median_ms,
    flowlens_cpu_ms: f.flowlens.median_cpu_ms,
    memo_ms: f.flowlens.memo_repeat.median_ms,
    clickhouse_ms: f.clickhouse?.median_ms,
    duckdb_ms: f.duckdb?.median_ms,
    speedup: f.speedup,
    cpu_speedup: f.cpu_speedup,
    agree: f.answers.agree,
  };
}

// On Ctrl-C or kill, exit through process.exit so the 'exit' hook stops a running ClickHouse.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

main().catch((err: Error) => {
  process.stderr.write(`bench:query failed: ${err.stack ?? err.message}\n`);
  process.exit(1);
});
