import './query.css';
import { useEffect, useRef, useState } from 'preact/hooks';
import { type QueryResponse, query } from '../../app/api.js';
import { setSearch, useLocation } from '../../app/router.js';
import { ErrorBox } from '../../components/ErrorBox.js';
import { Loading } from '../../components/Loading.js';
import { ResultView } from './ResultView.js';
import { SchemaPanel } from './SchemaPanel.js';

const example =
  "SELECT src_as, sum(in_pkts) AS f_sum_in_pkts FROM all_devices\nWHERE i_start_time >= now() - interval '5 min'\nGROUP BY src_as ORDER BY f_sum_in_pkts DESC LIMIT 10";

/** Larger answers are refused in the browser (the server aborts the query): add a LIMIT. */
const maxResultBytes = 64 * 1024 * 1024;

type Run =
  | { readonly state: 'idle' }
  | { readonly state: 'running'; readonly sql: string }
  | { readonly state: 'done'; readonly sql: string; readonly result: QueryResponse }
  | { readonly state: 'failed'; readonly sql: string; readonly error: unknown };

/**
 * A SQL box with the schema beside it. The statement is in the URL (`/query?sql=…`, what the
 * Explorer's "Open in Query" links to) and runs when the page opens with one; Run or Ctrl+Enter
 * runs what is in the box.
 */
export default function QueryPage() {
  const { search } = useLocation();
  const urlSql = search.get('sql') ?? '';
  const [text, setText] = useState(urlSql === '' ? example : urlSql);
  const [run, setRun] = useState<Run>({ state: 'idle' });
  const [generation, setGeneration] = useState(0);
  const box = useRef<HTMLTextAreaElement>(null);
  useEffect(() => setText(urlSql === '' ? example : urlSql), [urlSql]);
  useEffect(() => {
    if (urlSql.trim() === '') return;
    const abort = new AbortController();
    setRun({ state: 'running', sql: urlSql });
    query(urlSql, { signal: abort.signal, maxBytes: maxResultBytes }).then(
      (result) => setRun({ state: 'done', sql: urlSql, result }),
      (error: unknown) => !abort.signal.aborted && setRun({ state: 'failed', sql: urlSql, error }),
    );
    return () => abort.abort();
  }, [urlSql, generation]);
  const submit = () => {
    if (text === urlSql) setGeneration((g) => g + 1);
    else setSearch(new URLSearchParams({ sql: text }));
  };
  const insert = (word: string) => {
    const el = box.current;
    if (el === null) return;
    const at = el.selectionStart;
    setText(text.slice(0, at) + word + text.slice(el.selectionEnd));
    requestAnimationFrame(() => {
      el.focus();
      el.selectionStart = el.selectionEnd = at + word.length;
    });
  };
  return (
    <div class="query-page">
      <aside class="panel schema-panel">
        <SchemaPanel onPick={insert} />
      </aside>
      <section class="query-main">
        <form
          class="panel"
          onSubmit={(e) => {
            e.preventDefault();
            submit();
          }}
        >
          <textarea
            ref={box}
            class="sql"
            name="sql"
            aria-label="SQL"
            spellcheck={false}
            rows={8}
            value={text}
            onInput={(e) => setText(e.currentTarget.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
                e.preventDefault();
                submit();
              }
            }}
          />
          <div class="toolbar">
            <button type="submit" class="primary" disabled={run.state === 'running'}>
              Run
            </button>
            <span class="muted">Ctrl+Enter · PostgreSQL dialect (docs/query.md)</span>
          </div>
        </form>
        <section class="panel" aria-label="Result" data-state={run.state}>
          {run.state === 'idle' && <span class="muted">Write a statement and run it.</span>}
          {run.state === 'running' && <Loading label="Running…" />}
          {run.state === 'failed' && <ErrorBox error={run.error} sql={run.sql} />}
          {run.state === 'done' && <ResultView result={run.result} />}
        </section>
      </section>
    </div>
  );
}
