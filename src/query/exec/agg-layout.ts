import { QueryError, SqlState } from '../errors.js';
import type { SqlType } from '../sql-types.js';
import type { KernelAggregate, PhysicalType } from './job-contract.js';
import type { StateArraySpec } from './kernel-state.js';
import { encodingOf, type WordEncoding } from './key-layout.js';

/**
 * How one aggregate is computed and carried: the kernel's state arrays, the partial's shape, the
 * coordinator's merge. Derived from the spec alone, so every thread agrees.
 */
export interface AggLayout {
  readonly kind: 'count' | 'sum' | 'avg' | 'minmax' | 'distinct' | 'hll' | 'percentile';
  /** sum/avg over float8/numeric values (else exact integer sums). */
  readonly float: boolean;
  /** FILTER (WHERE …) present: sum/avg count their rows to know NULL from zero. */
  readonly filtered: boolean;
  /** min/max: how values are held; distinct: the value's word encoding. */
  readonly values: 'num' | 'text' | 'inet' | undefined;
  readonly encoding: WordEncoding | undefined;
  readonly max: boolean;
  readonly argType: SqlType | undefined;
  /** Unsigned integer argument (a u8…u64 column): sums cannot go negative. */
  readonly unsigned: boolean;
}

const floatTypes = new Set<SqlType>(['float8', 'numeric', 'interval']);

export function aggLayout(agg: KernelAggregate, physical: Readonly<Record<string, PhysicalType>>): AggLayout {
  const arg = agg.arg;
  const argType = arg?.type;
  const base = {
    float: argType !== undefined && floatTypes.has(argType),
    filtered: agg.filter !== undefined,
    values: undefined,
    encoding: undefined,
    max: false,
    argType,
    unsigned: arg?.kind === 'column' && physical[arg.name] !== undefined && physical[arg.name] !== 'string',
  };
  switch (agg.fn) {
    case 'count':
      return { ...base, kind: 'count' };
    case 'sum':
    case 'avg':
      return { ...base, kind: agg.fn };
    case 'min':
    case 'max': {
      const values = argType === 'text' ? 'text' : argType === 'inet' || argType === 'cidr' ? 'inet' : 'num';
      if (argType === 'bool') {
        throw new QueryError(SqlState.undefinedFunction, `function ${agg.fn}(boolean) does not exist`);
      }
      return { ...base, kind: 'minmax', values, max: agg.fn === 'max' };
    }
    case 'count_distinct':
      return { ...base, kind: 'distinct', encoding: encodingOf(arg!, physical) };
    case 'approx_count_distinct':
      return { ...base, kind: 'hll' };
    case 'percentile_cont':
      return { ...base, kind: 'percentile', encoding: 'f64' };
  }
}

/** The group-indexed typed arrays aggregate j keeps in a kernel (named A/H/N + j in the code). */
export function stateArrays(j: number, layout: AggLayout): StateArraySpec[] {
  const f64 = (name: string, fill = 0): StateArraySpec => ({ name: `${name}${j}`, type: 'f64', fill });
  switch (layout.kind) {
    case 'count':
      return [f64('A')];
    case 'sum':
    case 'avg': {
      const out = [f64('A')];
      if (!layout.float) out.push(f64('H'));
      if (layout.kind === 'avg' || layout.filtered) out.push(f64('N'));
      return out;
    }
    case 'minmax':
      if (layout.values === 'num') return [f64('A', Number.NaN)];
      if (layout.values === 'text') return [{ name: `A${j}`, type: 'i32', fill: -1 }];
      return [];
    default:
      return [];
  }
}
