import { DecodeError } from './byte-io.js';

/**
 * Bit-packed payloads: n unsigned values of `bits` bits (1 to 32) packed least significant bit
 * first into little-endian 32-bit words, in whole groups of 32 values (ceil(n / 32) * bits words,
 * the last group zero-padded). Value i occupies bits [i * bits, (i + 1) * bits) of the stream.
 *
 * Unpacking runs one generated loop per (operation, width, output type): 32 values per
 * iteration from `bits` words held in locals, with constant shifts and masks and no branch per
 * value. The loops are built once with `new Function` and cached; each output type gets its own
 * copy so that V8 keeps every loop monomorphic (see int-kernels.ts).
 */

export type PackedOutput = Float64Array | Uint32Array | Uint16Array | Uint8Array;

/**
 * What an unpack loop does with each value v: copy it, add a base, sum zigzag deltas, sum plain
 * (non-negative) deltas, look it up, add a base and keep the largest result (dictionary
 * indexes, checked against their dictionary without a second pass), or add a base, mark that
 * entry of `out` (a Uint8Array of marks) and keep the largest (`unpackMarks`).
 */
export type UnpackOp = 'copy' | 'for' | 'delta' | 'sum' | 'dict' | 'index' | 'mark';

/** 32-bit words of a payload of n values of `bits` bits. */
export function packedWords(n: number, bits: number): number {
  return Math.ceil(n / 32) * bits;
}

/** Bits needed for unsigned values up to `max` (< 2^32); at least 1. */
export function bitsFor(max: number): number {
  return Math.max(1, 32 - Math.clz32(max));
}

/** Packs values[0..n) (each below 2^bits) into `words` (at least packedWords(n, bits) long). */
export function packBits(values: Uint32Array, n: number, bits: number, words: Uint32Array): void {
  words.fill(0, 0, packedWords(n, bits));
  let o = 0;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    words[o]! |= v << s;
    if (s + bits > 32) words[o + 1]! |= v >>> (32 - s);
    s += bits;
    if (s >= 32) {
      o++;
      s -= 32;
    }
  }
}

/** The expression for value i of a group, from the group's words w0…w(bits-1). */
function valueExpr(i: number, bits: number): string {
  const bit = i * bits;
  const k = bit >>> 5;
  const s = bit & 31;
  const mask = bits === 32 ? '' : ` & ${2 ** bits - 1}`;
  if (s + bits <= 32) {
    const shifted = s === 0 ? `w${k}` : `(w${k} >>> ${s})`;
    return s + bits === 32 || bits === 32 ? shifted : `(${shifted}${mask})`;
  }
  return `(((w${k} >>> ${s}) | (w${k + 1} << ${32 - s}))${mask})`;
}

function statement(op: UnpackOp, at: string, v: string): string {
  switch (op) {
    case 'copy':
      return `out[${at}] = ${v};`;
    case 'for':
      return `out[${at}] = arg + ${v};`;
    case 'dict':
      return `out[${at}] = arg[${v}];`;
    case 'delta':
      return `z = ${v}; acc += (z >>> 1) ^ -(z & 1); out[${at}] = acc;`;
    case 'sum':
      return `acc += ${v}; out[${at}] = acc;`;
    case 'index':
      // As stored in a Uint32Array (mod 2^32), so that the largest is the largest stored.
      return `z = (arg + ${v}) >>> 0; out[${at}] = z; if (z > acc) acc = z;`;
    case 'mark':
      return `z = (arg + ${v}) >>> 0; out[z] = 1; if (z > acc) acc = z;`;
  }
}

/** Unpacks groups [from, to) of 32 values into out[from * 32…]; returns the running sum (or largest index). */
type Kernel = (words: Uint32Array, out: PackedOutput, from: number, to: number, arg: unknown) => number;

function generate(op: UnpackOp, bits: number): Kernel {
  const sums = op === 'delta' || op === 'sum';
  const lines: string[] = [
    sums
      ? 'let acc = arg; let z = 0;'
      : op === 'index' || op === 'mark'
        ? 'let acc = 0; let z = 0;'
        : 'const acc = 0;',
  ];
  // Word and output offsets from g: extra induction variables (wi += bits) slow V8's loops.
  lines.push('for (let g = from; g < to; g++) {');
  lines.push(`const wi = g * ${bits}; const o = g * 32;`);
  for (let k = 0; k < bits; k++) lines.push(`const w${k} = words[wi + ${k}];`);
  for (let i = 0; i < 32; i++) lines.push(statement(op, `o + ${i}`, valueExpr(i, bits)));
  lines.push('}');
  lines.push('return acc;');
  return new Function('words', 'out', 'from', 'to', 'arg', lines.join('\n')) as Kernel;
}

const kernels = new Map<string, Kernel>();

function outKind(out: PackedOutput): string {
  if (out instanceof Float64Array) return 'f64';
  if (out instanceof Uint32Array) return 'u32';
  if (out instanceof Uint16Array) return 'u16';
  return 'u8';
}

function kernel(op: UnpackOp, bits: number, kind: string): Kernel {
  const key = `${op}/${bits}/${kind}`;
  let k = kernels.get(key);
  if (k === undefined) {
    k = generate(op, bits);
    kernels.set(key, k);
  }
  return k;
}

/**
 * Groups per kernel call. A new loop first runs unoptimised (~350 ns a value measured, against
 * ~2 ns optimised) while V8 optimises it in the background; one call over a whole 150 k-row
 * block stayed on the slow code to its end (50 ms), calls of 64 groups pick up the optimised code
 * as soon as it is ready.
 */
const CHUNK = 64;

/** Per output type, room for one group: the last, partial group is unpacked here, then copied. */
const tails = {
  f64: new Float64Array(32),
  u32: new Uint32Array(32),
  u16: new Uint16Array(32),
  u8: new Uint8Array(32),
} as const;

/**
 * Unpacks out.length values from `words` with `op` (`arg`: the base for 'for' and 'index', the
 * first value for 'delta' and 'sum', the dictionary — of out's type — for 'dict'). `words` must
 * hold packedWords(out.length, bits) words. Returns, for 'index', the largest value written
 * (0 for none).
 */
export function unpack(
  op: UnpackOp,
  bits: number,
  words: Uint32Array,
  out: PackedOutput,
  arg?: unknown,
): number {
  if (!(bits >= 1 && bits <= 32)) throw new DecodeError(`bad bit width ${bits}`);
  const n = out.length;
  if (words.length < packedWords(n, bits)) throw new DecodeError('bit-packed payload too short');
  const kind = outKind(out);
  const run = kernel(op, bits, kind);
  const full = n >>> 5;
  const sums = op === 'delta' || op === 'sum';
  let acc = arg ?? 0;
  let max = 0;
  for (let g = 0; g < full; g += CHUNK) {
    const result = run(words, out, g, Math.min(full, g + CHUNK), acc);
    if (sums) acc = result;
    else if (result > max) max = result;
  }
  const rest = n - full * 32;
  if (rest === 0) return max;
  const tail = tails[kind as keyof typeof tails];
  run(words.subarray(full * bits), tail, 0, 1, acc);
  out.set(tail.subarray(0, rest) as never, full * 32);
  // The tail group's padding values are not rows: the largest comes from the rows copied.
  for (let i = 0; i < rest; i++) if (tail[i]! > max) max = tail[i]!;
  return max;
}

/**
 * Marks entry base + v of `marks` for each of the n values in `words` (the entries a block of
 * dictionary indexes uses), without writing the indexes out; returns the largest index (0 for
 * none), for the caller to check against its dictionary: an index past `marks` marks nothing.
 */
export function unpackMarks(
  bits: number,
  words: Uint32Array,
  n: number,
  marks: Uint8Array,
  base: number,
): number {
  if (!(bits >= 1 && bits <= 32)) throw new DecodeError(`bad bit width ${bits}`);
  if (words.length < packedWords(n, bits)) throw new DecodeError('bit-packed payload too short');
  const run = kernel('mark', bits, 'u8');
  const full = n >>> 5;
  let max = 0;
  for (let g = 0; g < full; g += CHUNK) {
    const result = run(words, marks, g, Math.min(full, g + CHUNK), base);
    if (result > max) max = result;
  }
  const rest = n - full * 32;
  if (rest === 0) return max;
  // The last group's padding values are no indexes: it is unpacked whole, then its rows marked.
  const tail = tails.u32;
  kernel('index', bits, 'u32')(words.subarray(full * bits), tail, 0, 1, base);
  return Math.max(max, markTail(tail, rest, marks));
}

function markTail(tail: Uint32Array, rest: number, marks: Uint8Array): number {
  let max = 0;
  for (let i = 0; i < rest; i++) {
    const z = tail[i]!;
    marks[z] = 1;
    if (z > max) max = z;
  }
  return max;
}
