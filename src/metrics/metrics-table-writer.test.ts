import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../../test/helpers/manual-clock.js';
import type { TableRows, TableStats } from '../store/table/index.js';
import { MetricsTableWriter } from './metrics-table-writer.js';
import { Registry } from './registry.js';

/** A table that records appends; `hold` keeps the next append pending until released. */
class FakeTable {
  appends: TableRows[] = [];
  retention: [number, number][] = [];
  failWith: Error | undefined;
  private release: (() => void) | undefined;
  held = false;

  hold(): void {
    this.held = true;
  }
  letGo(): void {
    this.held = false;
    this.release?.();
  }
  async append(rows: TableRows): Promise<void> {
    if (this.held) await new Promise<void>((r) => (this.release = r));
    if (this.failWith !== undefined) throw this.failWith;
    this.appends.push(rows);
  }
  async applyRetention(now: number, days: number): Promise<number> {
    this.retention.push([now, days]);
    return 0;
  }
  stats(): TableStats {
    return {
      files: 1,
      diskBytes: 1234,
      appendedRows: 0,
      appendedBlocks: 0,
      appendFailures: 0,
      tornTails: 0,
      tornBytes: 0,
      corruptBlocks: 0,
      expiredFiles: 0,
    };
  }
}

const settle = () => new Promise((r) => setImmediate(r));

function setup(intervalMs = 10_000) {
  const clock = new ManualClock(1_700_000_000_000);
  const registry = new Registry({ clock });
  const table = new FakeTable();
  const lines: string[] = [];
  const writer = new MetricsTableWriter(
    { registry, table, log: (l) => lines.push(l), clock },
    { intervalMs, retentionDays: 30, retentionEveryMs: 3_600_000 },
  );
  return { clock, registry, table, lines, writer };
}

test('a snapshot every interval, at the clock time, with the values of that moment', async () => {
  const { clock, registry, table, writer } = setup();
  const c = registry.counter('flowlens_test_events_total');
  writer.start();
  c.inc(3);
  clock.advance(10_000);
  await settle();
  c.inc(4);
  clock.advance(10_000);
  await settle();
  assert.equal(table.appends.length, 2);
  const value = (rows: TableRows, name: string) =>
    (rows.columns.value as number[])[(rows.columns.name as string[]).indexOf(name)];
  assert.equal(value(table.appends[0]!, 'flowlens_test_events_total'), 3);
  assert.equal(value(table.appends[1]!, 'flowlens_test_events_total'), 7);
  assert.equal((table.appends[1]!.columns.time as number[])[0], 1_700_000_020_000);
  // The writer's own metrics are in the table too: the second snapshot counts the first's rows.
  assert.equal(value(table.appends[1]!, 'flowlens_metrics_table_rows_total'), table.appends[0]!.rows);
  assert.equal(value(table.appends[0]!, 'flowlens_metrics_table_disk_bytes'), 1234);
  // Retention ran with the first snapshot, not again within the hour.
  assert.deepEqual(table.retention, [[1_700_000_010_000, 30]]);
  await writer.stop();
  assert.equal(table.appends.length, 3, 'stop stores a last snapshot');
  clock.advance(60_000);
  await settle();
  assert.equal(table.appends.length, 3, 'nothing after stop');
});

test('a snapshot due while one is being written is skipped and counted', async () => {
  const { clock, table, writer } = setup();
  writer.start();
  table.hold();
  clock.advance(10_000);
  clock.advance(10_000);
  clock.advance(10_000);
  assert.equal(writer.counters.skipped, 2);
  table.letGo();
  await settle();
  assert.equal(table.appends.length, 1);
  await writer.stop();
});

test('failures are counted, logged once per outage, and the next interval tries again', async () => {
  const { clock, table, lines, writer } = setup();
  writer.start();
  table.failWith = new Error('ENOSPC: no space left on device');
  for (let i = 0; i < 3; i++) {
    clock.advance(10_000);
    await settle();
  }
  assert.equal(writer.counters.failures, 3);
  assert.deepEqual(lines, ['metrics table: cannot store a snapshot: ENOSPC: no space left on device']);
  table.failWith = undefined;
  clock.advance(10_000);
  await settle();
  assert.equal(table.appends.length, 1);
  assert.equal(lines.at(-1), 'metrics table: storing snapshots again');
  await writer.stop();
});

test('interval 0: off, nothing stored, not even at stop', async () => {
  const { clock, table, writer } = setup(0);
  writer.start();
  clock.advance(100_000);
  await writer.stop();
  assert.equal(table.appends.length, 0);
  assert.equal(writer.describe(), 'off');
});
