/**
 * Errors a query can end with. Each carries a PostgreSQL SQLSTATE, so psql, drivers and the REST
 * API report the same stable code, and, where it points at the query text, the 1-based character
 * position PostgreSQL's ErrorResponse uses (field P).
 */
export const SqlState = {
  syntaxError: '42601',
  featureNotSupported: '0A000',
  undefinedTable: '42P01',
  undefinedColumn: '42703',
  undefinedFunction: '42883',
  datatypeMismatch: '42804',
  groupingError: '42803',
  ambiguousColumn: '42702',
  invalidColumnReference: '42P10',
  undefinedParameter: '42P02',
  insufficientPrivilege: '42501',
  invalidTextRepresentation: '22P02',
  invalidParameterValue: '22023',
  divisionByZero: '22012',
  invalidRegularExpression: '2201B',
  invalidRowCountInLimitClause: '2201W',
  invalidRowCountInResultOffsetClause: '2201X',
  cardinalityViolation: '21000',
  numericValueOutOfRange: '22003',
  datetimeFieldOverflow: '22008',
  programLimitExceeded: '54000',
  statementTooComplex: '54001',
  tooManyConnections: '53300',
  configurationLimitExceeded: '53400',
  queryCanceled: '57014',
  adminShutdown: '57P01',
  invalidPassword: '28P01',
  invalidAuthorization: '28000',
  protocolViolation: '08P01',
  invalidSqlStatementName: '26000',
  undefinedObject: '42704',
  activeSqlTransaction: '25001',
  noActiveSqlTransaction: '25P01',
  inFailedSqlTransaction: '25P02',
  cantChangeRuntimeParam: '55P02',
  ioError: '58030',
  dataCorrupted: 'XX001',
  internalError: 'XX000',
} as const;

export type SqlStateCode = (typeof SqlState)[keyof typeof SqlState];

export interface QueryErrorOptions {
  /** 1-based character position in the query text the error is about. */
  readonly position?: number | undefined;
  readonly detail?: string | undefined;
  readonly hint?: string | undefined;
  /** For rate limits: milliseconds after which a retry should succeed. */
  readonly retryAfterMs?: number | undefined;
}

export class QueryError extends Error {
  readonly code: SqlStateCode;
  readonly position: number | undefined;
  readonly detail: string | undefined;
  readonly hint: string | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(code: SqlStateCode, message: string, options: QueryErrorOptions = {}) {
    super(message);
    this.name = 'QueryError';
    this.code = code;
    this.position = options.position;
    this.detail = options.detail;
    this.hint = options.hint;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** Any error as a QueryError: ours pass through, anything else is an internal error (XX000). */
export function asQueryError(err: unknown): QueryError {
  if (err instanceof QueryError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new QueryError(SqlState.internalError, `internal error: ${message}`);
}
