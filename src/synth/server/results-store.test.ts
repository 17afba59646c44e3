import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { DnsResult, TcpResult, TestResult } from '../contract.js';
import type { ResultItem } from './result-rows.js';
import { SynthResultsStore } from './results-store.js';

/**
 * Each batch stored once: retried batches within a run (in memory), and after a crash the first
 * batch of a session checked against the tables, down to the (table, hour) blocks a crash may
 * have left stored. A new store over the same directory is the restarted server.
 */

const HOUR = 3_600_000;
const T = Date.UTC(2026, 0, 5, 9, 59, 0);

function tcp(i: number): TcpResult {
  // Two per minute from 09:59: the first two in hour 09, the rest in hour 10.
  return {
    testId: 't-tcp',
    type: 'tcp',
    target: 'h',
    address: '::1',
    time: T + i * 30_000,
    ok: true,
    error: '',
    latencyMs: i,
  };
}

function dns(i: number): DnsResult {
  return {
    testId: 't-dns',
    type: 'dns',
    target: '192.0.2.53',
    address: '192.0.2.53',
    time: T + HOUR + i * 1000,
    ok: true,
    error: '',
    rcode: 'NOERROR',
    answers: ['192.0.2.1'],
    latencyMs: 3,
  };
}

const items = (results: readonly TestResult[], batch: string): ResultItem[] =>
  results.map((result) => ({ result, cx: { tenant: 'acme', agent: 'a-1', batch, spec: undefined } }));

async function rows(store: SynthResultsStore, table: string): Promise<number[]> {
  const source = store.engineTables().find((t) => t.info.name === table)!.source;
  const times: number[] = [];
  for await (const { chunk } of source.scan({ from: -Infinity, to: Infinity, columns: ['time'] }))
    for (let i = 0; i < chunk.rows; i++) times.push(chunk.columns.time![i]!);
  return times.sort((a, b) => a - b);
}

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'flowlens-synth-results-'));
  try {
    await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const open = async (dir: string) => {
  const store = new SynthResultsStore({ dataDir: dir, log: () => {} }, { retentionDays: 36_500 });
  await store.start();
  return store;
};

describe('the synth results store', () => {
  it('stores a retried batch once, in a run and after a restart', async () => {
    await withDir(async (dir) => {
      const tcps = Array.from({ length: 6 }, (_, i) => tcp(i));
      const dnss = Array.from({ length: 3 }, (_, i) => dns(i));
      const batch = items([...tcps, ...dnss], 'a-1/0123456789abcdef/1');
      const first = await open(dir);
      assert.equal(await first.store('a-1', '0123456789abcdef', 1, batch), true);
      assert.equal(await first.store('a-1', '0123456789abcdef', 1, batch), false, 'a retry in the same run');
      await first.stop();
      const restarted = await open(dir);
      assert.equal(await restarted.store('a-1', '0123456789abcdef', 1, batch), true);
      assert.deepEqual(
        await rows(restarted, 'synth_tcp'),
        tcps.map((r) => r.time),
      );
      assert.deepEqual(
        await rows(restarted, 'synth_dns'),
        dnss.map((r) => r.time),
      );
      assert.equal(restarted.stats.recoveredBlocks, 3, 'tcp hours 09 and 10, dns hour 10');
      // The session's next batch is new: stored without a check.
      const next = items([tcp(10)], 'a-1/0123456789abcdef/2');
      assert.equal(await restarted.store('a-1', '0123456789abcdef', 2, next), true);
      assert.equal((await rows(restarted, 'synth_tcp')).length, 7);
      await restarted.stop();
    });
  });

  it('completes a batch a crash left half stored, block by block', async () => {
    await withDir(async (dir) => {
      const tcps = Array.from({ length: 6 }, (_, i) => tcp(i));
      const dnss = Array.from({ length: 3 }, (_, i) => dns(i));
      const key = 'a-1/00000000000000ff/7';
      // What a crash can leave: the first hour's tcp block only (the table, hour 10 and dns were next).
      const crashed = await open(dir);
      await crashed.store('a-1', '00000000000000ff', 7, items(tcps.slice(0, 2), key));
      await crashed.stop();
      const restarted = await open(dir);
      assert.equal(await restarted.store('a-1', '00000000000000ff', 7, items([...tcps, ...dnss], key)), true);
      assert.deepEqual(
        await rows(restarted, 'synth_tcp'),
        tcps.map((r) => r.time),
        'each tcp result once',
      );
      assert.deepEqual(
        await rows(restarted, 'synth_dns'),
        dnss.map((r) => r.time),
      );
      assert.equal(restarted.stats.recoveredBlocks, 1);
      // Another session's rows in the same hours are not mistaken for this batch's.
      const other = items([tcp(0)], 'a-1/00000000000000ee/7');
      assert.equal(await restarted.store('a-1', '00000000000000ee', 7, other), true);
      assert.equal((await rows(restarted, 'synth_tcp')).length, 7);
      await restarted.stop();
    });
  });
});
