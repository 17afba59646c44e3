import type { JobColumns, KeyedColumn } from '../../store/backend.js';
import { prng } from './test-support.js';

/**
 * Test support: a job's numeric columns turned into keyed form (backend.ts `KeyedColumn`) the way
 * a store may hand them over. Where the job holds `key` as an address dictionary, the table is
 * per dictionary entry and the rows' indexes are that dictionary's own array (as the store does for
 * a column that is a function of the address; entries no row uses get a value of their own);
 * otherwise one table entry per distinct value, in an order of its own, with values no row has.
 * The table may be longer than `size`.
 */
export function toKeyed(
  job: JobColumns,
  names: readonly string[],
  seed: number,
  key = 'src_addr',
): JobColumns {
  const rnd = prng(seed);
  const columns = { ...job.columns };
  const keyed: Record<string, KeyedColumn> = { ...job.keyed };
  const dict = job.addressDicts?.[key];
  for (const name of names) {
    const values = job.columns[name]!;
    const make = (n: number) => new (values.constructor as new (n: number) => KeyedColumn['table'])(n);
    if (dict !== undefined) {
      const table = make(dict.size + 2).fill(7);
      for (let e = 0; e < dict.size; e++) table[e] = Math.floor(rnd() * 200);
      for (let i = 0; i < job.rows; i++) table[dict.indexes[i]!] = values[i]!;
      keyed[name] = { key, table, size: dict.size, indexes: dict.indexes };
    } else {
      const list = [...new Set(values), 99_991, 3].sort(() => rnd() - 0.5);
      const table = make(list.length + Math.floor(rnd() * 3));
      list.forEach((v, e) => {
        table[e] = v;
      });
      const index = new Map(list.map((v, e) => [v, e]));
      const indexes = Uint32Array.from(values, (v) => index.get(v)!);
      keyed[name] = { key, table, size: list.length, indexes };
    }
    delete columns[name];
  }
  return { rows: job.rows, columns, dicts: job.dicts, addressDicts: job.addressDicts, keyed };
}

/**
 * The job with src_as a function of src_addr (as a router's AS of a source address is): a hash of
 * the address bytes onto a few AS numbers, some past 2^31.
 */
export function asOfAddress(job: JobColumns, spread = 9): JobColumns {
  const addr = job.columns.src_addr as Uint8Array;
  const as = new Uint32Array(job.rows);
  const choices = [0, 15169, 13335, 64512, 4_200_000_000, 2 ** 32 - 1];
  for (let i = 0; i < job.rows; i++) {
    let h = 0;
    for (let b = 0; b < 16; b++) h = (Math.imul(h, 31) + addr[i * 16 + b]!) | 0;
    const k = (h >>> 3) % (choices.length + spread);
    as[i] = k < choices.length ? choices[k]! : 100 + k;
  }
  return { ...job, columns: { ...job.columns, src_as: as } };
}

/**
 * The job with its keyed columns coded (backend.ts `KeyedColumn.codes`), as a store whose table
 * is a dictionary of values hands them over: the table becomes the distinct values of the entries
 * (shuffled, with values no entry has), each entry a code into them; the rows' indexes stay.
 */
export function toCoded(job: JobColumns, seed: number): JobColumns {
  const rnd = prng(seed);
  const keyed: Record<string, KeyedColumn> = {};
  for (const [name, form] of Object.entries(job.keyed ?? {})) {
    const entries = form.table.subarray(0, form.size);
    const list = [...new Set(entries), 77_777].sort(() => rnd() - 0.5);
    const table = new (form.table.constructor as new (n: number) => KeyedColumn['table'])(list.length + 1);
    list.forEach((v, c) => {
      table[c] = v;
    });
    const code = new Map(list.map((v, c) => [v, c]));
    const codes = Uint32Array.from(entries, (v) => code.get(v)!);
    keyed[name] = { key: form.key, table, size: list.length, indexes: form.indexes, codes };
  }
  return { ...job, keyed };
}
