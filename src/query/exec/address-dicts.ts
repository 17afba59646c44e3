import type { AddressDictionary, JobColumns, ReadOptions } from '../../store/backend.js';
import { distinctColumnsOf } from './distinct-sets.js';
import type { JobSpec } from './job-contract.js';
import { keyedColumnsOf } from './keyed-columns.js';

/**
 * Address columns in dictionary form (backend.ts `AddressDictionary`): a store may hand a job's
 * address column over as its distinct addresses and each row's index, so that kernels hash, group
 * and filter each distinct address once. A backend may also return any of them as 16-byte rows;
 * kernels take both (compile-kernel.ts picks the variant per job).
 */

/** The address columns of a flows spec, which its kernels can take in dictionary form. */
export function dictColumnsOf(spec: JobSpec): readonly string[] {
  if (spec.source !== 'flows') return [];
  return spec.columns.filter((c) => spec.physical[c] === 'addr');
}

const noOptions: ReadOptions = {};

/** What a spec's jobs ask the store for (reused per spec key: workers read many jobs of one spec). */
const optionsCache = new Map<string, ReadOptions>();

export function readOptionsOf(spec: JobSpec): ReadOptions {
  let options = optionsCache.get(spec.key);
  if (options !== undefined) return options;
  const names = dictColumnsOf(spec);
  const keyed = keyedColumnsOf(spec);
  const distinct = distinctColumnsOf(spec);
  options =
    names.length === 0 && keyed.length === 0
      ? noOptions
      : {
          ...(names.length > 0 ? { addressDicts: names } : {}),
          ...(keyed.length > 0 ? { keyed, keyedCodes: true } : {}),
          ...(distinct.length > 0 ? { distinct } : {}),
        };
  if (optionsCache.size >= 256) optionsCache.delete(optionsCache.keys().next().value!);
  optionsCache.set(spec.key, options);
  return options;
}

/** How a job holds `names`: all as dictionaries, all as rows, or some of each. */
export function dictFormOf(job: JobColumns, names: readonly string[]): 'dict' | 'rows' | 'mixed' {
  const dicts = job.addressDicts;
  if (dicts === undefined || names.length === 0) return 'rows';
  let found = 0;
  for (const name of names) if (dicts[name] !== undefined) found++;
  return found === 0 ? 'rows' : found === names.length ? 'dict' : 'mixed';
}

/** The job with every address dictionary expanded into 16-byte rows (a copy of those columns). */
export function expandAddressDicts(job: JobColumns): JobColumns {
  const dicts = job.addressDicts;
  if (dicts === undefined) return job;
  const columns = { ...job.columns };
  for (const [name, dict] of Object.entries(dicts)) columns[name] = expandAddressDict(dict, job.rows);
  return { rows: job.rows, columns, dicts: job.dicts, keyed: job.keyed };
}

export function expandAddressDict(dict: AddressDictionary, rows: number): Uint8Array {
  const out = new Uint8Array(rows * 16);
  const entries = dict.entries;
  const indexes = dict.indexes;
  for (let row = 0; row < rows; row++) {
    const from = indexes[row]! << 4;
    out.set(entries.subarray(from, from + 16), row << 4);
  }
  return out;
}

/** An address dictionary's entries as int32 words (4 per entry; a view when aligned, else a copy). */
export function entryWords(dict: AddressDictionary): Int32Array {
  const e = dict.entries;
  if (e.byteOffset % 4 === 0) return new Int32Array(e.buffer, e.byteOffset, dict.size * 4);
  return new Int32Array(e.slice(0, dict.size * 16).buffer);
}
