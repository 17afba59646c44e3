import { closeSync, fstatSync, openSync } from 'node:fs';
import type { NumberArray } from '../../flow/batch.js';
import type { AddressDictionary, JobColumns, KeyedColumn } from '../backend.js';
import { AddrTable } from '../encoding/addr-dict.js';
import { allocateUninitialized, type ColumnAllocator } from '../encoding/column-alloc.js';
import { BlockSource } from './block-source.js';
import { readFooter } from './footer-read.js';
import type { BlockEntry, Footer, PartEntry } from './format.js';
import { knownColumn } from './known-columns.js';
import { segmentMeta } from './meta.js';
import { ENCODING_KEYED, PartDecoder, partRead } from './part-decoder.js';
import { distinctForms } from './reader-distinct.js';
import { keyedForm } from './reader-keyed.js';
import { ReaderScratch } from './reader-scratch.js';
import { CorruptSegmentError, type PartReadOptions, type SegmentMeta, type SegmentReader } from './types.js';
import { defaultWriteOptions } from './write-options.js';

class FileSegmentReader implements SegmentReader {
  readonly meta: SegmentMeta;
  private readonly columnIndex = new Map<string, number>();
  private readonly blocks: BlockSource;
  private readonly scratch: ReaderScratch;
  private readonly decoder: PartDecoder;
  private fd: number;

  constructor(
    readonly path: string,
    fd: number,
    private readonly footer: Footer,
    size: number,
    version: number,
  ) {
    this.fd = fd;
    this.blocks = new BlockSource(path, fd, version);
    this.scratch = new ReaderScratch(footer.schema);
    this.decoder = new PartDecoder(path, footer, this.blocks, this.scratch, new AddrTable());
    this.meta = segmentMeta(footer, size);
    for (const [i, col] of footer.schema.entries()) this.columnIndex.set(col.name, i);
  }

  readPart(
    part: number,
    columns: readonly string[],
    allocate?: ColumnAllocator,
    options?: PartReadOptions,
  ): JobColumns {
    const entry = this.footer.parts[part];
    if (entry === undefined) throw new RangeError(`segment ${this.path} has no part ${part}`);
    const out: Record<string, NumberArray> = {};
    const dicts: Record<string, readonly string[]> = {};
    const addressDicts: Record<string, AddressDictionary> = {};
    const keyed: Record<string, KeyedColumn> = {};
    let anyDict = false;
    let anyKeyed = false;
    const alloc = allocate ?? allocateUninitialized;
    const wanted = new Set(columns);
    const dec = this.decoder;
    const read = partRead(part, entry, (i) => {
      const col = this.footer.schema[i]!;
      return wanted.has(col.name)
        ? alloc(col.name, col.type, entry.rows)
        : this.scratch.column(i, entry.rows);
    });
    const asKeyed = options?.keyed?.filter((name) => wanted.has(name)) ?? [];
    // Distinct forms read only the part's dictionary: their columns' blocks are not fetched.
    const distinct =
      options?.distinct === undefined
        ? undefined
        : distinctForms(dec, read, options.distinct, wanted, this.columnIndex, alloc);
    const fetched = distinct === undefined ? columns : columns.filter((n) => distinct[n] === undefined);
    this.prefetch(entry, fetched, asKeyed);
    try {
      // Dictionary forms first: a keyed column then hands over its key's indexes array.
      for (const name of options?.addressDicts ?? []) {
        const c = this.columnIndex.get(name);
        if (c === undefined || !wanted.has(name) || distinct?.[name] !== undefined) continue;
        const dict = dec.addressDict(read, c, alloc);
        if (dict !== undefined) {
          addressDicts[name] = dict;
          anyDict = true;
        }
      }
      const keyedCols: number[] = [];
      for (const name of asKeyed) {
        const c = this.columnIndex.get(name);
        if (c !== undefined && entry.blocks[c]!.encoding >= ENCODING_KEYED) keyedCols.push(c);
      }
      const rowsForm =
        keyedCols.length === 0
          ? columns
          : columns.filter((name) => !keyedCols.includes(this.columnIndex.get(name) ?? -1));
      for (const name of rowsForm) {
        if (addressDicts[name] !== undefined || distinct?.[name] !== undefined) continue;
        const c = this.columnIndex.get(name);
        if (c === undefined) {
          const col = knownColumn(name);
          if (col === undefined) throw new Error(`unknown column ${name}`);
          const zero = alloc(name, col.type, entry.rows);
          zero.fill(0);
          out[name] = zero;
          if (col.type === 'string') dicts[name] = [''];
          continue;
        }
        const column = dec.column(read, c);
        out[name] = column.array;
        if (column.dict !== undefined) dicts[name] = column.dict;
      }
      // After rows: a key decoded as rows already has its indexes (copied, not decoded again).
      // With keyDicts, each key in dictionary form too (a job of several parts merges them).
      const keyDict = (k: number) => {
        const key = this.footer.schema[k]!.name;
        if (options?.keyDicts !== true || addressDicts[key] !== undefined) return;
        const dict = dec.addressDict(read, k, alloc);
        if (dict !== undefined) addressDicts[key] = dict;
        anyDict ||= dict !== undefined;
      };
      // Codes index a part's own values: a job of several parts (keyDicts) merges plain tables.
      const coded = options?.keyedCodes === true && options.keyDicts !== true;
      for (const c of keyedCols) {
        keyed[this.footer.schema[c]!.name] = keyedForm(dec, read, c, alloc, keyDict, coded)!;
        anyKeyed = true;
      }
    } finally {
      this.blocks.release();
    }
    const result: JobColumns = { rows: entry.rows, columns: out, dicts, ...(distinct ? { distinct } : {}) };
    if (!anyDict && !anyKeyed) return result;
    return {
      ...result,
      ...(anyDict ? { addressDicts } : {}),
      ...(anyKeyed ? { keyed } : {}),
    };
  }

  /** Reads the blocks the call needs at once: the columns', keyed columns' keys, the part blocks. */
  private prefetch(entry: PartEntry, columns: readonly string[], asKeyed: readonly string[]): void {
    const prefetch: BlockEntry[] = [];
    for (const name of columns) {
      const block = entry.blocks[this.columnIndex.get(name) ?? -1];
      if (block !== undefined) prefetch.push(block);
    }
    // A keyed column's key, by the writer's convention (a key stored otherwise is read apart).
    for (const name of asKeyed) {
      const key = entry.blocks[this.columnIndex.get(defaultWriteOptions.keyedBy[name] ?? '') ?? -1];
      if (key !== undefined) prefetch.push(key);
    }
    if (entry.repeats !== undefined) prefetch.push(entry.repeats);
    if (entry.addresses !== undefined) prefetch.push(entry.addresses);
    this.blocks.prefetch(prefetch);
  }

  /** Reads and checks every block of every part; throws CorruptSegmentError at the first bad one. */
  verify(): void {
    this.footer.parts.forEach((entry, p) => {
      const read = partRead(p, entry, (c) => this.scratch.column(c, entry.rows));
      try {
        if (entry.repeats !== undefined) this.decoder.leaderOf(read);
        if (entry.addresses !== undefined) this.decoder.sharedAddresses(read);
      } catch (err) {
        if (err instanceof CorruptSegmentError) throw err;
        throw new CorruptSegmentError(this.path, `part ${p} repeat map: ${(err as Error).message}`);
      }
      for (let c = 0; c < entry.blocks.length; c++) this.decoder.column(read, c);
    });
  }

  close(): void {
    if (this.fd < 0) return;
    closeSync(this.fd);
    this.fd = -1;
    this.blocks.close();
  }
}

/**
 * Opens a segment with synchronous I/O (works in worker threads). Reads the trailer, footer and
 * header and checks their checksums and layout; blocks are checked as they are read.
 */
export function openSegment(path: string): FileSegmentReader {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const { footer, version } = readFooter(fd, size);
    return new FileSegmentReader(path, fd, footer, size, version);
  } catch (err) {
    closeSync(fd);
    if (err instanceof CorruptSegmentError) throw err;
    throw new CorruptSegmentError(path, (err as Error).message);
  }
}

export type { FileSegmentReader };
