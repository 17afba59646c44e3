import { parseAddr } from './addr.js';
import type { ColumnBatch } from './batch.js';

/** Why a row object could not be appended: a stable code and the column at fault. */
export class RowObjectError extends Error {
  readonly code = 'bad_row';
  constructor(
    readonly column: string,
    detail: string,
  ) {
    super(`column ${column}: ${detail}`);
  }
}

function parseMac(text: string, column: string): number {
  const m =
    /^([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})$/i.exec(
      text,
    );
  if (!m) throw new RowObjectError(column, `not a MAC address: ${JSON.stringify(text)}`);
  return m.slice(1).reduce((v, h) => v * 256 + Number.parseInt(h, 16), 0);
}

const limits = { u8: 0xff, u16: 0xffff, u32: 0xffff_ffff, u64: Number.MAX_SAFE_INTEGER } as const;

/**
 * Appends one row given as an object keyed by column names — the inverse of `rowObject`: the
 * JSON lines that `flowlens decode` prints can be sent back in. Missing keys stay zero; unknown
 * keys and out-of-range values are refused (nothing is appended then).
 */
export function appendRowObject<N extends string>(batch: ColumnBatch<N>, obj: Record<string, unknown>): void {
  batch.reserve(1);
  const row = batch.length;
  const pending: (() => void)[] = [];
  for (const [name, value] of Object.entries(obj)) {
    const i = (batch.index as Record<string, number>)[name];
    if (i === undefined) throw new RowObjectError(name, 'no such column');
    if (value === null || value === '' || value === 0) continue;
    const col = batch.schema[i]!;
    const arr = batch.arrays[i]!;
    switch (col.type) {
      case 'addr': {
        if (typeof value !== 'string') throw new RowObjectError(name, 'an address must be a string');
        let bytes: Uint8Array;
        try {
          bytes = parseAddr(value);
        } catch (err) {
          throw new RowObjectError(name, (err as Error).message);
        }
        pending.push(() => (arr as Uint8Array).set(bytes, row * 16));
        break;
      }
      case 'string': {
        if (typeof value !== 'string') throw new RowObjectError(name, 'must be a string');
        pending.push(() => {
          arr[row] = batch.dicts[i]!.code(value);
        });
        break;
      }
      case 'mac': {
        const v = typeof value === 'string' ? parseMac(value, name) : Number(value);
        pending.push(() => {
          arr[row] = v;
        });
        break;
      }
      case 'time': {
        const v = typeof value === 'string' ? Date.parse(value) : value;
        if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
          throw new RowObjectError(name, `not a time: ${JSON.stringify(value)}`);
        pending.push(() => {
          arr[row] = v;
        });
        break;
      }
      default: {
        const v = value;
        if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > limits[col.type])
          throw new RowObjectError(name, `not a ${col.type}: ${JSON.stringify(value)}`);
        pending.push(() => {
          arr[row] = v;
        });
      }
    }
    batch.touch(i);
  }
  for (const write of pending) write();
  batch.length = row + 1;
}
