import type { QueryResult, QuerySession } from '../api.js';
import { QueryError, SqlState } from '../errors.js';
import { formatDuration, parseDuration, settingDef, settingDefs, settingValue } from './settings.js';
import type { Node } from './sql/ast.js';
import { constValue } from './sql/ast.js';
import { parseBool, quoteIdent } from './sql/values.js';

const done = (command: string): QueryResult => ({ fields: [], rows: [], command });

/** Settings a client sets that flowlens can honour only with one value. */
function normalized(name: string, value: string): string {
  const def = settingDef(name);
  const bad = () =>
    new QueryError(
      SqlState.invalidParameterValue,
      `invalid value for parameter "${def?.name ?? name}": "${value}"`,
    );
  switch (name) {
    case 'datestyle': {
      if (/\b(sql|postgres|german)\b/i.test(value))
        throw new QueryError(
          SqlState.featureNotSupported,
          `flowlens prints dates in ISO style only, not "${value}"`,
        );
      const order = /\b(dmy|ymd|mdy|euro|us|european|noneuropean)\b/i.exec(value)?.[0]?.toLowerCase();
      const mapped =
        order === undefined
          ? 'MDY'
          : ({ euro: 'DMY', european: 'DMY', us: 'MDY', noneuropean: 'MDY' }[order] ?? order.toUpperCase());
      return `ISO, ${mapped}`;
    }
    case 'intervalstyle':
      if (value.toLowerCase() !== 'postgres')
        throw new QueryError(
          SqlState.featureNotSupported,
          `flowlens prints intervals in the postgres style only, not "${value}"`,
        );
      return 'postgres';
    case 'client_encoding': {
      const v = value.toUpperCase().replace(/[-_]/g, '');
      if (v === 'UTF8' || v === 'UNICODE') return 'UTF8';
      if (v === 'SQLASCII') return 'SQL_ASCII';
      throw new QueryError(
        SqlState.featureNotSupported,
        `flowlens sends UTF8 only; client encoding "${value}" is not supported`,
      );
    }
    case 'extra_float_digits': {
      const n = Number(value);
      if (!Number.isInteger(n) || n < -15 || n > 3)
        throw new QueryError(
          SqlState.invalidParameterValue,
          `${value} is outside the valid range for parameter "extra_float_digits" (-15 .. 3)`,
        );
      return String(n);
    }
    case 'statement_timeout':
    case 'lock_timeout':
    case 'idle_in_transaction_session_timeout': {
      const ms = parseDuration(value);
      if (ms === undefined) throw bad();
      return formatDuration(ms);
    }
  }
  if (def?.vartype === 'bool') {
    try {
      return parseBool(value) ? 'on' : 'off';
    } catch {
      throw new QueryError(
        SqlState.invalidParameterValue,
        `parameter "${def.name}" requires a Boolean value`,
      );
    }
  }
  return value;
}

/** SET name = value (undefined: back to the default). */
export function setSetting(session: QuerySession, name: string, value: string | undefined): void {
  const key = name.toLowerCase();
  const def = settingDef(key);
  if (def?.context === 'internal')
    throw new QueryError(SqlState.cantChangeRuntimeParam, `parameter "${def.name}" cannot be changed`);
  if (key === 'session_authorization' || key === 'role')
    throw new QueryError(
      SqlState.insufficientPrivilege,
      `permission denied to set ${key === 'role' ? 'role' : 'session authorization'}`,
    );
  if (value === undefined) session.settings.delete(key);
  else session.settings.set(key, normalized(key, value));
}

/** A SET argument's text: a literal, or a list (search_path quotes each element as needed). */
function argumentText(name: string, args: readonly Node[]): string {
  const parts = args.map((arg) => {
    const c = arg.A_Const ?? arg.TypeCast?.arg?.A_Const;
    return c === undefined ? '' : String(constValue(c));
  });
  if (name === 'search_path') return parts.map((p) => quoteIdent(p)).join(', ');
  return parts.join(', ');
}

export function answerSet(stmt: Node, session: QuerySession): QueryResult {
  const name = String(stmt.name ?? '').toLowerCase();
  switch (stmt.kind) {
    case 'VAR_SET_VALUE':
      setSetting(session, name, argumentText(name, stmt.args ?? []));
      return done('SET');
    case 'VAR_SET_DEFAULT':
      setSetting(session, name, undefined);
      return done('SET');
    case 'VAR_RESET':
      setSetting(session, name, undefined);
      return done('RESET');
    case 'VAR_RESET_ALL':
      resetAll(session);
      return done('RESET');
    default:
      // SET TRANSACTION …, SET SESSION CHARACTERISTICS …, SET … FROM CURRENT: nothing to change here.
      return done('SET');
  }
}

/** RESET ALL and DISCARD ALL: what the client set is forgotten; what the connection carries stays. */
export function resetAll(session: QuerySession): void {
  const keep = new Set(['application_name', 'client_encoding', 'datestyle', 'timezone']);
  for (const key of [...session.settings.keys()])
    if (!keep.has(key) && !key.startsWith('flowlens.')) session.settings.delete(key);
}

export function answerShow(name: string, session: QuerySession): QueryResult {
  if (name.toLowerCase() === 'all') {
    const rows = [...settingDefs]
      .sort((a, b) => (a.name.toLowerCase() < b.name.toLowerCase() ? -1 : 1))
      .map((d) => [d.name, settingValue(session, d.name) ?? '', d.description]);
    return {
      fields: [
        { name: 'name', type: 'text' },
        { name: 'setting', type: 'text' },
        { name: 'description', type: 'text' },
      ],
      rows,
      command: 'SHOW',
    };
  }
  const value = settingValue(session, name);
  if (value === undefined)
    throw new QueryError(SqlState.undefinedObject, `unrecognized configuration parameter "${name}"`);
  return {
    fields: [{ name: settingDef(name)?.name ?? name, type: 'text' }],
    rows: [[value]],
    command: 'SHOW',
  };
}

const transactionTags: Record<string, string> = {
  TRANS_STMT_BEGIN: 'BEGIN',
  TRANS_STMT_START: 'START TRANSACTION',
  TRANS_STMT_COMMIT: 'COMMIT',
  TRANS_STMT_ROLLBACK: 'ROLLBACK',
  TRANS_STMT_SAVEPOINT: 'SAVEPOINT',
  TRANS_STMT_RELEASE: 'RELEASE',
  TRANS_STMT_ROLLBACK_TO: 'ROLLBACK',
};

/** Transactions are accepted and do nothing: flowlens is read-only, every statement sees the same data. */
export function answerTransaction(stmt: Node): QueryResult {
  const tag = transactionTags[stmt.kind as string];
  if (tag === undefined)
    throw new QueryError(SqlState.featureNotSupported, 'prepared transactions are not supported');
  return done(tag);
}

export function answerDiscard(stmt: Node, session: QuerySession): QueryResult {
  const what = String(stmt.target ?? 'DISCARD_ALL').replace('DISCARD_', '');
  if (what === 'ALL') resetAll(session);
  return done(`DISCARD ${what}`);
}

export function answerDeallocate(stmt: Node): QueryResult {
  return done(stmt.isall ? 'DEALLOCATE ALL' : 'DEALLOCATE');
}
