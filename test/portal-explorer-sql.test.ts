import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FlowBatch } from '../src/flow/batch.js';
import { type Filter, parseFilter } from '../src/portal/explorer-filters.js';
import { pivotSeries, type Row } from '../src/portal/explorer-series.js';
import { buildQueries, type ExplorerQueries, type KeyCell, tableLimit } from '../src/portal/explorer-sql.js';
import { defaultState, type ExplorerState } from '../src/portal/explorer-state.js';
import { createQueryEngine } from '../src/query/engine.js';
import { jsonEncoders } from '../src/server/http/result-json.js';
import { session } from './helpers/query-oracle.js';
import { generateFlows } from './helpers/store-flows.js';
import { testStore } from './helpers/store-setup.js';

/**
 * The Explorer's SQL (src/portal/explorer-sql.ts) run by the real engine over generated flows,
 * its answers cells as the REST API sends them, checked against brute force over the same flows.
 */

const MINUTE = 60_000;
const first = Math.floor(Date.now() / MINUTE) * MINUTE - 30 * MINUTE;
const minutes = Array.from({ length: 10 }, (_, i) => first + i * MINUTE);
// An absolute range over the ten minutes, queried later: the rates divide by its 600 s.
const range = { kind: 'absolute' as const, from: first, to: first + 10 * MINUTE };
const seconds = 600;

type Rec = {
  minute: number;
  src_as: number;
  protocol: number;
  l4_dst_port: number;
  src_geo: string;
  v4: number | undefined;
  v6: boolean;
  in_bytes: number;
  in_pkts: number;
  latency: number;
};

function records(batches: readonly FlowBatch[]): Rec[] {
  const out: Rec[] = [];
  for (const b of batches) {
    const col = (name: keyof FlowBatch['index']) => b.arrays[b.index[name]]!;
    const addr = col('src_addr') as Uint8Array;
    for (let r = 0; r < b.length; r++) {
      const o = r * 16;
      const mapped =
        addr[o + 10] === 0xff && addr[o + 11] === 0xff && addr.subarray(o, o + 10).every((x) => x === 0);
      out.push({
        minute: col('i_start_time')[r]!,
        src_as: col('src_as')[r]!,
        protocol: col('protocol')[r]!,
        l4_dst_port: col('l4_dst_port')[r]!,
        src_geo: b.getString('src_geo', r),
        v4: mapped ? addr[o + 12]! : undefined,
        v6: !mapped,
        in_bytes: col('in_bytes')[r]!,
        in_pkts: col('in_pkts')[r]!,
        latency: col('appl_latency_ms')[r]!,
      });
    }
  }
  return out;
}

/** The filters below, by hand: what each means for one record. */
const filterOracle: Record<string, (r: Rec) => boolean> = {
  'protocol in 6,17': (r) => r.protocol === 6 || r.protocol === 17,
  'src_addr <<= 128.0.0.0/1': (r) => r.v4 !== undefined && r.v4 >= 128,
  // PostgreSQL: an IPv6 address is never inside an IPv4 network, so NOT keeps every IPv6 row.
  'src_addr not <<= 128.0.0.0/1': (r) => !(r.v4 !== undefined && r.v4 >= 128),
  'src_geo != US': (r) => r.src_geo !== 'US',
  'l4_dst_port not in 53,80': (r) => r.l4_dst_port !== 53 && r.l4_dst_port !== 80,
  'src_geo = DE': (r) => r.src_geo === 'DE',
};

describe('Explorer SQL over the real engine', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowlens-portal-sql-'));
  const store = testStore(dir);
  const engine = createQueryEngine({ backend: store });
  const batches: FlowBatch[] = [];
  let recs: Rec[] = [];

  before(async () => {
    await store.start();
    for (let seed = 1; seed <= 2; seed++) {
      const batch = generateFlows({ seed, rows: 3000, minutes, devices: [1, 2] });
      batches.push(batch);
      await store.append('acme', batch);
      if (seed === 1) await store.sealNow({ all: true });
    }
    recs = records(batches);
  });
  after(async () => {
    await store.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const run = async (sql: string): Promise<Row[]> => {
    const result = await engine.run(session(), sql);
    const encode = jsonEncoders(result.fields);
    return result.rows.map((row) => row.map((v, i) => (v === null ? null : encode[i]!(v))));
  };
  const state = (patch: Partial<ExplorerState>): ExplorerState => ({ ...defaultState, range, ...patch });
  const filters = (...texts: string[]): Filter[] =>
    texts.map((t) => {
      const f = parseFilter(t);
      if (typeof f === 'string') throw new Error(f);
      return f;
    });
  const keep = (texts: readonly string[]) => (r: Rec) => texts.every((t) => filterOracle[t]!(r));
  const close = (got: unknown, want: number, what: string) =>
    assert.ok(Math.abs(Number(got) - want) <= 1e-9 * Math.abs(want) + 1e-9, `${what}: ${got} vs ${want}`);

  for (const texts of [
    [],
    ['protocol in 6,17', 'src_addr <<= 128.0.0.0/1'],
    ['src_addr not <<= 128.0.0.0/1', 'src_geo != US'],
    ['l4_dst_port not in 53,80'],
  ]) {
    it(`bits/s by src_as and protocol, filters [${texts.join('; ')}]: table, total, series, other`, async () => {
      const q: ExplorerQueries = buildQueries(
        state({ dimensions: ['src_as', 'protocol'], filters: filters(...texts), top: 5 }),
        Date.now(),
      );
      const rows = recs.filter(keep(texts));
      const groups = new Map<string, number>();
      for (const r of rows)
        groups.set(`${r.src_as}|${r.protocol}`, (groups.get(`${r.src_as}|${r.protocol}`) ?? 0) + r.in_bytes);
      const want = [...groups].map(
        ([k, sum]) => [...k.split('|').map(Number), (sum * 8) / seconds] as [number, number, number],
      );
      want.sort((a, b) => b[2] - a[2] || a[0] - b[0] || a[1] - b[1]);
      const table = await run(q.table);
      // One row per group, the largest first, up to the table's limit (there are more groups here).
      assert.equal(table.length, Math.min(want.length, tableLimit));
      table.forEach((row, i) => {
        assert.deepEqual(row.slice(0, 2), want[i]!.slice(0, 2), `row ${i}`);
        close(row[2], want[i]![2], `row ${i}`);
      });
      const total = await run(q.total);
      close(total[0]![0], (rows.reduce((s, r) => s + r.in_bytes, 0) * 8) / seconds, 'total');

      const keys = table.slice(0, 5).map((r) => r.slice(0, 2) as KeyCell[]);
      const series = await run(q.series(keys));
      const totals = await run(q.bucketTotals!);
      const chart = pivotSeries({
        window: q.window,
        dims: ['src_as', 'protocol'],
        keys,
        rows: series,
        additive: true,
        totals,
      });
      assert.equal(chart.times.length, 10);
      assert.equal(
        chart.series.length,
        Math.min(5, want.length) + (want.length > 5 ? 1 : 0),
        'top 5 and other',
      );
      const perMinute = (match: (r: Rec) => boolean) =>
        minutes.map(
          (m) =>
            (rows.filter((r) => r.minute === m && match(r)).reduce((s, r) => s + r.in_bytes, 0) * 8) / 60,
        );
      keys.forEach((k, i) => {
        const expected = perMinute((r) => r.src_as === k[0] && r.protocol === k[1]);
        for (const [j, v] of chart.series[i]!.values.entries())
          close(v, expected[j]!, `series ${i} minute ${j}`);
      });
      if (want.length > 5) {
        const drawn = new Set(keys.map((k) => `${k[0]}|${k[1]}`));
        const expected = perMinute((r) => !drawn.has(`${r.src_as}|${r.protocol}`));
        for (const [j, v] of chart.series[5]!.values.entries())
          assert.ok(Math.abs(v! - expected[j]!) <= 1e-6 * (expected[j]! + 1), `other minute ${j}`);
      }
    });
  }

  it('packets/s and flows/s by src_geo; unique source addresses within HyperLogLog error', async () => {
    const rows = recs.filter(keep(['src_geo = DE']));
    for (const [metric, value] of [
      ['pps', (rs: Rec[]) => rs.reduce((s, r) => s + r.in_pkts, 0) / seconds],
      ['fps', (rs: Rec[]) => rs.length / seconds],
    ] as const) {
      const q = buildQueries(
        state({ dimensions: ['src_geo'], metric, filters: filters('src_geo = DE') }),
        Date.now(),
      );
      const table = await run(q.table);
      assert.equal(table.length, 1);
      assert.equal(table[0]![0], 'DE');
      close(table[0]![1], value(rows), metric);
    }
    const q = buildQueries(state({ dimensions: ['protocol'], metric: 'src_addrs' }), Date.now());
    const table = await run(q.table);
    const exact = new Map<number, Set<string>>();
    for (const b of batches) {
      const addr = b.arrays[b.index.src_addr] as Uint8Array;
      const proto = b.arrays[b.index.protocol]!;
      for (let r = 0; r < b.length; r++) {
        const set = exact.get(proto[r]!) ?? new Set<string>();
        set.add(Buffer.from(addr.subarray(r * 16, r * 16 + 16)).toString('hex'));
        exact.set(proto[r]!, set);
      }
    }
    assert.equal(table.length, exact.size);
    for (const [proto, n] of table) {
      const want = exact.get(proto as number)!.size;
      // HyperLogLog at precision 14 on small sets is near exact (linear counting); 3 % is ~3 sigma.
      assert.ok(Math.abs(Number(n) - want) <= Math.max(2, 0.03 * want), `protocol ${proto}: ${n} vs ${want}`);
    }
  });

  it('p95 application latency by protocol: PostgreSQL percentile_cont over rows that measured it', async () => {
    const q = buildQueries(
      state({ dimensions: ['protocol'], metric: 'p95_appl_latency_ms', top: 5 }),
      Date.now(),
    );
    const table = await run(q.table);
    const values = new Map<number, number[]>();
    for (const r of recs)
      if (r.latency > 0) values.set(r.protocol, [...(values.get(r.protocol) ?? []), r.latency]);
    const p95 = (v: number[]) => {
      const s = [...v].sort((a, b) => a - b);
      const pos = 0.95 * (s.length - 1);
      const lo = Math.floor(pos);
      return s[lo]! + (s[Math.min(lo + 1, s.length - 1)]! - s[lo]!) * (pos - lo);
    };
    assert.equal(table.length, values.size, 'groups without a measurement are left out');
    for (const [proto, v] of table) close(v, p95(values.get(proto as number)!), `protocol ${proto}`);
    const sorted = table.map((r) => Number(r[1]));
    assert.deepEqual(
      sorted,
      [...sorted].sort((a, b) => b - a),
      'largest first',
    );
    const series = await run(q.series(table.slice(0, 5).map((r) => [r[0]!] as KeyCell[])));
    assert.ok(series.length > 0);
  });
});
