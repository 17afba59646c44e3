import { open, readFile } from 'node:fs/promises';
import { type BlockRef, scanFile } from './file-scan.js';

/** What a table knows of one hour file once it has read it. */
export interface FileState {
  /** Where the next block goes: the end of the last complete block. */
  size: number;
  readonly blocks: BlockRef[];
  /** False when a torn tail could not be cut: appending after it would bury the new blocks. */
  readonly appendable: boolean;
}

export interface IndexedFile {
  readonly state: FileState;
  /** The whole file as read (a missing file reads as empty). */
  readonly bytes: Uint8Array;
  /** Damaged blocks inside the file (skipped). */
  readonly corrupt: readonly { readonly offset: number; readonly reason: string }[];
  /** Bytes of a torn tail (0: none), and whether they were cut from the file. */
  readonly tornBytes: number;
  readonly cut: boolean;
}

/**
 * Reads a table file whole and lists its complete blocks (file-scan.ts). A torn tail is cut off
 * the file (truncated and synced) unless `readOnly`; either way it is logged.
 */
export async function indexFile(
  path: string,
  readOnly: boolean,
  log: (line: string) => void,
): Promise<IndexedFile> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    bytes = new Uint8Array(0);
  }
  const scan = scanFile(bytes);
  const tornBytes = bytes.length - scan.validBytes;
  let appendable = true;
  let cut = false;
  if (scan.tail !== undefined) {
    if (readOnly) log(`ignoring a torn tail of ${tornBytes} bytes (${scan.tail})`);
    else {
      try {
        const handle = await open(path, 'r+');
        try {
          await handle.truncate(scan.validBytes);
          await handle.datasync();
        } finally {
          await handle.close();
        }
        cut = true;
        log(`cut a torn tail of ${tornBytes} bytes at ${scan.validBytes} (${scan.tail})`);
      } catch (err) {
        appendable = false;
        log(`cannot cut a torn tail: ${(err as Error).message}`);
      }
    }
  }
  return {
    state: { size: scan.validBytes, blocks: scan.blocks, appendable },
    bytes,
    corrupt: scan.corrupt,
    tornBytes,
    cut,
  };
}
