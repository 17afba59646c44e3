import { loadModule, parseSync } from 'libpg-query';
import { QueryError, SqlState } from '../errors.js';
import { maxNesting, nestingEstimate, tooDeepMessage } from './nesting.js';
import { stringIndex } from './positions.js';

export interface ParsedStatement {
  /** The statement node of libpg-query's result, e.g. { SelectStmt: … }. */
  readonly stmt: unknown;
  /**
   * The statement's own text; the node's locations are byte offsets into it (for a single
   * statement it is the whole query string).
   */
  readonly text: string;
}

let loaded: Promise<void> | undefined;

export function loadSqlParser(): Promise<void> {
  loaded ??= loadModule();
  return loaded;
}

interface RawStmt {
  stmt?: unknown;
  stmt_location?: number;
  stmt_len?: number;
}

/** Parses a query string into its statements; empty input (or only comments) gives none. */
export function parseStatements(sql: string): ParsedStatement[] {
  const stmts = parseRaw(sql);
  if (stmts.length === 1) return [{ stmt: stmts[0]!.stmt, text: sql }];
  return stmts.map((raw) => {
    const start = raw.stmt_location ?? 0;
    const from = stringIndex(sql, start);
    const to = raw.stmt_len ? stringIndex(sql, start + raw.stmt_len) : sql.length;
    const text = sql.slice(from, to);
    // Re-parsed alone so that the node's locations are offsets into its own text.
    const own = parseRaw(text);
    return { stmt: own[0]?.stmt ?? raw.stmt, text };
  });
}

function parseRaw(sql: string): RawStmt[] {
  if (sql.trim() === '') return [];
  // Checked before parsing: libpg-query's WebAssembly stack overflows near 7 000 levels.
  if (sql.length > maxNesting && nestingEstimate(sql) > maxNesting) {
    throw new QueryError(SqlState.statementTooComplex, tooDeepMessage);
  }
  try {
    return (parseSync(sql).stmts ?? []) as RawStmt[];
  } catch (err) {
    throw parserError(err);
  }
}

function parserError(err: unknown): QueryError {
  if (err instanceof RangeError) {
    return new QueryError(SqlState.statementTooComplex, 'statement is too complex: nesting is too deep');
  }
  const message = err instanceof Error ? err.message : String(err);
  const details = (err as { sqlDetails?: { cursorPosition?: number } }).sqlDetails;
  // libpg-query's cursorPosition is PostgreSQL's character position made 0-based.
  const position = details?.cursorPosition !== undefined ? details.cursorPosition + 1 : undefined;
  const tooDeep = /memory exhausted|stack depth limit exceeded/.test(message);
  const code = tooDeep ? SqlState.statementTooComplex : SqlState.syntaxError;
  return new QueryError(code, message, { position });
}
