import { QueryError, SqlState } from '../errors.js';
import type { CallExpr, CidrValue, Expr } from '../plan/plan.js';
import type { SqlType } from '../sql-types.js';
import { liftedAddressBool } from './addr-lift-codegen.js';
import { columnWithin } from './inet-codegen.js';
import type { KernelBuilder } from './kernel-builder.js';
import { liftedText, liftedValue } from './lift-codegen.js';
import { likeRegExp } from './text-fns.js';
import { truncWidth } from './time-fns.js';
import { integerOutOfRange, integerRanges } from './values.js';

/**
 * Per-row expressions as JS source over the job's typed arrays, for non-NULL expressions (the
 * front guarantees per-row expressions are never NULL; a NULL-able one goes to the interpreter
 * as a whole, see `fallback`). Numbers, booleans and text are JS values; text is read from the
 * dictionary without copying; an inet value is an (array, offset, bits) triple read in place.
 */
export interface InetCode {
  readonly arr: string;
  readonly off: string;
  readonly bits: string;
}

/** A text value as a code into a string table (group keys, distinct values, min/max). */
export interface TextCode {
  readonly code: string;
  readonly table: string;
}

const numberTypes = new Set<SqlType>([
  'int2',
  'int4',
  'int8',
  'numeric',
  'float8',
  'timestamptz',
  'interval',
  'macaddr',
]);
const integerTypes = new Set<SqlType>(['int2', 'int4', 'int8']);

export function isNumberType(t: SqlType): boolean {
  return numberTypes.has(t);
}

export class RowCodegen {
  /**
   * `entry`: code for one dictionary entry of that address column instead of one row (`row` is
   * then the entry's index), for expressions evaluated once per entry (addr-lift-codegen.ts).
   */
  constructor(
    private readonly b: KernelBuilder,
    readonly entry?: string,
  ) {}

  /** Where row `row`'s address of column `name` is in the builder's `addrBytes`/`words`. */
  slot(name: string, row: string): string {
    return this.entry === name ? row : this.b.addrSlot(name, row);
  }

  num(e: Expr, row: string): string {
    const lifted = liftedValue(this.b, e, row, 'num');
    if (lifted !== undefined) return lifted;
    if (e.kind === 'const') return this.b.num(Number(e.value));
    if (e.kind === 'column') return `${this.b.column(e.name)}[${row}]`;
    if (e.kind !== 'call') return this.fallback(e, row);
    const a = e.args;
    const n = (i: number) => this.num(a[i]!, row);
    switch (e.fn) {
      case 'add':
        return this.inRange(`(${n(0)} + ${n(1)})`, e.type);
      case 'sub':
        return this.inRange(`(${n(0)} - ${n(1)})`, e.type);
      case 'mul':
        return this.inRange(`(${n(0)} * ${n(1)})`, e.type);
      case 'div':
        return integerTypes.has(e.type)
          ? this.inRange(`rt.idiv(${n(0)}, ${n(1)})`, e.type)
          : `rt.fdiv(${n(0)}, ${n(1)})`;
      case 'mod':
        return `rt.mod(${n(0)}, ${n(1)})`;
      case 'neg':
        return this.inRange(`(-${n(0)})`, e.type);
      case 'abs':
        return this.inRange(`Math.abs(${n(0)})`, e.type);
      case 'floor':
        return `Math.floor(${n(0)})`;
      case 'ceil':
        return `Math.ceil(${n(0)})`;
      case 'round':
        if (a.length > 1) return `rt.roundTo(${n(0)}, ${n(1)})`;
        return a[0]!.type === 'float8' ? `rt.rint(${n(0)})` : `rt.roundAway(${n(0)})`;
      case 'greatest':
      case 'least':
        return `Math.${e.fn === 'greatest' ? 'max' : 'min'}(${a.map((_, i) => n(i)).join(', ')})`;
      case 'coalesce':
        return this.num(firstNonNull(e), row);
      case 'case':
        return this.caseOf(e, row, (x) => this.num(x, row));
      case 'date_trunc':
        return this.dateTrunc(e, row);
      case 'time_bucket': {
        const width = a[0]!.kind === 'const' ? Number(a[0]!.value) : Number.NaN;
        if (!(width > 0)) return this.fallback(e, row);
        return `(Math.floor(${n(1)} / ${width}) * ${width})`;
      }
      case 'date_part': {
        const field = a[0]!.kind === 'const' ? String(a[0]!.value).toLowerCase() : '';
        if (field === 'epoch') return `(${n(1)} / 1000)`;
        return `rt.datePart(${JSON.stringify(field)}, ${n(1)})`;
      }
      case 'masklen': {
        // bits may read temporaries that arr and off assign (set_masklen, network): evaluate in order.
        const x = this.inet(a[0]!, row);
        return `(${x.arr}, ${x.off}, ${x.bits})`;
      }
      case 'family': {
        const x = this.inet(a[0]!, row);
        return `(rt.isMapped(${x.arr}, ${x.off}) ? 4 : 6)`;
      }
      case 'length':
        return `rt.charLength(${this.str(a[0]!, row)})`;
      case 'cast':
        return this.castToNumber(e, row);
      default:
        return this.fallback(e, row);
    }
  }

  bool(e: Expr, row: string): string {
    const lifted = liftedValue(this.b, e, row, 'bool');
    if (lifted !== undefined) return `(${lifted} === 1)`;
    if (this.entry === undefined) {
      const perEntry = liftedAddressBool(this.b, e, row, (column) => new RowCodegen(this.b, column));
      if (perEntry !== undefined) return perEntry;
    }
    if (e.kind === 'const') return e.value === true ? 'true' : 'false';
    if (e.kind !== 'call') return `(${this.fallback(e, row)} === true)`;
    const a = e.args;
    switch (e.fn) {
      case 'and':
        return `(${a.map((x) => this.bool(x, row)).join(' && ')})`;
      case 'or':
        return `(${a.map((x) => this.bool(x, row)).join(' || ')})`;
      case 'not':
        return `(!${this.bool(a[0]!, row)})`;
      case 'is_null':
        return 'false';
      case 'is_not_null':
        return 'true';
      case 'eq':
      case 'ne':
      case 'lt':
      case 'le':
      case 'gt':
      case 'ge':
        return this.compare(e, row);
      case 'in':
        return this.inList(e, row);
      case 'like':
      case 'ilike': {
        if (a[1]!.kind !== 'const') return `(${this.fallback(e, row)} === true)`;
        const re = this.b.konst(likeRegExp(String(a[1]!.value), e.fn === 'ilike'));
        return `${re}.test(${this.str(a[0]!, row)})`;
      }
      case 'contained_by':
      case 'contained_by_or_eq':
        return this.within(a[0]!, a[1]!, e.fn === 'contained_by', row);
      case 'contains':
      case 'contains_or_eq':
        return this.within(a[1]!, a[0]!, e.fn === 'contains', row);
      case 'case':
        return this.caseOf(e, row, (x) => this.bool(x, row));
      case 'coalesce':
        return this.bool(firstNonNull(e), row);
      default:
        return `(${this.fallback(e, row)} === true)`;
    }
  }

  str(e: Expr, row: string): string {
    const lifted = liftedText(this.b, e, row);
    if (lifted !== undefined) return `${lifted.table}[${lifted.code}]`;
    if (e.kind === 'const') return JSON.stringify(String(e.value));
    if (e.kind === 'column') {
      if (this.b.physical[e.name] === 'string')
        return `${this.b.dict(e.name)}[${this.b.column(e.name)}[${row}]]`;
      return this.fallback(e, row);
    }
    if (e.kind !== 'call') return this.fallback(e, row);
    const a = e.args;
    switch (e.fn) {
      case 'lower':
        return `${this.str(a[0]!, row)}.toLowerCase()`;
      case 'upper':
        return `${this.str(a[0]!, row)}.toUpperCase()`;
      case 'concat':
        return `(${a.map((x) => (x.type === 'text' ? this.str(x, row) : `rt.toText(${this.any(x, row)}, ${JSON.stringify(x.type)})`)).join(' + ')})`;
      case 'host': {
        const x = this.inet(a[0]!, row);
        return `rt.formatAddr(${x.arr}, ${x.off})`;
      }
      case 'case':
        return this.caseOf(e, row, (x) => this.str(x, row));
      case 'coalesce':
        return this.str(firstNonNull(e), row);
      case 'cast': {
        const from = a[0]!;
        if (from.type === 'inet' || from.type === 'cidr') {
          const x = this.inet(from, row);
          return `rt.inetText(${x.arr}, ${x.off}, ${x.bits})`;
        }
        if (from.type === 'text') return this.str(from, row);
        return `rt.toText(${this.any(from, row)}, ${JSON.stringify(from.type)})`;
      }
      default:
        return this.fallback(e, row);
    }
  }

  /** A text value as (code, table): the dictionary itself for a string column. */
  code(e: Expr, row: string): TextCode {
    if (e.kind === 'column' && this.b.physical[e.name] === 'string') {
      return { code: `${this.b.column(e.name)}[${row}]`, table: this.b.dict(e.name) };
    }
    const lifted = liftedText(this.b, e, row);
    if (lifted !== undefined) return lifted;
    const intern = this.b.perJob(`intern:${this.b.consts.length}`, 'rt.intern()');
    return { code: `${intern}.code(${this.str(e, row)})`, table: `${intern}.strings` };
  }

  inet(e: Expr, row: string): InetCode {
    if (e.kind === 'column' && this.b.physical[e.name] === 'addr') {
      const col = this.b.addrBytes(e.name);
      const off = `(${this.slot(e.name, row)} << 4)`;
      return { arr: col, off, bits: `rt.fullBits(${col}, ${off})` };
    }
    if (e.kind === 'const' && e.value !== null && typeof e.value === 'object') {
      const v = e.value as CidrValue;
      return { arr: `${this.b.konst(v)}.bytes`, off: '0', bits: String(v.bits) };
    }
    if (e.kind === 'call' && e.fn === 'set_masklen' && e.args[1]!.kind === 'const') {
      const x = this.inet(e.args[0]!, row);
      const [ta, to] = [this.b.temp(), this.b.temp()];
      const bits = Number(e.args[1]!.value);
      return {
        arr: `(${ta} = ${x.arr})`,
        off: `(${to} = ${x.off})`,
        bits: `rt.checkMasklen(${ta}, ${to}, ${bits})`,
      };
    }
    if (e.kind === 'call' && e.fn === 'network') {
      const x = this.inet(e.args[0]!, row);
      const scratch = this.b.konst(new Uint8Array(16));
      const tb = this.b.temp();
      return { arr: `rt.maskInto(${scratch}, ${x.arr}, ${x.off}, (${tb} = ${x.bits}))`, off: '0', bits: tb };
    }
    const t = this.b.temp();
    return { arr: `(${t} = ${this.fallback(e, row)}).bytes`, off: '0', bits: `${t}.bits` };
  }

  /** An integer result outside its type's range raises 22003, as PostgreSQL's operators do. */
  private inRange(code: string, type: SqlType): string {
    const range = integerRanges[type];
    if (range === undefined) return code;
    const t = this.b.temp();
    const fail = this.b.konst(integerOutOfRange);
    return `((${t} = ${code}) >= ${this.b.num(range[0])} && ${t} <= ${this.b.num(range[1])} ? ${t} : ${fail}(${JSON.stringify(range[2])}))`;
  }

  /** Any non-NULL value as a JS value (inet as a CidrValue), for generic helpers. */
  any(e: Expr, row: string): string {
    if (e.type === 'bool') return this.bool(e, row);
    if (e.type === 'text') return this.str(e, row);
    if (e.type === 'inet' || e.type === 'cidr') {
      const x = this.inet(e, row);
      return `rt.cidr(${x.arr}, ${x.off}, ${x.bits})`;
    }
    return this.num(e, row);
  }

  /** The interpreter on this row: for forms the generator does not specialise, and NULL-able ones. */
  fallback(e: Expr, row: string): string {
    if (this.entry !== undefined)
      return `rt.evalAt(${this.b.konst(e)}, ${this.b.entryEnv(this.entry)}, ${row})`;
    return `rt.evalAt(${this.b.konst(e)}, ${this.b.env()}, ${row})`;
  }

  private compare(e: CallExpr, row: string): string {
    const [x, y] = e.args as [Expr, Expr];
    const op = { eq: '===', ne: '!==', lt: '<', le: '<=', gt: '>', ge: '>=' }[e.fn as 'eq'];
    const t = x.type;
    if (t === 'text') {
      if (e.fn === 'eq' || e.fn === 'ne') return `(${this.str(x, row)} ${op} ${this.str(y, row)})`;
      return `(rt.compareText(${this.str(x, row)}, ${this.str(y, row)}) ${op} 0)`;
    }
    if (t === 'inet' || t === 'cidr') {
      const p = this.inet(x, row);
      const q = this.inet(y, row);
      return `(rt.cmpInet(${p.arr}, ${p.off}, ${p.bits}, ${q.arr}, ${q.off}, ${q.bits}) ${op} 0)`;
    }
    if (t === 'bool') return `(${this.bool(x, row)} ${op} ${this.bool(y, row)})`;
    return `(${this.num(x, row)} ${op} ${this.num(y, row)})`;
  }

  private inList(e: CallExpr, row: string): string {
    const [x, ...list] = e.args;
    const values = list
      .filter((v) => v.kind === 'const' && v.value !== null)
      .map((v) => (v as { value: unknown }).value);
    if (values.length !== list.length || !(isNumberType(x!.type) || x!.type === 'text')) {
      return `(${this.fallback(e, row)} === true)`;
    }
    const probe = x!.type === 'text' ? this.str(x!, row) : this.num(x!, row);
    if (values.length <= 4 && x!.type !== 'text') {
      const t = this.b.temp();
      return `((${t} = ${probe}) === ${values.map((v) => this.b.num(Number(v))).join(` || ${t} === `)})`;
    }
    return `${this.b.konst(new Set(values))}.has(${probe})`;
  }

  /** a << b / a <<= b; an address column against a constant network compares masked words. */
  private within(a: Expr, b: Expr, strict: boolean, row: string): string {
    if (a.kind === 'column' && this.b.physical[a.name] === 'addr' && b.kind === 'const' && b.value !== null) {
      return columnWithin(this.b, a.name, b.value as CidrValue, strict, this.slot(a.name, row));
    }
    const p = this.inet(a, row);
    const q = this.inet(b, row);
    return `rt.inetWithin(${p.arr}, ${p.off}, ${p.bits}, ${q.arr}, ${q.off}, ${q.bits}, ${strict})`;
  }

  private caseOf(e: CallExpr, row: string, value: (x: Expr) => string): string {
    const a = e.args;
    let out = '';
    let i = 0;
    for (; i + 1 < a.length; i += 2) out += `${this.bool(a[i]!, row)} ? ${value(a[i + 1]!)} : `;
    if (i >= a.length)
      throw new QueryError(SqlState.featureNotSupported, 'CASE without ELSE in a per-row expression');
    return `(${out}${value(a[i]!)})`;
  }

  private dateTrunc(e: CallExpr, row: string): string {
    const unitExpr = e.args[0]!;
    const unit = unitExpr.kind === 'const' ? String(unitExpr.value).toLowerCase() : '';
    const t = this.num(e.args[1]!, row);
    const width = truncWidth(unit);
    if (width !== undefined && unit !== 'week') return `(Math.floor(${t} / ${width}) * ${width})`;
    if (unit === '') return this.fallback(e, row);
    return `rt.dateTrunc(${JSON.stringify(unit)}, ${t})`;
  }

  private castToNumber(e: CallExpr, row: string): string {
    const from = e.args[0]!;
    if (isNumberType(from.type)) {
      const v = this.num(from, row);
      if (integerTypes.has(e.type) && !integerTypes.has(from.type)) {
        return from.type === 'float8' ? `rt.rint(${v})` : `rt.roundAway(${v})`;
      }
      return v;
    }
    if (from.type === 'bool') return `(${this.bool(from, row)} ? 1 : 0)`;
    return `rt.cast(${this.any(from, row)}, ${JSON.stringify(from.type)}, ${JSON.stringify(e.type)})`;
  }
}

function firstNonNull(e: CallExpr): Expr {
  return e.args.find((a) => !(a.kind === 'const' && a.value === null)) ?? e.args[0]!;
}
