import { href, Link } from '../../app/router.js';
import type { ExplorerData } from './useExplorerData.js';

/** The statements behind the view, as sent, each openable in the Query page. */
export function SqlPanel(props: { data: ExplorerData }) {
  const q = props.data.queries;
  const statements: [string, string | undefined][] = [
    ['Table', q.table],
    ['Chart', props.data.seriesSql],
    ['Totals', q.total],
    ['Chart totals ("other")', q.bucketTotals],
  ];
  return (
    <details class="panel sql-panel" open>
      <summary>SQL</summary>
      {statements.map(([name, sql]) =>
        sql === undefined ? null : (
          <div key={name} class="sql-statement">
            <div class="toolbar">
              <strong>{name}</strong>
              <Link href={href('/query', new URLSearchParams({ sql }))}>Open in Query</Link>
            </div>
            <pre data-sql={name}>{sql}</pre>
          </div>
        ),
      )}
    </details>
  );
}
