import type { ComponentChild } from 'preact';
import { useMemo, useState } from 'preact/hooks';
import { pageOf, type SortDir, type SortValue, sortedOrder } from '../../../src/portal/table-rows.js';

export interface Column<R> {
  readonly key: string;
  readonly label: string;
  /** The value sorted on (and shown when there is no `render`). */
  readonly value: (row: R) => SortValue;
  readonly render?: (row: R) => ComponentChild;
  readonly align?: 'left' | 'right';
  readonly title?: string;
}

export interface DataTableProps<R> {
  readonly columns: readonly Column<R>[];
  readonly rows: readonly R[];
  /** Rows per page (default 25). */
  readonly pageSize?: number;
  readonly initialSort?: { readonly key: string; readonly dir: SortDir };
  /** A last row (totals), one cell per column key; not sorted or paged. */
  readonly footer?: Readonly<Record<string, ComponentChild>>;
  readonly onRowClick?: (row: R) => void;
  /** Shown instead of the table when there are no rows. */
  readonly empty?: ComponentChild;
  readonly label?: string;
}

/** A table sorted by clicking a header (again to reverse) and paged; large results stay responsive. */
export function DataTable<R>(props: DataTableProps<R>) {
  const { columns, rows, pageSize = 25 } = props;
  const [sort, setSort] = useState<{ key: string; dir: SortDir } | undefined>(props.initialSort);
  const [page, setPage] = useState(0);
  const order = useMemo(() => {
    const col = columns.find((c) => c.key === sort?.key);
    return col === undefined ? undefined : sortedOrder(rows.length, (i) => col.value(rows[i]!), sort!.dir);
  }, [rows, columns, sort]);
  if (rows.length === 0 && props.empty !== undefined) return <>{props.empty}</>;
  const p = pageOf(rows.length, page, pageSize);
  const toggle = (key: string) => {
    setSort(sort?.key === key ? { key, dir: sort.dir === 'desc' ? 'asc' : 'desc' } : { key, dir: 'desc' });
    setPage(0);
  };
  const visible: R[] = [];
  for (let i = p.start; i < p.end; i++) visible.push(rows[order === undefined ? i : order[i]!]!);
  return (
    <div class="table-wrap">
      <table class="data-table" aria-label={props.label}>
        <thead>
          <tr>
            {columns.map((c) => (
              <th
                key={c.key}
                class={c.align === 'right' ? 'num' : undefined}
                title={c.title}
                aria-sort={sort?.key === c.key ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}
              >
                <button type="button" class="sort" onClick={() => toggle(c.key)}>
                  {c.label}
                  {sort?.key === c.key ? (sort.dir === 'asc' ? ' ▲' : ' ▼') : ''}
                </button>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {visible.map((row, i) => (
            <tr
              key={p.start + i}
              class={props.onRowClick ? 'clickable' : undefined}
              onClick={props.onRowClick && (() => props.onRowClick!(row))}
            >
              {columns.map((c) => (
                <td key={c.key} class={c.align === 'right' ? 'num' : undefined}>
                  {c.render ? c.render(row) : show(c.value(row))}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
        {props.footer !== undefined && (
          <tfoot>
            <tr>
              {columns.map((c) => (
                <td key={c.key} class={c.align === 'right' ? 'num' : undefined}>
                  {props.footer![c.key] ?? ''}
                </td>
              ))}
            </tr>
          </tfoot>
        )}
      </table>
      {p.pages > 1 && (
        <div class="pager">
          <button type="button" disabled={p.page === 0} onClick={() => setPage(p.page - 1)}>
            ‹ Prev
          </button>
          <span>
            rows {p.start + 1}–{p.end} of {rows.length} (page {p.page + 1} of {p.pages})
          </span>
          <button type="button" disabled={p.page === p.pages - 1} onClick={() => setPage(p.page + 1)}>
            Next ›
          </button>
        </div>
      )}
    </div>
  );
}

function show(v: SortValue): string {
  return v === null || v === undefined ? '' : String(v);
}
