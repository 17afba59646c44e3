import type { ColumnType } from '../../flow/schema.js';
import { openSegment } from './reader.js';
import type { SegmentHeader } from './types.js';

export interface ColumnInspection {
  readonly name: string;
  readonly type: ColumnType;
  /** Bytes on disk, summed over the parts. */
  readonly bytes: number;
  /** Bytes after encoding, before compression. */
  readonly rawBytes: number;
  /** Bytes the decoded typed arrays take (rows × width): what the encodings and compression save. */
  readonly plainBytes: number;
  /** plainBytes / bytes: what encodings and compression together save. */
  readonly ratio: number;
  /** rawBytes / bytes: what zstd alone saves. */
  readonly compressionRatio: number;
  readonly bytesPerRow: number;
  /** How many parts use each encoding. */
  readonly encodings: Readonly<Record<string, number>>;
}

export interface SegmentInspection {
  readonly path: string;
  readonly header: SegmentHeader;
  readonly bytes: number;
  readonly rows: number;
  readonly parts: readonly {
    bucket: number;
    deviceId: number;
    rows: number;
    /** Column blocks. */
    bytes: number;
    /** Part-level blocks: repeat map and shared address dictionary (version 4). */
    partBlockBytes: number;
  }[];
  readonly columns: readonly ColumnInspection[];
}

const plainWidth: Record<ColumnType, number> = {
  u8: 1,
  u16: 2,
  u32: 4,
  u64: 8,
  time: 8,
  mac: 8,
  addr: 16,
  string: 4,
};

/** What `flowlens store inspect` prints for one segment: rows, bytes per column, compression. */
export function inspectSegment(path: string): SegmentInspection {
  const reader = openSegment(path);
  try {
    const { meta } = reader;
    const rows = meta.parts.reduce((sum, p) => sum + p.rows, 0);
    const columns = meta.schema.map((col, c): ColumnInspection => {
      let bytes = 0;
      let rawBytes = 0;
      const encodings: Record<string, number> = {};
      for (const part of meta.parts) {
        const m = part.columns[c]!;
        bytes += m.bytes;
        rawBytes += m.rawBytes;
        encodings[m.encoding] = (encodings[m.encoding] ?? 0) + 1;
      }
      const plainBytes = rows * plainWidth[col.type];
      return {
        name: col.name,
        type: col.type,
        bytes,
        rawBytes,
        plainBytes,
        ratio: bytes === 0 ? 0 : plainBytes / bytes,
        compressionRatio: bytes === 0 ? 0 : rawBytes / bytes,
        bytesPerRow: rows === 0 ? 0 : bytes / rows,
        encodings,
      };
    });
    const parts = meta.parts.map((p) => ({
      bucket: p.bucket,
      deviceId: p.deviceId,
      rows: p.rows,
      bytes: p.columns.reduce((sum, m) => sum + m.bytes, 0),
      partBlockBytes: p.partBlocks.repeats + p.partBlocks.addresses,
    }));
    return { path, header: meta.header, bytes: meta.bytes, rows, parts, columns };
  } finally {
    reader.close();
  }
}

/** Reads and checks every block of a segment (for scrubbing and quarantine decisions). */
export function verifySegment(path: string): void {
  const reader = openSegment(path);
  try {
    reader.verify();
  } finally {
    reader.close();
  }
}
