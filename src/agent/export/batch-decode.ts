import { crc32 } from 'node:zlib';
import zstd from 'zstd-napi/binding.js';
import { createFlowBatch, type FlowBatch } from '../../flow/batch.js';
import { type ColumnType, flowColumns } from '../../flow/schema.js';
import {
  type BatchErrorCode,
  BatchFormatError,
  type BatchHeader,
  FLAG_ZSTD,
  HEADER_BYTES,
  MAGIC,
  rowWidth,
  typeOfCode,
  VERSION,
} from './batch-format.js';

const fail = (code: BatchErrorCode, message: string): never => {
  throw new BatchFormatError(code, message);
};

/** The header of a batch body, checked against the body's length. */
export function readBatchHeader(body: Uint8Array): BatchHeader {
  const b = Buffer.from(body.buffer, body.byteOffset, body.length);
  if (b.length < 4) fail('batch_truncated', `${b.length} bytes: shorter than the batch header`);
  if (b.readUInt32LE(0) !== MAGIC)
    fail('batch_bad_magic', 'not a flowlens batch (the body does not start with "FLWB")');
  if (b.length < 8) fail('batch_truncated', `${b.length} bytes: shorter than the batch header`);
  const version = b.readUInt16LE(4);
  if (version !== VERSION)
    fail(
      'batch_unsupported_version',
      `batch format version ${version}; this server reads version ${VERSION}`,
    );
  const flags = b.readUInt16LE(6);
  if ((flags & ~FLAG_ZSTD) !== 0) fail('batch_bad_flags', `unknown flags 0x${flags.toString(16)}`);
  if (b.length < HEADER_BYTES) fail('batch_truncated', `${b.length} bytes: shorter than the batch header`);
  const headerBytes = b.readUInt32LE(8);
  if (headerBytes < HEADER_BYTES)
    fail('batch_bad_length', `header length ${headerBytes} is under ${HEADER_BYTES}`);
  if (headerBytes > b.length) fail('batch_truncated', `header length ${headerBytes} is past the body's end`);
  const seqHigh = b.readUInt32LE(28);
  if (seqHigh >= 0x20_0000) fail('batch_bad_value', 'sequence number over 2^53');
  const header: BatchHeader = {
    version,
    flags,
    session: b.toString('hex', 16, 24),
    seq: seqHigh * 0x1_0000_0000 + b.readUInt32LE(24),
    rows: b.readUInt32LE(32),
    rawBytes: b.readUInt32LE(36),
    storedBytes: b.readUInt32LE(40),
    headerBytes,
  };
  const stored = b.length - headerBytes;
  if (stored < header.storedBytes)
    fail('batch_truncated', `payload of ${stored} bytes, the header says ${header.storedBytes}`);
  if (stored > header.storedBytes)
    fail('batch_bad_length', `${stored - header.storedBytes} bytes after the payload`);
  if ((flags & FLAG_ZSTD) === 0 && header.rawBytes !== header.storedBytes)
    fail('batch_bad_length', 'uncompressed payload whose stored and raw lengths differ');
  return header;
}

export interface DecodedBatch {
  readonly header: BatchHeader;
  readonly batch: FlowBatch;
  /** Columns of the batch this schema does not know (skipped). */
  readonly unknownColumns: readonly string[];
}

export interface DecodeLimits {
  /** Largest payload, uncompressed. */
  maxRawBytes: number;
  /** Most rows in one batch (the decoded FlowBatch takes about 320 bytes a row). */
  maxRows: number;
}

export const defaultDecodeLimits: DecodeLimits = { maxRawBytes: 64 << 20, maxRows: 1 << 18 };

const dctx = new zstd.DCtx();

/**
 * Decodes and checks a whole batch body: header, lengths, decompression, checksum, every column
 * and every value. Throws BatchFormatError (a stable code) on the first problem; nothing is
 * returned half-decoded. Columns this schema does not know are skipped; narrower integer columns
 * are widened (an older sender's u16 into a u32 column).
 */
export function decodeFlowBatch(body: Uint8Array, limits: Partial<DecodeLimits> = {}): DecodedBatch {
  const { maxRawBytes, maxRows } = { ...defaultDecodeLimits, ...limits };
  const header = readBatchHeader(body);
  if (header.rawBytes > maxRawBytes)
    fail(
      'batch_too_large',
      `${header.rawBytes} bytes uncompressed, over the limit of ${maxRawBytes}; send smaller batches`,
    );
  if (header.rows > maxRows)
    fail(
      'batch_too_large',
      `${header.rows} rows, over the limit of ${maxRows} a batch; send smaller batches`,
    );
  const stored = body.subarray(header.headerBytes);
  let raw: Uint8Array = stored;
  if ((header.flags & FLAG_ZSTD) !== 0) {
    raw = new Uint8Array(header.rawBytes);
    let size = -1;
    try {
      size = dctx.decompress(raw, stored);
    } catch (err) {
      fail('batch_decompress', `zstd: ${(err as Error).message}`);
    }
    if (size !== header.rawBytes)
      fail(
        'batch_bad_length',
        `the payload decompresses to ${size} bytes, the header says ${header.rawBytes}`,
      );
  }
  const crc = crc32(raw, crc32(body.subarray(16, header.headerBytes)));
  if (crc !== Buffer.from(body.buffer, body.byteOffset, body.length).readUInt32LE(12))
    fail('batch_checksum', 'checksum mismatch: the batch was damaged on the way');
  return { header, ...readColumns(raw, header.rows) };
}

const schemaIndex = new Map<string, number>(flowColumns.map((c, i) => [c.name, i]));
const integerWidth: Partial<Record<ColumnType, number>> = { u8: 1, u16: 2, u32: 4, u64: 8 };
const utf8 = new TextDecoder('utf-8', { fatal: true });
const ascii = new TextDecoder('latin1');

function readColumns(raw: Uint8Array, rows: number): { batch: FlowBatch; unknownColumns: string[] } {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.length);
  let pos = 0;
  const take = (n: number): number => {
    if (pos + n > raw.length)
      fail('batch_bad_length', `the payload ends inside a column (at ${pos}, ${n} more bytes)`);
    const at = pos;
    pos += n;
    return at;
  };
  const batch = createFlowBatch(rows);
  batch.length = rows;
  const seen = new Uint8Array(flowColumns.length);
  const unknownColumns: string[] = [];
  const columns = view.getUint16(take(2), true);
  for (let c = 0; c < columns; c++) {
    const nameLength = raw[take(1)]!;
    const nameAt = take(nameLength);
    const name = ascii.decode(raw.subarray(nameAt, nameAt + nameLength));
    if (!/^[a-z0-9_]+$/.test(name)) fail('batch_bad_column', `column name ${JSON.stringify(name)}`);
    const type = typeOfCode[raw[take(1)]!];
    const codeWidth = raw[take(1)]!;
    take(2);
    const length = view.getUint32(take(4), true);
    const at = take(length);
    const index = schemaIndex.get(name);
    if (index === undefined) {
      unknownColumns.push(name);
      continue;
    }
    const target = flowColumns[index]!.type;
    if (seen[index] === 1) fail('batch_bad_column', `column ${name} appears twice`);
    seen[index] = 1;
    if (type === undefined) fail('batch_bad_column', `column ${name}: unknown type code`);
    batch.touch(index);
    const data = raw.subarray(at, at + length);
    if (type === 'string') {
      if (target !== 'string')
        fail('batch_bad_column', `column ${name} is ${target}, the batch sends string`);
      readStrings(batch, index, data, rows, codeWidth, name);
    } else if (type === target) {
      if (length !== rows * rowWidth(type))
        fail('batch_bad_length', `column ${name}: ${length} bytes for ${rows} rows of ${type}`);
      const arr = batch.arrays[index]!;
      new Uint8Array(arr.buffer, arr.byteOffset, length).set(data);
      checkValues(arr, type, rows, name);
    } else widen(batch, index, type!, target, data, rows, name);
  }
  if (pos !== raw.length) fail('batch_bad_length', `${raw.length - pos} bytes after the last column`);
  return { batch, unknownColumns };
}

const maxMac = 2 ** 48 - 1;

/** u64, time and mac travel as float64: whole, non-negative, within 2^53 (MACs 2^48). */
function checkValues(arr: ArrayLike<number>, type: ColumnType, rows: number, name: string): void {
  if (type !== 'u64' && type !== 'time' && type !== 'mac') return;
  const max = type === 'mac' ? maxMac : Number.MAX_SAFE_INTEGER;
  for (let r = 0; r < rows; r++) {
    const v = arr[r]!;
    if (!(v >= 0 && v <= max && Number.isInteger(v)))
      fail('batch_bad_value', `column ${name} row ${r}: ${v} is not a ${type} value`);
  }
}

/** An integer column sent narrower than this schema has it. */
function widen(
  batch: FlowBatch,
  index: number,
  from: ColumnType,
  to: ColumnType,
  data: Uint8Array,
  rows: number,
  name: string,
): void {
  const fromWidth = integerWidth[from];
  const toWidth = integerWidth[to];
  if (fromWidth === undefined || toWidth === undefined || fromWidth >= toWidth || from === 'u64')
    fail('batch_bad_column', `column ${name} is ${to}, the batch sends ${from}`);
  if (data.length !== rows * fromWidth!)
    fail('batch_bad_length', `column ${name}: ${data.length} bytes for ${rows} rows of ${from}`);
  const view = new DataView(data.buffer, data.byteOffset, data.length);
  const out = batch.arrays[index]!;
  for (let r = 0; r < rows; r++)
    out[r] =
      fromWidth === 1
        ? data[r]!
        : fromWidth === 2
          ? view.getUint16(r * 2, true)
          : view.getUint32(r * 4, true);
}

function readStrings(
  batch: FlowBatch,
  index: number,
  data: Uint8Array,
  rows: number,
  width: number,
  name: string,
): void {
  if (width !== 1 && width !== 2 && width !== 4)
    fail('batch_bad_column', `column ${name}: code width ${width}`);
  const view = new DataView(data.buffer, data.byteOffset, data.length);
  if (data.length < 4) fail('batch_bad_length', `column ${name}: no dictionary`);
  const count = view.getUint32(0, true);
  if (count === 0 || 4 + count * 4 > data.length)
    fail('batch_bad_length', `column ${name}: dictionary of ${count} entries`);
  let pos = 4 + count * 4;
  const dict = batch.dicts[index]!;
  const codes = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    const len = view.getUint32(4 + i * 4, true);
    if (pos + len > data.length)
      fail('batch_bad_length', `column ${name}: dictionary entry ${i} past the column's end`);
    let value = '';
    try {
      value = utf8.decode(data.subarray(pos, pos + len));
    } catch {
      fail('batch_bad_value', `column ${name}: dictionary entry ${i} is not UTF-8`);
    }
    if (i === 0 && value !== '')
      fail('batch_bad_value', `column ${name}: dictionary entry 0 is not the empty string`);
    codes[i] = dict.code(value);
    pos += len;
  }
  if (data.length - pos !== rows * width)
    fail(
      'batch_bad_length',
      `column ${name}: ${data.length - pos} bytes of codes for ${rows} rows of ${width}`,
    );
  const out = batch.arrays[index]!;
  for (let r = 0; r < rows; r++) {
    const o = pos + r * width;
    const code = width === 1 ? data[o]! : width === 2 ? view.getUint16(o, true) : view.getUint32(o, true);
    if (code >= count)
      fail('batch_bad_value', `column ${name} row ${r}: code ${code} past the dictionary (${count})`);
    out[r] = codes[code]!;
  }
}
