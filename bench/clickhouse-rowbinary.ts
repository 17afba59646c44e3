import { F, type FlowBatch } from '../src/flow/batch.js';
import { standardColumns } from './store-columns.js';

/**
 * Encodes the standard columns of a flow batch as ClickHouse RowBinary, in the order of
 * `standardColumns` (the table's column order). Written column by column with a row stride, so
 * each loop stays monomorphic.
 */
const widths: Record<string, number> = {
  DateTime: 4,
  UInt8: 1,
  UInt16: 2,
  UInt32: 4,
  UInt64: 8,
  'FixedString(16)': 16,
};

export const rowBinaryWidth = standardColumns.reduce((sum, c) => sum + widths[c.ch]!, 0);

export function encodeRowBinary(batch: FlowBatch): Buffer {
  const rows = batch.length;
  const stride = rowBinaryWidth;
  const out = Buffer.allocUnsafe(rows * stride);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  let at = 0;
  for (const col of standardColumns) {
    const values = batch.arrays[F[col.name]]!;
    switch (col.ch) {
      case 'DateTime':
        for (let r = 0, o = at; r < rows; r++, o += stride) view.setUint32(o, values[r]! / 1000, true);
        break;
      case 'UInt8':
        for (let r = 0, o = at; r < rows; r++, o += stride) out[o] = values[r]!;
        break;
      case 'UInt16':
        for (let r = 0, o = at; r < rows; r++, o += stride) view.setUint16(o, values[r]!, true);
        break;
      case 'UInt32':
        for (let r = 0, o = at; r < rows; r++, o += stride) view.setUint32(o, values[r]!, true);
        break;
      case 'UInt64':
        for (let r = 0, o = at; r < rows; r++, o += stride) {
          const v = values[r]!;
          view.setUint32(o, v % 0x1_0000_0000, true);
          view.setUint32(o + 4, Math.floor(v / 0x1_0000_0000), true);
        }
        break;
      case 'FixedString(16)':
        for (let r = 0, o = at; r < rows; r++, o += stride) {
          for (let k = 0; k < 16; k++) out[o + k] = values[r * 16 + k]!;
        }
        break;
      default:
        throw new Error(`no RowBinary encoding for ${col.ch}`);
    }
    at += widths[col.ch]!;
  }
  return out;
}
