import type { Cell, QueryResponse } from '../../app/api.js';
import { type Column, DataTable } from '../../components/DataTable.js';
import { Empty } from '../../components/Empty.js';

const numeric = new Set(['int2', 'int4', 'int8', 'numeric', 'float8']);

/** A query's result: its rows sortable and paged (50 a page), NULL shown as such, and its stats. */
export function ResultView(props: { result: QueryResponse }) {
  const { result } = props;
  const columns: Column<readonly Cell[]>[] = result.fields.map((f, i) => ({
    key: String(i),
    label: f.name,
    title: f.type,
    align: numeric.has(f.type) ? 'right' : 'left',
    value: (row) => (numeric.has(f.type) && typeof row[i] === 'string' ? Number(row[i]) : row[i]),
    render: (row) => (row[i] === null ? <span class="null">NULL</span> : String(row[i])),
  }));
  const stats = result.stats as {
    elapsedMs?: number;
    jobs?: number;
    memoHits?: number;
    rowsScanned?: number;
  } | null;
  return (
    <div class="result">
      <div class="result-head">
        <span data-command={result.command}>
          {result.command} · {result.rows.length} {result.rows.length === 1 ? 'row' : 'rows'}
        </span>
        {stats !== null && stats.elapsedMs !== undefined && (
          <span class="stats">
            {Math.round(stats.elapsedMs)} ms · {stats.rowsScanned ?? 0} rows scanned · {stats.jobs ?? 0} jobs
            ({stats.memoHits ?? 0} from the memo)
          </span>
        )}
      </div>
      {result.fields.length === 0 ? (
        <Empty title="The statement returns no columns" />
      ) : (
        <DataTable
          label="Result"
          columns={columns}
          rows={result.rows}
          pageSize={50}
          empty={<Empty title="No rows">The query ran and matched nothing.</Empty>}
        />
      )}
    </div>
  );
}
