import { transactionStatement } from '../../query/compat/transaction.js';
import { SqlState } from '../../query/errors.js';
import { type WireError, WireErrorThrown, wireError } from './error-response.js';

/** ReadyForQuery's status: idle, in a transaction block, in a failed one. */
export type TransactionStatus = 'I' | 'T' | 'E';

/** Tags of the statements that can change the status (the others never parse a second time). */
const transactionTags = new Set(['BEGIN', 'START TRANSACTION', 'COMMIT', 'ROLLBACK', 'SAVEPOINT', 'RELEASE']);

const savepointNames = {
  savepoint: 'SAVEPOINT',
  release: 'RELEASE SAVEPOINT',
  rollbackTo: 'ROLLBACK TO SAVEPOINT',
};

/**
 * A session's transaction block as PostgreSQL runs it (xact.c), though nothing here is written:
 * BEGIN opens it, an error inside it makes it failed ('E'), where every statement but COMMIT,
 * ROLLBACK and ROLLBACK TO SAVEPOINT is refused with 25P02 until one of them ends it; COMMIT of a
 * failed block rolls back and says so. Clients (psql's prompt, drivers, pools) rely on the status.
 */
export class TransactionBlock {
  status: TransactionStatus = 'I';

  /** A statement or message ended in an error: a block fails. */
  failed(): void {
    if (this.status === 'T') this.status = 'E';
  }

  /** Refuses (25P02) what a failed block does not accept; `sql` is one statement. */
  async admit(sql: string): Promise<void> {
    if (this.status !== 'E') return;
    if ((await transactionStatement(sql))?.exitsFailedBlock === true) return;
    throw new WireErrorThrown(
      wireError(
        SqlState.inFailedSqlTransaction,
        'current transaction is aborted, commands ignored until end of transaction block',
      ),
    );
  }

  /**
   * The status after `sql` completed with `tag`, and the tag to send, with PostgreSQL's warning
   * for a BEGIN inside a block or a COMMIT / ROLLBACK outside one. Savepoints outside a block are
   * errors (25P01).
   */
  async completed(sql: string, tag: string): Promise<{ tag: string; warning?: WireError }> {
    if (!transactionTags.has(tag)) return { tag };
    const tx = await transactionStatement(sql);
    if (tx === undefined) return { tag };
    const was = this.status;
    switch (tx.kind) {
      case 'begin':
        if (was !== 'I')
          return {
            tag,
            warning: warning(SqlState.activeSqlTransaction, 'there is already a transaction in progress'),
          };
        this.status = 'T';
        return { tag };
      case 'commit':
      case 'rollback': {
        const name = `${tx.kind === 'commit' ? 'COMMIT' : 'ROLLBACK'} AND CHAIN`;
        if (was === 'I' && tx.chain) throw outsideBlock(name);
        this.status = tx.chain ? 'T' : 'I';
        if (was === 'I')
          return {
            tag,
            warning: warning(SqlState.noActiveSqlTransaction, 'there is no transaction in progress'),
          };
        return { tag: was === 'E' ? 'ROLLBACK' : tag };
      }
      case 'savepoint':
      case 'release':
      case 'rollbackTo':
        if (was === 'I') throw outsideBlock(savepointNames[tx.kind]);
        if (tx.kind === 'rollbackTo') this.status = 'T';
        return { tag };
      default:
        return { tag };
    }
  }
}

function warning(code: string, message: string): WireError {
  return { severity: 'WARNING', code, message };
}

function outsideBlock(statement: string): WireErrorThrown {
  return new WireErrorThrown(
    wireError(SqlState.noActiveSqlTransaction, `${statement} can only be used in transaction blocks`),
  );
}
