import type { Expr } from '../plan/plan.js';
import { type AggLayout, aggLayout, stateArrays } from './agg-layout.js';
import { addressSource, codedSource, denseKernel, denseKey } from './dense-codegen.js';
import { nullable } from './expr-analysis.js';
import { hashSource } from './group-table.js';
import {
  columnSketches,
  columnSketchKernel,
  hllAddressUpdate,
  hllEntryUpdate,
  hllHash,
  LITTLE_ENDIAN,
} from './hll-codegen.js';
import type { JobSpec, KernelAggregate } from './job-contract.js';
import { KernelBuilder } from './kernel-builder.js';
import type { StateArraySpec } from './kernel-state.js';
import { keyLayout } from './key-layout.js';
import { nullableUpdate } from './nullable-codegen.js';
import { RowCodegen } from './row-codegen.js';
import { KEY_HASHES, spillable } from './spillable.js';
import { wordsOf } from './word-codegen.js';

/**
 * Generates the aggregate kernel of a spec: one loop over the job's rows that filters, hashes the
 * group key into the open-addressing table (inlined probe; one-word keys by Fibonacci hashing)
 * and updates every aggregate's typed-array state in place. Nothing is allocated per row except
 * by the interpreter fallback, per-row text results and new distinct values.
 */
export interface GeneratedKernel {
  readonly source: string;
  readonly consts: unknown[];
  readonly arrays: StateArraySpec[];
  readonly layouts: AggLayout[];
}

const LIMIT_2_52 = 4503599627370496;

const noDicts: ReadonlySet<string> = new Set();

/**
 * `dicts`: the address columns every job given to this kernel holds in dictionary form
 * (address-dicts.ts), `keyed` the numeric columns it holds in keyed form (keyed-columns.ts), and
 * `indexGroup` the keyed column whose table index gives the group (`indexGroupKey`);
 * compile-kernel.ts generates a kernel per combination the jobs come in.
 */
export function generateAggKernel(
  spec: JobSpec,
  dicts: ReadonlySet<string> = noDicts,
  keyed: ReadonlySet<string> = noDicts,
  indexGroup?: string,
  coded: ReadonlySet<string> = noDicts,
): GeneratedKernel {
  const b = new KernelBuilder(spec.physical, dicts, keyed, coded);
  const rc = new RowCodegen(b);
  const layout = keyLayout(spec.groupBy, spec.physical);
  const layouts = spec.aggregates.map((a) => aggLayout(a, spec.physical));
  // A spillable state also keeps each group's key hash (its partition, and the merge's hash).
  const hashes = spillable(spec);
  const arrays = [...layouts.flatMap((l, j) => stateArrays(j, l)), ...(hashes ? [KEY_HASHES] : [])];
  const setup: string[] = [];
  const body: string[] = [];
  const epilogue: string[] = [];
  if (dicts.size === 0 && columnSketches(spec)) return columnSketchKernel(spec, b, arrays, layouts);

  if (spec.where !== undefined) body.push(`if (!${condition(rc, spec.where)}) continue;`);
  // GROUP BY an address column in dictionary form, or a keyed column by its codes, spillable
  // aggregates: state per entry (dense-groups.ts).
  const denseAddr = hashes ? denseKey(spec, dicts) : undefined;
  const denseCoded =
    hashes && layout.width === 1 && layout.encodings[0] === 'u32' ? denseKey(spec, coded) : undefined;
  const dense =
    denseAddr !== undefined
      ? addressSource(b, denseAddr)
      : denseCoded !== undefined
        ? codedSource(b, denseCoded)
        : undefined;
  if (dense !== undefined) {
    const updates = spec.aggregates.map((agg, j) => {
      const update = aggUpdate(b, rc, agg, layouts[j]!, j, setup, undefined, 'DS');
      return agg.filter === undefined ? update : `if (${condition(rc, agg.filter)}) { ${update} }`;
    });
    return denseKernel(b, dense, body, updates, arrays, layouts);
  }
  const keyNames: string[] = [];
  const keyCode: string[] = [];
  spec.groupBy.forEach((key, k) => {
    const code = wordsOf(b, rc, key, layout.encodings[k]!, 'i', `k${k}_`);
    keyCode.push(...code.stmts);
    keyNames.push(...code.names);
    if (code.table !== undefined) setup.push(`st.keyTables[${k}] = ${code.table};`);
  });
  const reload = [
    'T = tbl.slots; M = tbl.mask; SH = tbl.shift; KW = tbl.keys;',
    ...arrays.map((a) => `${a.name} = st.arr.${a.name};`),
  ].join(' ');
  const width = layout.width;
  // GROUP BY a keyed column by index (any aggregates), or an address in dictionary form (aggregates
  // that do not spill): each entry's group, probed once, is kept by entry.
  const byEntry = indexGroup ?? (hashes ? undefined : denseKey(spec, dicts));
  if (width === 0) {
    body.push('const g = 0; any = true;');
  } else {
    const same = keyNames
      .map((n, j) => `KW[${width === 1 ? 'g' : `g * ${width} + ${j}`}] === ${n}`)
      .join(' && ');
    // A new key goes in right here unless the table must grow or spill (then through `insert`,
    // given the key's home slot).
    const probe = [
      ...(hashes
        ? [`const hf = ${hashSource(keyNames, '0')} | 0;`, 'const h0 = hf >>> SH;']
        : [`const h0 = ${hashSource(keyNames, 'SH')};`]),
      'let h = h0;',
      'for (;;) {',
      '  const s = T[h];',
      '  if (s === 0) {',
      '    g = tbl.size;',
      '    if (g < CAP && 2 * g + 2 <= T.length) {',
      `      tbl.size = g + 1; T[h] = g + 1; ${keyNames.map((n, j) => `KW[${width === 1 ? 'g' : `g * ${width} + ${j}`}] = ${n};`).join(' ')}`,
      '    } else {',
      ...keyNames.map((n, j) => `      tbl.scratch[${j}] = ${n};`),
      `      g = tbl.insert(h, h0); ${reload} CAP = tbl.capacity;`,
      // A spill emptied the table (the new group is 0): no entry's group stands any more.
      ...(byEntry !== undefined && hashes
        ? [`      if (g === 0) GID.fill(0, 0, ${b.entryCount(byEntry)});`]
        : []),
      '    }',
      ...(hashes ? [`    ${KEY_HASHES.name}[g] = hf;`] : []),
      '    break;',
      '  }',
      '  g = s - 1;',
      `  if (${same}) break;`,
      '  h = (h + 1) & M;',
      '}',
    ];
    if (byEntry !== undefined) {
      setup.push(`const GID = rt.zeroedInts(${b.konst({ buf: null })}, ${b.entryCount(byEntry)});`);
      body.push(
        `const gs = ${b.entrySlot(byEntry, 'i')};`,
        'let g = GID[gs] - 1;',
        'if (g < 0) {',
        ...keyCode,
        ...probe,
        'GID[gs] = g + 1;',
        '}',
      );
    } else {
      // The previous row's group when its key is the same (rows sorted by a correlated column
      // repeat keys); else the probe.
      const prev = keyNames.map((_, j) => `P${j}`);
      setup.push(`let PG = -1, ${prev.map((p) => `${p} = 0`).join(', ')};`);
      body.push(
        ...keyCode,
        'let g = 0;',
        `if (PG >= 0 && ${keyNames.map((n, j) => `${n} === ${prev[j]}`).join(' && ')}) g = PG;`,
        'else {',
        ...probe,
        '}',
        `PG = g; ${keyNames.map((n, j) => `${prev[j]} = ${n};`).join(' ')}`,
      );
    }
  }
  spec.aggregates.forEach((agg, j) => {
    const update = aggUpdate(b, rc, agg, layouts[j]!, j, setup, width === 0 ? epilogue : undefined);
    body.push(agg.filter === undefined ? update : `if (${condition(rc, agg.filter)}) { ${update} }`);
  });

  const source = [
    'return function kernel(job, st) {',
    'const n = job.rows;',
    'const F = rt.f64, FW = rt.f64Words;',
    ...b.prelude,
    'const tbl = st.table;',
    'let T = tbl.slots, M = tbl.mask, SH = tbl.shift, KW = tbl.keys, CAP = tbl.capacity;',
    ...arrays.map((a) => `let ${a.name} = st.arr.${a.name};`),
    'let any = false;',
    ...setup,
    'for (let i = 0; i < n; i++) {',
    ...body,
    '}',
    width === 0 ? 'if (any) tbl.size = 1;' : '',
    ...epilogue,
    '};',
  ].join('\n');
  return { source, consts: b.consts, arrays, layouts };
}

/** A per-row condition; a NULL-able one goes to the interpreter (NULL counts as false). */
export function condition(rc: RowCodegen, e: Expr): string {
  return nullable(e) ? `(${rc.fallback(e, 'i')} === true)` : rc.bool(e, 'i');
}

/**
 * The update of aggregate j for row i of group g. `single`: the epilogue of a kernel without
 * GROUP BY (where a distinct count over an address column in dictionary form marks the entries
 * its rows use and takes each once at the end). `state`: the object sumSlow updates.
 */
function aggUpdate(
  b: KernelBuilder,
  rc: RowCodegen,
  agg: KernelAggregate,
  layout: AggLayout,
  j: number,
  setup: string[],
  single: string[] | undefined,
  state = 'st',
): string {
  const one = agg.weight === undefined ? '1' : b.value(agg.weight, 'i');
  const arg = agg.arg;
  if (arg === undefined || (layout.kind === 'count' && !nullable(arg))) return `A${j}[g] += ${one};`;
  if (nullable(arg)) return nullableUpdate(b, rc, arg, layout, j, one, setup);
  const dictArg = arg.kind === 'column' && b.dictColumns.has(arg.name) ? arg.name : undefined;
  switch (layout.kind) {
    case 'count':
      return `A${j}[g] += ${one};`;
    case 'sum':
    case 'avg':
      return sumUpdate(rc.num(arg, 'i'), layout, j, one, state);
    case 'minmax':
      return minMaxUpdate(rc, arg, layout, j, setup);
    case 'distinct': {
      if (dictArg !== undefined && single !== undefined) {
        const marks = markEntries(b, dictArg, j);
        single.push(
          `rt.distinctMarked(st.pairs[${j}], ${marks}, ${b.words(dictArg)}, ${b.addressDict(dictArg)}.size);`,
        );
        return `${marks}[${b.addrSlot(dictArg, 'i')}] = 1;`;
      }
      const w = wordsOf(b, rc, arg, layout.encoding!, 'i', `d${j}_`);
      if (w.table !== undefined) setup.push(`st.aggTables[${j}] = ${w.table};`);
      const pairs = b.perJob(`pairs${j}`, `st.pairs[${j}]`);
      return `{ ${w.stmts.join(' ')} ${pairs}.add(g, 1, ${w.names.join(', ')}); }`;
    }
    case 'hll': {
      const sketches = b.perJob(`hll${j}`, `st.hll[${j}]`);
      if (dictArg !== undefined && single !== undefined) {
        const marks = markEntries(b, dictArg, j);
        single.push(
          `rt.sketchMarked(st, ${j}, rt.hll, ${marks}, ${b.words(dictArg)}, ${b.addressDict(dictArg)}.size);`,
        );
        return `${marks}[${b.addrSlot(dictArg, 'i')}] = 1;`;
      }
      if (dictArg !== undefined) return hllEntryUpdate(b, dictArg, sketches, j);
      if (arg.kind === 'column' && b.physical[arg.name] === 'addr' && LITTLE_ENDIAN)
        return hllAddressUpdate(b.words(arg.name), sketches, j);
      const h = hllHash(b, rc, arg);
      return `{ ${h.stmts} (${sketches}[g] ?? rt.hll(st, ${j}, g)).addHash(${h.hi}, ${h.lo}); }`;
    }
    case 'percentile': {
      const pairs = b.perJob(`pairs${j}`, `st.pairs[${j}]`);
      return `{ F[0] = ${rc.num(arg, 'i')} + 0; ${pairs}.add(g, ${one}, FW[0], FW[1]); }`;
    }
  }
}

export function sumUpdate(value: string, layout: AggLayout, j: number, one: string, state = 'st'): string {
  const count = layout.kind === 'avg' || layout.filtered ? ` N${j}[g] += ${one};` : '';
  if (layout.float) return `A${j}[g] += ${value};${count}`;
  const overflow = layout.unsigned ? `s >= ${LIMIT_2_52}` : `s >= ${LIMIT_2_52} || s <= -${LIMIT_2_52}`;
  return `{ const v = ${value}; const s = A${j}[g] + v; if (${overflow}) rt.sumSlow(${state}, ${j}, g, v); else A${j}[g] = s;${count} }`;
}

/** Per-entry marks of aggregate j over an address column in dictionary form (zeroed per job). */
function markEntries(b: KernelBuilder, column: string, j: number): string {
  const size = `${b.addressDict(column)}.size`;
  return b.perJob(`marks${j}`, `rt.zeroedBytes(${b.konst({ buf: null })}, ${size})`);
}

function minMaxUpdate(rc: RowCodegen, arg: Expr, layout: AggLayout, j: number, setup: string[]): string {
  const better = layout.max ? '>' : '<';
  if (layout.values === 'num') {
    return `{ const v = ${rc.num(arg, 'i')}; if (!(v ${layout.max ? '<=' : '>='} A${j}[g])) A${j}[g] = v; }`;
  }
  if (layout.values === 'text') {
    const t = rc.code(arg, 'i');
    setup.push(`st.aggTables[${j}] = ${t.table};`);
    return `{ const x = ${t.code}; const cur = A${j}[g]; if (x !== cur && (cur < 0 || rt.compareText(${t.table}[x], ${t.table}[cur]) ${better} 0)) A${j}[g] = x; }`;
  }
  const x = rc.inet(arg, 'i');
  return `rt.inetMinMax(st, ${j}, g, ${x.arr}, ${x.off}, ${x.bits}, ${layout.max});`;
}
