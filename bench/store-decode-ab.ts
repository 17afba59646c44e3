import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { ReadBuffers } from '../src/store/encoding/column-alloc.js';
import type { FileSegmentReader } from '../src/store/segment/index.js';
import { standardColumnNames } from './store-columns.js';
import { listFiles } from './store-density.js';
import { round } from './store-ingest.js';

/**
 * An A/B of the segment reader on a shared, noisy machine. Two builds of the project (their dist
 * folders) are loaded into one process and decode the same segments in alternating passes (every
 * part of every flows segment, into one ReadBuffers per build). Each pass is timed in CPU time,
 * and the result is the median of the per-pass ratios b/a. Load swings between separate
 * processes hide a 10–20 % change (the same build ranged over 95–185 M values per CPU second
 * from one process to the next); neighbouring passes in one process see nearly the same load.
 *
 *   node dist/bench/store-decode-ab.js --a dist-before --b dist --data DIR [--passes 15] [--columns c1,c2]
 *     [--a-dicts] [--b-dicts] [--a-keyed] [--b-keyed] [--a-distinct] [--b-distinct]
 *
 * `--a-dicts` / `--b-dicts`: that side asks for the address columns in dictionary form
 * (`ReadOptions.addressDicts`); `--a dist --b dist --b-dicts` compares the two forms in one build.
 * A dictionary-form address counts as one value per row, like an address row. `--a-keyed` /
 * `--b-keyed`: that side asks for the address dictionaries and the AS numbers and prefix lengths
 * in keyed form too (`ReadOptions.keyed`; one value per row each, as the key's index).
 * `--a-distinct` / `--b-distinct`: that side asks for the address columns as their distinct
 * values (`ReadOptions.distinct`, what approx_count_distinct reads; one value per row too), e.g.
 * `--columns src_addr --a-distinct --b-distinct`.
 *
 * DIR holds segments, e.g. from `node dist/bench/store.js --flows 1200000 --no-clickhouse --dir DIR
 * --keep`. Prints one JSON object.
 */
const { values } = parseArgs({
  options: {
    a: { type: 'string' },
    b: { type: 'string' },
    data: { type: 'string' },
    passes: { type: 'string', default: '15' },
    warmup: { type: 'string', default: '3' },
    columns: { type: 'string' },
    'a-dicts': { type: 'boolean', default: false },
    'b-dicts': { type: 'boolean', default: false },
    'a-keyed': { type: 'boolean', default: false },
    'b-keyed': { type: 'boolean', default: false },
    'a-distinct': { type: 'boolean', default: false },
    'b-distinct': { type: 'boolean', default: false },
  },
});

type SegmentModule = typeof import('../src/store/segment/index.js');
type AllocModule = typeof import('../src/store/encoding/column-alloc.js');

interface Side {
  readonly dist: string;
  pass(): number;
}

async function side(
  dist: string,
  files: readonly string[],
  columns: readonly string[],
  form: Form,
): Promise<Side> {
  const root = resolve(dist);
  const segment = (await import(`${root}/src/store/segment/index.js`)) as SegmentModule;
  const alloc = (await import(`${root}/src/store/encoding/column-alloc.js`)) as AllocModule;
  const readers: FileSegmentReader[] = files
    .map((path) => segment.openSegment(path))
    .filter((reader) => reader.meta.header.table === 'flows');
  const buffers: ReadBuffers = new alloc.ReadBuffers();
  const addresses = ['src_addr', 'dst_addr', 'ipv4_next_hop', 'src_addr_nat', 'dst_addr_nat'];
  const keyed = ['src_as', 'dst_as', 'src_route_length', 'dst_route_length'];
  // A reader built before ReadOptions ignores the fourth argument (and one before keyed, `keyed`).
  const asked = columns.filter((c) => addresses.includes(c));
  const options =
    form === 'rows'
      ? undefined
      : form === 'distinct'
        ? { distinct: asked }
        : { addressDicts: asked, ...(form === 'keyed' ? { keyed } : {}) };
  return {
    dist: form === 'rows' ? dist : `${dist} (${formNames[form]})`,
    pass() {
      let rows = 0;
      for (const reader of readers) {
        for (let p = 0; p < reader.meta.parts.length; p++)
          rows += reader.readPart(p, columns, buffers.allocate, options).rows;
      }
      return rows;
    },
  };
}

type Form = 'rows' | 'dicts' | 'keyed' | 'distinct';
const formNames = { dicts: 'address dictionaries', keyed: 'keyed columns', distinct: 'distinct values' };

function formOf(side: 'a' | 'b'): Form {
  if (values[`${side}-distinct`]) return 'distinct';
  return values[`${side}-keyed`] ? 'keyed' : values[`${side}-dicts`] ? 'dicts' : 'rows';
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Values (rows × columns) per CPU second of this process for one pass. */
function timed(s: Side, columns: number): number {
  const cpu = process.cpuUsage();
  const rows = s.pass();
  const used = process.cpuUsage(cpu);
  return (rows * columns) / ((used.user + used.system) / 1e6);
}

async function main() {
  if (values.a === undefined || values.b === undefined || values.data === undefined) {
    throw new Error('usage: --a DIST --b DIST --data DIR [--passes N] [--columns c1,c2]');
  }
  const columns = values.columns?.split(',') ?? standardColumnNames;
  const files = listFiles(values.data).filter((path) => path.endsWith('.seg'));
  if (files.length === 0) throw new Error(`no segments under ${values.data}`);
  const sides = [
    await side(values.a, files, columns, formOf('a')),
    await side(values.b, files, columns, formOf('b')),
  ] as const;
  for (let i = 0; i < Number(values.warmup); i++) for (const s of sides) s.pass();
  const load0 = loadavg()[0]!;
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < Number(values.passes); i++) {
    a.push(timed(sides[0], columns.length));
    b.push(timed(sides[1], columns.length));
  }
  const ratios = b.map((v, i) => v / a[i]!);
  const result = {
    segments: files.length,
    columns: columns.length,
    passes: a.length,
    load_average_1m: [round(load0, 2), round(loadavg()[0]!, 2)],
    a: { dist: sides[0].dist, median_values_per_cpu_sec: Math.round(median(a)) },
    b: { dist: sides[1].dist, median_values_per_cpu_sec: Math.round(median(b)) },
    ratio_b_to_a: {
      median: round(median(ratios), 3),
      min: round(Math.min(...ratios), 3),
      max: round(Math.max(...ratios), 3),
    },
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

main().catch((err: Error) => {
  process.stderr.write(`${err.stack ?? err.message}\n`);
  process.exit(1);
});
