import { ColumnBatch } from '../../flow/batch.js';
import { type ColumnDef, flowColumns } from '../../flow/schema.js';
import type { SegmentPartInput } from './types.js';

/**
 * The rows of testdata/v2-small.seg, a segment written by the format version 2 writer (commit
 * c12b839, before version 3 changed the block checksum), and of testdata/v3-small.seg, written
 * by the version 3 writer (commit f602b50, before version 4), so that tests can check that
 * current readers still read both. The file was made once with that commit's `encodeSegment`
 * and the default options from `fixtureSchema`, `fixtureHeader` and `fixtureParts()` below; a
 * test recomputes every expected value from `fixtureRow`. Row order in the file is the writer's
 * (sorted by dst_addr, which is unique per part: 192.168.0.0 + 3 * row).
 */
export const FIXTURE_BUCKET = Date.UTC(2026, 0, 5, 0, 0);

const names = [
  'i_start_time',
  'i_device_name',
  'flow_start_time',
  'flow_end_time',
  'src_addr',
  'dst_addr',
  'l4_src_port',
  'l4_dst_port',
  'protocol',
  'in_bytes',
  'src_as',
  'ipv4_next_hop',
];
export const fixtureSchema: readonly ColumnDef[] = names.map(
  (name) => flowColumns.find((c) => c.name === name)!,
);

export const fixtureHeader = {
  tenant: 'fixture',
  table: 'flows',
  resolution: 'minute',
  walLsn: 7,
  createdAt: FIXTURE_BUCKET + 150_000,
} as const;

/** Rows per part, device ids 1 and 2. */
export const fixturePartRows = [700, 257] as const;

export interface FixtureRow {
  device: string;
  end: number;
  start: number;
  /** 16 bytes. */
  src: number[];
  dst: number[];
  srcPort: number;
  dstPort: number;
  protocol: number;
  inBytes: number;
  srcAs: number;
  nextHop: number[];
}

function v4(a: number, b: number, c: number, d: number): number[] {
  return [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, a, b, c, d];
}

/** Row `i` of part `p` (0 or 1). */
export function fixtureRow(p: number, i: number): FixtureRow {
  const end = FIXTURE_BUCKET + ((i * 7919 + p * 101) % 60_000);
  const dst = 3 * i;
  return {
    device: ['', 'edge-a', 'edge-b'][(i + p) % 3]!,
    end,
    start: end - (i % 5 === 0 ? (i * 13) % 30_000 : 0),
    src:
      i % 7 === 0
        ? [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, i % 11]
        : i % 13 === 0
          ? new Array<number>(16).fill(0)
          : v4(10, p, i % 40, i % 17),
    dst: v4(192, 168, dst >> 8, dst & 0xff),
    srcPort: 32768 + ((i * 7) % 28_000),
    dstPort: [443, 80, 53][i % 3]!,
    protocol: i % 4 === 0 ? 17 : 6,
    inBytes: [40, 1500, 576, 1e12][i % 4]! * (1 + (i % 3)),
    srcAs: 64512 + (i % 5),
    nextHop: v4(10, 255, 0, 1),
  };
}

/** Both parts' rows in one batch, interleaved (as in an open minute): part 0 rows first in each pair. */
export function fixtureParts(): SegmentPartInput[] {
  const total = fixturePartRows[0] + fixturePartRows[1];
  const batch = new ColumnBatch<string>(fixtureSchema, total);
  const rows = [new Uint32Array(fixturePartRows[0]), new Uint32Array(fixturePartRows[1])];
  const next = [0, 0];
  const col = (name: string) => batch.arrays[batch.index[name]!]!;
  for (let r = 0; r < total; r++) {
    const p = next[1]! < fixturePartRows[1] && (r % 3 === 2 || next[0] === fixturePartRows[0]) ? 1 : 0;
    const i = next[p]!++;
    rows[p]![i] = r;
    const row = fixtureRow(p, i);
    col('i_start_time')[r] = FIXTURE_BUCKET;
    col('i_device_name')[r] = batch.dicts[batch.index.i_device_name!]!.code(row.device);
    col('flow_end_time')[r] = row.end;
    col('flow_start_time')[r] = row.start;
    (col('src_addr') as Uint8Array).set(row.src, r * 16);
    (col('dst_addr') as Uint8Array).set(row.dst, r * 16);
    (col('ipv4_next_hop') as Uint8Array).set(row.nextHop, r * 16);
    col('l4_src_port')[r] = row.srcPort;
    col('l4_dst_port')[r] = row.dstPort;
    col('protocol')[r] = row.protocol;
    col('in_bytes')[r] = row.inBytes;
    col('src_as')[r] = row.srcAs;
  }
  batch.length = total;
  return [0, 1].map((p) => ({ bucket: FIXTURE_BUCKET, deviceId: p + 1, batch, rows: rows[p]! }));
}
