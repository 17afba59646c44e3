import type { Expr } from '../plan/plan.js';
import type { SqlType } from '../sql-types.js';
import { fullBits } from './inet.js';
import type { PhysicalType } from './job-contract.js';
import type { IValue } from './values.js';

/**
 * How a value becomes int32 words in a group key (or a distinct value): the kernels write the words,
 * partials carry them, the coordinator merges on them and decodes them for output.
 *   u32   an integer column of at most 32 bits, 1 word
 *   bool  1 word
 *   f64   any other number: the float64's two words (-0 as 0)
 *   text  1 word: a code into a string table (per job in a kernel, per partial in a partial)
 *   addr  an address column: its 16 bytes as 4 words (the prefix length follows from the family)
 *   inet  any other inet/cidr value: 4 address words and the prefix length
 */
export type WordEncoding = 'u32' | 'bool' | 'f64' | 'text' | 'addr' | 'inet';

export const encodingWidth: Readonly<Record<WordEncoding, number>> = {
  u32: 1,
  bool: 1,
  f64: 2,
  text: 1,
  addr: 4,
  inet: 5,
};

export function encodingOf(e: Expr, physical: Readonly<Record<string, PhysicalType>>): WordEncoding {
  const phys = e.kind === 'column' ? physical[e.name] : undefined;
  switch (e.type) {
    case 'bool':
      return 'bool';
    case 'text':
      return 'text';
    case 'inet':
    case 'cidr':
      return phys === 'addr' ? 'addr' : 'inet';
    default:
      return phys === 'u8' || phys === 'u16' || phys === 'u32' ? 'u32' : 'f64';
  }
}

export interface KeyLayout {
  readonly encodings: readonly WordEncoding[];
  readonly types: readonly SqlType[];
  /** Word offset of each key. */
  readonly offsets: readonly number[];
  readonly width: number;
}

export function keyLayout(
  keys: readonly Expr[],
  physical: Readonly<Record<string, PhysicalType>>,
): KeyLayout {
  const encodings = keys.map((k) => encodingOf(k, physical));
  const offsets: number[] = [];
  let width = 0;
  for (const enc of encodings) {
    offsets.push(width);
    width += encodingWidth[enc];
  }
  return { encodings, types: keys.map((k) => k.type), offsets, width };
}

const f64 = new Float64Array(1);
const f64Words = new Int32Array(f64.buffer);
const addrWords = new Int32Array(4);
const addrBytes = new Uint8Array(addrWords.buffer);

/** The value of words[at..] under an encoding; text words index `texts`. */
export function decodeWords(
  enc: WordEncoding,
  words: ArrayLike<number>,
  at: number,
  texts: readonly string[] | null,
): IValue {
  switch (enc) {
    case 'u32':
      return words[at]! >>> 0;
    case 'bool':
      return words[at] !== 0;
    case 'f64':
      f64Words[0] = words[at]!;
      f64Words[1] = words[at + 1]!;
      return f64[0]!;
    case 'text':
      return texts![words[at]!]!;
    case 'addr':
    case 'inet': {
      for (let j = 0; j < 4; j++) addrWords[j] = words[at + j]!;
      const bytes = addrBytes.slice();
      const bits = enc === 'addr' ? fullBits(bytes, 0) : words[at + 4]!;
      return { bytes, bits, v4: fullBits(bytes, 0) === 32 };
    }
  }
}
