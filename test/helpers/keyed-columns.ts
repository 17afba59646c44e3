import assert from 'node:assert/strict';
import type { NumberArray } from '../../src/flow/batch.js';
import type { JobColumns } from '../../src/store/backend.js';

/**
 * The rows form of a job read with `ReadOptions.keyed`: each keyed column expanded to one value
 * per row (row i = table[indexes[i]], or table[codes[indexes[i]]] with codes), after checking the contract: every requested column in
 * exactly one of `columns`, `addressDicts` and `keyed`; keyed columns only ones asked for; one
 * index per row, each below `size`, `size` table entries; the indexes the same array as the
 * key's dictionary form when that came back too. Returns the expanded job (address dictionaries
 * left as they are) and how many columns were in keyed form.
 */
export function expandKeyed(
  job: JobColumns,
  requested: readonly string[],
  asked: readonly string[],
): { job: JobColumns; keyedColumns: number } {
  const columns: Record<string, NumberArray> = { ...job.columns };
  const keyed = job.keyed ?? {};
  for (const name of requested) {
    const places = [job.columns[name], job.addressDicts?.[name], keyed[name]].filter((p) => p !== undefined);
    assert.equal(places.length, 1, `${name}: in exactly one of columns, addressDicts and keyed`);
  }
  let keyedColumns = 0;
  for (const [name, form] of Object.entries(keyed)) {
    assert.ok(asked.includes(name), `${name} in keyed form without being asked`);
    assert.equal(form.indexes.length, job.rows, `${name}: one index per row`);
    assert.ok(form.table.length >= form.size, `${name}: the table holds size entries`);
    const dict = job.addressDicts?.[form.key];
    if (dict !== undefined) assert.equal(form.indexes, dict.indexes, `${name}: the key's own indexes array`);
    const Type = form.table.constructor as new (n: number) => NumberArray;
    const rows = new Type(job.rows);
    const codes = form.codes;
    for (let i = 0; i < job.rows; i++) {
      const k = form.indexes[i]!;
      if (codes === undefined) assert.ok(k < form.size, `${name}: index ${k} of ${form.size}`);
      else assert.ok(k < codes.length && codes[k]! < form.size, `${name}: code of index ${k}`);
      rows[i] = form.table[codes === undefined ? k : codes[k]!]!;
    }
    columns[name] = rows;
    keyedColumns++;
  }
  const out: JobColumns = { rows: job.rows, columns, dicts: job.dicts };
  return {
    job: job.addressDicts === undefined ? out : { ...out, addressDicts: job.addressDicts },
    keyedColumns,
  };
}
