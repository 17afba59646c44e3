import { QueryError, SqlState } from '../../errors.js';
import { type PgType, pgType } from '../pg-types.js';

/**
 * PostgreSQL's resolution of the one type of CASE, COALESCE, GREATEST / LEAST and ARRAY[…]
 * (select_common_type in parse_coerce.c): unknown literals take no part; the first known type is
 * the candidate; a later type of another category is an error (42804); a later type of the same
 * category replaces a candidate that is not its category's preferred type when the candidate casts
 * to it implicitly and not back. Only unknowns: text.
 */
export function commonType(types: readonly PgType[], what: string): PgType {
  let candidate: PgType | undefined;
  for (const type of types) {
    if (type.typname === 'unknown' || type.oid === candidate?.oid) continue;
    if (candidate === undefined) candidate = type;
    else if (type.category !== candidate.category)
      throw new QueryError(
        SqlState.datatypeMismatch,
        `${what} types ${candidate.display} and ${type.display} cannot be matched`,
      );
    else if (
      !preferred.has(candidate.typname) &&
      implicitlyCasts(candidate, type) &&
      !implicitlyCasts(type, candidate)
    )
      candidate = type;
  }
  return candidate ?? pgType('text');
}

/** pg_type.typispreferred, among the types compat knows. */
const preferred = new Set(['bool', 'text', 'oid', 'float8', 'inet', 'timestamptz', 'interval']);

const regTypes = ['regproc', 'regclass', 'regtype', 'regnamespace', 'regrole'];

/** pg_cast's implicit casts ('i') between types of one category, the ones compat meets. */
const implicit: Readonly<Record<string, readonly string[]>> = {
  int2: ['int4', 'int8', 'float4', 'float8', 'numeric', 'oid', ...regTypes],
  int4: ['int8', 'float4', 'float8', 'numeric', 'oid', ...regTypes],
  int8: ['float4', 'float8', 'numeric', 'oid', ...regTypes],
  numeric: ['float4', 'float8'],
  float4: ['float8'],
  oid: regTypes,
  ...Object.fromEntries(regTypes.map((r) => [r, ['oid']])),
  text: ['varchar', 'bpchar', 'name'],
  varchar: ['text', 'bpchar', 'name'],
  bpchar: ['text', 'varchar', 'name'],
  name: ['text'],
  timestamp: ['timestamptz'],
};

function implicitlyCasts(from: PgType, to: PgType): boolean {
  if (from.elem !== undefined && to.elem !== undefined) return false;
  return implicit[from.typname]?.includes(to.typname) ?? false;
}
