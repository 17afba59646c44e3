import type { QueryEngine, QuerySession } from '../../query/api.js';
import { pgTypesByOid } from '../../query/compat/pg-types.js';
import type { SqlType } from '../../query/sql-types.js';
import { sqlTypeOid } from '../../query/sql-types.js';
import { binaryParamToText } from './binary-in.js';
import { formatAt } from './frontend-messages.js';
import type { PreparedStatement } from './portal.js';

/** The SQL types a prepared statement's declared parameter OIDs name ('unknown' for 0: inferred). */
export function paramSqlTypes(statement: PreparedStatement): SqlType[] {
  return statement.paramOids.map((oid) =>
    oid === 0 ? 'unknown' : (pgTypesByOid.get(oid)?.sql ?? 'unknown'),
  );
}

/**
 * Bind's parameter values in text form; a binary value of a parameter the client left untyped is
 * read as the type the engine infers for it.
 */
export async function paramsAsText(
  engine: QueryEngine,
  session: QuerySession,
  statement: PreparedStatement,
  params: readonly (Buffer | null)[],
  formats: readonly (0 | 1)[],
): Promise<(string | null)[]> {
  let oids = statement.paramOids;
  const binaryUntyped = params.some((p, i) => p !== null && formatAt(formats, i) === 1 && !(oids[i] ?? 0));
  if (binaryUntyped && !statement.empty) {
    const description = await engine.describe(session, statement.sql, paramSqlTypes(statement));
    oids = description.paramTypes.map((type, i) => statement.paramOids[i] || sqlTypeOid[type]);
  }
  return params.map((p, i) => {
    if (p === null) return null;
    if (formatAt(formats, i) === 0) return p.toString('utf8');
    return binaryParamToText(p, oids[i] ?? 0, i);
  });
}
