import type { AddressDictionary, JobColumns } from '../../store/backend.js';
import { prng } from './test-support.js';

/**
 * Test support: a job's address columns turned into dictionary form (backend.ts
 * `AddressDictionary`) the way a store may hand them over — entries in an order of their own,
 * entries no row uses, `entries` longer than `size` entries, and (with `shared`) one dictionary for
 * all the columns, as a store whose address columns share a dictionary does.
 */
export function toAddressDicts(
  job: JobColumns,
  names: readonly string[],
  seed: number,
  shared = false,
): JobColumns {
  const rnd = prng(seed);
  const columns = { ...job.columns };
  const addressDicts: Record<string, AddressDictionary> = {};
  const distinct = (list: readonly string[]) => [...new Set(list)];
  const hexOf = (col: Uint8Array, i: number) =>
    Buffer.from(col.subarray(i * 16, i * 16 + 16)).toString('hex');
  const rowsOf = (name: string) => {
    const col = job.columns[name] as Uint8Array;
    return Array.from({ length: job.rows }, (_, i) => hexOf(col, i));
  };
  // Unused entries: addresses no row of the job has (a store's dictionary is per file or part).
  const unused = Array.from(
    { length: 1 + Math.floor(rnd() * 5) },
    (_, k) =>
      `fd00${(seed & 0xffff).toString(16).padStart(4, '0')}${'0'.repeat(20)}${k.toString(16).padStart(4, '0')}`,
  );
  const build = (values: readonly string[]) => {
    const list = [...distinct(values), ...unused].sort(() => rnd() - 0.5);
    const spare = Math.floor(rnd() * 3);
    const entries = new Uint8Array((list.length + spare) * 16).fill(0xee);
    list.forEach((hex, e) => {
      entries.set(Buffer.from(hex, 'hex'), e * 16);
    });
    return { list, entries, index: new Map(list.map((hex, e) => [hex, e])) };
  };
  const one = shared ? build(names.flatMap(rowsOf)) : undefined;
  for (const name of names) {
    const rows = rowsOf(name);
    const dict = one ?? build(rows);
    const indexes = Uint32Array.from(rows, (hex) => dict.index.get(hex)!);
    addressDicts[name] = { entries: dict.entries, size: dict.list.length, indexes };
    delete columns[name];
  }
  return { rows: job.rows, columns, dicts: job.dicts, addressDicts, keyed: job.keyed };
}

/** The job with a dst_addr column: src_addr's rows in another order. */
export function withDst(job: JobColumns): JobColumns {
  const src = job.columns.src_addr as Uint8Array;
  const dst = new Uint8Array(src.length);
  for (let i = 0; i < job.rows; i++) {
    const from = ((i * 7919) % job.rows) * 16;
    dst.set(src.subarray(from, from + 16), i * 16);
  }
  return { ...job, columns: { ...job.columns, dst_addr: dst } };
}
