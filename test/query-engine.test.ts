import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FlowBatch } from '../src/flow/batch.js';
import { createQueryEngine } from '../src/query/engine.js';
import { QueryError } from '../src/query/errors.js';
import type { EmbeddedStore } from '../src/store/store.js';
import { cell, exact, groupSums, session } from './helpers/query-oracle.js';
import { generateFlows } from './helpers/store-flows.js';
import { testStore } from './helpers/store-setup.js';

const MINUTE = 60_000;

describe('query engine over the embedded store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowlens-query-'));
  const store: EmbeddedStore = testStore(dir);
  const engine = createQueryEngine({ backend: store });
  const batches: FlowBatch[] = [];
  const last = Math.floor(Date.now() / MINUTE) * MINUTE - 2 * MINUTE;
  const minutes = Array.from({ length: 20 }, (_, i) => last - i * MINUTE);

  before(async () => {
    await store.start();
    for (let seed = 1; seed <= 3; seed++) {
      const batch = generateFlows({ seed, rows: 1500, minutes, devices: [1, 2, 3] });
      batches.push(batch);
      await store.append('acme', batch);
      if (seed === 2) await store.sealNow({ all: true }); // sealed segments and open minutes both
    }
    await store.append('other', generateFlows({ seed: 9, rows: 100, minutes, devices: [1] }));
  });
  after(async () => {
    await store.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers the seed query (top 10 source AS of the last five minutes)', async () => {
    const now = last + MINUTE + 30_000;
    const result = await engine.run(
      session(),
      "SELECT src_as, sum(in_pkts) as f_sum_in_pkts FROM all_devices WHERE i_start_time >= now() - interval'5 min' GROUP BY src_as ORDER BY f_sum_in_pkts DESC, src_as LIMIT 10",
      { now },
    );
    const sums = groupSums(
      batches,
      'src_as',
      'in_pkts',
      (b, r) => cell(b, r, 'i_start_time') >= now - 5 * MINUTE,
    );
    const want = [...sums]
      .sort((a, b) => (a[1].sum === b[1].sum ? a[0] - b[0] : a[1].sum > b[1].sum ? -1 : 1))
      .slice(0, 10)
      .map(([asn, g]) => [asn, exact(g.sum)]);
    assert.deepEqual(result.rows, want);
    assert.deepEqual(
      result.fields.map((f) => [f.name, f.type]),
      [
        ['src_as', 'int8'],
        ['f_sum_in_pkts', 'numeric'],
      ],
    );
    assert.equal(result.command, 'SELECT 10');
    assert.equal(result.stats?.resolution, 'minute');
    // At most five minutes × three devices, each minute sealed (seeds 1, 2) and open (seed 3).
    const jobs = result.stats?.jobs ?? 0;
    assert.ok(jobs > 0 && jobs <= 5 * 3 * 2, `only the last minutes are read (${jobs} jobs)`);
  });

  it('reads one device through its table, and keeps tenants apart', async () => {
    const result = await engine.run(
      session(),
      'SELECT protocol, count(*), sum(in_bytes) FROM "router-2" GROUP BY protocol',
    );
    const sums = groupSums(batches, 'protocol', 'in_bytes', (b, r) => cell(b, r, 'i_device_id') === 2);
    const want = [...sums].map(([p, g]) => [p, g.count, exact(g.sum)]);
    const key = (rows: readonly (readonly unknown[])[]) =>
      rows.map((r) => JSON.stringify(r, (_, v) => (typeof v === 'bigint' ? String(v) : v))).sort();
    assert.deepEqual(key(result.rows), key(want));
    const other = await engine.run(session('other'), 'SELECT count(*) FROM all_devices');
    assert.deepEqual(other.rows, [[100]]);
  });

  it('answers the devices table and FROM-less selects on the coordinator', async () => {
    const devices = await engine.run(session(), 'SELECT id, name, flows FROM devices ORDER BY id');
    const counts = groupSums(batches, 'i_device_id', 'in_pkts');
    assert.deepEqual(
      devices.rows,
      [1, 2, 3].map((id) => [id, `router-${id}`, counts.get(id)!.count]),
    );
    assert.equal(devices.stats?.jobs, 0);
    const none = await engine.run(session(), "SELECT 1 + 2 AS three, 'a' || 'b' AS ab");
    assert.deepEqual(none.rows, [[3, 'ab']]);
  });

  it('gives one row for an aggregate over no rows', async () => {
    const result = await engine.run(
      session(),
      'SELECT count(*), sum(in_pkts), max(src_geo) FROM all_devices WHERE protocol > 255',
    );
    assert.deepEqual(result.rows, [[0, null, null]]);
  });

  it('describes a statement without running it, and runs it with parameters', async () => {
    const sql = 'SELECT src_as, count(*) AS flows FROM all_devices WHERE protocol = $1 GROUP BY 1 ORDER BY 1';
    const described = await engine.describe(session(), sql);
    assert.deepEqual(
      described.fields.map((f) => [f.name, f.type]),
      [
        ['src_as', 'int8'],
        ['flows', 'int8'],
      ],
    );
    assert.equal(described.paramTypes.length, 1);
    const result = await engine.run(session(), sql, { params: ['6'] });
    const want = [...groupSums(batches, 'src_as', 'in_pkts', (b, r) => cell(b, r, 'protocol') === 6)]
      .sort((a, b) => a[0] - b[0])
      .map(([asn, g]) => [asn, g.count]);
    assert.deepEqual(result.rows, want);
  });

  it('reports errors with their SQLSTATE', async () => {
    const code = async (sql: string, signal?: AbortSignal) => {
      try {
        await engine.run(session(), sql, { signal });
        return 'no error';
      } catch (err) {
        assert.ok(err instanceof QueryError);
        return err.code;
      }
    };
    assert.equal(await code('SELECT * FROM nowhere'), '42P01');
    assert.equal(await code('SELECT in_pkts / (protocol - protocol) FROM all_devices'), '22012');
    const aborted = new AbortController();
    aborted.abort();
    assert.equal(await code('SELECT count(*) FROM all_devices', aborted.signal), '57014');
  });
});
