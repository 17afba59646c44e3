import { ReadBuffers } from '../src/store/encoding/column-alloc.js';
import { openSegment } from '../src/store/segment/index.js';
import { type EmbeddedStore, readSealedJob } from '../src/store/store.js';
import { standardColumnNames, standardColumns } from './store-columns.js';
import { listFiles } from './store-density.js';
import { round, TENANT } from './store-ingest.js';

/**
 * The scan phase, single-threaded on the main thread: every (minute, device) job's standard
 * columns decoded into typed arrays. Three ways, one after the other:
 * - `facade`: `store.jobs()` then `store.read(job, columns)` per job, as the query engine does
 *   (fresh arrays per job, which the caller owns);
 * - `read_buffers`: the same jobs through `readSealedJob(job, columns, buffers)` with one
 *   ReadBuffers for all of them, as a query worker that is done with a job's columns before it
 *   reads the next can do: no fresh memory per job;
 * - `read_buffers_address_dicts`: the same, with the address columns asked for in dictionary
 *   form (`ReadOptions.addressDicts`: per row an index into the part's distinct addresses
 *   instead of 16 bytes), as a query that hashes or groups addresses asks;
 * - `read_buffers_keyed`: the same, and the AS numbers and prefix lengths in keyed form
 *   (`ReadOptions.keyed`: a table per dictionary index of their address and the address's
 *   indexes, no per-row lookup), as a query that groups by src_as asks;
 * - `segment_reader`: each segment opened once and every part decoded with `readPart` — the
 *   decoding alone.
 * The segment files were just written, so they are in the page cache: this is decode speed, not
 * disk speed. Values are rows × columns (an address counts as one value, as a row or as an index
 * into its dictionary; a keyed column one value per row, as its key's index). Besides wall-clock
 * figures, each scan reports values per CPU second of this process (process.cpuUsage): on a
 * shared machine that is the per-core figure.
 */
export interface ScanResult {
  jobs: number;
  rows: number;
  columns: number;
  values: number;
  seconds: number;
  values_per_sec: number;
  rows_per_sec: number;
  /** Process CPU time during the scan (user + system). */
  cpu_seconds: number;
  values_per_cpu_sec: number;
  /** Sum of in_bytes over every row read: must equal the ingested sum. */
  in_bytes_sum?: number;
}

function result(jobs: number, rows: number, ms: number, cpu: NodeJS.CpuUsage, inBytes?: number): ScanResult {
  const values = rows * standardColumnNames.length;
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return {
    jobs,
    rows,
    columns: standardColumnNames.length,
    values,
    seconds: round(ms / 1000),
    values_per_sec: Math.round((values / ms) * 1000),
    rows_per_sec: Math.round((rows / ms) * 1000),
    cpu_seconds: round(cpuSeconds),
    values_per_cpu_sec: Math.round(values / cpuSeconds),
    ...(inBytes === undefined ? {} : { in_bytes_sum: inBytes }),
  };
}

export async function scanFacade(store: EmbeddedStore, from: number, to: number): Promise<ScanResult> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const jobs = await store.jobs({ tenant: TENANT, from, to });
  let rows = 0;
  let inBytes = 0;
  for (const job of jobs) {
    const cols = await store.read(job, standardColumnNames);
    rows += cols.rows;
    const b = cols.columns.in_bytes!;
    for (let i = 0; i < cols.rows; i++) inBytes += b[i]!;
  }
  return result(jobs.length, rows, performance.now() - started, process.cpuUsage(cpu), inBytes);
}

/** Address columns of the standard set, asked for in dictionary form by `addressDicts` scans. */
const addressColumns = standardColumns.filter((c) => c.ch === 'FixedString(16)').map((c) => c.name);

/** Columns of the standard set stored as a function of an address, asked for in keyed form. */
export const keyedColumns = ['src_as', 'dst_as', 'src_route_length', 'dst_route_length'];

/**
 * How a `scanReadBuffers` scan asks for the columns: addresses as rows, as dictionaries, or as
 * dictionaries with the keyed columns as tables (`ReadOptions.keyed`).
 */
export type ScanForm = 'rows' | 'dicts' | 'keyed';

export async function scanReadBuffers(
  store: EmbeddedStore,
  from: number,
  to: number,
  form: ScanForm = 'rows',
): Promise<ScanResult> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const jobs = await store.jobs({ tenant: TENANT, from, to });
  const buffers = new ReadBuffers();
  const options =
    form === 'rows'
      ? undefined
      : { addressDicts: addressColumns, ...(form === 'keyed' ? { keyed: keyedColumns } : {}) };
  let rows = 0;
  let inBytes = 0;
  for (const job of jobs) {
    const cols = job.sealed
      ? readSealedJob(job, standardColumnNames, buffers, options)
      : await store.read(job, standardColumnNames, options);
    rows += cols.rows;
    const b = cols.columns.in_bytes!;
    for (let i = 0; i < cols.rows; i++) inBytes += b[i]!;
  }
  return result(jobs.length, rows, performance.now() - started, process.cpuUsage(cpu), inBytes);
}

export function scanSegments(dataDir: string): ScanResult {
  const files = listFiles(dataDir).filter((p) => p.endsWith('.seg'));
  const started = performance.now();
  const cpu = process.cpuUsage();
  let rows = 0;
  let jobs = 0;
  for (const path of files) {
    const reader = openSegment(path);
    try {
      if (reader.meta.header.table !== 'flows') continue;
      for (let p = 0; p < reader.meta.parts.length; p++) {
        rows += reader.readPart(p, standardColumnNames).rows;
        jobs++;
      }
    } finally {
      reader.close();
    }
  }
  return result(jobs, rows, performance.now() - started, process.cpuUsage(cpu));
}
