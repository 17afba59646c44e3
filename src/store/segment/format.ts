import type { ColumnDef, ColumnType } from '../../flow/schema.js';
import type { Resolution } from '../backend.js';
import { ByteReader, ByteWriter, DecodeError } from '../encoding/byte-io.js';
import type { SegmentHeader, SegmentTable } from './types.js';

/**
 * Segment file layout (version 4; little-endian; full description in docs/store-format.md):
 *
 *   header   16 bytes: "FLSEG\n\x1a\0", u16 version, 6 zero bytes
 *   blocks   per part: its part-level blocks (repeat map, shared address dictionary), then per schema column one
 *            encoded (src/store/encoding) and compressed column block, tiling the bytes up to
 *            the footer in that order
 *   footer   segment header, CRC32C of the file header, schema (name, type, source, rollup),
 *            per part: bucket, device, rows, leaders and part-level blocks (version 4),
 *            and per column: offset, stored length, raw length, codec, encoding, flags (version
 *            4), block checksum (XXH32; CRC32C in version 2), min/max; zstd-compressed
 *   trailer  36 bytes: footer offset/length/raw length/CRC32C/codec, CRC32C of those, "FLSEGEND"
 *
 * Every byte is under a checksum: blocks (footer), footer (trailer), trailer (itself), header
 * (footer). The reader checks the structure at open and each block when it reads it.
 */

// Payloads are read and written through typed-array views, which use the host's byte order.
if (new Uint8Array(Uint16Array.of(1).buffer)[0] !== 1) {
  throw new Error('the segment format needs a little-endian host');
}

/** File header: magic, format version, 6 zero bytes. */
export const FILE_MAGIC = new Uint8Array([0x46, 0x4c, 0x53, 0x45, 0x47, 0x0a, 0x1a, 0x00]); // "FLSEG\n\x1a\0"
export const FORMAT_VERSION = 4;
/**
 * Versions 2 and 3 are still read. Version 2 differs from 3 only in the block checksum: CRC32C,
 * where version 3 has XXH32 (src/store/encoding/xxh32.ts), which is 7x faster to check in
 * JavaScript. Version 4 adds repeated rows (leaders, repeat map, the grouped flag), bit-packed
 * payloads, split blocks, address dictionaries and keyed columns.
 */
export const OLDEST_READABLE_VERSION = 2;
/** Block flag (version 4): the block stores the part's leader rows only (see PartEntry.leaders). */
export const BLOCK_GROUPED = 1;
/** Part-level blocks (version 4): the repeat map, and the address dictionary columns share. */
export const PART_REPEATS = 1;
export const PART_ADDRESSES = 2;
export const HEADER_SIZE = 16;

/**
 * Trailer, the last 36 bytes: footer offset (u64), stored length (u32), raw length (u32),
 * CRC32C of the stored footer (u32), footer codec (u8) + 3 zero bytes, CRC32C of these 24
 * bytes (u32), then the end magic.
 */
export const TRAILER_MAGIC = new Uint8Array([0x46, 0x4c, 0x53, 0x45, 0x47, 0x45, 0x4e, 0x44]); // "FLSEGEND"
export const TRAILER_SIZE = 36;

const columnTypes: readonly ColumnType[] = ['u8', 'u16', 'u32', 'u64', 'time', 'addr', 'mac', 'string'];
const sources: readonly ColumnDef['source'][] = ['collector', 'router', 'host'];
const rollupRoles = [undefined, 'dimension', 'measure'] as const;
const tables: readonly SegmentTable[] = ['flows', 'rollup'];
const resolutions: readonly Resolution[] = ['minute', 'hour', 'day'];

/** Where one column block of one part is, and what it holds. */
export interface BlockEntry {
  readonly offset: number;
  readonly length: number;
  readonly rawLength: number;
  readonly codec: number;
  readonly encoding: number;
  /** BLOCK_GROUPED or 0 (always 0 before version 4). */
  readonly flags: number;
  /** Checksum of the stored bytes: XXH32 (version 3) or CRC32C (version 2). */
  readonly crc: number;
  readonly min: number | undefined;
  readonly max: number | undefined;
}

export interface PartEntry {
  readonly bucket: number;
  readonly deviceId: number;
  readonly rows: number;
  /**
   * Rows 0..leaders-1 are distinct conversations; each later row repeats one of them in every
   * grouped column (version 4; = rows before). Grouped blocks store the leaders only.
   */
  readonly leaders: number;
  /** Integer block of the leader of each row from `leaders` on (non-decreasing); when leaders < rows. */
  readonly repeats: BlockEntry | undefined;
  /** The address dictionary that ADDR_SHARED blocks of the part index (addr-dict.ts), if any. */
  readonly addresses: BlockEntry | undefined;
  /** One per schema column, in schema order. */
  readonly blocks: readonly BlockEntry[];
}

export interface Footer {
  readonly header: SegmentHeader;
  readonly headerCrc: number;
  readonly schema: readonly ColumnDef[];
  readonly parts: readonly PartEntry[];
}

function indexOf<T>(list: readonly T[], value: T, what: string): number {
  const i = list.indexOf(value);
  if (i < 0) throw new Error(`cannot store ${what} ${String(value)}`);
  return i;
}

function pick<T>(list: readonly T[], i: number, what: string): T {
  if (i >= list.length) throw new DecodeError(`unknown ${what} ${i}`);
  return list[i]!;
}

export function encodeFooter(footer: Footer): Uint8Array {
  const w = new ByteWriter(1024 + footer.parts.length * footer.schema.length * 24);
  const h = footer.header;
  w.string(h.tenant);
  w.u8(indexOf(tables, h.table, 'table'));
  w.u8(indexOf(resolutions, h.resolution, 'resolution'));
  w.f64(h.walLsn);
  w.f64(h.createdAt);
  w.u32(footer.headerCrc);
  w.varint(footer.schema.length);
  for (const col of footer.schema) {
    w.string(col.name);
    w.u8(indexOf(columnTypes, col.type, 'column type'));
    w.u8(indexOf(sources, col.source, 'column source'));
    w.u8(rollupRoles.indexOf(col.rollup));
  }
  w.varint(footer.parts.length);
  for (const part of footer.parts) {
    w.f64(part.bucket);
    w.varint(part.deviceId);
    w.varint(part.rows);
    w.varint(part.leaders);
    const aux: [number, BlockEntry | undefined][] = [
      [PART_REPEATS, part.repeats],
      [PART_ADDRESSES, part.addresses],
    ];
    w.varint(aux.filter(([, b]) => b !== undefined).length);
    for (const [type, m] of aux) {
      if (m === undefined) continue;
      w.u8(type);
      w.varint(m.offset);
      w.varint(m.length);
      w.varint(m.rawLength);
      w.u8(m.codec);
      w.u32(m.crc);
    }
    for (const b of part.blocks) {
      w.varint(b.offset);
      w.varint(b.length);
      w.varint(b.rawLength);
      w.u8(b.codec);
      w.u8(b.encoding);
      w.u8(b.flags);
      w.u32(b.crc);
      if (b.min === undefined || b.max === undefined) {
        w.u8(0);
      } else {
        w.u8(1);
        w.f64(b.min);
        w.f64(b.max);
      }
    }
  }
  return w.view8().slice();
}

/**
 * Parses a footer of format `version`; `describe` supplies column descriptions (not stored in
 * the file).
 */
export function decodeFooter(
  bytes: Uint8Array,
  describe: (name: string) => string,
  version: number = FORMAT_VERSION,
): Footer {
  const r = new ByteReader(bytes);
  const header: SegmentHeader = {
    tenant: r.string(),
    table: pick(tables, r.u8(), 'table'),
    resolution: pick(resolutions, r.u8(), 'resolution'),
    walLsn: r.f64(),
    createdAt: r.f64(),
  };
  const headerCrc = r.u32();
  const schema: ColumnDef[] = [];
  const columnCount = r.count(4);
  for (let i = 0; i < columnCount; i++) {
    const name = r.string();
    const type = pick(columnTypes, r.u8(), 'column type');
    const source = pick(sources, r.u8(), 'column source');
    const rollup = pick(rollupRoles, r.u8(), 'rollup role');
    const description = describe(name);
    schema.push(
      rollup === undefined
        ? { name, type, source, description }
        : { name, type, source, description, rollup },
    );
  }
  const parts: PartEntry[] = [];
  const partCount = r.count(10 + columnCount * 9);
  for (let p = 0; p < partCount; p++) {
    const bucket = r.f64();
    const deviceId = r.varint();
    const rows = r.varint();
    const leaders = version >= 4 ? r.varint() : rows;
    if (leaders > rows) throw new DecodeError(`${leaders} leaders of ${rows} rows`);
    let repeats: BlockEntry | undefined;
    let addresses: BlockEntry | undefined;
    const auxCount = version >= 4 ? r.varint() : 0;
    for (let a = 0; a < auxCount; a++) {
      const type = r.u8();
      const offset = r.varint();
      const length = r.varint();
      const rawLength = r.varint();
      const codec = r.u8();
      const crc = r.u32();
      const entry = {
        offset,
        length,
        rawLength,
        codec,
        encoding: 0,
        flags: 0,
        crc,
        min: undefined,
        max: undefined,
      };
      if (type === PART_REPEATS && repeats === undefined && a === 0) repeats = entry;
      else if (type === PART_ADDRESSES && addresses === undefined) addresses = entry;
      else throw new DecodeError(`bad part block ${type}`);
    }
    if (leaders < rows !== (repeats !== undefined)) throw new DecodeError('repeat map and leaders disagree');
    const blocks: BlockEntry[] = [];
    for (let c = 0; c < columnCount; c++) {
      const offset = r.varint();
      const length = r.varint();
      const rawLength = r.varint();
      const codec = r.u8();
      const encoding = r.u8();
      const flags = version >= 4 ? r.u8() : 0;
      if (flags > BLOCK_GROUPED) throw new DecodeError(`bad block flags ${flags}`);
      const crc = r.u32();
      const hasStats = r.u8();
      if (hasStats > 1) throw new DecodeError('bad stats flag');
      const min = hasStats ? r.f64() : undefined;
      const max = hasStats ? r.f64() : undefined;
      blocks.push({ offset, length, rawLength, codec, encoding, flags, crc, min, max });
    }
    parts.push({ bucket, deviceId, rows, leaders, repeats, addresses, blocks });
  }
  r.done();
  return { header, headerCrc, schema, parts };
}
