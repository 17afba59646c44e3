/**
 * Serialized form of a HyperLogLog sketch (all integers little-endian):
 *
 *   offset 0  u8   format version, 1
 *   offset 1  u8   precision p, 4..18
 *   offset 2  u8   representation: 1 = sparse, 2 = dense
 *   sparse:   u32  entry count n, 0..2^p / 4
 *             n × u32 entries `index << 6 | rank` at p' = 25, strictly ascending index, rank 1..40
 *   dense:    2^p × u8 registers, each 0..65 - p
 *   trailer   u32  checksum: low 32 bits of hashBytes() over every preceding byte
 *
 * The length is exactly determined by the header, so a truncated or extended buffer is refused
 * before anything is allocated; at most 2^18 registers are ever allocated.
 */
import { hashBytes, newHash64 } from './hash64.js';
import { HyperLogLog, MAX_PRECISION, MIN_PRECISION, sparseLimit } from './sketch.js';
import { entryIndex, entryRank, SPARSE_MAX_RANK } from './sparse.js';

export const FORMAT_VERSION = 1;
export const REPRESENTATION_SPARSE = 1;
export const REPRESENTATION_DENSE = 2;
const HEADER_BYTES = 3;
const COUNT_BYTES = 4;
const CHECKSUM_BYTES = 4;

/** Thrown by deserializeHll for any input that is not a valid serialized sketch. */
export class HllFormatError extends Error {
  override name = 'HllFormatError';
}

function checksum(bytes: Uint8Array, end: number): number {
  const hash = newHash64();
  hashBytes(bytes, 0, end, hash);
  return hash[1]! >>> 0;
}

export function serializeHll(sketch: HyperLogLog): Uint8Array {
  const entries = sketch.sparseEntries();
  const payloadBytes = entries !== null ? COUNT_BYTES + entries.length * 4 : 1 << sketch.precision;
  const out = new Uint8Array(HEADER_BYTES + payloadBytes + CHECKSUM_BYTES);
  const view = new DataView(out.buffer);
  out[0] = FORMAT_VERSION;
  out[1] = sketch.precision;
  if (entries !== null) {
    out[2] = REPRESENTATION_SPARSE;
    view.setUint32(HEADER_BYTES, entries.length, true);
    for (let i = 0; i < entries.length; i++)
      view.setUint32(HEADER_BYTES + COUNT_BYTES + i * 4, entries[i]!, true);
  } else {
    out[2] = REPRESENTATION_DENSE;
    out.set(sketch.denseRegisters(), HEADER_BYTES);
  }
  const end = out.length - CHECKSUM_BYTES;
  view.setUint32(end, checksum(out, end), true);
  return out;
}

export function deserializeHll(bytes: Uint8Array): HyperLogLog {
  if (!(bytes instanceof Uint8Array)) throw new HllFormatError('HyperLogLog input is not a Uint8Array');
  if (bytes.length < HEADER_BYTES + CHECKSUM_BYTES) {
    throw new HllFormatError(`HyperLogLog input too short (${bytes.length} bytes)`);
  }
  if (bytes[0] !== FORMAT_VERSION)
    throw new HllFormatError(`unsupported HyperLogLog format version ${bytes[0]}`);
  const precision = bytes[1]!;
  if (precision < MIN_PRECISION || precision > MAX_PRECISION) {
    throw new HllFormatError(`HyperLogLog precision ${precision} outside ${MIN_PRECISION}..${MAX_PRECISION}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const representation = bytes[2];
  let expected: number;
  if (representation === REPRESENTATION_SPARSE) {
    if (bytes.length < HEADER_BYTES + COUNT_BYTES + CHECKSUM_BYTES) {
      throw new HllFormatError('sparse HyperLogLog truncated before its entry count');
    }
    const count = view.getUint32(HEADER_BYTES, true);
    if (count > sparseLimit(precision)) {
      throw new HllFormatError(`sparse HyperLogLog entry count ${count} exceeds ${sparseLimit(precision)}`);
    }
    expected = HEADER_BYTES + COUNT_BYTES + count * 4 + CHECKSUM_BYTES;
  } else if (representation === REPRESENTATION_DENSE) {
    expected = HEADER_BYTES + (1 << precision) + CHECKSUM_BYTES;
  } else {
    throw new HllFormatError(`unknown HyperLogLog representation ${representation}`);
  }
  if (bytes.length !== expected) {
    throw new HllFormatError(`HyperLogLog input is ${bytes.length} bytes, expected ${expected}`);
  }
  const end = expected - CHECKSUM_BYTES;
  if (view.getUint32(end, true) !== checksum(bytes, end))
    throw new HllFormatError('HyperLogLog checksum mismatch');
  return representation === REPRESENTATION_SPARSE ? readSparse(view, precision) : readDense(bytes, precision);
}

function readSparse(view: DataView, precision: number): HyperLogLog {
  const count = view.getUint32(HEADER_BYTES, true);
  const entries = new Uint32Array(count);
  let previousIndex = -1;
  for (let i = 0; i < count; i++) {
    const entry = view.getUint32(HEADER_BYTES + COUNT_BYTES + i * 4, true);
    const rank = entryRank(entry);
    const index = entryIndex(entry);
    if (rank < 1 || rank > SPARSE_MAX_RANK || index >= 1 << 25 || index <= previousIndex) {
      throw new HllFormatError(`invalid sparse HyperLogLog entry ${i}`);
    }
    previousIndex = index;
    entries[i] = entry;
  }
  return HyperLogLog.fromSparseEntries(precision, entries);
}

function readDense(bytes: Uint8Array, precision: number): HyperLogLog {
  const registers = bytes.slice(HEADER_BYTES, HEADER_BYTES + (1 << precision));
  const maxRank = 65 - precision;
  for (let i = 0; i < registers.length; i++) {
    if (registers[i]! > maxRank) throw new HllFormatError(`HyperLogLog register ${i} holds impossible rank`);
  }
  return HyperLogLog.fromRegisters(precision, registers);
}
