import assert from 'node:assert/strict';
import type { NumberArray } from '../../src/flow/batch.js';
import type { JobColumns } from '../../src/store/backend.js';

/**
 * The rows form of a job read with `ReadOptions.addressDicts`: each address column in dictionary
 * form expanded to 16 bytes a row (row i = entries[indexes[i]]), after checking the contract:
 * every requested column in exactly one of `columns` and `addressDicts`, dictionary-form columns
 * only ones asked for, entries distinct, every index below `size`, one index per row.
 * Returns the expanded job and how many columns were in dictionary form.
 */
export function expandAddressDicts(
  job: JobColumns,
  requested: readonly string[],
  asked: readonly string[],
): { job: JobColumns; dictColumns: number } {
  const columns: Record<string, NumberArray> = { ...job.columns };
  const dicts = job.addressDicts ?? {};
  let dictColumns = 0;
  for (const name of requested) {
    const inRows = job.columns[name] !== undefined;
    const inDict = dicts[name] !== undefined;
    assert.ok(inRows !== inDict, `${name}: in exactly one of columns and addressDicts`);
  }
  for (const [name, dict] of Object.entries(dicts)) {
    assert.ok(asked.includes(name), `${name} in dictionary form without being asked`);
    assert.ok(dict.entries.length >= dict.size * 16, `${name}: entries hold size × 16 bytes`);
    assert.equal(dict.indexes.length, job.rows, `${name}: one index per row`);
    const seen = new Set<string>();
    for (let e = 0; e < dict.size; e++)
      seen.add(Buffer.from(dict.entries.subarray(e * 16, e * 16 + 16)).toString('hex'));
    assert.equal(seen.size, dict.size, `${name}: entries are distinct`);
    const rows = new Uint8Array(job.rows * 16);
    for (let i = 0; i < job.rows; i++) {
      const k = dict.indexes[i]!;
      assert.ok(k < dict.size, `${name}: index ${k} of ${dict.size}`);
      rows.set(dict.entries.subarray(k * 16, k * 16 + 16), i * 16);
    }
    columns[name] = rows;
    dictColumns++;
  }
  return { job: { rows: job.rows, columns, dicts: job.dicts }, dictColumns };
}
