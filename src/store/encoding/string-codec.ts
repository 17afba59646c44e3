import { type ByteReader, type ByteWriter, DecodeError } from './byte-io.js';
import { decodeInts } from './int-decode.js';

/**
 * String columns: the part's own dictionary (only the strings its rows use, most frequent first,
 * code 0 always the empty string) as varint count then length-prefixed UTF-8 strings (the empty
 * string implied), then the rows' codes as an integer block (the block's final one: the caller
 * writes it, as bytes or bit-packed).
 */
export function writeStringHead(
  codes: Uint32Array,
  values: readonly string[],
  rows: Uint32Array,
  scratch: Float64Array,
  out: ByteWriter,
): void {
  const n = rows.length;
  const counts = new Uint32Array(values.length);
  for (let i = 0; i < n; i++) counts[codes[rows[i]!]!]!++;
  const used: number[] = [];
  for (let code = 1; code < values.length; code++) if (counts[code]! > 0) used.push(code);
  used.sort((a, b) => counts[b]! - counts[a]! || a - b);
  const local = new Uint32Array(values.length);
  out.varint(used.length + 1);
  for (let k = 0; k < used.length; k++) {
    local[used[k]!] = k + 1;
    out.string(values[used[k]!]!);
  }
  // The codes, for the block's final integer block (written by the caller).
  for (let i = 0; i < n; i++) scratch[i] = local[codes[rows[i]!]!]!;
}

/** Decodes a string block into `codes` (length = rows) and returns its dictionary. */
export function decodeStrings(r: ByteReader, codes: Uint32Array): string[] {
  const d = r.count(1);
  if (d === 0) throw new DecodeError('string dictionary without the empty string');
  const dict = new Array<string>(d);
  dict[0] = '';
  for (let k = 1; k < d; k++) dict[k] = r.string();
  decodeInts(r, codes);
  let max = 0;
  for (let i = 0; i < codes.length; i++) if (codes[i]! > max) max = codes[i]!;
  if (codes.length > 0 && max >= d) throw new DecodeError(`string code ${max} of ${d}`);
  return dict;
}
