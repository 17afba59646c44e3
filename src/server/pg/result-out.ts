import type { Field, Value } from '../../query/api.js';
import { fieldPgType, fieldTypeSize, type PgType } from '../../query/compat/pg-types.js';
import { formatValue } from '../../query/text-format.js';
import { hasBinaryOut, writeBinary } from './binary-out.js';
import { WireErrorThrown, WireState, wireError } from './error-response.js';
import { type FormatCode, formatAt } from './frontend-messages.js';
import type { WireWriter } from './wire-writer.js';

/** The columns of a result with their exact types and the format each is sent in. */
export interface ResultShape {
  readonly fields: readonly Field[];
  readonly types: readonly PgType[];
  readonly binary: readonly boolean[];
}

/** Resolves formats per column; a binary request for a type we cannot send is an error. */
export function resultShape(fields: readonly Field[], formats: readonly FormatCode[]): ResultShape {
  const types = fields.map(fieldPgType);
  const binary = fields.map((_, i) => formatAt(formats, i) === 1);
  types.forEach((type, i) => {
    if (binary[i] && !hasBinaryOut(type))
      throw new WireErrorThrown(
        wireError(WireState.featureNotSupported, `binary output of type ${type.display} is not supported`, {
          hint: 'Ask for this column in text format.',
        }),
      );
  });
  return { fields, types, binary };
}

export function rowDescription(w: WireWriter, shape: ResultShape): void {
  w.begin('T').int16(shape.fields.length);
  shape.fields.forEach((field, i) => {
    w.cstr(field.name).int32(0).int16(0);
    w.int32(shape.types[i]!.oid).int16(fieldTypeSize(field)).int32(-1);
    w.int16(shape.binary[i] ? 1 : 0);
  });
  w.end();
}

/**
 * Sends rows [from, to) as DataRows, waiting whenever the socket is backed up, so a large result
 * never sits in memory twice. Stops early (returning where) when `stop()` says so.
 */
export async function sendRows(
  w: WireWriter,
  shape: ResultShape,
  rows: readonly (readonly Value[])[],
  from: number,
  to: number,
  stop: () => boolean,
): Promise<number> {
  const n = shape.fields.length;
  for (let r = from; r < to; r++) {
    const row = rows[r]!;
    w.begin('D').int16(n);
    for (let c = 0; c < n; c++) {
      const value = row[c] ?? null;
      if (value === null) w.int32(-1);
      else if (shape.binary[c]) writeBinary(w, value, shape.types[c]!);
      else w.lstr(formatValue(value, shape.fields[c]!.type));
    }
    w.end();
    if (w.needsDrain()) {
      await w.drained();
      if (stop()) return r + 1;
    }
  }
  return to;
}
