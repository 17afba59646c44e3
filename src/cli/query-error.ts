/** An error as the REST API (or the engine) reports it. */
export interface ErrorReport {
  readonly code: string;
  readonly message: string;
  readonly position?: number | undefined;
  readonly detail?: string | undefined;
  readonly hint?: string | undefined;
}

/**
 * psql's verbose error form: `ERROR:  SQLSTATE: message`, then, when the error points into the
 * query, its line with a caret under the character (`position` is 1-based, in characters), then
 * DETAIL and HINT lines.
 */
export function formatError(err: ErrorReport, sql: string): string {
  const lines = [`ERROR:  ${err.code}: ${err.message}`];
  if (err.position !== undefined && err.position >= 1) {
    const chars = [...sql];
    const before = chars.slice(0, Math.min(err.position - 1, chars.length)).join('');
    const lineNo = before.split('\n').length;
    const column = [...before.slice(before.lastIndexOf('\n') + 1)].length;
    const text = sql.split('\n')[lineNo - 1] ?? '';
    const prefix = `LINE ${lineNo}: `;
    lines.push(`${prefix}${text}`, `${' '.repeat(prefix.length + column)}^`);
  }
  if (err.detail !== undefined) lines.push(`DETAIL:  ${err.detail}`);
  if (err.hint !== undefined) lines.push(`HINT:  ${err.hint}`);
  return `${lines.join('\n')}\n`;
}
