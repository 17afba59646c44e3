import { formatAddr } from '../../flow/addr.js';
import type { JobColumns } from '../../store/backend.js';
import {
  DEFAULT_PRECISION,
  HyperLogLog,
  hashAddress,
  hashAddressWords,
  hashNumber,
  hashString,
} from '../hll/index.js';
import type { CidrValue, Expr } from '../plan/plan.js';
import type { SqlType } from '../sql-types.js';
import { castValue, roundHalfAway, roundHalfEven, toText } from './cast.js';
import { type EntryEnv, entryRuntime, type KeyedEnv } from './entry-runtime.js';
import { fmix } from './group-table.js';
import {
  checkMasklen,
  cidrOf,
  cmpInet,
  formatInet,
  fullBits,
  inetWithin,
  isMapped,
  maskInto,
} from './inet.js';
import { InternTable } from './intern-table.js';
import { divisionByZero, type EvalEnv, evalExpr } from './interpret.js';
import type { PhysicalType } from './job-contract.js';
import type { KernelState } from './kernel-state.js';
import type { WordEncoding } from './key-layout.js';
import { lift, liftedValue } from './lift.js';
import { charLength } from './text-fns.js';
import { datePart, dateTrunc } from './time-fns.js';
import { compareForOrder, compareNonNull, compareText, type IValue } from './values.js';

/**
 * The helpers generated kernels call (`rt.…`). Everything here is off the common path or small
 * enough for V8 to inline; none allocates except the interpreter fallback and text results.
 */

const TWO_32 = 4294967296;
const EMPTY_DICT: readonly string[] = [''];

/** An address column as int32 words (a view when aligned, else a copy). */
function words(col: Uint8Array, rows: number): Int32Array {
  if (col.byteOffset % 4 === 0) return new Int32Array(col.buffer, col.byteOffset, rows * 4);
  return new Int32Array(col.slice(0, rows * 16).buffer);
}

function idiv(a: number, b: number): number {
  if (b === 0) throw divisionByZero();
  return Math.trunc(a / b);
}

function fdiv(a: number, b: number): number {
  if (b === 0) throw divisionByZero();
  return a / b;
}

function mod(a: number, b: number): number {
  if (b === 0) throw divisionByZero();
  return a % b;
}

/** Exact integer sums past 2^52: lo keeps the low part, hi counts units of 2^32. */
function sumSlow(st: Pick<KernelState, 'arr' | 'carried'>, j: number, g: number, v: number): void {
  const lo = st.arr[`A${j}`]!;
  const hi = st.arr[`H${j}`]!;
  st.carried = true;
  const x = lo[g]!;
  const xh = Math.floor(x / TWO_32);
  const vh = Math.floor(v / TWO_32);
  hi[g] += xh + vh;
  lo[g] = x - xh * TWO_32 + (v - vh * TWO_32);
}

const hash = new Int32Array(2);

function hll(st: KernelState, j: number, g: number): HyperLogLog {
  const list = st.hll[j]!;
  let sketch = list[g];
  if (sketch === undefined) {
    sketch = new HyperLogLog();
    list[g] = sketch;
  }
  return sketch;
}

/** Per-code hashes of a string table (two words per code), for approx_count_distinct of text. */
function textHashes(table: readonly string[]): Int32Array {
  const out = new Int32Array(table.length * 2);
  for (let i = 0; i < table.length; i++) {
    hashString(table[i]!, hash);
    out[2 * i] = hash[0]!;
    out[2 * i + 1] = hash[1]!;
  }
  return out;
}

function inetMinMax(
  st: KernelState,
  j: number,
  g: number,
  arr: Uint8Array,
  off: number,
  bits: number,
  max: boolean,
): void {
  const list = st.objs[j]!;
  const cur = list[g];
  if (cur !== undefined) {
    const c = cmpInet(arr, off, bits, cur.bytes, 0, cur.bits);
    if (max ? c <= 0 : c >= 0) return;
  }
  list[g] = cidrOf(arr, off, bits);
}

const f64 = new Float64Array(1);
const f64Words = new Int32Array(f64.buffer);
const inetKey = new Int32Array(5);
const inetKeyBytes = new Uint8Array(inetKey.buffer);

/** Writes an inet value's key words (4 address words + bits) into rt.inetKey. */
function inetWords(arr: Uint8Array, off: number, bits: number): Int32Array {
  for (let b = 0; b < 16; b++) inetKeyBytes[b] = arr[off + b]!;
  inetKey[4] = bits;
  return inetKey;
}

/** The interpreter's view of one row of a job (the kernels' fallback for rare expression forms). */
class RowEnv implements EvalEnv {
  row = 0;
  constructor(
    private readonly job: JobColumns,
    private readonly physical: Readonly<Record<string, PhysicalType>>,
  ) {}
  column(name: string): IValue {
    const keyed = this.job.keyed?.[name];
    if (keyed !== undefined) {
      const index = keyed.indexes[this.row]!;
      return keyed.table[keyed.codes === undefined ? index : keyed.codes[index]!]!;
    }
    const col = this.job.columns[name]!;
    switch (this.physical[name]) {
      case 'string':
        return (this.job.dicts[name] ?? EMPTY_DICT)[col[this.row]!]!;
      case 'addr': {
        const dict = this.job.addressDicts?.[name];
        const a = dict === undefined ? (col as Uint8Array) : dict.entries;
        const at = (dict === undefined ? this.row : dict.indexes[this.row]!) * 16;
        return cidrOf(a, at, fullBits(a, at));
      }
      default:
        return col[this.row]!;
    }
  }
  key(): IValue {
    throw new Error('group key in a per-row expression');
  }
  agg(): IValue {
    throw new Error('aggregate in a per-row expression');
  }
}

function compareNumbers(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : a === b ? 0 : compareNonNull(a, b);
}

/** Keeps the `keep` smallest rows under `cmp` in a max-heap (the root is the worst kept row). */
function pushTop(heap: number[], row: number, keep: number, cmp: (a: number, b: number) => number): void {
  if (heap.length < keep) {
    let i = heap.length;
    heap.push(row);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (cmp(heap[parent]!, row) >= 0) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = row;
    return;
  }
  if (cmp(row, heap[0]!) >= 0) return;
  let i = 0;
  const size = heap.length;
  for (;;) {
    const l = 2 * i + 1;
    if (l >= size) break;
    const r = l + 1;
    const big = r < size && cmp(heap[r]!, heap[l]!) > 0 ? r : l;
    if (cmp(heap[big]!, row) <= 0) break;
    heap[i] = heap[big]!;
    i = big;
  }
  heap[i] = row;
}

const valueKey = new Int32Array(5);

/** Key words (key-layout.ts) of a value the interpreter computed (NULL-able aggregate arguments). */
function valueWords(v: IValue, enc: WordEncoding): Int32Array {
  valueKey.fill(0);
  if (enc === 'f64') {
    f64[0] = Number(v) + 0;
    valueKey[0] = f64Words[0]!;
    valueKey[1] = f64Words[1]!;
  } else if (enc === 'inet' || enc === 'addr') {
    const c = v as CidrValue;
    valueKey.set(inetWords(c.bytes, 0, c.bits));
  } else valueKey[0] = typeof v === 'boolean' ? (v ? 1 : 0) : Number(v) | 0;
  return valueKey;
}

/** The HyperLogLog hash of a value the interpreter computed, into rt.hash. */
function hashValue(v: IValue): void {
  if (typeof v === 'string') hashString(v, hash);
  else if (typeof v === 'object' && v !== null) hashAddress(v.bytes, 0, hash);
  else hashNumber(typeof v === 'boolean' ? (v ? 1 : 0) : Number(v), hash);
}

function evalAt(e: Expr, env: RowEnv | EntryEnv | KeyedEnv, row: number): IValue {
  env.row = row;
  return evalExpr(e, env);
}

export const kernelRuntime = {
  EMPTY_DICT,
  words,
  idiv,
  fdiv,
  mod,
  rint: roundHalfEven,
  roundAway: roundHalfAway,
  roundTo: (x: number, d: number) => roundHalfAway(x * 10 ** d) / 10 ** d,
  sumSlow,
  fmix,
  fullBits,
  isMapped,
  cmpInet,
  inetWithin,
  maskInto,
  checkMasklen,
  formatAddr,
  inetText: (arr: Uint8Array, off: number, bits: number) => formatInet(arr, off, bits, true),
  cidr: cidrOf,
  inetWords,
  compareText,
  charLength,
  dateTrunc,
  datePart,
  cast: (v: IValue, from: SqlType, to: SqlType) => castValue(v, from, to),
  toText: (v: IValue, from: SqlType) => toText(v, from),
  hash,
  hashNumber: (v: number) => hashNumber(v, hash),
  hashAddress: (arr: Uint8Array, off: number) => hashAddress(arr, off, hash),
  hashWords: (w0: number, w1: number, w2: number, w3: number) => hashAddressWords(w0, w1, w2, w3, hash),
  /** A dense register's rank from the low hash word (the high word's bits after the index were 0). */
  lowRank: (w0: number, w1: number, w2: number, w3: number) => {
    hashAddressWords(w0, w1, w2, w3, hash);
    return 33 - DEFAULT_PRECISION + Math.clz32(hash[1]!);
  },
  hashString: (s: string) => hashString(s, hash),
  textHashes,
  hll,
  inetMinMax,
  f64,
  f64Words,
  intern: () => new InternTable(),
  rowEnv: (job: JobColumns, physical: Readonly<Record<string, PhysicalType>>) => new RowEnv(job, physical),
  ...entryRuntime,
  evalAt,
  lift,
  lifted: liftedValue,
  compareNumbers,
  compareValues: (a: IValue, b: IValue) => compareForOrder(a, b, false, false),
  pushTop,
  valueWords,
  hashValue,
};

export type KernelRuntime = typeof kernelRuntime;
