import { BlockDecompressor } from '../encoding/compress.js';
import { crc32c } from '../encoding/crc32c.js';
import { readExactly } from './block-source.js';
import {
  decodeFooter,
  FILE_MAGIC,
  FORMAT_VERSION,
  type Footer,
  HEADER_SIZE,
  OLDEST_READABLE_VERSION,
  TRAILER_MAGIC,
  TRAILER_SIZE,
} from './format.js';
import { describeColumn } from './known-columns.js';

/** Footers and blocks above this are treated as corruption rather than allocated. */
export const MAX_BLOCK = 1 << 30;

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Reads and checks trailer, footer and header; throws on any mismatch. */
export function readFooter(fd: number, size: number): { footer: Footer; version: number } {
  if (size < HEADER_SIZE + TRAILER_SIZE) throw new Error(`file of ${size} bytes is too short`);
  const trailer = new Uint8Array(TRAILER_SIZE);
  readExactly(fd, trailer, TRAILER_SIZE, size - TRAILER_SIZE);
  if (!sameBytes(trailer.subarray(28), TRAILER_MAGIC)) throw new Error('no trailer magic (truncated file?)');
  const view = new DataView(trailer.buffer);
  if (view.getUint32(24, true) !== crc32c(trailer, 0, 24)) throw new Error('trailer checksum mismatch');
  const footerOffset = view.getUint32(0, true) + view.getUint32(4, true) * 0x1_0000_0000;
  const footerLength = view.getUint32(8, true);
  const footerRawLength = view.getUint32(12, true);
  if (footerOffset < HEADER_SIZE || footerOffset + footerLength + TRAILER_SIZE !== size) {
    throw new Error('footer position does not match the file size');
  }
  if (footerRawLength > MAX_BLOCK) throw new Error('footer too large');
  const stored = new Uint8Array(footerLength);
  readExactly(fd, stored, footerLength, footerOffset);
  if (crc32c(stored) !== view.getUint32(16, true)) throw new Error('footer checksum mismatch');
  const raw = new Uint8Array(footerRawLength);
  new BlockDecompressor().decompress(trailer[20]!, stored, raw);
  const head = new Uint8Array(HEADER_SIZE);
  readExactly(fd, head, HEADER_SIZE, 0);
  if (!sameBytes(head.subarray(0, 8), FILE_MAGIC)) throw new Error('not a segment file (bad magic)');
  const version = new DataView(head.buffer).getUint16(8, true);
  if (version < OLDEST_READABLE_VERSION || version > FORMAT_VERSION) {
    throw new Error(`unsupported format version ${version}`);
  }
  const footer = decodeFooter(raw, describeColumn, version);
  if (crc32c(head) !== footer.headerCrc) throw new Error('header checksum mismatch');
  checkLayout(footer, footerOffset);
  return { footer, version };
}

/** Blocks must tile the bytes between header and footer in write order, and sizes must be sane. */
function checkLayout(footer: Footer, footerOffset: number): void {
  let expected = HEADER_SIZE;
  for (const part of footer.parts) {
    if (part.rows > 0xffffffff) throw new Error(`part of ${part.rows} rows`);
    const aux = [part.repeats, part.addresses].filter((b) => b !== undefined);
    const blocks = aux.length === 0 ? part.blocks : [...aux, ...part.blocks];
    for (const block of blocks) {
      if (block.offset !== expected) throw new Error(`block at ${block.offset}, expected ${expected}`);
      if (block.rawLength > MAX_BLOCK) throw new Error('block too large');
      expected += block.length;
    }
  }
  if (expected !== footerOffset) throw new Error('blocks do not end where the footer starts');
}
