import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type { TableChunk, TableRows, TableSchema } from './schema.js';
import type { Table } from './table.js';

/** The schema the table-store tests write: every column kind. */
export const testSchema: TableSchema = {
  name: 'probe',
  timeColumn: 'time',
  columns: [
    { name: 'time', kind: 'time' },
    { name: 'target', kind: 'string' },
    { name: 'rtt', kind: 'f64' },
    { name: 'status', kind: 'string' },
  ],
};

/** One row as the tests keep it: the oracle every read is compared with. */
export interface Row {
  time: number;
  target: string;
  rtt: number;
  status: string;
}

export function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'flowlens-table-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function toRows(rows: readonly Row[]): TableRows {
  return {
    rows: rows.length,
    columns: {
      time: rows.map((r) => r.time),
      target: rows.map((r) => r.target),
      rtt: rows.map((r) => r.rtt),
      status: rows.map((r) => r.status),
    },
  };
}

/** A chunk's rows back as objects (columns absent from the chunk are left undefined). */
export function fromChunk(chunk: TableChunk): Partial<Row>[] {
  const out: Partial<Row>[] = [];
  for (let i = 0; i < chunk.rows; i++) {
    const row: Partial<Row> = {};
    for (const [name, values] of Object.entries(chunk.columns)) {
      const dict = chunk.dicts[name];
      (row as Record<string, unknown>)[name] = dict === undefined ? values[i] : dict[values[i]!];
    }
    out.push(row);
  }
  return out;
}

/** Everything a scan returns, concatenated, with the rows it decoded. */
export async function scanAll(
  table: Table,
  request: Parameters<Table['scan']>[0],
): Promise<{ rows: Partial<Row>[]; scanned: number; chunks: number }> {
  const rows: Partial<Row>[] = [];
  let scanned = 0;
  let chunks = 0;
  for await (const c of table.scan(request)) {
    rows.push(...fromChunk(c.chunk));
    scanned += c.scanned;
    chunks++;
  }
  return { rows, scanned, chunks };
}

/** Deterministic rows: `n` of them from `start`, `stepMs` apart, with repeating text. */
export function makeRows(n: number, start: number, stepMs: number, seed = 1): Row[] {
  let x = seed;
  const next = () => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return x / 2 ** 32;
  };
  const targets = ['10.0.0.1', 'example.net', 'ünïcödé.test', '', '2001:db8::1'];
  return Array.from({ length: n }, (_, i) => ({
    time: start + i * stepMs,
    target: targets[Math.floor(next() * targets.length)]!,
    rtt: Math.round(next() * 1e6) / 1e3 - 100,
    status: next() < 0.9 ? 'ok' : 'timeout',
  }));
}
