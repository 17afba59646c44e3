import { open } from 'node:fs/promises';
import { DecodeError } from '../encoding/byte-io.js';
import { BlockDecoder } from './block-decode.js';
import { CODEC_ZSTD_FILE_DICT, HEADER_BYTES } from './block-format.js';
import type { BlockRef } from './file-scan.js';

/** A block with the bytes it lies in (`at`: where its header starts in them). */
export interface BlockBytes {
  readonly block: BlockRef;
  readonly bytes: Uint8Array;
  readonly at: number;
}

export function blockEnd(b: BlockRef): number {
  return b.offset + HEADER_BYTES + b.header.storedLength;
}

/**
 * The blocks of a file with their bytes: from `whole` (the file already read), or read from disk
 * run by run (blocks that lie one after the other are read at once). Yields nothing when the file
 * is gone (deleted by retention meanwhile).
 */
export async function* readBlocks(
  path: string,
  blocks: readonly BlockRef[],
  whole: Uint8Array | undefined,
): AsyncGenerator<BlockBytes> {
  if (blocks.length === 0) return;
  if (whole !== undefined) {
    for (const block of blocks) yield { block, bytes: whole, at: block.offset };
    return;
  }
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  try {
    for (let i = 0; i < blocks.length; ) {
      let j = i + 1;
      while (j < blocks.length && blocks[j]!.offset === blockEnd(blocks[j - 1]!)) j++;
      const start = blocks[i]!.offset;
      const bytes = new Uint8Array(blockEnd(blocks[j - 1]!) - start);
      for (let got = 0; got < bytes.length; ) {
        const { bytesRead } = await handle.read(bytes, got, bytes.length - got, start + got);
        if (bytesRead === 0) throw new Error(`${path}: shorter than its index`);
        got += bytesRead;
      }
      for (let k = i; k < j; k++) yield { block: blocks[k]!, bytes, at: blocks[k]!.offset - start };
      i = j;
    }
  } finally {
    await handle.close();
  }
}

/**
 * The dictionary of a file's codec-2 blocks: a copy of the raw payload of its block at offset 0,
 * when that block is intact and self-contained; undefined otherwise (the codec-2 blocks are then
 * unreadable, and a writer appends self-contained blocks instead).
 */
export async function fileDictionary(
  path: string,
  blocks: readonly BlockRef[],
  whole: Uint8Array | undefined,
): Promise<Uint8Array | undefined> {
  const first = blocks[0];
  if (first === undefined || first.offset !== 0 || first.header.codec === CODEC_ZSTD_FILE_DICT)
    return undefined;
  const decoder = new BlockDecoder();
  for await (const { block, bytes, at } of readBlocks(path, [first], whole)) {
    try {
      decoder.load(block.header, bytes, at);
    } catch (err) {
      if (err instanceof DecodeError) return undefined;
      throw err;
    }
    return decoder.payload().slice();
  }
  return undefined;
}
