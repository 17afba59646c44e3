import { DecodeError } from '../encoding/byte-io.js';
import { crc32c } from '../encoding/crc32c.js';

/**
 * A table file is a sequence of blocks, each one append:
 *
 *   header (44 bytes, little-endian, not compressed)
 *     0  u32  magic 'FLTB'
 *     4  u8   version (1)
 *     5  u8   codec of the payload: 0 none, 1 zstd, 2 zstd with the raw payload of the file's
 *              block at offset 0 as its dictionary (see FILE_DICT)
 *     6  u16  0
 *     8  u32  rows
 *    12  u32  columns
 *    16  u32  raw (uncompressed) payload bytes
 *    20  u32  stored payload bytes (what follows the header)
 *    24  f64  least time of the block's rows
 *    32  f64  greatest time
 *    40  u32  CRC32C of header bytes 0–39 and the stored payload
 *   payload (block-encode.ts)
 *
 * The lengths and the checksum let a reader tell a complete block from a torn one (a crash in the
 * middle of an append) and from a damaged one.
 */
/**
 * Codec 2: successive snapshots of one table repeat the same names and tags, which each block's
 * own dictionaries carry again. Compressed against the first block of its file (whose payload
 * holds them all), a metrics block shrinks about 9× (4,023 → 451 bytes for 743 rows). The price:
 * damage to a file's first block makes its codec-2 blocks unreadable too (an hour of rows).
 */
export const CODEC_ZSTD_FILE_DICT = 2;

export const BLOCK_MAGIC = 0x42544c46;
export const BLOCK_VERSION = 1;
export const HEADER_BYTES = 44;
/** No block is this large; a header saying so is damaged. */
export const MAX_PAYLOAD_BYTES = 1 << 30;

export interface BlockHeader {
  readonly codec: number;
  readonly rows: number;
  readonly columns: number;
  readonly rawLength: number;
  readonly storedLength: number;
  readonly minTime: number;
  readonly maxTime: number;
  readonly checksum: number;
}

/** Writes the header for `payload` into `out[0..HEADER_BYTES)`, checksum included. */
export function writeHeader(out: Uint8Array, h: Omit<BlockHeader, 'checksum'>, payload: Uint8Array): void {
  const v = new DataView(out.buffer, out.byteOffset, HEADER_BYTES);
  v.setUint32(0, BLOCK_MAGIC, true);
  v.setUint8(4, BLOCK_VERSION);
  v.setUint8(5, h.codec);
  v.setUint16(6, 0, true);
  v.setUint32(8, h.rows, true);
  v.setUint32(12, h.columns, true);
  v.setUint32(16, h.rawLength, true);
  v.setUint32(20, h.storedLength, true);
  v.setFloat64(24, h.minTime, true);
  v.setFloat64(32, h.maxTime, true);
  v.setUint32(40, blockChecksum(out, 0, payload, 0, payload.length), true);
}

/**
 * The header at `at`, checked for what can be checked without the payload: magic, version,
 * codec, sane lengths. Throws DecodeError otherwise.
 */
export function readHeader(bytes: Uint8Array, at: number): BlockHeader {
  if (at + HEADER_BYTES > bytes.length) throw new DecodeError('header cut short');
  const v = new DataView(bytes.buffer, bytes.byteOffset + at, HEADER_BYTES);
  if (v.getUint32(0, true) !== BLOCK_MAGIC) throw new DecodeError('bad magic');
  if (v.getUint8(4) !== BLOCK_VERSION) throw new DecodeError(`unknown block version ${v.getUint8(4)}`);
  const h: BlockHeader = {
    codec: v.getUint8(5),
    rows: v.getUint32(8, true),
    columns: v.getUint32(12, true),
    rawLength: v.getUint32(16, true),
    storedLength: v.getUint32(20, true),
    minTime: v.getFloat64(24, true),
    maxTime: v.getFloat64(32, true),
    checksum: v.getUint32(40, true),
  };
  if (h.codec > CODEC_ZSTD_FILE_DICT) throw new DecodeError(`unknown codec ${h.codec}`);
  if (h.rawLength > MAX_PAYLOAD_BYTES || h.storedLength > MAX_PAYLOAD_BYTES)
    throw new DecodeError('payload length out of range');
  if (h.rows > h.rawLength || !(h.minTime <= h.maxTime)) throw new DecodeError('inconsistent header');
  return h;
}

/** CRC32C of a header's first 40 bytes followed by a stored payload. */
export function blockChecksum(
  header: Uint8Array,
  headerAt: number,
  payload: Uint8Array,
  start: number,
  end: number,
): number {
  const crc = crc32c(header, headerAt, headerAt + 40);
  return crc32c(payload, start, end, crc) >>> 0;
}
