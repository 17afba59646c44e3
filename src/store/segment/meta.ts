import { encodingName } from '../encoding/column-codec.js';
import type { Footer } from './format.js';
import type { SegmentMeta } from './types.js';

/** The public metadata of a segment from its parsed footer. */
export function segmentMeta(footer: Footer, bytes: number): SegmentMeta {
  return {
    header: footer.header,
    schema: footer.schema,
    bytes,
    parts: footer.parts.map((part) => ({
      bucket: part.bucket,
      deviceId: part.deviceId,
      rows: part.rows,
      leaders: part.leaders,
      partBlocks: { repeats: part.repeats?.length ?? 0, addresses: part.addresses?.length ?? 0 },
      columns: part.blocks.map((b, i) => ({
        name: footer.schema[i]!.name,
        bytes: b.length,
        rawBytes: b.rawLength,
        encoding: encodingName(b.encoding),
        stats: b.min === undefined || b.max === undefined ? undefined : { min: b.min, max: b.max },
      })),
    })),
  };
}
