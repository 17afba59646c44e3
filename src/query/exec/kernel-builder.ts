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
  private readonly addrLifts = new Map<Expr, { marks: string; decide: string }>();

  /**
   * `dictColumns`: address columns this kernel reads in dictionary form (address-dicts.ts): their
   * 16 bytes sit at an entry of the dictionary, found through the row's index. `keyedColumns`:
   * numeric columns it reads in keyed form (keyed-columns.ts): a table value, through the row's index.
   * `codedColumns`: those of them whose rows reach the table through `KeyedColumn.codes`.
   */
  constructor(
    readonly physical: Readonly<Record<string, PhysicalType>>,
    readonly dictColumns: ReadonlySet<string> = new Set(),
    readonly keyedColumns: ReadonlySet<string> = new Set(),
    readonly codedColumns: ReadonlySet<string> = new Set(),
  ) {}

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

  /** Row `row`'s value of numeric column `name` (through its index in keyed form). */
  value(name: string, row: string): string {
    if (!this.keyedColumns.has(name)) return `${this.column(name)}[${row}]`;
    return `${this.keyedTable(name)}[${this.keyedSlot(name, row)}]`;
  }

  /** Row `row`'s index into a keyed column's table (through its code when coded). */
  keyedSlot(name: string, row: string): string {
    const slot = `${this.keyedIndexes(name)}[${row}]`;
    if (!this.codedColumns.has(name)) return slot;
    const k = this.keyed(name);
    return `${this.once(`kc:${name}`, (v) => `const ${v} = ${k}.codes;`)}[${slot}]`;
  }

  /** A keyed column (keyed form only). */
  keyed(name: string): string {
    return this.once(`k:${name}`, (v) => `const ${v} = job.keyed[${JSON.stringify(name)}];`);
  }

  /** A keyed column's values, one per index. */
  keyedTable(name: string): string {
    const k = this.keyed(name);
    return this.once(`kt:${name}`, (v) => `const ${v} = ${k}.table;`);
  }

  /** The rows' indexes into a keyed column's table. */
  keyedIndexes(name: string): string {
    const k = this.keyed(name);
    return this.once(`kx:${name}`, (v) => `const ${v} = ${k}.indexes;`);
  }

  /**
   * Per-entry decisions key on a column's entries: an address dictionary's or a keyed column's.
   * `slot` is row `row`'s entry, `size` the number of entries in this job.
   */
  entrySlot(name: string, row: string): string {
    if (this.keyedColumns.has(name)) return this.keyedSlot(name, row);
    return this.addrSlot(name, row);
  }

  entryCount(name: string): string {
    if (this.keyedColumns.has(name)) return `${this.keyed(name)}.size`;
    return `${this.addressDict(name)}.size`;
  }

  dict(name: string): string {
    return this.once(`d:${name}`, (v) => `const ${v} = job.dicts[${JSON.stringify(name)}] ?? rt.EMPTY_DICT;`);
  }

  /** An address column as int32 words (4 per row, or per dictionary entry in dictionary form). */
  words(name: string): string {
    if (this.dictColumns.has(name))
      return this.once(`w:${name}`, (v) => `const ${v} = rt.entryWords(${this.addressDict(name)});`);
    const col = this.column(name);
    return this.once(`w:${name}`, (v) => `const ${v} = rt.words(${col}, n);`);
  }

  /** The bytes of an address column: its rows, or its dictionary's entries. */
  addrBytes(name: string): string {
    if (!this.dictColumns.has(name)) return this.column(name);
    return this.once(`e:${name}`, (v) => `const ${v} = ${this.addressDict(name)}.entries;`);
  }

  /** Where row `row`'s address is in `addrBytes`/`words` (in 16-byte units): the row, or its index. */
  addrSlot(name: string, row: string): string {
    if (!this.dictColumns.has(name)) return row;
    return `${this.indexes(name)}[${row}]`;
  }

  /** An address column's dictionary (dictionary form only). */
  addressDict(name: string): string {
    return this.once(`ad:${name}`, (v) => `const ${v} = job.addressDicts[${JSON.stringify(name)}];`);
  }

  /** The rows' indexes into an address column's dictionary (dictionary form only). */
  indexes(name: string): string {
    const dict = this.addressDict(name);
    return this.once(`x:${name}`, (v) => `const ${v} = ${dict}.indexes;`);
  }

  env(): string {
    return this.once('env', (v) => `const ${v} = rt.rowEnv(job, spec.physical);`);
  }

  /** The interpreter's view of one dictionary entry of an address column (per-entry code). */
  entryEnv(name: string): string {
    if (this.keyedColumns.has(name)) {
      const table = this.keyedTable(name);
      return this.once(`ee:${name}`, (v) => `const ${v} = rt.keyedEnv(${JSON.stringify(name)}, ${table});`);
    }
    const bytes = this.addrBytes(name);
    return this.once(`ee:${name}`, (v) => `const ${v} = rt.entryEnv(${JSON.stringify(name)}, ${bytes});`);
  }

  /**
   * A condition over one address column in dictionary form (or one keyed column), decided once
   * per entry a row uses:
   * `marks` (0 not yet, 1 false, 2 true per entry; zeroed per job) and `decide(entry)`, whose body
   * `code()` generates (it is asked for once per expression).
   */
  addressLift(e: Expr, name: string, code: () => string): { marks: string; decide: string } {
    let vars = this.addrLifts.get(e);
    if (vars !== undefined) return vars;
    const id = this.addrLifts.size;
    const holder = this.konst({ buf: null });
    vars = { marks: `AL${id}`, decide: `ALf${id}` };
    this.addrLifts.set(e, vars);
    const body = code();
    this.prelude.push(
      `const ${vars.marks} = rt.zeroedBytes(${holder}, ${this.entryCount(name)});`,
      `const ${vars.decide} = (x) => ${body};`,
    );
    return vars;
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
