import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createQueryEngine } from '../src/query/engine.js';
import { readOptionsOf } from '../src/query/exec/address-dicts.js';
import { InProcessExecutor } from '../src/query/exec/inprocess-executor.js';
import type { JobExecutor, JobSpec } from '../src/query/exec/job-contract.js';
import { jobGroupKernel, runJobKernel } from '../src/query/exec/kernel-entry.js';
import type { JobColumns, ScanJob } from '../src/store/backend.js';
import { ReadBuffers } from '../src/store/encoding/column-alloc.js';
import { readSealedJob } from '../src/store/read/read-sealed.js';
import { openStore, queryRange, settledTime } from './query-flowlens.js';
import { benchQueries } from './query-queries.js';
import { median } from './query-timing.js';
import { DataSet, defaultDataSetConfig } from './store-data.js';
import { round, TENANT } from './store-ingest.js';

/**
 * Where one `bench:query` query's worker time goes, on one thread: its jobs (as the engine plans
 * them over a `--keep` data set) read as a worker reads them, the kernel alone over jobs read
 * beforehand, and both in turn as a task runs them (a partial per job, or ten jobs into one
 * state). CPU ns per row, minimum and median of `--rounds`. The data directory is opened like
 * `bench:query --reuse` does: never run it beside a benchmark on the same directory.
 * Usage: node dist/bench/query-split.js --dir DIR [--query seed_query_5pct_window] [--rounds 9]
 */
const { values } = parseArgs({
  options: {
    dir: { type: 'string' },
    query: { type: 'string', default: 'seed_query_5pct_window' },
    rounds: { type: 'string', default: '9' },
    flows: { type: 'string', default: String(defaultDataSetConfig.flows) },
    seed: { type: 'string', default: String(defaultDataSetConfig.seed) },
  },
});
if (values.dir === undefined) throw new Error('--dir: the directory of a bench:query --keep run');

const probe = new DataSet({ flows: Number(values.flows), seed: Number(values.seed) });
const { from, to, lastFlow } = queryRange(probe);
const query = benchQueries(from, to).find((q) => q.name === values.query);
if (query === undefined) throw new Error(`no query ${values.query}`);
const now = settledTime(lastFlow);

const store = openStore(join(values.dir, 'flowlens'), { now }, () => {});
await store.start();
try {
  // The spec and jobs of the query as planned, captured on their way to the executor.
  let captured: { spec: JobSpec; jobs: readonly ScanJob[] } | undefined;
  const inner = new InProcessExecutor(store);
  const executor: JobExecutor = {
    execute(spec, jobs, options) {
      captured = { spec, jobs };
      return inner.execute(spec, jobs, options);
    },
  };
  const engine = createQueryEngine({ backend: store, executor, now: () => now });
  await engine.run({ user: 'bench', tenant: TENANT, settings: new Map() }, query.flowlens);
  if (captured === undefined) throw new Error('the query ran no jobs');
  const { spec, jobs } = captured;
  const options = readOptionsOf(spec);
  const buffers = new ReadBuffers();
  const read = (job: ScanJob) => readSealedJob(job, spec.columns, buffers, options);
  // The kernel alone: the first 30 jobs read once into memory of their own.
  const held = jobs.slice(0, 30).map((job) => readSealedJob(job, spec.columns, undefined, options));
  const rowsOf = (list: readonly JobColumns[]) => list.reduce((n, c) => n + c.rows, 0);
  const perJob = (list: Iterable<JobColumns>) => {
    let rows = 0;
    for (const c of list) {
      runJobKernel(spec, c);
      rows += c.rows;
    }
    return rows;
  };
  const perUnit = (list: readonly (() => JobColumns)[]) => {
    let rows = 0;
    for (let u = 0; u < list.length; u += 10) {
      const unit = list.slice(u, u + 10);
      jobGroupKernel.run(
        spec,
        (function* () {
          for (const get of unit) {
            const c = get();
            rows += c.rows;
            yield c;
          }
        })(),
      );
    }
    return rows;
  };
  const readers = jobs.map((job) => () => read(job));
  const ways: Record<string, () => number> = {
    read: () => rowsOf(jobs.map(read)),
    kernel_per_job: () => perJob(held),
    kernel_per_10_jobs: () => perUnit(held.map((c) => () => c)),
    // Lazily: each job's columns are valid until the next read.
    read_and_kernel_per_job: () =>
      perJob(
        (function* () {
          for (const get of readers) yield get();
        })(),
      ),
    read_and_kernel_per_10_jobs: () => perUnit(readers),
  };
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(ways).map((name) => [name, []]));
  const load0 = loadavg()[0]!;
  // Every way once per round, so that a change in the machine's load reaches them alike.
  for (let r = 0; r <= Number(values.rounds); r++) {
    for (const [name, run] of Object.entries(ways)) {
      const c = cpu();
      const rows = run();
      if (r > 0) times[name]!.push(((cpu() - c) * 1e6) / rows);
    }
  }
  const ns = Object.fromEntries(
    Object.entries(times).map(([name, xs]) => [
      name,
      { min: round(Math.min(...xs), 1), median: round(median(xs), 1) },
    ]),
  );
  const rows = jobs.reduce((n, job) => n + job.rows, 0);
  console.log(
    JSON.stringify(
      {
        query: query.name,
        jobs: jobs.length,
        rows,
        read_options: options,
        cpu_ns_per_row: ns,
        load_average: [round(load0, 2), round(loadavg()[0]!, 2)],
      },
      null,
      2,
    ),
  );
} finally {
  await store.stop();
}
