import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeIPv4 } from '../../flow/addr.js';
import { ColumnBatch } from '../../flow/batch.js';
import type { ColumnDef } from '../../flow/schema.js';
import type { JobColumns } from '../backend.js';
import { conversationBatch, conversationParts, conversationSchema } from './conversation-support.js';
import { openSegment, writeSegmentSync } from './index.js';
import {
  CorruptSegmentError,
  type SegmentHeader,
  type SegmentPartInput,
  type SegmentReader,
} from './types.js';

/** A small schema with one column of every type, for segment tests. */
export const testSchema: readonly ColumnDef[] = [
  { name: 'i_start_time', type: 'time', source: 'collector', description: '' },
  { name: 'i_device_id', type: 'u32', source: 'collector', description: '' },
  { name: 'protocol', type: 'u8', source: 'router', description: '' },
  { name: 'l4_dst_port', type: 'u16', source: 'router', description: '' },
  { name: 'in_bytes', type: 'u64', source: 'router', description: '' },
  { name: 'flow_end_time', type: 'time', source: 'router', description: '' },
  { name: 'flow_start_time', type: 'time', source: 'router', description: '' },
  { name: 'src_addr', type: 'addr', source: 'router', description: '' },
  { name: 'src_eth_mac', type: 'mac', source: 'router', description: '' },
  { name: 'http_host', type: 'string', source: 'host', description: '' },
];

export const testHeader: SegmentHeader = {
  tenant: 'acme',
  table: 'flows',
  resolution: 'minute',
  walLsn: 42,
  createdAt: Date.UTC(2026, 0, 1),
};

const made: string[] = [];
process.on('exit', () => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A fresh temporary folder, removed when the test process exits. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'flowlens-segment-'));
  made.push(dir);
  return dir;
}

/** `rows` deterministic rows of `testSchema`, devices alternating 1 and 2. */
export function testBatch(rows: number): ColumnBatch<string> {
  const b = new ColumnBatch<string>(testSchema, rows);
  b.reserve(rows);
  const minute = Date.UTC(2026, 0, 1, 12, 0);
  const hosts = ['', 'example.com', 'ünïcødé.test', '日本.jp'];
  for (let r = 0; r < rows; r++) {
    b.arrays[b.index.i_start_time]![r] = minute;
    b.arrays[b.index.i_device_id]![r] = 1 + (r % 2);
    b.arrays[b.index.protocol]![r] = r % 5 === 0 ? 17 : 6;
    b.arrays[b.index.l4_dst_port]![r] = [443, 80, 53][r % 3]!;
    b.arrays[b.index.in_bytes]![r] = r === 3 ? Number.MAX_SAFE_INTEGER : 40 + ((r * 7919) % 1500);
    b.arrays[b.index.flow_end_time]![r] = minute - 1000 + r * 13;
    b.arrays[b.index.flow_start_time]![r] = minute - 1000 + r * 13 - (r % 4 === 0 ? 5000 : 0);
    const addr = b.arrays[b.index.src_addr] as Uint8Array;
    if (r % 7 === 6) for (let k = 0; k < 16; k++) addr[r * 16 + k] = 0x20 + k + r;
    else writeIPv4(addr, r, 0x0a000000 + ((r * 2654435761) >>> 20));
    b.arrays[b.index.src_eth_mac]![r] = 0x02_00_00_00_00_00 + (r % 3);
    b.setString('http_host', r, hosts[r % hosts.length]!);
  }
  b.length = rows;
  return b;
}

/** One part per device (1 and 2) of a test batch. */
export function testParts(batch: ColumnBatch<string>): SegmentPartInput[] {
  const rowsOf = (device: number) =>
    Uint32Array.from({ length: batch.length }, (_, i) => i).filter((i) => 1 + (i % 2) === device);
  const bucket = Date.UTC(2026, 0, 1, 12, 0);
  return [
    { bucket, deviceId: 1, batch, rows: rowsOf(1) },
    { bucket, deviceId: 2, batch, rows: rowsOf(2) },
  ];
}

/**
 * Flips each byte of the file `good` in turn (bit 6, into `name` in a fresh folder) and asserts
 * that opening it and `read` throw a CorruptSegmentError naming that file.
 */
export function assertEveryByteFlipDetected(
  good: Buffer,
  name: string,
  read: (reader: SegmentReader) => void,
): void {
  const bad = join(tempDir(), name);
  const readAll = () => {
    const reader = openSegment(bad);
    try {
      read(reader);
    } finally {
      reader.close();
    }
  };
  for (let offset = 0; offset < good.length; offset++) {
    const copy = Buffer.from(good);
    copy[offset]! ^= 0x40;
    writeFileSync(bad, copy);
    assert.throws(readAll, (err) => err instanceof CorruptSegmentError && err.path === bad, `byte ${offset}`);
  }
}

/** A segment of `rows` rows of `conversationSchema` (repeats, keyed columns) in a fresh folder. */
export function writeConversationSegment(rows: number): string {
  const path = join(tempDir(), `conversations-${rows}.seg`);
  writeSegmentSync(path, testHeader, conversationSchema, conversationParts(conversationBatch(rows)));
  return path;
}

/** The named columns of every row, as bytes in hex: the rows form to compare other forms against. */
export function columnCells(job: JobColumns, columns: readonly string[]): string[] {
  return columns.map((name) => {
    const a = job.columns[name]!;
    return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex');
  });
}
