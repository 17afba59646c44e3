import type { Expr } from '../plan/plan.js';
import type { PhysicalType } from './job-contract.js';

/**
 * Collects what a generated kernel needs besides its loop: constants (passed in as K), the
 * per-job prelude (column arrays, dictionaries, address word views, lifted tables), and temporaries.
 */
export class KernelBuilder {
  readonly consts: unknown[] = [];
  readonly prelude: string[] = [];
  private temps = 0;
  private readonly vars = new Map<string, string>();
  private readonly lifts = new Map<Expr, LiftVars>();

  constructor(readonly physical: Readonly<Record<string, PhysicalType>>) {}

  /** A constant as an expression (`K[i]`). */
  konst(value: unknown): string {
    this.consts.push(value);
    return `K[${this.consts.length - 1}]`;
  }

  /** A number as a JS literal. */
  num(value: number): string {
    if (Number.isFinite(value)) return Object.is(value, -0) ? '0' : `(${String(value)})`;
    return this.konst(value);
  }

  temp(): string {
    const name = `t${this.temps++}`;
    this.prelude.push(`let ${name};`);
    return name;
  }

  /** The variable holding column `name`'s array in this job. */
  column(name: string): string {
    return this.once(`c:${name}`, (v) => `const ${v} = job.columns[${JSON.stringify(name)}];`);
  }

  dict(name: string): string {
    return this.once(`d:${name}`, (v) => `const ${v} = job.dicts[${JSON.stringify(name)}] ?? rt.EMPTY_DICT;`);
  }

  /** An address column as int32 words (4 per row). */
  words(name: string): string {
    const col = this.column(name);
    return this.once(`w:${name}`, (v) => `const ${v} = rt.words(${col}, n);`);
  }

  env(): string {
    return this.once('env', (v) => `const ${v} = rt.rowEnv(job, spec.physical);`);
  }

  /** Variables of a lifted expression's per-code table in this job. */
  lift(e: Expr, column: string, kind: 'bool' | 'num' | 'text'): LiftVars {
    let vars = this.lifts.get(e);
    if (vars !== undefined) return vars;
    const dict = this.dict(column);
    const id = this.lifts.size;
    const expr = this.konst(e);
    vars = { values: `L${id}`, errors: `LE${id}`, table: `LT${id}` };
    this.prelude.push(
      `const L${id}o = rt.lift(${expr}, ${JSON.stringify(column)}, ${dict}, ${JSON.stringify(kind)});`,
      `const ${vars.values} = L${id}o.values, ${vars.errors} = L${id}o.errors, ${vars.table} = L${id}o.table;`,
    );
    this.lifts.set(e, vars);
    return vars;
  }

  /** A per-job object created once in the prelude. */
  perJob(key: string, init: string): string {
    return this.once(key, (v) => `const ${v} = ${init};`);
  }

  private once(key: string, make: (name: string) => string): string {
    let v = this.vars.get(key);
    if (v === undefined) {
      v = `v${this.vars.size}`;
      this.vars.set(key, v);
      this.prelude.push(make(v));
    }
    return v;
  }
}

export interface LiftVars {
  readonly values: string;
  readonly errors: string;
  readonly table: string;
}
