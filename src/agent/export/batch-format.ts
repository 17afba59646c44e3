import { endianness } from 'node:os';
import { bytesPerRow, columnTypeCodes, columnTypeOfCode } from '../../flow/column-types.js';
import type { ColumnType } from '../../flow/schema.js';

/**
 * The flowlens batch format (`application/vnd.flowlens.batch`, docs/agent-export.md): one
 * FlowBatch as columns, zstd-compressed, behind a fixed little-endian header.
 *
 *   0  4  magic "FLWB"
 *   4  2  version (1)
 *   6  2  flags: bit 0 = payload zstd-compressed; other bits must be 0
 *   8  4  header length (48; a reader skips header bytes it does not know)
 *  12  4  CRC-32 of header bytes [16, header length) followed by the uncompressed payload
 *  16  8  session: 8 random bytes chosen by the sender
 *  24  8  sequence number within the session (u64, at most 2^53)
 *  32  4  rows
 *  36  4  payload length uncompressed
 *  40  4  payload length as stored
 *  44  4  reserved (0)
 *
 * Payload: u16 column count, then per column: u8 name length, the name (ASCII), u8 type code,
 * u8 string code width (1, 2 or 4; 0 for other types), u16 reserved, u32 data length, the data:
 * the typed array's bytes (addresses 16 bytes a row, u64/time/mac as float64); for a string
 * column u32 dictionary size n (entry 0 is ''), n u32 byte lengths, the UTF-8 bytes, then one
 * code a row of the given width.
 */

export const MAGIC = 0x4257_4c46; // "FLWB" read as a little-endian u32
export const VERSION = 1;
export const HEADER_BYTES = 48;
export const FLAG_ZSTD = 1;
export const MEDIA_TYPE = 'application/vnd.flowlens.batch';

export const typeCodes = columnTypeCodes;
export const typeOfCode = columnTypeOfCode;

/** Bytes a row of a column type takes in the payload (string: the dictionary comes on top). */
export function rowWidth(type: ColumnType): number {
  return type === 'string' ? 0 : bytesPerRow(type);
}

/** The stable codes a batch is refused with (the HTTP error code as is). */
export type BatchErrorCode =
  | 'batch_bad_magic'
  | 'batch_unsupported_version'
  | 'batch_bad_flags'
  | 'batch_truncated'
  | 'batch_bad_length'
  | 'batch_too_large'
  | 'batch_decompress'
  | 'batch_checksum'
  | 'batch_bad_column'
  | 'batch_bad_value';

export const batchErrorCodes: readonly BatchErrorCode[] = [
  'batch_bad_magic',
  'batch_unsupported_version',
  'batch_bad_flags',
  'batch_truncated',
  'batch_bad_length',
  'batch_too_large',
  'batch_decompress',
  'batch_checksum',
  'batch_bad_column',
  'batch_bad_value',
];

export class BatchFormatError extends Error {
  constructor(
    readonly code: BatchErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** What the header says. `session` is 16 hex digits. */
export interface BatchHeader {
  readonly version: number;
  readonly flags: number;
  readonly session: string;
  readonly seq: number;
  readonly rows: number;
  readonly rawBytes: number;
  readonly storedBytes: number;
  readonly headerBytes: number;
}

// Typed arrays are copied byte for byte: the format is little-endian, like every host we run on.
if (endianness() !== 'LE') throw new Error('the flowlens batch format needs a little-endian host');
