import assert from 'node:assert/strict';
import { test } from 'node:test';
import { flowColumns } from '../src/flow/schema.js';
import type { JobSpec } from '../src/query/exec/job-contract.js';
import type { GroupsPartial } from '../src/query/exec/partial.js';
import { canonical } from '../src/query/exec/spec.js';
import type { Expr } from '../src/query/plan/plan.js';
import { createQueryRuntime } from '../src/query/runtime/index.js';
import { columnSqlType } from '../src/query/sql-types.js';
import { generateFlows } from './helpers/store-flows.js';
import { tempStoreDir, testStore } from './helpers/store-setup.js';

const HOUR = 3_600_000;
const MINUTE = 60_000;

function column(name: string): Expr {
  return { kind: 'column', name, type: columnSqlType(flowColumns.find((c) => c.name === name)!) };
}

/** SELECT count(*), sum(in_pkts) WHERE l4_dst_port = 443, as the executor's spec. */
function spec(): JobSpec {
  const port = column('l4_dst_port');
  const body = {
    columns: ['in_pkts', 'l4_dst_port'],
    source: 'flows' as const,
    resolution: 'minute' as const,
    physical: { in_pkts: 'f64' as const, l4_dst_port: 'u16' as const },
    where: {
      kind: 'call' as const,
      fn: 'eq' as const,
      args: [port, { kind: 'const' as const, type: port.type, value: 443 }],
      type: 'bool' as const,
    },
    aggregate: true,
    groupBy: [],
    aggregates: [
      { fn: 'count' as const, arg: undefined, filter: undefined, weight: undefined },
      { fn: 'sum' as const, arg: column('in_pkts'), filter: undefined, weight: undefined },
    ],
    output: [],
    orderBy: [],
    keep: undefined,
  };
  return { key: canonical(body), ...body };
}

test('the real kernel runs in the job workers over sealed and open jobs, and repeats from the memo', async (t) => {
  const store = testStore(tempStoreDir(t));
  await store.start();
  t.after(() => store.stop());
  const sealedMinutes = [0, 1, 2].map((i) => Math.floor((Date.now() - HOUR) / HOUR) * HOUR + i * MINUTE);
  const sealed = generateFlows({ seed: 51, rows: 3000, minutes: sealedMinutes, devices: [1, 2] });
  await store.append('acme', sealed);
  await store.sealNow({ all: true });
  const openMinute = Math.floor(Date.now() / MINUTE) * MINUTE - 10 * MINUTE;
  const open = generateFlows({ seed: 52, rows: 500, minutes: [openMinute], devices: [1] });
  await store.append('acme', open);

  // Per (minute, device), from the generated rows: rows with port 443, and their Σ in_pkts.
  const expected = new Map<string, [number, number]>();
  for (const b of [sealed, open]) {
    for (let r = 0; r < b.length; r++) {
      if (b.arrays[b.index.l4_dst_port]![r] !== 443) continue;
      const key = `${b.arrays[b.index.i_start_time]![r]}/${b.arrays[b.index.i_device_id]![r]}`;
      const acc = expected.get(key) ?? [0, 0];
      acc[0]++;
      acc[1] += b.arrays[b.index.in_pkts]![r]!;
      expected.set(key, acc);
    }
  }

  const rt = createQueryRuntime(
    { backend: store },
    {
      queryWorkers: 2,
      memoBytes: 1 << 20,
      queryRate: 100,
      queryBurst: 100,
      maxConcurrentQueries: 4,
      maxRowsScanned: 1e9,
      queryTimeoutMs: 60_000,
    },
  );
  t.after(() => rt.stop());
  const jobs = await store.jobs({ tenant: 'acme', from: sealedMinutes[0]!, to: openMinute + MINUTE });
  assert.equal(jobs.length, 7);
  const runOnce = async () => {
    const got = new Map<string, [number, number]>();
    const stats = await rt.executor.execute(spec(), jobs, {
      tenant: 'acme',
      onPartial: (partial, job) => {
        const p = partial as GroupsPartial;
        assert.equal(p.kind, 'groups');
        if (p.groups === 0) return;
        const count = p.aggs[0]!;
        const sum = p.aggs[1]!;
        assert.ok(count.kind === 'count' && sum.kind === 'sum');
        got.set(`${job.bucket}/${job.deviceId}`, [
          count.values[0]!,
          sum.lo[0]! + (sum.hi?.[0] ?? 0) * 2 ** 32,
        ]);
      },
    });
    return { got, stats };
  };
  const first = await runOnce();
  assert.deepEqual(first.got, expected);
  assert.equal(first.stats.memoHits, 0);
  const second = await runOnce();
  assert.deepEqual(second.got, expected);
  assert.equal(second.stats.memoHits, 6, 'every sealed job');
});
