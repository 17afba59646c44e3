import { SqlState } from '../errors.js';
import { type Fields, location, nodeType } from './ast.js';
import type { ErrorSite } from './errors.js';

/** Refuses statements and SELECT clauses flowlens does not run, naming them (0A000). */

const statementNames: Readonly<Record<string, [string, string]>> = {
  InsertStmt: ['INSERT', 'insert'],
  UpdateStmt: ['UPDATE', 'update'],
  DeleteStmt: ['DELETE', 'delete'],
  MergeStmt: ['MERGE', 'merge'],
  CreateStmt: ['CREATE TABLE', 'create'],
  CreateTableAsStmt: ['CREATE TABLE AS', 'create'],
  DropStmt: ['DROP', 'drop'],
  AlterTableStmt: ['ALTER TABLE', 'alter'],
  TruncateStmt: ['TRUNCATE', 'truncate'],
  CopyStmt: ['COPY', 'copy'],
  ExplainStmt: ['EXPLAIN', 'explain'],
};

export function unsupportedStatement(type: string, site: ErrorSite): Error {
  const [name, keyword] = statementNames[type] ?? [
    type
      .replace(/Stmt$/, '')
      .replace(/([a-z])([A-Z])/g, '$1 $2')
      .toUpperCase(),
    '',
  ];
  const message = `${name} is not supported: flowlens runs SELECT queries only`;
  return site.atKeyword(SqlState.featureNotSupported, message, keyword || '\\S+');
}

export function checkSelectClauses(s: Fields, site: ErrorSite): void {
  const no = (message: string, loc: number) => site.at(SqlState.featureNotSupported, message, loc);
  if (s.op !== undefined && s.op !== 'SETOP_NONE') {
    const word = String(s.op).replace('SETOP_', '');
    throw site.atKeyword(SqlState.featureNotSupported, `${word} is not supported`, word.toLowerCase());
  }
  if (s.withClause !== undefined) {
    throw site.atKeyword(
      SqlState.featureNotSupported,
      'WITH (common table expressions) is not supported',
      'with',
    );
  }
  if (s.valuesLists !== undefined) {
    throw site.atKeyword(SqlState.featureNotSupported, 'VALUES lists are not supported', 'values');
  }
  if (s.intoClause !== undefined) {
    throw site.atKeyword(SqlState.featureNotSupported, 'SELECT INTO is not supported', 'into');
  }
  if (s.lockingClause !== undefined) {
    throw site.atKeyword(SqlState.featureNotSupported, 'FOR UPDATE/SHARE is not supported', 'for');
  }
  if (Array.isArray(s.windowClause) && s.windowClause.length > 0) {
    throw no('window functions are not supported', location(s.windowClause[0]));
  }
  if (s.limitOption === 'LIMIT_OPTION_WITH_TIES') {
    throw site.atKeyword(SqlState.featureNotSupported, 'FETCH … WITH TIES is not supported', 'ties');
  }
  const distinct = s.distinctClause;
  if (Array.isArray(distinct) && distinct.some((d) => nodeType(d) !== '')) {
    throw no('SELECT DISTINCT ON is not supported', location(distinct[0]));
  }
}
