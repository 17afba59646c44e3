import { loadSqlParser, parseStatements } from '../sql/index.js';
import type { Node } from './sql/ast.js';
import { tagOf } from './sql/ast.js';

/**
 * Which transaction statement a statement is, for the wire protocol's transaction status:
 * flowlens's transactions change no data, but clients track BEGIN … COMMIT, and after an error
 * inside a block PostgreSQL accepts only the statements that end it (IsTransactionExitStmt).
 */
export interface TransactionStatement {
  readonly kind: 'begin' | 'commit' | 'rollback' | 'rollbackTo' | 'savepoint' | 'release' | 'other';
  /** COMMIT / ROLLBACK AND CHAIN: a new block starts at once. */
  readonly chain: boolean;
  /** COMMIT, ROLLBACK, ROLLBACK TO SAVEPOINT (and PREPARE TRANSACTION): allowed in a failed block. */
  readonly exitsFailedBlock: boolean;
}

const kinds: Readonly<Record<string, TransactionStatement['kind']>> = {
  TRANS_STMT_BEGIN: 'begin',
  TRANS_STMT_START: 'begin',
  TRANS_STMT_COMMIT: 'commit',
  TRANS_STMT_ROLLBACK: 'rollback',
  TRANS_STMT_ROLLBACK_TO: 'rollbackTo',
  TRANS_STMT_SAVEPOINT: 'savepoint',
  TRANS_STMT_RELEASE: 'release',
};

const exits = new Set([
  'TRANS_STMT_COMMIT',
  'TRANS_STMT_ROLLBACK',
  'TRANS_STMT_ROLLBACK_TO',
  'TRANS_STMT_PREPARE',
]);

/**
 * The transaction statement one statement's text is, or undefined for any other statement. A
 * syntax error throws its QueryError (42601), which PostgreSQL reports even in a failed block.
 */
export async function transactionStatement(sql: string): Promise<TransactionStatement | undefined> {
  await loadSqlParser();
  const stmt = parseStatements(sql)[0]?.stmt;
  if (stmt === undefined) return undefined;
  const [tag, body] = tagOf(stmt as Node);
  if (tag !== 'TransactionStmt') return undefined;
  const kind = String(body.kind);
  return { kind: kinds[kind] ?? 'other', chain: body.chain === true, exitsFailedBlock: exits.has(kind) };
}
