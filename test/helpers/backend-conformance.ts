import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FlowBatch } from '../../src/flow/batch.js';
import { flowColumns } from '../../src/flow/schema.js';
import type { ColumnRange, Resolution, ScanJob, StorageBackend } from '../../src/store/backend.js';
import { expandAddressDicts } from './address-dicts.js';
import { describeDistinct } from './backend-conformance-distinct.js';
import { describeKeyed } from './backend-conformance-keyed.js';
import { describeRetention } from './backend-conformance-retention.js';
import {
  expectedRollup,
  generateFlows,
  rollupCompareColumns,
  rowsOfBatch,
  rowsOfJob,
} from './store-flows.js';

/**
 * The storage-backend conformance suite: every StorageBackend (the embedded store now, ClickHouse
 * later) runs it. `makeBackend(dir)` returns a backend that is not started, keeping its data in
 * `dir` (a second call with the same dir must see the same data). Hooks drive what only some
 * backends have: sealing open data and background maintenance (compaction, rollups).
 *
 * Conventions checked: ranges in ScanRequest are inclusive on both ends; rows come back as a
 * multiset (order within a job is the backend's); string codes index `dicts`.
 */
export interface ConformanceHooks {
  /** Makes everything appended so far sealed; omit when a backend has no open data. */
  seal?(backend: StorageBackend): Promise<void>;
  /** Runs compaction and builds rollups as of `now`. */
  maintain?(backend: StorageBackend, now: number): Promise<void>;
  /** The backend's retention in days for tenants the suite uses (default 30). */
  retentionDays?: number;
  /** Stages of the distinct-form test where the backend must give some column in distinct form. */
  distinctStages?: readonly string[];
}

const HOUR = 3_600_000;
const MINUTE = 60_000;
const DAY = 86_400_000;
const allColumns = flowColumns.map((c) => c.name);

export function runBackendConformance(
  name: string,
  makeBackend: (dir: string) => Promise<StorageBackend>,
  hooks: ConformanceHooks = {},
): void {
  describe(`storage backend conformance: ${name}`, () => {
    const dirs: string[] = [];
    const fresh = async (): Promise<{ backend: StorageBackend; dir: string }> => {
      const dir = mkdtempSync(join(tmpdir(), 'flowlens-conformance-'));
      dirs.push(dir);
      const backend = await makeBackend(dir);
      await backend.start();
      return { backend, dir };
    };
    after(() => {
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    });

    // Four hours ago, on the hour: old enough for hourly compaction and rollups.
    const base = Math.floor((Date.now() - 4 * HOUR) / HOUR) * HOUR;
    const minutes = [base, base + MINUTE, base + 2 * MINUTE, base + 59 * MINUTE, base + HOUR + 5 * MINUTE];
    const devices = [1, 2, 70_000];

    describe('append → jobs → read', () => {
      let backend: StorageBackend;
      let dir: string;
      const batches: FlowBatch[] = [];
      before(async () => {
        ({ backend, dir } = await fresh());
        for (let i = 0; i < 4; i++) {
          const batch = generateFlows({ seed: 100 + i, rows: 700, minutes, devices });
          batches.push(batch);
          await backend.append('acme', batch);
        }
        await backend.append('other', generateFlows({ seed: 9, rows: 50, minutes, devices: [1] }));
      });
      after(async () => {
        await backend.stop();
      });

      const expected = (keep: (batch: FlowBatch, row: number) => boolean = () => true): string[] => {
        const out: string[] = [];
        for (const batch of batches) {
          const rows = rowsOfBatch(batch, flowColumns);
          rows.forEach((line, row) => {
            if (keep(batch, row)) out.push(line);
          });
        }
        return out.sort();
      };
      const cell = (batch: FlowBatch, row: number, column: keyof typeof batch.index) =>
        batch.arrays[batch.index[column]]![row]!;

      // Every read is done twice: rows form, and with the address columns asked in dictionary
      // form, which must expand to the same rows.
      const readAll = async (jobs: readonly ScanJob[], columns = allColumns): Promise<string[]> => {
        const out: string[] = [];
        const defs = columns.map((c) => flowColumns.find((f) => f.name === c)!);
        const addrs = defs.filter((d) => d.type === 'addr').map((d) => d.name);
        for (const job of jobs) {
          const data = await backend.read(job, columns);
          assert.equal(data.rows, job.rows, 'a job reads as many rows as it announces');
          const rows = rowsOfJob(data, defs);
          out.push(...rows);
          if (addrs.length === 0) continue;
          const dictForm = await backend.read(job, columns, { addressDicts: addrs });
          const { job: expanded } = expandAddressDicts(dictForm, columns, addrs);
          assert.deepEqual(rowsOfJob(expanded, defs).sort(), rows.sort(), 'dictionary form = rows form');
        }
        return out.sort();
      };

      it('returns exactly the appended rows, every column, while open', async () => {
        const jobs = await backend.jobs({ tenant: 'acme', from: base - HOUR, to: base + 3 * HOUR });
        assert.deepEqual(await readAll(jobs), expected());
      });

      it('orders jobs by bucket then device, one bucket per minute', async () => {
        const jobs = await backend.jobs({ tenant: 'acme', from: base, to: base + 2 * HOUR });
        for (let i = 1; i < jobs.length; i++) {
          const a = jobs[i - 1]!;
          const b = jobs[i]!;
          assert.ok(a.bucket < b.bucket || (a.bucket === b.bucket && a.deviceId <= b.deviceId));
        }
        for (const job of jobs)
          assert.ok(minutes.includes(job.bucket), `bucket ${job.bucket} is a minute with rows`);
      });

      it('keeps tenants apart and lists them', async () => {
        const tenants = await backend.tenants();
        assert.ok(tenants.includes('acme') && tenants.includes('other'));
        const jobs = await backend.jobs({ tenant: 'other', from: base - HOUR, to: base + 3 * HOUR });
        assert.equal(
          jobs.reduce((n, j) => n + j.rows, 0),
          50,
        );
      });

      it('seals: sealed jobs carry a dataId, open ones do not; rows unchanged', async (t) => {
        if (hooks.seal === undefined) return t.skip('no open data in this backend');
        const open = await backend.jobs({ tenant: 'acme', from: base, to: base + 2 * HOUR });
        for (const job of open) if (!job.sealed) assert.equal(job.dataId, undefined);
        await hooks.seal(backend);
        const jobs = await backend.jobs({ tenant: 'acme', from: base - HOUR, to: base + 3 * HOUR });
        for (const job of jobs) {
          assert.equal(job.sealed, true);
          assert.equal(typeof job.dataId, 'string');
        }
        assert.deepEqual(await readAll(jobs), expected());
      });

      it('filters by device', async () => {
        const jobs = await backend.jobs({
          tenant: 'acme',
          devices: [2, 70_000],
          from: base,
          to: base + 2 * HOUR,
        });
        assert.ok(jobs.every((j) => j.deviceId === 2 || j.deviceId === 70_000));
        const want = expected((b, r) => cell(b, r, 'i_device_id') !== 1);
        assert.deepEqual(await readAll(jobs), want);
        assert.deepEqual(
          await backend.jobs({ tenant: 'acme', devices: [], from: base, to: base + 2 * HOUR }),
          [],
        );
      });

      it('filters by time: [from, to) on i_start_time, minute-aligned or not', async () => {
        const cases: [number, number][] = [
          [base + MINUTE, base + 2 * MINUTE],
          [base + 30_000, base + 59 * MINUTE + 1],
          [base + HOUR, base + 2 * HOUR],
          [base - DAY, base],
        ];
        for (const [from, to] of cases) {
          const jobs = await backend.jobs({ tenant: 'acme', from, to });
          const got = (await readAll(jobs)).filter((line) => {
            const t = Number(line.split('|')[0]);
            return t >= from && t < to;
          });
          const want = expected(
            (b, r) => cell(b, r, 'i_start_time') >= from && cell(b, r, 'i_start_time') < to,
          );
          assert.deepEqual(got, want, `range [${from - base}, ${to - base})`);
        }
      });

      it('never prunes a job holding a matching row (statistics ranges)', async () => {
        const ranges: ColumnRange[][] = [
          [{ column: 'l4_dst_port', min: 443, max: 443 }],
          [{ column: 'protocol', min: 250 }],
          [{ column: 'in_bytes', max: 10 }],
          [
            { column: 'src_as', min: 15169, max: 15169 },
            { column: 'tos', max: 3 },
          ],
          [{ column: 'l4_src_port', min: 70_000 }],
        ];
        for (const set of ranges) {
          const jobs = await backend.jobs({ tenant: 'acme', from: base, to: base + 2 * HOUR, ranges: set });
          const match = (line: string[]) =>
            set.every((r) => {
              const v = Number(line[allColumns.indexOf(r.column)]);
              return (r.min === undefined || v >= r.min) && (r.max === undefined || v <= r.max);
            });
          const got = (await readAll(jobs)).filter((line) => match(line.split('|')));
          const want = expected().filter((line) => match(line.split('|')));
          assert.deepEqual(got, want, JSON.stringify(set));
        }
      });

      it('reads any subset of columns in any order', async () => {
        const jobs = await backend.jobs({ tenant: 'acme', devices: [1], from: base, to: base + 2 * HOUR });
        const columns = ['src_geo', 'dst_addr', 'in_bytes', 'i_device_name', 'protocol'];
        const got = await readAll(jobs, columns);
        const defs = columns.map((c) => flowColumns.find((f) => f.name === c)!);
        const want: string[] = [];
        for (const batch of batches) {
          rowsOfBatch(batch, defs).forEach((line, row) => {
            if (cell(batch, row, 'i_device_id') === 1) want.push(line);
          });
        }
        assert.deepEqual(got, want.sort());
      });

      it('lists devices with their rows and names', async () => {
        const list = await backend.devices('acme');
        assert.deepEqual(
          list.map((d) => d.id),
          devices,
        );
        for (const d of list) {
          assert.equal(d.name, `router-${d.id}`);
          assert.equal(d.rows, expected((b, r) => cell(b, r, 'i_device_id') === d.id).length);
          assert.equal(d.firstBucket, base);
          assert.equal(d.lastBucket, base + HOUR + 5 * MINUTE);
        }
      });

      it('keeps dataIds stable, and changes them when late rows arrive or compaction rewrites', async (t) => {
        if (hooks.seal === undefined) return t.skip('no sealing in this backend');
        const request = { tenant: 'acme', from: base, to: base + 3 * MINUTE };
        const first = await backend.jobs(request);
        const again = await backend.jobs(request);
        assert.deepEqual(
          again.map((j) => j.dataId),
          first.map((j) => j.dataId),
        );
        const late = generateFlows({ seed: 555, rows: 40, minutes: [base + MINUTE], devices: [1] });
        batches.push(late);
        await backend.append('acme', late);
        await hooks.seal(backend);
        const afterLate = await backend.jobs(request);
        const id = (jobs: readonly ScanJob[], bucket: number, device: number) =>
          jobs.find((j) => j.bucket === bucket && j.deviceId === device && j.sealed)?.dataId;
        assert.notEqual(id(afterLate, base + MINUTE, 1), id(first, base + MINUTE, 1));
        assert.equal(id(afterLate, base, 2), id(first, base, 2), 'untouched minutes keep their dataId');
        if (hooks.maintain === undefined) return;
        const before = await readAll(afterLate);
        await hooks.maintain(backend, Date.now());
        const compacted = await backend.jobs(request);
        assert.notEqual(id(compacted, base + MINUTE, 1), id(afterLate, base + MINUTE, 1));
        assert.deepEqual(await readAll(compacted), before, 'compaction keeps every row exactly once');
        assert.deepEqual(
          await readAll(await backend.jobs({ tenant: 'acme', from: base - HOUR, to: base + 3 * HOUR })),
          expected(),
        );
      });

      it('serves hourly and daily rollups equal to aggregates of the raw rows', async (t) => {
        if (hooks.maintain === undefined) return t.skip('no maintenance hook');
        await hooks.seal?.(backend);
        await hooks.maintain(backend, Date.now() + 2 * DAY);
        for (const [resolution, width] of [
          ['hour', HOUR],
          ['day', DAY],
        ] as [Resolution, number][]) {
          const from = Math.floor(base / width) * width;
          const to = from + 2 * width;
          const jobs = await backend.jobs({ tenant: 'acme', from, to, resolution });
          assert.ok(jobs.length > 0, `${resolution} rollup jobs`);
          const got: string[] = [];
          for (const job of jobs) {
            assert.equal(job.resolution, resolution);
            const data = await backend.read(
              job,
              rollupCompareColumns.map((c) => c.name),
            );
            got.push(...rowsOfJob(data, rollupCompareColumns));
          }
          assert.deepEqual(got.sort(), expectedRollup(batches, width, from, to), `${resolution} rollups`);
          const until = await backend.rollupsCompleteUntil('acme', resolution as 'hour' | 'day');
          const last = Math.max(...minutes);
          assert.ok(
            until >= Math.floor(last / width) * width + width,
            `${resolution} rollups are reported complete past the last ${resolution} with flows`,
          );
        }
        assert.equal(await backend.rollupsCompleteUntil('no-such-tenant', 'hour'), 0);
      });

      it('reopens with the same data', async () => {
        await backend.stop();
        backend = await makeBackend(dir);
        await backend.start();
        const jobs = await backend.jobs({ tenant: 'acme', from: base - HOUR, to: base + 3 * HOUR });
        assert.deepEqual(await readAll(jobs), expected());
      });
    });

    describeRetention(fresh, hooks);
    describeKeyed(fresh, makeBackend, hooks);
    describeDistinct(fresh, makeBackend, hooks, hooks.distinctStages);
  });
}
