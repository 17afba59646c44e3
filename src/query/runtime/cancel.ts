import { QueryError, SqlState } from '../errors.js';

/** PostgreSQL's own texts for a cancelled statement (SQLSTATE 57014). */
export function userCancelError(): QueryError {
  return new QueryError(SqlState.queryCanceled, 'canceling statement due to user request');
}

export function statementTimeoutError(timeoutMs?: number): QueryError {
  return new QueryError(SqlState.queryCanceled, 'canceling statement due to statement timeout', {
    detail: timeoutMs === undefined ? undefined : `the query ran longer than ${timeoutMs} ms`,
  });
}

/**
 * The error an aborted query rejects with. A QueryError reason (what QueryLimits.signalFor aborts
 * with) is kept; a platform timeout (AbortSignal.timeout) is a statement timeout; anything else —
 * a client that went away, a CancelRequest — is a cancellation by the user.
 */
export function cancelError(signal: AbortSignal): QueryError {
  const reason: unknown = signal.reason;
  if (reason instanceof QueryError) return reason;
  if (reason instanceof Error && reason.name === 'TimeoutError') return statementTimeoutError();
  return userCancelError();
}
