import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JobColumns, ScanJob, StorageBackend } from '../../src/store/backend.js';
import type { ConformanceHooks } from './backend-conformance.js';
import { keyedFlows } from './backend-conformance-keyed.js';
import { checkThroughStages } from './conformance-stages.js';

const HOUR = 3_600_000;
const MINUTE = 60_000;
const addrs = ['src_addr', 'dst_addr'];

const hex = (bytes: Uint8Array, i: number) =>
  Buffer.from(bytes.subarray(i * 16, i * 16 + 16)).toString('hex');

/** The set of an address column's values in whatever form the read returned it (not distinct). */
function valuesOf(job: JobColumns, name: string): Set<string> {
  const out = new Set<string>();
  const dict = job.addressDicts?.[name];
  if (dict !== undefined) {
    for (let i = 0; i < job.rows; i++) out.add(hex(dict.entries, dict.indexes[i]!));
    return out;
  }
  const rows = job.columns[name] as Uint8Array;
  for (let i = 0; i < job.rows; i++) out.add(hex(rows, i));
  return out;
}

/**
 * Reads each job's address columns in rows form, then with `ReadOptions.distinct` (with and
 * without `addressDicts`, and beside another column): a column in distinct form must hold each
 * value of the rows form exactly once and nothing else; one not in distinct form must be in the
 * form it would have had. Returns how many columns came back in distinct form.
 */
export async function readDistinctChecked(
  backend: StorageBackend,
  jobs: readonly ScanJob[],
): Promise<number> {
  let sets = 0;
  for (const job of jobs) {
    const rows = await backend.read(job, addrs);
    for (const [columns, options] of [
      [addrs, { distinct: addrs }],
      [addrs, { distinct: addrs, addressDicts: addrs }],
      [['src_addr', 'in_bytes'], { distinct: ['src_addr'] }],
    ] as const) {
      const got = await backend.read(job, columns, options);
      assert.equal(got.rows, job.rows, 'a job reads as many rows as it announces');
      for (const name of columns) {
        const forms = [got.columns[name], got.addressDicts?.[name], got.distinct?.[name]];
        assert.equal(forms.filter((f) => f !== undefined).length, 1, `${name} in exactly one form`);
      }
      assert.ok(got.columns.in_bytes !== undefined || !columns.includes('in_bytes'), 'other columns as rows');
      for (const name of columns.filter((c) => addrs.includes(c))) {
        const want = valuesOf(rows, name);
        const set = got.distinct?.[name];
        if (set === undefined) {
          assert.deepEqual(valuesOf(got, name), want, `${name}: the other forms unchanged`);
          continue;
        }
        sets++;
        assert.ok(set.entries.length >= set.size * 16, `${name}: entries hold size × 16 bytes`);
        const seen = new Set<string>();
        for (let e = 0; e < set.size; e++) seen.add(hex(set.entries, e));
        assert.equal(seen.size, set.size, `${name}: each value once`);
        assert.deepEqual(seen, want, `${name}: distinct form = the set of the rows form's values`);
      }
    }
  }
  return sets;
}

/**
 * The distinct-form part of the conformance suite (see backend-conformance.ts). `expectSets`:
 * stages at which the backend must return some column in distinct form (a backend may always
 * fall back; the embedded store names the stages it serves from dictionaries).
 */
export function describeDistinct(
  fresh: () => Promise<{ backend: StorageBackend; dir: string }>,
  makeBackend: (dir: string) => Promise<StorageBackend>,
  hooks: ConformanceHooks,
  expectSets: readonly string[] = [],
): void {
  describe('distinct form (ReadOptions.distinct)', () => {
    it('equals the set of the rows form: open, sealed, late, compacted, reopened', async () => {
      const base = Math.floor((Date.now() - 4 * HOUR) / HOUR) * HOUR;
      const minutes = [base, base + MINUTE];
      // Late rows: the minute's job reads several parts (the union of their sets).
      const late = [keyedFlows(12, 300, [base], [1]), keyedFlows(13, 300, [base + MINUTE], [1, 2], 5)];
      await checkThroughStages(
        fresh,
        makeBackend,
        hooks,
        keyedFlows(11, 1500, minutes, [1, 2]),
        late,
        async (backend, stage) => {
          const jobs = await backend.jobs({ tenant: 'acme', from: base, to: base + HOUR });
          const sets = await readDistinctChecked(backend, jobs);
          if (expectSets.includes(stage)) assert.ok(sets > 0, `${stage}: some column in distinct form`);
        },
      );
    });
  });
}
