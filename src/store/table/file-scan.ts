import { DecodeError } from '../encoding/byte-io.js';
import { type BlockHeader, blockChecksum, HEADER_BYTES, readHeader } from './block-format.js';

/** Where a complete block lies in its file, and what its header says. */
export interface BlockRef {
  readonly offset: number;
  readonly header: BlockHeader;
}

export interface FileScan {
  /** The complete, checksummed blocks in file order. */
  readonly blocks: BlockRef[];
  /**
   * Bytes of the file up to the end of its last readable block: a torn or unreadable tail starts
   * here. Equals the file's length when there is none.
   */
  readonly validBytes: number;
  /** Blocks inside the file that failed their checksum: skipped, not cut (the ones after them are fine). */
  readonly corrupt: { readonly offset: number; readonly reason: string }[];
  /** Why the tail was cut, when it was. */
  readonly tail: string | undefined;
}

/**
 * Walks a table file's blocks. A block whose header cannot be read (cut short, bad magic, lengths
 * past the end of the file) ends the walk: it and everything after it is the torn tail an
 * interrupted append leaves. The last block failing its checksum is torn too (its bytes were not
 * all written); an earlier one is damaged: skipped and reported, and the walk goes on past it.
 */
export function scanFile(bytes: Uint8Array): FileScan {
  const blocks: BlockRef[] = [];
  const corrupt: { offset: number; reason: string }[] = [];
  let at = 0;
  while (at < bytes.length) {
    let header: BlockHeader;
    try {
      header = readHeader(bytes, at);
    } catch (err) {
      if (!(err instanceof DecodeError)) throw err;
      return { blocks, validBytes: at, corrupt, tail: err.message };
    }
    const end = at + HEADER_BYTES + header.storedLength;
    if (end > bytes.length) return { blocks, validBytes: at, corrupt, tail: 'block cut short' };
    if (blockChecksum(bytes, at, bytes, at + HEADER_BYTES, end) !== header.checksum) {
      if (end === bytes.length) return { blocks, validBytes: at, corrupt, tail: 'checksum mismatch' };
      corrupt.push({ offset: at, reason: 'checksum mismatch' });
    } else blocks.push({ offset: at, header });
    at = end;
  }
  return { blocks, validBytes: at, corrupt, tail: undefined };
}
