import { hashAddressHighSource } from '../hll/hash64.js';
import { DEFAULT_PRECISION } from '../hll/sketch.js';
import type { Expr } from '../plan/plan.js';
import type { GeneratedKernel } from './agg-codegen.js';
import type { AggLayout } from './agg-layout.js';
import type { JobSpec } from './job-contract.js';
import type { KernelBuilder } from './kernel-builder.js';
import type { StateArraySpec } from './kernel-state.js';
import type { RowCodegen } from './row-codegen.js';

/** approx_count_distinct in generated kernels: HyperLogLog updates (src/query/hll, docs/hll.md). */

export const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * True when every aggregate is approx_count_distinct of an address column over every row (no
 * GROUP BY, WHERE or FILTER): each sketch then takes the whole column at once, hashed from its
 * int32 words (HyperLogLog.addAddressWords) without a per-row call or lookup.
 */
export function columnSketches(spec: JobSpec): boolean {
  return (
    LITTLE_ENDIAN &&
    spec.groupBy.length === 0 &&
    spec.where === undefined &&
    spec.aggregates.length > 0 &&
    spec.aggregates.every(
      (a) =>
        a.fn === 'approx_count_distinct' &&
        a.filter === undefined &&
        a.arg?.kind === 'column' &&
        spec.physical[a.arg.name] === 'addr',
    )
  );
}

export function columnSketchKernel(
  spec: JobSpec,
  b: KernelBuilder,
  arrays: StateArraySpec[],
  layouts: AggLayout[],
): GeneratedKernel {
  const adds = spec.aggregates.map((a, j) => {
    const words = b.words((a.arg as { name: string }).name);
    return `(st.hll[${j}][0] ?? rt.hll(st, ${j}, 0)).addAddressWords(${words}, 0, n);`;
  });
  const source = [
    'return function kernel(job, st) {',
    'const n = job.rows;',
    ...b.prelude,
    'if (n === 0) return;',
    ...adds,
    'st.table.size = 1;',
    '};',
  ].join('\n');
  return { source, consts: b.consts, arrays, layouts };
}

/**
 * approx_count_distinct of an address column: the column's int32 words are the little-endian
 * words hashAddress reads. Once the group's sketch is dense, the register update is inlined with
 * the hash's high word (HyperLogLog.addHash at the kernels' precision); the low word is computed
 * only for a rank past the high word, and sparse sketches take the whole hash through addHash.
 */
export function hllAddressUpdate(words: string, sketches: string, j: number): string {
  const w = [0, 1, 2, 3].map((k) => `${words}[(i << 2) + ${k}]`);
  const p = DEFAULT_PRECISION;
  return [
    `{ ${hashAddressHighSource(w, 'ha', 'hk')}`,
    `const sk = ${sketches}[g] ?? rt.hll(st, ${j}, g); const R = sk.registersIfDense;`,
    `if (R !== null) { const rest = ha << ${p}; const x = ha >>> ${32 - p};`,
    `const r = rest !== 0 ? Math.clz32(rest) + 1 : rt.lowRank(${w.join(', ')}); if (r > R[x]) R[x] = r; }`,
    `else { rt.hashWords(${w.join(', ')}); sk.addHash(rt.hash[0], rt.hash[1]); } }`,
  ].join(' ');
}

/** The hash of the argument (HyperLogLog's 64-bit hash, src/query/hll): statements, then its two words. */
export function hllHash(
  b: KernelBuilder,
  rc: RowCodegen,
  arg: Expr,
): { stmts: string; hi: string; lo: string } {
  const viaRt = (stmts: string) => ({ stmts, hi: 'rt.hash[0]', lo: 'rt.hash[1]' });
  if (arg.type === 'text') {
    if (arg.kind === 'column' && b.physical[arg.name] === 'string') {
      const dict = b.dict(arg.name);
      const hashes = b.perJob(`th:${arg.name}`, `rt.textHashes(${dict})`);
      const code = `${b.column(arg.name)}[i]`;
      return { stmts: '', hi: `${hashes}[2 * ${code}]`, lo: `${hashes}[2 * ${code} + 1]` };
    }
    return viaRt(`rt.hashString(${rc.str(arg, 'i')});`);
  }
  if (arg.type === 'inet' || arg.type === 'cidr') {
    const x = rc.inet(arg, 'i');
    return viaRt(`rt.hashAddress(${x.arr}, ${x.off});`);
  }
  if (arg.type === 'bool') return viaRt(`rt.hashNumber(${rc.bool(arg, 'i')} ? 1 : 0);`);
  return viaRt(`rt.hashNumber(${rc.num(arg, 'i')});`);
}

/**
 * approx_count_distinct of an address column in dictionary form, per group: each entry's hash is
 * computed when a row first uses it, then read by index.
 */
export function hllEntryUpdate(b: KernelBuilder, column: string, sketches: string, j: number): string {
  const size = `${b.addressDict(column)}.size`;
  const holder = b.konst({ buf: null, hash: new Int32Array(0) });
  const hashes = b.perJob(`eh:${column}`, `rt.entryHashes(${holder}, ${size})`);
  const done = b.perJob(`ehd:${column}`, `${hashes}.done`);
  const hh = b.perJob(`ehh:${column}`, `${hashes}.hash`);
  const words = b.words(column);
  return [
    `{ const s = ${b.addrSlot(column, 'i')};`,
    `if (${done}[s] === 0) { ${done}[s] = 1; rt.hashEntry(${words}, s, ${hh}); }`,
    `(${sketches}[g] ?? rt.hll(st, ${j}, g)).addHash(${hh}[2 * s], ${hh}[2 * s + 1]); }`,
  ].join(' ');
}
