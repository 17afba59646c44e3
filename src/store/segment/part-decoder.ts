import type { NumberArray } from '../../flow/batch.js';
import type { AddressDictionary } from '../backend.js';
import { ADDR_SHARED, type AddrTable, decodeSharedTable } from '../encoding/addr-dict.js';
import { ByteReader, DecodeError } from '../encoding/byte-io.js';
import type { ColumnAllocator } from '../encoding/column-alloc.js';
import {
  applyReference,
  type DecodeContext,
  type DecodedColumn,
  decodeColumn,
  decodeIndexesOnly,
} from '../encoding/column-decode.js';
import { expandRepeats } from '../encoding/expand.js';
import { decodeIndexInts } from '../encoding/int-decode.js';
import { decodeKeyedTable } from '../encoding/keyed-decode.js';
import type { BlockSource } from './block-source.js';
import { BLOCK_GROUPED, type BlockEntry, type Footer, type PartEntry } from './format.js';
import { addressDictOf } from './reader-addr-dict.js';
import type { ReaderScratch } from './reader-scratch.js';
import { CorruptSegmentError } from './types.js';

/** Encoding ids (column-codec.ts): relative, keyed, and the address dictionary kinds. */
const ENCODING_RELATIVE = 0x30;
export const ENCODING_KEYED = 0x40;
const ADDR_DICT_ID = 0x13;
const ADDR_SHARED_ID = 0x14;

/** The state of one `readPart` call. */
export interface PartRead {
  readonly p: number;
  readonly entry: PartEntry;
  readonly decoded: Map<number, DecodedColumn>;
  /** Dictionary indexes of address columns decoded (or read for a keyed column) in this call. */
  readonly indexes: Map<number, Uint32Array>;
  /** Own tables of keyed columns decoded in this call. */
  readonly tables: Map<number, NumberArray>;
  /** Indexes and tables handed over in keyed form (from the caller's allocator), by column. */
  readonly handedIndexes: Map<number, Uint32Array>;
  readonly handedTables: Map<number, NumberArray>;
  /** A bound on the indexes of each key handed over in keyed form (the largest, or the dictionary's last). */
  readonly keyMax: Map<number, number>;
  leaderOf: Uint32Array | undefined;
  /** Whether the part's shared address dictionary is in `PartDecoder.shared`. */
  sharedRead: boolean;
  /** The shared dictionary's entries, once written for a column read in dictionary form. */
  sharedEntries: Uint8Array | undefined;
  readonly target: (c: number) => NumberArray;
}

export function partRead(p: number, entry: PartEntry, target: (c: number) => NumberArray): PartRead {
  const read: PartRead = {
    p,
    entry,
    decoded: new Map(),
    indexes: new Map(),
    tables: new Map(),
    handedIndexes: new Map(),
    handedTables: new Map(),
    keyMax: new Map(),
    leaderOf: undefined,
    sharedRead: false,
    sharedEntries: undefined,
    target,
  };
  return read;
}

/**
 * Decodes the blocks of one part of a segment for a `readPart` call (`PartRead`): columns as
 * rows, address columns in dictionary form, and what they need (reference columns, key indexes,
 * keyed tables, the repeat map, the shared address dictionary), each once per call.
 */
export class PartDecoder {
  constructor(
    readonly path: string,
    readonly footer: Footer,
    readonly blocks: BlockSource,
    private readonly scratch: ReaderScratch,
    /** The shared address dictionary of the part being read. */
    private readonly shared: AddrTable,
  ) {}

  /**
   * Address column `c` in dictionary form if its block is a dictionary (else undefined: the
   * caller decodes rows). The shared dictionary's entries are written once per part, so src_addr
   * and dst_addr hand over the same array; the indexes serve keyed columns too.
   */
  addressDict(read: PartRead, c: number, alloc: ColumnAllocator): AddressDictionary | undefined {
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
      read.handedIndexes.set(c, dict.indexes);
      // Checked against the dictionary's size: a keyed table as long needs no check of its own.
      read.keyMax.set(c, dict.size - 1);
      if (shared !== undefined) read.sharedEntries = dict.entries;
      return dict;
    } catch (err) {
      if (err instanceof CorruptSegmentError) throw err;
      throw new CorruptSegmentError(this.path, `${where}: ${(err as Error).message}`);
    }
  }

  /** Rows a block stores: the part's leaders for a grouped block, else every row. */
  storedRows(entry: PartEntry, block: BlockEntry): number {
    return block.flags & BLOCK_GROUPED ? entry.leaders : entry.rows;
  }

  /** Decodes column `c` of a part, and the column it is stored relative to, if any (once per call). */
  column(read: PartRead, c: number): DecodedColumn {
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
  keyIndexes(read: PartRead, k: number, grouped: boolean, where: string): Uint32Array {
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
  tableOf(read: PartRead, owner: number, where: string): NumberArray {
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
  sharedAddresses(read: PartRead): AddrTable {
    if (read.sharedRead) return this.shared;
    const block = read.entry.addresses;
    if (block === undefined) throw new DecodeError('shared addresses without a part dictionary');
    const raw = this.blocks.raw(block, `part ${read.p} address dictionary`, 1);
    decodeSharedTable(raw, this.shared, 2 * read.entry.rows);
    read.sharedRead = true;
    return this.shared;
  }

  /** The part's repeat map, decoded once per read. */
  leaderOf(read: PartRead): Uint32Array {
    if (read.leaderOf !== undefined) return read.leaderOf;
    const { entry } = read;
    const count = entry.rows - entry.leaders;
    if (entry.repeats === undefined) throw new DecodeError('grouped block without a repeat map');
    const raw = this.blocks.raw(entry.repeats, `part ${read.p} repeat map`, 1);
    const leaderOf = this.scratch.repeats(count);
    const r = new ByteReader(raw);
    const max = decodeIndexInts(r, leaderOf);
    r.done();
    if (max >= entry.leaders) throw new DecodeError(`repeat of row ${max}, beyond ${entry.leaders} leaders`);
    read.leaderOf = leaderOf;
    return leaderOf;
  }
}
