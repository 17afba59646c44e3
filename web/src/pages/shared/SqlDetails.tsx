import type { Statement } from '../../../../src/portal/devices-sql.js';
import { statementText } from '../../../../src/portal/pages-statement.js';
import { href, Link } from '../../app/router.js';

/** The statements behind a page, folded, each with a link that opens it in the Query page. */
export function SqlDetails(props: { statements: readonly Statement[]; note?: string }) {
  if (props.statements.length === 0) return null;
  return (
    <details class="panel sql-details">
      <summary>SQL behind this page ({props.statements.length})</summary>
      {props.note !== undefined && <p class="note">{props.note}</p>}
      {props.statements.map((st) => {
        const text = statementText(st);
        return (
          <div key={text}>
            <pre>{text}</pre>
            <Link href={href('/query', new URLSearchParams({ sql: text }))}>Open in Query</Link>
          </div>
        );
      })}
    </details>
  );
}
