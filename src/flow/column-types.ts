import type { ColumnType } from './schema.js';

/**
 * Facts about the schema's column types that binary formats share (the WAL record, the agent's
 * batch format, the store's column buffers): a stable one-byte code per type, and the bytes one
 * row of a column takes in memory (strings: their u32 dictionary code). Codes are on disk and on
 * the wire: never renumber them.
 */
export const columnTypeCodes: Readonly<Record<ColumnType, number>> = {
  u8: 1,
  u16: 2,
  u32: 3,
  u64: 4,
  time: 5,
  addr: 6,
  mac: 7,
  string: 8,
};

/** Code → type; undefined for a code no type has. */
export const columnTypeOfCode: readonly (ColumnType | undefined)[] = (() => {
  const out: (ColumnType | undefined)[] = [];
  for (const [type, code] of Object.entries(columnTypeCodes)) out[code] = type as ColumnType;
  return Array.from(out);
})();

export function bytesPerRow(type: ColumnType): number {
  switch (type) {
    case 'u8':
      return 1;
    case 'u16':
      return 2;
    case 'u32':
    case 'string':
      return 4;
    case 'addr':
      return 16;
    default:
      return 8;
  }
}
