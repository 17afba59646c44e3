import { closeSync, fstatSync, openSync } from 'node:fs';
import type { ColumnDef } from '../../flow/schema.js';
import { xxh32 } from '../encoding/xxh32.js';
import { readExactly } from './block-source.js';
import { readFooter } from './footer-read.js';
import { type BlockEntry, FORMAT_VERSION, type Footer, type PartEntry } from './format.js';
import { CorruptSegmentError, type StoredPart } from './types.js';

/**
 * Takes parts out of segment files as stored, for compaction: a part's blocks lie together
 * (footer-read.ts checks that they tile the file), every block's checksum covers its stored bytes
 * and the footer holds absolute offsets, so a part moves into another file by copying its byte
 * span and rebasing its footer entry — no decoding, no re-encoding. Only files of the current
 * format version and the writer's exact schema qualify; `part` answers undefined for the others,
 * and the caller re-encodes those. Checksums are checked on the way, so compaction never carries
 * a damaged block into a new file (it fails with CorruptSegmentError, as a decoding read would).
 */
export class PartCopier {
  private path: string | undefined;
  private fd = -1;
  private footer: Footer | undefined;

  constructor(private readonly schema: readonly ColumnDef[]) {}

  /** Part `index` of the segment at `path` as stored, or undefined when the file does not qualify. */
  part(path: string, index: number): StoredPart | undefined {
    const footer = this.open(path);
    const entry = footer?.parts[index];
    if (entry === undefined) return undefined;
    const blocks = partBlocks(entry);
    const start = blocks[0]!.offset;
    const last = blocks[blocks.length - 1]!;
    const bytes = new Uint8Array(last.offset + last.length - start);
    try {
      readExactly(this.fd, bytes, bytes.length, start);
    } catch (err) {
      throw new CorruptSegmentError(path, `part ${index}: ${(err as Error).message}`);
    }
    for (const [b, block] of blocks.entries()) {
      const at = block.offset - start;
      if (xxh32(bytes.subarray(at, at + block.length)) !== block.crc) {
        throw new CorruptSegmentError(path, `part ${index} block ${b}: checksum mismatch`);
      }
    }
    return {
      kind: 'stored',
      bucket: entry.bucket,
      deviceId: entry.deviceId,
      rows: entry.rows,
      bytes,
      entry: rebase(entry, -start),
    };
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
    this.path = undefined;
    this.footer = undefined;
  }

  private open(path: string): Footer | undefined {
    if (path === this.path) return this.footer;
    this.close();
    this.fd = openSync(path, 'r');
    this.path = path;
    let read: { footer: Footer; version: number };
    try {
      read = readFooter(this.fd, fstatSync(this.fd).size);
    } catch (err) {
      throw new CorruptSegmentError(path, (err as Error).message);
    }
    this.footer =
      read.version === FORMAT_VERSION && sameSchema(read.footer.schema, this.schema)
        ? read.footer
        : undefined;
    return this.footer;
  }
}

function partBlocks(entry: PartEntry): BlockEntry[] {
  const blocks: BlockEntry[] = [];
  if (entry.repeats !== undefined) blocks.push(entry.repeats);
  if (entry.addresses !== undefined) blocks.push(entry.addresses);
  blocks.push(...entry.blocks);
  return blocks;
}

function sameSchema(a: readonly ColumnDef[], b: readonly ColumnDef[]): boolean {
  return a.length === b.length && a.every((col, i) => col.name === b[i]!.name && col.type === b[i]!.type);
}

/** The entry with every block offset moved by `by` bytes. */
export function rebase(entry: PartEntry, by: number): PartEntry {
  const move = (block: BlockEntry): BlockEntry => ({ ...block, offset: block.offset + by });
  return {
    ...entry,
    repeats: entry.repeats === undefined ? undefined : move(entry.repeats),
    addresses: entry.addresses === undefined ? undefined : move(entry.addresses),
    blocks: entry.blocks.map(move),
  };
}
