import { closeSync, fstatSync, openSync } from 'node:fs';
import type { NumberArray } from '../../flow/batch.js';
import type { AddressDictionary, JobColumns, ReadOptions } from '../backend.js';
import { ADDR_SHARED, AddrTable, decodeSharedTable } from '../encoding/addr-dict.js';
import { ByteReader, DecodeError } from '../encoding/byte-io.js';
import { allocateUninitialized, type ColumnAllocator } from '../encoding/column-alloc.js';
import {
  applyReference,
  type DecodeContext,
  type DecodedColumn,
  decodeColumn,
  decodeIndexesOnly,
} from '../encoding/column-decode.js';
import { expandRepeats } from '../encoding/expand.js';
import { decodeInts } from '../encoding/int-decode.js';
import { decodeKeyedTable } from '../encoding/keyed-decode.js';
import { BlockSource } from './block-source.js';
import { readFooter } from './footer-read.js';
import { BLOCK_GROUPED, type BlockEntry, type Footer, type PartEntry } from './format.js';
import { knownColumn } from './known-columns.js';
import { segmentMeta } from './meta.js';
import { addressDictOf } from './reader-addr-dict.js';
import { ReaderScratch } from './reader-scratch.js';
import { CorruptSegmentError, type SegmentMeta, type SegmentReader } from './types.js';

/** Encoding ids (column-codec.ts): relative, keyed, and the address dictionary kinds. */
const ENCODING_RELATIVE = 0x30;
const ENCODING_KEYED = 0x40;
const ADDR_DICT_ID = 0x13;
const ADDR_SHARED_ID = 0x14;

/** The state of one `readPart` call. */
interface PartRead {
  readonly p: number;
  readonly entry: PartEntry;
  readonly decoded: Map<number, DecodedColumn>;
  /** Dictionary indexes of address columns decoded (or read for a keyed column) in this call. */
  readonly indexes: Map<number, Uint32Array>;
  /** Own tables of keyed columns decoded in this call. */
  readonly tables: Map<number, NumberArray>;
  leaderOf: Uint32Array | undefined;
  /** Whether the part's shared address dictionary is in `FileSegmentReader.shared`. */
  sharedRead: boolean;
  /** The shared dictionary's entries, once written for a column read in dictionary form. */
  sharedEntries: Uint8Array | undefined;
  readonly target: (c: number) => NumberArray;
}

function partRead(p: number, entry: PartEntry, target: (c: number) => NumberArray): PartRead {
  const read: PartRead = {
    p,
    entry,
    decoded: new Map(),
    indexes: new Map(),
    tables: new Map(),
    leaderOf: undefined,
    sharedRead: false,
    sharedEntries: undefined,
    target,
  };
  return read;
}

class FileSegmentReader implements SegmentReader {
  readonly meta: SegmentMeta;
  private readonly columnIndex = new Map<string, number>();
  private readonly blocks: BlockSource;
  private readonly scratch: ReaderScratch;
  /** The shared address dictionary of the part being read. */
  private readonly shared = new AddrTable();
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
    this.meta = segmentMeta(footer, size);
    for (const [i, col] of footer.schema.entries()) this.columnIndex.set(col.name, i);
  }

  readPart(
    part: number,
    columns: readonly string[],
    allocate?: ColumnAllocator,
    options?: ReadOptions,
  ): JobColumns {
    const entry = this.footer.parts[part];
    if (entry === undefined) throw new RangeError(`segment ${this.path} has no part ${part}`);
    const out: Record<string, NumberArray> = {};
    const dicts: Record<string, readonly string[]> = {};
    const addressDicts: Record<string, AddressDictionary> = {};
    let anyDict = false;
    const asDict = options?.addressDicts;
    const alloc = allocate ?? allocateUninitialized;
    const wanted = new Set(columns);
    const read = partRead(part, entry, (i) => {
      const col = this.footer.schema[i]!;
      return wanted.has(col.name)
        ? alloc(col.name, col.type, entry.rows)
        : this.scratch.column(i, entry.rows);
    });
    const prefetch: BlockEntry[] = [];
    for (const name of columns) {
      const block = entry.blocks[this.columnIndex.get(name) ?? -1];
      if (block !== undefined) prefetch.push(block);
    }
    if (entry.repeats !== undefined) prefetch.push(entry.repeats);
    if (entry.addresses !== undefined) prefetch.push(entry.addresses);
    this.blocks.prefetch(prefetch);
    try {
      for (const name of columns) {
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
        if (asDict?.includes(name)) {
          const dict = this.addressDict(read, c, alloc);
          if (dict !== undefined) {
            addressDicts[name] = dict;
            anyDict = true;
            continue;
          }
        }
        const column = this.column(read, c);
        out[name] = column.array;
        if (column.dict !== undefined) dicts[name] = column.dict;
      }
    } finally {
      this.blocks.release();
    }
    return anyDict
      ? { rows: entry.rows, columns: out, dicts, addressDicts }
      : { rows: entry.rows, columns: out, dicts };
  }

  /**
   * Address column `c` in dictionary form if its block is a dictionary (else undefined: the
   * caller decodes rows). The shared dictionary's entries are written once per part, so src_addr
   * and dst_addr hand over the same array; the indexes serve keyed columns too.
   */
  private addressDict(read: PartRead, c: number, alloc: ColumnAllocator): AddressDictionary | undefined {
    const { entry } = read;
    const col = this.footer.schema[c]!;
    const block = entry.blocks[c]!;
    if (col.type !== 'addr' || (block.encoding !== ADDR_DICT_ID && block.encoding !== ADDR_SHARED_ID))
      return undefined;
    const where = `part ${read.p} column ${col.name}`;
    try {
      const raw = this.blocks.raw(block, where, 0);
      const leaderOf = this.storedRows(entry, block) < entry.rows ? this.leaderOf(read) : undefined;
      const shared = raw[0] === ADDR_SHARED ? this.sharedAddresses(read) : undefined;
      const dict = addressDictOf(raw, col.name, entry.rows, leaderOf, shared, read.sharedEntries, alloc);
      read.indexes.set(c, dict.indexes);
      if (shared !== undefined) read.sharedEntries = dict.entries;
      return dict;
    } catch (err) {
      if (err instanceof CorruptSegmentError) throw err;
      throw new CorruptSegmentError(this.path, `${where}: ${(err as Error).message}`);
    }
  }

  /** Rows a block stores: the part's leaders for a grouped block, else every row. */
  private storedRows(entry: PartEntry, block: BlockEntry): number {
    return block.flags & BLOCK_GROUPED ? entry.leaders : entry.rows;
  }

  /** Decodes column `c` of a part, and the column it is stored relative to, if any (once per call). */
  private column(read: PartRead, c: number): DecodedColumn {
    const done = read.decoded.get(c);
    if (done !== undefined) return done;
    const { entry, p } = read;
    const col = this.footer.schema[c]!;
    const where = `part ${p} column ${col.name}`;
    const block = entry.blocks[c]!;
    const stored = this.storedRows(entry, block);
    const grouped = stored < entry.rows;
    // Address dictionaries and keyed tables expand repeats on their indexes (4 bytes a row, and
    // once for an address and the columns keyed by it) instead of on their output.
    const dictionary =
      col.type === 'addr' && (block.encoding === ADDR_DICT_ID || block.encoding === ADDR_SHARED_ID);
    const selfExpanding = grouped && (dictionary || block.encoding >= ENCODING_KEYED);
    const rows = selfExpanding ? entry.rows : stored;
    const array = read.target(c);
    const width = col.type === 'addr' ? 16 : 1;
    const view = rows === entry.rows ? array : array.subarray(0, rows * width);
    // A relative block decodes after its reference, straight into values (slot 2 keeps its bytes
    // while the reference decodes).
    const relative = block.encoding >= ENCODING_RELATIVE && block.encoding < ENCODING_KEYED;
    let referenceValues: Float64Array | undefined;
    const ctx: DecodeContext = {
      referenceValues: (ref) => {
        if (
          ref === c ||
          !(ref >= 0 && ref < entry.blocks.length) ||
          entry.blocks[ref]!.encoding >= ENCODING_RELATIVE
        ) {
          throw new DecodeError(`bad reference column ${ref}`);
        }
        const values = this.column(read, ref).array;
        if (!(values instanceof Float64Array))
          throw new DecodeError(`reference column ${ref} is not a time or u64 column`);
        referenceValues = values;
        return values;
      },
      indexScratch: (n) => this.scratch.indexes(c, n),
      keyIndexes: (k) => this.keyIndexes(read, k, grouped, where),
      tableScratch: (t) => this.scratch.table(c, t),
      tableOf: (owner) => this.tableOf(read, owner, where),
      sharedAddresses: () => this.sharedAddresses(read),
    };
    let column: DecodedColumn;
    try {
      const raw = this.blocks.raw(block, where, relative ? 2 : 0);
      const repeats = selfExpanding && dictionary ? this.leaderOf(read) : undefined;
      column = decodeColumn(col.type, block.encoding, raw, rows, view, ctx, repeats);
      if (grouped && !selfExpanding) expandRepeats(array, stored, this.leaderOf(read), width === 16);
    } catch (err) {
      if (err instanceof CorruptSegmentError) throw err;
      throw new CorruptSegmentError(this.path, `${where}: ${(err as Error).message}`);
    }
    const result: DecodedColumn = { ...column, array };
    read.decoded.set(c, result);
    if (column.indexes !== undefined) read.indexes.set(c, column.indexes);
    if (column.table !== undefined) read.tables.set(c, column.table);
    const ref = column.reference;
    if (ref === undefined || referenceValues !== undefined) return result;
    const refBlock = entry.blocks[ref];
    if (refBlock === undefined || ref === c || refBlock.encoding >= ENCODING_RELATIVE) {
      throw new CorruptSegmentError(this.path, `${where}: bad reference column ${ref}`);
    }
    const reference = this.column(read, ref);
    if (reference.array.length !== array.length || !(reference.array instanceof Float64Array)) {
      throw new CorruptSegmentError(
        this.path,
        `${where}: reference column ${ref} is not a time or u64 column`,
      );
    }
    applyReference(array, reference.array);
    return result;
  }

  /**
   * The dictionary indexes of address column `k` on every row of the part (repeats expanded),
   * for a keyed column; `grouped`: whether the keyed block stores the leaders only, as its key
   * must too.
   */
  private keyIndexes(read: PartRead, k: number, grouped: boolean, where: string): Uint32Array {
    const { entry } = read;
    const block = entry.blocks[k];
    if (block === undefined || this.footer.schema[k]!.type !== 'addr') {
      throw new DecodeError(`key column ${k} is not an address column`);
    }
    const stored = this.storedRows(entry, block);
    if (stored < entry.rows !== grouped) throw new DecodeError(`key column ${k} stores other rows`);
    const known = read.indexes.get(k);
    if (known !== undefined) return known;
    const raw = this.blocks.raw(block, `${where} (key)`, 1);
    const indexes = this.scratch.indexes(k, entry.rows);
    decodeIndexesOnly(raw, stored, indexes);
    if (grouped) expandRepeats(indexes, stored, this.leaderOf(read), false);
    read.indexes.set(k, indexes);
    return indexes;
  }

  /** The own table of keyed column `owner` (decoded alone if it was not read yet). */
  private tableOf(read: PartRead, owner: number, where: string): NumberArray {
    const known = read.tables.get(owner);
    if (known !== undefined) return known;
    const block = read.entry.blocks[owner];
    if (block === undefined || block.encoding < ENCODING_KEYED)
      throw new DecodeError(`column ${owner} has no keyed table`);
    const raw = this.blocks.raw(block, `${where} (table)`, 1);
    const table = decodeKeyedTable(new ByteReader(raw), read.entry.rows, (t) => this.scratch.table(owner, t));
    read.tables.set(owner, table);
    return table;
  }

  /** The part's shared address dictionary, decoded once per read. */
  private sharedAddresses(read: PartRead): AddrTable {
    if (read.sharedRead) return this.shared;
    const block = read.entry.addresses;
    if (block === undefined) throw new DecodeError('shared addresses without a part dictionary');
    const raw = this.blocks.raw(block, `part ${read.p} address dictionary`, 1);
    decodeSharedTable(raw, this.shared, 2 * read.entry.rows);
    read.sharedRead = true;
    return this.shared;
  }

  /** The part's repeat map, decoded once per read. */
  private leaderOf(read: PartRead): Uint32Array {
    if (read.leaderOf !== undefined) return read.leaderOf;
    const { entry } = read;
    const count = entry.rows - entry.leaders;
    if (entry.repeats === undefined) throw new DecodeError('grouped block without a repeat map');
    const raw = this.blocks.raw(entry.repeats, `part ${read.p} repeat map`, 1);
    const leaderOf = this.scratch.repeats(count);
    const r = new ByteReader(raw);
    decodeInts(r, leaderOf);
    r.done();
    let max = 0;
    for (let j = 0; j < count; j++) if (leaderOf[j]! > max) max = leaderOf[j]!;
    if (max >= entry.leaders) throw new DecodeError(`repeat of row ${max}, beyond ${entry.leaders} leaders`);
    read.leaderOf = leaderOf;
    return leaderOf;
  }

  /** Reads and checks every block of every part; throws CorruptSegmentError at the first bad one. */
  verify(): void {
    this.footer.parts.forEach((entry, p) => {
      const read = partRead(p, entry, (c) => this.scratch.column(c, entry.rows));
      try {
        if (entry.repeats !== undefined) this.leaderOf(read);
        if (entry.addresses !== undefined) this.sharedAddresses(read);
      } catch (err) {
        if (err instanceof CorruptSegmentError) throw err;
        throw new CorruptSegmentError(this.path, `part ${p} repeat map: ${(err as Error).message}`);
      }
      for (let c = 0; c < entry.blocks.length; c++) this.column(read, c);
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
