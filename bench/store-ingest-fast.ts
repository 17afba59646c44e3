import { mkdirSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { allocateColumn, type NumberArray } from '../src/flow/batch.js';
import { flowColumns } from '../src/flow/schema.js';
import { ReadBuffers } from '../src/store/encoding/column-alloc.js';
import { BlockCompressor } from '../src/store/encoding/compress.js';
import { openSegment, writeSegmentSync } from '../src/store/segment/index.js';
import { packAddr, packNarrow } from '../src/store/wal/column-pack.js';
import { zeroColumn } from '../src/store/write/open-columns.js';
import { standardColumnNames } from './store-columns.js';
import { minuteParts } from './store-ingest-minutes.js';

/**
 * What a "fast seal" would cost, measured before building one: sealing a minute as the WAL packs
 * its columns (base + 1/2/4-byte offsets, IPv4 addresses in 4 bytes; src/store/wal/column-pack.ts)
 * plus zstd at a low level, per device part, instead of the dense segment writer; and what the
 * hourly compaction that would re-encode it densely adds beyond the dense writer itself (decoding
 * the segment back: compaction already decodes and re-encodes every minute today). CPU time of
 * the process per flow, bytes per flow of the standard columns.
 *
 *   node dist/bench/store-ingest-fast.js [--flows 1200000] [--rounds 5] [--levels 1,3]
 */
const { values } = parseArgs({
  options: {
    flows: { type: 'string', default: '1200000' },
    rate: { type: 'string', default: '10000' },
    rounds: { type: 'string', default: '5' },
    levels: { type: 'string', default: '1,3' },
  },
});

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const r3 = (x: number) => Math.round(x * 1000) / 1000;
const standard = new Set<string>(standardColumnNames);

/** The part's rows of a column, copied into `out` (one loop per array type). */
function gather(array: NumberArray, rows: Uint32Array, out: NumberArray, width: number): void {
  if (width === 16) {
    const from = new Uint32Array(array.buffer, array.byteOffset, array.length >> 2);
    const to = new Uint32Array(out.buffer, out.byteOffset, rows.length * 4);
    for (let i = 0; i < rows.length; i++) {
      const o = rows[i]! * 4;
      to[i * 4] = from[o]!;
      to[i * 4 + 1] = from[o + 1]!;
      to[i * 4 + 2] = from[o + 2]!;
      to[i * 4 + 3] = from[o + 3]!;
    }
  } else if (array instanceof Float64Array) {
    const to = out as Float64Array;
    for (let i = 0; i < rows.length; i++) to[i] = array[rows[i]!]!;
  } else if (array instanceof Uint32Array) {
    const to = out as Uint32Array;
    for (let i = 0; i < rows.length; i++) to[i] = array[rows[i]!]!;
  } else if (array instanceof Uint16Array) {
    const to = out as Uint16Array;
    for (let i = 0; i < rows.length; i++) to[i] = array[rows[i]!]!;
  } else {
    const to = out as Uint8Array;
    for (let i = 0; i < rows.length; i++) to[i] = array[rows[i]!]!;
  }
}

type Minutes = ReturnType<typeof minuteParts>;

/** The fast seal: per part and non-zero column, gather, WAL-pack, zstd. */
function fastSeal(minutes: Minutes, level: number): { us: number; bytes: number } {
  const compressor = new BlockCompressor(level);
  let most = 0;
  for (const { parts } of minutes) for (const part of parts) most = Math.max(most, part.rows.length);
  const scratch = flowColumns.map((col) => allocateColumn(col.type, most));
  let flows = 0;
  let bytes = 0;
  const c0 = cpuMs();
  for (const { batch, parts } of minutes) {
    flows += batch.length;
    // Columns no row wrote are the shared zero arrays (as in the seal worker): a constant block.
    const zero = flowColumns.map((col, c) => batch.arrays[c] === zeroColumn(col.type, batch.length));
    for (const part of parts) {
      const n = part.rows.length;
      for (let c = 0; c < flowColumns.length; c++) {
        if (zero[c]) continue;
        const col = flowColumns[c]!;
        const width = col.type === 'addr' ? 16 : 1;
        const out = scratch[c]!;
        gather(batch.arrays[c]!, part.rows, out, width);
        const view = out.subarray(0, n * width) as NumberArray;
        const packed = col.type === 'addr' ? packAddr(view as Uint8Array, n) : packNarrow(view, n);
        const raw = packed ?? new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
        const stored = compressor.compress(raw).stored.length;
        if (standard.has(col.name)) bytes += stored;
      }
    }
  }
  return { us: ((cpuMs() - c0) * 1000) / flows, bytes: bytes / flows };
}

/** Decoding a dense segment's every column, as compaction reads its inputs. */
function denseDecode(minutes: Minutes, dir: string): number {
  const header = {
    tenant: 't',
    table: 'flows' as const,
    resolution: 'minute' as const,
    walLsn: 1,
    createdAt: 0,
  };
  const paths = minutes.map(({ parts }, m) => {
    const path = join(dir, `${m}.seg`);
    writeSegmentSync(path, header, flowColumns, parts);
    return path;
  });
  const names = flowColumns.map((c) => c.name);
  const buffers = new ReadBuffers();
  let flows = 0;
  const c0 = cpuMs();
  for (const path of paths) {
    const reader = openSegment(path);
    try {
      for (let p = 0; p < reader.meta.parts.length; p++) {
        reader.readPart(p, names, buffers.allocate);
        flows += reader.meta.parts[p]!.rows;
      }
    } finally {
      reader.close();
    }
  }
  return ((cpuMs() - c0) * 1000) / flows;
}

function main() {
  const minutes = minuteParts(Number(values.flows), Number(values.rate));
  const levels = values.levels.split(',').map(Number);
  const dir = join(tmpdir(), `flowlens-fast-seal-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const load0 = loadavg()[0]!;
  const fast = new Map<number, { us: number[]; bytes: number }>();
  const decode: number[] = [];
  try {
    for (let round = 0; round < Number(values.rounds); round++) {
      for (const level of levels) {
        const r = fastSeal(minutes, level);
        const entry = fast.get(level) ?? { us: [], bytes: r.bytes };
        if (round > 0) entry.us.push(r.us);
        fast.set(level, entry);
      }
      const d = denseDecode(minutes, dir);
      if (round > 0) decode.push(d);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const result = {
    flows: minutes.reduce((a, m) => a + m.batch.length, 0),
    load_average_1m: [r3(load0), r3(loadavg()[0]!)],
    fast_seal: Object.fromEntries(
      [...fast].map(([level, e]) => [
        `zstd_${level}`,
        { us_per_flow_median: r3(median(e.us)), us_per_flow: e.us.map(r3), bytes_per_flow: r3(e.bytes) },
      ]),
    ),
    dense_decode_all_columns_us_per_flow: { median: r3(median(decode)), runs: decode.map(r3) },
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

main();
