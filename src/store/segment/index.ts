/**
 * Segment files: see format.ts for the byte layout, src/store/encoding for the column encodings,
 * and docs/store-format.md for both with measured figures.
 */
export { type DecodeSpeed, measureDecodeSpeed } from './decode-speed.js';
export { type ColumnInspection, inspectSegment, type SegmentInspection, verifySegment } from './inspect.js';
export { PartCopier } from './part-copy.js';
export { type FileSegmentReader, openSegment } from './reader.js';
export * from './types.js';
export {
  defaultWriteOptions,
  encodeSegment,
  type SegmentWriteOptions,
  writeSegment,
  writeSegmentSync,
} from './writer.js';
