import type { Statement } from './devices-sql.js';

/**
 * A statement as the pages show it (and the Query page runs it): its parameters written in as SQL
 * literals — numbers bare, text quoted with quotes doubled — so it can be pasted into psql.
 */
export function statementText(st: Statement): string {
  return st.sql.replace(/\$(\d+)/g, (whole, n: string) => {
    const value = st.params[Number(n) - 1];
    if (value === undefined) return whole;
    return typeof value === 'number' ? String(value) : `'${value.replace(/'/g, "''")}'`;
  });
}
