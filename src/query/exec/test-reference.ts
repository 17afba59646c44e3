import assert from 'node:assert/strict';
import { formatAddr } from '../../flow/addr.js';
import type { JobColumns } from '../../store/backend.js';
import type { Value } from '../api.js';
import type { AggregateCall, CidrValue, Expr, QueryPlan } from '../plan/plan.js';
import { runPlan, sortedRows, testColumnTypes } from './test-support.js';

/**
 * A brute-force reference for executor tests, written independently of the kernels and of the
 * executor's interpreter: row by row over plain objects, Maps for groups, BigInt sums, inet
 * arithmetic on BigInt, text ordered by UTF-8 bytes (Buffer.compare).
 */
interface RInet {
  readonly v4: boolean;
  readonly big: bigint;
  readonly bits: number;
}
type R = null | boolean | number | bigint | string | RInet;
type Row = Record<string, R>;

const isInet = (v: R): v is RInet => typeof v === 'object' && v !== null;
const maxBits = (v: RInet) => (v.v4 ? 32 : 128);

function inetFromBytes(bytes: Uint8Array, off: number, bits?: number): RInet {
  let v4 = bytes[off + 10] === 0xff && bytes[off + 11] === 0xff;
  for (let i = 0; i < 10; i++) if (bytes[off + i] !== 0) v4 = false;
  let big = 0n;
  for (let i = v4 ? 12 : 0; i < 16; i++) big = (big << 8n) | BigInt(bytes[off + i]!);
  return { v4, big, bits: bits ?? (v4 ? 32 : 128) };
}

function inetBytes(v: RInet): Uint8Array {
  const out = new Uint8Array(16);
  let big = v.big;
  for (let i = 15; i >= (v.v4 ? 12 : 0); i--) {
    out[i] = Number(big & 0xffn);
    big >>= 8n;
  }
  if (v.v4) out[10] = out[11] = 0xff;
  return out;
}

const prefix = (v: RInet, bits: number) => v.big >> BigInt(maxBits(v) - bits);

function cmpInet(a: RInet, b: RInet): number {
  if (a.v4 !== b.v4) return a.v4 ? -1 : 1;
  const m = Math.min(a.bits, b.bits);
  const pa = prefix(a, m);
  const pb = prefix(b, m);
  if (pa !== pb) return pa < pb ? -1 : 1;
  if (a.bits !== b.bits) return a.bits - b.bits;
  return a.big < b.big ? -1 : a.big > b.big ? 1 : 0;
}

function cmp(a: R, b: R): number {
  if (typeof a === 'string') return Buffer.compare(Buffer.from(a), Buffer.from(b as string));
  if (isInet(a)) return cmpInet(a, b as RInet);
  if (typeof a === 'boolean') return Number(a) - Number(b);
  const x = a as number | bigint;
  const y = b as number | bigint;
  return x < y ? -1 : x > y ? 1 : 0;
}

function readRow(job: JobColumns, i: number): Row {
  const row: Row = {};
  for (const [name, arr] of Object.entries(job.columns)) {
    const t = testColumnTypes[name];
    if (t === 'inet') row[name] = inetFromBytes(arr as Uint8Array, i * 16);
    else if (t === 'text') row[name] = job.dicts[name]![arr[i]!]!;
    else row[name] = arr[i]!;
  }
  return row;
}

function likeToRegExp(p: string): RegExp {
  const body = p
    .replace(/[.*+?^${}()|[\]\\]/g, (c) => `\\${c}`)
    .replace(/%/g, '.*')
    .replace(/_/g, '.');
  return new RegExp(`^${body}$`, 'su');
}

interface Env {
  row?: Row;
  keys?: R[];
  aggs?: R[];
}

function ev(e: Expr, env: Env): R {
  switch (e.kind) {
    case 'const':
      if (e.value !== null && typeof e.value === 'object') {
        const c = e.value as CidrValue;
        return inetFromBytes(c.bytes, 0, c.bits);
      }
      return e.value;
    case 'column':
      return env.row![e.name]!;
    case 'key':
      return env.keys![e.index]!;
    case 'agg':
      return env.aggs![e.index]!;
    case 'call':
      break;
  }
  const args = e.args.map((a) => ev(a, env));
  const [a, b] = args;
  if (e.fn === 'and') return args.includes(false) ? false : args.includes(null) ? null : true;
  if (e.fn === 'or') return args.includes(true) ? true : args.includes(null) ? null : false;
  if (e.fn === 'is_null') return a === null;
  if (e.fn === 'coalesce') return args.find((x) => x !== null) ?? null;
  if (e.fn === 'case') {
    for (let i = 0; i + 1 < args.length; i += 2) if (args[i] === true) return args[i + 1]!;
    return args.length % 2 === 1 ? args[args.length - 1]! : null;
  }
  if (args.includes(null)) return null;
  switch (e.fn) {
    case 'not':
      return !a;
    case 'eq':
      return cmp(a!, b!) === 0;
    case 'ne':
      return cmp(a!, b!) !== 0;
    case 'lt':
      return cmp(a!, b!) < 0;
    case 'le':
      return cmp(a!, b!) <= 0;
    case 'gt':
      return cmp(a!, b!) > 0;
    case 'ge':
      return cmp(a!, b!) >= 0;
    case 'in':
      return args.slice(1).some((x) => cmp(a!, x!) === 0);
    case 'like':
      return likeToRegExp(b as string).test(a as string);
    case 'add':
      return (a as number) + (b as number);
    case 'mul':
      return (a as number) * (b as number);
    case 'div':
      return Math.trunc((a as number) / (b as number));
    case 'lower':
      return (a as string).toLowerCase();
    case 'date_trunc':
      return Math.floor((b as number) / 3_600_000) * 3_600_000;
    case 'contained_by':
    case 'contained_by_or_eq': {
      const x = a as RInet;
      const y = b as RInet;
      if (x.v4 !== y.v4) return false;
      if (e.fn === 'contained_by' ? x.bits <= y.bits : x.bits < y.bits) return false;
      return prefix(x, y.bits) === prefix(y, y.bits);
    }
    case 'network': {
      const x = a as RInet;
      const drop = BigInt(maxBits(x) - x.bits);
      return { ...x, big: (x.big >> drop) << drop };
    }
    case 'set_masklen':
      return { ...(a as RInet), bits: b as number };
    case 'host':
      return formatAddr(inetBytes(a as RInet), 0);
    case 'masklen':
      return (a as RInet).bits;
    default:
      throw new Error(`reference: ${e.fn} not implemented`);
  }
}

function aggregate(call: AggregateCall, rows: Row[]): R {
  const vals: R[] = [];
  for (const row of rows) {
    if (call.filter !== undefined && ev(call.filter, { row }) !== true) continue;
    const v = call.arg === undefined ? 1 : ev(call.arg, { row });
    if (v !== null) vals.push(v);
  }
  switch (call.fn) {
    case 'count':
      return vals.length;
    case 'sum':
    case 'avg': {
      if (vals.length === 0) return null;
      const total = vals.reduce<bigint>((s, v) => s + BigInt(v as number), 0n);
      if (call.fn === 'avg') return Number(total) / vals.length;
      return total;
    }
    case 'min':
    case 'max':
      if (vals.length === 0) return null;
      return vals.reduce((m, v) => ((call.fn === 'min' ? cmp(v, m) < 0 : cmp(v, m) > 0) ? v : m));
    case 'count_distinct':
    case 'approx_count_distinct':
      return new Set(vals.map((v) => (isInet(v) ? `${v.v4}/${v.big}/${v.bits}` : String(v)))).size;
    case 'percentile_cont': {
      if (vals.length === 0) return null;
      const sorted = (vals as number[]).slice().sort((x, y) => x - y);
      const pos = call.fraction! * (sorted.length - 1);
      const lo = Math.floor(pos);
      const hi = Math.ceil(pos);
      return sorted[lo]! + (pos - lo) * (sorted[hi]! - sorted[lo]!);
    }
  }
}

function toCell(v: R, type: string): Value {
  if (v === null) return null;
  if (isInet(v)) {
    const text = formatAddr(inetBytes(v), 0);
    return type === 'cidr' || v.bits !== maxBits(v) ? `${text}/${v.bits}` : text;
  }
  if (typeof v === 'bigint')
    return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  return v;
}

function orderCmp(plan: QueryPlan, a: R[], b: R[]): number {
  for (let i = 0; i < plan.orderBy.length; i++) {
    const { descending, nullsFirst } = plan.orderBy[i]!;
    const x = a[i]!;
    const y = b[i]!;
    let c: number;
    if (x === null || y === null) c = x === y ? 0 : (x === null) === nullsFirst ? -1 : 1;
    else c = descending ? -cmp(x, y) : cmp(x, y);
    if (c !== 0) return c;
  }
  return 0;
}

/** The result a query plan must give over these jobs, computed row by row. */
export function referenceResult(plan: QueryPlan, jobs: readonly JobColumns[]): Value[][] {
  const rows: Row[] = [];
  for (const job of jobs) {
    for (let i = 0; i < job.rows; i++) {
      const row = readRow(job, i);
      if (plan.where === undefined || ev(plan.where, { row }) === true) rows.push(row);
    }
  }
  let out: { order: R[]; cells: Value[] }[];
  if (!plan.aggregate) {
    out = rows.map((row) => ({
      order: plan.orderBy.map((k) => ev(k.expr, { row })),
      cells: plan.output.map((o) => toCell(ev(o.expr, { row }), o.expr.type)),
    }));
  } else {
    const groups = new Map<string, { keys: R[]; rows: Row[] }>();
    for (const row of rows) {
      const keys = plan.groupBy.map((k) => ev(k, { row }));
      const id = JSON.stringify(keys, (_, v) => (typeof v === 'bigint' ? `${v}n` : v));
      const g = groups.get(id) ?? { keys, rows: [] };
      g.rows.push(row);
      groups.set(id, g);
    }
    if (groups.size === 0 && plan.groupBy.length === 0) groups.set('', { keys: [], rows: [] });
    out = [];
    for (const g of groups.values()) {
      const env = { keys: g.keys, aggs: plan.aggregates.map((a) => aggregate(a, g.rows)) };
      if (plan.having !== undefined && ev(plan.having, env) !== true) continue;
      out.push({
        order: plan.orderBy.map((k) => ev(k.expr, env)),
        cells: plan.output.map((o) => toCell(ev(o.expr, env), o.expr.type)),
      });
    }
  }
  if (plan.orderBy.length > 0) out.sort((a, b) => orderCmp(plan, a.order, b.order));
  const end = plan.limit === undefined ? undefined : plan.offset + plan.limit;
  return out.slice(plan.offset, end).map((r) => r.cells);
}

/**
 * Asserts that `plan` over each form of the same jobs (dictionaries, keyed columns, mixes) gives
 * the reference's answer over `rowJobs`: in order under ORDER BY, as a set otherwise. The case
 * must select something, or agreeing would prove nothing.
 */
export function assertFormsMatchReference(
  plan: QueryPlan,
  rowJobs: readonly JobColumns[],
  forms: readonly (readonly [string, readonly JobColumns[]])[],
): void {
  const want = referenceResult(plan, rowJobs);
  assert.ok(want.length > 0, 'the case selects something');
  for (const [form, jobs] of forms) {
    const got = runPlan(plan, jobs);
    if (plan.orderBy.length > 0) assert.deepEqual(got, want, form);
    else assert.deepEqual(sortedRows(got), sortedRows(want), form);
  }
}
