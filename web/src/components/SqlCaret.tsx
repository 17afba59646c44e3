import { caretOf } from '../../../src/portal/query-caret.js';

/** The line of `sql` holding the 1-based character `position`, that character underlined. */
export function SqlCaret(props: { sql: string; position: number }) {
  const caret = caretOf(props.sql, props.position);
  if (caret === undefined) return null;
  return (
    <pre class="sql-caret">
      <span class="sql-caret-label">LINE {caret.line}: </span>
      {caret.before}
      <u class="sql-caret-at">{caret.at}</u>
      {caret.after}
    </pre>
  );
}
