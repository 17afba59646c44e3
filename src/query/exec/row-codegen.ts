import type { CidrValue, Expr } from '../plan/plan.js';
import { liftedAddressBool } from './addr-lift-codegen.js';
import { columnWithin } from './inet-codegen.js';
import type { KernelBuilder } from './kernel-builder.js';
import { liftedText, liftedValue } from './lift-codegen.js';
import {
  caseOf,
  castToNumber,
  compare,
  dateTrunc,
  firstNonNull,
  inList,
  inRange,
  integerTypes,
} from './row-ops-codegen.js';
import { likeRegExp } from './text-fns.js';

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

export class RowCodegen {
  /**
   * `entry`: code for one dictionary entry of that address column (or one index of that keyed
   * column's table) instead of one row (`row` is then the entry's index), for expressions
   * evaluated once per entry (addr-lift-codegen.ts).
   */
  constructor(
    readonly b: KernelBuilder,
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
    if (e.kind === 'column') {
      if (this.entry === e.name && this.b.keyedColumns.has(e.name))
        return `${this.b.keyedTable(e.name)}[${row}]`;
      return this.b.value(e.name, row);
    }
    if (e.kind !== 'call') return this.fallback(e, row);
    const a = e.args;
    const n = (i: number) => this.num(a[i]!, row);
    switch (e.fn) {
      case 'add':
        return inRange(this, `(${n(0)} + ${n(1)})`, e.type);
      case 'sub':
        return inRange(this, `(${n(0)} - ${n(1)})`, e.type);
      case 'mul':
        return inRange(this, `(${n(0)} * ${n(1)})`, e.type);
      case 'div':
        return integerTypes.has(e.type)
          ? inRange(this, `rt.idiv(${n(0)}, ${n(1)})`, e.type)
          : `rt.fdiv(${n(0)}, ${n(1)})`;
      case 'mod':
        return `rt.mod(${n(0)}, ${n(1)})`;
      case 'neg':
        return inRange(this, `(-${n(0)})`, e.type);
      case 'abs':
        return inRange(this, `Math.abs(${n(0)})`, e.type);
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
        return caseOf(this, e, row, (x) => this.num(x, row));
      case 'date_trunc':
        return dateTrunc(this, e, row);
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
        return castToNumber(this, e, row);
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
        return compare(this, e, row);
      case 'in':
        return inList(this, e, row);
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
        return caseOf(this, e, row, (x) => this.bool(x, row));
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
        return caseOf(this, e, row, (x) => this.str(x, row));
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

  /** a << b / a <<= b; an address column against a constant network compares masked words. */
  private within(a: Expr, b: Expr, strict: boolean, row: string): string {
    if (a.kind === 'column' && this.b.physical[a.name] === 'addr' && b.kind === 'const' && b.value !== null) {
      return columnWithin(this.b, a.name, b.value as CidrValue, strict, this.slot(a.name, row));
    }
    const p = this.inet(a, row);
    const q = this.inet(b, row);
    return `rt.inetWithin(${p.arr}, ${p.off}, ${p.bits}, ${q.arr}, ${q.off}, ${q.bits}, ${strict})`;
  }
}
