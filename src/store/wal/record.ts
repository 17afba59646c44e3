import { endianness } from 'node:os';
import { crc32 } from 'node:zlib';
import type { NumberArray } from '../../flow/batch.js';
import { columnTypeCodes } from '../../flow/column-types.js';
import type { ColumnDef, ColumnType } from '../../flow/schema.js';
import { align8, packAddr, packNarrow, unpackAddr, unpackNarrow } from './column-pack.js';

/**
 * One WAL record: the rows of one append, columnar. Little-endian, every block 8-byte aligned so
 * that replay reads the columns as typed-array views of the file buffer, without copying:
 *
 *   header (24 bytes)  u32 RECORD_MAGIC | u32 total length (header included, multiple of 8)
 *                      | u32 CRC-32 of bytes 12..length | u32 rows | f64 LSN
 *   descriptor         u16 column count, then per column: u8 name length, name (ASCII),
 *                      u8 type code, u32 data bytes, u32 dictionary entries,
 *                      per entry u32 byte length + UTF-8; padded to 8
 *   column data        rows × width bytes per column, each padded to 8; a column whose rows
 *                      all hold one value (type code | CONSTANT: i_start_time, unused fields
 *                      a producer touched) is 8 bytes instead: that value as an f64 (0 for addr);
 *                      type code | NARROW: numbers as base + 1/2/4-byte offsets, type code |
 *                      ADDR4: IPv4 addresses as 4 bytes (formats in ./column-pack.ts)
 *
 * Columns are named (not numbered), so a record stays readable when the schema gains columns.
 * Only the columns the batch touched are written; strings carry their batch's dictionary.
 */

export const WAL_FILE_MAGIC = Buffer.from('FLWAL01\n', 'latin1');
export const RECORD_MAGIC = 0x31434552; // 'REC1'
export const RECORD_HEADER_BYTES = 24;

if (endianness() !== 'LE') throw new Error('the WAL format assumes a little-endian machine');

const typeCodes = columnTypeCodes;
const zeros = Buffer.alloc(8);
const CONSTANT = 0x80;
const NARROW = 0x40;
const ADDR4 = 0x20;
const FLAGS = CONSTANT | NARROW | ADDR4;

/** The value every row of a column holds, or undefined (addresses: only all-zero counts). */
function constantValue(array: NumberArray, rows: number, type: ColumnType): number | undefined {
  if (rows === 0) return undefined;
  if (type === 'addr') {
    const words =
      array.byteOffset % 4 === 0 ? new Uint32Array(array.buffer, array.byteOffset, rows * 4) : undefined;
    if (words === undefined) return undefined;
    for (let i = 0; i < words.length; i++) if (words[i] !== 0) return undefined;
    return 0;
  }
  const first = array[0]!;
  for (let i = 1; i < rows; i++) if (array[i] !== first) return undefined;
  return first;
}

/** The columns of a batch to log: arrays and dictionaries by schema index, undefined = all zero. */
export interface RowSource {
  readonly length: number;
  readonly arrays: readonly (NumberArray | undefined)[];
  readonly dicts: readonly (readonly string[] | undefined)[];
}

export interface EncodedRecord {
  readonly lsn: number;
  readonly parts: Buffer[];
  readonly bytes: number;
}

export function columnWidth(type: ColumnType): number {
  return type === 'addr' ? 16 : 1;
}

/** Encodes a record; the column parts are views of the batch's arrays (valid until it is reused). */
export function encodeRecord(schema: readonly ColumnDef[], source: RowSource, lsn: number): EncodedRecord {
  const rows = source.length;
  const descParts: Buffer[] = [];
  const dataParts: Buffer[] = [];
  let columns = 0;
  for (let i = 0; i < schema.length; i++) {
    const array = source.arrays[i];
    if (array === undefined) continue;
    columns++;
    const col = schema[i]!;
    const constant = constantValue(array, rows, col.type);
    let data: Buffer | undefined;
    let flag = 0;
    if (constant === undefined) {
      data = col.type === 'addr' ? packAddr(array as Uint8Array, rows) : packNarrow(array, rows);
      if (data !== undefined) flag = col.type === 'addr' ? ADDR4 : NARROW;
      else
        data = Buffer.from(
          array.buffer,
          array.byteOffset,
          rows * columnWidth(col.type) * array.BYTES_PER_ELEMENT,
        );
    } else {
      flag = CONSTANT;
      data = Buffer.allocUnsafe(8);
      data.writeDoubleLE(constant, 0);
    }
    const dict = col.type === 'string' ? (source.dicts[i] ?? ['']) : [];
    const name = Buffer.from(col.name, 'latin1');
    const head = Buffer.allocUnsafe(10 + name.length);
    head.writeUInt8(name.length, 0);
    name.copy(head, 1);
    head.writeUInt8(typeCodes[col.type] | flag, 1 + name.length);
    head.writeUInt32LE(data.length, 2 + name.length);
    head.writeUInt32LE(dict.length, 6 + name.length);
    descParts.push(head);
    for (const value of dict) {
      const bytes = Buffer.from(value, 'utf8');
      const len = Buffer.allocUnsafe(4);
      len.writeUInt32LE(bytes.length, 0);
      descParts.push(len, bytes);
    }
    dataParts.push(data);
    if (data.length % 8 !== 0) dataParts.push(zeros.subarray(0, 8 - (data.length % 8)));
  }
  const count = Buffer.allocUnsafe(2);
  count.writeUInt16LE(columns, 0);
  descParts.unshift(count);
  const descLength = descParts.reduce((sum, part) => sum + part.length, 0);
  if (descLength % 8 !== 0) descParts.push(zeros.subarray(0, 8 - (descLength % 8)));
  const header = Buffer.alloc(RECORD_HEADER_BYTES);
  const parts = [header, ...descParts, ...dataParts];
  let bytes = 0;
  for (const part of parts) bytes += part.length;
  header.writeUInt32LE(RECORD_MAGIC, 0);
  header.writeUInt32LE(bytes, 4);
  header.writeUInt32LE(rows, 12);
  header.writeDoubleLE(lsn, 16);
  let crc = crc32(header.subarray(12));
  for (let p = 1; p < parts.length; p++) crc = crc32(parts[p]!, crc);
  header.writeUInt32LE(crc, 8);
  return { lsn, parts, bytes };
}

/** A decoded record: column arrays are views of the buffer it was read from. */
export interface DecodedRecord extends RowSource {
  readonly lsn: number;
  /** Bytes the record occupies. */
  readonly bytes: number;
  /** Columns in the record that the schema no longer has (or with another type): ignored. */
  readonly unknownColumns: number;
}

export type DecodeResult = DecodedRecord | 'end' | 'torn';

/**
 * Decodes the record at `offset` of `buf` (which must start 8-byte aligned in memory). 'end' at
 * the exact end of the data, 'torn' for anything that is not a whole record with a good CRC.
 */
export function decodeRecord(schema: readonly ColumnDef[], buf: Buffer, offset: number): DecodeResult {
  if (offset === buf.length) return 'end';
  if (buf.length - offset < RECORD_HEADER_BYTES) return 'torn';
  if (buf.readUInt32LE(offset) !== RECORD_MAGIC) return 'torn';
  const length = buf.readUInt32LE(offset + 4);
  if (length < RECORD_HEADER_BYTES || length % 8 !== 0 || offset + length > buf.length) return 'torn';
  if (crc32(buf.subarray(offset + 12, offset + length)) !== buf.readUInt32LE(offset + 8)) return 'torn';
  const rows = buf.readUInt32LE(offset + 12);
  const lsn = buf.readDoubleLE(offset + 16);
  const arrays: (NumberArray | undefined)[] = new Array(schema.length).fill(undefined);
  const dicts: (string[] | undefined)[] = new Array(schema.length).fill(undefined);
  let unknownColumns = 0;
  let p = offset + RECORD_HEADER_BYTES;
  const columns = buf.readUInt16LE(p);
  p += 2;
  const pending: { index: number; type: ColumnType; bytes: number; flags: number }[] = [];
  for (let c = 0; c < columns; c++) {
    const nameLength = buf.readUInt8(p);
    const name = buf.toString('latin1', p + 1, p + 1 + nameLength);
    p += 1 + nameLength;
    const code = buf.readUInt8(p);
    const bytes = buf.readUInt32LE(p + 1);
    const entries = buf.readUInt32LE(p + 5);
    p += 9;
    const dict: string[] = new Array(entries);
    for (let e = 0; e < entries; e++) {
      const len = buf.readUInt32LE(p);
      dict[e] = buf.toString('utf8', p + 4, p + 4 + len);
      p += 4 + len;
    }
    const index = schema.findIndex((col) => col.name === name);
    const type = index < 0 ? undefined : schema[index]!.type;
    if (type === undefined || typeCodes[type] !== (code & ~FLAGS)) {
      unknownColumns++;
      pending.push({ index: -1, type: 'u8', bytes, flags: 0 });
      continue;
    }
    if (type === 'string') dicts[index] = dict;
    pending.push({ index, type, bytes, flags: code & FLAGS });
  }
  p = offset + align8(p - offset);
  for (const col of pending) {
    if (col.index < 0) {
      // unknown column: skipped
    } else if (col.flags === CONSTANT) {
      arrays[col.index] = constantColumn(col.type, rows, buf.readDoubleLE(p));
    } else if (col.flags === NARROW) {
      const out = constantColumn(col.type, rows, 0);
      unpackNarrow(buf, p, rows, out);
      arrays[col.index] = out;
    } else if (col.flags === ADDR4) {
      const out = constantColumn(col.type, rows, 0) as Uint8Array;
      unpackAddr(buf, p, rows, out);
      arrays[col.index] = out;
    } else arrays[col.index] = view(buf, p, col.type, col.bytes);
    p += align8(col.bytes);
  }
  return { lsn, length: rows, arrays, dicts, bytes: length, unknownColumns };
}

function constantColumn(type: ColumnType, rows: number, value: number): NumberArray {
  const bytes =
    rows *
    columnWidth(type) *
    (type === 'u16' ? 2 : type === 'u32' || type === 'string' ? 4 : type === 'u8' || type === 'addr' ? 1 : 8);
  const array = view(Buffer.alloc(bytes), 0, type, bytes);
  if (value !== 0) array.fill(value);
  return array;
}

function view(buf: Buffer, offset: number, type: ColumnType, bytes: number): NumberArray {
  const at = buf.byteOffset + offset;
  switch (type) {
    case 'u8':
    case 'addr':
      return new Uint8Array(buf.buffer, at, bytes);
    case 'u16':
      return new Uint16Array(buf.buffer, at, bytes / 2);
    case 'u32':
    case 'string':
      return new Uint32Array(buf.buffer, at, bytes / 4);
    default:
      return new Float64Array(buf.buffer, at, bytes / 8);
  }
}
