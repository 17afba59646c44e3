import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { metricsTableSchema } from '../metrics/metrics-table.js';
import type { StorageBackend } from '../store/backend.js';
import { openTable, type Table } from '../store/table/index.js';
import type { QuerySession, Value } from './api.js';
import { createQueryEngine } from './engine.js';
import { QueryError } from './errors.js';

/** One row of the metrics table as the test keeps it: the oracle the answers are checked against. */
interface Row {
  time: number;
  name: string;
  field: string;
  value: number;
  tags: string;
  device: string;
}

const T0 = Date.UTC(2025, 2, 1, 9, 40, 0);
const SNAPSHOTS = 900; // every 10 s for 2.5 hours: three hour files
const admin: QuerySession = { user: 'ops', tenant: 'default', admin: true, settings: new Map() };
const user: QuerySession = { user: 'noc', tenant: 'default', settings: new Map() };
const noFlows = { devices: async () => [] } as unknown as StorageBackend;

/** Deterministic snapshots: a counter per device, two latency fields per device, one gauge. */
function snapshots(): Row[] {
  const rows: Row[] = [];
  let x = 7;
  const rand = () => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return x >>> 8;
  };
  for (let s = 0; s < SNAPSHOTS; s++) {
    const time = T0 + s * 10_000;
    for (const device of ['edge1', 'edge2']) {
      const tags = `device=${device},tenant=acme`;
      rows.push({
        time,
        name: 'flowlens_collector_packets_total',
        field: '',
        value: s * (device === 'edge1' ? 3 : 5),
        tags,
        device,
      });
      // Multiples of 1/4: sums and averages are exact in float64.
      rows.push({
        time,
        name: 'flowlens_query_job_seconds',
        field: 'p50',
        value: (rand() % 400) / 4,
        tags,
        device,
      });
      rows.push({
        time,
        name: 'flowlens_query_job_seconds',
        field: 'p99',
        value: (rand() % 4000) / 4,
        tags,
        device,
      });
    }
    rows.push({
      time,
      name: 'flowlens_server_uptime_seconds',
      field: '',
      value: s * 10,
      tags: '',
      device: '',
    });
    // A metric of the first 5 minutes only (a component that went away).
    if (s < 30)
      rows.push({ time, name: 'flowlens_old_gone_total', field: '', value: s, tags: '', device: '' });
  }
  return rows;
}

function toTable(rows: readonly Row[]) {
  const col = <K extends keyof Row>(k: K) => rows.map((r) => r[k]);
  const blank = rows.map(() => '');
  return {
    rows: rows.length,
    columns: {
      time: col('time'),
      name: col('name'),
      field: col('field'),
      value: col('value'),
      tags: col('tags'),
      device: col('device'),
      tenant: rows.map((r) => (r.tags.includes('tenant=acme') ? 'acme' : '')),
      reason: blank,
      stage: blank,
      code: blank,
    },
  };
}

function groupBy<T>(rows: readonly T[], key: (r: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = out.get(k);
    if (list === undefined) out.set(k, [r]);
    else list.push(r);
  }
  return out;
}

/** A timestamptz literal. */
const ts = (ms: number) => `'${new Date(ms).toISOString()}'::timestamptz`;

/** PostgreSQL's percentile_cont: linear interpolation at position p·(n − 1) of the sorted values. */
function percentileCont(values: number[], p: number): number {
  const v = [...values].sort((a, b) => a - b);
  const pos = p * (v.length - 1);
  const lo = Math.floor(pos);
  return lo + 1 < v.length ? v[lo]! + (v[lo + 1]! - v[lo]!) * (pos - lo) : v[lo]!;
}

describe('the metrics table through the query engine', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowlens-metrics-query-'));
  const rows = snapshots();
  let table: Table;
  let engine: ReturnType<typeof createQueryEngine>;
  const run = async (sql: string, session = admin) => (await engine.run(session, sql)).rows;

  before(async () => {
    table = await openTable(dir, metricsTableSchema, { log: () => {} });
    // Three appends of 300 snapshots (the table splits them by hour).
    for (let k = 0; k < 3; k++) {
      const from = T0 + k * 3_000_000;
      await table.append(toTable(rows.filter((r) => r.time >= from && r.time < from + 3_000_000)));
    }
    engine = createQueryEngine({ backend: noFlows, metricsTable: table });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('groups by minute and name over a time range: avg, max, count', async () => {
    const from = T0 + 17 * 60_000 + 5_000;
    const to = T0 + 95 * 60_000;
    const got = await run(
      `SELECT time_bucket('1 minute', time) AS minute, name, avg(value), max(value), count(*) FROM metrics
       WHERE time >= ${ts(from)} AND time < ${ts(to)}
       GROUP BY 1, 2 ORDER BY 1, 2`,
    );
    const inRange = rows.filter((r) => r.time >= from && r.time < to);
    const groups = groupBy(inRange, (r) => `${Math.floor(r.time / 60_000) * 60_000}|${r.name}`);
    const want = [...groups]
      .map(([k, g]): Value[] => {
        const [minute, name] = k.split('|');
        const values = g.map((r) => r.value);
        return [
          Number(minute),
          name!,
          values.reduce((a, b) => a + b, 0) / g.length,
          Math.max(...values),
          g.length,
        ];
      })
      .sort((a, b) => (a[0] as number) - (b[0] as number) || ((a[1] as string) < (b[1] as string) ? -1 : 1));
    assert.ok(want.length > 200);
    assert.deepEqual(got, want);
  });

  it('percentile_cont of one field per device (name and field pushed down to the scan)', async () => {
    const got = await run(
      `SELECT device, percentile_cont(0.9) WITHIN GROUP (ORDER BY value), count(*) FROM metrics
       WHERE name = 'flowlens_query_job_seconds' AND 'p99' = field GROUP BY device ORDER BY device`,
    );
    const p99 = rows.filter((r) => r.name === 'flowlens_query_job_seconds' && r.field === 'p99');
    const want = [...groupBy(p99, (r) => r.device)].sort().map(([device, g]) => [
      device,
      percentileCont(
        g.map((r) => r.value),
        0.9,
      ),
      g.length,
    ]);
    assert.equal(got.length, 2);
    for (let i = 0; i < want.length; i++) {
      assert.equal(got[i]![0], want[i]![0]);
      assert.equal(got[i]![2], want[i]![2]);
      assert.ok(Math.abs((got[i]![1] as number) - (want[i]![1] as number)) < 1e-9, `${got[i]} vs ${want[i]}`);
    }
  });

  it('text filters, IN, OR and LIKE give the rows a full scan would', async () => {
    const cases: [string, (r: Row) => boolean][] = [
      [
        `tags LIKE '%device=edge2%' AND time >= ${ts(T0 + 3_600_000)}`,
        (r) => r.tags.includes('device=edge2') && r.time >= T0 + 3_600_000,
      ],
      [
        `name IN ('flowlens_server_uptime_seconds', 'flowlens_collector_packets_total') AND field = ''`,
        (r) =>
          (r.name === 'flowlens_server_uptime_seconds' || r.name === 'flowlens_collector_packets_total') &&
          r.field === '',
      ],
      [
        `name = 'flowlens_server_uptime_seconds' OR value > 900`,
        (r) => r.name === 'flowlens_server_uptime_seconds' || r.value > 900,
      ],
      [`name = 'flowlens_server_uptime_seconds' AND name = 'flowlens_collector_packets_total'`, () => false],
      [
        `device = 'edge1' AND name <> 'flowlens_collector_packets_total'`,
        (r) => r.device === 'edge1' && r.name !== 'flowlens_collector_packets_total',
      ],
    ];
    for (const [where, keep] of cases) {
      const got = await run(`SELECT count(*), sum(value) FROM metrics WHERE ${where}`);
      const kept = rows.filter(keep);
      const want = [[kept.length, kept.length === 0 ? null : kept.reduce((a, r) => a + r.value, 0)]];
      assert.deepEqual(got, want, where);
    }
  });

  it('plain rows: the latest values, ORDER BY time DESC LIMIT, newest hour first', async () => {
    const latest = (name: string, limit: number, offset: number) =>
      rows
        .filter((r) => r.name === name)
        .sort((a, b) => b.time - a.time)
        .slice(offset, offset + limit)
        .map((r) => [r.time, r.value]);
    const sql = (name: string, limit: number, offset: number) =>
      `SELECT time, value FROM metrics WHERE name = '${name}' ORDER BY time DESC, value LIMIT ${limit} OFFSET ${offset}`;
    const uptime = await engine.run(admin, sql('flowlens_server_uptime_seconds', 3, 0));
    assert.deepEqual(uptime.rows, latest('flowlens_server_uptime_seconds', 3, 0));
    // The newest hour (12:00–12:10: 60 snapshots of 7 rows) holds them: nothing older is read.
    assert.equal(uptime.stats?.rowsScanned, 60 * 7);
    // 60 uptime rows in hour 12, 360 in hour 11: 300 past an offset of 50 are in those two hours.
    const deeper = await engine.run(admin, sql('flowlens_server_uptime_seconds', 300, 50));
    assert.deepEqual(deeper.rows, latest('flowlens_server_uptime_seconds', 300, 50));
    assert.equal(deeper.stats?.rowsScanned, 60 * 7 + 360 * 7);
    // A metric of the first hour only: every file is read, newest first, to find it.
    assert.deepEqual(
      await run(sql('flowlens_old_gone_total', 2, 1)),
      latest('flowlens_old_gone_total', 2, 1),
    );
    assert.equal((await run('SELECT name FROM metrics LIMIT 5')).length, 5);
    assert.deepEqual(await run('SELECT count(*) FROM metrics'), [[rows.length]]);
  });

  it('reads only the blocks of the time range', async () => {
    const from = T0 + 2 * 3_600_000;
    const result = await engine.run(admin, `SELECT count(*) FROM metrics WHERE time >= ${ts(from)}`);
    const want = rows.filter((r) => r.time >= from).length;
    assert.deepEqual(result.rows, [[want]]);
    // From 11:40. The appends cover 09:40–10:30, 10:30–11:20 and 11:20–12:10, one block per hour
    // each: read are the third append's blocks of hour 11 (11:20–11:59:50) and hour 12, i.e. its
    // 300 snapshots of 7 rows; the second append's block of hour 11 (11:00–11:19:50) is skipped.
    assert.equal(result.stats?.rowsScanned, 300 * 7);
  });

  it('is listed for admins (information_schema, psql-style catalog) and refused to others with 42501', async () => {
    const tables =
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1";
    assert.deepEqual(await run(tables), [['all_devices'], ['devices'], ['metrics']]);
    assert.deepEqual(await run(tables, user), [['all_devices'], ['devices']]);
    const columns = await run(
      "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'metrics' ORDER BY ordinal_position",
    );
    assert.deepEqual(columns.slice(0, 5), [
      ['time', 'timestamp with time zone'],
      ['name', 'text'],
      ['field', 'text'],
      ['value', 'double precision'],
      ['tags', 'text'],
    ]);
    assert.deepEqual(
      columns.slice(5).map((c) => c[0]),
      ['device', 'tenant', 'reason', 'stage', 'code'],
    );
    for (const attempt of [
      () => engine.run(user, 'SELECT * FROM metrics'),
      () => engine.describe(user, 'SELECT value FROM public.metrics'),
    ]) {
      await assert.rejects(attempt(), (err: unknown) => {
        assert.ok(err instanceof QueryError);
        assert.equal(err.code, '42501');
        assert.equal(err.message, 'permission denied for table metrics');
        assert.match(err.hint ?? '', /admin/);
        return true;
      });
    }
    const described = await engine.describe(admin, 'SELECT time, value FROM metrics');
    assert.deepEqual(described.fields, [
      { name: 'time', type: 'timestamptz' },
      { name: 'value', type: 'float8' },
    ]);
  });

  it('refuses a scan past the row limit with 53400', async () => {
    const limited = createQueryEngine({ backend: noFlows, metricsTable: table, metricsMaxRowsScanned: 1000 });
    await assert.rejects(limited.run(admin, 'SELECT count(*) FROM metrics'), (err: unknown) => {
      assert.ok(err instanceof QueryError);
      assert.equal(err.code, '53400');
      assert.match(err.message, /more than 1000 rows of the metrics table/);
      return true;
    });
  });

  it('an engine without a table store has an empty metrics table', async () => {
    const bare = createQueryEngine({ backend: noFlows });
    assert.deepEqual((await bare.run(admin, 'SELECT count(*) FROM metrics')).rows, [[0]]);
  });
});
