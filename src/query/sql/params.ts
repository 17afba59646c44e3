import { QueryError, SqlState } from '../errors.js';
import type { SqlType } from '../sql-types.js';
import { constant, type Ir, type IrConst } from './ir.js';
import { parseTextAs } from './values/literal.js';

/**
 * $1…$n: typed by the client (Parse) or inferred from where they are first used; bound to their
 * text values when the statement runs, NULL placeholders while it is only described.
 */
export class Params {
  private readonly types: (SqlType | undefined)[] = [];
  private highest = 0;

  constructor(
    private readonly values: readonly (string | null)[] | undefined,
    private readonly declared: readonly SqlType[] | undefined,
    private readonly now: number,
  ) {}

  /** A reference to $n: a constant when its type is known, else an unknown waiting for one. */
  ref(n: number, loc: number): Ir {
    if (this.values !== undefined && n > this.values.length) {
      throw new QueryError(
        SqlState.protocolViolation,
        `bind message supplies ${this.values.length} parameters, but the statement requires at least ${n}`,
      );
    }
    this.highest = Math.max(this.highest, n);
    const declared = this.declared?.[n - 1];
    if (declared !== undefined && declared !== 'unknown') return this.bind(n, declared, loc);
    const inferred = this.types[n - 1];
    if (inferred !== undefined) return this.bind(n, inferred, loc);
    return { kind: 'unknown', type: 'unknown', text: null, param: n, loc };
  }

  /** Gives $n a type (the first use decides) and returns its value as a constant of that type. */
  resolve(n: number, type: SqlType, loc: number): IrConst {
    this.types[n - 1] ??= type;
    return this.bind(n, this.types[n - 1]!, loc);
  }

  private bind(n: number, type: SqlType, loc: number): IrConst {
    const text = this.values?.[n - 1];
    if (text === undefined || text === null) return constant(type, null, loc);
    try {
      return constant(type, parseTextAs(text, type, { now: this.now }), loc);
    } catch (err) {
      if (!(err instanceof QueryError)) throw err;
      throw new QueryError(err.code, `${err.message} (parameter $${n})`);
    }
  }

  /** The type of every parameter: declared, inferred, or text when nothing said. */
  finalTypes(): SqlType[] {
    const count = Math.max(this.highest, this.declared?.length ?? 0);
    const out: SqlType[] = [];
    for (let i = 0; i < count; i++) {
      const declared = this.declared?.[i];
      out.push(declared !== undefined && declared !== 'unknown' ? declared : (this.types[i] ?? 'text'));
    }
    return out;
  }
}
