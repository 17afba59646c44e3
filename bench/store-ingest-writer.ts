import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { FlowBatch } from '../src/flow/batch.js';
import { flowColumns } from '../src/flow/schema.js';
import type { SegmentHeader, SegmentMeta, SegmentPartInput } from '../src/store/segment/types.js';
import { encodeSegment, type SegmentWriteOptions } from '../src/store/segment/writer.js';
import { standardColumnNames } from './store-columns.js';
import { minuteParts } from './store-ingest-minutes.js';

/**
 * The segment writer alone, as a seal worker runs it: each minute of the data set (600 k flows at
 * the default rate) as one batch in arrival order, split per device, encoded with `encodeSegment`
 * into a sink that only counts bytes. Reports CPU per flow (process CPU: the writer plus V8's GC
 * threads) and the standard columns' bytes per flow. `--ab DIR` loads a second writer from another
 * build (DIR/src/store/segment/writer.js) and alternates the two round by round, in one process:
 * on this shared machine only in-process ratios show a 10 % change.
 *
 *   node dist/bench/store-ingest-writer.js [--flows 1200000] [--rounds 6] [--ab /tmp/base/dist] [--stages]
 */
const { values } = parseArgs({
  options: {
    flows: { type: 'string', default: '1200000' },
    rate: { type: 'string', default: '10000' },
    rounds: { type: 'string', default: '6' },
    ab: { type: 'string' },
    /** SegmentWriteOptions as JSON, for both writers (e.g. '{"level":1}'). */
    options: { type: 'string', default: '{}' },
    /** Print bytes per flow per standard column. */
    columns: { type: 'boolean', default: false },
    /**
     * Print each writer stage's CPU ns per flow and share (StageClock): plan, keyed tables, each
     * column, part blocks, file. Shares repeat from run to run where totals do not.
     */
    stages: { type: 'boolean', default: false },
  },
});

type Encode = typeof encodeSegment;
const writeOptions = JSON.parse(values.options) as SegmentWriteOptions;

/** Bytes of the standard columns (and the part-level blocks), added into `perColumn`; returns their sum. */
function standardBytes(meta: SegmentMeta, perColumn: Map<string, number>): number {
  const names = new Set<string>(standardColumnNames);
  const add = (name: string, bytes: number) => perColumn.set(name, (perColumn.get(name) ?? 0) + bytes);
  let bytes = 0;
  for (const part of meta.parts) {
    bytes += part.partBlocks.repeats + part.partBlocks.addresses;
    add('(repeat map)', part.partBlocks.repeats);
    add('(shared address dictionary)', part.partBlocks.addresses);
    for (const col of part.columns) {
      if (!names.has(col.name)) continue;
      bytes += col.bytes;
      add(col.name, col.bytes);
    }
  }
  return bytes;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const r3 = (x: number) => Math.round(x * 1000) / 1000;

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function run(
  encode: Encode,
  minutes: { batch: FlowBatch; parts: SegmentPartInput[] }[],
  stages: Map<string, number> | undefined,
) {
  const header: SegmentHeader = {
    tenant: 't',
    table: 'flows',
    resolution: 'minute',
    walLsn: 1,
    createdAt: 0,
  };
  let flows = 0;
  let column = 0;
  let file = 0;
  const perColumn = new Map<string, number>();
  const c0 = cpuMs();
  for (const { batch, parts } of minutes) {
    const meta = encode(
      header,
      flowColumns,
      parts,
      (b) => {
        file += b.length;
      },
      writeOptions,
      stages,
    );
    flows += batch.length;
    column += standardBytes(meta, perColumn);
  }
  const us = ((cpuMs() - c0) * 1000) / flows;
  const columns = Object.fromEntries([...perColumn].map(([name, bytes]) => [name, r3(bytes / flows)]));
  return { us, bytes: column / flows, fileBytes: file / flows, columns };
}

async function main() {
  const minutes = minuteParts(Number(values.flows), Number(values.rate));
  const batches = minutes.map((m) => m.batch);
  const writers: [string, Encode][] = [['this', encodeSegment]];
  if (values.ab !== undefined) {
    const url = pathToFileURL(resolve(values.ab, 'src/store/segment/writer.js')).href;
    writers.push(['ab', ((await import(url)) as { encodeSegment: Encode }).encodeSegment]);
  }
  const load0 = loadavg()[0]!;
  const results = writers.map(() => [] as ReturnType<typeof run>[]);
  // Per writer, the stages' CPU µs summed over the rounds after the first (a writer of a build
  // before StageClock ignores the argument and leaves its map empty).
  const stages = writers.map(() => new Map<string, number>());
  for (let round = 0; round < Number(values.rounds); round++) {
    const order = round % 2 === 0 ? writers.keys() : [...writers.keys()].reverse();
    for (const w of order) {
      const measured = values.stages === true && round > 0 ? stages[w] : undefined;
      results[w]!.push(run(writers[w]![1], minutes, measured));
    }
  }
  const flowsMeasured = batches.reduce((a, b) => a + b.length, 0) * (Number(values.rounds) - 1);
  const stageTable = (times: Map<string, number>) => {
    const total = [...times.values()].reduce((a, b) => a + b, 0);
    return Object.fromEntries(
      [...times]
        .sort((a, b) => b[1] - a[1])
        .map(([name, us]) => [name, { ns_per_flow: r3((us * 1000) / flowsMeasured), share: r3(us / total) }]),
    );
  };
  const summary = Object.fromEntries(
    writers.map(([name], w) => {
      const rs = results[w]!.slice(1); // the first round compiles
      return [
        name,
        {
          us_per_flow_median: r3(median(rs.map((r) => r.us))),
          us_per_flow: rs.map((r) => r3(r.us)),
          bytes_per_flow: r3(rs[0]!.bytes),
          file_bytes_per_flow: r3(rs[0]!.fileBytes),
          ...(values.columns === true ? { per_column: rs[0]!.columns } : {}),
          ...(stages[w]!.size > 0 ? { stages: stageTable(stages[w]!) } : {}),
        },
      ];
    }),
  );
  const ratios =
    writers.length === 2 ? results[0]!.slice(1).map((r, i) => r3(r.us / results[1]![i + 1]!.us)) : undefined;
  process.stdout.write(
    `${JSON.stringify(
      {
        flows: batches.reduce((a, b) => a + b.length, 0),
        minutes: batches.length,
        load_average_1m: [r3(load0), r3(loadavg()[0]!)],
        ...summary,
        ...(ratios === undefined ? {} : { this_over_ab: ratios, this_over_ab_median: median(ratios) }),
      },
      null,
      2,
    )}\n`,
  );
}

main().catch((err: Error) => {
  process.stderr.write(`${err.stack ?? err.message}\n`);
  process.exit(1);
});
