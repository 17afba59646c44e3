import type { Expr } from '../plan/plan.js';
import { InternTable } from './intern-table.js';
import { type EvalEnv, evalExpr } from './interpret.js';
import type { IValue } from './values.js';

/**
 * Dictionary lifting: an expression over a single string column (src_geo = 'US', http_host LIKE
 * '%.example.com', lower(http_host), …) is evaluated once per dictionary entry of the job, and
 * the kernel reads the result by code. Errors are kept per entry and raised only if a row with
 * that code reaches the expression.
 */
export interface Lifted {
  /** bool: 0/1; number: the value; text: a code into `table`. */
  readonly values: Uint8Array | Float64Array | Int32Array;
  readonly errors: Map<number, unknown> | null;
  readonly table: readonly string[] | null;
}

class DictEnv implements EvalEnv {
  code = 0;
  constructor(
    private readonly name: string,
    private readonly dict: readonly string[],
  ) {}
  column(name: string): IValue {
    if (name !== this.name) throw new Error(`lifted expression reads ${name}`);
    return this.dict[this.code]!;
  }
  key(): IValue {
    throw new Error('group key in a lifted expression');
  }
  agg(): IValue {
    throw new Error('aggregate in a lifted expression');
  }
}

export function lift(
  e: Expr,
  column: string,
  dict: readonly string[],
  kind: 'bool' | 'num' | 'text',
): Lifted {
  const n = dict.length;
  const env = new DictEnv(column, dict);
  const values =
    kind === 'bool' ? new Uint8Array(n) : kind === 'num' ? new Float64Array(n) : new Int32Array(n);
  const intern = kind === 'text' ? new InternTable() : null;
  let errors: Map<number, unknown> | null = null;
  for (let code = 0; code < n; code++) {
    env.code = code;
    let v: IValue;
    try {
      v = evalExpr(e, env);
    } catch (err) {
      errors ??= new Map();
      errors.set(code, err);
      continue;
    }
    if (kind === 'bool') values[code] = v === true ? 1 : 0;
    else if (kind === 'num') values[code] = Number(v);
    else values[code] = intern!.code(v as string);
  }
  return { values, errors, table: intern?.strings ?? null };
}

/** The lifted value of `code`, raising the error its dictionary entry gave. */
export function liftedValue(
  values: ArrayLike<number>,
  errors: Map<number, unknown> | null,
  code: number,
): number {
  if (errors?.has(code)) throw errors.get(code);
  return values[code]!;
}
