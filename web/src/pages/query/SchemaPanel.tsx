import { useEffect, useState } from 'preact/hooks';
import { groupColumns, schemaSql, type TableColumns } from '../../../../src/portal/query-schema.js';
import { query } from '../../app/api.js';
import { ErrorBox } from '../../components/ErrorBox.js';
import { Loading } from '../../components/Loading.js';

/**
 * The tables the user can query and their columns, read from information_schema through the API
 * (docs/pg.md); a click on a name writes it into the SQL box.
 */
export function SchemaPanel(props: { onPick: (text: string) => void }) {
  const [tables, setTables] = useState<TableColumns[] | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  useEffect(() => {
    const abort = new AbortController();
    query(schemaSql, { signal: abort.signal }).then(
      (r) => setTables(groupColumns(r.rows)),
      (err: unknown) => !abort.signal.aborted && setError(err),
    );
    return () => abort.abort();
  }, []);
  if (error !== undefined) return <ErrorBox error={error} />;
  if (tables === undefined) return <Loading label="Reading the schema…" />;
  return (
    <nav class="schema" aria-label="Schema">
      {tables.map((t) => (
        <details key={t.name} open={t.name === 'all_devices'}>
          <summary>
            <button type="button" class="link table-name" onClick={() => props.onPick(t.sqlName)}>
              {t.name}
            </button>
          </summary>
          <ul>
            {t.columns.map((c) => (
              <li key={c.name}>
                <button type="button" class="link" onClick={() => props.onPick(c.name)}>
                  {c.name}
                </button>{' '}
                <span class="type">{c.type}</span>
              </li>
            ))}
          </ul>
        </details>
      ))}
    </nav>
  );
}
